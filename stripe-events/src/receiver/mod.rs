//! A webhook endpoint on [axum]: verify, record, de-duplicate, dispatch (feature `axum`).
//!
//! Each `POST /webhook` ([`Receiver::router`]) goes through [`Receiver::handle`]:
//!
//! 0. the store is checked once ([`Receiver::ready`]; again on every delivery until it
//!    passes): it can be written, and it belongs to this application (see
//!    [`ReceiverConfig::application`]); otherwise 500 ([`Outcome::StoreFailed`]);
//! 1. the raw body, byte for byte (never re-serialised); larger than
//!    [`ReceiverConfig::body_limit`] -> 413;
//! 2. `Stripe-Signature` verified with the [`Webhook`]: missing or wrong ->
//!    kept with [`EventStore::record_rejected`] (not authentic), 400, no handler runs;
//! 3. parsed, as either kind ([`Webhook::parse_any`]: the body's `object` decides, a snapshot
//!    `"event"` or a thin `"v2.core.event"` notification, so that two event destinations,
//!    each with its secret, can point at one endpoint): not JSON, not an event, or an API
//!    version the webhook rejects -> kept as rejected (authentic), 400. From here on a thin
//!    notification goes the same way as a snapshot event (stored, de-duplicated, claimed,
//!    queued, replayed, listed), dispatched with
//!    [`Dispatcher::dispatch_notification`](crate::Dispatcher::dispatch_notification);
//! 4. [`EventStore::record`]ed, then [`EventStore::claim`]ed: already processed -> 200
//!    ([`Outcome::Duplicate`]); another delivery is running it -> 409 ([`Outcome::InProgress`],
//!    Stripe retries later);
//! 5. with validation configured (`ReceiverConfig::validate`, feature `client`), fetched
//!    again from Stripe's API first: denied -> never run, stored as
//!    [`Status::Denied`](crate::store::Status::Denied), 200 (`Outcome::Denied`); not fetched
//!    -> not run, failed, 500 (`Outcome::ValidationFailed`: Stripe delivers it again; queue
//!    workers retry it);
//!    then dispatched ([`Dispatcher::dispatch`](crate::Dispatcher::dispatch)): success ->
//!    [`EventStore::complete`], 200; a handler failed -> [`EventStore::fail`], 500, so that
//!    Stripe delivers it again and the handlers run again;
//! 6. typed handlers exist for the type but the payload did not fit its type (and no
//!    `"raw"` handler takes such events) -> a warning with the event, JSON path and reason,
//!    [`EventStore::untyped`] ([`Status::Untyped`](crate::store::Status::Untyped), listed by
//!    `events list`), 200 ([`Outcome::Untyped`]): a retry would carry the same payload, so
//!    Stripe is not asked for one; replay it once the application is rebuilt with types that
//!    fit. The `"*"` handlers ran, but they never count as handling an event.
//!
//! A store failure is its own outcome ([`Outcome::StoreFailed`], 500), never reported as a
//! handler failure. Recording the result of handlers that ran is retried a few times; if it
//! still fails, the claim is released ([`EventStore::release`]) so that Stripe's retry runs
//! the handlers again at once instead of being answered 409 for the rest of the lease.
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
//! let config = ReceiverConfig::new(Webhook::try_new(std::env::var("STRIPE_WEBHOOK_SECRET")?)?)
//!     .store(SqliteStore::open("deliveries.sqlite3")?);
//! let receiver = Receiver::new(config, Dispatcher::new());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! serve(listener, receiver).await?;
//! # Ok(())
//! # }
//! ```
//!
//! # Queue mode: acknowledge first, process after
//!
//! Stripe wants a 2xx quickly; a slow handler answered inline makes Stripe time out and
//! deliver again. With [`ReceiverConfig::processing`]`(`[`Processing::Queue`]`)`, steps 0-4
//! above stay (413, rejections and store failures are answered as inline), but once the
//! event is [`EventStore::record`]ed (the store call has returned: the event is in the store
//! before the answer is sent, so an event answered 200 is never lost) it is answered 200
//! ([`Outcome::Queued`]) and nothing is dispatched in the request. Workers run the handlers:
//!
//! * [`serve`] / [`serve_with_shutdown`] start [`ReceiverConfig::workers`] of them (default 16)
//!   beside the endpoint; [`Receiver::run_workers`] runs them without an endpoint (a worker
//!   process: the same application, store and webhook, no listener). Any number of processes
//!   can serve and work on one store.
//! * A worker claims the oldest due event ([`EventStore::claim_next`]), runs the handlers,
//!   and records the result: processed, untyped, or after a failure another attempt after an
//!   exponential backoff with jitter ([`RetryPolicy`], [`ReceiverConfig::retry`]), until the
//!   attempts are used up: then [`Status::Dead`](crate::store::Status::Dead), listed and
//!   replayable ([`Receiver::replay_all`]). A stored body that no longer parses is dead at
//!   once.
//! * An idle worker wakes when this process stores a delivery, and otherwise every
//!   [`ReceiverConfig::poll_interval`] (default 1 s), which is how it finds other processes'
//!   deliveries, retries that came due, and events whose worker died.
//! * Shutdown is graceful: the endpoint stops first, then each worker finishes the job it
//!   holds and stops; the events not yet claimed stay queued for the next start.
//!
//! What runs how often, across any number of processes on one store:
//!
//! * An event's handlers run **successfully once** per event id: a claim is exclusive while
//!   its [lease](ReceiverConfig::lease) runs, and a processed event is never claimed again
//!   (a redelivery of it is answered 200 and changes nothing).
//! * A process **killed inside a handler** leaves the event claimed: once the lease ends,
//!   another worker takes it over (that counts as an attempt), so those handlers may run
//!   twice for that event. Handlers should be idempotent (keyed on the event id, say).
//! * A handler **running longer than the lease** may also be run a second time meanwhile, by
//!   another worker that takes the event over when the lease ends; leases are not renewed
//!   while a handler runs. Make the lease longer than your slowest handler (default 60 s).
//! * Events that failed inline (`Status::Failed` by [`EventStore::fail`]) are left to
//!   Stripe's redelivery and are not taken by workers; after switching a store from inline
//!   to queue mode, replay them (`events replay`), since a redelivery is now answered 200
//!   without running them.
//!
//! # Limits against hostile clients
//!
//! Anyone can connect to the endpoint, not only Stripe. Each limit is a [`ReceiverConfig`]
//! method; the defaults are safe for a public endpoint:
//!
//! | limit | default | beyond it |
//! |---|---|---|
//! | [`header_timeout`](ReceiverConfig::header_timeout): a request's headers, and an idle keep-alive connection | 10 s | connection closed |
//! | [`body_timeouts`](ReceiverConfig::body_timeouts): wait between two pieces of a body / whole body | 10 s / 30 s | 408, connection closed |
//! | [`body_limit`](ReceiverConfig::body_limit) | 1 MiB | 413; for a declared `Content-Length`, before reading any of the body (and no `100 Continue`) |
//! | [`body_budget`](ReceiverConfig::body_budget): body bytes buffered at once, all connections together, before their signatures are checked | 16 MiB | 503 at once (`Retry-After: 1`; Stripe retries) |
//! | [`max_connections`](ReceiverConfig::max_connections) | 512 | not accepted until one closes (they wait in the listener's backlog) |
//! | a request's head (request line and headers) | 16 KiB | 431, connection closed |
//! | [`forged_prefix`](ReceiverConfig::forged_prefix): what is stored of a forged body (signature not verified) | 4 KiB | the rest is dropped |
//! | [`forged_budget`](ReceiverConfig::forged_budget): forged deliveries stored | 256 KiB and 120 rows a minute | 400 as usual, not stored, counted ([`Receiver::rejected_not_stored`]), one warning a minute |
//!
//! With the defaults, bodies take at most 16 MiB of memory and connections about 512 x
//! 64 KiB of read buffers (hyper's, bounded at 64 KiB instead of its 400 KiB); a forged flood stores at most 256 KiB (120 rows) a minute, about
//! 370 MB a day, instead of 64 KiB per request. Authentic deliveries (signature verified) are
//! never dropped by the forged budget.
//!
//! The body limits (size, budget, timeouts) are a layer of [`Receiver::router`], so they hold
//! wherever the router is served; the connection bound, header timeout and head size are
//! applied by [`serve`], which runs hyper's HTTP/1 server directly (serve the router yourself
//! and they are yours to set). The counters: [`Receiver::buffered_bytes`] (and its
//! [peak](Receiver::buffered_bytes_peak)), [`Receiver::refused_busy`],
//! [`Receiver::open_connections`], [`Receiver::rejected_not_stored`].

