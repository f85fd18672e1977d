//! One behavioural suite for every [`EventStore`]: each store module runs it on its own store.

use std::time::Duration;

use super::{Claim, EventStore, MAX_INVALID_BODY, MemoryStore, Status};
use crate::Event;
use crate::testing::event_envelope;

const LEASE: Duration = Duration::from_secs(60);

/// Runs every check, each on a fresh store from `make`.
pub(crate) fn run<S: EventStore>(mut make: impl FnMut() -> S) {
    redelivery_keeps_the_row_and_leases_expire(&make());
    rejected_deliveries_are_kept_apart(&make());
    untyped_and_released_events_can_be_claimed_again(&make());
    the_first_application_binds_the_store(&make());
}

fn record(store: &dyn EventStore, id: &str) {
    let body =
        event_envelope(id, "customer.created", &serde_json::json!({"id": "cus_1"})).to_string();
    let event = Event::from_slice(body.as_bytes()).unwrap();
    store.record(&event, body.as_bytes(), 100).unwrap();
}

fn redelivery_keeps_the_row_and_leases_expire(store: &dyn EventStore) {
    record(store, "evt_1");
    assert_eq!(
        store.claim("evt_1", 100, LEASE).unwrap(),
        Claim::Run { attempt: 1 }
    );
    record(store, "evt_1");
    assert_eq!(store.list(None).unwrap().len(), 1);
    assert_eq!(store.claim("evt_1", 159, LEASE).unwrap(), Claim::InProgress);
    // The claimer died: after the lease, the event can be claimed again.
    assert_eq!(
        store.claim("evt_1", 160, LEASE).unwrap(),
        Claim::Run { attempt: 2 }
    );
    store.fail("evt_1", "boom").unwrap();
    let row = store.get("evt_1").unwrap().unwrap();
    assert_eq!((row.status, row.attempts), (Status::Failed, 2));
    assert_eq!(row.last_error.as_deref(), Some("boom"));
    assert_eq!(row.event_type.as_deref(), Some("customer.created"));
    assert_eq!(row.livemode, Some(false));
    assert_eq!(
        store.claim("evt_1", 161, LEASE).unwrap(),
        Claim::Run { attempt: 3 }
    );
    store.complete("evt_1").unwrap();
    assert_eq!(
        store.claim("evt_1", 162, LEASE).unwrap(),
        Claim::AlreadyProcessed
    );
    let row = store.get("evt_1").unwrap().unwrap();
    assert_eq!((row.status, row.last_error), (Status::Processed, None));
    let history: Vec<(Status, u32, Option<String>)> = store
        .history("evt_1")
        .unwrap()
        .into_iter()
        .map(|c| (c.status, c.attempt, c.error))
        .collect();
    assert_eq!(
        history,
        [
            (Status::Pending, 1, None),
            (Status::Pending, 2, None),
            (Status::Failed, 2, Some("boom".to_owned())),
            (Status::Pending, 3, None),
            (Status::Processed, 3, None),
        ]
    );
    let first = &store.history("evt_1").unwrap()[0];
    assert_eq!(
        (first.at, first.to_string()),
        (100, "100 attempt 1 started".to_owned())
    );
    assert!(store.history("evt_unknown").unwrap().is_empty());
    assert!(store.claim("evt_unknown", 1, LEASE).is_err());
    assert!(
        store
            .complete("evt_unknown")
            .unwrap_err()
            .to_string()
            .contains("evt_unknown")
    );
}

fn rejected_deliveries_are_kept_apart(store: &dyn EventStore) {
    let forged = br#"{"id": "evt_1", "type": "customer.created", "x": 1}"#;
    store
        .record_rejected(forged, false, "bad signature", 99)
        .unwrap();
    store
        .record_rejected(forged, false, "bad signature", 99)
        .unwrap();
    let big = vec![b'x'; MAX_INVALID_BODY + 10];
    store.record_rejected(&big, true, "not JSON", 99).unwrap();
    record(store, "evt_1");
    let all = store.list(None).unwrap();
    assert_eq!(all.len(), 4);
    assert!(all.windows(2).all(|w| w[0].row_id < w[1].row_id));
    assert_eq!(all[2].body.len(), MAX_INVALID_BODY);
    assert_eq!(
        (all[2].event_id.clone(), all[2].signature_valid),
        (None, true)
    );
    assert_eq!(all[0].event_id.as_deref(), Some("evt_1"));
    assert!(!all[0].signature_valid);
    assert_eq!(store.list(Some(Status::Failed)).unwrap().len(), 3);
    assert_eq!(store.list(Some(Status::Pending)).unwrap().len(), 1);
    // The authentic one wins, and only it is claimed.
    assert!(store.get("evt_1").unwrap().unwrap().signature_valid);
    assert_eq!(
        store.claim("evt_1", 100, LEASE).unwrap(),
        Claim::Run { attempt: 1 }
    );
    // Only forged deliveries of an id: `get` returns the latest of them.
    store
        .record_rejected(br#"{"id": "evt_2", "x": 1}"#, false, "first", 99)
        .unwrap();
    store
        .record_rejected(br#"{"id": "evt_2", "x": 2}"#, false, "second", 99)
        .unwrap();
    let latest = store.get("evt_2").unwrap().unwrap();
    assert_eq!(
        (latest.last_error.as_deref(), latest.signature_valid),
        (Some("second"), false)
    );
}

fn untyped_and_released_events_can_be_claimed_again(store: &dyn EventStore) {
    record(store, "evt_u");
    assert_eq!(
        store.claim("evt_u", 100, LEASE).unwrap(),
        Claim::Run { attempt: 1 }
    );
    store
        .untyped("evt_u", "missing field `id` at $.data.object")
        .unwrap();
    let row = store.get("evt_u").unwrap().unwrap();
    assert_eq!(row.status, Status::Untyped);
    assert_eq!(
        row.last_error.as_deref(),
        Some("missing field `id` at $.data.object")
    );
    assert_eq!(store.list(Some(Status::Untyped)).unwrap().len(), 1);
    // Replayable (after a rebuild): claimed at once, no lease left behind.
    assert_eq!(
        store.claim("evt_u", 101, LEASE).unwrap(),
        Claim::Run { attempt: 2 }
    );
    // Released: pending, the reason kept, and claimable at once (no 60 s lease to wait).
    store
        .release("evt_u", "could not record completion")
        .unwrap();
    let row = store.get("evt_u").unwrap().unwrap();
    assert_eq!(row.status, Status::Pending);
    assert_eq!(
        row.last_error.as_deref(),
        Some("could not record completion")
    );
    assert_eq!(
        store.claim("evt_u", 102, LEASE).unwrap(),
        Claim::Run { attempt: 3 }
    );
    assert!(store.untyped("evt_none", "x").is_err());
    assert!(store.release("evt_none", "x").is_err());
}

fn the_first_application_binds_the_store(store: &dyn EventStore) {
    assert_eq!(store.application().unwrap(), None);
    assert_eq!(store.bind_application("shop").unwrap(), "shop");
    assert_eq!(store.application().unwrap().as_deref(), Some("shop"));
    assert_eq!(store.bind_application("shop").unwrap(), "shop");
    assert_eq!(store.bind_application("stripe-events").unwrap(), "shop");
}

#[test]
fn the_memory_store_passes_the_suite() {
    run(MemoryStore::new);
}
