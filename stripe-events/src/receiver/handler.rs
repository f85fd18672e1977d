//! One delivery: the HTTP route and [`Receiver::handle`].

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use tracing::Instrument;
use tracing::field::Empty;

use super::batch::{Arrival, ClaimResult, Inline};
use super::{Outcome, Processing, Receiver, unix_now};
use crate::store::{Claim, Status, StoreError};
use crate::{EventObject, ReceivedEvent, WebhookError};

/// How often recording the result of handlers that ran is tried, and the pause before each
/// retry: a store that hiccups once does not make Stripe deliver the event again.
const SETTLE_RETRIES: [Duration; 2] = [Duration::from_millis(20), Duration::from_millis(200)];

/// The longest pause between two tries of a worker recording a result.
const SETTLE_PAUSE_MAX: Duration = Duration::from_secs(1);

/// How long [`Receiver::settle`] keeps trying to record the result of handlers that ran.
#[derive(Debug, Clone, Copy)]
pub(super) enum Patience {
    /// In a request, which Stripe is waiting for: [`SETTLE_RETRIES`], then give up.
    Request,
    /// A queue worker: until this instant (within its lease), pauses doubling from 20 ms to
    /// [`SETTLE_PAUSE_MAX`]. While the claim is held nobody else runs the handlers, so a
    /// store that comes back within the lease (a PostgreSQL restart, a failover) costs no
    /// second run.
    Until(Instant),
}

impl Patience {
    /// The pause before try number `retry` (0-based), or `None` to give up.
    fn pause(self, retry: u32) -> Option<Duration> {
        match self {
            Self::Request => SETTLE_RETRIES.get(retry as usize).copied(),
            Self::Until(deadline) => {
                let pause = Duration::from_millis(20)
                    .saturating_mul(1 << retry.min(16))
                    .min(SETTLE_PAUSE_MAX);
                (Instant::now() + pause < deadline).then_some(pause)
            }
        }
    }
}

impl Receiver {
    /// The endpoint: `POST /webhook`, bodies up to the configured limit (413 beyond it).
    pub fn router(&self) -> Router {
        Router::new()
            .route("/webhook", post(webhook_route))
            .route_layer(axum::middleware::from_fn_with_state(
                self.clone(),
                super::intake::intake,
            ))
            .layer(DefaultBodyLimit::max(self.inner.body_limit))
            .with_state(self.clone())
    }

    /// Handles one delivery: `headers` (for `Stripe-Signature`) and the raw `body`. The whole
    /// logic of the endpoint, without HTTP (see the [module documentation](super)), for an
    /// application's own route. A body over [`ReceiverConfig::body_limit`](super::ReceiverConfig::body_limit)
    /// is [`Outcome::TooLarge`] (413) here too, before its signature is checked; reading it
    /// within limits is the route's job ([`router`](Self::router) does it with timeouts and a
    /// shared byte budget).
    pub async fn handle(&self, headers: &HeaderMap, body: Bytes) -> Outcome {
        if body.len() > self.inner.body_limit {
            return Outcome::TooLarge {
                limit: self.inner.body_limit,
            };
        }
        traced("delivery", self.deliver(headers, body)).await
    }

    async fn deliver(&self, headers: &HeaderMap, body: Bytes) -> Outcome {
        if let Err(e) = self.ready().await {
            return Outcome::StoreFailed(e);
        }
        let now = unix_now();
        let webhook = &self.inner.webhook;
        let signature = headers
            .get("stripe-signature")
            .and_then(|v| v.to_str().ok());
        if let Err(e) = webhook.verify(&body, signature) {
            return self.reject(body, false, e, now).await;
        }
        // Either kind: the body's `object` decides (a snapshot event, or a thin notification).
        let event = match webhook.parse_any(&body) {
            Ok(event) => Arc::new(event),
            Err(e) => return self.reject(body, true, e, now).await,
        };
        let span = tracing::Span::current();
        span.record("event_id", event.id());
        span.record("event_type", event.type_str());
        let arrival = Arrival {
            event: Arc::clone(&event),
            body: body.clone(),
            received_at: now,
        };
        if self.inner.processing == Processing::Queue {
            if let Err(e) = self.inner.batches.record.call(arrival).await {
                return Outcome::StoreFailed(e);
            }
            // Stored: the answer can go. A worker of this process starts on it now, others
            // find it when they poll.
            self.inner.intake.notify_one();
            return Outcome::Queued;
        }
        // Inline: recorded and claimed in one batch with the deliveries arriving meanwhile
        // (and the results of earlier ones).
        let claim = match self
            .inner
            .batches
            .inline
            .call(Inline::Arrival(arrival))
            .await
        {
            Ok(Some(claim)) => Ok(claim),
            Ok(None) => Err(StoreError::new(
                "recording and claiming a delivery",
                "the batch answered no claim",
            )),
            Err(e) => Err(e),
        };
        self.run_claim(&event, body, claim).await
    }

