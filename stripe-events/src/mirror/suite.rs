//! One behavioural suite for every [`ObjectStore`]: each store module runs it on its own store
//! (`MemoryStore` in `mirror::tests`, `SqliteStore` and `PostgresStore` in theirs).

use std::sync::{Arc, Barrier};
use std::thread;

use super::{MirroredObject, ObjectStore, ObjectWrite, Rank};

/// Runs every check, each on a fresh store from `make`.
pub(crate) fn run<S: ObjectStore>(mut make: impl FnMut() -> S) {
    objects_are_kept_byte_for_byte_by_type_and_id(&make());
    an_older_event_or_a_duplicate_changes_nothing(&make());
    ties_of_one_second_resolve_by_rank_then_event_id(&make());
    deleted_is_absorbing(&make());
    a_later_fetch_wins_whatever_the_events_order(&make());
    every_order_of_a_sequence_converges(&mut make);
}

/// A write of `json` by `event_id` (of `created`, `rank`; deleted when the rank is).
pub(crate) fn write<'a>(
    object_type: &'a str,
    id: &'a str,
    json: &'a str,
    event_id: &'a str,
    event_created: i64,
    rank: Rank,
) -> ObjectWrite<'a> {
    ObjectWrite {
        object_type,
        id,
        json,
        event_id,
        event_created,
        rank,
        deleted: rank == Rank::Deleted,
        fetched_at: None,
    }
}

fn get(store: &dyn ObjectStore, id: &str) -> MirroredObject {
    store
        .get_object("product", id)
        .unwrap()
        .unwrap_or_else(|| panic!("product {id} is not stored"))
}

fn objects_are_kept_byte_for_byte_by_type_and_id(store: &dyn ObjectStore) {
    // Spacing, escapes, key order and number text as Stripe rendered them.
    let json = "{\"id\": \"prod_B\",  \"object\":\"product\", \"name\": \"Caf\\u00e9 \u{1F600}\", \"n\": 1.50}";
    assert!(
        store
            .put_object(&write(
                "product",
                "prod_B",
                json,
                "evt_1",
                100,
                Rank::Created
            ))
            .unwrap()
    );
    let stored = get(store, "prod_B");
    assert_eq!(
        stored,
        MirroredObject {
            object_type: "product".into(),
            id: "prod_B".into(),
            json: json.into(),
            event_id: "evt_1".into(),
            event_created: 100,
            rank: Rank::Created,
            deleted: false,
            fetched_at: None,
        }
    );
    assert!(store.get_object("product", "prod_x").unwrap().is_none());
    assert!(store.get_object("price", "prod_B").unwrap().is_none());
    // Same id, another type: another object.
    store
        .put_object(&write("price", "prod_B", "{}", "evt_2", 1, Rank::Other))
        .unwrap();
    assert_eq!(get(store, "prod_B").event_id, "evt_1");
    // A fetched object keeps when it was fetched.
    let fetched = ObjectWrite {
        fetched_at: Some(1_700_000_000_123_456),
        ..write("product", "prod_a", "{}", "evt_3", 100, Rank::Other)
    };
    store.put_object(&fetched).unwrap();
    assert_eq!(get(store, "prod_a").fetched_at, Some(1_700_000_000_123_456));
    // Listed by id in byte order (upper case first), one type only.
    store
        .put_object(&write("product", "prod_C", "{}", "evt_4", 100, Rank::Other))
        .unwrap();
    let ids: Vec<String> = store
        .list_objects("product")
        .unwrap()
        .into_iter()
        .map(|o| o.id)
        .collect();
    assert_eq!(ids, ["prod_B", "prod_C", "prod_a"]);
    assert_eq!(store.list_objects("price").unwrap().len(), 1);
    assert!(store.list_objects("customer").unwrap().is_empty());
}

fn an_older_event_or_a_duplicate_changes_nothing(store: &dyn ObjectStore) {
    let newer = write("product", "prod_1", "{\"v\":2}", "evt_2", 200, Rank::Other);
    assert!(store.put_object(&newer).unwrap());
    // A retried older update, and the create, arrive late.
    let older = write("product", "prod_1", "{\"v\":1}", "evt_1", 150, Rank::Other);
    assert!(!store.put_object(&older).unwrap());
    let created = write(
        "product",
        "prod_1",
        "{\"v\":0}",
        "evt_0",
        100,
        Rank::Created,
    );
    assert!(!store.put_object(&created).unwrap());
    assert!(!store.put_object(&newer).unwrap(), "a duplicate");
    assert_eq!(get(store, "prod_1").json, "{\"v\":2}");
    let newest = write("product", "prod_1", "{\"v\":3}", "evt_0", 201, Rank::Other);
    assert!(store.put_object(&newest).unwrap());
    assert_eq!(get(store, "prod_1").event_id, "evt_0");
}

