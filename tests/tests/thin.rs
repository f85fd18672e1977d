//! Thin events (Stripe's v2 event notifications) end to end: typed `#[webhook_handler]`s of
//! every thin type of the pinned v2 spec, dispatch of a notification built from the generated
//! tables, and a receiver on 127.0.0.1 that takes both kinds on one endpoint (inline and queue
//! mode, SQLite and in-memory stores): stored, de-duplicated, claimed, replayed and listed like
//! snapshot events.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use stripe_events::dispatch::Invocation;
use stripe_events::receiver::{Outcome, Processing, Receiver, ReceiverConfig, serve};
use stripe_events::signature::{Clock, SystemClock};
use stripe_events::store::{EventStore, MemoryStore, SqliteStore, Status};
use stripe_events::testing::{event_envelope, generate_test_header, thin_notification};
use stripe_events::thin::{kind, resource};
use stripe_events::{
    Dispatcher, EventNotification, Notification, ReceivedEvent, RelatedId, RelatedObjectType,
    ThinEventType, Webhook, webhook_handler,
};

const SECRET: &str = "whsec_thin_test";

/// What the handlers saw: `"<handler>:<event id>:<related id>"`, in call order.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn push(&self, entry: String) {
        self.0.lock().unwrap().push(entry);
    }

    fn entries(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    fn count(&self, prefix: &str) -> usize {
        self.entries()
            .iter()
            .filter(|e| e.starts_with(prefix))
            .count()
    }
}

// One handler per thin type of the pinned v2 spec (2025-12-15.clover), in each form: typed
// with state, async typed, and the untyped notification.

#[webhook_handler("v2.core.event_destination.ping")]
fn on_ping(log: &Log, ping: &Notification<kind::V2CoreEventDestinationPing>) {
    let destination: RelatedId<'_, resource::V2CoreEventDestination> = ping.related_object();
    assert_eq!(
        destination.object_type(),
        RelatedObjectType::V2CoreEventDestination
    );
    log.push(format!("ping:{}:{}", ping.id, destination.id));
}

#[webhook_handler("v1.billing.meter.error_report_triggered")]
async fn on_meter_error(
    log: &Log,
    n: &Notification<'_, kind::V1BillingMeterErrorReportTriggered>,
) -> Result<(), String> {
    let meter: RelatedId<'_, resource::BillingMeter> = n.related_object();
    if n.id.starts_with("evt_fail") && log.count(&format!("meter_error:{}", n.id)) == 0 {
        log.push(format!("meter_error:{}:failed", n.id));
        return Err(format!("{} fails on its first run", n.id));
    }
    log.push(format!("meter_error:{}:{}", n.id, meter.id));
    Ok(())
}

#[webhook_handler("v1.billing.meter.no_meter_found")]
fn on_no_meter(log: &Log, n: &EventNotification) {
    assert!(n.related_object.is_none());
    log.push(format!("no_meter:{}:-", n.id));
}

/// Counts snapshot events: `"*"` runs for every snapshot event and never for a thin one.
#[webhook_handler("*")]
fn every_snapshot(log: &Log, event: &stripe_events::Event) {
    log.push(format!("any:{}:-", event.id));
}

fn now() -> i64 {
    SystemClock.now()
}

fn thin_body(id: &str, event_type: &str) -> Vec<u8> {
    thin_notification(id, event_type).to_string().into_bytes()
}

