//! [`Receiver::ready`]: the start-up check of the store, and the log of registered handlers.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use super::Receiver;
use crate::store::StoreError;

impl Receiver {
    /// Checks, once, that the receiver can work: its store can be written and belongs to this
    /// receiver's [application](super::ReceiverConfig::application) (binding it on first
    /// use). Then logs which handlers are registered for which event types, with a warning
    /// when there are none (a module with `#[webhook_handler]` functions that no `mod` line
    /// reaches is never linked).
    ///
    /// [`serve`](super::serve) calls it before accepting connections and refuses to start
    /// when it fails; every delivery and replay calls it until it has passed (one atomic
    /// load afterwards), so a receiver served another way still never runs handlers on a
    /// store it may not use, and recovers by itself once the store's fault clears.
    ///
    /// # Errors
    ///
    /// The store's error (naming what it was doing), or that the store belongs to another
    /// application.
    pub async fn ready(&self) -> Result<(), StoreError> {
        if self.inner.ready.load(Ordering::Acquire) {
            return Ok(());
        }
        let ours = self.inner.application.clone();
        let bound = self.blocking(move |s| s.bind_application(&ours)).await?;
        if bound != self.inner.application {
            return Err(other_application(&self.inner.application, &bound));
        }
        if !self.inner.ready.swap(true, Ordering::AcqRel) {
            self.log_handlers();
        }
        Ok(())
    }

    /// One line with every event type and its number of handlers; a warning when none.
    fn log_handlers(&self) {
        let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
        for handler in self.inner.dispatcher.handlers() {
            *by_type.entry(handler.event_type).or_default() += 1;
        }
        let application = &self.inner.application;
        if by_type.is_empty() {
            tracing::warn!(
                application,
                "no webhook handlers are registered: every event will be stored and answered \
                 200 as unhandled. Is the module holding your #[webhook_handler] functions \
                 linked (reached by a `mod` line, its crate used)?"
            );
            return;
        }
        let total: usize = by_type.values().sum();
        let types = by_type
            .iter()
            .map(|(event_type, n)| format!("{event_type} ({n})"))
            .collect::<Vec<_>>()
            .join(", ");
        tracing::info!(
            application,
            handlers = total,
            "webhook handlers registered: {types}"
        );
    }
}

/// The error for a store bound to another application.
pub(super) fn other_application(ours: &str, bound: &str) -> StoreError {
    StoreError::new(
        format!("using the event store as application `{ours}`"),
        format!(
            "it belongs to application `{bound}`: only `{bound}`'s handlers may process its \
             events (run `{bound} events ...` from that application's binary, or give this \
             receiver ReceiverConfig::application(\"{bound}\") if it is that application)"
        ),
    )
}
