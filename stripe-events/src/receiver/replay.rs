//! Running the handlers of stored events again.

use std::collections::HashSet;
use std::sync::Arc;

use super::handler::traced;
use super::{Outcome, Receiver, unix_now};
use crate::WebhookError;
use crate::store::{Status, StoreError};

/// Why [`Receiver::replay`] could not run an event's handlers.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayError {
    /// No delivery of this event id is stored.
    #[error("event {0} is not in the event store")]
    NotFound(String),
    /// The only stored delivery of this id was not authentic: it is never run.
    #[error("the stored delivery of {0} failed signature verification: it cannot be replayed")]
    NotAuthentic(String),
    /// The stored body is authentic but still not a usable event.
    #[error("the stored delivery of {event_id} cannot be parsed: {source}")]
    Unparsable {
        /// The event id.
        event_id: String,
        /// Why.
        #[source]
        source: WebhookError,
    },
    /// The event store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Receiver {
    /// Runs the handlers of the stored event `event_id` again, like a delivery of it (claim,
    /// dispatch, complete or fail; an event already processed answers
    /// [`Outcome::Duplicate`]). The signature is not checked again: the body was verified
    /// when it was received.
    pub async fn replay(&self, event_id: &str) -> Result<Outcome, ReplayError> {
        self.replay_at(event_id, unix_now()).await
    }

    async fn replay_at(&self, event_id: &str, now: i64) -> Result<Outcome, ReplayError> {
        let id = event_id.to_owned();
        let row = self
            .blocking(move |s| s.get(&id))
            .await?
            .ok_or_else(|| ReplayError::NotFound(event_id.to_owned()))?;
        if !row.signature_valid {
            return Err(ReplayError::NotAuthentic(event_id.to_owned()));
        }
        let event =
            self.inner
                .webhook
                .parse(&row.body)
                .map_err(|source| ReplayError::Unparsable {
                    event_id: event_id.to_owned(),
                    source,
                })?;
        let event = Arc::new(event);
        let recorded = Arc::clone(&event);
        // A no-op for a recorded event; records one that was rejected only by the API-version
        // policy, since relaxed.
        let received_at = row.received_at;
        self.blocking(move |s| s.record(&recorded, &row.body, received_at))
            .await?;
        Ok(traced("replay", async {
            let span = tracing::Span::current();
            span.record("event_id", event.id.as_str());
            span.record("event_type", event.type_.as_str());
            self.process(event, now).await
        })
        .await)
    }

    /// Replays every authentic stored event whose status is `which`: [`Status::Failed`]
    /// (handlers failed and Stripe has not redelivered yet) or [`Status::Pending`] (the
    /// process died while running them; one whose lease has not expired at `now` answers
    /// [`Outcome::InProgress`]). Returns each event id with its outcome, in received order;
    /// one that cannot be replayed is [`Outcome::Rejected`] with the reason. If the store
    /// cannot be listed, the error is logged and nothing is replayed.
    pub async fn replay_all(&self, which: Status, now: i64) -> Vec<(String, Outcome)> {
        let rows = match self.blocking(move |s| s.list(Some(which))).await {
            Ok(rows) => rows,
            Err(e) => {
                tracing::error!(error = %e, "could not list deliveries to replay");
                return Vec::new();
            }
        };
        let mut seen = HashSet::new();
        let mut outcomes = Vec::new();
        for row in rows {
            let Some(id) = row.event_id.filter(|_| row.signature_valid) else {
                continue;
            };
            if !seen.insert(id.clone()) {
                continue;
            }
            let outcome = match self.replay_at(&id, now).await {
                Ok(outcome) => outcome,
                Err(ReplayError::Store(e)) => Outcome::store_failed(&e),
                Err(e) => Outcome::Rejected(e.to_string()),
            };
            outcomes.push((id, outcome));
        }
        outcomes
    }
}
