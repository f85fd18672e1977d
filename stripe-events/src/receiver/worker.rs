//! Queue mode's workers: [`Receiver::run_workers`], and the workers [`serve_with_shutdown`]
//! starts (see [queue mode](super#queue-mode-acknowledge-first-process-after)).
//!
//! [`serve_with_shutdown`]: super::serve_with_shutdown

use std::future::Future;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use std::sync::Arc;

use tokio::sync::{Semaphore, oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};

use super::handler::{OnFailure, Patience, Settle, traced};
use super::retry::random_jitter;
use super::{Outcome, Receiver, unix_now};
use crate::store::{Job, Status, StoreError};

/// How many claimed jobs of one process may be recording their results at once, beyond the
/// ones whose handlers are running: a worker whose handlers have returned claims its next job
/// at once, while the result goes in the next batch ([`EventStore::finish_batch`]). On a store
/// whose commits wait for a disk flush (PostgreSQL), a worker that waited for each result
/// first ran at one job per flush.
///
/// [`EventStore::finish_batch`]: crate::store::EventStore::finish_batch
const RECORDING_MAX: usize = 256;

/// Workers running in the background, stopped by [`Workers::stop`].
pub(super) struct Workers {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Workers {
    /// Tells every worker to stop, and waits until each has finished the job it holds and
    /// recorded the results of those it ran.
    pub(super) async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            if let Err(e) = task.await {
                tracing::error!(error = %e, "a webhook worker's task ended abnormally");
            }
        }
    }
}

impl Receiver {
    /// Runs `workers` queue-mode workers on this receiver's store until `shutdown` completes,
    /// then lets each one finish the job it holds and returns (queued events it had not
    /// claimed stay queued for the next start). A process that only works (no endpoint) is a
    /// `Receiver` that calls this and never serves; several such processes, and the workers
    /// [`serve`](super::serve) starts in queue mode, can share one store.
    ///
    /// Each worker claims the oldest due event ([`EventStore::claim_next`](crate::store::EventStore::claim_next), with the
    /// [lease](super::ReceiverConfig::lease)), parses its stored body with the receiver's
    /// [`Webhook`](crate::Webhook) (its signature was verified when it arrived), runs the
    /// handlers and records the result: processed; untyped (as inline); after a handler
    /// failure, another attempt after the [`RetryPolicy`](super::RetryPolicy)'s backoff
    /// ([`EventStore::retry_at`](crate::store::EventStore::retry_at)), or, once the attempts are used up, dead
    /// ([`EventStore::dead`](crate::store::EventStore::dead)). A stored body that no longer parses (the application now
    /// rejects its API version, say) is dead at once, with the reason. When nothing is due,
    /// it waits until this process stores a delivery or the
    /// [poll interval](super::ReceiverConfig::poll_interval) passes. Each job logs one
    /// `tracing` event, as deliveries do (`kind = "job"`, with `retry_at` or `dead` after a
    /// failure).
    ///
    /// The store must implement queue mode (the stores of this crate do).
    ///
    /// ```no_run
    /// use stripe_events::receiver::{Receiver, ReceiverConfig};
    /// use stripe_events::store::SqliteStore;
    /// use stripe_events::{Dispatcher, Webhook};
    ///
    /// # async fn run(stop: tokio::sync::oneshot::Receiver<()>) -> Result<(), Box<dyn std::error::Error>> {
    /// // A worker process: the same application, store and webhook as the server's.
    /// let config = ReceiverConfig::new(Webhook::try_new(std::env::var("STRIPE_WEBHOOK_SECRET")?)?)
    ///     .store(SqliteStore::open("deliveries.sqlite3")?)
    ///     .application("shop");
    /// let receiver = Receiver::new(config, Dispatcher::new());
    /// receiver
    ///     .run_workers(4, async move {
    ///         let _ = stop.await; // or tokio::signal::ctrl_c(), with tokio's `signal` feature
    ///     })
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// Before starting, when the receiver is not [ready](Receiver::ready) (its store cannot
    /// be written, or belongs to another application). Later store failures are logged and
    /// retried after the poll interval; they never stop the workers.
    pub async fn run_workers(
        &self,
        workers: usize,
        shutdown: impl Future<Output = ()>,
    ) -> Result<(), StoreError> {
        self.ready().await?;
        let running = self.start_workers(workers);
        shutdown.await;
        running.stop().await;
        Ok(())
    }

