//! Re-fetch mode (feature `client`): for each event, the mirror stores the object's current
//! state fetched from Stripe's API instead of the copy the event carries, so the order of the
//! events does not matter at all (dj-stripe's way). See [`Mirror::refetching`].

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::sync::Semaphore;

use super::{Applied, Mirror, ObjectOf, ObjectWrite, Rank};
use crate::client::{Client, ClientError, RequestOptions, retrieve_path};
use crate::store::StoreError;
use crate::{EventNotification, ReceivedEvent};

/// The client and the bound on concurrent API calls of a re-fetching [`Mirror`].
pub(super) struct Refetch {
    client: Client,
    permits: Arc<Semaphore>,
    max_concurrent: usize,
}

impl std::fmt::Debug for Refetch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Refetch")
            .field("base_url", &self.client.base_url())
            .field("max_concurrent", &self.max_concurrent)
            .finish()
    }
}

/// Why [`Mirror::apply_fetching`] could not apply an event.
#[derive(Debug)]
#[non_exhaustive]
pub enum MirrorError {
    /// Fetching the object from Stripe's API failed (after the client's retries).
    Api {
        /// The event being applied.
        event_id: String,
        /// The client's error.
        source: ClientError,
    },
    /// Reading the event's object, or writing to the store, failed.
    Store(StoreError),
}

impl std::fmt::Display for MirrorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Api { event_id, source } => write!(
                f,
                "mirroring {event_id}: fetching its object from Stripe's API: {source}"
            ),
            Self::Store(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for MirrorError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Api { source, .. } => Some(source),
            Self::Store(e) => Some(e),
        }
    }
}

impl MirrorError {
    /// As a [`StoreError`] (the receiver reports a mirror that could not apply an event as a
    /// store failure), the API's error kept as its source.
    pub fn into_store_error(self) -> StoreError {
        match self {
            Self::Store(e) => e,
            Self::Api { event_id, source } => StoreError::new(
                format!("mirroring {event_id}: fetching its object from Stripe's API"),
                source,
            ),
        }
    }
}

impl From<StoreError> for MirrorError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

/// Now, in unix microseconds: when a fetch's request is sent, the time its answer is as of.
fn now_micros() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

/// What to write for one event, owned (moved to the blocking pool for the store call).
struct Fetched {
    object_type: String,
    id: String,
    json: String,
    event_id: String,
    event_created: i64,
    rank: Rank,
    deleted: bool,
    fetched_at: i64,
}

impl Mirror {
    /// Re-fetch mode: for each event, fetch the current state of its object from Stripe's
    /// API with `client` (for a thin event, its related object) and store that, with at most
    /// `max_concurrent` API calls at once (at least 1) from this mirror and its clones.
    ///
    /// A fetched state replaces a stored one when it was fetched later (see
    /// [`ObjectWrite::replaces`]), so the mirror ends in Stripe's current state whatever the
    /// order the events came in, at the price of one API call per event (Stripe's rate
    /// limits apply: 100 reads per second in live mode). An object Stripe answers 404 for is
    /// stored deleted (the event's copy, marked deleted); an object type without a retrieve
    /// path of its own (one only reachable under its parent, e.g. a customer's
    /// `tax_id`) is stored from the event's copy, as without re-fetch mode. Only
    /// [`Mirror::apply_fetching`] fetches; the blocking [`Mirror::apply`] keeps using the
    /// event's copy.
    pub fn refetching(self, client: Client, max_concurrent: usize) -> Self {
        let max_concurrent = max_concurrent.max(1);
        Self {
            inner: Arc::new(super::Inner {
                store: Arc::clone(&self.inner.store),
                only: self.inner.only.clone(),
                refetch: Some(Arc::new(Refetch {
                    client,
                    permits: Arc::new(Semaphore::new(max_concurrent)),
                    max_concurrent,
                })),
            }),
        }
    }

    /// Whether this mirror re-fetches objects from Stripe's API ([`Mirror::refetching`]).
    pub fn is_refetching(&self) -> bool {
        self.inner.refetch.is_some()
    }

