//! Queue mode (acknowledge first, process after): real HTTP on 127.0.0.1, real SQLite files in
//! a temp dir (a `MemoryStore` where the store does not matter). Retry delays are configured
//! in milliseconds, so the retries take no time worth waiting for. Waits for a state have a
//! safety deadline (a failure, never a pass, beyond it); nothing asserts how long anything
//! took.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use stripe_events::receiver::{
    Outcome, Processing, Receiver, ReceiverConfig, RetryPolicy, serve_with_shutdown,
};
use stripe_events::signature::{Clock, SystemClock};
use stripe_events::store::{EventStore, MemoryStore, SqliteStore, Status};
use stripe_events::testing::{event_envelope, generate_test_header};
use stripe_events::{
    ApiVersionPolicy, Dispatcher, Event, EventContext, Product, Webhook, webhook_handler,
};
use tokio::sync::{Semaphore, mpsc, oneshot};

const SECRET: &str = "whsec_queue_test";
/// The longest wait for a state that must come.
const SAFETY: Duration = Duration::from_secs(30);

/// What the handler saw, and the levers a test holds (the dispatcher's state).
#[derive(Clone)]
struct Lab(Arc<LabInner>);

struct LabInner {
    /// Handler runs per event id.
    runs: Mutex<HashMap<String, usize>>,
    /// `evt_gate*` events wait for a permit here.
    gate: Semaphore,
    /// Told the id of each `evt_gate*` event whose handler started.
    entered: mpsc::UnboundedSender<String>,
}

impl Lab {
    fn new() -> (Self, mpsc::UnboundedReceiver<String>) {
        let (entered, started) = mpsc::unbounded_channel();
        let lab = Self(Arc::new(LabInner {
            runs: Mutex::new(HashMap::new()),
            gate: Semaphore::new(0),
            entered,
        }));
        (lab, started)
    }

    fn bump(&self, id: &str) -> usize {
        let mut runs = self.0.runs.lock().unwrap();
        let n = runs.entry(id.to_owned()).or_default();
        *n += 1;
        *n
    }

    fn runs_of(&self, id: &str) -> usize {
        self.0.runs.lock().unwrap().get(id).copied().unwrap_or(0)
    }

    fn runs(&self) -> HashMap<String, usize> {
        self.0.runs.lock().unwrap().clone()
    }

    fn open_gate(&self, permits: usize) {
        self.0.gate.add_permits(permits);
    }
}

/// One handler; what it does depends on the event id's prefix.
#[webhook_handler("product.created")]
async fn on_product(lab: &Lab, ctx: &EventContext<'_>, product: &Product) -> Result<(), String> {
    assert_eq!(product.id, "prod_q");
    let run = lab.bump(ctx.id);
    if ctx.id.starts_with("evt_gate") {
        let _ = lab.0.entered.send(ctx.id.to_owned());
        lab.0.gate.acquire().await.unwrap().forget();
    }
    if ctx.id.starts_with("evt_slow") && run == 1 {
        // Outlives its lease, then fails: another worker has taken the event over meanwhile.
        lab.0.gate.acquire().await.unwrap().forget();
        lab.0
            .runs
            .lock()
            .unwrap()
            .insert(format!("{}/returned", ctx.id), 1);
        return Err(format!("{} failed late, on run 1", ctx.id));
    }
    if ctx.id.starts_with("evt_flaky") && run <= 2 {
        return Err(format!("{} failed on run {run}", ctx.id));
    }
    if ctx.id.starts_with("evt_fail") {
        return Err(format!("{} always fails (run {run})", ctx.id));
    }
    if ctx.id.starts_with("evt_many") {
        // Gives other workers a chance to run meanwhile.
        tokio::task::yield_now().await;
    }
    Ok(())
}

fn now() -> i64 {
    SystemClock.now()
}