    /// Starts `workers` worker tasks.
    pub(super) fn start_workers(&self, workers: usize) -> Workers {
        let (stop, stopping) = watch::channel(false);
        let recording = Arc::new(Semaphore::new(RECORDING_MAX));
        let tasks = (0..workers)
            .map(|_| tokio::spawn(self.clone().work(stopping.clone(), Arc::clone(&recording))))
            .collect();
        tracing::info!(
            workers,
            application = %self.inner.application,
            "webhook workers started"
        );
        Workers { stop, tasks }
    }

    /// One worker: claims and runs jobs until told to stop, then waits for the results of
    /// the jobs it ran to be recorded.
    async fn work(self, mut stopping: watch::Receiver<bool>, recording: Arc<Semaphore>) {
        let mut jobs = JoinSet::new();
        while !*stopping.borrow() {
            reap(&mut jobs);
            let Ok(permit) = Arc::clone(&recording).acquire_owned().await else {
                break; // never closed
            };
            match self.inner.batches.claim_next.call(()).await {
                Ok(Some(job)) => {
                    // There may be more: an idle worker of this process (waiting for a
                    // delivery or its next poll) starts too, and wakes the next in turn.
                    self.inner.intake.notify_one();
                    // In its own task, like a delivery: a panic outside the handlers (which
                    // are caught) is logged as a crash and does not end the worker. The
                    // worker goes on once the handlers have returned (or the task ended).
                    let (done, handlers_done) = oneshot::channel();
                    let receiver = self.clone();
                    jobs.spawn(async move {
                        let _permit = permit;
                        receiver.run_job(job, done).await;
                    });
                    let _ = handlers_done.await;
                    continue;
                }
                Ok(None) => {}
                Err(e) => tracing::error!(
                    error = %e,
                    "claiming a queued webhook event failed; trying again after the poll interval"
                ),
            }
            drop(permit);
            tokio::select! {
                () = self.inner.intake.notified() => {}
                () = tokio::time::sleep(self.inner.poll_interval) => {}
                _ = stopping.wait_for(|&stop| stop) => break,
            }
        }
        while let Some(ended) = jobs.join_next().await {
            log_crash(ended);
        }
    }

    /// Runs one claimed job, tells `handlers_done` once its handlers have returned (or it
    /// will not run them), and records its result.
    async fn run_job(&self, job: Job, handlers_done: oneshot::Sender<()>) -> Outcome {
        // Results are recorded patiently, within the lease this claim holds (three quarters
        // of it, so that a slow store call still ends before anyone else may claim it).
        let patience = Patience::Until(Instant::now() + self.inner.lease.mul_f64(0.75));
        traced("job", async {
            let span = tracing::Span::current();
            span.record("event_id", job.event_id.as_str());
            span.record("attempt", job.attempt);
            let event = match self.inner.webhook.parse_any(&job.body) {
                Ok(event) => event,
                Err(error) => {
                    let _ = handlers_done.send(());
                    // Parsing again would fail again: never retried, dead with the reason.
                    span.record("dead", true);
                    let reason = format!("the stored body no longer parses: {error}");
                    return match self
                        .settle(
                            &job.event_id,
                            job.attempt,
                            patience,
                            Settle::Finish(Status::Dead, Some(reason)),
                        )
                        .await
                    {
                        Ok(()) => Outcome::Rejected(error),
                        Err(e) => Outcome::StoreFailed(e),
                    };
                }
            };
            span.record("event_type", event.type_str());
            let policy = self.inner.retry;
            let attempt = job.attempt;
            let handlers_done = move || {
                let _ = handlers_done.send(());
            };
            let body = axum::body::Bytes::from(job.body);
            self.run_claimed(&event, attempt, body, patience, handlers_done, || {
                if policy.gives_up_after(attempt) {
                    OnFailure::Dead
                } else {
                    OnFailure::RetryAt(unix_after(policy.delay(attempt, random_jitter())))
                }
            })
            .await
        })
        .await
    }
}

/// Logs the jobs of `jobs` that have ended by a crash, and forgets those that have ended.
fn reap(jobs: &mut JoinSet<()>) {
    while let Some(ended) = jobs.try_join_next() {
        log_crash(ended);
    }
}

fn log_crash(ended: Result<(), tokio::task::JoinError>) {
    if let Err(e) = ended {
        tracing::error!(error = %e, "a webhook job's task crashed");
    }
}

/// The unix second `delay` from now (rounded down: a retry may come up to a second early,
/// never late; a delay under a second is due at once).
fn unix_after(delay: Duration) -> i64 {
    let at = SystemTime::now()
        .checked_add(delay)
        .and_then(|at| at.duration_since(UNIX_EPOCH).ok())
        .map_or(i64::MAX, |since| {
            i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
        });
    at.max(unix_now())
}