    /// Applies `event` (delivered as `body`): in re-fetch mode, the current state of its
    /// object fetched from Stripe's API; else, or for an object type that has no retrieve path
    /// of its own, the event's copy, as [`Mirror::apply_received`]. The store call runs on
    /// tokio's blocking pool.
    ///
    /// # Errors
    ///
    /// [`MirrorError::Api`] when the fetch failed after the client's retries (the event can
    /// be applied again later: nothing was written); [`MirrorError::Store`] when the body has
    /// no `data.object` or the store failed.
    pub async fn apply_fetching(
        &self,
        event: &ReceivedEvent,
        body: &[u8],
    ) -> Result<Applied, MirrorError> {
        let Some(refetch) = &self.inner.refetch else {
            return self
                .apply_blocking(event, body)
                .await
                .map_err(MirrorError::Store);
        };
        let fetched = match event {
            ReceivedEvent::Snapshot(e) => {
                let ctx = || format!("mirroring {}", e.id);
                let object = ObjectOf::body(body)
                    .map_err(|err| StoreError::new(ctx(), err))?
                    .ok_or_else(|| {
                        StoreError::new(
                            ctx(),
                            "the body has no data.object: it is not the body of this snapshot event",
                        )
                    })?;
                let (Some(object_type), Some(id)) = (object.object_type, object.id) else {
                    return Ok(Applied::Skipped);
                };
                if !self.keeps(&object_type) {
                    return Ok(Applied::Skipped);
                }
                if retrieve_path(&object_type, &id).is_none() {
                    return self
                        .apply_blocking(event, body)
                        .await
                        .map_err(MirrorError::Store);
                }
                let options = RequestOptions {
                    account: e.account.clone(),
                    ..RequestOptions::default()
                };
                let _permit = refetch.permits.acquire().await.expect("never closed");
                let fetched_at = now_micros();
                let api = |source| MirrorError::Api {
                    event_id: e.id.clone(),
                    source,
                };
                let current = refetch
                    .client
                    .retrieve_object(&object_type, &id, &options)
                    .await
                    .map_err(api)?;
                // 404: Stripe no longer has it; the event's copy is kept, deleted.
                let (json, deleted) = match current {
                    Some(current) => (
                        String::from_utf8_lossy(&current.body).into_owned(),
                        current.deleted,
                    ),
                    None => (object.json.to_owned(), true),
                };
                Fetched {
                    json,
                    deleted,
                    object_type,
                    id,
                    event_id: e.id.clone(),
                    event_created: e.created.as_secs(),
                    rank: Rank::of(e.type_.as_str()),
                    fetched_at,
                }
            }
            ReceivedEvent::Thin(n) => match self.fetch_related(refetch, n).await? {
                Some(fetched) => fetched,
                None => return Ok(Applied::Skipped),
            },
        };
        self.put_blocking(fetched).await
    }

    /// A thin event's related object, fetched at its URL; `None` when it has none, or one of
    /// a type this mirror does not keep.
    async fn fetch_related(
        &self,
        refetch: &Refetch,
        n: &EventNotification,
    ) -> Result<Option<Fetched>, MirrorError> {
        let Some(related) = &n.related_object else {
            return Ok(None);
        };
        let object_type = related.type_.as_str().to_owned();
        if !self.keeps(&object_type) {
            return Ok(None);
        }
        let _permit = refetch.permits.acquire().await.expect("never closed");
        let fetched_at = now_micros();
        let options = RequestOptions::for_notification(n);
        let (json, deleted) = match refetch.client.get(&related.url, &options).await {
            Ok(response) => {
                let json = String::from_utf8_lossy(&response.body).into_owned();
                let deleted = serde_json::from_str::<serde_json::Value>(&json)
                    .ok()
                    .and_then(|v| v["deleted"].as_bool())
                    == Some(true);
                (json, deleted)
            }
            Err(ClientError::Api(e)) if e.is_not_found() => (
                serde_json::json!({"id": related.id, "deleted": true}).to_string(),
                true,
            ),
            Err(source) => {
                return Err(MirrorError::Api {
                    event_id: n.id.clone(),
                    source,
                });
            }
        };
        Ok(Some(Fetched {
            object_type,
            id: related.id.clone(),
            json,
            event_id: n.id.clone(),
            event_created: n.created.unix_seconds(),
            rank: Rank::of(n.type_.as_str()),
            deleted,
            fetched_at,
        }))
    }

    async fn put_blocking(&self, fetched: Fetched) -> Result<Applied, MirrorError> {
        let mirror = self.clone();
        tokio::task::spawn_blocking(move || {
            let write = ObjectWrite {
                object_type: &fetched.object_type,
                id: &fetched.id,
                json: &fetched.json,
                event_id: &fetched.event_id,
                event_created: fetched.event_created,
                rank: fetched.rank,
                deleted: fetched.deleted,
                fetched_at: Some(fetched.fetched_at),
            };
            mirror
                .inner
                .store
                .put_object(&write)
                .map_err(|e| StoreError::new(format!("mirroring {}", fetched.event_id), e))
        })
        .await
        .map_err(|e| StoreError::new("running a mirror call", e))?
        .map(|written| {
            if written {
                Applied::Written
            } else {
                Applied::Unchanged
            }
        })
        .map_err(MirrorError::Store)
    }
}
