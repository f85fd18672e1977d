//! The receiver keeps a mirror (`ReceiverConfig::mirror`): real deliveries over HTTP on
//! 127.0.0.1, in inline and queue mode, out of order, on a SQLite file shared by the
//! deliveries and the objects. Handlers run first and read the object as it was before their
//! event; a mirror that fails fails the attempt. Waits have a safety deadline (a failure,
//! never a pass, beyond it).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use stripe_events::mirror::{Mirror, MirroredObject, ObjectStore, ObjectWrite};
use stripe_events::receiver::{
    Processing, Receiver, ReceiverConfig, RetryPolicy, serve_with_shutdown,
};
use stripe_events::signature::{Clock, SystemClock};
use stripe_events::store::{EventStore, MemoryStore, SqliteStore, Status, StoreError};
use stripe_events::testing::{event_envelope, generate_test_header, thin_notification};
use stripe_events::{Dispatcher, EventContext, Product, Webhook, webhook_handler};
use tokio::sync::oneshot;

const SECRET: &str = "whsec_mirror_test";
const SAFETY: Duration = Duration::from_secs(30);

/// What each handler run saw: (event id, the event id of the stored product before it).
static SEEN: Mutex<Vec<(String, Option<String>)>> = Mutex::new(Vec::new());

#[webhook_handler("product.created")]
#[webhook_handler("product.updated")]
#[webhook_handler("product.deleted")]
fn on_product(
    mirror: &Mirror,
    ctx: &EventContext<'_>,
    product: &Product,
) -> Result<(), StoreError> {
    let before = mirror.get_typed::<Product>(&product.id)?;
    SEEN.lock()
        .unwrap()
        .push((ctx.id.to_owned(), before.map(|b| b.event_id)));
    if ctx.id.starts_with("evt_fail") {
        return Err(StoreError::new("the handler", "fails on purpose"));
    }
    Ok(())
}

fn seen_by(event_id: &str) -> Vec<Option<String>> {
    SEEN.lock()
        .unwrap()
        .iter()
        .filter(|(id, _)| id == event_id)
        .map(|(_, before)| before.clone())
        .collect()
}

/// A product event body: `product_id` named `name`, in an event `id` of `created`.
fn body(id: &str, action: &str, created: i64, product_id: &str, name: &str) -> Vec<u8> {
    let product = serde_json::json!({
        "id": product_id, "object": "product", "active": true, "created": 1,
        "images": [], "livemode": false, "marketing_features": [], "metadata": {},
        "name": name, "updated": created,
    });
    let mut envelope = event_envelope(id, &format!("product.{action}"), &product);
    envelope["created"] = created.into();
    envelope.to_string().into_bytes()
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "stripe-events-mirror-{}-{name}",
            std::process::id()
        ));
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

struct Server {
    /// Runs the server until the test ends.
    _rt: tokio::runtime::Runtime,
    receiver: Receiver,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

impl Server {
    fn start(config: ReceiverConfig) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let receiver = Receiver::new(config, Dispatcher::new());
        // The receiver gave the handlers the mirror: their state is there.
        receiver.dispatcher().check().unwrap();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        rt.spawn(serve_with_shutdown(
            listener,
            receiver.clone(),
            async move {
                let _ = stopped.await;
            },
        ));
        Self {
            _rt: rt,
            receiver,
            addr,
            stop: Some(stop),
        }
    }

