//! The webhook receiver end to end: real HTTP on 127.0.0.1, real SQLite files in a temp dir.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use stripe_events::receiver::{Outcome, Receiver, ReceiverConfig, serve};
use stripe_events::signature::{Clock, SystemClock};
use stripe_events::store::{Claim, EventStore, SqliteStore, Status};
use stripe_events::testing::{event_envelope, generate_test_header};
use stripe_events::{Coupon, Dispatcher, Event, EventContext, Webhook, webhook_handler};

const SECRET: &str = "whsec_receiver_test";

/// Handler runs per event id (the dispatcher's state; one per test).
#[derive(Clone, Default)]
struct Runs(Arc<Mutex<HashMap<String, usize>>>);

impl Runs {
    /// Counts a run of `id`; returns how many there were, this one included.
    fn bump(&self, id: &str) -> usize {
        let mut runs = self.0.lock().unwrap();
        let n = runs.entry(id.to_owned()).or_default();
        *n += 1;
        *n
    }

    fn of(&self, id: &str) -> usize {
        self.0.lock().unwrap().get(id).copied().unwrap_or(0)
    }

    fn total(&self) -> usize {
        self.0.lock().unwrap().values().sum()
    }
}

#[webhook_handler("coupon.created")]
fn count_coupon(runs: &Runs, ctx: &EventContext, coupon: &Coupon) {
    assert_eq!(coupon.id, "co_1");
    // Long enough for a concurrent delivery of the same event to arrive meanwhile.
    std::thread::sleep(Duration::from_millis(2));
    runs.bump(ctx.id);
}

/// Fails the first run of each event, succeeds afterwards.
#[webhook_handler("coupon.updated")]
fn flaky_coupon(runs: &Runs, ctx: &EventContext, _coupon: &Coupon) -> Result<(), String> {
    match runs.bump(ctx.id) {
        1 => Err(format!("{} failed on its first run", ctx.id)),
        _ => Ok(()),
    }
}

fn now() -> i64 {
    SystemClock.now()
}

fn coupon_body(id: &str, event_type: &str) -> Vec<u8> {
    let coupon = json!({"id": "co_1", "object": "coupon", "created": 1, "duration": "once",
        "livemode": false, "metadata": {}, "times_redeemed": 0, "valid": true});
    event_envelope(id, event_type, &coupon)
        .to_string()
        .into_bytes()
}

/// A temp dir removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "stripe-events-receiver-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn db(&self) -> PathBuf {
        self.0.join("deliveries.sqlite3")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A receiver serving on a port of 127.0.0.1, over a SQLite file.
struct Server {
    rt: tokio::runtime::Runtime,
    receiver: Receiver,
    runs: Runs,
    url: String,
    agent: ureq::Agent,
    dir: TempDir,
}

impl Server {
    fn start(name: &str, config: impl FnOnce(ReceiverConfig) -> ReceiverConfig) -> Self {
        let dir = TempDir::new(name);
        let runs = Runs::default();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let store = SqliteStore::open(dir.db()).unwrap();
        let config = config(ReceiverConfig::new(Webhook::new(SECRET)).store(store));
        let dispatcher = Dispatcher::new().with_state(runs.clone());
        dispatcher.check().unwrap();
        let receiver = Receiver::new(config, dispatcher);
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}/webhook", listener.local_addr().unwrap());
        rt.spawn(serve(listener, receiver.clone()));
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        Self {
            rt,
            receiver,
            runs,
            url,
            agent,
            dir,
        }
    }

    /// POSTs `body` with `signature` (if any); the status and the response text.
    fn post(&self, body: &[u8], signature: Option<&str>) -> (u16, String) {
        let mut request = self.agent.post(&self.url);
        if let Some(signature) = signature {
            request = request.header("Stripe-Signature", signature);
        }
        let mut response = request.send(body).unwrap();
        let text = response.body_mut().read_to_string().unwrap();
        (response.status().as_u16(), text)
    }

    /// POSTs `body` signed with the secret, now.
    fn deliver(&self, body: &[u8]) -> (u16, String) {
        self.post(body, Some(&generate_test_header(body, SECRET, now())))
    }

    fn store(&self) -> &dyn EventStore {
        self.receiver.store()
    }
}

