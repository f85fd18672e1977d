//! The receiver when things go wrong: payloads that do not fit, stores that fail, stores of
//! another application, no handlers at all. Real HTTP on 127.0.0.1; the store faults are
//! injected by a wrapper around a real store; the logs are captured from `tracing`.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde_json::json;
use stripe_events::dispatch::{BoxError, Handler, HandlerFn, Invocation};
use stripe_events::receiver::{Outcome, Receiver, ReceiverConfig, serve};
use stripe_events::signature::{Clock, SystemClock};
use stripe_events::store::{
    Claim, EventStore, MemoryStore, SqliteStore, Status, StatusChange, StoreError, StoredDelivery,
};
use stripe_events::testing::{event_envelope, generate_test_header};
use stripe_events::{Dispatcher, Webhook};

const SECRET: &str = "whsec_receiver_faults";

// ---------------------------------------------------------------------------------------
// Captured logs: one global subscriber writing every formatted line into a buffer.

#[derive(Clone)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every log line so far (all tests of this binary share the subscriber: look for ids).
fn logs() -> String {
    static BUFFER: OnceLock<Capture> = OnceLock::new();
    let capture = BUFFER.get_or_init(|| {
        let capture = Capture(Arc::default());
        let writer = capture.clone();
        tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_max_level(tracing::Level::INFO)
            .init();
        capture
    });
    String::from_utf8_lossy(&capture.0.lock().unwrap()).into_owned()
}

// ---------------------------------------------------------------------------------------
// Handlers, built by hand so that each test chooses its own.

/// The events the typed handler ran for, by id: tests run in parallel on one process, so a
/// test looks for its own events rather than counting everyone's runs.
static TYPED_RUNS: Mutex<Vec<String>> = Mutex::new(Vec::new());
static ANY_RUNS: AtomicUsize = AtomicUsize::new(0);

fn typed_customer(inv: &Invocation<'_>) -> Result<(), BoxError> {
    TYPED_RUNS.lock().unwrap().push(inv.event_id().to_owned());
    Ok(())
}

fn any_event(_: &Invocation<'_>) -> Result<(), BoxError> {
    ANY_RUNS.fetch_add(1, Ordering::SeqCst);
    Ok(())
}

fn raw_event(_: &Invocation<'_>) -> Result<(), BoxError> {
    Ok(())
}

static TYPED_AND_ANY: [Handler; 2] = [
    Handler {
        event_type: "customer.created",
        name: "faults::typed_customer",
        state: None,
        call: HandlerFn::Sync(typed_customer),
    },
    Handler {
        event_type: "*",
        name: "faults::any_event",
        state: None,
        call: HandlerFn::Sync(any_event),
    },
];

static TYPED_AND_RAW: [Handler; 2] = [
    Handler {
        event_type: "customer.created",
        name: "faults::typed_customer",
        state: None,
        call: HandlerFn::Sync(typed_customer),
    },
    Handler {
        event_type: "raw",
        name: "faults::raw_event",
        state: None,
        call: HandlerFn::Sync(raw_event),
    },
];

// ---------------------------------------------------------------------------------------
// A store with faults on demand.

#[derive(Default)]
struct Faulty {
    inner: MemoryStore,
    /// Every write fails while set.
    down: AtomicBool,
    /// How many `complete` calls still fail.
    complete_failures: AtomicUsize,
}

impl Faulty {
    fn fault(&self, doing: &str) -> Result<(), StoreError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(StoreError::new(doing, "disk I/O error (injected)"));
        }
        Ok(())
    }
}