#[test]
fn every_thin_type_parses_and_runs_its_typed_handler() {
    assert_eq!(
        stripe_events::thin::API_VERSION,
        Some("2025-12-15.clover"),
        "the pinned v2 spec"
    );
    assert_eq!(ThinEventType::ALL.len(), 3);
    let log = Log::default();
    let dispatcher = Dispatcher::new().with_state(log.clone());
    dispatcher.check().unwrap();
    let webhook = Webhook::new(SECRET);
    for (i, t) in ThinEventType::ALL.iter().enumerate() {
        let id = format!("evt_{i}");
        let body = thin_body(&id, t.as_str());
        let header = generate_test_header(&body, SECRET, now());
        let ReceivedEvent::Thin(n) = webhook.construct_any(&body, Some(&header)).unwrap() else {
            panic!("{t}: not a thin event");
        };
        assert_eq!(&n.type_, t);
        let related = n.related_object.as_ref().map(|r| r.type_.clone());
        assert_eq!(related, t.related_object_type(), "{t}");
        assert_eq!(dispatcher.handlers_for_thin(t).count(), 1, "{t}");
        let dispatched = dispatcher.dispatch_notification_blocking(&n).unwrap();
        assert_eq!(dispatched.ran, 1, "{t}");
        let entry = log.entries().pop().unwrap();
        let related_id = n.related_object.as_ref().map_or("-", |r| r.id.as_str());
        assert!(
            entry.ends_with(&format!(":{id}:{related_id}")),
            "{t}: {entry}"
        );
    }
    assert_eq!(
        log.count("any:"),
        0,
        "\"*\" handlers see snapshot events only"
    );
}

#[test]
fn a_thin_handler_refuses_a_notification_of_another_type_or_resource() {
    let log = Log::default();
    let dispatcher = Dispatcher::new().with_state(log.clone());
    // A notification whose related object is not the resource the spec names.
    let mut body = thin_notification("evt_odd", "v2.core.event_destination.ping");
    body["related_object"]["type"] = "v2.core.account".into();
    let n = EventNotification::from_slice(body.to_string().as_bytes()).unwrap();
    let err = dispatcher.dispatch_notification_blocking(&n).unwrap_err();
    assert!(
        err.to_string().contains(
            "whose related object is a `v2.core.account`, not a `v2.core.event_destination`"
        ),
        "{err}"
    );
    // A handler function called by hand with another type's notification.
    let other = thin_notification("evt_other", "v1.billing.meter.no_meter_found");
    let other = EventNotification::from_slice(other.to_string().as_bytes()).unwrap();
    let inv = Invocation::for_notification(&dispatcher, &other);
    let mismatch = inv
        .typed_notification::<kind::V2CoreEventDestinationPing>()
        .unwrap_err();
    assert_eq!(mismatch.found_type, "v1.billing.meter.no_meter_found");
    assert!(log.entries().is_empty());
}

/// A temp dir removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("stripe-events-thin-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A receiver on a port of 127.0.0.1.
struct Server {
    rt: tokio::runtime::Runtime,
    receiver: Receiver,
    log: Log,
    url: String,
    agent: ureq::Agent,
    _dir: TempDir,
}

