//! A webhook endpoint on [axum]: verify, record, de-duplicate, dispatch (feature `axum`).
//!
//! Each `POST /webhook` ([`Receiver::router`]) goes through [`Receiver::handle`]:
//!
//! 1. the raw body, byte for byte (never re-serialised); larger than
//!    [`ReceiverConfig::body_limit`] -> 413;
//! 2. `Stripe-Signature` verified with the [`Webhook`]: missing or wrong ->
//!    kept with [`EventStore::record_rejected`] (not authentic), 400, no handler runs;
//! 3. parsed: not JSON, not an event, or an API version the webhook rejects -> kept as
//!    rejected (authentic), 400;
//! 4. [`EventStore::record`]ed, then [`EventStore::claim`]ed: already processed -> 200
//!    ([`Outcome::Duplicate`]); another delivery is running it -> 409 ([`Outcome::InProgress`],
//!    Stripe retries later);
//! 5. dispatched ([`Dispatcher::dispatch`](crate::Dispatcher::dispatch)): success ->
//!    [`EventStore::complete`], 200; a handler failed -> [`EventStore::fail`], 500, so that
//!    Stripe delivers it again and the handlers run again.
//!
//! Handlers therefore run at most once per event at a time, and once successfully (a process
//! that dies while running them leaves the event pending: after the lease, a redelivery or
//! [`Receiver::replay_all`] runs it again, so handlers should still be idempotent).
//!
//! Store calls are synchronous; they run on tokio's blocking pool. Each delivery is handled
//! in its own task, so a client that disconnects does not interrupt its handlers. Each
//! delivery logs one `tracing` event (in a `stripe_webhook` span) with the event id, type,
//! attempt, outcome and duration; never the secret or the body.
//!
//! ```no_run
//! use stripe_events::receiver::{Receiver, ReceiverConfig, serve};
//! use stripe_events::store::SqliteStore;
//! use stripe_events::{Dispatcher, Webhook};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = ReceiverConfig::new(Webhook::new(std::env::var("STRIPE_WEBHOOK_SECRET")?))
//!     .store(SqliteStore::open("deliveries.sqlite3")?);
//! let receiver = Receiver::new(config, Dispatcher::new());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! serve(listener, receiver).await?;
//! # Ok(())
//! # }
//! ```

mod config;
mod handler;
mod replay;

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;

use crate::store::{EventStore, SqliteStore, StoreError};
use crate::{Dispatcher, Webhook};

pub use config::ReceiverConfig;
pub use replay::ReplayError;

/// A webhook endpoint: verifies, records, de-duplicates and dispatches deliveries (see the
/// [module documentation](self)). Cheap to clone (shared state behind an `Arc`).
#[derive(Clone)]
pub struct Receiver {
    inner: Arc<Inner>,
}

struct Inner {
    webhook: Webhook,
    store: Arc<dyn EventStore>,
    dispatcher: Dispatcher,
    body_limit: usize,
    lease: Duration,
}

impl Receiver {
    /// A receiver running `dispatcher`'s handlers.
    ///
    /// # Panics
    ///
    /// Without a [`ReceiverConfig::store`], if the default in-memory SQLite store cannot be
    /// created (out of memory).
    pub fn new(config: ReceiverConfig, dispatcher: Dispatcher) -> Self {
        let store = config.store.unwrap_or_else(|| {
            Arc::new(SqliteStore::in_memory().expect("creating an in-memory SQLite event store"))
        });
        Self {
            inner: Arc::new(Inner {
                webhook: config.webhook,
                store,
                dispatcher,
                body_limit: config.body_limit,
                lease: config.lease,
            }),
        }
    }

    /// Where deliveries are kept.
    pub fn store(&self) -> &dyn EventStore {
        &*self.inner.store
    }

    /// The dispatcher running the handlers.
    pub fn dispatcher(&self) -> &Dispatcher {
        &self.inner.dispatcher
    }

    /// Runs a store call on tokio's blocking pool.
    async fn blocking<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn EventStore) -> Result<T, StoreError> + Send + 'static,
    {
        let store = Arc::clone(&self.inner.store);
        tokio::task::spawn_blocking(move || f(&*store))
            .await
            .map_err(|e| StoreError::new("running an event store call", e))?
    }
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver")
            .field("webhook", &self.inner.webhook)
            .field("dispatcher", &self.inner.dispatcher)
            .field("body_limit", &self.inner.body_limit)
            .field("lease", &self.inner.lease)
            .finish_non_exhaustive()
    }
}

/// What became of a delivery (or a replay).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every handler succeeded; `ran` of them ran (at least one).
    Processed {
        /// How many handlers ran.
        ran: usize,
    },
    /// Authentic, but no handler wants this event (still 200: Stripe need not retry it).
    Unhandled,
    /// Its handlers already succeeded for an earlier delivery: not run again.
    Duplicate,
    /// Another delivery of the same event is running its handlers (409: Stripe retries).
    InProgress,
    /// A handler failed, or the event store did (500: Stripe retries). The handler errors,
    /// as in [`DispatchError`](crate::dispatch::DispatchError)'s message.
    HandlerFailed(String),
    /// Not authentic, or not a usable event: why (400; kept in the store, never run).
    Rejected(String),
}

impl Outcome {
    /// The HTTP status to answer: 200 (processed, unhandled, duplicate), 409 (in progress),
    /// 500 (handler failed), 400 (rejected).
    pub fn status_code(&self) -> StatusCode {
        match self {
            Self::Processed { .. } | Self::Unhandled | Self::Duplicate => StatusCode::OK,
            Self::InProgress => StatusCode::CONFLICT,
            Self::HandlerFailed(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Rejected(_) => StatusCode::BAD_REQUEST,
        }
    }

    /// Whether Stripe should consider the delivery done (a 2xx answer).
    pub fn is_success(&self) -> bool {
        self.status_code().is_success()
    }

    /// A store failure, as the outcome of a delivery (500, so Stripe retries).
    fn store_failed(error: &StoreError) -> Self {
        Self::HandlerFailed(format!("event store: {error}"))
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Processed { ran } => write!(f, "processed ({ran} handler(s) ran)"),
            Self::Unhandled => f.write_str("unhandled (no handler for this event)"),
            Self::Duplicate => f.write_str("duplicate (already processed)"),
            Self::InProgress => f.write_str("in progress (another delivery is running it)"),
            Self::HandlerFailed(error) => write!(f, "handler failed: {error}"),
            Self::Rejected(reason) => write!(f, "rejected: {reason}"),
        }
    }
}

/// Serves `receiver`'s [router](Receiver::router) on `listener` until the process ends (or
/// the listener fails).
pub async fn serve(listener: tokio::net::TcpListener, receiver: Receiver) -> std::io::Result<()> {
    axum::serve(listener, receiver.router()).await
}

/// The current unix time, in seconds.
fn unix_now() -> i64 {
    use crate::signature::Clock;
    crate::signature::SystemClock.now()
}