impl EventStore for Faulty {
    fn record(
        &self,
        event: &dyn stripe_events::store::RecordedEvent,
        body: &[u8],
        at: i64,
    ) -> Result<(), StoreError> {
        self.fault("recording")?;
        self.inner.record(event, body, at)
    }
    fn record_rejected(&self, body: &[u8], ok: bool, why: &str, at: i64) -> Result<(), StoreError> {
        self.fault("recording a rejected delivery")?;
        self.inner.record_rejected(body, ok, why, at)
    }
    fn claim(&self, id: &str, now: i64, lease: Duration) -> Result<Claim, StoreError> {
        self.fault("claiming")?;
        self.inner.claim(id, now, lease)
    }
    fn finish(&self, id: &str, status: Status, error: Option<&str>) -> Result<(), StoreError> {
        self.fault("recording a result")?;
        let left = self.complete_failures.load(Ordering::SeqCst);
        if status == Status::Processed && left > 0 {
            self.complete_failures.store(left - 1, Ordering::SeqCst);
            return Err(StoreError::new(
                format!("completing {id}"),
                "database is locked (injected)",
            ));
        }
        self.inner.finish(id, status, error)
    }
    fn bind_application(&self, application: &str) -> Result<String, StoreError> {
        self.fault("binding")?;
        self.inner.bind_application(application)
    }
    fn application(&self) -> Result<Option<String>, StoreError> {
        self.inner.application()
    }
    fn history(&self, id: &str) -> Result<Vec<StatusChange>, StoreError> {
        self.inner.history(id)
    }
    fn get(&self, id: &str) -> Result<Option<StoredDelivery>, StoreError> {
        self.inner.get(id)
    }
    fn list(&self, status: Option<Status>) -> Result<Vec<StoredDelivery>, StoreError> {
        self.inner.list(status)
    }
}

// ---------------------------------------------------------------------------------------
// A receiver on loopback.

struct Server {
    rt: tokio::runtime::Runtime,
    receiver: Receiver,
    url: String,
    agent: ureq::Agent,
}

impl Server {
    fn start(store: impl EventStore, handlers: &'static [Handler], application: &str) -> Self {
        let _ = logs(); // the subscriber exists before anything logs
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let config = ReceiverConfig::new(Webhook::new(SECRET))
            .store(store)
            .application(application);
        let receiver = Receiver::new(config, Dispatcher::from_handlers(handlers));
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}/webhook", listener.local_addr().unwrap());
        // Served without `serve`'s start-up check, like an application's own router: the
        // receiver must check the store by itself.
        let router = receiver.router();
        rt.spawn(async move { axum::serve(listener, router).await.unwrap() });
        Self {
            rt,
            receiver,
            url,
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build()
                .into(),
        }
    }

    fn deliver(&self, body: &[u8]) -> (u16, String) {
        let header = generate_test_header(body, SECRET, SystemClock.now());
        let mut response = self
            .agent
            .post(&self.url)
            .header("Stripe-Signature", &header)
            .send(body)
            .unwrap();
        let text = response.body_mut().read_to_string().unwrap();
        (response.status().as_u16(), text)
    }
}

fn customer(id: &str, event_id: &str, fits: bool) -> Vec<u8> {
    let mut customer = json!({"id": id, "object": "customer", "created": 1, "livemode": false,
        "metadata": {}, "balance": 0, "delinquent": false, "invoice_prefix": "ABC"});
    if !fits {
        // Rendered for an API version whose customers had no `created`.
        customer.as_object_mut().unwrap().remove("created");
    }
    event_envelope(event_id, "customer.created", &customer)
        .to_string()
        .into_bytes()
}

// ---------------------------------------------------------------------------------------

