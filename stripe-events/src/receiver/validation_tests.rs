//! Validation against Stripe's API ([`ReceiverConfig::validate`]): real HTTP on 127.0.0.1 to
//! the receiver, the loopback stand-in of Stripe's API (`tests/stand-in`) behind the client,
//! on every store (memory, SQLite, PostgreSQL when a server answers; skipped visibly
//! otherwise).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use stripe_api_stand_in::{DEFAULT_API_KEY, StandIn};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;

use super::{Processing, Receiver, ReceiverConfig, RetryPolicy, serve_with_shutdown};
use crate::client::{Client, RetryPolicy as ClientRetry};
use crate::dispatch::{BoxError, Handler, HandlerFn, Invocation};
use crate::signature::{Clock, SystemClock};
use crate::store::{EventStore, MemoryStore, Status};
use crate::testing::{event_envelope, generate_test_header, thin_notification};
use crate::validation::{Denial, Validation, Verdict};
use crate::{Dispatcher, ReceivedEvent, Webhook};

const SECRET: &str = "whsec_validation_test";
const PING: &str = "v2.core.event_destination.ping";
/// The longest wait for a state that must come.
const SAFETY: Duration = Duration::from_secs(30);

/// Handler runs per event id (ids are unique per test: tests run in parallel).
static RUNS: Mutex<Option<HashMap<String, usize>>> = Mutex::new(None);

fn count(id: &str) {
    let mut runs = RUNS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    *runs
        .get_or_insert_with(HashMap::new)
        .entry(id.to_owned())
        .or_default() += 1;
}

fn bump(inv: &Invocation<'_>) -> Result<(), BoxError> {
    count(inv.context().id);
    Ok(())
}

fn bump_thin(inv: &Invocation<'_>) -> Result<(), BoxError> {
    count(&inv.notification().expect("a thin event").id);
    Ok(())
}

fn runs(id: &str) -> usize {
    RUNS.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .as_ref()
        .and_then(|r| r.get(id).copied())
        .unwrap_or(0)
}

static HANDLERS: [Handler; 2] = [
    Handler {
        event_type: "product.created",
        name: "validation_tests::on_product",
        state: None,
        call: HandlerFn::Sync(bump),
    },
    Handler {
        event_type: PING,
        name: "validation_tests::on_ping",
        state: None,
        call: HandlerFn::Sync(bump_thin),
    },
];

fn product(id: &str) -> Value {
    json!({
        "id": id, "object": "product", "active": true, "created": 1_712_345_678,
        "images": [], "livemode": false, "marketing_features": [], "metadata": {},
        "name": "Checked", "updated": 1_712_345_678,
    })
}

/// A `product.created` event about `prod`, of `account` (Connect) when given.
fn event(id: &str, prod: &str, account: Option<&str>) -> Value {
    let mut e = event_envelope(id, "product.created", &product(prod));
    if let Some(account) = account {
        e["account"] = json!(account);
    }
    e
}