#[test]
fn a_valid_delivery_runs_its_handler_once_and_is_stored_processed() {
    let server = Server::start("valid", |c| c);
    let body = coupon_body("evt_valid", "coupon.created");
    assert_eq!(server.deliver(&body).0, 200);
    assert_eq!(server.runs.of("evt_valid"), 1);
    let row = server.store().get("evt_valid").unwrap().unwrap();
    assert_eq!((row.status, row.attempts), (Status::Processed, 1));
    assert!(row.signature_valid);
    assert_eq!(row.body, body, "kept byte for byte");
    assert_eq!(row.event_type.as_deref(), Some("coupon.created"));
    assert_eq!(row.livemode, Some(false));

    // Stripe delivers it again (signed anew): answered 200, not run again.
    let (status, text) = server.deliver(&body);
    assert_eq!(
        (status, text.as_str()),
        (200, "duplicate (already processed)")
    );
    assert_eq!(server.runs.of("evt_valid"), 1);
    assert_eq!(server.store().list(None).unwrap().len(), 1);

    // An authentic event no handler wants: 200, stored processed.
    let other = event_envelope("evt_other", "some.future_event", &json!({"id": "x_1"}));
    let other = other.to_string().into_bytes();
    assert_eq!(server.deliver(&other).0, 200);
    let row = server.store().get("evt_other").unwrap().unwrap();
    assert_eq!(row.status, Status::Processed);
}

#[test]
fn unauthentic_and_unusable_deliveries_are_rejected_and_kept() {
    let server = Server::start("rejected", |c| c);
    let body = coupon_body("evt_tampered", "coupon.created");
    let header = generate_test_header(&body, SECRET, now());
    let tampered = String::from_utf8(body)
        .unwrap()
        .replace("\"once\"", "\"forever\"")
        .into_bytes();
    let (status, text) = server.post(&tampered, Some(&header));
    assert_eq!(status, 400, "{text}");
    assert_eq!(server.post(&tampered, None).0, 400);
    let wrong_secret = generate_test_header(&tampered, "whsec_other", now());
    assert_eq!(server.post(&tampered, Some(&wrong_secret)).0, 400);
    assert_eq!(server.runs.total(), 0, "no handler ran");

    let rows = server.store().list(None).unwrap();
    assert_eq!(rows.len(), 3);
    for row in &rows {
        assert!(!row.signature_valid);
        assert_eq!(row.status, Status::Failed);
        assert_eq!(row.event_id.as_deref(), Some("evt_tampered"));
        assert_eq!(row.body, tampered);
        assert!(row.last_error.is_some());
    }
    // Never claimable, never replayed.
    assert!(
        server
            .store()
            .claim("evt_tampered", now(), Duration::ZERO)
            .is_err()
    );
    let replay = server.rt.block_on(server.receiver.replay("evt_tampered"));
    assert!(replay.is_err(), "{replay:?}");

    // Authentic but not an event: kept as rejected, with signature_valid true.
    let (status, text) = server.deliver(br#"{"hello": "world"}"#);
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("not a Stripe event"), "{text}");
    let rows = server.store().list(Some(Status::Failed)).unwrap();
    assert_eq!(rows.len(), 4);
    assert!(rows[3].signature_valid && rows[3].event_id.is_none());
}

#[test]
fn a_failed_handler_answers_500_and_runs_again_on_redelivery() {
    let server = Server::start("failing", |c| c);
    let body = coupon_body("evt_flaky", "coupon.updated");
    assert_eq!(server.deliver(&body).0, 500);
    let row = server.store().get("evt_flaky").unwrap().unwrap();
    assert_eq!((row.status, row.attempts), (Status::Failed, 1));
    let error = row.last_error.unwrap();
    assert!(
        error.contains("evt_flaky failed on its first run"),
        "{error}"
    );

    assert_eq!(server.deliver(&body).0, 200);
    assert_eq!(server.runs.of("evt_flaky"), 2);
    let row = server.store().get("evt_flaky").unwrap().unwrap();
    assert_eq!((row.status, row.attempts), (Status::Processed, 2));
    assert_eq!(row.last_error, None);

    // Failed events can also be replayed from the store, without Stripe.
    let other = coupon_body("evt_flaky_2", "coupon.updated");
    assert_eq!(server.deliver(&other).0, 500);
    let replayed = server
        .rt
        .block_on(server.receiver.replay_all(Status::Failed))
        .unwrap();
    assert_eq!(
        replayed,
        vec![("evt_flaky_2".to_owned(), Ok(Outcome::Processed { ran: 1 }))]
    );
    let again = server.rt.block_on(server.receiver.replay("evt_flaky_2"));
    assert_eq!(again.unwrap(), Outcome::Duplicate);
}