fn product_body(id: &str) -> Vec<u8> {
    let product = serde_json::json!({
        "id": "prod_q", "object": "product", "active": true, "created": 1_712_345_678,
        "images": [], "livemode": false, "marketing_features": [], "metadata": {},
        "name": "Queued", "updated": 1_712_345_678,
    });
    event_envelope(id, "product.created", &product)
        .to_string()
        .into_bytes()
}

/// Fast retries: 10-40 ms apart, 3 attempts; idle workers look every 20 ms.
fn fast(config: ReceiverConfig) -> ReceiverConfig {
    config
        .processing(Processing::Queue)
        .retry(RetryPolicy::new(
            Duration::from_millis(10),
            Duration::from_millis(40),
            3,
        ))
        .poll_interval(Duration::from_millis(20))
}

/// A temp dir removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("stripe-events-queue-{}-{name}", std::process::id()));
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

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A receiver served on 127.0.0.1 with [`serve_with_shutdown`], on its own runtime.
struct Server {
    rt: tokio::runtime::Runtime,
    receiver: Receiver,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    served: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Server {
    fn start(
        lab: &Lab,
        store: impl EventStore,
        config: impl FnOnce(ReceiverConfig) -> ReceiverConfig,
    ) -> Self {
        let rt = runtime();
        let config = config(ReceiverConfig::new(Webhook::new(SECRET)).store(store));
        let dispatcher = Dispatcher::new().with_state(lab.clone());
        dispatcher.check().unwrap();
        let receiver = Receiver::new(config, dispatcher);
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let served = rt.spawn(serve_with_shutdown(
            listener,
            receiver.clone(),
            async move {
                let _ = stopped.await;
            },
        ));
        Self {
            rt,
            receiver,
            addr,
            stop: Some(stop),
            served: Some(served),
        }
    }

    /// POSTs `body` signed now; the status and the answer's text.
    fn deliver(&self, body: &[u8]) -> (u16, String) {
        post(self.addr, body, &generate_test_header(body, SECRET, now()))
    }

    fn store(&self) -> &dyn EventStore {
        self.receiver.store()
    }

    /// Shuts down gracefully and waits for it.
    fn shut_down(&mut self) {
        let _ = self.stop.take().unwrap().send(());
        let served = self.served.take().unwrap();
        self.rt.block_on(served).unwrap().unwrap();
    }
}

/// One POST /webhook over a fresh connection (closed after the answer).
fn post(addr: SocketAddr, body: &[u8], signature: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
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
    let answer = String::from_utf8(answer).unwrap();
    let status = answer[9..12].parse().unwrap();
    let text = answer
        .split_once("\r\n\r\n")
        .map(|(_, text)| text.to_owned())
        .unwrap_or_default();
    (status, text)
}

/// Waits until `done` holds (checked every 10 ms), at most [`SAFETY`].
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + SAFETY;
    while !done() {
        assert!(Instant::now() < deadline, "still waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn status_of(store: &dyn EventStore, id: &str) -> Option<Status> {
    store.get(id).unwrap().map(|row| row.status)
}

#[test]
fn queue_mode_answers_200_while_the_handler_is_still_blocked() {
    let dir = TempDir::new("ack");
    let (lab, mut started) = Lab::new();
    let mut server = Server::start(&lab, SqliteStore::open(dir.db()).unwrap(), fast);
    let body = product_body("evt_gate_ack");
    let (status, text) = server.deliver(&body);
    assert_eq!(
        (status, text.as_str()),
        (200, "queued (stored; a worker runs its handlers)")
    );
    // Answered, and the handler is running (it told us) but blocked: nothing finished.
    let entered = server.rt.block_on(async {
        tokio::time::timeout(SAFETY, started.recv())
            .await
            .unwrap()
            .unwrap()
    });
    assert_eq!(entered, "evt_gate_ack");
    let row = server.store().get("evt_gate_ack").unwrap().unwrap();
    assert_eq!((row.status, row.attempts), (Status::Pending, 1));
    assert_eq!(row.body, body, "stored byte for byte before the answer");

    // A redelivery meanwhile is answered 200 too, and changes nothing.
    assert_eq!(server.deliver(&body).0, 200);
    lab.open_gate(1);
    wait_until("the handler to finish", || {
        status_of(server.store(), "evt_gate_ack") == Some(Status::Processed)
    });
    assert_eq!(lab.runs_of("evt_gate_ack"), 1);
    let row = server.store().get("evt_gate_ack").unwrap().unwrap();
    assert_eq!((row.attempts, row.last_error), (1, None));
    // Rejections are answered as inline: nothing queued.
    let forged = post(server.addr, &product_body("evt_forged"), "t=1,v1=00");
    assert_eq!(forged.0, 400);
    assert_eq!(server.store().list(None).unwrap().len(), 2);
    server.shut_down();
    assert_eq!(lab.runs_of("evt_forged"), 0);
}

#[test]
fn a_handler_failing_twice_then_succeeding_ends_processed_on_attempt_3() {
    let dir = TempDir::new("flaky");
    let (lab, _started) = Lab::new();
    let mut server = Server::start(&lab, SqliteStore::open(dir.db()).unwrap(), fast);
    assert_eq!(server.deliver(&product_body("evt_flaky_1")).0, 200);
    wait_until("evt_flaky_1 processed", || {
        status_of(server.store(), "evt_flaky_1") == Some(Status::Processed)
    });
    server.shut_down();
    assert_eq!(lab.runs_of("evt_flaky_1"), 3);
    let row = server.store().get("evt_flaky_1").unwrap().unwrap();
    assert_eq!((row.attempts, row.last_error), (3, None));
    let history: Vec<(Status, u32, Option<String>)> = server
        .store()
        .history("evt_flaky_1")
        .unwrap()
        .into_iter()
        .map(|change| (change.status, change.attempt, change.error))
        .collect();
    let failed = |run: u32| {
        let error = format!("evt_flaky_1 failed on run {run}");
        (Status::Failed, run, Some(error))
    };
    assert_eq!(history.len(), 6, "{history:?}");
    assert_eq!(history[0], (Status::Pending, 1, None));
    assert_eq!(history[2], (Status::Pending, 2, None));
    assert_eq!(history[4], (Status::Pending, 3, None));
    assert_eq!(history[5], (Status::Processed, 3, None));
    for (step, run) in [(1, 1), (3, 2)] {
        let (status, attempt, error) = &history[step];
        assert_eq!((*status, *attempt), (failed(run).0, failed(run).1));
        let error = error.as_deref().unwrap();
        assert!(error.contains(&failed(run).2.unwrap()), "{error}");
    }
}

#[test]
fn a_claim_that_outlived_its_lease_does_not_undo_the_takeovers_result() {
    let dir = TempDir::new("takeover");
    let (lab, _started) = Lab::new();
    let mut server = Server::start(&lab, SqliteStore::open(dir.db()).unwrap(), |config| {
        fast(config).lease(Duration::from_secs(1)).workers(2)
    });
    assert_eq!(server.deliver(&product_body("evt_slow_1")).0, 200);
    // Run 1 blocks past its lease; another worker claims the event (attempt 2) and succeeds.
    wait_until("evt_slow_1 processed by the takeover", || {
        status_of(server.store(), "evt_slow_1") == Some(Status::Processed)
    });
    assert_eq!(lab.runs_of("evt_slow_1"), 2);
    // Run 1 now fails, late: its result is not recorded.
    lab.open_gate(1);
    wait_until("run 1 returned", || lab.runs_of("evt_slow_1/returned") == 1);
    std::thread::sleep(Duration::from_millis(300));
    server.shut_down();
    let row = server.store().get("evt_slow_1").unwrap().unwrap();
    assert_eq!((row.status, row.attempts), (Status::Processed, 2));
    assert_eq!(lab.runs_of("evt_slow_1"), 2, "not run a third time");
    let history: Vec<(Status, u32)> = server
        .store()
        .history("evt_slow_1")
        .unwrap()
        .into_iter()
        .map(|change| (change.status, change.attempt))
        .collect();
    assert_eq!(
        history,
        [
            (Status::Pending, 1),
            (Status::Pending, 2),
            (Status::Processed, 2)
        ]
    );
}

#[test]
fn a_handler_that_always_fails_ends_dead_after_the_configured_attempts() {
    let (lab, _started) = Lab::new();
    let mut server = Server::start(&lab, MemoryStore::new(), fast);
    assert_eq!(server.deliver(&product_body("evt_fail_1")).0, 200);
    wait_until("evt_fail_1 dead", || {
        status_of(server.store(), "evt_fail_1") == Some(Status::Dead)
    });
    server.shut_down();
    assert_eq!(lab.runs_of("evt_fail_1"), 3, "3 attempts, no more");
    let row = server.store().get("evt_fail_1").unwrap().unwrap();
    assert_eq!(row.attempts, 3);
    let error = row.last_error.unwrap();
    assert!(error.contains("evt_fail_1 always fails (run 3)"), "{error}");
    let steps: Vec<(Status, u32)> = server
        .store()
        .history("evt_fail_1")
        .unwrap()
        .into_iter()
        .map(|change| {
            if change.status != Status::Pending {
                let error = change.error.unwrap();
                let run = format!("(run {})", change.attempt);
                assert!(error.contains(&run), "{error}");
            }
            (change.status, change.attempt)
        })
        .collect();
    assert_eq!(
        steps,
        [
            (Status::Pending, 1),
            (Status::Failed, 1),
            (Status::Pending, 2),
            (Status::Failed, 2),
            (Status::Pending, 3),
            (Status::Dead, 3),
        ]
    );
    assert_eq!(server.store().list(Some(Status::Dead)).unwrap().len(), 1);

    // Replayable: runs the handlers now, as inline (it still fails: recorded failed).
    let replayed = server
        .rt
        .block_on(server.receiver.replay_all(Status::Dead))
        .unwrap();
    assert_eq!(replayed.len(), 1);
    assert!(
        matches!(&replayed[0].1, Ok(Outcome::HandlerFailed(_))),
        "{replayed:?}"
    );
    assert_eq!(lab.runs_of("evt_fail_1"), 4);
    let row = server.store().get("evt_fail_1").unwrap().unwrap();
    assert_eq!((row.status, row.attempts), (Status::Failed, 4));
}

#[test]
fn workers_of_two_receivers_never_run_one_event_twice() {
    let dir = TempDir::new("many");
    let (lab, _started) = Lab::new();
    // Receiver A serves and runs two workers; receiver B (another process, as far as the
    // store knows: its own connection) runs two more, and finds A's deliveries by polling.
    let server = Server::start(&lab, SqliteStore::open(dir.db()).unwrap(), |c| {
        fast(c).workers(2)
    });
    let other = Receiver::new(
        fast(ReceiverConfig::new(Webhook::new(SECRET))).store(SqliteStore::open(dir.db()).unwrap()),
        Dispatcher::new().with_state(lab.clone()),
    );
    let (stop_other, other_stopped) = oneshot::channel::<()>();
    let other_workers = server.rt.spawn(async move {
        other
            .run_workers(2, async move {
                let _ = other_stopped.await;
            })
            .await
    });

    const EVENTS: usize = 300;
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= EVENTS {
                        break;
                    }
                    let body = product_body(&format!("evt_many_{i}"));
                    assert_eq!(server.deliver(&body).0, 200);
                    // Every tenth is delivered twice, as Stripe sometimes does.
                    if i % 10 == 0 {
                        assert_eq!(server.deliver(&body).0, 200);
                    }
                }
            });
        }
    });
    wait_until("every event processed", || {
        server.store().list(Some(Status::Processed)).unwrap().len() == EVENTS
    });
    let _ = stop_other.send(());
    server.rt.block_on(other_workers).unwrap().unwrap();
    let runs = lab.runs();
    assert_eq!(runs.len(), EVENTS);
    let twice: Vec<_> = runs.iter().filter(|(_, n)| **n != 1).collect();
    assert!(twice.is_empty(), "run more than once: {twice:?}");
    for row in server.store().list(None).unwrap() {
        assert_eq!((row.status, row.attempts), (Status::Processed, 1));
    }
}

