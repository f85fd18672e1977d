//! [`ReceiverConfig`]: what a [`Receiver`](super::Receiver) verifies with, where it keeps
//! deliveries, and its limits (see the [module documentation](super#limits-against-hostile-clients)
//! for what each limit stops and its default).

use std::sync::Arc;
use std::time::Duration;

use super::RetryPolicy;
use crate::Webhook;
use crate::mirror::Mirror;
use crate::store::EventStore;

/// How a [`Receiver`](super::Receiver) works: built with [`ReceiverConfig::new`], then the
/// builder methods.
///
/// ```
/// use std::time::Duration;
/// use stripe_events::Webhook;
/// use stripe_events::receiver::{Processing, ReceiverConfig, RetryPolicy};
/// use stripe_events::store::SqliteStore;
///
/// let config = ReceiverConfig::new(Webhook::new("whsec_..."))
///     .store(SqliteStore::in_memory()?)
///     .body_limit(256 * 1024)
///     .lease(Duration::from_secs(30))
///     .header_timeout(Duration::from_secs(5))
///     .body_timeouts(Duration::from_secs(5), Duration::from_secs(20))
///     .max_connections(256)
///     .body_budget(8 * 1024 * 1024)
///     .forged_prefix(1024)
///     .forged_budget(128 * 1024, 60, Duration::from_secs(60))
///     // Acknowledge first, process after: 200 once stored, two workers run the handlers.
///     .processing(Processing::Queue)
///     .workers(2)
///     .retry(RetryPolicy::new(Duration::from_secs(5), Duration::from_secs(600), 10))
///     .poll_interval(Duration::from_millis(500));
/// # Ok::<(), stripe_events::store::StoreError>(())
/// ```
#[derive(Clone)]
pub struct ReceiverConfig {
    pub(crate) webhook: Webhook,
    pub(crate) store: Option<Arc<dyn EventStore>>,
    pub(crate) body_limit: usize,
    pub(crate) lease: Duration,
    pub(crate) application: Option<String>,
    pub(crate) header_timeout: Duration,
    pub(crate) body_idle_timeout: Duration,
    pub(crate) body_deadline: Duration,
    pub(crate) max_connections: usize,
    pub(crate) body_budget: usize,
    pub(crate) forged_prefix: usize,
    pub(crate) forged_budget: ForgedBudget,
    pub(crate) processing: Processing,
    pub(crate) workers: usize,
    pub(crate) retry: RetryPolicy,
    pub(crate) poll_interval: Duration,
    pub(crate) mirror: Option<Mirror>,
    #[cfg(feature = "client")]
    pub(crate) validation: Option<crate::validation::Validation>,
}

/// When a [`Receiver`](super::Receiver) runs the handlers of a delivery: see
/// [`ReceiverConfig::processing`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Processing {
    /// In the request (the default): verify, record, claim, run the handlers, and answer with
    /// their result (a failure is answered 500, and Stripe delivers the event again).
    #[default]
    Inline,
    /// Acknowledge first, process after: verify, record, answer 200
    /// ([`Outcome::Queued`](super::Outcome::Queued)) as soon as the store has the event, and
    /// leave the handlers to workers ([`ReceiverConfig::workers`],
    /// [`Receiver::run_workers`](super::Receiver::run_workers)), which retry failures with
    /// the [`RetryPolicy`]. See [queue mode](super#queue-mode-acknowledge-first-process-after).
    Queue,
}

/// How much of the forged deliveries (signature not verified) may be stored, per period: see
/// [`ReceiverConfig::forged_budget`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ForgedBudget {
    /// Bytes of body that may be stored per `per`.
    pub(crate) bytes: usize,
    /// Rows that may be stored per `per`.
    pub(crate) rows: u32,
    /// The period.
    pub(crate) per: Duration,
}

