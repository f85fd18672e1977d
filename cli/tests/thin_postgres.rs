//! Thin events through `stripe-events serve` on PostgreSQL, in both processing modes: each
//! `trigger --thin` delivery is answered 200, stored with its type, run once by the built-in
//! handler and listed.

mod support;

use std::time::{Duration, Instant};

use support::pg::Schema;
use support::serve::{Process, handler_runs};

const SECRET: &str = "whsec_thin_pg";

fn trigger(addr: &str, event_type: &str) -> String {
    let out = support::bin()
        .args(["trigger", "--thin", event_type, "--secret", SECRET])
        .args(["--url", &format!("http://{addr}/webhook")])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.ends_with("\t200\n"),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout.split('\t').nth(1).unwrap().to_owned()
}

fn thin_on_postgres(test: &str, extra: &[&str]) {
    let Some(schema) = Schema::new(test) else {
        return;
    };
    let url = schema.url();
    let mut server = Process::serve(&url, SECRET, extra);
    let ping = trigger(&server.addr, "v2.core.event_destination.ping");
    let meter = trigger(&server.addr, "v1.billing.meter.error_report_triggered");
    let count = |status: &str| {
        schema.query(&format!(
            "SELECT count(*) FROM stripe_events_deliveries WHERE status = '{status}'"
        ))
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while count("processed") != "2" {
        assert!(
            Instant::now() < deadline,
            "not processed: {}",
            count("pending")
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let stored = schema.query(&format!(
        "SELECT event_type || ' ' || coalesce(api_version, '-') FROM stripe_events_deliveries \
         WHERE event_id = '{ping}'"
    ));
    assert_eq!(stored, "v2.core.event_destination.ping -");
    let list = support::bin()
        .args(["events", "list", "--db", &url])
        .output()
        .unwrap();
    let listed = String::from_utf8(list.stdout).unwrap();
    assert_eq!(listed.lines().count(), 2, "{listed}");
    assert!(
        listed.contains(&format!(
            "{meter}\tv1.billing.meter.error_report_triggered\ttrue\tprocessed"
        )),
        "{listed}"
    );
    server.stop();
    let runs = handler_runs(std::slice::from_mut(&mut server));
    assert_eq!(
        (runs.get(&ping), runs.get(&meter)),
        (Some(&1), Some(&1)),
        "{runs:?}"
    );
}

#[test]
fn inline_serve_on_postgres_takes_thin_events() {
    thin_on_postgres("thin_inline", &[]);
}

#[test]
fn queue_serve_on_postgres_takes_thin_events() {
    thin_on_postgres("thin_queue", &["--processing", "queue", "--workers", "2"]);
}