mod batch;
mod config;
mod forged;
mod handler;
mod intake;
mod limits;
mod replay;
mod retry;
mod server;
mod worker;

mod ready;

#[cfg(all(test, feature = "client"))]
mod validation_tests;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use axum::http::StatusCode;

use crate::dispatch::DispatchError;
use crate::mirror::Mirror;
use crate::store::{EventStore, MemoryStore, StoreError};
use crate::{Dispatcher, PayloadError, Webhook, WebhookError};

pub use config::{Processing, ReceiverConfig};
pub use replay::ReplayError;
pub use retry::RetryPolicy;
pub use server::serve_with_shutdown;

/// A webhook endpoint: verifies, records, de-duplicates and dispatches deliveries (see the
/// [module documentation](self)). Cheap to clone (shared state behind an `Arc`).
#[derive(Clone)]
pub struct Receiver {
    inner: Arc<Inner>,
}

struct Inner {
    webhook: Webhook,
    store: Arc<dyn EventStore>,
    /// Applied each snapshot event after its handlers ([`ReceiverConfig::mirror`]).
    mirror: Option<Mirror>,
    dispatcher: Dispatcher,
    body_limit: usize,
    lease: Duration,
    /// The application whose handlers this is (see [`ReceiverConfig::application`]).
    application: String,
    /// Set once [`Receiver::ready`] passed.
    ready: AtomicBool,
    limits: limits::Limits,
    processing: Processing,
    /// Workers [`serve_with_shutdown`] starts in queue mode.
    workers: usize,
    retry: RetryPolicy,
    poll_interval: Duration,
    /// Signalled after each delivery recorded in queue mode: wakes an idle worker of this
    /// process at once (other processes' deliveries are found by polling).
    intake: tokio::sync::Notify,
    /// The store calls of deliveries, results and workers, gathered into batches.
    batches: batch::Batches,
    /// Validation against Stripe's API before the handlers run.
    #[cfg(feature = "client")]
    validation: Option<crate::validation::Validation>,
}