impl ReceiverConfig {
    /// The default body limit: 1 MiB (Stripe's events are far smaller).
    pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
    /// The default lease: 60 s.
    pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);
    /// The default header timeout: 10 s.
    pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
    /// The default body idle timeout (longest wait for the next piece of a body): 10 s.
    pub const DEFAULT_BODY_IDLE_TIMEOUT: Duration = Duration::from_secs(10);
    /// The default body deadline (longest time to receive a whole body): 30 s.
    pub const DEFAULT_BODY_DEADLINE: Duration = Duration::from_secs(30);
    /// The default bound on open connections: 512.
    pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
    /// The default bound on body bytes buffered at once, across all connections: 16 MiB.
    pub const DEFAULT_BODY_BUDGET: usize = 16 * 1024 * 1024;
    /// The default prefix kept of a forged delivery's body: 4 KiB.
    pub const DEFAULT_FORGED_PREFIX: usize = 4 * 1024;
    /// The default forged-delivery budget's bytes of body per period: 256 KiB.
    pub const DEFAULT_FORGED_BYTES: usize = 256 * 1024;
    /// The default forged-delivery budget's rows per period: 120.
    pub const DEFAULT_FORGED_ROWS: u32 = 120;
    /// The default forged-delivery budget's period: a minute.
    pub const DEFAULT_FORGED_PERIOD: Duration = Duration::from_secs(60);
    /// The default number of workers [`serve`](super::serve) starts in queue mode: 16. Workers
    /// are tasks, not threads: the number bounds how many handlers run at once (inline mode
    /// runs as many as there are deliveries in flight). The workers of a process that ask for
    /// a job at the same moment claim together, so more workers also mean fewer, larger
    /// claims: on PostgreSQL, 2 workers emptied a backlog of 5,000 events at about 150 per
    /// second, 16 at about 1,500 (BENCHMARKS.md).
    pub const DEFAULT_WORKERS: usize = 16;
    /// The default time an idle worker waits before looking for queued events again: 1 s.
    pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(1);

    /// Deliveries verified and parsed with `webhook` (secrets, tolerance, API-version
    /// policy), kept in an in-memory store unless [`store`](Self::store) is given, bodies up
    /// to 1 MiB, 60 s leases, and the `DEFAULT_*` limits against hostile clients.
    #[must_use]
    pub fn new(webhook: Webhook) -> Self {
        Self {
            webhook,
            store: None,
            body_limit: Self::DEFAULT_BODY_LIMIT,
            lease: Self::DEFAULT_LEASE,
            application: None,
            header_timeout: Self::DEFAULT_HEADER_TIMEOUT,
            body_idle_timeout: Self::DEFAULT_BODY_IDLE_TIMEOUT,
            body_deadline: Self::DEFAULT_BODY_DEADLINE,
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
            body_budget: Self::DEFAULT_BODY_BUDGET,
            forged_prefix: Self::DEFAULT_FORGED_PREFIX,
            forged_budget: ForgedBudget {
                bytes: Self::DEFAULT_FORGED_BYTES,
                rows: Self::DEFAULT_FORGED_ROWS,
                per: Self::DEFAULT_FORGED_PERIOD,
            },
            processing: Processing::Inline,
            workers: Self::DEFAULT_WORKERS,
            retry: RetryPolicy::default(),
            poll_interval: Self::DEFAULT_POLL_INTERVAL,
            mirror: None,
            #[cfg(feature = "client")]
            validation: None,
        }
    }

    /// Where deliveries are kept (default: a new
    /// [`MemoryStore`](crate::store::MemoryStore), so de-duplication works only for the
    /// life of the process).
    #[must_use]
    pub fn store(mut self, store: impl EventStore) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// The largest body accepted, in bytes; larger ones are answered 413 without being read
    /// further, and a declared `Content-Length` above it before any of the body is read (no
    /// `100 Continue`) (default 1 MiB).
    #[must_use]
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// How long a claim on an event lasts while its handlers run (default 60 s): a delivery
    /// of the same event meanwhile is answered 409 (Stripe retries it later); after it, a
    /// process that died while running the handlers no longer blocks the event. Queue-mode
    /// workers claim with the same lease; a worker still running handlers when it ends may see
    /// another worker take the event over and run them too. Make it longer than your slowest
    /// handler.
    #[must_use]
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// How long a connection may take to send a request's headers (default 10 s; then it is
    /// closed). The clock starts as soon as the connection waits for a request, so this is also
    /// how long an idle keep-alive connection stays open. Applies with [`serve`](super::serve).
    ///
    /// # Panics
    ///
    /// If `timeout` is zero.
    #[must_use]
    pub fn header_timeout(mut self, timeout: Duration) -> Self {
        assert!(!timeout.is_zero(), "the header timeout must not be zero");
        self.header_timeout = timeout;
        self
    }

    /// How long a body may stall between two pieces (`idle`, default 10 s) and how long the
    /// whole body may take (`deadline`, default 30 s), counted from when its headers arrived.
    /// Either way it is answered 408 and the connection closed.
    ///
    /// # Panics
    ///
    /// If either is zero.
    #[must_use]
    pub fn body_timeouts(mut self, idle: Duration, deadline: Duration) -> Self {
        assert!(
            !idle.is_zero() && !deadline.is_zero(),
            "body timeouts must not be zero"
        );
        self.body_idle_timeout = idle;
        self.body_deadline = deadline;
        self
    }

    /// How many connections are served at once (default 512). Beyond it, new connections
    /// wait in the listener's backlog (not accepted) until one closes. Applies with
    /// [`serve`](super::serve).
    ///
    /// # Panics
    ///
    /// If `connections` is zero.
    #[must_use]
    pub fn max_connections(mut self, connections: usize) -> Self {
        assert!(connections > 0, "max_connections must be at least 1");
        self.max_connections = connections;
        self
    }

    /// How many body bytes may be buffered at once across all connections before their
    /// signatures are checked (default 16 MiB; never less than the
    /// [`body_limit`](Self::body_limit)). A body that does not fit is answered 503 at once (a
    /// declared `Content-Length` is reserved before any of the body is read), and Stripe
    /// delivers it again later.
    #[must_use]
    pub fn body_budget(mut self, bytes: usize) -> Self {
        self.body_budget = bytes;
        self
    }

    /// How much of a forged delivery's body is stored (the ones whose signature did not
    /// verify; default 4 KiB; [`MAX_INVALID_BODY`](crate::store::MAX_INVALID_BODY) at most).
    /// Authentic but unusable deliveries keep their body as the store does.
    #[must_use]
    pub fn forged_prefix(mut self, bytes: usize) -> Self {
        self.forged_prefix = bytes;
        self
    }

    /// How many forged deliveries are stored: at most `bytes` of body and `rows` deliveries
    /// per `per` (a token bucket: a burst of that size, refilled evenly over `per`; default
    /// 256 KiB and 120 rows per minute). Beyond it they are still answered 400 but not
    /// stored, only counted ([`Receiver::rejected_not_stored`](super::Receiver::rejected_not_stored)),
    /// with a warning logged at most once per `per`.
    ///
    /// # Panics
    ///
    /// If `per` is zero.
    #[must_use]
    pub fn forged_budget(mut self, bytes: usize, rows: u32, per: Duration) -> Self {
        assert!(
            !per.is_zero(),
            "the forged-delivery budget's period must not be zero"
        );
        self.forged_budget = ForgedBudget { bytes, rows, per };
        self
    }
}

