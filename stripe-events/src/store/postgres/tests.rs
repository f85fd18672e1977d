//! PostgreSQL-specific tests, and the shared suite; each store in a schema of its own
//! ([`TestSchema`]), so they run in parallel and leave nothing behind.

use std::collections::BTreeSet;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use super::testing::{self, TestSchema};
use super::*;
use crate::Event;
use crate::testing::event_envelope;

const LEASE: Duration = Duration::from_secs(60);

/// A fresh schema, or `None` (the test returns) when there is no server.
macro_rules! schema_or_skip {
    ($tag:literal) => {
        match TestSchema::new($tag) {
            Some(schema) => schema,
            None => return,
        }
    };
}

fn record(store: &dyn EventStore, id: &str, received_at: i64) {
    let body =
        event_envelope(id, "customer.created", &serde_json::json!({"id": "cus_1"})).to_string();
    let event = Event::from_slice(body.as_bytes()).unwrap();
    store.record(&event, body.as_bytes(), received_at).unwrap();
}

#[test]
fn the_shared_suite_passes() {
    let mut spare = Some(schema_or_skip!("suite"));
    let mut schemas = Vec::new(); // dropped (with their tables) at the end, or on a panic
    crate::store::suite::run(|| {
        let schema = spare
            .take()
            .unwrap_or_else(|| TestSchema::new("suite").unwrap());
        let store = PostgresStore::connect(schema.url()).unwrap();
        schemas.push(schema);
        store
    });
}

#[test]
fn the_mirror_suite_passes() {
    let mut spare = Some(schema_or_skip!("mirror"));
    let mut schemas = Vec::new(); // dropped (with their tables) at the end, or on a panic
    crate::mirror::suite::run(|| {
        let schema = spare
            .take()
            .unwrap_or_else(|| TestSchema::new("mirror").unwrap());
        let store = PostgresStore::connect(schema.url()).unwrap();
        schemas.push(schema);
        store
    });
    // Two pools on one schema (as two receivers would have): writes of one object through
    // both converge.
    let schema = TestSchema::new("mirror").unwrap();
    crate::mirror::suite::concurrent_writers_converge(vec![
        Arc::new(PostgresStore::connect(schema.url()).unwrap()),
        Arc::new(PostgresStore::connect(schema.url()).unwrap()),
    ]);
    let collation = schema.sql(
        "SELECT collation_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = 'stripe_events_objects'
           AND column_name = 'event_id'",
    );
    assert_eq!(collation, [[Some("C".to_owned())]]);
}

