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
    pub(crate) application: Option<String>,
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
            application: None,
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

impl ReceiverConfig {
    /// The application whose handlers this receiver runs (default: the executable's name,
    /// without the hash cargo adds to test binaries). A store belongs to the first
    /// application that uses it ([`EventStore::bind_application`]); a receiver of another
    /// application refuses it ([`Outcome::StoreFailed`](super::Outcome::StoreFailed)), so
    /// that no program runs its own handlers on another program's events and marks them
    /// processed. Several binaries of one application sharing a store (a server and a
    /// worker, say) give the same name here.
    #[must_use]
    pub fn application(mut self, name: impl Into<String>) -> Self {
        self.application = Some(name.into());
        self
    }
}

/// The executable's file name without extension and without cargo's `-<16 hex digits>`
/// suffix of test binaries; `"application"` when it cannot be read.
pub(crate) fn default_application() -> String {
    let stem = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.file_stem()?.to_str().map(str::to_owned))
        .unwrap_or_else(|| "application".to_owned());
    strip_cargo_hash(&stem).to_owned()
}

fn strip_cargo_hash(stem: &str) -> &str {
    match stem.rsplit_once('-') {
        Some((name, hash))
            if !name.is_empty()
                && hash.len() == 16
                && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            name
        }
        _ => stem,
    }
}

impl std::fmt::Debug for ReceiverConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReceiverConfig")
            .field("webhook", &self.webhook)
            .field("store", &self.store.as_ref().map(|_| "dyn EventStore"))
            .field("body_limit", &self.body_limit)
            .field("lease", &self.lease)
            .field("application", &self.application)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::strip_cargo_hash;

    #[test]
    fn the_default_application_drops_cargos_hash_only() {
        assert_eq!(strip_cargo_hash("receiver-0123456789abcdef"), "receiver");
        assert_eq!(strip_cargo_hash("shop"), "shop");
        assert_eq!(strip_cargo_hash("stripe-events"), "stripe-events");
        assert_eq!(
            strip_cargo_hash("my-app-0123456789abcdeg"),
            "my-app-0123456789abcdeg"
        );
        assert_eq!(strip_cargo_hash("-0123456789abcdef"), "-0123456789abcdef");
    }
}
