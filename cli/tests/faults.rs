//! The command line when things go wrong, as separate processes: another application's store,
//! a store that cannot be written or disappears, empty secrets, typos in `--db`. Real HTTP on
//! 127.0.0.1, real SQLite files.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use stripe_events::store::{Claim, EventStore, SqliteStore, Status};
use support::{TempDir, bin, free_port};

mod support;
use stripe_events::testing::event_envelope;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A `serve` process, killed when dropped; its stdout lines and captured stderr.
struct Serve {
    child: Child,
    url: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    /// Starts `serve` on `db` and waits for its "listening" line.
    fn start(db: &Path, secret: &str) -> Self {
        let addr = format!("127.0.0.1:{}", free_port());
        let mut child = bin()
            .args(["serve", "--addr", &addr, "--db"])
            .arg(db)
            .args(["--secret", secret])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        assert!(first.starts_with("listening on"), "{first}");
        // Keep draining stdout so the built-in handler never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Self {
            child,
            url: format!("http://{addr}/webhook"),
        }
    }

    fn trigger(&self, secret: &str) -> String {
        let out = bin()
            .args([
                "trigger",
                "customer.created",
                "--url",
                &self.url,
                "--secret",
                secret,
            ])
            .output()
            .unwrap();
        text(&out.stdout)
    }

    /// Kills the server and returns everything it wrote to stderr.
    fn stderr(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut err = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        err
    }
}

/// A store as an application (`shop`) leaves it: one event whose handler failed.
fn application_store(db: &Path, bind: Option<&str>) {
    let store = SqliteStore::open(db).unwrap();
    if let Some(application) = bind {
        store.bind_application(application).unwrap();
    }
    let body = event_envelope(
        "evt_app_1",
        "customer.created",
        &serde_json::json!({"id": "cus_1"}),
    )
    .to_string();
    let event = stripe_events::Event::from_slice(body.as_bytes()).unwrap();
    store.record(&event, body.as_bytes(), 1).unwrap();
    assert_eq!(
        store
            .claim("evt_app_1", 1, Duration::from_secs(60))
            .unwrap(),
        Claim::Run { attempt: 1 }
    );
    store
        .fail("evt_app_1", "the shop's handler failed")
        .unwrap();
}

fn replay(db: &Path, args: &[&str]) -> Output {
    bin()
        .args(["events", "replay", "--db"])
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn replay_never_runs_its_own_handler_on_another_applications_events() {
    let dir = TempDir::new("other-app");
    for (name, bind, whose) in [
        ("bound.sqlite3", Some("shop"), "application `shop`"),
        (
            "unbound.sqlite3",
            None,
            "not written by `stripe-events serve`",
        ),
    ] {
        let db = dir.path(name);
        application_store(&db, bind);
        for args in [&["evt_app_1"][..], &[]] {
            let out = replay(&db, args);
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{stderr}");
            assert!(stderr.contains(whose), "{stderr}");
            assert!(stderr.contains("events replay"), "{stderr}");
            assert_eq!(text(&out.stdout), "");
        }
        // Untouched: still failed after one attempt, not processed by the logging handler.
        let row = SqliteStore::open_existing(&db)
            .unwrap()
            .get("evt_app_1")
            .unwrap()
            .unwrap();
        assert_eq!((row.status, row.attempts), (Status::Failed, 1));
    }
}

#[test]
fn reading_commands_never_create_a_database() {
    let dir = TempDir::new("typo");
    let typo = dir.path("typo.sqlite3");
    for args in [
        &["events", "list", "--db"][..],
        &["events", "show", "evt_1", "--db"],
        &["events", "replay", "--db"],
    ] {
        let out = bin().args(args).arg(&typo).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            text(&out.stderr).contains("no such database file"),
            "{}",
            text(&out.stderr)
        );
        assert!(!typo.exists(), "{args:?} created {}", typo.display());
    }
}

