//! One delivery: the HTTP route and [`Receiver::handle`].

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use tracing::Instrument;
use tracing::field::Empty;

use super::{Outcome, Receiver, unix_now};
use crate::Event;
use crate::store::Claim;

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
    /// logic of the endpoint, without HTTP (see the [module documentation](super)); the
    /// body limit is the router's.
    pub async fn handle(&self, headers: &HeaderMap, body: Bytes) -> Outcome {
        traced("delivery", self.deliver(headers, body)).await
    }

    async fn deliver(&self, headers: &HeaderMap, body: Bytes) -> Outcome {
        let now = unix_now();
        let webhook = &self.inner.webhook;
        let signature = headers
            .get("stripe-signature")
            .and_then(|v| v.to_str().ok());
        if let Err(e) = webhook.verify(&body, signature) {
            return self.reject(body, false, e.to_string(), now).await;
        }
        let event = match webhook.parse(&body) {
            Ok(event) => Arc::new(event),
            Err(e) => return self.reject(body, true, e.to_string(), now).await,
        };
        let span = tracing::Span::current();
        span.record("event_id", event.id.as_str());
        span.record("event_type", event.type_.as_str());
        let recorded = Arc::clone(&event);
        if let Err(e) = self
            .blocking(move |s| s.record(&recorded, &body, now))
            .await
        {
            return Outcome::store_failed(&e);
        }
        self.process(event, now).await
    }

    /// Keeps a rejected delivery (a store failure is only logged: the answer is 400 anyway).
    async fn reject(&self, body: Bytes, authentic: bool, reason: String, now: i64) -> Outcome {
        // A forged body is kept only within the forged-delivery budget (see `forged`).
        let Some(body) = (if authentic {
            Some(body)
        } else {
            self.inner.limits.forged.admit(body)
        }) else {
            return Outcome::Rejected(reason);
        };
        let why = reason.clone();
        if let Err(e) = self
            .blocking(move |s| s.record_rejected(&body, authentic, &why, now))
            .await
        {
            tracing::error!(error = %e, "could not keep a rejected webhook delivery");
        }
        Outcome::Rejected(reason)
    }

    /// Claims a recorded event, runs its handlers, and records how they went.
    pub(super) async fn process(&self, event: Arc<Event>, now: i64) -> Outcome {
        let id = event.id.clone();
        let lease = self.inner.lease;
        let claim = match self.blocking(move |s| s.claim(&id, now, lease)).await {
            Ok(claim) => claim,
            Err(e) => return Outcome::store_failed(&e),
        };
        let attempt = match claim {
            Claim::AlreadyProcessed => return Outcome::Duplicate,
            Claim::InProgress => return Outcome::InProgress,
            Claim::Run { attempt } => attempt,
        };
        tracing::Span::current().record("attempt", attempt);
        let id = event.id.clone();
        match self.inner.dispatcher.dispatch(&event).await {
            Ok(dispatched) => match self.blocking(move |s| s.complete(&id)).await {
                Err(e) => Outcome::store_failed(&e),
                Ok(()) if dispatched.ran == 0 => Outcome::Unhandled,
                Ok(()) => Outcome::Processed {
                    ran: dispatched.ran,
                },
            },
            Err(error) => {
                let error = error.to_string();
                let message = error.clone();
                if let Err(e) = self.blocking(move |s| s.fail(&id, &message)).await {
                    tracing::error!(error = %e, "could not record a handler failure");
                }
                Outcome::HandlerFailed(error)
            }
        }
    }
}

/// Runs `work` in a `stripe_webhook` span and logs its outcome and duration.
pub(super) async fn traced(kind: &'static str, work: impl Future<Output = Outcome>) -> Outcome {
    let started = Instant::now();
    let span = tracing::info_span!(
        "stripe_webhook",
        kind,
        event_id = Empty,
        event_type = Empty,
        attempt = Empty
    );
    let outcome = work.instrument(span.clone()).await;
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    span.in_scope(|| match &outcome {
        Outcome::Processed { .. } | Outcome::Unhandled | Outcome::Duplicate => {
            tracing::info!(outcome = %outcome, duration_ms, "webhook {kind}");
        }
        Outcome::InProgress | Outcome::Rejected(_) => {
            tracing::warn!(outcome = %outcome, duration_ms, "webhook {kind}");
        }
        Outcome::HandlerFailed(_) => {
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
        .unwrap_or_else(|e| Outcome::HandlerFailed(format!("receiver task: {e}")));
    let text = match &outcome {
        // Handler errors stay in the log: Stripe (and whoever calls) only learns it failed.
        Outcome::HandlerFailed(_) => "handler failed".to_owned(),
        other => other.to_string(),
    };
    (outcome.status_code(), text).into_response()
}