    /// POSTs `body` signed now over a fresh connection; the status.
    fn deliver(&self, body: &[u8]) -> u16 {
        let signature = generate_test_header(body, SECRET, SystemClock.now());
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream.set_read_timeout(Some(SAFETY)).unwrap();
        let head = format!(
            "POST /webhook HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
             Stripe-Signature: {signature}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        String::from_utf8_lossy(&answer[9..12]).parse().unwrap()
    }

    fn mirror(&self) -> &Mirror {
        self.receiver.mirror().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.stop.take().unwrap().send(());
    }
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + SAFETY;
    while !done() {
        assert!(Instant::now() < deadline, "still waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn stored(mirror: &Mirror, id: &str) -> MirroredObject {
    mirror.get("product", id).unwrap().unwrap()
}

#[test]
fn inline_deliveries_out_of_order_end_in_the_newest_state() {
    let dir = TempDir::new("inline");
    let store = Arc::new(SqliteStore::open(dir.0.join("events.sqlite3")).unwrap());
    let server = Server::start(
        ReceiverConfig::new(Webhook::new(SECRET))
            .store(Arc::clone(&store))
            .mirror(Mirror::new(Arc::clone(&store))),
    );
    // Created, then the newer update, then the older one (a late retry), then a duplicate.
    let newer = body("evt_in_u2", "updated", 300, "prod_in", "Newer");
    assert_eq!(
        server.deliver(&body("evt_in_c", "created", 100, "prod_in", "First")),
        200
    );
    assert_eq!(server.deliver(&newer), 200);
    assert_eq!(
        server.deliver(&body("evt_in_u1", "updated", 200, "prod_in", "Older")),
        200
    );
    assert_eq!(server.deliver(&newer), 200);
    let product = server
        .mirror()
        .get_typed::<Product>("prod_in")
        .unwrap()
        .unwrap();
    assert_eq!(product.event_id, "evt_in_u2");
    assert_eq!(product.object.unwrap().name, "Newer");
    // Each handler read the state before its own event was applied.
    assert_eq!(seen_by("evt_in_c"), [None]);
    assert_eq!(seen_by("evt_in_u2"), [Some("evt_in_c".to_owned())]);
    assert_eq!(seen_by("evt_in_u1"), [Some("evt_in_u2".to_owned())]);
    // The JSON is the body's, byte for byte.
    let text = String::from_utf8(newer).unwrap();
    assert!(text.contains(&stored(server.mirror(), "prod_in").json));
    // Deleted, then a later-dated update: it stays deleted.
    assert_eq!(
        server.deliver(&body("evt_in_d", "deleted", 400, "prod_in", "Gone")),
        200
    );
    assert_eq!(
        server.deliver(&body("evt_in_u3", "updated", 500, "prod_in", "Back")),
        200
    );
    let after = stored(server.mirror(), "prod_in");
    assert_eq!((after.event_id.as_str(), after.deleted), ("evt_in_d", true));
    // A handler that fails: nothing applied, the event failed.
    assert_eq!(
        server.deliver(&body("evt_fail_in", "updated", 600, "prod_in2", "X")),
        500
    );
    assert!(
        server
            .mirror()
            .get("product", "prod_in2")
            .unwrap()
            .is_none()
    );
    // A thin event goes through, with nothing to mirror.
    let thin = thin_notification("evt_in_thin", "v2.core.event_destination.ping").to_string();
    assert_eq!(server.deliver(thin.as_bytes()), 200);
    // Another process reads the same file.
    let reader = Mirror::new(SqliteStore::open_existing(dir.0.join("events.sqlite3")).unwrap());
    assert_eq!(reader.list("product").unwrap().len(), 1);
}

#[test]
fn queue_workers_apply_every_event_once_its_handlers_succeeded() {
    let store = Arc::new(MemoryStore::new());
    let server = Server::start(
        ReceiverConfig::new(Webhook::new(SECRET))
            .store(Arc::clone(&store))
            .mirror(Mirror::new(Arc::clone(&store)).only(["product"]))
            .processing(Processing::Queue)
            .workers(1)
            .poll_interval(Duration::from_millis(20)),
    );
    for (id, action, created, name) in [
        ("evt_q_u2", "updated", 30, "Three"),
        ("evt_q_c", "created", 10, "One"),
        ("evt_q_u1", "updated", 20, "Two"),
    ] {
        assert_eq!(
            server.deliver(&body(id, action, created, "prod_q", name)),
            200
        );
    }
    wait_until("every event processed", || {
        ["evt_q_u2", "evt_q_c", "evt_q_u1"]
            .iter()
            .all(|id| store.get(id).unwrap().map(|d| d.status) == Some(Status::Processed))
    });
    let product = server
        .mirror()
        .get_typed::<Product>("prod_q")
        .unwrap()
        .unwrap();
    assert_eq!(product.event_id, "evt_q_u2");
    assert_eq!(product.object.unwrap().name, "Three");
}

/// An object store that fails its first `failures` writes, then writes to memory.
struct Flaky {
    failures: AtomicUsize,
    store: MemoryStore,
}

impl ObjectStore for Flaky {
    fn put_object(&self, write: &ObjectWrite<'_>) -> Result<bool, StoreError> {
        let left = self.failures.load(Ordering::SeqCst);
        if left > 0 {
            self.failures.store(left - 1, Ordering::SeqCst);
            return Err(StoreError::new("storing the object", "disk full"));
        }
        self.store.put_object(write)
    }
    fn get_object(&self, t: &str, id: &str) -> Result<Option<MirroredObject>, StoreError> {
        self.store.get_object(t, id)
    }
    fn list_objects(&self, t: &str) -> Result<Vec<MirroredObject>, StoreError> {
        self.store.list_objects(t)
    }
}

#[test]
fn a_mirror_that_fails_fails_the_attempt_which_is_retried() {
    let store = Arc::new(MemoryStore::new());
    let flaky = Flaky {
        failures: AtomicUsize::new(1),
        store: MemoryStore::new(),
    };
    // Inline: answered 500 and recorded failed with the reason; Stripe's retry applies it.
    let server = Server::start(
        ReceiverConfig::new(Webhook::new(SECRET))
            .store(Arc::clone(&store))
            .mirror(Mirror::new(flaky)),
    );
    let event = body("evt_flaky_in", "updated", 10, "prod_f", "F");
    assert_eq!(server.deliver(&event), 500);
    let row = store.get("evt_flaky_in").unwrap().unwrap();
    assert_eq!(row.status, Status::Failed);
    let error = row.last_error.unwrap();
    assert!(
        error.contains("the mirror could not apply the event: mirroring evt_flaky_in")
            && error.ends_with("disk full"),
        "{error}"
    );
    assert!(server.mirror().get("product", "prod_f").unwrap().is_none());
    assert_eq!(server.deliver(&event), 200);
    assert_eq!(stored(server.mirror(), "prod_f").event_id, "evt_flaky_in");
    assert_eq!(seen_by("evt_flaky_in").len(), 2, "the handler ran again");

    // Queue mode: the worker retries it.
    let store = Arc::new(MemoryStore::new());
    let flaky = Flaky {
        failures: AtomicUsize::new(2),
        store: MemoryStore::new(),
    };
    let server = Server::start(
        ReceiverConfig::new(Webhook::new(SECRET))
            .store(Arc::clone(&store))
            .mirror(Mirror::new(flaky))
            .processing(Processing::Queue)
            .workers(1)
            .retry(RetryPolicy::new(
                Duration::from_millis(10),
                Duration::from_millis(40),
                5,
            ))
            .poll_interval(Duration::from_millis(20)),
    );
    let event = body("evt_flaky_q", "updated", 10, "prod_fq", "F");
    assert_eq!(server.deliver(&event), 200);
    wait_until("the retried event processed", || {
        store.get("evt_flaky_q").unwrap().map(|d| d.status) == Some(Status::Processed)
    });
    assert_eq!(store.get("evt_flaky_q").unwrap().unwrap().attempts, 3);
    assert_eq!(stored(server.mirror(), "prod_fq").event_id, "evt_flaky_q");
}