    /// Keeps a rejected delivery (a store failure is only logged: the answer is 400 anyway).
    async fn reject(
        &self,
        body: Bytes,
        authentic: bool,
        reason: WebhookError,
        now: i64,
    ) -> Outcome {
        // A forged body is kept only within the forged-delivery budget (see `forged`).
        let Some(body) = (if authentic {
            Some(body)
        } else {
            self.inner.limits.forged.admit(body)
        }) else {
            return Outcome::Rejected(reason);
        };
        let why = reason.to_string();
        if let Err(e) = self
            .blocking(move |s| s.record_rejected(&body, authentic, &why, now))
            .await
        {
            tracing::error!(error = %e, "could not keep a rejected webhook delivery");
        }
        Outcome::Rejected(reason)
    }

    /// Claims a recorded event, runs its handlers, and records how they went.
    /// `body` is the event's raw body (for the mirror).
    pub(super) async fn process(
        &self,
        event: Arc<ReceivedEvent>,
        body: Bytes,
        now: i64,
    ) -> Outcome {
        let id = event.id().to_owned();
        let lease = self.inner.lease;
        let claim = self.blocking(move |s| s.claim(&id, now, lease)).await;
        self.run_claim(&event, body, claim).await
    }

    /// Runs the handlers if `claim` (of a recorded event) says to, inline.
    async fn run_claim(
        &self,
        event: &ReceivedEvent,
        body: Bytes,
        claim: Result<Claim, StoreError>,
    ) -> Outcome {
        let claim = match claim {
            Ok(claim) => claim,
            Err(e) => return Outcome::StoreFailed(e),
        };
        let attempt = match claim {
            Claim::AlreadyProcessed => return Outcome::Duplicate,
            Claim::InProgress => return Outcome::InProgress,
            Claim::Run { attempt } => attempt,
        };
        tracing::Span::current().record("attempt", attempt);
        self.run_claimed(
            event,
            attempt,
            body,
            Patience::Request,
            || (),
            || OnFailure::Fail,
        )
        .await
    }

