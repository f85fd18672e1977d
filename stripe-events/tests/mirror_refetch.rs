//! The mirror's re-fetch mode (features `client`, `sqlite`) against the loopback stand-in of
//! Stripe's API serving Stripe's example objects: whatever order the events come in, the
//! mirror ends with the object as the API serves it; 404 is a deletion; failures are errors
//! that write nothing; Connect events fetch as their account; API calls are bounded; a thin
//! event's related object is fetched at its URL; a type without a retrieve path of its own
//! keeps the event's copy.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use stripe_api_stand_in::{DEFAULT_API_KEY, Reply, StandIn};
use stripe_events::client::{Client, RetryPolicy, retrieve_path};
use stripe_events::mirror::{Applied, Mirror, MirrorError, ObjectStore};
use stripe_events::store::{MemoryStore, SqliteStore};
use stripe_events::testing::event_envelope;
use stripe_events::{Event, EventNotification, Product, ReceivedEvent};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/stripe-openapi/fixtures-2024-04-10.json")
}

/// Stripe's example object of `resource` from the fixtures.
fn example(resource: &str) -> Value {
    let text = std::fs::read(fixtures()).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (these tests need ../shared beside the repository)",
            fixtures().display()
        )
    });
    let all: Value = serde_json::from_slice(&text).unwrap();
    all["resources"][resource].clone()
}

async fn stand_in() -> StandIn {
    let server = StandIn::start().await;
    let served = server.load_fixtures(&fixtures(), retrieve_path).unwrap();
    assert!(served > 50, "{served} example objects served");
    server
}

fn client(server: &StandIn) -> Client {
    Client::builder(DEFAULT_API_KEY)
        .base_url(server.base_url())
        .retry(RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// A snapshot event `id` of `event_type`, created at `created`, carrying `object`.
fn event(id: &str, event_type: &str, created: i64, object: &Value) -> (ReceivedEvent, Vec<u8>) {
    let mut envelope = event_envelope(id, event_type, object);
    envelope["created"] = created.into();
    let body = envelope.to_string().into_bytes();
    let event = ReceivedEvent::Snapshot(Event::from_slice(&body).unwrap());
    (event, body)
}

/// The product as served, with `name` (an older state an event carried).
fn product_named(name: &str) -> Value {
    let mut product = example("product");
    product["name"] = name.into();
    product
}

fn stores() -> Vec<(&'static str, Arc<dyn ObjectStore>)> {
    vec![
        ("memory", Arc::new(MemoryStore::new())),
        ("sqlite", Arc::new(SqliteStore::in_memory().unwrap())),
    ]
}

#[tokio::test]
async fn every_order_of_events_ends_with_the_object_the_api_serves() {
    let server = stand_in().await;
    let current = example("product");
    let id = current["id"].as_str().unwrap().to_owned();
    let events = [
        event("evt_1", "product.created", 100, &product_named("First")),
        event("evt_2", "product.updated", 200, &product_named("Second")),
        event("evt_3", "product.updated", 200, &product_named("Third")),
    ];
    // Every order of the three, with the first one repeated at the end (a late retry).
    let orders = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ];
    for (name, store) in stores() {
        for order in orders {
            let mirror = Mirror::new(Arc::clone(&store)).refetching(client(&server), 4);
            assert!(mirror.is_refetching());
            for i in order.iter().chain([&order[0]]) {
                let (event, body) = &events[*i];
                let applied = mirror.apply_fetching(event, body).await.unwrap();
                assert_ne!(applied, Applied::Skipped, "{name} {order:?}");
            }
            let stored = mirror.get("product", &id).unwrap().unwrap();
            // Byte for byte what the API served (the stand-in serves it as serde_json
            // writes it), not any event's copy.
            assert_eq!(stored.json, current.to_string(), "{name} {order:?}");
            assert!(!stored.deleted);
            assert!(stored.fetched_at.is_some());
            let typed = mirror.get_typed::<Product>(&id).unwrap().unwrap();
            assert_eq!(
                typed.object.unwrap().name,
                current["name"].as_str().unwrap()
            );
        }
    }
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        2 * orders.len() * 4,
        "one GET per event applied"
    );
    for r in &requests {
        assert_eq!(r.path, format!("/v1/products/{id}"));
        assert_eq!(
            r.header("authorization"),
            Some(&*format!("Bearer {DEFAULT_API_KEY}"))
        );
        assert_eq!(r.header("stripe-version"), Some(stripe_events::API_VERSION));
        assert_eq!(r.header("stripe-account"), None);
    }
}

