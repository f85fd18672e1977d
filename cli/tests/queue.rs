//! Queue mode and the store commands as separate processes: `serve --processing queue`,
//! `worker`, `events list --status dead`, `events replay` of dead events, `events prune`,
//! `--db` / `DATABASE_URL`. Real HTTP on 127.0.0.1, real SQLite files; deliveries signed and
//! sent with `stripe-events trigger`. Every wait has a safety deadline (a failure beyond it,
//! never a pass); nothing asserts how long anything took.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use stripe_events::signature::{Clock, SystemClock};
use stripe_events::store::{EventStore, SqliteStore, Status};
use stripe_events::testing::event_envelope;
use support::{TempDir, free_port};

mod support;

/// The longest wait for something that must come.
const SAFETY: Duration = Duration::from_secs(30);
const SECRET: &str = "whsec_cli_queue";

/// The command, with no `DATABASE_URL` from the environment unless a test sets one.
fn bin() -> Command {
    let mut command = support::bin();
    command.env_remove("DATABASE_URL");
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A child process (killed when dropped) whose stdout lines arrive on a channel.
struct Process {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Process {
    fn spawn(command: &mut Command) -> Self {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Self { child, lines }
    }

    /// The next stdout line.
    fn line(&self) -> String {
        self.lines
            .recv_timeout(SAFETY)
            .expect("no line from the process in time")
    }

    /// Sends SIGTERM, waits for the exit, and returns stderr.
    fn terminate(mut self) -> (std::process::ExitStatus, String) {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        let deadline = Instant::now() + SAFETY;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        (status, stderr)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `serve` on `db` with `extra` arguments; waits for its "listening" line (returned).
fn serve(db: &Path, extra: &[&str]) -> (Process, String, String) {
    let addr = format!("127.0.0.1:{}", free_port());
    let server = Process::spawn(
        bin()
            .args(["serve", "--addr", &addr, "--secret", SECRET, "--db"])
            .arg(db)
            .args(extra),
    );
    let first = server.line();
    (server, format!("http://{addr}/webhook"), first)
}

/// Triggers `count` customer.created events at `url`; their ids (each answered 200).
fn trigger(url: &str, count: usize) -> Vec<String> {
    let out = bin()
        .args([
            "trigger",
            "customer.created",
            "--url",
            url,
            "--secret",
            SECRET,
        ])
        .args(["--count", &count.to_string()])
        .output()
        .unwrap();
    let sent = text(&out.stdout);
    assert!(out.status.success(), "{sent}{}", text(&out.stderr));
    sent.lines()
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(
                (fields[0], fields[2]),
                ("customer.created", "200"),
                "{line}"
            );
            fields[1].to_owned()
        })
        .collect()
}

/// Collects the built-in handler's lines of `ids` (in any order) from `process`.
fn handled(process: &Process, ids: &[String]) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    while seen.len() < ids.len() {
        let line = process.line();
        let id = line.split(' ').nth(1).unwrap_or_default().to_owned();
        assert!(
            line.starts_with(&format!("customer.created {id} -> cus_"))
                && line.ends_with("(typed)"),
            "{line}"
        );
        assert!(seen.insert(id.clone()), "{id} handled twice");
    }
    seen
}

fn events(db: &Path, args: &[&str]) -> Output {
    bin()
        .arg("events")
        .args(args)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap()
}

/// `events list` rows as fields.
fn list(db: &Path, args: &[&str]) -> Vec<Vec<String>> {
    let mut all = vec!["list"];
    all.extend_from_slice(args);
    let out = events(db, &all);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .map(|line| line.split('\t').map(str::to_owned).collect())
        .collect()
}

#[test]
fn serve_in_queue_mode_answers_then_its_workers_run_the_handler() {
    let dir = TempDir::new("serve-queue");
    let (server, url, first) = serve(&dir.db(), &["--processing", "queue", "--workers", "2"]);
    assert!(first.starts_with("listening on http://"), "{first}");
    assert!(first.ends_with(", queue mode, 2 workers)"), "{first}");
    let ids = trigger(&url, 5);
    let seen = handled(&server, &ids);
    assert_eq!(seen, ids.iter().cloned().collect());
    // Its result is recorded once the handler returned; wait for the last of them.
    let deadline = Instant::now() + SAFETY;
    while list(&dir.db(), &["--status", "processed"]).len() < 5 {
        assert!(Instant::now() < deadline, "not all processed");
        std::thread::sleep(Duration::from_millis(20));
    }
    let rows = list(&dir.db(), &[]);
    assert_eq!(rows.len(), 5);
    for row in &rows {
        assert_eq!(
            &row[1..],
            ["customer.created", "true", "processed", "1", "-"]
        );
    }
    let (status, stderr) = server.terminate();
    assert!(status.success(), "{status:?} {stderr}");
    assert!(stderr.contains("shutting down"), "{stderr}");
}

#[test]
fn a_worker_process_runs_what_an_intake_only_server_stored() {
    let dir = TempDir::new("worker");
    let db = dir.db();
    let (server, url, first) = serve(&db, &["--processing", "queue", "--workers", "0"]);
    assert!(first.ends_with(", queue mode, 0 workers)"), "{first}");
    let ids = trigger(&url, 3);
    // Answered 200 and stored; no worker anywhere yet, so nothing ran.
    let rows = list(&db, &[]);
    assert_eq!(rows.len(), 3);
    for (row, id) in rows.iter().zip(&ids) {
        assert_eq!(row[0], *id);
        assert_eq!(&row[3..], ["pending", "0", "-"]);
    }
    let worker = Process::spawn(bin().args(["worker", "--workers", "2", "--db"]).arg(&db));
    assert_eq!(
        worker.line(),
        format!("working on {} with 2 workers", db.display())
    );
    assert_eq!(handled(&worker, &ids), ids.iter().cloned().collect());
    // Later deliveries are found by polling (the worker is another process).
    let later = trigger(&url, 2);
    assert_eq!(handled(&worker, &later), later.iter().cloned().collect());
    let (status, stderr) = worker.terminate();
    assert!(status.success(), "{status:?} {stderr}");
    assert!(
        stderr.contains("shutting down (finishing jobs in flight)"),
        "{stderr}"
    );
    drop(server);
    let processed = list(&db, &["--status", "processed"]);
    assert_eq!(processed.len(), 5);

    // A worker needs an existing store, and never creates one.
    let typo = dir.path("typo.sqlite3");
    let out = bin().args(["worker", "--db"]).arg(&typo).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no such database file"),
        "{}",
        text(&out.stderr)
    );
    assert!(!typo.exists());
}