    /// Runs the handlers of `event`, claimed by this process, tells `handlers_done` once they
    /// have returned, and records how they went (with [`settle`](Self::settle), as patiently
    /// as `patience` says): processed, untyped, or a failure recorded as `on_failure` says
    /// (asked only when a handler failed, or the mirror could not apply the event). With a
    /// [mirror](super::ReceiverConfig::mirror), a snapshot event is applied to it (from
    /// `body`, its raw body) once its handlers succeeded, before its result is recorded.
    /// With validation configured (`ReceiverConfig::validate`), the event is validated first:
    /// denied or not fetched, the handlers do not run (nor does the mirror).
    pub(super) async fn run_claimed(
        &self,
        event: &ReceivedEvent,
        attempt: u32,
        body: Bytes,
        patience: Patience,
        handlers_done: impl FnOnce(),
        on_failure: impl FnOnce() -> OnFailure,
    ) -> Outcome {
        let event_id = event.id();
        #[cfg(feature = "client")]
        if let Some(validation) = &self.inner.validation {
            use crate::validation::Verdict;
            match validation.validate_body(event, &body).await {
                Ok(Verdict::Valid) => {
                    let id = event_id.to_owned();
                    if let Err(e) = self.blocking(move |s| s.set_valid(&id, true)).await {
                        handlers_done();
                        self.release(event_id, attempt, &e).await;
                        return Outcome::StoreFailed(e);
                    }
                }
                Ok(Verdict::Denied(denial)) => {
                    handlers_done();
                    return self.deny(event_id, attempt, patience, denial).await;
                }
                Err(error) => {
                    handlers_done();
                    let message = format!("validating the event against Stripe's API: {error}");
                    if let Err(e) = self
                        .record_failure(event_id, attempt, patience, message.clone(), on_failure)
                        .await
                    {
                        tracing::error!(error = %e, "could not record a validation failure");
                    }
                    return Outcome::ValidationFailed(message);
                }
            }
        }
        let dispatched = self.inner.dispatcher.dispatch_received(event).await;
        handlers_done();
        let dispatched = match dispatched {
            Ok(dispatched) => match self.apply_to_mirror(event, body).await {
                Ok(()) => Ok(dispatched),
                Err(e) => Err(Failed::Mirror(e)),
            },
            Err(e) => Err(Failed::Handler(e)),
        };
        match dispatched {
            Ok(dispatched) if dispatched.skipped > 0 => {
                let ReceivedEvent::Snapshot(snapshot) = event else {
                    unreachable!("a thin notification skips no handler")
                };
                let EventObject::Untyped(untyped) = &snapshot.data.object else {
                    unreachable!("only an untyped payload skips typed handlers")
                };
                let error = untyped.error.clone();
                tracing::warn!(
                    path = %error.path,
                    reason = %error.reason,
                    skipped = dispatched.skipped,
                    "typed webhook handlers could not run: the payload does not fit its type \
                     (rendered for another API version?); stored as untyped, replay it once the \
                     application is built with types that fit"
                );
                let reason = error.to_string();
                match self
                    .settle(
                        event_id,
                        attempt,
                        patience,
                        Settle::Finish(Status::Untyped, Some(reason)),
                    )
                    .await
                {
                    Ok(()) => Outcome::Untyped {
                        skipped: dispatched.skipped,
                        error,
                    },
                    Err(e) => Outcome::StoreFailed(e),
                }
            }
            Ok(dispatched) => match self
                .settle(
                    event_id,
                    attempt,
                    patience,
                    Settle::Finish(Status::Processed, None),
                )
                .await
            {
                Err(e) => Outcome::StoreFailed(e),
                Ok(()) if dispatched.ran == 0 => Outcome::Unhandled,
                Ok(()) => Outcome::Processed {
                    ran: dispatched.ran,
                },
            },
            Err(failed) => {
                let (message, outcome) = match failed {
                    Failed::Handler(error) => (error.to_string(), Outcome::HandlerFailed(error)),
                    Failed::Mirror(error) => {
                        tracing::error!(error = %error, "the mirror could not apply a webhook event");
                        (
                            format!(
                                "handlers ran, but the mirror could not apply the event: {error}"
                            ),
                            Outcome::StoreFailed(error),
                        )
                    }
                };
                if let Err(e) = self
                    .record_failure(event_id, attempt, patience, message, on_failure)
                    .await
                {
                    tracing::error!(error = %e, "could not record a handler failure");
                }
                outcome
            }
        }
    }

    /// Records a failure of the claimed `event_id` (`message`) as `on_failure` says: failed
    /// (inline), another attempt later or dead (queue mode).
    async fn record_failure(
        &self,
        event_id: &str,
        attempt: u32,
        patience: Patience,
        message: String,
        on_failure: impl FnOnce() -> OnFailure,
    ) -> Result<(), StoreError> {
        let span = tracing::Span::current();
        match on_failure() {
            OnFailure::Fail => {
                self.settle(
                    event_id,
                    attempt,
                    patience,
                    Settle::Finish(Status::Failed, Some(message)),
                )
                .await
            }
            OnFailure::RetryAt(at) => {
                span.record("retry_at", at);
                self.settle(event_id, attempt, patience, Settle::RetryAt(message, at))
                    .await
            }
            OnFailure::Dead => {
                span.record("dead", true);
                self.settle(
                    event_id,
                    attempt,
                    patience,
                    Settle::Finish(Status::Dead, Some(message)),
                )
                .await
            }
        }
    }