#[test]
fn a_payload_that_does_not_fit_is_stored_untyped_with_a_warning_not_processed() {
    let store = Arc::new(Faulty::default());
    let server = Server::start(Arc::clone(&store), &TYPED_AND_ANY, "faults-untyped");
    let (status, text) = server.deliver(&customer("cus_u", "evt_untyped_1", false));
    // 200: a retry would carry the same payload.
    assert_eq!(status, 200, "{text}");
    assert!(
        text.starts_with("untyped (1 typed handler(s) could not run"),
        "{text}"
    );
    assert!(
        !TYPED_RUNS
            .lock()
            .unwrap()
            .iter()
            .any(|id| id == "evt_untyped_1"),
        "the typed handler ran for an untyped payload"
    );
    let row = store.get("evt_untyped_1").unwrap().unwrap();
    assert_eq!(row.status, Status::Untyped);
    assert_eq!(
        row.last_error.as_deref(),
        Some("missing field `created` at $.data.object")
    );
    let warning = logs()
        .lines()
        .find(|l| {
            l.contains("evt_untyped_1")
                && l.contains("WARN")
                && l.contains("typed webhook handlers could not run")
        })
        .map(str::to_owned);
    let warning = warning.unwrap_or_else(|| panic!("no warning logged:\n{}", logs()));
    assert!(warning.contains("path=$.data.object"), "{warning}");
    assert!(warning.contains("missing field `created`"), "{warning}");
    // Listed, and replayable (still untyped with this build's types).
    let untyped = server
        .rt
        .block_on(server.receiver.replay_all(Status::Untyped))
        .unwrap();
    assert_eq!(untyped.len(), 1);
    assert!(
        matches!(&untyped[0].1, Ok(Outcome::Untyped { skipped: 1, .. })),
        "{untyped:?}"
    );
    // A payload that fits is processed as usual.
    let (status, text) = server.deliver(&customer("cus_t", "evt_untyped_2", true));
    assert_eq!(
        (status, text.as_str()),
        (200, "processed (2 handler(s) ran)")
    );
}

#[test]
fn a_raw_handler_takes_over_payloads_that_do_not_fit() {
    let store = Arc::new(Faulty::default());
    let server = Server::start(Arc::clone(&store), &TYPED_AND_RAW, "faults-raw");
    let (status, text) = server.deliver(&customer("cus_r", "evt_raw_1", false));
    assert_eq!(
        (status, text.as_str()),
        (200, "processed (1 handler(s) ran)")
    );
    assert_eq!(
        store.get("evt_raw_1").unwrap().unwrap().status,
        Status::Processed
    );
}

#[test]
fn a_store_failure_is_its_own_outcome_and_heals_by_itself() {
    let store = Arc::new(Faulty::default());
    let server = Server::start(Arc::clone(&store), &TYPED_AND_ANY, "faults-down");
    store.down.store(true, Ordering::SeqCst);
    let (status, text) = server.deliver(&customer("cus_d", "evt_down_1", true));
    assert_eq!((status, text.as_str()), (500, "event store failed"));
    let outcome = server.rt.block_on(server.receiver.handle(
        &signed_headers(&customer("cus_d", "evt_down_1", true)),
        customer("cus_d", "evt_down_1", true).into(),
    ));
    assert!(
        matches!(&outcome, Outcome::StoreFailed(e) if e.to_string().contains("disk I/O error")),
        "{outcome:?}"
    );
    assert!(
        logs().contains("event store failed"),
        "the failure is logged:\n{}",
        logs()
    );
    // The fault clears: the next delivery works, without a restart.
    store.down.store(false, Ordering::SeqCst);
    let (status, _) = server.deliver(&customer("cus_d", "evt_down_1", true));
    assert_eq!(status, 200);
    assert_eq!(
        store.get("evt_down_1").unwrap().unwrap().status,
        Status::Processed
    );
}

fn signed_headers(body: &[u8]) -> axum::http::HeaderMap {
    let mut headers = axum::http::HeaderMap::new();
    headers.insert(
        "stripe-signature",
        generate_test_header(body, SECRET, SystemClock.now())
            .parse()
            .unwrap(),
    );
    headers
}