#[tokio::test]
async fn a_404_is_a_deletion_and_a_connect_event_fetches_as_its_account() {
    let server = stand_in().await;
    let mirror = Mirror::new(MemoryStore::new()).refetching(client(&server), 2);
    // Not served: Stripe no longer has it.
    let mut gone = product_named("Gone");
    gone["id"] = "prod_gone".into();
    let (e, body) = event("evt_gone", "product.updated", 100, &gone);
    assert_eq!(
        mirror.apply_fetching(&e, &body).await.unwrap(),
        Applied::Written
    );
    let stored = mirror.get("product", "prod_gone").unwrap().unwrap();
    assert!(stored.deleted, "a 404 marks it deleted");
    assert_eq!(stored.json, gone.to_string(), "the event's copy is kept");
    // Even if the API served it again later, nothing brings it back.
    let mut back = product_named("Back");
    back["id"] = "prod_gone".into();
    server.object("/v1/products/prod_gone", &back);
    let (e, body) = event("evt_gone_2", "product.updated", 300, &gone);
    assert_eq!(
        mirror.apply_fetching(&e, &body).await.unwrap(),
        Applied::Unchanged
    );
    assert!(mirror.get("product", "prod_gone").unwrap().unwrap().deleted);

    // A Connect event: fetched with its account.
    let customer = example("customer");
    let mut envelope = event_envelope("evt_connect", "customer.updated", &customer);
    envelope["account"] = "acct_connected".into();
    let body = envelope.to_string().into_bytes();
    let e = ReceivedEvent::Snapshot(Event::from_slice(&body).unwrap());
    assert_eq!(
        mirror.apply_fetching(&e, &body).await.unwrap(),
        Applied::Written
    );
    let last = server.requests().pop().unwrap();
    assert_eq!(last.header("stripe-account"), Some("acct_connected"));
    assert_eq!(
        last.path,
        format!("/v1/customers/{}", customer["id"].as_str().unwrap())
    );
}

#[tokio::test]
async fn rate_limits_are_retried_and_a_failing_api_writes_nothing() {
    let server = stand_in().await;
    let product = example("product");
    let id = product["id"].as_str().unwrap();
    let path = format!("/v1/products/{id}");
    let mirror = Mirror::new(MemoryStore::new()).refetching(client(&server), 2);
    let (e, body) = event("evt_1", "product.updated", 100, &product_named("Old"));

    // 500 on every try: an error naming the event and the API's answer; nothing stored.
    server.fail_next(&path, 500, 3);
    let error = mirror.apply_fetching(&e, &body).await.unwrap_err();
    assert!(
        matches!(error, MirrorError::Api { ref event_id, .. } if event_id == "evt_1"),
        "{error:?}"
    );
    assert!(error.to_string().contains("evt_1"), "{error}");
    assert!(mirror.get("product", id).unwrap().is_none());
    // As the receiver reports it: a store failure whose source is the API's error.
    let store_error = error.into_store_error();
    assert!(
        store_error
            .to_string()
            .contains("fetching its object from Stripe's API"),
        "{store_error}"
    );

    // 429 twice, then the object: stored.
    server.fail_next(&path, 429, 2);
    assert_eq!(
        mirror.apply_fetching(&e, &body).await.unwrap(),
        Applied::Written
    );
    assert_eq!(
        mirror.get("product", id).unwrap().unwrap().json,
        product.to_string()
    );
}