    /// Records that Stripe's API denied the claimed `event_id`: `valid` false, then
    /// [`Status::Denied`] with the reason. A store failure releases the claim (the next
    /// delivery validates again).
    #[cfg(feature = "client")]
    async fn deny(
        &self,
        event_id: &str,
        attempt: u32,
        patience: Patience,
        denial: crate::validation::Denial,
    ) -> Outcome {
        tracing::warn!(reason = %denial, "webhook event denied by Stripe's API; handlers not run");
        let id = event_id.to_owned();
        if let Err(e) = self.blocking(move |s| s.set_valid(&id, false)).await {
            self.release(event_id, attempt, &e).await;
            return Outcome::StoreFailed(e);
        }
        let reason = denial.to_string();
        match self
            .settle(
                event_id,
                attempt,
                patience,
                Settle::Finish(Status::Denied, Some(reason)),
            )
            .await
        {
            Ok(()) => Outcome::Denied(denial),
            Err(e) => Outcome::StoreFailed(e),
        }
    }

    /// Gives up the claim on `event_id` after the store failed with `error` before its
    /// handlers ran, so that the next delivery claims it at once.
    #[cfg(feature = "client")]
    async fn release(&self, event_id: &str, attempt: u32, error: &StoreError) {
        let reason = format!("validation could not be recorded: {error}");
        let release = ClaimResult::new(event_id, attempt, Status::Pending, Some(reason));
        if let Err(e) = self.record_result(release).await {
            tracing::error!(error = %e, "could not release the claim either; it ends with its lease");
        }
    }

    /// Applies an event to the mirror, if there is one: a snapshot event's object (on the
    /// blocking pool: a store call), or in re-fetch mode the object fetched from Stripe's API
    /// (thin events' related objects too).
    async fn apply_to_mirror(&self, event: &ReceivedEvent, body: Bytes) -> Result<(), StoreError> {
        let Some(mirror) = &self.inner.mirror else {
            return Ok(());
        };
        #[cfg(feature = "client")]
        if mirror.is_refetching() {
            return mirror
                .apply_fetching(event, &body)
                .await
                .map(drop)
                .map_err(crate::mirror::MirrorError::into_store_error);
        }
        mirror.apply_blocking(event, &body).await.map(drop)
    }

    /// Records a claim's result and returns once it is committed: in inline mode in the next
    /// batch of deliveries (one commit for both), in queue mode in the next batch of results.
    async fn record_result(&self, result: ClaimResult) -> Result<(), StoreError> {
        if self.inner.processing == Processing::Queue {
            return self.inner.batches.finish.call(result).await;
        }
        self.inner
            .batches
            .inline
            .call(Inline::Result(result))
            .await
            .map(drop)
    }

    /// Records the result of handlers that ran (`result`), retrying a failing store as long
    /// as `patience` says. If it still fails, releases the claim, so that the next delivery
    /// runs the handlers again at once (they ran, but nothing says so) instead of getting 409
    /// until the lease ends; returns the last error. Results go in batches
    /// ([`EventStore::finish_batch`]), except a retry's time.
    pub(super) async fn settle(
        &self,
        event_id: &str,
        attempt: u32,
        patience: Patience,
        result: Settle,
    ) -> Result<(), StoreError> {
        let entry = match result {
            Settle::Finish(status, error) => ClaimResult::new(event_id, attempt, status, error),
            Settle::RetryAt(error, at) => ClaimResult {
                run_after: Some(at),
                ..ClaimResult::new(event_id, attempt, Status::Failed, Some(error))
            },
        };
        let mut retry = 0;
        loop {
            let error = match self.record_result(entry.clone()).await {
                Ok(()) => return Ok(()),
                Err(e) => e,
            };
            if error.is_superseded() {
                // The claim outlived its lease and another took the event over: that one's
                // result counts (the handlers ran twice, as a lease that ran out allows).
                tracing::warn!(error = %error, "a webhook result was not recorded");
                return Ok(());
            }
            if let Some(pause) = patience.pause(retry) {
                tracing::warn!(error = %error, "recording a webhook result failed; retrying");
                tokio::time::sleep(pause).await;
                retry += 1;
                continue;
            }
            let reason = format!("handlers ran, but their result could not be recorded: {error}");
            let release = ClaimResult::new(event_id, attempt, Status::Pending, Some(reason));
            if let Err(e) = self.record_result(release).await {
                tracing::error!(error = %e, "could not release the claim either; it ends with its lease");
            }
            return Err(error);
        }
    }
}

