//! `serve --validate`: a real `stripe-events serve` process validating events against the
//! loopback stand-in of Stripe's API (`tests/stand-in`, on a runtime thread of its own),
//! `--stripe-api` pointing at it and the key in `STRIPE_SECRET_KEY`; real HTTP on 127.0.0.1,
//! a real SQLite file. Every wait has a safety deadline.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use stripe_api_stand_in::{DEFAULT_API_KEY, StandIn};
use stripe_events::signature::{Clock, SystemClock};
use stripe_events::testing::{event_envelope, generate_test_header};
use support::http::Conn;
use support::{bin, free_port};

const SECRET: &str = "whsec_cli_validate";
const SAFETY: Duration = Duration::from_secs(30);

/// A child process killed when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn customer_event(id: &str, customer: &str) -> serde_json::Value {
    event_envelope(
        id,
        "customer.created",
        &serde_json::json!({"id": customer, "object": "customer"}),
    )
}

fn post(conn: &mut Conn, event: &serde_json::Value) -> u16 {
    let body = event.to_string();
    let signature = generate_test_header(body.as_bytes(), SECRET, SystemClock.now());
    conn.post(&signature, body.as_bytes()).unwrap()
}

fn events(db: &str, args: &[&str]) -> String {
    let out = bin()
        .env_remove("DATABASE_URL")
        .args(["events"])
        .args(args)
        .args(["--db", db])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn serve_validate_runs_only_what_stripes_api_confirms() {
    let dir =
        std::env::temp_dir().join(format!("stripe-events-cli-validate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("events.sqlite3");
    let db = db.to_str().unwrap();
    let stand_in = StandIn::start_on_thread();
    let addr = format!("127.0.0.1:{}", free_port());
    let mut child = bin()
        .env_remove("DATABASE_URL")
        .env_remove("STRIPE_WEBHOOK_SECRET")
        .env("STRIPE_SECRET_KEY", DEFAULT_API_KEY)
        .args([
            "serve",
            "--addr",
            &addr,
            "--db",
            db,
            "--secret",
            SECRET,
            "--validate",
        ])
        .args(["--stripe-api", &stand_in.base_url()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let _server = Killed(child);
    let first = lines.next().unwrap().unwrap();
    assert!(
        first.starts_with(&format!("listening on http://{addr}/webhook"))
            && first.contains(&format!("validated against {}", stand_in.base_url())),
        "{first}"
    );
    let mut conn = Conn::new(&addr);

    // Confirmed by the API: the built-in handler runs (its line on stdout).
    let valid = customer_event("evt_cli_valid", "cus_1");
    stand_in.event(&valid);
    assert_eq!(post(&mut conn, &valid), 200);
    let line = lines.next().unwrap().unwrap();
    assert!(line.contains("evt_cli_valid"), "{line}");
    // Unknown to the API: answered 200, never run, listed as denied.
    assert_eq!(
        post(&mut conn, &customer_event("evt_cli_forged", "cus_1")),
        200
    );
    // The API fails: answered 500, kept (failed) for Stripe's redelivery.
    let down = customer_event("evt_cli_down", "cus_1");
    stand_in.event(&down);
    stand_in.fail_next("/v1/events/evt_cli_down", 500, 100);
    assert_eq!(post(&mut conn, &down), 500);

    let listed = events(db, &["list"]);
    let status = |id: &str| {
        listed
            .lines()
            .find(|l| l.starts_with(id))
            .and_then(|l| l.split('\t').nth(3))
            .unwrap_or_else(|| panic!("{id} in {listed}"))
            .to_owned()
    };
    assert_eq!(status("evt_cli_valid"), "processed");
    assert_eq!(status("evt_cli_forged"), "denied");
    assert_eq!(status("evt_cli_down"), "failed");
    assert!(events(db, &["show", "evt_cli_valid"]).contains("valid: confirmed by Stripe's API"));
    assert!(events(db, &["show", "evt_cli_forged"]).contains("valid: denied by Stripe's API"));
    assert!(events(db, &["list", "--status", "denied"]).contains("404"));

    // Every request carried the key; the handler ran for the confirmed event only.
    let requests = stand_in.requests();
    assert!(requests.len() >= 3, "{requests:?}");
    assert!(
        requests
            .iter()
            .all(|r| r.header("authorization") == Some(&*format!("Bearer {DEFAULT_API_KEY}")))
    );
    drop(_server);
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(
        !rest
            .iter()
            .any(|l| l.contains("evt_cli_forged") || l.contains("evt_cli_down")),
        "{rest:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn serve_validate_needs_the_key_and_stripe_api_needs_validate() {
    let deadline = Instant::now() + SAFETY;
    let out = bin()
        .env_remove("STRIPE_SECRET_KEY")
        .env_remove("DATABASE_URL")
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--validate",
            "--secret",
            SECRET,
        ])
        .args(["--db", "/nonexistent/never-created.sqlite3"])
        .output()
        .unwrap();
    assert!(Instant::now() < deadline);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("STRIPE_SECRET_KEY"), "{err}");

    let out = bin()
        .args(["serve", "--stripe-api", "http://127.0.0.1:1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--validate"), "{err}");
}