#[test]
fn concurrent_deliveries_with_duplicates_are_each_processed_exactly_once() {
    let server = Server::start("concurrent", |c| c);
    // 180 distinct events; the first 20 are delivered twice, back to back (different threads).
    let mut bodies = Vec::new();
    for i in 0..180 {
        let body = coupon_body(&format!("evt_c{i}"), "coupon.created");
        if i < 20 {
            bodies.push(body.clone());
        }
        bodies.push(body);
    }
    assert_eq!(bodies.len(), 200);
    let next = AtomicUsize::new(0);
    let statuses = Mutex::new(Vec::new());
    let conflicts = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..16 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(body) = bodies.get(i) else { break };
                    let (mut status, _) = server.deliver(body);
                    // 409: the other delivery of the same event is running it; Stripe retries.
                    while status == 409 {
                        conflicts.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(20));
                        status = server.deliver(body).0;
                    }
                    statuses.lock().unwrap().push(status);
                }
            });
        }
    });
    let statuses = statuses.into_inner().unwrap();
    assert_eq!(statuses.len(), 200);
    assert!(statuses.iter().all(|&s| s == 200), "{statuses:?}");
    let rows = server.store().list(None).unwrap();
    assert_eq!(rows.len(), 180);
    for i in 0..180 {
        let id = format!("evt_c{i}");
        assert_eq!(server.runs.of(&id), 1, "{id}");
        let row = server.store().get(&id).unwrap().unwrap();
        assert_eq!((row.status, row.attempts), (Status::Processed, 1), "{id}");
    }
    assert_eq!(server.runs.total(), 180);
    eprintln!("409 answers: {}", conflicts.into_inner());
}

#[test]
fn an_oversized_body_is_answered_413() {
    let server = Server::start("oversized", |c| c);
    let mut event = event_envelope("evt_big", "coupon.created", &json!({"id": "co_1"}));
    event["padding"] = "x".repeat(ReceiverConfig::DEFAULT_BODY_LIMIT).into();
    let body = event.to_string().into_bytes();
    assert_eq!(server.deliver(&body).0, 413);
    assert!(server.store().list(None).unwrap().is_empty());

    let small = Server::start("oversized-small", |c| c.body_limit(512));
    assert_eq!(
        small.deliver(&coupon_body("evt_fits", "coupon.created")).0,
        200
    );
    let (status, _) = small.deliver(&coupon_body(&"evt_long".repeat(100), "coupon.created"));
    assert_eq!(status, 413);
    assert_eq!(small.runs.total(), 1);
}

#[test]
fn after_a_crash_pending_events_are_finished_by_replay() {
    let dir = TempDir::new("restart");
    let lease = Duration::from_secs(60);
    let t = now();
    let crashed = coupon_body("evt_crashed", "coupon.created");
    let busy = coupon_body("evt_busy", "coupon.created");
    {
        // The first process: received both, started running their handlers, and died.
        let store = SqliteStore::open(dir.db()).unwrap();
        for body in [&crashed, &busy] {
            let event = Event::from_slice(body).unwrap();
            store.record(&event, body, t - 120).unwrap();
        }
        assert_eq!(
            store.claim("evt_crashed", t - 120, lease).unwrap(),
            Claim::Run { attempt: 1 }
        );
        // This one was claimed just now: its lease still runs.
        assert_eq!(
            store.claim("evt_busy", t, lease).unwrap(),
            Claim::Run { attempt: 1 }
        );
    }

    // The new process, over the same file.
    let server = Server::start("restart-server", |c| {
        c.store(SqliteStore::open(dir.db()).unwrap())
    });
    let (status, _) = server.deliver(&busy);
    assert_eq!(status, 409, "still claimed by the dead process");
    let replayed = server
        .rt
        .block_on(server.receiver.replay_all_at(Status::Pending, t))
        .unwrap();
    assert_eq!(
        replayed,
        vec![
            ("evt_crashed".to_owned(), Ok(Outcome::Processed { ran: 1 })),
            ("evt_busy".to_owned(), Ok(Outcome::InProgress)),
        ]
    );
    assert_eq!(server.runs.of("evt_crashed"), 1);
    assert_eq!(server.runs.of("evt_busy"), 0);
    let row = server.store().get("evt_crashed").unwrap().unwrap();
    assert_eq!((row.status, row.attempts), (Status::Processed, 2));

    // Once the lease is over, the other one runs too.
    let replayed = server
        .rt
        .block_on(server.receiver.replay_all_at(Status::Pending, t + 60))
        .unwrap();
    assert_eq!(
        replayed,
        vec![("evt_busy".to_owned(), Ok(Outcome::Processed { ran: 1 }))]
    );
    assert_eq!(server.runs.total(), 2);
    assert!(server.dir.db().exists());
}