/// Queue mode (acknowledge first, process after).
impl ReceiverConfig {
    /// When the handlers run (default [`Processing::Inline`], in the request).
    /// [`Processing::Queue`] answers 200 as soon as the delivery is stored and leaves the
    /// handlers to workers (see [queue mode](super#queue-mode-acknowledge-first-process-after)).
    #[must_use]
    pub fn processing(mut self, processing: Processing) -> Self {
        self.processing = processing;
        self
    }

    /// How many workers [`serve`](super::serve) and
    /// [`serve_with_shutdown`](super::serve_with_shutdown) run beside the endpoint in queue
    /// mode (default [`DEFAULT_WORKERS`](Self::DEFAULT_WORKERS), 16; ignored inline). `0` starts none: the endpoint only stores, and workers
    /// of other processes ([`Receiver::run_workers`](super::Receiver::run_workers), `stripe-events
    /// worker`) on the same store run the handlers.
    #[must_use]
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = workers;
        self
    }

    /// How queue-mode workers retry failed handlers, and when they give up (default
    /// [`RetryPolicy::default`]: base 10 s, cap 1 h, 12 attempts).
    #[must_use]
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How long an idle worker waits before looking for queued events again (default 1 s).
    /// Deliveries this process stores wake its workers at once; this is how they find the
    /// ones other processes stored, retries that came due, and events whose worker died.
    ///
    /// # Panics
    ///
    /// If `interval` is zero.
    #[must_use]
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        assert!(!interval.is_zero(), "the poll interval must not be zero");
        self.poll_interval = interval;
        self
    }

    /// Keeps `mirror` up to date: each snapshot event is applied to it after its handlers
    /// succeeded (or were skipped because its payload did not fit its type) and before it is
    /// marked processed, in inline and queue mode and on replays; thin events are not (they
    /// carry no object), except by a mirror in re-fetch mode (feature `client`,
    /// [`Mirror::refetching`]), which fetches each event's object (a thin event's related
    /// object) from Stripe's API instead. Failing to apply it (a store error, or in re-fetch
    /// mode a fetch that failed after the client's retries) fails the attempt like a handler failure (the
    /// event is recorded failed with the reason, answered 500 in inline mode so that Stripe
    /// delivers it again, retried by the workers in queue mode), with the handlers run again
    /// on the next attempt. The receiver also gives the mirror to handlers as dispatcher state
    /// (`&Mirror` as a handler's state parameter, [`Invocation::state`](crate::dispatch::Invocation::state);
    /// it replaces a `Mirror` the dispatcher had), so a handler reads the object as it was
    /// before the event. See [the mirror](crate::mirror).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use stripe_events::Webhook;
    /// use stripe_events::mirror::Mirror;
    /// use stripe_events::receiver::ReceiverConfig;
    /// use stripe_events::store::SqliteStore;
    ///
    /// // One database for the deliveries and the objects.
    /// let store = Arc::new(SqliteStore::in_memory()?);
    /// let config = ReceiverConfig::new(Webhook::new("whsec_..."))
    ///     .store(Arc::clone(&store))
    ///     .mirror(Mirror::new(store));
    /// # Ok::<(), stripe_events::store::StoreError>(())
    /// ```
    #[must_use]
    pub fn mirror(mut self, mirror: Mirror) -> Self {
        self.mirror = Some(mirror);
        self
    }
}

