//! One behavioural suite for every [`EventStore`]: each store module runs it on its own store.

use std::time::Duration;

use super::{Claim, EventStore, Finish, Incoming, Job, MAX_INVALID_BODY, MemoryStore, Status};
use crate::testing::{event_envelope, related_object_for};
use crate::{Event, EventNotification};

const LEASE: Duration = Duration::from_secs(60);

/// Runs every check, each on a fresh store from `make`.
pub(crate) fn run<S: EventStore>(mut make: impl FnMut() -> S) {
    redelivery_keeps_the_row_and_leases_expire(&make());
    rejected_deliveries_are_kept_apart(&make());
    untyped_and_released_events_can_be_claimed_again(&make());
    the_first_application_binds_the_store(&make());
    the_queue_takes_the_oldest_due_event_and_retries_it(&make());
    only_queued_events_are_claimed_by_workers(&make());
    pruning_removes_old_processed_deliveries_only(&make());
    batches_answer_each_entry_in_order(&make());
    batch_claims_take_the_oldest_due_events(&make());
    thin_notifications_are_kept_like_snapshot_events(&make());
    validation_is_recorded_and_denied_events_stay_out_of_the_queue(&make());
    a_claim_taken_over_cannot_record_its_result(&make());
    results_and_deliveries_share_a_batch(&make());
}

/// Inline mode's batch: results of earlier claims, then deliveries recorded and claimed; each
/// entry answered on its own, a duplicate of an event finished in the same batch sees its
/// result.
fn results_and_deliveries_share_a_batch(store: &dyn EventStore) {
    let first = parsed(&["evt_1", "evt_2"]);
    let claims = store.record_and_claim_batch(&incoming(&first, 100), 100, LEASE);
    assert!(
        claims
            .iter()
            .all(|c| matches!(c, Ok(Claim::Run { attempt: 1 }))),
        "{claims:?}"
    );
    let second = parsed(&["evt_3", "evt_1", "evt_2"]);
    let entry = |id, status, attempt| Finish {
        attempt: Some(attempt),
        ..Finish::of(id, status, None)
    };
    let (finished, claims) = store.finish_then_record_and_claim_batch(
        &[
            entry("evt_1", Status::Processed, 1),
            entry("evt_2", Status::Processed, 2),
            entry("evt_missing", Status::Processed, 1),
        ],
        &incoming(&second, 101),
        101,
        LEASE,
    );
    assert!(finished[0].is_ok(), "{finished:?}");
    assert!(
        finished[1].as_ref().unwrap_err().is_superseded(),
        "another claim's result: {finished:?}"
    );
    assert!(finished[2].is_err(), "no such event: {finished:?}");
    assert_eq!(finished.len(), 3);
    let claims: Vec<Claim> = claims.into_iter().map(Result::unwrap).collect();
    assert_eq!(
        claims,
        [
            Claim::Run { attempt: 1 },
            Claim::AlreadyProcessed,
            Claim::InProgress,
        ],
        "evt_1's result is in before its duplicate; evt_2's claim still holds"
    );
    // Either side alone.
    let (finished, claims) = store.finish_then_record_and_claim_batch(
        &[entry("evt_3", Status::Processed, 1)],
        &[],
        102,
        LEASE,
    );
    assert_eq!((finished.len(), claims.len()), (1, 0));
    assert!(finished[0].is_ok(), "{finished:?}");
    let (finished, claims) = store.finish_then_record_and_claim_batch(
        &[],
        &incoming(&parsed(&["evt_4"]), 103),
        103,
        LEASE,
    );
    assert_eq!((finished.len(), claims.len()), (0, 1));
    assert_eq!(claims[0].as_ref().unwrap(), &Claim::Run { attempt: 1 });
    let processed: Vec<String> = store
        .list(Some(Status::Processed))
        .unwrap()
        .into_iter()
        .map(|d| d.event_id.unwrap_or_default())
        .collect();
    assert_eq!(processed, ["evt_1", "evt_3"]);
}