/// Why an attempt failed after its claim.
enum Failed {
    /// A handler failed.
    Handler(crate::dispatch::DispatchError),
    /// The handlers succeeded, but the mirror could not apply the event.
    Mirror(StoreError),
}

/// A result to record for a claim ([`Receiver::settle`]).
#[derive(Debug, Clone)]
pub(super) enum Settle {
    /// [`EventStore::finish`] with this status and error.
    Finish(Status, Option<String>),
    /// [`EventStore::retry_at`]: this error, again from this unix time on.
    RetryAt(String, i64),
}

/// How a handler failure is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OnFailure {
    /// Inline: [`Status::Failed`](crate::store::Status::Failed), Stripe delivers it again.
    Fail,
    /// Queue mode: another attempt from this unix time on ([`EventStore::retry_at`]).
    RetryAt(i64),
    /// Queue mode, attempts used up: [`EventStore::dead`].
    Dead,
}

/// Runs `work` in a `stripe_webhook` span and logs its outcome and duration.
pub(super) async fn traced(kind: &'static str, work: impl Future<Output = Outcome>) -> Outcome {
    let started = Instant::now();
    let span = tracing::info_span!(
        "stripe_webhook",
        kind,
        event_id = Empty,
        event_type = Empty,
        attempt = Empty,
        retry_at = Empty,
        dead = Empty
    );
    let outcome = work.instrument(span.clone()).await;
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    span.in_scope(|| match &outcome {
        Outcome::Processed { .. } | Outcome::Unhandled | Outcome::Duplicate | Outcome::Queued => {
            tracing::info!(outcome = %outcome, duration_ms, "webhook {kind}");
        }
        Outcome::InProgress
        | Outcome::Rejected(_)
        | Outcome::Untyped { .. }
        | Outcome::TooLarge { .. } => {
            tracing::warn!(outcome = %outcome, duration_ms, "webhook {kind}");
        }
        #[cfg(feature = "client")]
        Outcome::Denied(_) => tracing::warn!(outcome = %outcome, duration_ms, "webhook {kind}"),
        #[cfg(feature = "client")]
        Outcome::ValidationFailed(_) => {
            tracing::error!(outcome = %outcome, duration_ms, "webhook {kind}");
        }
        Outcome::HandlerFailed(_) | Outcome::StoreFailed(_) | Outcome::Crashed(_) => {
            tracing::error!(outcome = %outcome, duration_ms, "webhook {kind}");
        }
    });
    outcome
}

/// `POST /webhook`. The delivery runs in its own task: a client that hangs up does not
/// interrupt the handlers halfway (which would leave the event claimed until its lease ends).
async fn webhook_route(
    State(receiver): State<Receiver>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let outcome = tokio::spawn(async move { receiver.handle(&headers, body).await })
        .await
        .unwrap_or_else(|e| Outcome::Crashed(format!("the delivery's task: {e}")));
    let text = match &outcome {
        // Errors stay in the log: Stripe (and whoever calls) only learns what failed.
        Outcome::HandlerFailed(_) => "handler failed".to_owned(),
        Outcome::StoreFailed(_) => "event store failed".to_owned(),
        Outcome::Crashed(_) => "internal error".to_owned(),
        #[cfg(feature = "client")]
        Outcome::Denied(_) => "denied by Stripe's API".to_owned(),
        #[cfg(feature = "client")]
        Outcome::ValidationFailed(_) => "validation against Stripe's API failed".to_owned(),
        other => other.to_string(),
    };
    (outcome.status_code(), text).into_response()
}
