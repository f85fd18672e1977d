//! The mirror on the memory store (the shared suite), its reading of event bodies, and
//! property tests with Stripe's example objects: whatever the delivery order, with duplicates,
//! the mirror ends in the state of the last event in the documented order.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use proptest::prelude::*;

use super::*;
use crate::store::MemoryStore;
use crate::testing::{event_envelope, thin_notification};

#[test]
fn the_shared_suite_passes_in_memory() {
    suite::run(MemoryStore::new);
    let shared: Arc<dyn ObjectStore> = Arc::new(MemoryStore::new());
    suite::concurrent_writers_converge(vec![Arc::clone(&shared), shared]);
}

/// The example objects of Stripe's fixtures for the pinned API version, read at run time
/// from `../shared/stripe-openapi` (never copied into the repository).
fn fixtures() -> &'static serde_json::Map<String, serde_json::Value> {
    static FIXTURES: OnceLock<serde_json::Map<String, serde_json::Value>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/stripe-openapi/fixtures-2024-04-10.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "the mirror's property tests read Stripe's fixtures at {}: {e}",
                path.display()
            )
        });
        let mut all: serde_json::Value = serde_json::from_str(&text).unwrap();
        match all["resources"].take() {
            serde_json::Value::Object(resources) => resources,
            other => panic!("no resources in {}: {other}", path.display()),
        }
    })
}

/// An event body: `object` in an envelope of `event_type`, `id` and `created`.
fn body(id: &str, event_type: &str, created: i64, object: &serde_json::Value) -> String {
    let mut envelope = event_envelope(id, event_type, object);
    envelope["created"] = created.into();
    envelope.to_string()
}

fn apply(mirror: &Mirror, body: &str) -> Applied {
    let event = Event::from_slice(body.as_bytes()).unwrap();
    mirror.apply(&event, body.as_bytes()).unwrap()
}

#[test]
fn a_body_s_object_is_sliced_exactly_and_typed_on_read() {
    let product = &fixtures()["product"];
    let id = product["id"].as_str().unwrap();
    // Stripe's own rendering: pretty-printed, so the slice keeps its line breaks.
    let pretty = format!(
        "{{\n  \"id\": \"evt_1\",\n  \"object\": \"event\",\n  \"created\": 100,\n  \"data\": {{\n    \"object\": {}\n  }},\n  \"livemode\": false,\n  \"pending_webhooks\": 1,\n  \"type\": \"product.created\"\n}}",
        serde_json::to_string_pretty(product).unwrap()
    );
    let mirror = Mirror::new(MemoryStore::new());
    assert_eq!(apply(&mirror, &pretty), Applied::Written);
    let stored = mirror.get("product", id).unwrap().unwrap();
    assert_eq!(stored.json, serde_json::to_string_pretty(product).unwrap());
    assert_eq!(
        (stored.event_id.as_str(), stored.event_created),
        ("evt_1", 100)
    );
    let typed = mirror.get_typed::<crate::Product>(id).unwrap().unwrap();
    assert_eq!(typed.object.unwrap().id, id);
    assert!(
        mirror
            .get_typed::<crate::Product>("prod_none")
            .unwrap()
            .is_none()
    );
}

#[test]
fn an_object_that_does_not_fit_its_type_reads_back_raw_with_the_reason() {
    let mirror = Mirror::new(MemoryStore::new());
    let product = serde_json::json!({"id": "prod_1", "object": "product", "active": "yes"});
    apply(&mirror, &body("evt_1", "product.updated", 1, &product));
    let typed = mirror
        .get_typed::<crate::Product>("prod_1")
        .unwrap()
        .unwrap();
    let untyped = typed.object.unwrap_err();
    assert_eq!(untyped.raw, product);
    assert_eq!(untyped.error.path, "$.active", "{}", untyped.error);
}