/// A claim that outlived its lease: another claim took the event over, and only the latest
/// claim's result is recorded, whichever finishes first; a retry's time goes through the same
/// batch call.
fn a_claim_taken_over_cannot_record_its_result(store: &dyn EventStore) {
    record(store, "evt_1");
    let first = store.claim("evt_1", 100, LEASE).unwrap();
    assert_eq!(first, Claim::Run { attempt: 1 });
    // Attempt 1's lease ran out: attempt 2 takes it over.
    let later = 100 + LEASE.as_secs() as i64 + 1;
    assert_eq!(
        store.claim("evt_1", later, LEASE).unwrap(),
        Claim::Run { attempt: 2 }
    );
    let done = |status, attempt| Finish {
        attempt: Some(attempt),
        ..Finish::of("evt_1", status, Some("late"))
    };
    // The first claim's failure, late, would undo the second's work: refused.
    let stale = store
        .finish_batch(&[done(Status::Failed, 1)])
        .pop()
        .unwrap();
    let error = stale.unwrap_err();
    assert!(error.is_superseded(), "{error}");
    assert!(
        error.to_string().contains("attempt 2 took the event over"),
        "{error}"
    );
    let row = store.get("evt_1").unwrap().unwrap();
    assert_eq!((row.status, row.attempts), (Status::Pending, 2));
    // The latest claim's result is recorded; then the first claim's still is not.
    store
        .finish_batch(&[Finish {
            error: None,
            ..done(Status::Processed, 2)
        }])
        .pop()
        .unwrap()
        .unwrap();
    let stale = store
        .finish_batch(&[done(Status::Failed, 1)])
        .pop()
        .unwrap();
    assert!(stale.unwrap_err().is_superseded());
    assert_eq!(
        store.get("evt_1").unwrap().unwrap().status,
        Status::Processed
    );
    // An unknown event is not "superseded".
    let missing = store.finish_batch(&[Finish {
        event_id: "evt_none",
        ..done(Status::Failed, 1)
    }]);
    assert!(!missing[0].as_ref().unwrap_err().is_superseded());

    // A retry through the batch call: failed, queued from its time, for its claim only.
    record(store, "evt_2");
    let job = store.claim_next(100, LEASE).unwrap().unwrap();
    assert_eq!((job.event_id.as_str(), job.attempt), ("evt_2", 1));
    let retry = Finish {
        run_after: Some(500),
        attempt: Some(1),
        ..Finish::of("evt_2", Status::Failed, Some("try later"))
    };
    store.finish_batch(&[retry]).pop().unwrap().unwrap();
    let row = store.get("evt_2").unwrap().unwrap();
    assert_eq!(
        (row.status, row.last_error.as_deref()),
        (Status::Failed, Some("try later"))
    );
    assert_eq!(
        store.claim_next(499, LEASE).unwrap(),
        None,
        "not before its time"
    );
    assert_eq!(store.claim_next(500, LEASE).unwrap().unwrap().attempt, 2);
}

fn validation_is_recorded_and_denied_events_stay_out_of_the_queue(store: &dyn EventStore) {
    record(store, "evt_1");
    record(store, "evt_2");
    assert_eq!(
        store.get("evt_1").unwrap().unwrap().valid,
        None,
        "not validated"
    );
    assert!(store.set_valid("evt_none", true).is_err(), "no such event");
    store.set_valid("evt_1", true).unwrap();
    assert_eq!(store.get("evt_1").unwrap().unwrap().valid, Some(true));
    // Denied: claimed, then denied with the reason; out of the queue, listed by its status.
    assert!(matches!(
        store.claim("evt_2", 100, LEASE).unwrap(),
        Claim::Run { attempt: 1 }
    ));
    store.set_valid("evt_2", false).unwrap();
    store
        .finish(
            "evt_2",
            Status::Denied,
            Some("denied by Stripe's API: no event evt_2 (404)"),
        )
        .unwrap();
    let denied = store.get("evt_2").unwrap().unwrap();
    assert_eq!((denied.status, denied.valid), (Status::Denied, Some(false)));
    assert!(denied.last_error.unwrap().contains("404"));
    let listed: Vec<_> = store
        .list(Some(Status::Denied))
        .unwrap()
        .into_iter()
        .map(|d| d.event_id.unwrap())
        .collect();
    assert_eq!(listed, ["evt_2"]);
    assert_eq!(
        next(store, 200),
        Some(("evt_1".to_owned(), 1)),
        "evt_2 is not queued"
    );
    assert_eq!(next(store, 200), None);
    // A redelivery can claim it again (and validate it again).
    assert!(matches!(
        store.claim("evt_2", 300, LEASE).unwrap(),
        Claim::Run { attempt: 2 }
    ));
    assert_eq!(store.prune(i64::MAX).unwrap(), 0, "nothing processed");
}

fn record(store: &dyn EventStore, id: &str) {
    record_at(store, id, 100);
}

fn body_of(id: &str) -> String {
    event_envelope(id, "customer.created", &serde_json::json!({"id": "cus_1"})).to_string()
}

