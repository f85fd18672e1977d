//! Store calls gathered into batches (group commit): while one batch runs on tokio's blocking
//! pool, the calls that arrive wait together, and go as the next batch once it is done.
//!
//! Each store write is a transaction, and a transaction's cost is mostly fixed (the commit,
//! the lock, a thread hand-off to the blocking pool): under load, one per delivery was what
//! bounded the receiver (BENCHMARKS.md, "Where a delivery's time goes"). A batch costs one of
//! each for all the deliveries that arrived meanwhile, and adds no wait when the receiver is
//! idle (a call that finds no batch running starts one at once). Every call still returns only
//! once its own write has committed, so a 200 still means stored.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use tokio::sync::{Semaphore, mpsc, oneshot};

use super::unix_now;
use crate::ReceivedEvent;
use crate::store::{Claim, EventStore, Finish, Incoming, Job, Status, StoreError};

/// The most calls in one batch.
const MAX_BATCH: usize = 256;

/// A call waiting in a batch, and where its result goes.
type Call<I, O> = (I, oneshot::Sender<Result<O, StoreError>>);

/// What a batch runs: the store, the batch's inputs; one result per input, in order.
pub(super) type RunBatch<I, O> =
    Arc<dyn Fn(&dyn EventStore, Vec<I>) -> Vec<Result<O, StoreError>> + Send + Sync>;

/// Gathers calls of one kind into batches, one batch at a time, on the receiver's store.
///
/// The task that runs the batches starts on the first call, on the runtime of that call (a
/// receiver can be built outside any runtime), and ends when the batcher is dropped. If that
/// runtime has shut down since (a receiver used by several `#[tokio::test]`s in turn), the
/// next call starts a new one.
pub(super) struct Batcher<I, O> {
    store: Arc<dyn EventStore>,
    run: RunBatch<I, O>,
    /// What the calls do, for the error when a batch's task ended without an answer.
    what: &'static str,
    calls: Mutex<Option<mpsc::UnboundedSender<Call<I, O>>>>,
}

impl<I: Send + 'static, O: Send + 'static> Batcher<I, O> {
    pub(super) fn new(
        store: Arc<dyn EventStore>,
        run: impl Fn(&dyn EventStore, Vec<I>) -> Vec<Result<O, StoreError>> + Send + Sync + 'static,
        what: &'static str,
    ) -> Self {
        Self {
            store,
            run: Arc::new(run),
            what,
            calls: Mutex::new(None),
        }
    }

    /// Runs `input` in the next batch and returns its result.
    pub(super) async fn call(&self, input: I) -> Result<O, StoreError> {
        let (reply, answer) = oneshot::channel();
        let mut call = (input, reply);
        loop {
            let calls = self.sender();
            match calls.send(call) {
                Ok(()) => break,
                // The task ended with the runtime it ran on: start another, send again.
                Err(mpsc::error::SendError(returned)) => {
                    call = returned;
                    let mut slot = self.calls.lock().unwrap_or_else(|p| p.into_inner());
                    if slot.as_ref().is_some_and(|s| s.same_channel(&calls)) {
                        *slot = None;
                    }
                }
            }
        }
        answer.await.unwrap_or_else(|_| {
            Err(StoreError::new(
                self.what,
                "the batch it was in ended without an answer (its runtime is shutting down)",
            ))
        })
    }

    /// The channel to the running task, starting it if there is none.
    fn sender(&self) -> mpsc::UnboundedSender<Call<I, O>> {
        let mut slot = self.calls.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert_with(|| {
            let (calls, waiting) = mpsc::unbounded_channel();
            tokio::spawn(run_batches(
                Arc::clone(&self.store),
                Arc::clone(&self.run),
                waiting,
            ));
            calls
        })
        .clone()
    }
}