#[test]
fn concurrent_claims_from_two_pools_give_one_run() {
    let schema = schema_or_skip!("claims");
    let stores = [
        Arc::new(PostgresStore::connect(schema.url()).unwrap()),
        Arc::new(PostgresStore::connect(schema.url()).unwrap()),
    ];
    const THREADS: usize = 8;
    const EVENTS: usize = 20;
    for n in 0..EVENTS {
        record(&*stores[0], &format!("evt_{n}"), 100);
    }
    let barrier = Arc::new(Barrier::new(THREADS));
    let runs: Vec<Vec<u32>> = (0..THREADS)
        .map(|t| {
            let (store, barrier) = (stores[t % 2].clone(), barrier.clone());
            thread::spawn(move || {
                let mut runs = Vec::new();
                for n in 0..EVENTS {
                    barrier.wait();
                    match store.claim(&format!("evt_{n}"), 100, LEASE).unwrap() {
                        Claim::Run { attempt } => runs.push(attempt),
                        Claim::InProgress => {}
                        Claim::AlreadyProcessed => panic!("never completed"),
                    }
                }
                runs
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    let all: Vec<u32> = runs.into_iter().flatten().collect();
    assert_eq!(all, vec![1; EVENTS], "one Run (attempt 1) per event");
    for n in 0..EVENTS {
        assert_eq!(stores[1].history(&format!("evt_{n}")).unwrap().len(), 1);
    }
}

#[test]
fn batches_of_the_same_events_in_opposite_orders_from_two_pools_never_deadlock() {
    let schema = schema_or_skip!("batches");
    let stores = [
        Arc::new(PostgresStore::connect(schema.url()).unwrap()),
        Arc::new(PostgresStore::connect(schema.url()).unwrap()),
    ];
    const EVENTS: usize = 40;
    const ROUNDS: usize = 5;
    let barrier = Arc::new(Barrier::new(2));
    let runs: Vec<usize> = (0..2)
        .map(|t| {
            let (store, barrier) = (stores[t].clone(), barrier.clone());
            thread::spawn(move || {
                let mut runs = 0;
                for round in 0..ROUNDS {
                    // The same events, one store in order, the other backwards: without a
                    // common lock order the two transactions would wait for each other.
                    let mut ids: Vec<String> =
                        (0..EVENTS).map(|n| format!("evt_{round}_{n}")).collect();
                    if t == 1 {
                        ids.reverse();
                    }
                    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
                    let bodies = crate::store::suite::parsed(&ids);
                    let batch = crate::store::suite::incoming(&bodies, 100);
                    barrier.wait();
                    for claim in store.record_and_claim_batch(&batch, 100, LEASE) {
                        match claim.unwrap() {
                            Claim::Run { attempt: 1 } => runs += 1,
                            Claim::InProgress => {}
                            other => panic!("{other:?}"),
                        }
                    }
                }
                runs
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    assert_eq!(
        runs.iter().sum::<usize>(),
        EVENTS * ROUNDS,
        "one run per event: {runs:?}"
    );
    assert_eq!(stores[0].list(None).unwrap().len(), EVENTS * ROUNDS);
}

/// Inline batches of two pools, each recording the results of its own claims and duplicates
/// of the other's events, in opposite orders: a result and a duplicate's record lock the same
/// row, so without one event id order across both kinds the transactions would wait for each
/// other.
#[test]
fn results_and_duplicates_in_one_batch_from_two_pools_never_deadlock() {
    let schema = schema_or_skip!("inline");
    let stores = [
        Arc::new(PostgresStore::connect(schema.url()).unwrap()),
        Arc::new(PostgresStore::connect(schema.url()).unwrap()),
    ];
    const EVENTS: usize = 40;
    let ids: Vec<String> = (0..EVENTS).map(|n| format!("evt_{n:02}")).collect();
    // Store t claims the events n with n % 2 == t.
    let owned = |t: usize| -> Vec<&str> {
        ids.iter()
            .enumerate()
            .filter(|(n, _)| n % 2 == t)
            .map(|(_, id)| id.as_str())
            .collect()
    };
    for (t, store) in stores.iter().enumerate() {
        let bodies = crate::store::suite::parsed(&owned(t));
        let claims =
            store.record_and_claim_batch(&crate::store::suite::incoming(&bodies, 100), 100, LEASE);
        assert!(
            claims
                .iter()
                .all(|c| matches!(c, Ok(Claim::Run { attempt: 1 })))
        );
    }
    let barrier = Arc::new(Barrier::new(2));
    thread::scope(|scope| {
        for (t, store) in stores.iter().enumerate() {
            let (barrier, mut mine, mut theirs) = (barrier.clone(), owned(t), owned(1 - t));
            if t == 1 {
                mine.reverse();
                theirs.reverse();
            }
            scope.spawn(move || {
                let results: Vec<Finish<'_>> = mine
                    .iter()
                    .map(|id| Finish {
                        attempt: Some(1),
                        ..Finish::of(id, Status::Processed, None)
                    })
                    .collect();
                let bodies = crate::store::suite::parsed(&theirs);
                let batch = crate::store::suite::incoming(&bodies, 101);
                barrier.wait();
                let (finished, claims) =
                    store.finish_then_record_and_claim_batch(&results, &batch, 101, LEASE);
                assert!(finished.iter().all(Result::is_ok), "{finished:?}");
                for claim in claims {
                    match claim.unwrap() {
                        Claim::AlreadyProcessed | Claim::InProgress => {}
                        other => panic!("a duplicate claimed: {other:?}"),
                    }
                }
            });
        }
    });
    assert_eq!(
        stores[0].list(Some(Status::Processed)).unwrap().len(),
        EVENTS
    );
}

#[test]
fn a_batch_with_a_statement_that_fails_stores_none_of_it_and_the_store_goes_on() {
    let schema = schema_or_skip!("batchfail");
    let store = PostgresStore::connect(schema.url()).unwrap();
    // PostgreSQL's TEXT cannot hold a NUL character: that delivery's INSERT fails, in the
    // middle of a pipelined transaction.
    let bodies: Vec<(String, Event)> = ["evt_ok", "evt_\\u0000bad", "evt_ok2"]
        .iter()
        .map(|id| {
            let body = event_envelope(
                "evt_x",
                "customer.created",
                &serde_json::json!({"id": "cus_1"}),
            )
            .to_string()
            .replace("\"evt_x\"", &format!("\"{id}\""));
            let event = Event::from_slice(body.as_bytes()).unwrap();
            (body, event)
        })
        .collect();
    assert!(bodies[1].1.id.contains('\0'));
    let batch: Vec<Incoming<'_>> = bodies
        .iter()
        .map(|(body, event)| Incoming {
            event,
            body: body.as_bytes(),
            received_at: 100,
        })
        .collect();
    let results = store.record_and_claim_batch(&batch, 100, LEASE);
    assert_eq!(results.len(), 3);
    for result in &results {
        let err = result.as_ref().unwrap_err().to_string();
        assert!(err.contains("(in a batch of 3)"), "{err}");
    }
    assert!(
        store.list(None).unwrap().is_empty(),
        "the transaction was rolled back"
    );
    // The connection that failed was closed, not lent again: the next batch works.
    let good = &batch[..1];
    assert_eq!(
        store.record_and_claim_batch(good, 100, LEASE)[0]
            .as_ref()
            .unwrap(),
        &Claim::Run { attempt: 1 }
    );
    assert_eq!(store.list(None).unwrap().len(), 1);
}

#[test]
fn concurrent_workers_take_each_job_once() {
    let schema = schema_or_skip!("workers");
    let stores = [
        Arc::new(
            PostgresStore::builder(schema.url())
                .pool_size(3)
                .connect()
                .unwrap(),
        ),
        Arc::new(
            PostgresStore::builder(schema.url())
                .pool_size(3)
                .connect()
                .unwrap(),
        ),
    ];
    const JOBS: usize = 60;
    const WORKERS: usize = 6;
    for n in 0..JOBS {
        record(&*stores[0], &format!("evt_{n:03}"), 100 + n as i64);
    }
    let barrier = Arc::new(Barrier::new(WORKERS));
    let taken: Vec<Vec<String>> = (0..WORKERS)
        .map(|w| {
            let (store, barrier) = (stores[w % 2].clone(), barrier.clone());
            thread::spawn(move || {
                barrier.wait();
                let mut taken = Vec::new();
                while let Some(job) = store.claim_next(1_000, LEASE).unwrap() {
                    assert_eq!(job.attempt, 1, "{} taken twice", job.event_id);
                    assert!(job.body.starts_with(b"{"));
                    store.complete(&job.event_id).unwrap();
                    taken.push(job.event_id);
                }
                taken
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    let count: usize = taken.iter().map(Vec::len).sum();
    let distinct: BTreeSet<&String> = taken.iter().flatten().collect();
    assert_eq!(
        (count, distinct.len()),
        (JOBS, JOBS),
        "every job exactly once"
    );
    assert!(
        taken.iter().filter(|t| !t.is_empty()).count() > 1,
        "the workers shared the jobs: {:?}",
        taken.iter().map(Vec::len).collect::<Vec<_>>()
    );
    assert_eq!(stores[0].list(Some(Status::Processed)).unwrap().len(), JOBS);
}

#[test]
fn a_worker_skips_a_row_another_holds_instead_of_waiting() {
    let schema = schema_or_skip!("skip");
    let store = PostgresStore::connect(schema.url()).unwrap();
    record(&store, "evt_a", 100);
    record(&store, "evt_b", 101);
    // Another session holds evt_a's row locked (a worker between its pick and its commit).
    let url = schema.url().to_owned();
    let (locked, release) = (Arc::new(Barrier::new(2)), Arc::new(Barrier::new(2)));
    let holder = {
        let (locked, release) = (locked.clone(), release.clone());
        thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let (client, connection) = url.parse::<tokio_postgres::Config>().unwrap().connect(tokio_postgres::NoTls).await.unwrap();
                tokio::spawn(connection);
                client.batch_execute("BEGIN; SELECT 1 FROM stripe_events_deliveries WHERE event_id = 'evt_a' FOR UPDATE").await.unwrap();
                locked.wait();
                release.wait();
                client.batch_execute("ROLLBACK").await.unwrap();
            });
        })
    };
    locked.wait();
    let started = std::time::Instant::now();
    let job = store.claim_next(1_000, LEASE).unwrap().unwrap();
    assert_eq!(job.event_id, "evt_b", "the locked row is skipped");
    assert!(store.claim_next(1_000, LEASE).unwrap().is_none());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "never waited for the lock"
    );
    release.wait();
    holder.join().unwrap();
    assert_eq!(
        store.claim_next(1_000, LEASE).unwrap().unwrap().event_id,
        "evt_a"
    );
}

/// A store's queue claims start past the largest key it has claimed ([`ClaimWindow`]); rows
/// behind it (an intake that committed late, a released lease, a lease that ended) are still
/// claimed. Which of two rows comes first may depend on whether the claim was a full scan (one
/// a second), so the claims that could go either way are compared as sets.
#[test]
fn rows_behind_the_claim_window_are_still_claimed() {
    let schema = schema_or_skip!("window");
    let store = PostgresStore::connect(schema.url()).unwrap();
    let next = |now: i64| {
        store
            .claim_next(now, LEASE)
            .unwrap()
            .map(|job| job.event_id)
    };
    let two = |now: i64| BTreeSet::from([next(now).unwrap(), next(now).unwrap()]);
    let set = |ids: [&str; 2]| BTreeSet::from(ids.map(str::to_owned));
    // Times ahead of the clock, so that a released row (queued again at the clock's time) has
    // a key below every other.
    let t = unix_now() + 1_000;
    record(&store, "evt_b", t + 20);
    assert_eq!(next(t + 100).as_deref(), Some("evt_b"));
    // evt_a's key is behind the window (as a row whose intake committed after the claim).
    record(&store, "evt_a", t + 10);
    record(&store, "evt_c", t + 30);
    assert_eq!(two(t + 100), set(["evt_a", "evt_c"]));
    assert_eq!(next(t + 100), None);
    // A released lease is queued again at the clock's time: behind the window.
    store.release("evt_c", "the worker stopped").unwrap();
    record(&store, "evt_d", t + 40);
    assert_eq!(two(t + 100), set(["evt_c", "evt_d"]));
    assert_eq!(next(t + 100), None);
    // Every lease ended: all behind the window, taken again oldest first.
    let jobs = store.claim_next_batch(t + 161, LEASE, 10).unwrap();
    let taken: Vec<(&str, u32)> = jobs
        .iter()
        .map(|job| (job.event_id.as_str(), job.attempt))
        .collect();
    assert_eq!(
        taken,
        [("evt_c", 3), ("evt_a", 2), ("evt_b", 2), ("evt_d", 2)]
    );
    assert_eq!(next(t + 161), None);
}

/// The queue's claims read the runnable index in its order and stop at `LIMIT`, with the
/// settings [`INDEX_ORDER`] gives their transaction, on a table whose statistics are as stale
/// as under load (never analyzed; rows processed since): there, PostgreSQL's own choice was a
/// bitmap scan of every queued row and a sort, on each claim.
#[test]
fn queue_claims_walk_the_runnable_index_in_order() {
    let schema = schema_or_skip!("plan");
    let _store = PostgresStore::connect(schema.url()).unwrap();
    schema.sql(
        "INSERT INTO stripe_events_deliveries (event_id, received_at, body, signature_valid,
             status, run_after)
         SELECT 'evt_' || g, 1000 + g / 1000, convert_to(repeat('x', 900), 'UTF8'), TRUE,
             'pending', 1000 + g / 1000
         FROM generate_series(1, 20000) g;
         UPDATE stripe_events_deliveries SET lease_until = 5000 WHERE row_id < 9000;
         UPDATE stripe_events_deliveries SET status = 'processed', run_after = NULL,
             lease_until = NULL
         WHERE row_id < 8000",
    );
    walks_the_runnable_index(&schema, CLAIM_NEXT, "2000, 3000, 16");
    walks_the_runnable_index(&schema, CLAIM_NEXT_AFTER, "2000, 3000, 16, 1009, 9100");
}

/// Asserts that `claim` (`EXPLAIN`ed with `args`) reads the runnable index in order.
fn walks_the_runnable_index(schema: &TestSchema, claim: &str, args: &str) {
    let plan = schema.sql(&format!(
        "BEGIN; {INDEX_ORDER}; PREPARE claim AS {claim}; EXPLAIN EXECUTE claim({args}); ROLLBACK"
    ));
    let plan: Vec<String> = plan.into_iter().flatten().flatten().collect();
    let plan = plan.join("\n");
    assert!(
        plan.contains("Index Scan using stripe_events_deliveries_runnable"),
        "{plan}"
    );
    assert!(!plan.contains("Bitmap"), "{plan}");
    assert!(!plan.contains("JIT"), "{plan}");
}

#[test]
fn concurrent_records_of_one_id_from_two_pools_keep_one_row() {
    let schema = schema_or_skip!("records");
    let stores = [
        Arc::new(PostgresStore::connect(schema.url()).unwrap()),
        Arc::new(PostgresStore::connect(schema.url()).unwrap()),
    ];
    const THREADS: usize = 8;
    let barrier = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let (store, barrier) = (stores[t % 2].clone(), barrier.clone());
            thread::spawn(move || {
                for n in 0..10 {
                    barrier.wait();
                    record(&*store, &format!("evt_{n}"), 100 + t as i64);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let rows = stores[0].list(None).unwrap();
    assert_eq!(rows.len(), 10, "one row per event id");
    assert!(
        rows.iter()
            .all(|r| r.status == Status::Pending && r.attempts == 0)
    );
}

#[test]
fn instances_starting_together_create_the_schema_once() {
    let schema = schema_or_skip!("startup");
    let barrier = Arc::new(Barrier::new(6));
    let threads: Vec<_> = (0..6)
        .map(|_| {
            let (url, barrier) = (schema.url().to_owned(), barrier.clone());
            thread::spawn(move || {
                barrier.wait();
                PostgresStore::connect(&url).map(drop)
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap().unwrap();
    }
    let versions = schema.sql("SELECT version FROM stripe_events_schema ORDER BY version");
    let expected: Vec<_> = (1..=schema::VERSION)
        .map(|v| vec![Some(v.to_string())])
        .collect();
    assert_eq!(versions, expected);
}

/// The layout before schema versions (version 1), with one delivery in each state.
const UNVERSIONED: &str = "
INSERT INTO stripe_events_deliveries (event_id, event_type, received_at, body, signature_valid,
    rejected, status, attempts, last_error, lease_until, livemode)
VALUES ('evt_p', 'customer.created', 10, '\\x7b7d', TRUE, FALSE, 'pending', 1, NULL, 70, FALSE),
       ('evt_d', 'customer.created', 11, '\\x7b7d', TRUE, FALSE, 'processed', 1, NULL, NULL, FALSE),
       ('evt_f', 'customer.created', 12, '\\x7b7d', TRUE, FALSE, 'failed', 2, 'boom', NULL, FALSE),
       ('evt_p', NULL, 13, '\\x7b', FALSE, TRUE, 'failed', 0, 'bad signature', NULL, NULL);
INSERT INTO stripe_events_history (event_id, at, status, attempt, error)
VALUES ('evt_f', 12, 'pending', 1, NULL), ('evt_f', 12, 'failed', 1, 'boom');
INSERT INTO stripe_events_meta (key, value) VALUES ('application', 'shop');
";

#[test]
fn a_schema_without_a_version_is_migrated_with_nothing_lost() {
    let schema = schema_or_skip!("migrate");
    schema.sql(include_str!("migrations/001_initial.sql"));
    // An older layout might lack a table: version 1 adds it.
    schema.sql("DROP TABLE stripe_events_meta");
    schema.sql(&UNVERSIONED.replace(
        "INSERT INTO stripe_events_meta (key, value) VALUES ('application', 'shop');",
        "",
    ));
    let store = PostgresStore::connect(schema.url()).unwrap();
    let rows = store.list(None).unwrap();
    let summary: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r.event_id.as_deref().unwrap(),
                r.status,
                r.attempts,
                r.signature_valid,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("evt_p", Status::Pending, 1, true),
            ("evt_d", Status::Processed, 1, true),
            ("evt_f", Status::Failed, 2, true),
            ("evt_p", Status::Failed, 0, false),
        ]
    );
    assert_eq!(store.history("evt_f").unwrap().len(), 2);
    assert_eq!(store.application().unwrap(), None);
    assert_eq!(
        schema.sql("SELECT version, name FROM stripe_events_schema ORDER BY version"),
        [
            [Some("1".to_owned()), Some("initial".to_owned())],
            [Some("2".to_owned()), Some("queue".to_owned())],
            [Some("3".to_owned()), Some("objects".to_owned())],
            [Some("4".to_owned()), Some("validation".to_owned())]
        ]
    );
    // Version 3 added the mirror's table, empty, and changed nothing else (above).
    assert!(schema.sql("SELECT 1 FROM stripe_events_objects").is_empty());
    // Deliveries from before validation (version 4) are not validated.
    assert!(store.list(None).unwrap().iter().all(|d| d.valid.is_none()));
    // The pending delivery is queued from when it was received, once its lease ends.
    assert!(store.claim_next(69, LEASE).unwrap().is_none());
    let job = store.claim_next(70, LEASE).unwrap().unwrap();
    assert_eq!((job.event_id.as_str(), job.attempt), ("evt_p", 2));
    assert!(store.claim_next(129, LEASE).unwrap().is_none(), "only it");
    // Connecting again changes nothing.
    drop(PostgresStore::connect(schema.url()).unwrap());
    assert_eq!(
        schema.sql("SELECT 1 FROM stripe_events_schema").len(),
        schema::VERSION as usize
    );

    // A full unversioned layout, bound to an application.
    let full = TestSchema::new("migrate").unwrap();
    full.sql(include_str!("migrations/001_initial.sql"));
    full.sql(UNVERSIONED);
    let store = PostgresStore::connect_existing(full.url()).unwrap();
    assert_eq!(store.application().unwrap().as_deref(), Some("shop"));
    assert_eq!(store.list(None).unwrap().len(), 4);
}

#[test]
fn a_newer_schema_is_refused_naming_both_versions() {
    let schema = schema_or_skip!("newer");
    drop(PostgresStore::connect(schema.url()).unwrap());
    schema.sql("INSERT INTO stripe_events_schema VALUES (7, 'from the future', 0)");
    let err = PostgresStore::connect(schema.url()).unwrap_err();
    let message = err.to_string();
    assert!(
        err.context()
            .starts_with("connecting to PostgreSQL event store postgres://"),
        "{message}"
    );
    assert!(message.contains("schema version 7"), "{message}");
    assert!(
        message.contains(&format!("supports ({})", schema::VERSION)),
        "{message}"
    );
    assert!(message.contains(schema.name()), "{message}");
    // Nothing was changed.
    assert_eq!(
        schema.sql("SELECT 1 FROM stripe_events_schema").len(),
        schema::VERSION as usize + 1
    );
}

#[test]
fn connect_existing_never_creates_tables_and_a_missing_schema_is_named() {
    let schema = schema_or_skip!("existing");
    let err = PostgresStore::connect_existing(schema.url()).unwrap_err();
    assert!(err.to_string().contains("not an event store"), "{err}");
    assert!(
        schema
            .sql("SELECT 1 FROM pg_tables WHERE schemaname = current_schema()")
            .is_empty()
    );
    let missing = schema
        .url()
        .replace(schema.name(), "se_test_no_such_schema");
    let err = PostgresStore::connect(&missing).unwrap_err();
    assert!(
        err.to_string().contains("names no schema that exists"),
        "{err}"
    );
}

#[test]
fn terminated_connections_are_replaced_without_a_restart() {
    let schema = schema_or_skip!("terminate");
    let store = PostgresStore::builder(schema.url())
        .pool_size(2)
        .connect()
        .unwrap();
    record(&store, "evt_1", 100);
    // Two connections open (two calls at once), both terminated by the server.
    let barrier = Barrier::new(2);
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                barrier.wait();
                store.list(None).unwrap();
            });
        }
    });
    assert!(schema.terminate_connections() >= 1);
    // At most one call fails (a connection whose end the store had not seen yet); then they
    // work again.
    let failures = (0..3)
        .filter(|_| store.claim("evt_1", 100, LEASE).is_err())
        .count();
    assert!(failures <= 1, "{failures} calls failed");
    let row = store.get("evt_1").unwrap().unwrap();
    assert_eq!(row.attempts, 1, "the claim that ran counted once");
}

#[test]
fn calls_work_inside_async_code() {
    let schema = schema_or_skip!("async");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // `manage::main` and an application's `async fn main` call the store there.
    runtime.block_on(async {
        let store = PostgresStore::connect(schema.url()).unwrap();
        assert_eq!(store.bind_application("shop").unwrap(), "shop");
        assert!(store.list(None).unwrap().is_empty());
        drop(store);
    });
}

#[test]
fn errors_name_the_server_but_never_the_password() {
    // Nothing listens on port 1: no server needed.
    let err = PostgresStore::connect("postgres://shop:hunter2@127.0.0.1:1/shop?connect_timeout=2")
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message
            .starts_with("connecting to PostgreSQL event store postgres://shop@127.0.0.1:1/shop:"),
        "{message}"
    );
    assert!(message.contains("refused"), "the cause is shown: {message}");
    assert!(!format!("{err:?}").contains("hunter2"), "{err:?}");
    let builder = PostgresStore::builder("postgres://shop:hunter2@127.0.0.1:1/shop");
    assert!(!format!("{builder:?}").contains("hunter2"), "{builder:?}");
    let err = PostgresStore::connect("postgres://shop:hunter2@127.0.0.1:1/shop?sslmode=nonsense")
        .unwrap_err();
    assert!(err.to_string().contains("does not parse"), "{err}");
    assert!(!format!("{err:?}").contains("hunter2"), "{err:?}");
}

#[test]
fn a_restart_of_postgres_fails_calls_until_it_is_back_without_a_restart_of_the_process() {
    // Its own server, so the shared one is never restarted under other tests.
    let Some(server) = testing::PrivateServer::start() else {
        return;
    };
    let store = PostgresStore::builder(&server.url())
        .pool_size(2)
        .connect()
        .unwrap();
    record(&store, "evt_1", 100);
    assert_eq!(
        store.claim("evt_1", 100, LEASE).unwrap(),
        Claim::Run { attempt: 1 }
    );

    server.pg_ctl("stop").unwrap();
    let started = std::time::Instant::now();
    let err = store.complete("evt_1").unwrap_err();
    assert_eq!(err.context(), "completing evt_1", "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "failed at once, not after a wait"
    );
    assert!(store.list(None).is_err());

    server.pg_ctl("start").unwrap();
    // Back: the first call works (the closed connections were dropped, new ones opened).
    store.complete("evt_1").unwrap();
    assert_eq!(
        store.get("evt_1").unwrap().unwrap().status,
        Status::Processed
    );
    assert_eq!(
        store.claim("evt_1", 200, LEASE).unwrap(),
        Claim::AlreadyProcessed
    );
}
