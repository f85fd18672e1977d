//! `serve --mirror`, then `objects get|list`, as separate processes: real HTTP on 127.0.0.1,
//! product events delivered out of order (a late older update, a deletion, an update after
//! it) into a SQLite file (inline and queue mode) and PostgreSQL (skipped visibly without a
//! server).

mod support;

use std::time::{Duration, Instant};

use support::http::Conn;
use support::pg::Schema;
use support::serve::Process;

const SECRET: &str = "whsec_objects_cli";

/// A signed product event: `product_id` named `name`, event `id` of `created`.
fn product_event(
    id: &str,
    action: &str,
    created: i64,
    product_id: &str,
    name: &str,
) -> (String, String) {
    let product = serde_json::json!({
        "id": product_id, "object": "product", "active": true, "created": 1,
        "images": [], "livemode": false, "marketing_features": [], "metadata": {},
        "name": name, "updated": created,
    });
    let mut event =
        stripe_events::testing::event_envelope(id, &format!("product.{action}"), &product);
    event["created"] = created.into();
    (event.to_string(), product.to_string())
}

fn objects(args: &[&str], db: &str) -> (i32, String, String) {
    let out = support::bin()
        .arg("objects")
        .args(args)
        .args(["--db", db])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn mirror_flow(db: &str, extra: &[&str]) {
    let mut args = vec!["--mirror"];
    args.extend_from_slice(extra);
    let mut server = Process::serve(db, SECRET, &args);
    let mut conn = Conn::new(&server.addr);
    let now = stripe_events::signature::Clock::now(&stripe_events::signature::SystemClock);
    let events = [
        product_event("evt_cli_c", "created", 100, "prod_a", "First"),
        product_event("evt_cli_u2", "updated", 300, "prod_a", "Newest"),
        // Late: older than the one before it.
        product_event("evt_cli_u1", "updated", 200, "prod_a", "Older"),
        product_event("evt_cli_d", "deleted", 150, "prod_b", "Gone"),
        // Dated after the deletion: does not bring it back.
        product_event("evt_cli_u3", "updated", 160, "prod_b", "Back"),
    ];
    for (body, _) in &events {
        let signature = stripe_events::testing::generate_test_header(body.as_bytes(), SECRET, now);
        assert_eq!(conn.post(&signature, body.as_bytes()).unwrap(), 200);
    }
    let expected = "prod_a\tevt_cli_u2\t300\tlive\nprod_b\tevt_cli_d\t150\tdeleted\n";
    // Queue mode processes after answering: wait (at most 30 s) for the workers.
    let deadline = Instant::now() + Duration::from_secs(30);
    let list = loop {
        let (code, list, err) = objects(&["list", "product"], db);
        assert_eq!(code, 0, "{err}");
        if list == expected || Instant::now() > deadline {
            break list;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(list, expected);
    // The newest product's JSON, byte for byte as delivered.
    let (code, json, _) = objects(&["get", "product", "prod_a"], db);
    assert_eq!((code, json), (0, format!("{}\n", events[1].1)));
    let (code, json, err) = objects(&["get", "product", "prod_b"], db);
    assert_eq!((code, json), (0, format!("{}\n", events[3].1)));
    assert!(
        err.contains("product prod_b was deleted (by evt_cli_d)"),
        "{err}"
    );
    let (code, json, err) = objects(&["get", "product", "prod_none"], db);
    assert_eq!((code, json.as_str()), (1, ""));
    assert!(err.contains("no product prod_none in the mirror"), "{err}");
    let (code, list, _) = objects(&["list", "customer"], db);
    assert_eq!((code, list.as_str()), (0, ""));
    server.stop();
}

struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "stripe-events-cli-objects-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn db(&self) -> String {
        self.0.join("events.sqlite3").to_str().unwrap().to_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn serve_mirror_then_objects_on_sqlite_inline() {
    let dir = TempDir::new("inline");
    mirror_flow(&dir.db(), &[]);
}

#[test]
fn serve_mirror_then_objects_on_sqlite_queue() {
    let dir = TempDir::new("queue");
    mirror_flow(&dir.db(), &["--processing", "queue", "--workers", "2"]);
}

#[test]
fn serve_mirror_then_objects_on_postgres() {
    let Some(schema) = Schema::new("objects") else {
        return;
    };
    mirror_flow(&schema.url(), &[]);
}

#[test]
fn objects_never_creates_a_database() {
    let dir = TempDir::new("none");
    let (code, _, err) = objects(&["list", "product"], &dir.db());
    assert_eq!(code, 1);
    assert!(err.contains("no such database file"), "{err}");
    assert!(!std::path::Path::new(&dir.db()).exists());
}