/// A client of `stand_in` with `key`, retrying twice within milliseconds.
fn client(stand_in: &StandIn, key: &str) -> Client {
    Client::builder(key)
        .base_url(stand_in.base_url())
        .retry(ClientRetry {
            max_retries: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(5),
            ..ClientRetry::default()
        })
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// A receiver serving on 127.0.0.1 until dropped.
struct Running {
    addr: SocketAddr,
    receiver: Receiver,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Running {
    async fn start(config: ReceiverConfig) -> Self {
        let receiver = Receiver::new(
            config.application("validation-tests"),
            Dispatcher::from_handlers(&HANDLERS),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve_with_shutdown(listener, receiver.clone(), async {
            let _ = stopped.await;
        }));
        Self {
            addr,
            receiver,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// POSTs `body`, signed, to `/webhook`; the answer's status and text.
    async fn post(&self, body: &Value) -> (u16, String) {
        let body = body.to_string();
        let header = generate_test_header(body.as_bytes(), SECRET, SystemClock.now());
        let mut conn = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        let request = format!(
            "POST /webhook HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
             stripe-signature: {header}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        conn.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        tokio::time::timeout(SAFETY, conn.read_to_string(&mut answer))
            .await
            .expect("an answer in time")
            .unwrap();
        let status = answer[9..12].parse().unwrap();
        let text = answer.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
        (status, text)
    }

    fn store(&self) -> &dyn EventStore {
        self.receiver.store()
    }

    async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task.take().unwrap().await.unwrap().unwrap();
    }
}

fn webhook() -> Webhook {
    Webhook::try_new(SECRET).unwrap()
}

/// A store to test on: its name, the store, and what must live as long (a test schema).
type TestStore = (&'static str, Arc<dyn EventStore>, Box<dyn std::any::Any>);

/// Every store these tests run on: memory, SQLite, PostgreSQL when a server answers.
fn stores(tag: &'static str) -> Vec<TestStore> {
    let mut stores: Vec<TestStore> = vec![("memory", Arc::new(MemoryStore::new()), Box::new(()))];
    #[cfg(feature = "sqlite")]
    stores.push((
        "sqlite",
        Arc::new(crate::store::SqliteStore::in_memory().unwrap()),
        Box::new(()),
    ));
    #[cfg(feature = "postgres")]
    if let Some(schema) = crate::store::postgres::testing::TestSchema::new(tag) {
        let store = crate::store::PostgresStore::connect(schema.url()).unwrap();
        stores.push(("postgres", Arc::new(store), Box::new(schema)));
    }
    let _ = tag;
    stores
}

/// Runs `test` on a runtime of its own (the PostgreSQL test helpers block: they run outside
/// it, and its schemas are dropped after it).
fn on_runtime(test: impl std::future::Future<Output = ()>) {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(test);
}

#[test]
fn inline_validation_runs_only_what_stripe_confirms_on_every_store() {
    for (name, store, _keep) in stores("validate_inline") {
        on_runtime(inline_on(name, store));
    }
}

async fn inline_on(name: &str, store: Arc<dyn EventStore>) {
    let id = |what: &str| format!("evt_{name}_{what}");
    let stand_in = StandIn::start().await;
    let config = ReceiverConfig::new(webhook())
        .store(Arc::clone(&store))
        .validate(Validation::new(client(&stand_in, DEFAULT_API_KEY)));
    let running = Running::start(config).await;
    let get = |id: &str| running.store().get(id).unwrap().unwrap();

    // Confirmed: dispatched, recorded valid; the request carried the key and the version.
    let ok = event(&id("ok"), "prod_1", None);
    stand_in.event(&ok);
    assert_eq!(running.post(&ok).await.0, 200, "{name}");
    assert_eq!(runs(&id("ok")), 1);
    let stored = get(&id("ok"));
    assert_eq!(
        (stored.status, stored.valid),
        (Status::Processed, Some(true))
    );
    let [request] = &stand_in.take_requests()[..] else {
        panic!("one request")
    };
    assert_eq!(request.path, format!("/v1/events/{}", id("ok")));
    assert_eq!(
        request.header("authorization"),
        Some(&*format!("Bearer {DEFAULT_API_KEY}"))
    );
    assert_eq!(request.header("stripe-version"), Some(crate::API_VERSION));
    assert_eq!(request.header("stripe-account"), None);

    // Connect: fetched as the connected account.
    let connect = event(&id("connect"), "prod_1", Some("acct_9"));
    stand_in.event(&connect);
    assert_eq!(running.post(&connect).await.0, 200);
    assert_eq!(runs(&id("connect")), 1);
    assert_eq!(
        stand_in.take_requests()[0].header("stripe-account"),
        Some("acct_9")
    );

    // Unknown to Stripe (404), another type, another object: denied, answered 200, never run.
    let unknown = event(&id("unknown"), "prod_1", None);
    let mut other_type = event(&id("type"), "prod_1", None);
    let other_object = event(&id("object"), "prod_1", None);
    other_type["type"] = json!("product.deleted");
    stand_in.event(&other_type);
    other_type["type"] = json!("product.created");
    stand_in.event(&event(&id("object"), "prod_2", None));
    for (e, why) in [
        (&unknown, "404"),
        (&other_type, "type product.deleted"),
        (&other_object, "object prod_2, not prod_1"),
    ] {
        let e_id = e["id"].as_str().unwrap();
        let (status, text) = running.post(e).await;
        assert_eq!((status, &*text), (200, "denied by Stripe's API"), "{e_id}");
        assert_eq!(runs(e_id), 0, "{e_id}: never run");
        let stored = get(e_id);
        assert_eq!((stored.status, stored.valid), (Status::Denied, Some(false)));
        let error = stored.last_error.unwrap();
        assert!(error.contains(why), "{e_id}: {error}");
        // A redelivery validates again, and is denied again.
        assert_eq!(running.post(e).await.0, 200);
        assert_eq!(runs(e_id), 0);
    }
    assert_eq!(
        running.store().list(Some(Status::Denied)).unwrap().len(),
        3,
        "{name}"
    );

    // 429 once, then the event: the client's retry confirms it.
    let limited = event(&id("limited"), "prod_1", None);
    stand_in.event(&limited);
    stand_in.fail_next(&format!("/v1/events/{}", id("limited")), 429, 1);
    stand_in.take_requests();
    assert_eq!(running.post(&limited).await.0, 200);
    assert_eq!(runs(&id("limited")), 1);
    assert_eq!(get(&id("limited")).valid, Some(true));
    assert_eq!(stand_in.take_requests().len(), 2);

    // 500 beyond the client's retries: answered 500, not run, nothing recorded as valid or
    // denied; Stripe's redelivery, once the API answers, runs it.
    let down = event(&id("down"), "prod_1", None);
    stand_in.event(&down);
    stand_in.fail_next(&format!("/v1/events/{}", id("down")), 500, 3);
    let (status, text) = running.post(&down).await;
    assert_eq!(
        (status, &*text),
        (500, "validation against Stripe's API failed")
    );
    assert_eq!(runs(&id("down")), 0);
    let stored = get(&id("down"));
    assert_eq!((stored.status, stored.valid), (Status::Failed, None));
    assert!(stored.last_error.unwrap().contains("500"));
    assert_eq!(running.post(&down).await.0, 200);
    assert_eq!(runs(&id("down")), 1);
    assert_eq!(get(&id("down")).status, Status::Processed);

    // A thin event: validated through the v2 fetch, with its context.
    let mut thin = thin_notification(&id("thin"), PING);
    thin["context"] = json!("acct_ctx");
    let mut fetched = thin.clone();
    fetched["data"] = json!({});
    stand_in.event(&fetched);
    stand_in.take_requests();
    assert_eq!(running.post(&thin).await.0, 200);
    assert_eq!(runs(&id("thin")), 1);
    assert_eq!(get(&id("thin")).valid, Some(true));
    let [request] = &stand_in.take_requests()[..] else {
        panic!("one request")
    };
    assert_eq!(request.path, format!("/v2/core/events/{}", id("thin")));
    assert_eq!(request.header("stripe-context"), Some("acct_ctx"));
    assert_eq!(
        request.header("stripe-version"),
        crate::thin::API_VERSION,
        "the v2 version"
    );
    // A thin event about another object: denied.
    let mut thin_other = thin_notification(&id("thin_other"), PING);
    let mut fetched = thin_other.clone();
    fetched["data"] = json!({});
    fetched["related_object"]["id"] = json!("ed_other");
    fetched["related_object"]["url"] = json!("/v2/core/event_destinations/ed_other");
    stand_in.event(&fetched);
    thin_other["context"] = Value::Null;
    assert_eq!(running.post(&thin_other).await.0, 200);
    assert_eq!(runs(&id("thin_other")), 0);
    assert_eq!(get(&id("thin_other")).status, Status::Denied);
    running.stop().await;

    // A wrong API key: not a denial; the event waits (500), with a clear error.
    let running = Running::start(
        ReceiverConfig::new(webhook())
            .store(Arc::clone(&store))
            .validate(Validation::new(client(&stand_in, "sk_test_wrong"))),
    )
    .await;
    let keyed = event(&id("key"), "prod_1", None);
    stand_in.event(&keyed);
    assert_eq!(running.post(&keyed).await.0, 500);
    let stored = running.store().get(&id("key")).unwrap().unwrap();
    assert_eq!((stored.status, stored.valid), (Status::Failed, None));
    let error = stored.last_error.unwrap();
    assert!(
        error.contains("401") && error.contains("Invalid API Key"),
        "{error}"
    );
    assert_eq!(runs(&id("key")), 0);
    running.stop().await;
}

#[test]
fn queue_workers_retry_a_failed_fetch_and_never_run_a_denied_event_on_every_store() {
    for (name, store, _keep) in stores("validate_queue") {
        on_runtime(queue_on(name, store));
    }
}

async fn queue_on(name: &str, store: Arc<dyn EventStore>) {
    {
        let id = |what: &str| format!("evt_q_{name}_{what}");
        let stand_in = StandIn::start().await;
        let config = ReceiverConfig::new(webhook())
            .store(Arc::clone(&store))
            .processing(Processing::Queue)
            .workers(2)
            .retry(RetryPolicy::new(
                Duration::from_millis(10),
                Duration::from_millis(40),
                5,
            ))
            .poll_interval(Duration::from_millis(20))
            .validate(Validation::new(client(&stand_in, DEFAULT_API_KEY)));
        let running = Running::start(config).await;

        // The API fails 3 requests (one attempt with the client's retries): the worker's
        // next attempt confirms it.
        let flaky = event(&id("flaky"), "prod_1", None);
        stand_in.event(&flaky);
        stand_in.fail_next(&format!("/v1/events/{}", id("flaky")), 500, 3);
        let denied = event(&id("denied"), "prod_1", None);
        assert_eq!(running.post(&flaky).await.0, 200, "{name}: queued");
        assert_eq!(running.post(&denied).await.0, 200);
        let deadline = Instant::now() + SAFETY;
        loop {
            let f = running.store().get(&id("flaky")).unwrap().unwrap();
            let d = running.store().get(&id("denied")).unwrap().unwrap();
            if f.status == Status::Processed && d.status == Status::Denied {
                assert_eq!(f.valid, Some(true));
                assert_eq!(f.attempts, 2, "{name}: one failed fetch, then the run");
                assert_eq!(d.valid, Some(false));
                break;
            }
            assert!(Instant::now() < deadline, "{name}: {f:?} {d:?}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let history = running.store().history(&id("flaky")).unwrap();
        assert!(
            history.iter().any(|h| h.status == Status::Failed
                && h.error.as_deref().is_some_and(|e| e.contains("500"))),
            "{history:?}"
        );
        assert_eq!(runs(&id("flaky")), 1);
        assert_eq!(runs(&id("denied")), 0);
        running.stop().await;
    }
}

#[tokio::test]
async fn the_library_call_validates_events_without_a_receiver() {
    let stand_in = StandIn::start().await;
    let validation = Validation::new(client(&stand_in, DEFAULT_API_KEY));
    let parse = |v: &Value| webhook().parse_any(v.to_string().as_bytes()).unwrap();
    let ok = event("evt_lib_ok", "prod_1", None);
    stand_in.event(&ok);
    assert_eq!(
        validation.validate(&parse(&ok)).await.unwrap(),
        Verdict::Valid
    );
    let missing = parse(&event("evt_lib_missing", "prod_1", None));
    assert_eq!(
        validation.validate(&missing).await.unwrap(),
        Verdict::Denied(Denial::NotFound {
            event_id: "evt_lib_missing".into()
        })
    );
    // A raw payload (an event type this build does not know) is compared by its JSON.
    let mut raw = event_envelope("evt_lib_raw", "x.unknown", &json!({"id": "x_1"}));
    stand_in.event(&raw);
    raw["data"]["object"]["id"] = json!("x_2");
    let verdict = validation.validate(&parse(&raw)).await.unwrap();
    assert_eq!(
        verdict,
        Verdict::Denied(Denial::OtherObject {
            delivered: Some("x_2".into()),
            stripe: Some("x_1".into())
        })
    );
    assert!(verdict != Verdict::Valid && !verdict.is_valid());
    // A key of the other mode: Stripe's 404 says so; an error, not a denial.
    let live = event("evt_lib_live", "prod_1", None);
    stand_in.route(
        "/v1/events/evt_lib_live",
        [stripe_api_stand_in::Reply::stripe_error(
            404,
            "resource_missing",
            "No such event: 'evt_lib_live'; a similar object exists in live mode, but a test \
             mode key was used to make this request.",
        )],
    );
    let e = validation.validate(&parse(&live)).await.unwrap_err();
    assert_eq!(e.api().unwrap().status, 404);
    // An id that is not one path segment is never sent.
    let mut bad = ok.clone();
    bad["id"] = json!("evt_1/../../v1/charges");
    let bad =
        ReceivedEvent::Snapshot(crate::Event::from_slice(bad.to_string().as_bytes()).unwrap());
    assert!(validation.validate(&bad).await.is_err());
    assert_eq!(stand_in.take_requests().len(), 4);
}

/// Validation comes before the handlers and the mirror: a denied event never reaches the
/// mirror, a confirmed one does.
#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mirror_applies_only_events_stripe_confirms() {
    use crate::mirror::Mirror;
    let store = Arc::new(crate::store::SqliteStore::in_memory().unwrap());
    let stand_in = StandIn::start().await;
    let config = ReceiverConfig::new(webhook())
        .store(Arc::clone(&store))
        .mirror(Mirror::new(Arc::clone(&store)))
        .validate(Validation::new(client(&stand_in, DEFAULT_API_KEY)));
    let running = Running::start(config).await;
    let confirmed = event("evt_mirror_ok", "prod_mirror_ok", None);
    stand_in.event(&confirmed);
    assert_eq!(running.post(&confirmed).await.0, 200);
    let forged = event("evt_mirror_forged", "prod_mirror_forged", None);
    assert_eq!(running.post(&forged).await.0, 200);
    let mirror = Mirror::new(Arc::clone(&store));
    assert!(mirror.get("product", "prod_mirror_ok").unwrap().is_some());
    assert!(
        mirror
            .get("product", "prod_mirror_forged")
            .unwrap()
            .is_none(),
        "a denied event never reaches the mirror"
    );
    assert_eq!(runs("evt_mirror_forged"), 0);
    running.stop().await;
}
