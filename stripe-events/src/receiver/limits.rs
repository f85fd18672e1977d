//! The limits of one [`Receiver`] against hostile clients, as shared state: the connection
//! bound and timeouts [`serve`](super::serve) applies, the body budget and timeouts the
//! route's intake applies, the forged-delivery budget, and the counters they keep.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::Receiver;
use super::config::ReceiverConfig;
use super::forged::Forged;

/// The shared state of the limits (one per receiver).
pub(super) struct Limits {
    pub(super) header_timeout: Duration,
    pub(super) body_idle_timeout: Duration,
    pub(super) body_deadline: Duration,
    /// One permit per served connection.
    pub(super) connections: Arc<Semaphore>,
    max_connections: usize,
    /// One permit per body byte buffered (or reserved by a declared `Content-Length`).
    budget: Arc<Semaphore>,
    budget_bytes: usize,
    buffered: AtomicUsize,
    buffered_peak: AtomicUsize,
    busy: AtomicU64,
    pub(super) forged: Forged,
}

impl Limits {
    pub(super) fn new(config: &ReceiverConfig) -> Self {
        let max_connections = config.max_connections.min(Semaphore::MAX_PERMITS);
        let budget_bytes = config
            .body_budget
            .max(config.body_limit)
            .min(Semaphore::MAX_PERMITS);
        Self {
            header_timeout: config.header_timeout,
            body_idle_timeout: config.body_idle_timeout,
            body_deadline: config.body_deadline,
            connections: Arc::new(Semaphore::new(max_connections)),
            max_connections,
            budget: Arc::new(Semaphore::new(budget_bytes)),
            budget_bytes,
            buffered: AtomicUsize::new(0),
            buffered_peak: AtomicUsize::new(0),
            busy: AtomicU64::new(0),
            forged: Forged::new(config.forged_prefix, config.forged_budget),
        }
    }

    /// An empty reservation of body bytes, grown with [`Reservation::grow_to`].
    pub(super) fn reservation(&self) -> Reservation<'_> {
        Reservation {
            limits: self,
            permit: None,
            held: 0,
        }
    }

    /// Counts a body refused for want of budget.
    pub(super) fn count_busy(&self) {
        self.busy.fetch_add(1, Ordering::Relaxed);
    }
}

/// Body bytes held against the budget; given back when dropped.
pub(super) struct Reservation<'a> {
    limits: &'a Limits,
    permit: Option<OwnedSemaphorePermit>,
    held: usize,
}

impl Reservation<'_> {
    /// Holds `bytes` in all (no less than now), without waiting: `false` if the budget has
    /// not that much left (the reservation is then unchanged).
    pub(super) fn grow_to(&mut self, bytes: usize) -> bool {
        let Some(more) = bytes.checked_sub(self.held).filter(|&more| more > 0) else {
            return true;
        };
        let Ok(more_permits) = u32::try_from(more) else {
            return false;
        };
        let Ok(permit) = Arc::clone(&self.limits.budget).try_acquire_many_owned(more_permits)
        else {
            return false;
        };
        match &mut self.permit {
            Some(held) => held.merge(permit),
            None => self.permit = Some(permit),
        }
        self.held = bytes;
        let buffered = self.limits.buffered.fetch_add(more, Ordering::Relaxed) + more;
        self.limits
            .buffered_peak
            .fetch_max(buffered, Ordering::Relaxed);
        true
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        self.limits.buffered.fetch_sub(self.held, Ordering::Relaxed);
    }
}

/// Counters of the limits against hostile clients (see the
/// [module documentation](super#limits-against-hostile-clients)).
impl Receiver {
    /// Body bytes buffered (or reserved by a declared `Content-Length`) right now, across all
    /// connections; never more than the [body budget](super::ReceiverConfig::body_budget).
    pub fn buffered_bytes(&self) -> usize {
        self.inner.limits.buffered.load(Ordering::Relaxed)
    }

    /// The most [`buffered_bytes`](Self::buffered_bytes) there have been at once since the
    /// receiver started.
    pub fn buffered_bytes_peak(&self) -> usize {
        self.inner.limits.buffered_peak.load(Ordering::Relaxed)
    }

    /// The body budget in force: the configured one, or the body limit if that is larger.
    pub fn body_budget(&self) -> usize {
        self.inner.limits.budget_bytes
    }

    /// Deliveries answered 503 because the body budget was spent, since the receiver started.
    pub fn refused_busy(&self) -> u64 {
        self.inner.limits.busy.load(Ordering::Relaxed)
    }

    /// Connections [`serve`](super::serve) is serving right now (at most
    /// [`max_connections`](super::ReceiverConfig::max_connections)).
    pub fn open_connections(&self) -> usize {
        let limits = &self.inner.limits;
        limits.max_connections - limits.connections.available_permits()
    }

    /// Forged deliveries (signature not verified) answered 400 but not stored because the
    /// [forged-delivery budget](super::ReceiverConfig::forged_budget) was spent, since the
    /// receiver started.
    pub fn rejected_not_stored(&self) -> u64 {
        self.inner.limits.forged.not_stored()
    }
}