impl Server {
    fn start(name: &str, processing: Processing, sqlite: bool) -> Self {
        let dir = TempDir::new(name);
        let log = Log::default();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let config = ReceiverConfig::new(Webhook::new(SECRET))
            .processing(processing)
            .workers(1)
            .poll_interval(Duration::from_millis(50));
        let config = if sqlite {
            config.store(SqliteStore::open(dir.0.join("deliveries.sqlite3")).unwrap())
        } else {
            config.store(MemoryStore::new())
        };
        let receiver = Receiver::new(config, Dispatcher::new().with_state(log.clone()));
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
            log,
            url,
            agent,
            _dir: dir,
        }
    }

    fn deliver(&self, body: &[u8]) -> (u16, String) {
        let header = generate_test_header(body, SECRET, now());
        let mut response = self
            .agent
            .post(&self.url)
            .header("Stripe-Signature", &header)
            .send(body)
            .unwrap();
        let text = response.body_mut().read_to_string().unwrap();
        (response.status().as_u16(), text)
    }

    fn store(&self) -> &dyn EventStore {
        self.receiver.store()
    }

    /// Waits (up to 10 s) until `id` has status `status`.
    fn wait_for(&self, id: &str, status: Status) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let row = self.store().get(id).unwrap();
            if row.as_ref().is_some_and(|r| r.status == status) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{id} not {status}: {:?}",
                row.map(|r| (r.status, r.last_error))
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Both kinds on one endpoint, in each mode and store: stored, de-duplicated, run once,
/// a failed thin event replayed, listed.
fn both_kinds_on_one_endpoint(server: &Server, queue: bool) {
    let done = if queue { "queued" } else { "processed" };
    let ping = thin_body("evt_thin_ping", "v2.core.event_destination.ping");
    let (status, text) = server.deliver(&ping);
    assert_eq!(status, 200, "{text}");
    assert!(text.starts_with(done), "{text}");
    server.wait_for("evt_thin_ping", Status::Processed);
    let snapshot = event_envelope(
        "evt_snap",
        "customer.deleted",
        &serde_json::json!({"id": "cus_1"}),
    );
    let snapshot = snapshot.to_string().into_bytes();
    assert_eq!(server.deliver(&snapshot).0, 200);
    server.wait_for("evt_snap", Status::Processed);

    // A redelivery is a duplicate (inline) or a no-op (queue): the handler ran once.
    assert_eq!(server.deliver(&ping).0, 200);
    server.wait_for("evt_thin_ping", Status::Processed);
    assert_eq!(server.log.count("ping:evt_thin_ping:ed_test_1"), 1);
    assert_eq!(server.log.count("any:evt_snap"), 1);
    assert_eq!(server.log.count("any:evt_thin"), 0);

    let row = server.store().get("evt_thin_ping").unwrap().unwrap();
    assert_eq!(
        row.event_type.as_deref(),
        Some("v2.core.event_destination.ping")
    );
    assert_eq!((row.body, row.api_version, row.attempts), (ping, None, 1));

    // A thin event whose handler fails once: failed (inline: 500, Stripe retries) or retried by
    // the queue; replayed by hand it runs again and is processed.
    let failing = thin_body("evt_fail_meter", "v1.billing.meter.error_report_triggered");
    let (status, _) = server.deliver(&failing);
    assert_eq!(status, if queue { 200 } else { 500 });
    if !queue {
        server.wait_for("evt_fail_meter", Status::Failed);
        let outcome = server
            .rt
            .block_on(server.receiver.replay("evt_fail_meter"))
            .unwrap();
        assert!(
            matches!(outcome, Outcome::Processed { ran: 1 }),
            "{outcome:?}"
        );
    } else {
        // The first attempt failed; replaying runs it again now instead of after the backoff.
        server.wait_for_attempts("evt_fail_meter", 1);
        let outcome = server
            .rt
            .block_on(server.receiver.replay("evt_fail_meter"))
            .unwrap();
        assert!(
            matches!(outcome, Outcome::Processed { ran: 1 } | Outcome::Duplicate),
            "{outcome:?}"
        );
    }
    server.wait_for("evt_fail_meter", Status::Processed);
    assert_eq!(server.log.count("meter_error:evt_fail_meter:mtr_test_1"), 1);

    // Listed with the snapshot event, in received order.
    let ids: Vec<String> = server
        .store()
        .list(Some(Status::Processed))
        .unwrap()
        .into_iter()
        .filter_map(|r| r.event_id)
        .collect();
    assert_eq!(ids, ["evt_thin_ping", "evt_snap", "evt_fail_meter"]);
}

impl Server {
    /// Waits (up to 10 s) until `id` has had at least `attempts` attempts and is not running.
    fn wait_for_attempts(&self, id: &str, attempts: u32) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self
                .store()
                .get(id)
                .unwrap()
                .is_some_and(|r| r.attempts >= attempts && r.status != Status::Pending)
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("{id}: fewer than {attempts} attempts");
    }
}

#[test]
fn inline_sqlite_takes_both_kinds() {
    both_kinds_on_one_endpoint(
        &Server::start("inline-sqlite", Processing::Inline, true),
        false,
    );
}

#[test]
fn inline_memory_takes_both_kinds() {
    both_kinds_on_one_endpoint(
        &Server::start("inline-memory", Processing::Inline, false),
        false,
    );
}

#[test]
fn queue_sqlite_takes_both_kinds() {
    both_kinds_on_one_endpoint(
        &Server::start("queue-sqlite", Processing::Queue, true),
        true,
    );
}

#[test]
fn queue_memory_takes_both_kinds() {
    both_kinds_on_one_endpoint(
        &Server::start("queue-memory", Processing::Queue, false),
        true,
    );
}