fn record_at(store: &dyn EventStore, id: &str, received_at: i64) {
    let body = body_of(id);
    let event = Event::from_slice(body.as_bytes()).unwrap();
    store.record(&event, body.as_bytes(), received_at).unwrap();
}

/// Bodies and parsed events for `ids`, for the batch calls.
pub(crate) fn parsed(ids: &[&str]) -> Vec<(String, Event)> {
    ids.iter()
        .map(|id| {
            let body = body_of(id);
            let event = Event::from_slice(body.as_bytes()).unwrap();
            (body, event)
        })
        .collect()
}

/// The batch of `parsed`, received at `received_at`.
pub(crate) fn incoming(parsed: &[(String, Event)], received_at: i64) -> Vec<Incoming<'_>> {
    parsed
        .iter()
        .map(|(body, event)| Incoming {
            event,
            body: body.as_bytes(),
            received_at,
        })
        .collect()
}

fn batches_answer_each_entry_in_order(store: &dyn EventStore) {
    // A batch of records, a duplicate inside it: one row per event id.
    let first = parsed(&["evt_1", "evt_2", "evt_1"]);
    let results = store.record_batch(&incoming(&first, 100));
    assert_eq!(results.len(), 3);
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(store.list(None).unwrap().len(), 2);
    assert_eq!(
        next(store, 100),
        Some(("evt_1".to_owned(), 1)),
        "recorded batches are queued"
    );

    // Record and claim: a new event runs, a duplicate later in the same batch finds it
    // claimed, an event leased by someone else is in progress.
    let second = parsed(&["evt_3", "evt_3", "evt_1", "evt_2"]);
    let claims: Vec<Claim> = store
        .record_and_claim_batch(&incoming(&second, 101), 101, LEASE)
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        claims,
        [
            Claim::Run { attempt: 1 },
            Claim::InProgress,
            Claim::InProgress,
            Claim::Run { attempt: 1 },
        ]
    );
    assert_eq!(store.list(None).unwrap().len(), 3);

    // Results: each entry on its own; an unknown id fails only its entry.
    let results = store.finish_batch(&[
        Finish::of("evt_3", Status::Processed, None),
        Finish::of("evt_missing", Status::Processed, None),
        Finish::of("evt_2", Status::Failed, Some("boom")),
    ]);
    assert!(results[0].is_ok() && results[2].is_ok(), "{results:?}");
    let missing = results[1].as_ref().unwrap_err().to_string();
    assert!(missing.contains("completing evt_missing"), "{missing}");
    let row = store.get("evt_2").unwrap().unwrap();
    assert_eq!(
        (row.status, row.last_error.as_deref()),
        (Status::Failed, Some("boom"))
    );
    assert_eq!(
        store.get("evt_3").unwrap().unwrap().status,
        Status::Processed
    );
    let steps: Vec<Status> = store
        .history("evt_3")
        .unwrap()
        .iter()
        .map(|c| c.status)
        .collect();
    assert_eq!(steps, [Status::Pending, Status::Processed]);
    let again = store.record_and_claim_batch(&incoming(&parsed(&["evt_3"]), 102), 102, LEASE);
    assert_eq!(again[0].as_ref().unwrap(), &Claim::AlreadyProcessed);
}

fn batch_claims_take_the_oldest_due_events(store: &dyn EventStore) {
    for (i, id) in ["evt_c", "evt_a", "evt_b", "evt_late"].iter().enumerate() {
        let at = if *id == "evt_late" {
            200
        } else {
            100 + i as i64
        };
        record_at(store, id, at);
    }
    let ids = |jobs: Vec<Job>| {
        jobs.into_iter()
            .map(|j| (j.event_id, j.attempt))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(store.claim_next_batch(150, LEASE, 2).unwrap()),
        [("evt_c".to_owned(), 1), ("evt_a".to_owned(), 1)]
    );
    assert_eq!(
        ids(store.claim_next_batch(150, LEASE, 5).unwrap()),
        [("evt_b".to_owned(), 1)],
        "fewer when fewer are due; leased ones are not taken again"
    );
    assert!(store.claim_next_batch(150, LEASE, 5).unwrap().is_empty());
    assert_eq!(
        store.history("evt_b").unwrap().len(),
        1,
        "each claim is in the history"
    );
}

/// The event id and attempt of the next queued event, if any.
fn next(store: &dyn EventStore, now: i64) -> Option<(String, u32)> {
    store
        .claim_next(now, LEASE)
        .unwrap()
        .map(|job| (job.event_id, job.attempt))
}