#[test]
fn a_stored_body_that_no_longer_parses_ends_dead() {
    let dir = TempDir::new("unparsable");
    let (lab, _started) = Lab::new();
    // Received by an intake-only receiver that accepts any API version...
    let mut server = Server::start(&lab, SqliteStore::open(dir.db()).unwrap(), |c| {
        fast(c).workers(0)
    });
    let mut old = serde_json::from_slice::<serde_json::Value>(&product_body("evt_old")).unwrap();
    old["api_version"] = "2019-02-19".into();
    let old = old.to_string().into_bytes();
    assert_eq!(server.deliver(&old).0, 200);
    // ...and a body that is no event at all (stored by an older release, say).
    let event = Event::from_slice(&product_body("evt_garbled")).unwrap();
    server
        .store()
        .record(&event, b"{\"id\": \"evt_garbled\"", now())
        .unwrap();
    server.shut_down();
    assert_eq!(status_of(server.store(), "evt_old"), Some(Status::Pending));

    // Workers of an application that now rejects other API versions.
    let strict = Receiver::new(
        fast(ReceiverConfig::new(
            Webhook::new(SECRET).api_version_policy(ApiVersionPolicy::Reject),
        ))
        .store(SqliteStore::open(dir.db()).unwrap()),
        Dispatcher::new().with_state(lab.clone()),
    );
    let store = SqliteStore::open(dir.db()).unwrap();
    server
        .rt
        .block_on(strict.run_workers(2, async {
            while ["evt_old", "evt_garbled"]
                .iter()
                .any(|id| status_of(&store, id) != Some(Status::Dead))
            {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }))
        .unwrap();
    for (id, why) in [("evt_old", "2019-02-19"), ("evt_garbled", "not valid JSON")] {
        let row = store.get(id).unwrap().unwrap();
        assert_eq!((row.status, row.attempts), (Status::Dead, 1), "{id}");
        let error = row.last_error.unwrap();
        assert!(
            error.starts_with("the stored body no longer parses: ") && error.contains(why),
            "{id}: {error}"
        );
    }
    assert!(lab.runs().is_empty(), "no handler ran");
}

#[test]
fn graceful_shutdown_finishes_the_running_job_then_stops() {
    let (lab, mut started) = Lab::new();
    let store = Arc::new(MemoryStore::new());
    for id in ["evt_gate_first", "evt_gate_second"] {
        let body = product_body(id);
        let event = Event::from_slice(&body).unwrap();
        store.record(&event, &body, now()).unwrap();
    }
    let receiver = Receiver::new(
        fast(ReceiverConfig::new(Webhook::new(SECRET))).store(Arc::clone(&store)),
        Dispatcher::new().with_state(lab.clone()),
    );
    // One thread: the order below is the order things happen in.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let work = receiver.run_workers(1, async move {
        let _ = stopped.await;
    });
    let control = async {
        // The worker holds the first job, blocked in its handler.
        assert_eq!(started.recv().await.unwrap(), "evt_gate_first");
        assert_eq!(status_of(&*store, "evt_gate_first"), Some(Status::Pending));
        let _ = stop.send(());
        // `run_workers` sees the signal when it is next polled (in this same pass of
        // `join!`, or the next one), before the handler can go on: then the gate opens.
        tokio::task::yield_now().await;
        lab.open_gate(2);
    };
    let (worked, ()) = rt.block_on(async { tokio::join!(work, control) });
    worked.unwrap();
    let first = store.get("evt_gate_first").unwrap().unwrap();
    assert_eq!((first.status, first.attempts), (Status::Processed, 1));
    let second = store.get("evt_gate_second").unwrap().unwrap();
    assert_eq!(
        (second.status, second.attempts),
        (Status::Pending, 0),
        "not claimed after the stop"
    );
    assert_eq!(lab.runs_of("evt_gate_second"), 0);
}