#[test]
fn completing_is_retried_then_the_claim_released_so_a_retry_is_not_409() {
    let store = Arc::new(Faulty::default());
    let server = Server::start(Arc::clone(&store), &TYPED_AND_ANY, "faults-complete");
    // One failure: retried within the delivery, which ends processed.
    store.complete_failures.store(1, Ordering::SeqCst);
    let (status, text) = server.deliver(&customer("cus_c", "evt_complete_1", true));
    assert_eq!(
        (status, text.as_str()),
        (200, "processed (2 handler(s) ran)")
    );
    // Failing every try: 500, and the claim is released with the reason.
    store.complete_failures.store(3, Ordering::SeqCst);
    let body = customer("cus_c", "evt_complete_2", true);
    let (status, text) = server.deliver(&body);
    assert_eq!((status, text.as_str()), (500, "event store failed"));
    let row = store.get("evt_complete_2").unwrap().unwrap();
    assert_eq!(row.status, Status::Pending);
    assert!(
        row.last_error
            .as_deref()
            .unwrap()
            .starts_with("handlers ran, but their result could not be recorded"),
        "{row:?}"
    );
    // Stripe's retry runs the handlers again at once (not 409 until the lease ends).
    let (status, text) = server.deliver(&body);
    assert_eq!(
        (status, text.as_str()),
        (200, "processed (2 handler(s) ran)")
    );
    let (status, text) = server.deliver(&body);
    assert_eq!(
        (status, text.as_str()),
        (200, "duplicate (already processed)")
    );
}

#[test]
fn a_store_of_another_application_is_refused_and_left_untouched() {
    let dir = std::env::temp_dir().join(format!("stripe-events-faults-app-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("app.sqlite3");
    {
        let store = SqliteStore::open(&db).unwrap();
        assert_eq!(store.bind_application("shop").unwrap(), "shop");
    }
    let server = Server::start(
        SqliteStore::open(&db).unwrap(),
        &TYPED_AND_ANY,
        "not-the-shop",
    );
    let (status, text) = server.deliver(&customer("cus_o", "evt_other_1", true));
    assert_eq!((status, text.as_str()), (500, "event store failed"));
    let err = server.rt.block_on(server.receiver.ready()).unwrap_err();
    assert!(
        err.to_string().contains("it belongs to application `shop`"),
        "{err}"
    );
    let replay = server.rt.block_on(server.receiver.replay("evt_other_1"));
    assert!(replay.is_err(), "{replay:?}");
    assert!(
        SqliteStore::open(&db)
            .unwrap()
            .list(None)
            .unwrap()
            .is_empty()
    );
    // `serve` refuses to start on it.
    let listener = server
        .rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let served = server.rt.block_on(serve(listener, server.receiver.clone()));
    assert!(
        served
            .unwrap_err()
            .to_string()
            .contains("belongs to application `shop`"),
        "serve started on another application's store"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_receiver_without_handlers_says_so_at_start() {
    static NONE: [Handler; 0] = [];
    let server = Server::start(MemoryStore::new(), &NONE, "faults-no-handlers");
    server.rt.block_on(server.receiver.ready()).unwrap();
    let logs = logs();
    assert!(
        logs.lines().any(|l| l.contains("WARN")
            && l.contains("no webhook handlers are registered")
            && l.contains("faults-no-handlers")),
        "{logs}"
    );
    let server = Server::start(MemoryStore::new(), &TYPED_AND_ANY, "faults-two-handlers");
    server.rt.block_on(server.receiver.ready()).unwrap();
    let logs = self::logs();
    assert!(
        logs.lines().any(|l| l.contains("faults-two-handlers")
            && l.contains("webhook handlers registered: * (1), customer.created (1)")),
        "{logs}"
    );
}

#[test]
fn an_applications_own_route_keeps_the_body_limit() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let config = ReceiverConfig::new(Webhook::new(SECRET))
        .body_limit(1024)
        .application("faults-own-route");
    let receiver = Receiver::new(config, Dispatcher::from_handlers(&TYPED_AND_ANY));
    // A body over the limit, signed: refused before its signature is checked, not stored.
    let mut body = customer("cus_big", "evt_big_1", true);
    body.resize(2048, b' ');
    let outcome = rt.block_on(receiver.handle(&signed_headers(&body), body.into()));
    assert_eq!(outcome, Outcome::TooLarge { limit: 1024 });
    assert_eq!(outcome.status_code().as_u16(), 413);
    assert!(receiver.store().list(None).unwrap().is_empty());
}