fn the_queue_takes_the_oldest_due_event_and_retries_it(store: &dyn EventStore) {
    record_at(store, "evt_b", 101);
    record_at(store, "evt_a", 100);
    assert_eq!(
        next(store, 99),
        None,
        "nothing is due before it was received"
    );
    let job = store.claim_next(100, LEASE).unwrap().unwrap();
    assert_eq!(
        job,
        Job {
            event_id: "evt_a".to_owned(),
            attempt: 1,
            body: body_of("evt_a").into_bytes(),
        }
    );
    assert_eq!(next(store, 101), Some(("evt_b".to_owned(), 1)));
    assert_eq!(next(store, 101), None, "both are leased");
    store.retry_at("evt_a", "boom", 130).unwrap();
    let row = store.get("evt_a").unwrap().unwrap();
    assert_eq!(
        (row.status, row.attempts, row.last_error.as_deref()),
        (Status::Failed, 1, Some("boom"))
    );
    assert_eq!(next(store, 129), None, "the retry is not due yet");
    assert_eq!(next(store, 130), Some(("evt_a".to_owned(), 2)));
    store.dead("evt_a", "boom again").unwrap();
    let row = store.get("evt_a").unwrap().unwrap();
    assert_eq!(
        (row.status, row.attempts, row.last_error.as_deref()),
        (Status::Dead, 2, Some("boom again"))
    );
    assert_eq!(store.list(Some(Status::Dead)).unwrap().len(), 1);
    // evt_b's worker died: after its lease, another worker takes it over.
    assert_eq!(next(store, 160), None);
    assert_eq!(next(store, 161), Some(("evt_b".to_owned(), 2)));
    store.complete("evt_b").unwrap();
    assert_eq!(
        next(store, 10_000),
        None,
        "dead and processed events stay out"
    );
    // A dead event is replayed by an explicit claim.
    assert_eq!(
        store.claim("evt_a", 10_000, LEASE).unwrap(),
        Claim::Run { attempt: 3 }
    );
    let steps: Vec<(Status, u32)> = store
        .history("evt_a")
        .unwrap()
        .into_iter()
        .map(|c| (c.status, c.attempt))
        .collect();
    assert_eq!(
        steps,
        [
            (Status::Pending, 1),
            (Status::Failed, 1),
            (Status::Pending, 2),
            (Status::Dead, 2),
            (Status::Pending, 3),
        ]
    );
    assert!(store.retry_at("evt_none", "x", 1).is_err());
}

