//! `serve`, `trigger`, `events list|replay` and `demo` as separate processes: real HTTP on
//! 127.0.0.1, a real SQLite file.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use support::{bin, free_port};

mod support;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_trigger_list_replay() {
    let dir = std::env::temp_dir().join(format!("stripe-events-cli-serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("events.sqlite3");
    let db = db.to_str().unwrap();
    let addr = format!("127.0.0.1:{}", free_port());
    let mut child = bin()
        .args([
            "serve",
            "--addr",
            &addr,
            "--db",
            db,
            "--secret",
            "whsec_cli_serve",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let _server = Server(child);
    let first = lines.next().unwrap().unwrap();
    assert!(
        first.starts_with(&format!("listening on http://{addr}/webhook")),
        "{first}"
    );

    let url = format!("http://{addr}/webhook");
    let out = bin()
        .args([
            "trigger",
            "customer.created",
            "--url",
            &url,
            "--secret",
            "whsec_cli_serve",
            "--count",
            "2",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sent = String::from_utf8(out.stdout).unwrap();
    let ids: Vec<&str> = sent
        .lines()
        .map(|l| l.split('\t').nth(1).unwrap())
        .collect();
    assert_eq!(
        sent.lines()
            .filter(|l| l.starts_with("customer.created\t") && l.ends_with("\t200"))
            .count(),
        2,
        "{sent}"
    );

    // The built-in handler logged each typed event in one line.
    for id in &ids {
        let line = lines.next().unwrap().unwrap();
        assert!(
            line.starts_with(&format!("customer.created {id} -> cus_"))
                && line.ends_with("(typed)"),
            "{line}"
        );
    }
    // A wrongly signed trigger is refused.
    let out = bin()
        .args([
            "trigger",
            "product.created",
            "--url",
            &url,
            "--secret",
            "whsec_wrong",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));

    let list = bin().args(["events", "list", "--db", db]).output().unwrap();
    let listed = String::from_utf8(list.stdout).unwrap();
    let rows: Vec<Vec<&str>> = listed.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 3, "{listed}");
    assert_eq!(
        rows[0],
        [ids[0], "customer.created", "true", "processed", "1", "-"]
    );
    assert_eq!(
        rows[1],
        [ids[1], "customer.created", "true", "processed", "1", "-"]
    );
    assert_eq!(
        &rows[2][1..],
        [
            "product.created",
            "false",
            "failed",
            "0",
            "no v1 signature in the Stripe-Signature header matches the payload for any configured secret"
        ]
    );
    let failed = bin()
        .args(["events", "list", "--db", db, "--status", "failed"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(failed.stdout).unwrap().lines().count(), 1);

    // Replaying a processed event does not run its handlers again.
    let replay = bin()
        .args(["events", "replay", "--db", db, ids[0]])
        .output()
        .unwrap();
    assert!(
        replay.status.success(),
        "{}",
        String::from_utf8_lossy(&replay.stderr)
    );
    assert_eq!(
        String::from_utf8(replay.stdout).unwrap(),
        format!("{}\tDuplicate\n", ids[0])
    );
}

/// A thin delivery to `stripe-events serve` is answered 200, logged by the built-in handler and
/// stored; `trigger --thin` builds and signs it, and suggests the closest type when misspelt.
#[test]
fn serve_takes_thin_events_from_trigger_thin() {
    let dir = std::env::temp_dir().join(format!("stripe-events-cli-thin-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("events.sqlite3");
    let db = db.to_str().unwrap();
    let addr = format!("127.0.0.1:{}", free_port());
    let mut child = bin()
        .args([
            "serve",
            "--addr",
            &addr,
            "--db",
            db,
            "--secret",
            "whsec_cli_thin",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let _server = Server(child);
    let first = lines.next().unwrap().unwrap();
    assert!(first.starts_with("listening on"), "{first}");
    let url = format!("http://{addr}/webhook");
    let trigger = |event_type: &str, extra: &[&str]| {
        bin()
            .args(["trigger", "--thin", event_type, "--url", &url])
            .args(["--secret", "whsec_cli_thin"])
            .args(extra)
            .output()
            .unwrap()
    };

    let out = trigger(
        "v2.core.event_destination.ping",
        &["--override", "context=acct_9"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sent = String::from_utf8(out.stdout).unwrap();
    let fields: Vec<&str> = sent.trim_end().split('\t').collect();
    assert_eq!(
        (fields[0], fields[2]),
        ("v2.core.event_destination.ping", "200"),
        "{sent}"
    );
    let id = fields[1];
    assert!(id.starts_with("evt_"), "{id}");
    let suffix = id.trim_start_matches("evt_");
    let line = lines.next().unwrap().unwrap();
    assert_eq!(
        line,
        format!("v2.core.event_destination.ping {id} -> ed_{suffix} (thin)")
    );

    // Stored, with its context as the account; sent again, a duplicate.
    let list = bin().args(["events", "list", "--db", db]).output().unwrap();
    let listed = String::from_utf8(list.stdout).unwrap();
    assert_eq!(
        listed,
        format!("{id}\tv2.core.event_destination.ping\ttrue\tprocessed\t1\t-\n")
    );
    let show = bin()
        .args(["events", "show", "--db", db, id])
        .output()
        .unwrap();
    let shown = String::from_utf8(show.stdout).unwrap();
    assert!(shown.contains("\naccount: acct_9\n"), "{shown}");
    assert!(shown.contains("\napi version: -\n"), "{shown}");
    let replay = bin()
        .args(["events", "replay", "--db", db, id])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(replay.stdout).unwrap(),
        format!("{id}\tDuplicate\n")
    );

    // A misspelt thin type: the closest one, nothing sent.
    let out = trigger("v2.core.event_destination.pnig", &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("did you mean v2.core.event_destination.ping?"),
        "{stderr}"
    );
    let list = bin().args(["events", "list", "--db", db]).output().unwrap();
    assert_eq!(String::from_utf8(list.stdout).unwrap().lines().count(), 1);
}

#[test]
fn demo_runs_end_to_end() {
    let out = bin().arg("demo").output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("invoice.paid evt_trigger_"), "{stdout}");
    assert!(stdout.contains("POST a forged delivery (wrong secret) -> 400"));
    assert!(stdout.ends_with("all deliveries answered as expected\n"));
    assert_eq!(
        stdout.matches("\ttrue\tprocessed\t1").count(),
        8,
        "{stdout}"
    );
    // The product updated twice, the newer update delivered first: the mirror kept it.
    let mirrored = stdout
        .split_once("updated twice and delivered out of order")
        .unwrap_or_else(|| panic!("{stdout}"))
        .1;
    assert!(
        mirrored.contains("\tlive\n  name: Demo T-shirt (renamed twice)\n"),
        "{stdout}"
    );
}
