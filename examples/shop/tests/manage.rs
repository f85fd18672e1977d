//! `shop events ...`: the management commands run the shop's own handlers, on the shop's
//! store (a separate process, a real SQLite file).

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use stripe_events::store::{Claim, EventStore, SqliteStore, Status};
use stripe_events::testing::event_envelope;

#[test]
fn replay_runs_the_shops_own_handler() {
    let dir: PathBuf = std::env::temp_dir().join(format!("shop-manage-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("shop.sqlite3");
    {
        // The shop received a product.created whose handler failed.
        let store = SqliteStore::open(&db).unwrap();
        store.bind_application("shop").unwrap();
        let product = serde_json::json!({
            "id": "prod_1", "object": "product", "active": true, "created": 1712345678,
            "images": [], "livemode": false, "marketing_features": [], "metadata": {},
            "name": "Gold", "updated": 1712345678,
        });
        let body = event_envelope("evt_shop_1", "product.created", &product).to_string();
        let event = stripe_events::Event::from_slice(body.as_bytes()).unwrap();
        store.record(&event, body.as_bytes(), 1).unwrap();
        let lease = Duration::from_secs(60);
        assert_eq!(
            store.claim("evt_shop_1", 1, lease).unwrap(),
            Claim::Run { attempt: 1 }
        );
        store.fail("evt_shop_1", "the database was down").unwrap();
    }
    let shop = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_stripe-events-example-shop"))
            .args(args)
            .env("SHOP_DB", &db)
            .output()
            .unwrap()
    };
    let listed = shop(&["events", "list", "--status", "failed"]);
    assert_eq!(
        String::from_utf8_lossy(&listed.stdout),
        "evt_shop_1\tproduct.created\ttrue\tfailed\t1\tthe database was down\n"
    );
    let replayed = shop(&["events", "replay"]);
    let stdout = String::from_utf8_lossy(&replayed.stdout);
    assert!(
        replayed.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&replayed.stderr)
    );
    // The shop's own product_created handler ran (it prints this line), and nothing else.
    assert!(
        stdout.contains("product Gold created (event evt_shop_1)\n"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("evt_shop_1\tProcessed\tprocessed (1 handler(s) ran)\n"),
        "{stdout}"
    );
    let row = SqliteStore::open_existing(&db)
        .unwrap()
        .get("evt_shop_1")
        .unwrap()
        .unwrap();
    assert_eq!((row.status, row.attempts), (Status::Processed, 2));
    let shown = shop(&["events", "show", "evt_shop_1"]);
    let shown = String::from_utf8_lossy(&shown.stdout);
    let history: Vec<&str> = shown
        .lines()
        .filter(|l| l.starts_with("history: "))
        .collect();
    assert_eq!(history.len(), 4, "{shown}");
    assert_eq!(history[0], "history: 1 attempt 1 started");
    assert!(
        history[1].ends_with("failed (attempt 1): the database was down"),
        "{shown}"
    );
    assert!(history[2].ends_with("attempt 2 started"), "{shown}");
    assert!(history[3].ends_with("processed (attempt 2)"), "{shown}");
    let usage = shop(&["events", "frobnicate"]);
    assert_eq!(usage.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}
