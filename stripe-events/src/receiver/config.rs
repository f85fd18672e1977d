//! [`ReceiverConfig`]: what a [`Receiver`](super::Receiver) verifies with, where it keeps
//! deliveries, and its limits.

use std::sync::Arc;
use std::time::Duration;

use crate::Webhook;
use crate::store::EventStore;

/// How a [`Receiver`](super::Receiver) works: built with [`ReceiverConfig::new`], then the
/// builder methods.
///
/// ```
/// use std::time::Duration;
/// use stripe_events::Webhook;
/// use stripe_events::receiver::ReceiverConfig;
/// use stripe_events::store::SqliteStore;
///
/// let config = ReceiverConfig::new(Webhook::new("whsec_..."))
///     .store(SqliteStore::in_memory()?)
///     .body_limit(256 * 1024)
///     .lease(Duration::from_secs(30));
/// # Ok::<(), stripe_events::store::StoreError>(())
/// ```
#[derive(Clone)]
pub struct ReceiverConfig {
    pub(crate) webhook: Webhook,
    pub(crate) store: Option<Arc<dyn EventStore>>,
    pub(crate) body_limit: usize,
    pub(crate) lease: Duration,
}

impl ReceiverConfig {
    /// The default body limit: 1 MiB (Stripe's events are far smaller).
    pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
    /// The default lease: 60 s.
    pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);

    /// Deliveries verified and parsed with `webhook` (secrets, tolerance, API-version
    /// policy), kept in an in-memory store unless [`store`](Self::store) is given, bodies up
    /// to 1 MiB, 60 s leases.
    #[must_use]
    pub fn new(webhook: Webhook) -> Self {
        Self {
            webhook,
            store: None,
            body_limit: Self::DEFAULT_BODY_LIMIT,
            lease: Self::DEFAULT_LEASE,
        }
    }

    /// Where deliveries are kept (default: a new in-memory
    /// [`SqliteStore`](crate::store::SqliteStore), so de-duplication works only for the
    /// life of the process).
    #[must_use]
    pub fn store(mut self, store: impl EventStore) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// The largest body accepted, in bytes; larger ones are answered 413 without being read
    /// further (default 1 MiB).
    #[must_use]
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// How long a claim on an event lasts while its handlers run (default 60 s): a delivery
    /// of the same event meanwhile is answered 409 (Stripe retries it later); after it, a
    /// process that died while running the handlers no longer blocks the event. Make it
    /// longer than your slowest handler.
    #[must_use]
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }
}

impl std::fmt::Debug for ReceiverConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReceiverConfig")
            .field("webhook", &self.webhook)
            .field("store", &self.store.as_ref().map(|_| "dyn EventStore"))
            .field("body_limit", &self.body_limit)
            .field("lease", &self.lease)
            .finish()
    }
}