#[test]
fn show_tells_a_forged_delivery_from_the_real_event() {
    let dir = TempDir::new("show");
    let db = dir.path("events.sqlite3");
    let store = SqliteStore::open(&db).unwrap();
    let body = event_envelope(
        "evt_s",
        "customer.created",
        &serde_json::json!({"id": "cus_1"}),
    )
    .to_string();
    store
        .record_rejected(body.as_bytes(), false, "no signature matches", 5)
        .unwrap();
    let out = bin()
        .args(["events", "show", "evt_s", "--body", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let shown = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(shown.starts_with("NOT AUTHENTIC"), "{shown}");
    assert!(shown.contains("\nsignature valid: false\n"), "{shown}");
    assert!(
        shown.contains("\nlast error: no signature matches\n"),
        "{shown}"
    );
    assert!(shown.ends_with(&format!("body:\n{body}\n")), "{shown}");
    // Once the real event arrives, `show` prints it, authentic.
    let event = stripe_events::Event::from_slice(body.as_bytes()).unwrap();
    store.record(&event, body.as_bytes(), 6).unwrap();
    let out = bin()
        .args(["events", "show", "evt_s", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let shown = text(&out.stdout);
    assert!(shown.starts_with("event id: evt_s\n"), "{shown}");
    assert!(
        shown.contains("\nsignature valid: true\nstatus: pending\n"),
        "{shown}"
    );
    let missing = bin()
        .args(["events", "show", "evt_none", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
}

#[test]
fn empty_secrets_are_refused() {
    let dir = TempDir::new("empty-secret");
    let db = dir.path("events.sqlite3");
    for secret in ["", "   "] {
        let out = bin()
            .args(["serve", "--addr", "127.0.0.1:0", "--secret", secret, "--db"])
            .arg(&db)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(
            text(&out.stderr).contains("an empty secret would reject every delivery"),
            "{}",
            text(&out.stderr)
        );
        let out = bin()
            .args(["verify", "--secret", secret, "--header", "t=1,v1=00"])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
    }
    assert!(!db.exists(), "serve created a database before refusing");
}

#[test]
fn serve_reads_the_secret_from_the_environment_and_logs_to_stderr() {
    let dir = TempDir::new("env-secret");
    let db = dir.path("events.sqlite3");
    let addr = format!("127.0.0.1:{}", free_port());
    let mut child = bin()
        .args(["serve", "--addr", &addr, "--db"])
        .arg(&db)
        .env("STRIPE_WEBHOOK_SECRET", "whsec_from_env,whsec_older")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(
        first.starts_with("listening on"),
        "no generated secret: {first}"
    );
    std::thread::spawn(move || lines.for_each(drop));
    let server = Serve {
        child,
        url: format!("http://{addr}/webhook"),
    };
    // Both secrets of the rotation verify.
    assert!(server.trigger("whsec_from_env").ends_with("\t200\n"));
    assert!(server.trigger("whsec_older").ends_with("\t200\n"));
    let stderr = server.stderr();
    assert!(
        stderr.contains("webhook handlers registered: * (1)"),
        "{stderr}"
    );
    assert_eq!(
        stderr
            .lines()
            .filter(|l| l.contains("INFO") && l.contains("processed (1 handler(s) ran)"))
            .count(),
        2,
        "{stderr}"
    );
}

#[test]
fn a_deleted_database_is_answered_500_not_acknowledged() {
    let dir = TempDir::new("deleted");
    let db = dir.path("events.sqlite3");
    let server = Serve::start(&db, "whsec_deleted");
    assert!(server.trigger("whsec_deleted").ends_with("\t200\n"));
    for file in ["events.sqlite3", "events.sqlite3-wal", "events.sqlite3-shm"] {
        let _ = std::fs::remove_file(dir.path(file));
    }
    let sent = server.trigger("whsec_deleted");
    assert!(sent.ends_with("\t500\n"), "{sent}");
    let stderr = server.stderr();
    assert!(
        stderr.contains("was deleted or replaced while in use"),
        "{stderr}"
    );
}

/// Runs `command` as an unprivileged user when this test runs as root (root may write
/// read-only files, so a read-only store cannot be shown otherwise).
fn unprivileged(command: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt;
    // SAFETY-free check: `id -u` says who we are.
    let uid = Command::new("id").arg("-u").output().unwrap();
    if text(&uid.stdout).trim() == "0" {
        command.uid(65534).gid(65534);
    }
    command
}

#[test]
fn serve_refuses_to_start_on_a_store_it_cannot_write() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("read-only");
    std::fs::set_permissions(dir.dir(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let db = dir.path("events.sqlite3");
    drop(SqliteStore::open(&db).unwrap());
    for file in ["events.sqlite3", "events.sqlite3-wal", "events.sqlite3-shm"] {
        let path = dir.path(file);
        if path.exists() {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        }
    }
    let out = unprivileged(
        bin()
            .args([
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--secret",
                "whsec_ro",
                "--db",
            ])
            .arg(&db),
    )
    .output()
    .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&db.display().to_string()), "{stderr}");
    assert!(stderr.contains("read-only"), "{stderr}");
    // Fixed: it starts.
    for file in ["events.sqlite3", "events.sqlite3-wal", "events.sqlite3-shm"] {
        let path = dir.path(file);
        if path.exists() {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
        }
    }
    let mut child = unprivileged(
        bin()
            .args(["serve", "--addr", &format!("127.0.0.1:{}", free_port())])
            .args(["--secret", "whsec_ro", "--db"])
            .arg(&db),
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let first = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .next()
        .unwrap()
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(first.starts_with("listening on"), "{first}");
}

#[test]
fn trigger_suggests_the_closest_type_and_applies_overrides() {
    let out = bin()
        .args(["trigger", "custmer.created", "--secret", "whsec_t", "--url"])
        .arg("http://127.0.0.1:9/webhook")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("did you mean customer.created?"),
        "{}",
        text(&out.stderr)
    );
    // Overrides and previous_attributes reach the receiver: the stored body has them.
    let dir = TempDir::new("override");
    let db = dir.path("events.sqlite3");
    let server = Serve::start(&db, "whsec_t");
    let out = bin()
        .args([
            "trigger",
            "product.updated",
            "--secret",
            "whsec_t",
            "--url",
            &server.url,
        ])
        .args([
            "--override",
            "name=Platinum",
            "--override",
            "metadata.tier=3",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let id = text(&out.stdout).split('\t').nth(1).unwrap().to_owned();
    drop(server);
    let row = SqliteStore::open_existing(&db)
        .unwrap()
        .get(&id)
        .unwrap()
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&row.body).unwrap();
    assert_eq!(body["data"]["object"]["name"], "Platinum");
    assert_eq!(body["data"]["object"]["metadata"]["tier"], 3);
    assert_eq!(
        body["data"]["previous_attributes"]["name"],
        "previous Platinum"
    );
}

#[test]
fn serve_stops_cleanly_on_sigterm() {
    let dir = TempDir::new("sigterm");
    let db = dir.path("events.sqlite3");
    let mut server = Serve::start(&db, "whsec_term");
    assert!(server.trigger("whsec_term").ends_with("\t200\n"));
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "serve did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    assert!(server.stderr().contains("shutting down"));
}