impl Receiver {
    /// A receiver running `dispatcher`'s handlers. Does no I/O: the store is checked by
    /// [`ready`](Self::ready), which [`serve`] calls at start and every delivery calls until
    /// it passes.
    pub fn new(config: ReceiverConfig, dispatcher: Dispatcher) -> Self {
        let limits = limits::Limits::new(&config);
        let store = config.store.unwrap_or_else(|| Arc::new(MemoryStore::new()));
        let batches = batch::Batches::new(&store, config.lease);
        // Handlers read the mirror as state (the object before the event they handle).
        let dispatcher = match &config.mirror {
            Some(mirror) => dispatcher.with_state(mirror.clone()),
            None => dispatcher,
        };
        Self {
            inner: Arc::new(Inner {
                webhook: config.webhook,
                store,
                mirror: config.mirror,
                dispatcher,
                body_limit: config.body_limit,
                lease: config.lease,
                application: config
                    .application
                    .unwrap_or_else(config::default_application),
                ready: AtomicBool::new(false),
                limits,
                processing: config.processing,
                workers: config.workers,
                retry: config.retry,
                poll_interval: config.poll_interval,
                intake: tokio::sync::Notify::new(),
                batches,
                #[cfg(feature = "client")]
                validation: config.validation,
            }),
        }
    }

    /// The application whose handlers this receiver runs (see
    /// [`ReceiverConfig::application`]).
    pub fn application(&self) -> &str {
        &self.inner.application
    }

    /// Where deliveries are kept.
    pub fn store(&self) -> &dyn EventStore {
        &*self.inner.store
    }

    /// The mirror of Stripe objects it keeps up to date, if any ([`ReceiverConfig::mirror`]).
    pub fn mirror(&self) -> Option<&Mirror> {
        self.inner.mirror.as_ref()
    }

    /// The dispatcher running the handlers.
    pub fn dispatcher(&self) -> &Dispatcher {
        &self.inner.dispatcher
    }

    /// When deliveries' handlers run (see [`ReceiverConfig::processing`]).
    pub fn processing(&self) -> Processing {
        self.inner.processing
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
            .field("application", &self.inner.application)
            .field("processing", &self.inner.processing)
            .field("workers", &self.inner.workers)
            .field("retry", &self.inner.retry)
            .field("poll_interval", &self.inner.poll_interval)
            .finish_non_exhaustive()
    }
}

/// What became of a delivery (or a replay).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
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
    /// Queue mode ([`Processing::Queue`]): verified, parsed and stored (the store call
    /// returned before this answer), handlers not run yet: a worker will (200: Stripe is
    /// done with it). Also the answer to a redelivery of an event already stored, whatever
    /// its status (it is not changed). Not [done](Self::is_done): the handlers have not run.
    Queued,
    /// Another delivery of the same event is running its handlers (409: Stripe retries).
    InProgress,
    /// Typed handlers exist for its type, but its payload did not fit the generated type, so
    /// they could not run (200: a retry carries the same payload). Stored as
    /// [`Status::Untyped`](crate::store::Status::Untyped); replay it once the application is
    /// built with types that fit.
    Untyped {
        /// How many typed handlers could not run.
        skipped: usize,
        /// Where and why the payload did not fit.
        error: PayloadError,
    },
    /// A handler failed (500: Stripe retries).
    HandlerFailed(DispatchError),
    /// The event store failed, or belongs to another application (500: Stripe retries).
    StoreFailed(StoreError),
    /// Not authentic, or not a usable event (400; kept in the store, never run).
    Rejected(WebhookError),
    /// The body is over the receiver's body limit (413; not read further, not stored).
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The delivery's task ended without an outcome (a panic outside the handlers, which
    /// are caught: a bug), 500.
    Crashed(String),
    /// Validation against Stripe's API ([`ReceiverConfig::validate`]) denied the event: its
    /// handlers did not run; stored as [`Status::Denied`](crate::store::Status::Denied)
    /// (200: a redelivery would be denied again).
    #[cfg(feature = "client")]
    Denied(crate::validation::Denial),
    /// Validation against Stripe's API could not fetch the event (no connection, timeout,
    /// 429 or 5xx after retries, a wrong API key): its handlers did not run (500: Stripe
    /// delivers it again; a queue worker retries it).
    #[cfg(feature = "client")]
    ValidationFailed(String),
}