/// A store as `stripe-events serve` leaves it, with `ids` recorded at `received_at`.
fn store_with(db: &Path, ids: &[&str], received_at: i64) -> SqliteStore {
    let store = SqliteStore::open(db).unwrap();
    store.bind_application("stripe-events").unwrap();
    for id in ids {
        let body =
            event_envelope(id, "customer.created", &serde_json::json!({"id": "cus_1"})).to_string();
        let event = stripe_events::Event::from_slice(body.as_bytes()).unwrap();
        store.record(&event, body.as_bytes(), received_at).unwrap();
    }
    store
}

#[test]
fn dead_events_are_listed_and_replayed() {
    let dir = TempDir::new("dead");
    let db = dir.db();
    let now = SystemClock.now();
    let store = store_with(&db, &["evt_dead_1", "evt_ok_1"], now);
    // evt_dead_1 used up its attempts in queue mode.
    let job = store
        .claim_next(now, Duration::from_secs(60))
        .unwrap()
        .unwrap();
    assert_eq!(job.event_id, "evt_dead_1");
    store
        .dead("evt_dead_1", "handler failed: the ledger is down")
        .unwrap();
    // And one whose stored body no longer parses: a worker marks it dead with the reason.
    let event = stripe_events::Event::from_slice(
        event_envelope("evt_garbled", "customer.created", &serde_json::json!({}))
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    store.record(&event, b"{\"garbled\": ", now).unwrap();
    let worker = Process::spawn(bin().args(["worker", "--workers", "1", "--db"]).arg(&db));
    let _ = worker.line(); // "working on ..."
    let deadline = Instant::now() + SAFETY;
    while list(&db, &["--status", "dead"]).len() < 2 {
        assert!(Instant::now() < deadline, "evt_garbled not dead");
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(worker);

    let dead = list(&db, &["--status", "dead"]);
    assert_eq!(
        dead[0],
        [
            "evt_dead_1",
            "customer.created",
            "true",
            "dead",
            "1",
            "handler failed: the ledger is down"
        ]
    );
    assert_eq!(dead[1][0], "evt_garbled");
    assert_eq!(dead[1][3..5], ["dead", "1"]);
    assert!(
        dead[1][5].starts_with("the stored body no longer parses: body is not valid JSON"),
        "{:?}",
        dead[1]
    );
    assert_eq!(list(&db, &["--status", "processed"]).len(), 1, "evt_ok_1");

    // `events replay` without an id replays failed, then dead events.
    let out = events(&db, &["replay"]);
    let replayed = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{replayed}");
    // The built-in handler's own line, then one line per event replayed.
    assert!(
        replayed.starts_with("customer.created evt_dead_1 -> "),
        "{replayed}"
    );
    let lines: Vec<&str> = replayed.lines().filter(|l| l.contains('\t')).collect();
    assert_eq!(lines.len(), 2, "{replayed}");
    assert_eq!(
        lines[0],
        "evt_dead_1\tProcessed\tprocessed (1 handler(s) ran)"
    );
    assert!(
        lines[1].starts_with(
            "evt_garbled\tNotReplayed\tthe stored delivery of evt_garbled cannot be parsed"
        ),
        "{replayed}"
    );
    let row = SqliteStore::open_existing(&db)
        .unwrap()
        .get("evt_dead_1")
        .unwrap()
        .unwrap();
    assert_eq!((row.status, row.attempts), (Status::Processed, 2));
    let out = events(&db, &["replay", "--status", "dead"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).starts_with("evt_garbled\tNotReplayed\t"));
}

#[test]
fn prune_removes_old_processed_deliveries_and_refuses_bad_ages() {
    let dir = TempDir::new("prune");
    let db = dir.db();
    let now = SystemClock.now();
    let day = 86_400;
    let store = store_with(
        &db,
        &["evt_old_1", "evt_old_2", "evt_old_dead"],
        now - 40 * day,
    );
    for id in ["evt_old_1", "evt_old_2", "evt_old_dead"] {
        assert!(matches!(
            store.claim(id, now, Duration::from_secs(60)).unwrap(),
            stripe_events::store::Claim::Run { .. }
        ));
    }
    store.complete("evt_old_1").unwrap();
    store.complete("evt_old_2").unwrap();
    store.dead("evt_old_dead", "gave up").unwrap();
    drop(store);
    let recent = store_with(&db, &["evt_recent"], now - day);
    recent
        .claim("evt_recent", now, Duration::from_secs(60))
        .unwrap();
    recent.complete("evt_recent").unwrap();
    drop(recent);

    let out = events(&db, &["prune", "--older-than", "30d"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    assert!(
        printed.starts_with("removed 2 processed deliveries older than 30d (received before "),
        "{printed}"
    );
    assert_eq!(text(&out.stderr), "", "no warning at 30 days");
    let left: Vec<String> = list(&db, &[])
        .into_iter()
        .map(|row| row[0].clone())
        .collect();
    assert_eq!(left, ["evt_old_dead", "evt_recent"]);

    // Under Stripe's 3-day window: done, with a warning.
    let out = events(&db, &["prune", "--older-than", "12h"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).starts_with("removed 1 processed deliveries older than 12h"));
    assert!(
        text(&out.stderr).contains("younger than 3 days"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(list(&db, &[]).len(), 1, "the dead one stays");

    for bad in ["30", "1.5h", "3x", "-1d", "d"] {
        let out = events(&db, &["prune", "--older-than", bad]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad}: {stderr}");
        assert!(
            stderr.contains("expected a whole number and a unit"),
            "{stderr}"
        );
        assert!(stderr.contains("--older-than"), "{stderr}");
    }
    let out = events(&db, &["prune"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("Usage: stripe-events events prune"));
}

#[test]
fn db_comes_from_database_url_and_postgres_urls_are_recognised() {
    let dir = TempDir::new("database-url");
    let db = dir.db();
    drop(store_with(&db, &["evt_env_1"], SystemClock.now()));
    // No --db: DATABASE_URL, as a path or a sqlite: URL.
    for value in [db.display().to_string(), format!("sqlite:{}", db.display())] {
        let out = bin()
            .args(["events", "list"])
            .env("DATABASE_URL", &value)
            .output()
            .unwrap();
        assert!(out.status.success(), "{value}: {}", text(&out.stderr));
        assert!(text(&out.stdout).starts_with("evt_env_1\t"), "{value}");
    }
    // --db wins over DATABASE_URL.
    let out = bin()
        .args(["events", "list", "--db"])
        .arg(&db)
        .env("DATABASE_URL", "mysql://nowhere/db")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = bin()
        .args(["events", "list"])
        .env("DATABASE_URL", "mysql://nowhere/db")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("unsupported database URL scheme `mysql://`"));
}

/// A PostgreSQL server that cannot be reached is an error naming it, never its password
/// (nothing listens on port 1). Real runs on PostgreSQL: tests/scale_out.rs.
#[test]
fn an_unreachable_postgres_is_named_without_its_password() {
    let url = "postgres://postgres:hunter2@127.0.0.1:1/test";
    for args in [
        &[
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--secret",
            SECRET,
            "--db",
            url,
        ][..],
        &["worker", "--db", url],
        &["events", "list", "--db", url],
        &["events", "prune", "--older-than", "30d", "--db", url],
    ] {
        let out = bin().args(args).output().unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains("127.0.0.1"), "{stderr}");
        assert!(!stderr.contains("hunter2"), "{stderr}");
    }
}

#[test]
fn workers_need_queue_mode() {
    let out = bin()
        .args(["serve", "--addr", "127.0.0.1:0", "--workers", "2"])
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("it needs --processing queue"), "{stderr}");
    assert!(stderr.contains("Usage: stripe-events serve"), "{stderr}");
}

#[test]
fn a_worker_never_runs_its_handler_on_another_applications_store() {
    let dir = TempDir::new("worker-other-app");
    let db = dir.db();
    let store = SqliteStore::open(&db).unwrap();
    store.bind_application("shop").unwrap();
    let body = event_envelope("evt_shop_1", "customer.created", &serde_json::json!({})).to_string();
    let event = stripe_events::Event::from_slice(body.as_bytes()).unwrap();
    store
        .record(&event, body.as_bytes(), SystemClock.now())
        .unwrap();
    let out = bin().args(["worker", "--db"]).arg(&db).output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("it belongs to application `shop`"),
        "{stderr}"
    );
    assert_eq!(text(&out.stdout), "", "no worker started");
    let row = store.get("evt_shop_1").unwrap().unwrap();
    assert_eq!((row.status, row.attempts), (Status::Pending, 0));
}
