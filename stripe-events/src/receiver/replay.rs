//! Running the handlers of stored events again.

use std::collections::HashSet;
use std::sync::Arc;

use super::handler::traced;
use super::{Outcome, Receiver, unix_now};
use crate::WebhookError;
use crate::store::{Status, StoreError};

/// Why [`Receiver::replay`] could not run an event's handlers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplayError {
    /// No delivery of this event id is stored.
    NotFound(String),
    /// The only stored delivery of this id was not authentic: it is never run.
    NotAuthentic(String),
    /// The stored body is authentic but still not a usable event.
    Unparsable {
        /// The event id.
        event_id: String,
        /// Why.
        source: WebhookError,
    },
    /// The event store failed, or belongs to another application.
    Store(StoreError),
}

impl std::fmt::Display for ReplayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotFound(id) => write!(f, "event {id} is not in the event store"),
            Self::NotAuthentic(id) => write!(
                f,
                "the stored delivery of {id} failed signature verification: it cannot be replayed"
            ),
            Self::Unparsable { event_id, source } => {
                write!(
                    f,
                    "the stored delivery of {event_id} cannot be parsed: {source}"
                )
            }
            Self::Store(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ReplayError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Unparsable { source, .. } => Some(source),
            // Transparent: the store error's own source.
            Self::Store(e) => e.source(),
            Self::NotFound(_) | Self::NotAuthentic(_) => None,
        }
    }
}

impl From<StoreError> for ReplayError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl Receiver {
    /// Runs the handlers of the stored event `event_id` again, like a delivery of it (claim,
    /// dispatch, complete or fail; an event already processed answers
    /// [`Outcome::Duplicate`]). The signature is not checked again: the body was verified
    /// when it was received.
    ///
    /// Only this receiver's own handlers run, and only on a store that belongs to its
    /// application (see [`Receiver::ready`]): replaying never marks another program's events
    /// processed.
    pub async fn replay(&self, event_id: &str) -> Result<Outcome, ReplayError> {
        self.replay_at(event_id, unix_now()).await
    }

    async fn replay_at(&self, event_id: &str, now: i64) -> Result<Outcome, ReplayError> {
        self.ready().await?;
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
                .parse_any(&row.body)
                .map_err(|source| ReplayError::Unparsable {
                    event_id: event_id.to_owned(),
                    source,
                })?;
        let event = Arc::new(event);
        let recorded = Arc::clone(&event);
        // A no-op for a recorded event; records one that was rejected only by the API-version
        // policy, since relaxed.
        let received_at = row.received_at;
        let body = axum::body::Bytes::from(row.body);
        let kept = body.clone();
        self.blocking(move |s| s.record(&*recorded, &kept, received_at))
            .await?;
        Ok(traced("replay", async {
            let span = tracing::Span::current();
            span.record("event_id", event.id());
            span.record("event_type", event.type_str());
            self.process(event, body, now).await
        })
        .await)
    }

    /// Replays every authentic stored event whose status is `which`: [`Status::Failed`]
    /// (handlers failed and Stripe has not redelivered yet, or queue mode will retry them),
    /// [`Status::Dead`] (queue mode gave up after its last attempt), [`Status::Untyped`]
    /// (typed handlers could not run; replay after a rebuild with types that fit) or
    /// [`Status::Pending`] (the process died while running them, or queued and not run yet;
    /// one whose lease has not expired answers [`Outcome::InProgress`]). Replaying runs the
    /// handlers here and now, as inline: a failure is recorded as failed, not retried by
    /// workers. Returns each event id with its outcome, or
    /// why it could not be replayed, in received order.
    ///
    /// # Errors
    ///
    /// When the store cannot be listed (or is not [ready](Receiver::ready)): nothing is
    /// replayed.
    pub async fn replay_all(
        &self,
        which: Status,
    ) -> Result<Vec<(String, Result<Outcome, ReplayError>)>, StoreError> {
        self.replay_all_at(which, unix_now()).await
    }

    /// [`replay_all`](Self::replay_all) as of the unix time `now` (leases are compared with
    /// it): for tests and tools that control the clock.
    ///
    /// # Errors
    ///
    /// As [`replay_all`](Self::replay_all).
    pub async fn replay_all_at(
        &self,
        which: Status,
        now: i64,
    ) -> Result<Vec<(String, Result<Outcome, ReplayError>)>, StoreError> {
        self.ready().await?;
        let rows = self.blocking(move |s| s.list(Some(which))).await?;
        let mut seen = HashSet::new();
        let mut outcomes = Vec::new();
        for row in rows {
            let Some(id) = row.event_id.filter(|_| row.signature_valid) else {
                continue;
            };
            if !seen.insert(id.clone()) {
                continue;
            }
            let outcome = self.replay_at(&id, now).await;
            outcomes.push((id, outcome));
        }
        Ok(outcomes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn errors_say_which_event_and_keep_their_source() {
        assert_eq!(
            ReplayError::NotFound("evt_1".into()).to_string(),
            "event evt_1 is not in the event store"
        );
        let unparsable = ReplayError::Unparsable {
            event_id: "evt_2".into(),
            source: WebhookError::Parse(crate::ParseError::NotJson {
                reason: "expected value".into(),
                offset: 0,
            }),
        };
        assert_eq!(
            unparsable.to_string(),
            "the stored delivery of evt_2 cannot be parsed: body is not valid JSON: expected value at byte 0"
        );
        assert!(unparsable.source().unwrap().is::<WebhookError>());
        // A store error is shown as itself, and its source is the backend's error.
        let store = ReplayError::from(StoreError::new("reading evt_3", "disk I/O error"));
        assert_eq!(store.to_string(), "reading evt_3: disk I/O error");
        assert_eq!(store.source().unwrap().to_string(), "disk I/O error");
    }
}