fn only_queued_events_are_claimed_by_workers(store: &dyn EventStore) {
    store
        .record_rejected(br#"{"id": "evt_r"}"#, true, "not an event", 100)
        .unwrap();
    record_at(store, "evt_f", 100);
    assert_eq!(
        store.claim("evt_f", 100, LEASE).unwrap(),
        Claim::Run { attempt: 1 }
    );
    // Inline mode: Stripe delivers a failed event again; the queue leaves it alone.
    store.fail("evt_f", "handler failed").unwrap();
    record_at(store, "evt_t", 100);
    // (evt_f is queued again below, when Stripe delivers it again.)
    assert_eq!(next(store, 100), Some(("evt_t".to_owned(), 1)));
    store.untyped("evt_t", "does not fit").unwrap();
    let far = i64::MAX / 2;
    assert_eq!(next(store, far), None);
    // A released claim is queued again at once.
    assert_eq!(
        store.claim("evt_f", 200, LEASE).unwrap(),
        Claim::Run { attempt: 2 }
    );
    store.release("evt_f", "result not recorded").unwrap();
    assert_eq!(next(store, far), Some(("evt_f".to_owned(), 3)));
    // Failed inline, then delivered again by Stripe: queued from the redelivery on.
    store.fail("evt_f", "handler failed again").unwrap();
    assert_eq!(next(store, far), None);
    record_at(store, "evt_f", 500);
    assert_eq!(next(store, 499), None);
    assert_eq!(next(store, 500), Some(("evt_f".to_owned(), 4)));
    let row = store.get("evt_f").unwrap().unwrap();
    assert_eq!((row.status, row.received_at), (Status::Pending, 100));
    // A redelivery of a queued or processed event changes nothing.
    store.retry_at("evt_f", "boom", 900).unwrap();
    record_at(store, "evt_f", 600);
    assert_eq!(next(store, 899), None);
}

fn pruning_removes_old_processed_deliveries_only(store: &dyn EventStore) {
    let finish = |id: &str, at: i64, how: fn(&dyn EventStore, &str)| {
        record_at(store, id, at);
        assert_eq!(
            store.claim(id, at, LEASE).unwrap(),
            Claim::Run { attempt: 1 }
        );
        how(store, id);
    };
    finish("evt_old", 100, |s, id| s.complete(id).unwrap());
    finish("evt_new", 300, |s, id| s.complete(id).unwrap());
    finish("evt_failed", 50, |s, id| s.fail(id, "x").unwrap());
    finish("evt_dead", 50, |s, id| s.dead(id, "x").unwrap());
    finish("evt_untyped", 50, |s, id| s.untyped(id, "x").unwrap());
    record_at(store, "evt_pending", 50);
    store
        .record_rejected(br#"{"id": "evt_x"}"#, false, "forged", 50)
        .unwrap();
    assert_eq!(store.prune(200).unwrap(), 1);
    assert!(store.get("evt_old").unwrap().is_none());
    assert!(store.history("evt_old").unwrap().is_empty());
    let left: Vec<String> = store
        .list(None)
        .unwrap()
        .into_iter()
        .filter_map(|d| d.event_id)
        .collect();
    assert_eq!(
        left,
        [
            "evt_new",
            "evt_failed",
            "evt_dead",
            "evt_untyped",
            "evt_pending",
            "evt_x"
        ]
    );
    assert_eq!(store.prune(200).unwrap(), 0);
    // A later delivery sorts after every kept one.
    record_at(store, "evt_later", 400);
    let all = store.list(None).unwrap();
    assert!(all.windows(2).all(|w| w[0].row_id < w[1].row_id));
    assert_eq!(all.last().unwrap().event_id.as_deref(), Some("evt_later"));
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

/// A thin notification (written here: type, context, related object) is recorded,
/// de-duplicated, claimed, queued and listed like a snapshot event; its context is kept as
/// the account, and it has no API version.
fn thin_notifications_are_kept_like_snapshot_events(store: &dyn EventStore) {
    let mut n = serde_json::json!({"id": "evt_thin", "object": "v2.core.event",
        "type": "v2.core.account.created", "created": "2025-12-15T09:30:00Z",
        "livemode": true, "context": "acct_ctx"});
    n["related_object"] = related_object_for("v2.core.account", "1");
    let body = n.to_string();
    let notification = EventNotification::from_slice(body.as_bytes()).unwrap();
    store.record(&notification, body.as_bytes(), 100).unwrap();
    store.record(&notification, body.as_bytes(), 101).unwrap();
    record_at(store, "evt_snapshot", 102);
    let rows = store.list(None).unwrap();
    assert_eq!(rows.len(), 2, "a redelivery keeps the one row");
    let row = store.get("evt_thin").unwrap().unwrap();
    assert_eq!(row.event_type.as_deref(), Some("v2.core.account.created"));
    assert_eq!(
        (row.api_version, row.account.as_deref(), row.livemode),
        (None, Some("acct_ctx"), Some(true))
    );
    assert_eq!(
        (row.body, row.status),
        (body.clone().into_bytes(), Status::Pending)
    );
    // Queued in received order with the snapshot event, claimed once.
    let job = store.claim_next(102, LEASE).unwrap().unwrap();
    assert_eq!(
        (job.event_id.as_str(), job.body),
        ("evt_thin", body.into_bytes())
    );
    assert_eq!(
        store.claim("evt_thin", 102, LEASE).unwrap(),
        Claim::InProgress
    );
    store.complete("evt_thin").unwrap();
    assert_eq!(
        store.claim("evt_thin", 103, LEASE).unwrap(),
        Claim::AlreadyProcessed
    );
    assert_eq!(next(store, 103), Some(("evt_snapshot".to_owned(), 1)));

    // The batch path (what the receiver uses) takes notifications too.
    let other = body_text_with_id(&n, "evt_thin_2");
    let other_n = EventNotification::from_slice(other.as_bytes()).unwrap();
    let incoming = [Incoming {
        event: &other_n,
        body: other.as_bytes(),
        received_at: 104,
    }];
    let claims = store.record_and_claim_batch(&incoming, 104, LEASE);
    assert_eq!(claims, [Ok(Claim::Run { attempt: 1 })]);
    assert_eq!(store.record_batch(&incoming), [Ok(())]);
    let row = store.get("evt_thin_2").unwrap().unwrap();
    assert_eq!(row.account.as_deref(), Some("acct_ctx"));
}

/// `n` with another id, as a body.
fn body_text_with_id(n: &serde_json::Value, id: &str) -> String {
    let mut n = n.clone();
    n["id"] = id.into();
    n.to_string()
}