#[test]
fn thin_events_objects_without_id_and_types_left_out_are_skipped() {
    let mirror = Mirror::new(MemoryStore::new()).only(["product"]);
    let thin = thin_notification("evt_t", "v2.core.event_destination.ping").to_string();
    let received = crate::Webhook::new("whsec_x")
        .parse_any(thin.as_bytes())
        .unwrap();
    assert_eq!(
        mirror.apply_received(&received, thin.as_bytes()).unwrap(),
        Applied::Skipped
    );
    let balance = serde_json::json!({"object": "balance", "available": []});
    assert_eq!(
        apply(&mirror, &body("evt_b", "balance.available", 1, &balance)),
        Applied::Skipped
    );
    let customer = &fixtures()["customer"];
    assert_eq!(
        apply(&mirror, &body("evt_c", "customer.created", 1, customer)),
        Applied::Skipped
    );
    assert!(!mirror.keeps("customer") && mirror.keeps("product"));
    // Every type when none is configured; an unknown event type's object too.
    let all = Mirror::new(MemoryStore::new());
    assert_eq!(
        apply(&all, &body("evt_c", "customer.created", 1, customer)),
        Applied::Written
    );
    let future = serde_json::json!({"id": "fut_1", "object": "future_thing"});
    assert_eq!(
        apply(&all, &body("evt_f", "future_thing.updated", 1, &future)),
        Applied::Written
    );
    assert_eq!(all.list("future_thing").unwrap().len(), 1);
}

#[test]
fn a_body_that_is_not_the_event_s_is_an_error() {
    let mirror = Mirror::new(MemoryStore::new());
    let text = body("evt_1", "product.created", 1, &fixtures()["product"]);
    let event = Event::from_slice(text.as_bytes()).unwrap();
    let err = mirror.apply(&event, b"{\"id\": \"evt_1\"}").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("mirroring evt_1: the body has no data.object"),
        "{err}"
    );
    let err = mirror.apply(&event, b"[1").unwrap_err();
    assert!(err.context() == "mirroring evt_1", "{err}");
}

#[test]
fn a_store_error_says_which_event_failed() {
    struct Broken;
    impl ObjectStore for Broken {
        fn put_object(&self, _: &ObjectWrite<'_>) -> Result<bool, StoreError> {
            Err(StoreError::new("storing product prod_1", "disk full"))
        }
        fn get_object(&self, _: &str, _: &str) -> Result<Option<MirroredObject>, StoreError> {
            Ok(None)
        }
        fn list_objects(&self, _: &str) -> Result<Vec<MirroredObject>, StoreError> {
            Ok(Vec::new())
        }
    }
    let mirror = Mirror::new(Broken);
    let text = body("evt_9", "product.created", 1, &fixtures()["product"]);
    let event = Event::from_slice(text.as_bytes()).unwrap();
    let err = mirror.apply(&event, text.as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "mirroring evt_9: storing product prod_1: disk full"
    );
}

/// The object kinds the property tests use: fixture name, event type prefix.
const KINDS: [(&str, &str); 7] = [
    ("product", "product"),
    ("customer", "customer"),
    ("price", "price"),
    ("subscription", "customer.subscription"),
    ("coupon", "coupon"),
    ("plan", "plan"),
    ("invoice", "invoice"),
];

/// One generated event: which object (0 or 1), its second, its action (0 created, 1 updated,
/// 2 deleted).
type Spec = (usize, i64, u8);

/// An event of the property tests: its id, its body, its `created`, its rank, its object's id.
type Delivery = (String, String, i64, Rank, String);

/// The bodies of `specs` about `kind`'s fixture object (two objects: the fixture's id, and
/// that id with `_2`), each a distinct JSON (its metadata says which event it is).
fn bodies(kind: usize, specs: &[Spec]) -> Vec<Delivery> {
    let (fixture, prefix) = KINDS[kind];
    let base = &fixtures()[fixture];
    specs
        .iter()
        .enumerate()
        .map(|(n, &(which, created, action))| {
            let mut object = base.clone();
            if which == 1 {
                object["id"] = format!("{}_2", base["id"].as_str().unwrap()).into();
            }
            object["metadata"] = serde_json::json!({"event": n});
            let action = ["created", "updated", "deleted"][usize::from(action)];
            let event_type = format!("{prefix}.{action}");
            // Ids of random-looking order: the tie-break must not follow the generation order.
            let event_id = format!("evt_{:08x}", (n as u32).wrapping_mul(2_654_435_761));
            let text = body(&event_id, &event_type, created, &object);
            let id = object["id"].as_str().unwrap().to_owned();
            (event_id, text, created, Rank::of(&event_type), id)
        })
        .collect()
}