/// Validation against Stripe's API (feature `client`).
#[cfg(feature = "client")]
impl ReceiverConfig {
    /// Validates every event against Stripe's API before its handlers run, pinax-stripe's
    /// way ([`validation`](crate::validation)): once the event is claimed, it is fetched
    /// again by its id (`/v1/events/{id}`, with `Stripe-Account` for a Connect event;
    /// `/v2/core/events/{id}` for a thin one) and its handlers run only when Stripe returns
    /// it with the same type and about the same object. The outcome is recorded
    /// ([`StoredDelivery::valid`](crate::store::StoredDelivery::valid)).
    ///
    /// * **Denied** (404, another type or object): the handlers never run; the event is
    ///   [`Status::Denied`](crate::store::Status::Denied) with the reason and answered
    ///   **200** ([`Outcome::Denied`](super::Outcome::Denied)): Stripe's own redelivery
    ///   would be denied again (the API is the authority, and a delivery it does not know is
    ///   not Stripe's), so it is not asked for one. `events list --status denied` shows
    ///   them; a replay validates again.
    /// * **The fetch failed** (no connection, timeout, 429 or 5xx after the client's
    ///   retries, 401 for a wrong API key): nothing is lost and nothing runs. Inline, the
    ///   event is [`Status::Failed`](crate::store::Status::Failed) and answered **500**
    ///   ([`Outcome::ValidationFailed`](super::Outcome::ValidationFailed)), so Stripe
    ///   delivers it again; in queue mode the worker retries it with its
    ///   [`RetryPolicy`](super::RetryPolicy)'s backoff, like a handler failure.
    ///
    /// Every attempt validates (one API call per attempt). In queue mode the delivery is
    /// answered 200 before validation, as before it is stored. The store must implement
    /// [`EventStore::set_valid`](crate::store::EventStore::set_valid) (the stores of this
    /// crate do).
    ///
    /// ```no_run
    /// use stripe_events::client::Client;
    /// use stripe_events::receiver::ReceiverConfig;
    /// use stripe_events::validation::Validation;
    /// use stripe_events::Webhook;
    ///
    /// # fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = Client::new(std::env::var("STRIPE_SECRET_KEY")?)?;
    /// let config = ReceiverConfig::new(Webhook::try_new(std::env::var("STRIPE_WEBHOOK_SECRET")?)?)
    ///     .validate(Validation::new(client));
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn validate(mut self, validation: crate::validation::Validation) -> Self {
        self.validation = Some(validation);
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
        let mut d = f.debug_struct("ReceiverConfig");
        #[cfg(feature = "client")]
        d.field("validation", &self.validation);
        d.field("webhook", &self.webhook)
            .field("store", &self.store.as_ref().map(|_| "dyn EventStore"))
            .field("body_limit", &self.body_limit)
            .field("lease", &self.lease)
            .field("application", &self.application)
            .field("header_timeout", &self.header_timeout)
            .field("body_idle_timeout", &self.body_idle_timeout)
            .field("body_deadline", &self.body_deadline)
            .field("max_connections", &self.max_connections)
            .field("body_budget", &self.body_budget)
            .field("forged_prefix", &self.forged_prefix)
            .field("forged_budget", &self.forged_budget)
            .field("processing", &self.processing)
            .field("workers", &self.workers)
            .field("retry", &self.retry)
            .field("poll_interval", &self.poll_interval)
            .field("mirror", &self.mirror)
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