impl Outcome {
    /// The HTTP status to answer: 200 (processed, unhandled, duplicate, queued, untyped,
    /// denied), 409 (in progress), 500 (handler or store failed, crashed, validation failed),
    /// 400 (rejected), 413 (too large).
    pub fn status_code(&self) -> StatusCode {
        match self {
            Self::Processed { .. }
            | Self::Unhandled
            | Self::Duplicate
            | Self::Queued
            | Self::Untyped { .. } => StatusCode::OK,
            Self::InProgress => StatusCode::CONFLICT,
            Self::HandlerFailed(_) | Self::StoreFailed(_) | Self::Crashed(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            Self::Rejected(_) => StatusCode::BAD_REQUEST,
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            #[cfg(feature = "client")]
            Self::Denied(_) => StatusCode::OK,
            #[cfg(feature = "client")]
            Self::ValidationFailed(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Whether Stripe should consider the delivery done (a 2xx answer).
    pub fn is_success(&self) -> bool {
        self.status_code().is_success()
    }

    /// The variant's name (`"Processed"`, `"Duplicate"`, `"StoreFailed"`...), as the
    /// `events replay` command prints it.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Processed { .. } => "Processed",
            Self::Unhandled => "Unhandled",
            Self::Duplicate => "Duplicate",
            Self::Queued => "Queued",
            Self::InProgress => "InProgress",
            Self::Untyped { .. } => "Untyped",
            Self::HandlerFailed(_) => "HandlerFailed",
            Self::StoreFailed(_) => "StoreFailed",
            Self::Rejected(_) => "Rejected",
            Self::TooLarge { .. } => "TooLarge",
            Self::Crashed(_) => "Crashed",
            #[cfg(feature = "client")]
            Self::Denied(_) => "Denied",
            #[cfg(feature = "client")]
            Self::ValidationFailed(_) => "ValidationFailed",
        }
    }

    /// Whether the event's handlers are done with it: processed now or earlier, or wanted by
    /// none. (`Untyped` and `Queued` are answered 200 but are not done.)
    pub fn is_done(&self) -> bool {
        matches!(
            self,
            Self::Processed { .. } | Self::Unhandled | Self::Duplicate
        )
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Processed { ran } => write!(f, "processed ({ran} handler(s) ran)"),
            Self::Unhandled => f.write_str("unhandled (no handler for this event)"),
            Self::Duplicate => f.write_str("duplicate (already processed)"),
            Self::Queued => f.write_str("queued (stored; a worker runs its handlers)"),
            Self::InProgress => f.write_str("in progress (another delivery is running it)"),
            Self::Untyped { skipped, error } => write!(
                f,
                "untyped ({skipped} typed handler(s) could not run: {error}; replay after \
                 rebuilding with types that fit)"
            ),
            Self::HandlerFailed(error) => write!(f, "handler failed: {error}"),
            Self::StoreFailed(error) => write!(f, "event store failed: {error}"),
            Self::Rejected(reason) => write!(f, "rejected: {reason}"),
            Self::TooLarge { limit } => write!(f, "too large (over {limit} bytes)"),
            Self::Crashed(why) => write!(f, "crashed: {why}"),
            #[cfg(feature = "client")]
            Self::Denied(denial) => write!(f, "denied: {denial}"),
            #[cfg(feature = "client")]
            Self::ValidationFailed(why) => write!(f, "validation failed: {why}"),
        }
    }
}

/// Serves `receiver`'s [router](Receiver::router) on `listener` until the process ends, with
/// the connection bound and header timeout of its [`ReceiverConfig`] (see
/// [limits](self#limits-against-hostile-clients)).
///
/// # Errors
///
/// Before accepting anything, when the receiver is not [ready](Receiver::ready) (its store
/// cannot be written, or belongs to another application); then the listener's error.
pub async fn serve(listener: tokio::net::TcpListener, receiver: Receiver) -> std::io::Result<()> {
    serve_with_shutdown(listener, receiver, std::future::pending()).await
}

/// The current unix time, in seconds.
fn unix_now() -> i64 {
    use crate::signature::Clock;
    crate::signature::SystemClock.now()
}