/// Takes every call waiting (up to [`MAX_BATCH`]), runs them as one batch on the blocking pool,
/// answers each, and again, until every sender is gone. At most
/// [`EventStore::concurrent_batches`] batches run at once: the next one gathers while they do.
async fn run_batches<I: Send + 'static, O: Send + 'static>(
    store: Arc<dyn EventStore>,
    run: RunBatch<I, O>,
    mut waiting: mpsc::UnboundedReceiver<Call<I, O>>,
) {
    let running = Arc::new(Semaphore::new(store.concurrent_batches().max(1)));
    loop {
        let Ok(permit) = Arc::clone(&running).acquire_owned().await else {
            return; // never closed
        };
        let mut calls = Vec::new();
        if waiting.recv_many(&mut calls, MAX_BATCH).await == 0 {
            return;
        }
        let (store, run) = (Arc::clone(&store), Arc::clone(&run));
        tokio::spawn(async move {
            let _permit = permit;
            let (inputs, replies): (Vec<I>, Vec<_>) = calls.into_iter().unzip();
            let n = inputs.len();
            let results = tokio::task::spawn_blocking(move || run(&*store, inputs))
                .await
                .unwrap_or_else(|e| {
                    let e = StoreError::new("running a batch of event store calls", e);
                    (0..n).map(|_| Err(e.clone())).collect()
                });
            debug_assert_eq!(results.len(), n, "a batch answers every call");
            for (reply, result) in replies.into_iter().zip(results) {
                // A caller that went away (its request was dropped) needs no answer.
                let _ = reply.send(result);
            }
        });
    }
}

/// An authentic delivery on its way to the store.
pub(super) struct Arrival {
    pub(super) event: Arc<ReceivedEvent>,
    pub(super) body: Bytes,
    pub(super) received_at: i64,
}

/// The receiver's batched store calls.
pub(super) struct Batches {
    /// Queue mode's intake: [`EventStore::record_batch`].
    pub(super) record: Batcher<Arrival, ()>,
    /// Inline mode: deliveries recorded and claimed, with the receiver's lease, and the
    /// results of earlier deliveries, in one batch
    /// ([`EventStore::finish_then_record_and_claim_batch`]).
    pub(super) inline: Batcher<Inline, Option<Claim>>,
    /// Queue mode's results: [`EventStore::finish_batch`].
    pub(super) finish: Batcher<ClaimResult, ()>,
    /// Workers asking for a job: [`EventStore::claim_next_batch`], with the receiver's lease.
    pub(super) claim_next: Batcher<(), Option<Job>>,
}

impl Batches {
    pub(super) fn new(store: &Arc<dyn EventStore>, lease: Duration) -> Self {
        Self {
            record: Batcher::new(Arc::clone(store), record, "recording a delivery"),
            inline: Batcher::new(
                Arc::clone(store),
                move |store, batch| inline(store, batch, lease),
                "recording and claiming a delivery, or recording a result",
            ),
            finish: Batcher::new(Arc::clone(store), finish, "recording a result"),
            claim_next: Batcher::new(
                Arc::clone(store),
                move |store, batch| claim_next(store, batch.len(), lease),
                "claiming a queued event",
            ),
        }
    }
}

fn incoming(arrival: &Arrival) -> Incoming<'_> {
    Incoming {
        event: &*arrival.event,
        body: &arrival.body,
        received_at: arrival.received_at,
    }
}

fn record(store: &dyn EventStore, batch: Vec<Arrival>) -> Vec<Result<(), StoreError>> {
    store.record_batch(&batch.iter().map(incoming).collect::<Vec<_>>())
}

/// A call of inline mode's batch: a delivery to record and claim (answered with its claim), or
/// a claim's result to record (answered with `None`).
pub(super) enum Inline {
    Arrival(Arrival),
    Result(ClaimResult),
}

/// Inline mode's batch: the results first, then the deliveries (see
/// [`EventStore::finish_then_record_and_claim_batch`]); answers in the calls' order.
fn inline(
    store: &dyn EventStore,
    batch: Vec<Inline>,
    lease: Duration,
) -> Vec<Result<Option<Claim>, StoreError>> {
    let (mut arrivals, mut results) = (Vec::new(), Vec::new());
    for call in &batch {
        match call {
            Inline::Arrival(arrival) => arrivals.push(incoming(arrival)),
            Inline::Result(result) => results.push(result.as_finish()),
        }
    }
    let (finished, claims) =
        store.finish_then_record_and_claim_batch(&results, &arrivals, unix_now(), lease);
    let (mut finished, mut claims) = (finished.into_iter(), claims.into_iter());
    batch
        .iter()
        .map(|call| {
            let answer = match call {
                Inline::Arrival(_) => claims.next().map(|c| c.map(Some)),
                Inline::Result(_) => finished.next().map(|f| f.map(|()| None)),
            };
            answer.unwrap_or_else(|| {
                Err(StoreError::new(
                    "recording an inline batch",
                    "the store answered fewer entries than the batch had",
                ))
            })
        })
        .collect()
}