/// What the mirror must hold for each object id after `events`: the event of greatest
/// (deleted, created, rank, event id).
fn expected(events: &[Delivery]) -> BTreeMap<String, (String, bool)> {
    let mut best: BTreeMap<String, (bool, i64, Rank, String)> = BTreeMap::new();
    for (event_id, _, created, rank, id) in events {
        let key = (*rank == Rank::Deleted, *created, *rank, event_id.clone());
        let slot = best.entry(id.clone()).or_insert_with(|| key.clone());
        if key > *slot {
            *slot = key;
        }
    }
    best.into_iter()
        .map(|(id, (deleted, _, _, event_id))| (id, (event_id, deleted)))
        .collect()
}

fn check_converges(
    mirror: &Mirror,
    kind: usize,
    specs: &[Spec],
    order: &[usize],
) -> Result<(), TestCaseError> {
    let events = bodies(kind, specs);
    for &i in order {
        apply(mirror, &events[i].1);
    }
    let object_type = KINDS[kind].0;
    for (id, (event_id, deleted)) in expected(&events) {
        let stored = mirror.get(object_type, &id).unwrap().unwrap();
        prop_assert_eq!(&stored.event_id, &event_id, "object {}", id);
        prop_assert_eq!(stored.deleted, deleted, "object {}", id);
        // The JSON is that event's `data.object`, byte for byte.
        let winner = events.iter().find(|e| e.0 == event_id).unwrap();
        let sliced = ObjectOf::body(winner.1.as_bytes()).unwrap().unwrap();
        prop_assert_eq!(stored.json.as_str(), sliced.json);
    }
    Ok(())
}

/// Events about two objects of one kind (seconds 0..3, so many ties; about a third are
/// deletions), and a delivery order: a permutation, with up to four duplicates mixed in.
fn sequences() -> impl Strategy<Value = (usize, Vec<Spec>, Vec<usize>)> {
    (
        0..KINDS.len(),
        prop::collection::vec((0..2usize, 100i64..103, 0u8..3), 1..10),
    )
        .prop_flat_map(|(kind, specs)| {
            let n = specs.len();
            let order = Just((0..n).collect::<Vec<_>>()).prop_shuffle();
            let dups = prop::collection::vec((0..n, 0..=n), 0..4);
            (Just(kind), Just(specs), order, dups).prop_map(|(kind, specs, mut order, dups)| {
                for (event, at) in dups {
                    order.insert(at.min(order.len()), event);
                }
                (kind, specs, order)
            })
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_delivery_order_converges_in_memory((kind, specs, order) in sequences()) {
        let mirror = Mirror::new(MemoryStore::new());
        check_converges(&mirror, kind, &specs, &order)?;
    }

    #[cfg(feature = "sqlite")]
    #[test]
    fn every_delivery_order_converges_in_sqlite((kind, specs, order) in sequences()) {
        let mirror = Mirror::new(crate::store::SqliteStore::in_memory().unwrap());
        check_converges(&mirror, kind, &specs, &order)?;
    }

    /// Once deleted, an object stays deleted whatever comes after.
    #[test]
    fn deleted_stays_deleted((kind, specs, order) in sequences()) {
        let mirror = Mirror::new(MemoryStore::new());
        let events = bodies(kind, &specs);
        let mut deleted = BTreeMap::new();
        for &i in &order {
            apply(&mirror, &events[i].1);
            let id = &events[i].4;
            let now = mirror.get(KINDS[kind].0, id).unwrap().unwrap().deleted;
            let was = deleted.insert(id.clone(), now).unwrap_or(false);
            prop_assert!(!was || now, "{} came back", id);
        }
    }
}