fn ties_of_one_second_resolve_by_rank_then_event_id(store: &dyn ObjectStore) {
    // Same second: the update wins over the create whatever their ids.
    let update = write("product", "prod_1", "{\"v\":1}", "evt_a", 100, Rank::Other);
    let create = write(
        "product",
        "prod_1",
        "{\"v\":0}",
        "evt_z",
        100,
        Rank::Created,
    );
    assert!(store.put_object(&update).unwrap());
    assert!(!store.put_object(&create).unwrap());
    // Same second, same rank: the greater event id (byte order: lower case after upper).
    let other = write("product", "prod_1", "{\"v\":2}", "evt_B", 100, Rank::Other);
    assert!(!store.put_object(&other).unwrap());
    let other = write("product", "prod_1", "{\"v\":3}", "evt_b", 100, Rank::Other);
    assert!(store.put_object(&other).unwrap());
    assert_eq!(get(store, "prod_1").json, "{\"v\":3}");
}

fn deleted_is_absorbing(store: &dyn ObjectStore) {
    let update = write("product", "prod_1", "{\"v\":1}", "evt_1", 100, Rank::Other);
    store.put_object(&update).unwrap();
    let deleted = write(
        "product",
        "prod_1",
        "{\"gone\":1}",
        "evt_2",
        200,
        Rank::Deleted,
    );
    assert!(store.put_object(&deleted).unwrap());
    // An update dated later does not bring it back.
    let later = write("product", "prod_1", "{\"v\":3}", "evt_3", 300, Rank::Other);
    assert!(!store.put_object(&later).unwrap());
    let stored = get(store, "prod_1");
    assert!(stored.deleted);
    assert_eq!(
        (stored.json.as_str(), stored.rank),
        ("{\"gone\":1}", Rank::Deleted)
    );
    // A deletion dated before a stored update still deletes.
    store
        .put_object(&write("product", "prod_2", "{}", "evt_5", 500, Rank::Other))
        .unwrap();
    store
        .put_object(&write(
            "product",
            "prod_2",
            "{}",
            "evt_4",
            400,
            Rank::Deleted,
        ))
        .unwrap();
    assert!(get(store, "prod_2").deleted);
}

/// A write of `json` fetched from Stripe's API at `fetched_at` (microseconds), caused by
/// `event_id` (of `created`).
fn fetched<'a>(
    json: &'a str,
    event_id: &'a str,
    event_created: i64,
    fetched_at: i64,
    deleted: bool,
) -> ObjectWrite<'a> {
    ObjectWrite {
        deleted,
        fetched_at: Some(fetched_at),
        ..write(
            "product",
            "prod_1",
            json,
            event_id,
            event_created,
            Rank::Other,
        )
    }
}

/// Re-fetch mode: the later fetch wins, whichever event caused it; an event's own copy no
/// older than a fetch does not overwrite it; a fetch over an event's copy wins when it is
/// later than the event; a fetched deletion stays.
fn a_later_fetch_wins_whatever_the_events_order(store: &dyn ObjectStore) {
    let second = 1_000_000;
    // An event's copy (created 100), then a fetch caused by an older event, made later: the
    // fetch is the newer state.
    store
        .put_object(&write(
            "product",
            "prod_1",
            "{\"v\":1}",
            "evt_2",
            100,
            Rank::Other,
        ))
        .unwrap();
    assert!(
        store
            .put_object(&fetched("{\"v\":2}", "evt_1", 50, 150 * second, false))
            .unwrap()
    );
    // An earlier fetch (a slow request that answered late) changes nothing.
    assert!(
        !store
            .put_object(&fetched("{\"v\":0}", "evt_3", 200, 120 * second, false))
            .unwrap()
    );
    // An event's copy dated before the fetch changes nothing; one after it replaces it.
    assert!(
        !store
            .put_object(&write(
                "product",
                "prod_1",
                "{\"v\":9}",
                "evt_4",
                150,
                Rank::Other
            ))
            .unwrap()
    );
    assert_eq!(get(store, "prod_1").json, "{\"v\":2}");
    assert!(
        store
            .put_object(&write(
                "product",
                "prod_1",
                "{\"v\":3}",
                "evt_5",
                151,
                Rank::Other
            ))
            .unwrap()
    );
    // A later fetch replaces it again; the stored row says when it was fetched.
    assert!(
        store
            .put_object(&fetched("{\"v\":4}", "evt_1", 50, 160 * second, false))
            .unwrap()
    );
    let stored = get(store, "prod_1");
    assert_eq!(
        (stored.json.as_str(), stored.fetched_at),
        ("{\"v\":4}", Some(160 * second))
    );
    // A fetch that finds it deleted stays, even against later fetches of a live copy.
    assert!(
        store
            .put_object(&fetched(
                "{\"deleted\":true}",
                "evt_6",
                170,
                170 * second,
                true
            ))
            .unwrap()
    );
    assert!(
        !store
            .put_object(&fetched("{\"v\":5}", "evt_7", 180, 180 * second, false))
            .unwrap()
    );
    assert!(
        !store
            .put_object(&write(
                "product",
                "prod_1",
                "{\"v\":6}",
                "evt_8",
                190,
                Rank::Other
            ))
            .unwrap()
    );
    assert!(get(store, "prod_1").deleted);
}