#[tokio::test]
async fn api_calls_are_bounded() {
    let server = stand_in().await;
    let delay = Duration::from_millis(150);
    let (ids, bodies): (Vec<_>, Vec<_>) = (0..6)
        .map(|i| {
            let mut p = example("product");
            p["id"] = format!("prod_slow_{i}").into();
            server.route(
                &format!("/v1/products/prod_slow_{i}"),
                [Reply::new(200, p.to_string()).delay(delay)],
            );
            let (e, body) = event(&format!("evt_slow_{i}"), "product.updated", 100, &p);
            (e, body)
        })
        .unzip();
    let mirror = Mirror::new(MemoryStore::new()).refetching(client(&server), 2);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (e, body) in ids.into_iter().zip(bodies) {
        let mirror = mirror.clone();
        tasks.spawn(async move { mirror.apply_fetching(&e, &body).await.unwrap() });
    }
    while let Some(applied) = tasks.join_next().await {
        assert_eq!(applied.unwrap(), Applied::Written);
    }
    // Six answers of 150 ms each, two at a time: at least three rounds.
    assert!(
        started.elapsed() >= delay * 3,
        "six slow fetches with a bound of 2 took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_object_without_a_retrieve_path_keeps_the_events_copy() {
    let server = stand_in().await;
    let bank_account = example("bank_account");
    assert_eq!(
        retrieve_path("bank_account", "ba_1"),
        None,
        "only under its customer or account"
    );
    let mirror = Mirror::new(MemoryStore::new()).refetching(client(&server), 2);
    let (e, body) = event("evt_ba", "customer.source.updated", 100, &bank_account);
    assert_eq!(
        mirror.apply_fetching(&e, &body).await.unwrap(),
        Applied::Written
    );
    let stored = mirror
        .get("bank_account", bank_account["id"].as_str().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(stored.json, bank_account.to_string());
    assert_eq!(stored.fetched_at, None);
    assert!(server.requests().is_empty(), "nothing was fetched");
}

#[tokio::test]
async fn a_thin_events_related_object_is_fetched_at_its_url() {
    let server = stand_in().await;
    let meter = json!({"id": "mtr_1", "object": "billing.meter", "display_name": "API calls"});
    server.object("/v1/billing/meters/mtr_1", &meter);
    let body = json!({
        "id": "evt_thin_1",
        "object": "v2.core.event",
        "type": "v1.billing.meter.error_report_triggered",
        "created": "2026-01-01T00:00:00.000Z",
        "livemode": false,
        "context": "acct_ctx",
        "related_object": {"id": "mtr_1", "type": "billing.meter", "url": "/v1/billing/meters/mtr_1"}
    })
    .to_string()
    .into_bytes();
    let notification = EventNotification::from_slice(&body).unwrap();
    let e = ReceivedEvent::Thin(notification);
    let mirror = Mirror::new(MemoryStore::new()).refetching(client(&server), 2);
    assert_eq!(
        mirror.apply_fetching(&e, &body).await.unwrap(),
        Applied::Written
    );
    let stored = mirror.get("billing.meter", "mtr_1").unwrap().unwrap();
    assert_eq!(stored.json, meter.to_string());
    assert_eq!(stored.event_id, "evt_thin_1");
    let request = server.requests().pop().unwrap();
    assert_eq!(request.header("stripe-context"), Some("acct_ctx"));
    assert_eq!(
        request.header("stripe-request-trigger"),
        Some("event=evt_thin_1")
    );

    // Without re-fetch mode a thin event is skipped: it carries no object.
    let plain = Mirror::new(MemoryStore::new());
    assert_eq!(
        plain.apply_fetching(&e, &body).await.unwrap(),
        Applied::Skipped
    );
}
