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

/// `serve --mirror --refetch` against the loopback stand-in of Stripe's API: whatever the
/// events carry and whatever their order, the mirror holds the product as the API serves it;
/// a product the API answers 404 for is deleted.
fn refetch_flow(db: &str, extra: &[&str]) {
    let stand_in = stripe_api_stand_in::StandIn::start_on_thread();
    let current = serde_json::json!({
        "id": "prod_a", "object": "product", "active": true, "created": 1,
        "images": [], "livemode": false, "marketing_features": [], "metadata": {},
        "name": "Current", "updated": 400,
    });
    stand_in.object("/v1/products/prod_a", &current);
    let mut args = vec!["--mirror", "--refetch", "--refetch-concurrency", "2"];
    args.extend_from_slice(extra);
    let base_url = stand_in.base_url();
    args.extend_from_slice(&["--stripe-api", &base_url]);
    let mut server = Process::serve_env(
        db,
        SECRET,
        &args,
        &[("STRIPE_SECRET_KEY", stripe_api_stand_in::DEFAULT_API_KEY)],
    );
    let mut conn = Conn::new(&server.addr);
    let now = stripe_events::signature::Clock::now(&stripe_events::signature::SystemClock);
    for (body, _) in [
        product_event("evt_r_u2", "updated", 300, "prod_a", "Newest"),
        product_event("evt_r_u1", "updated", 200, "prod_a", "Older"),
        product_event("evt_r_x", "updated", 250, "prod_x", "Unknown to the API"),
    ] {
        let signature = stripe_events::testing::generate_test_header(body.as_bytes(), SECRET, now);
        assert_eq!(conn.post(&signature, body.as_bytes()).unwrap(), 200);
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let list = loop {
        let (code, list, err) = objects(&["list", "product"], db);
        assert_eq!(code, 0, "{err}");
        if list.lines().count() == 2 || Instant::now() > deadline {
            break list;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(list.contains("prod_x\tevt_r_x\t250\tdeleted\n"), "{list}");
    assert!(list.starts_with("prod_a\t"), "{list}");
    let (code, json, _) = objects(&["get", "product", "prod_a"], db);
    assert_eq!((code, json), (0, format!("{current}\n")));
    let requests = stand_in.requests();
    assert_eq!(requests.len(), 3, "one fetch per event");
    assert!(
        requests.iter().all(|r| r.header("authorization")
            == Some(&*format!("Bearer {}", stripe_api_stand_in::DEFAULT_API_KEY))),
        "{requests:?}"
    );
    server.stop();
}

#[test]
fn serve_mirror_refetch_on_sqlite_inline() {
    let dir = TempDir::new("refetch");
    refetch_flow(&dir.db(), &[]);
}

#[test]
fn serve_mirror_refetch_on_postgres_queue() {
    let Some(schema) = Schema::new("objects_refetch") else {
        return;
    };
    refetch_flow(&schema.url(), &["--processing", "queue", "--workers", "2"]);
}

#[test]
fn refetch_without_a_key_or_a_mirror_is_refused() {
    let out = support::bin()
        .args(["serve", "--refetch", "--db", "/nonexistent/x.sqlite3"])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "usage error");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--mirror"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = TempDir::new("refetch-no-key");
    let db = dir.db();
    let out = support::bin()
        .args([
            "serve",
            "--mirror",
            "--refetch",
            "--addr",
            "127.0.0.1:0",
            "--db",
            &db,
        ])
        .args(["--secret", SECRET])
        .env_remove("DATABASE_URL")
        .env_remove("STRIPE_SECRET_KEY")
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("STRIPE_SECRET_KEY is not set"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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