/// Every order of a small sequence (a create, two updates of one second, a later update, a
/// deletion; a duplicate), each on a fresh store, ends in the same state; then two threads
/// writing the sequence in opposite orders into one store converge too.
fn every_order_of_a_sequence_converges<S: ObjectStore>(make: &mut impl FnMut() -> S) {
    let events = [
        ("evt_c", 100, Rank::Created, "{\"v\":\"created\"}"),
        ("evt_u1", 100, Rank::Other, "{\"v\":\"u1\"}"),
        ("evt_u2", 100, Rank::Other, "{\"v\":\"u2\"}"),
        ("evt_u3", 101, Rank::Other, "{\"v\":\"u3\"}"),
    ];
    let expect_live = "{\"v\":\"u3\"}";
    // Permutations of the four (by rotating and reversing: 8 orders, each with a duplicate).
    for start in 0..events.len() {
        for reverse in [false, true] {
            let store = make();
            let mut order: Vec<usize> = (0..events.len())
                .map(|i| (start + i) % events.len())
                .collect();
            if reverse {
                order.reverse();
            }
            order.push(order[0]);
            for i in order {
                let (event_id, created, rank, json) = events[i];
                store
                    .put_object(&write("product", "prod_1", json, event_id, created, rank))
                    .unwrap();
            }
            assert_eq!(get(&store, "prod_1").json, expect_live, "start {start}");
        }
    }
    concurrent_writers_converge(vec![Arc::new(make())]);
}

/// Threads writing the same sequence of one object's events, each in another order, through
/// `stores` (several handles on one database, or one shared), end in the state of the event
/// of greatest precedence: the deletion, then the latest update.
pub(crate) fn concurrent_writers_converge(stores: Vec<Arc<dyn ObjectStore>>) {
    const THREADS: usize = 4;
    const ROUNDS: usize = 5;
    let jsons: Vec<String> = (0..12).map(|i| format!("{{\"v\":{i}}}")).collect();
    let barrier = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let (store, barrier, jsons) = (
                Arc::clone(&stores[t % stores.len()]),
                Arc::clone(&barrier),
                jsons.clone(),
            );
            thread::spawn(move || {
                for round in 0..ROUNDS {
                    let id = format!("prod_{round}");
                    barrier.wait();
                    // Thread t starts at a different event, half of them backwards.
                    for k in 0..jsons.len() {
                        let i = if t % 2 == 0 {
                            (k + t * 3) % jsons.len()
                        } else {
                            (jsons.len() - 1 - k + t) % jsons.len()
                        };
                        // Events 0..10 are updates of seconds 100..105 (two per second), 10 a
                        // deletion at 103, 11 an update after it.
                        let (created, rank) = match i {
                            10 => (103, Rank::Deleted),
                            11 => (110, Rank::Other),
                            i => (100 + i as i64 / 2, Rank::Other),
                        };
                        let event_id = format!("evt_{i:02}");
                        store
                            .put_object(&write("product", &id, &jsons[i], &event_id, created, rank))
                            .unwrap();
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    for round in 0..ROUNDS {
        let stored = get(&*stores[0], &format!("prod_{round}"));
        assert_eq!(
            (
                stored.event_id.as_str(),
                stored.deleted,
                stored.json.as_str()
            ),
            ("evt_10", true, "{\"v\":10}"),
            "round {round}"
        );
    }
}