/// A claim's result to record: [`Finish`], owned (it waits in a batch).
#[derive(Debug, Clone)]
pub(super) struct ClaimResult {
    pub(super) event_id: String,
    pub(super) attempt: u32,
    pub(super) status: Status,
    pub(super) error: Option<String>,
    pub(super) run_after: Option<i64>,
}

impl ClaimResult {
    /// `status` and `error` for claim `attempt` of `event_id`.
    pub(super) fn new(event_id: &str, attempt: u32, status: Status, error: Option<String>) -> Self {
        Self {
            event_id: event_id.to_owned(),
            attempt,
            status,
            error,
            run_after: None,
        }
    }

    /// The [`Finish`] the store records for it.
    fn as_finish(&self) -> Finish<'_> {
        Finish {
            event_id: &self.event_id,
            status: self.status,
            error: self.error.as_deref(),
            run_after: self.run_after,
            attempt: Some(self.attempt),
        }
    }
}

fn finish(store: &dyn EventStore, batch: Vec<ClaimResult>) -> Vec<Result<(), StoreError>> {
    let entries: Vec<Finish<'_>> = batch.iter().map(ClaimResult::as_finish).collect();
    store.finish_batch(&entries)
}

/// One claim for the `asking` workers: the first ones get the jobs, in order; the others
/// `None` (nothing else is due).
fn claim_next(
    store: &dyn EventStore,
    asking: usize,
    lease: Duration,
) -> Vec<Result<Option<Job>, StoreError>> {
    match store.claim_next_batch(unix_now(), lease, asking) {
        Ok(jobs) => {
            let mut jobs = jobs.into_iter();
            (0..asking).map(|_| Ok(jobs.next())).collect()
        }
        Err(e) => (0..asking).map(|_| Err(e.clone())).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static BATCHES: AtomicUsize = AtomicUsize::new(0);

    fn echo(_: &dyn EventStore, inputs: Vec<u32>) -> Vec<Result<u32, StoreError>> {
        BATCHES.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(std::time::Duration::from_millis(20));
        inputs
            .into_iter()
            .map(|i| {
                if i % 7 == 0 {
                    Err(StoreError::new("echo", format!("{i} is not welcome")))
                } else {
                    Ok(i * 10)
                }
            })
            .collect()
    }

    #[test]
    fn concurrent_calls_share_batches_and_each_gets_its_own_answer() {
        let batcher = Arc::new(Batcher::new(Arc::new(MemoryStore::new()), echo, "echo"));
        // Two runtimes in turn: the second call finds the first runtime's task gone.
        for round in 0..2 {
            BATCHES.store(0, Ordering::SeqCst);
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .build()
                .unwrap();
            let answers = runtime.block_on(async {
                let calls: Vec<_> = (1..=100u32)
                    .map(|i| {
                        let batcher = Arc::clone(&batcher);
                        tokio::spawn(async move { (i, batcher.call(i).await) })
                    })
                    .collect();
                let mut answers = Vec::new();
                for call in calls {
                    answers.push(call.await.unwrap());
                }
                answers
            });
            for (i, answer) in answers {
                if i % 7 == 0 {
                    let err = answer.unwrap_err().to_string();
                    assert_eq!(err, format!("echo: {i} is not welcome"), "round {round}");
                } else {
                    assert_eq!(answer.unwrap(), i * 10, "round {round}");
                }
            }
            let batches = BATCHES.load(Ordering::SeqCst);
            assert!(
                (1..50).contains(&batches),
                "100 concurrent calls, 20 ms per batch: {batches} batches (round {round})"
            );
            runtime.shutdown_timeout(std::time::Duration::from_secs(1));
        }
    }
}
