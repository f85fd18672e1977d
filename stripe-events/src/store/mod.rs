//! Keeping webhook deliveries: every body received (authentic or not), and for each authentic
//! event whether its handlers ran, failed or are still running.
//!
//! The [`EventStore`] trait is what the [receiver](crate::receiver) needs (feature `store`,
//! which compiles no database). Three implementations: [`MemoryStore`] (in memory, the
//! receiver's default, gone with the process); with feature `sqlite`, `SqliteStore` (SQLite
//! in WAL mode, so a command-line tool can list or replay deliveries while a server is
//! writing them); with feature `postgres`, `PostgresStore` (PostgreSQL, shared by any number
//! of receivers and workers on any number of machines). An application with a database of
//! its own implements the trait.
//!
//! * [`EventStore::record`]: an authentic delivery; the first delivery of an event id inserts
//!   it as [`Status::Pending`], a redelivery keeps the existing row.
//! * [`EventStore::record_rejected`]: a delivery whose signature or body was rejected, kept for
//!   inspection (never run).
//! * [`EventStore::claim`] / [`complete`](EventStore::complete) / [`fail`](EventStore::fail) /
//!   [`untyped`](EventStore::untyped) / [`release`](EventStore::release): exactly-once
//!   processing. A claim takes a lease on the event; while it runs, other claims
//!   get [`Claim::InProgress`]; once processed, [`Claim::AlreadyProcessed`]. A process that
//!   dies while running handlers leaves the event pending: after the lease, it can be claimed
//!   again.
//! * Queue mode (acknowledge first, process after): [`EventStore::claim_next`] hands
//!   workers the oldest recorded event not yet processed, [`retry_at`](EventStore::retry_at)
//!   schedules another attempt after a failure, [`dead`](EventStore::dead) gives up
//!   ([`Status::Dead`]). Workers and receivers of several processes can share one store.
//! * Batches: [`record_batch`](EventStore::record_batch),
//!   [`record_and_claim_batch`](EventStore::record_and_claim_batch),
//!   [`finish_batch`](EventStore::finish_batch) and
//!   [`claim_next_batch`](EventStore::claim_next_batch) do the same for several deliveries
//!   at once. The receiver gathers the calls that arrive while its previous batch is being
//!   written (a group commit), and the database stores write each batch in one transaction.
//!   A store of an application's own gets them for free (one call per entry).
//! * [`EventStore::prune`]: retention; deletes processed deliveries past an age, never
//!   anything still to do or to look at.
//! * [`EventStore::bind_application`]: a store belongs to the application whose handlers
//!   process its events; a receiver of another application refuses it, so that no program
//!   marks another program's events processed.
//!
//! ```
//! use stripe_events::store::{Claim, EventStore, MemoryStore, Status};
//! use stripe_events::{Event, testing};
//! use std::time::Duration;
//!
//! let store = MemoryStore::new();
//! let body = testing::event_envelope("evt_1", "customer.created", &serde_json::json!({"id": "cus_1"}))
//!     .to_string();
//! let event = Event::from_slice(body.as_bytes()).unwrap();
//! store.record(&event, body.as_bytes(), 1_700_000_000)?;
//! let lease = Duration::from_secs(60);
//! assert!(matches!(store.claim("evt_1", 1_700_000_000, lease)?, Claim::Run { attempt: 1 }));
//! assert!(matches!(store.claim("evt_1", 1_700_000_001, lease)?, Claim::InProgress));
//! store.complete("evt_1")?;
//! assert!(matches!(store.claim("evt_1", 1_700_000_002, lease)?, Claim::AlreadyProcessed));
//! assert_eq!(store.get("evt_1")?.unwrap().status, Status::Processed);
//! # Ok::<(), stripe_events::store::StoreError>(())
//! ```

mod memory;
#[cfg(feature = "postgres")]
pub(crate) mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use postgres::{PostgresStore, PostgresStoreBuilder};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

/// How many bytes of a rejected delivery's body are kept (64 KiB): enough to see what it was,
/// not enough for an unauthenticated sender to fill the disk quickly.
pub const MAX_INVALID_BODY: usize = 64 * 1024;

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Recorded, handlers not (successfully) finished yet: never claimed, running, or its
    /// process died while running them.
    Pending,
    /// Every handler succeeded (or none wanted it).
    Processed,
    /// A handler failed (Stripe retries it), or the delivery was rejected.
    Failed,
    /// Typed handlers exist for its event type, but its payload did not fit the generated
    /// type (rendered for another API version, say), so they could not run. Nothing ran but
    /// `"*"` handlers; replay it once the application is built with types that fit.
    Untyped,
    /// Queue mode gave up: its handlers failed on every one of the attempts the workers were
    /// allowed ([`EventStore::retry_at`] is no longer called). Never claimed by the queue
    /// again; listed (`events list --status dead`) and replayable.
    Dead,
    /// Validation against Stripe's API (the receiver's `ReceiverConfig::validate` option,
    /// feature `client`) found that Stripe does
    /// not have this event, or has it with another type or about another object: its
    /// handlers never ran and never will for this delivery; `last_error` says why, and the
    /// delivery's [`valid`](StoredDelivery::valid) is `Some(false)`. Not queued; a
    /// redelivery or replay claims it again and validates it again.
    Denied,
}

impl Status {
    /// Every status, in the order of the lifecycle.
    pub const ALL: [Status; 6] = [
        Self::Pending,
        Self::Processed,
        Self::Failed,
        Self::Untyped,
        Self::Dead,
        Self::Denied,
    ];

    /// `"pending"`, `"processed"`, `"failed"`, `"untyped"`, `"dead"` or `"denied"` (as
    /// stored).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Processed => "processed",
            Self::Failed => "failed",
            Self::Untyped => "untyped",
            Self::Dead => "dead",
            Self::Denied => "denied",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not a [`Status`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseStatusError(pub String);

impl fmt::Display for ParseStatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown delivery status `{}` (expected pending, processed, failed, untyped, dead or \
             denied)",
            self.0
        )
    }
}

impl std::error::Error for ParseStatusError {}

impl FromStr for Status {
    type Err = ParseStatusError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| ParseStatusError(s.to_owned()))
    }
}

/// One stored delivery.
#[derive(Debug, Clone)]
pub struct StoredDelivery {
    /// Position in the store (received order).
    pub row_id: i64,
    /// The event id (`evt_...`); for a rejected delivery, read best-effort from the untrusted
    /// body.
    pub event_id: Option<String>,
    /// The event type; best-effort for rejected deliveries.
    pub event_type: Option<String>,
    /// The event's `api_version` (authentic deliveries only).
    pub api_version: Option<String>,
    /// The connected account (authentic deliveries only).
    pub account: Option<String>,
    /// Live mode (authentic deliveries only).
    pub livemode: Option<bool>,
    /// When it was (first) received, unix seconds.
    pub received_at: i64,
    /// The raw body, byte for byte (at most [`MAX_INVALID_BODY`] bytes of a rejected one).
    pub body: Vec<u8>,
    /// Whether its `Stripe-Signature` verified.
    pub signature_valid: bool,
    /// Where it stands.
    pub status: Status,
    /// How many times its handlers were started.
    pub attempts: u32,
    /// Why it last failed (handler errors, or why it was rejected or denied).
    pub last_error: Option<String>,
    /// What validation against Stripe's API said ([`EventStore::set_valid`]): `Some(true)`
    /// when Stripe confirmed the event, `Some(false)` when it denied it
    /// ([`Status::Denied`]), `None` when it was not validated (no validation configured, or
    /// not yet: a fetch that failed records nothing).
    pub valid: Option<bool>,
}

/// One step in a delivery's history ([`EventStore::history`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// When, unix seconds.
    pub at: i64,
    /// The status it took: [`Status::Pending`] when an attempt started (a claim), else the
    /// result of that attempt.
    pub status: Status,
    /// The attempt it belongs to (1 for the first).
    pub attempt: u32,
    /// The error or reason recorded with it.
    pub error: Option<String>,
}

impl fmt::Display for StatusChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            Status::Pending if self.error.is_none() => {
                write!(f, "{} attempt {} started", self.at, self.attempt)
            }
            status => {
                write!(f, "{} {status} (attempt {})", self.at, self.attempt)?;
                match &self.error {
                    Some(error) => write!(f, ": {error}"),
                    None => Ok(()),
                }
            }
        }
    }
}

/// The answer to [`EventStore::claim`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Run the handlers now; this is attempt number `attempt` (1 for the first).
    Run {
        /// 1-based attempt number.
        attempt: u32,
    },
    /// Its handlers already succeeded: do not run them again.
    AlreadyProcessed,
    /// Another claim is running them and its lease has not expired.
    InProgress,
}

/// A queued event claimed by a worker ([`EventStore::claim_next`]): run its handlers, then
/// record the result like any claim's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The event id (`evt_...`).
    pub event_id: String,
    /// 1-based attempt number (this claim included).
    pub attempt: u32,
    /// The raw body as it was delivered, byte for byte.
    pub body: Vec<u8>,
}

/// An authentic delivery to record ([`EventStore::record_batch`],
/// [`EventStore::record_and_claim_batch`]): what [`EventStore::record`] takes, as one value.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    /// The parsed event: a snapshot [`Event`](crate::Event) or a thin
    /// [`EventNotification`](crate::EventNotification) (see [`RecordedEvent`]).
    pub event: &'a dyn RecordedEvent,
    /// The raw body as it was delivered, byte for byte.
    pub body: &'a [u8],
    /// When it arrived (unix seconds).
    pub received_at: i64,
}

impl Incoming<'_> {
    /// What recording and claiming it is doing, for an error's context (the database stores'
    /// batches).
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    pub(crate) fn context(&self) -> String {
        format!("recording and claiming {}", self.event.event_id())
    }
}

/// What [`EventStore::finish_then_record_and_claim_batch`] answers: one result per claim's
/// result recorded, then one claim per delivery, each in the order given.
pub type InlineResults = (Vec<Result<(), StoreError>>, Vec<Result<Claim, StoreError>>);

/// [`EventStore::finish_then_record_and_claim_batch`] as two calls, each only when it has
/// entries: the provided method, and a store's own for a batch with one kind of entry only.
pub(crate) fn finish_then_record_and_claim_apart<S: EventStore + ?Sized>(
    store: &S,
    finishes: &[Finish<'_>],
    batch: &[Incoming<'_>],
    now: i64,
    lease: Duration,
) -> InlineResults {
    let finished = if finishes.is_empty() {
        Vec::new()
    } else {
        store.finish_batch(finishes)
    };
    let claims = if batch.is_empty() {
        Vec::new()
    } else {
        store.record_and_claim_batch(batch, now, lease)
    };
    (finished, claims)
}

/// A claim's result to record ([`EventStore::finish_batch`]): what [`EventStore::finish`]
/// takes, as one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finish<'a> {
    /// The event id (`evt_...`).
    pub event_id: &'a str,
    /// Its new status.
    pub status: Status,
    /// Its `last_error`.
    pub error: Option<&'a str>,
    /// When the queue may claim it again (unix seconds): another attempt of a failed event
    /// (what [`EventStore::retry_at`] sets). `None`: at once for a release
    /// ([`Status::Pending`]), never for any other status.
    pub run_after: Option<i64>,
    /// The claim this result belongs to (its `attempt`, from [`Claim::Run`] or [`Job`]): the
    /// store records it only while that claim is the event's latest, and answers an error
    /// that [`StoreError::is_superseded`] recognises otherwise (the claim outlived its lease
    /// and another claim took the event over: that one's result counts, not this one's).
    /// `None`: recorded whatever the claim (what [`EventStore::finish`] does).
    pub attempt: Option<u32>,
}

impl Finish<'_> {
    /// [`EventStore::finish`]'s entry: `status` and `error`, whatever the claim.
    pub(crate) fn of<'a>(event_id: &'a str, status: Status, error: Option<&'a str>) -> Finish<'a> {
        Finish {
            event_id,
            status,
            error,
            run_after: None,
            attempt: None,
        }
    }

    /// [`EventStore::retry_at`]'s entry: failed with `error`, again from `run_after` on.
    pub(crate) fn retry<'a>(event_id: &'a str, error: &'a str, run_after: i64) -> Finish<'a> {
        Finish {
            run_after: Some(run_after),
            ..Finish::of(event_id, Status::Failed, Some(error))
        }
    }

    /// Records this one entry with `store`'s [`EventStore::finish_batch`].
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    pub(crate) fn alone(&self, store: &(impl EventStore + ?Sized)) -> Result<(), StoreError> {
        store
            .finish_batch(std::slice::from_ref(self))
            .pop()
            .unwrap_or(Ok(()))
    }

    /// What recording it is doing, for an error's context.
    pub(crate) fn context(&self) -> String {
        match self.run_after {
            Some(_) => format!("scheduling a retry of {}", self.event_id),
            None => finishing(self.status, self.event_id),
        }
    }
}

/// The source of [`StoreError::superseded`].
#[derive(Debug)]
struct Superseded {
    attempt: u32,
    latest: u32,
}

impl fmt::Display for Superseded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "attempt {} outlived its lease: attempt {} took the event over, and its result counts",
            self.attempt, self.latest
        )
    }
}

impl std::error::Error for Superseded {}

/// A store operation failed: what was being done, and the backend's error. Cheap to clone
/// (the source is shared); two errors are equal when they say the same.
#[derive(Debug, Clone)]
pub struct StoreError {
    context: String,
    source: Arc<dyn std::error::Error + Send + Sync + 'static>,
}

impl StoreError {
    /// An error of some backend while doing `context` (e.g. `"claiming evt_1"`).
    pub fn new(
        context: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        let source: Box<dyn std::error::Error + Send + Sync + 'static> = source.into();
        Self {
            context: context.into(),
            source: Arc::from(source),
        }
    }

    /// A result of claim `attempt` that was not recorded because claim `latest` took the
    /// event over ([`Finish::attempt`]).
    pub fn superseded(context: impl Into<String>, attempt: u32, latest: u32) -> Self {
        Self::new(context, Superseded { attempt, latest })
    }

    /// Whether this is a result that was not recorded because a later claim took its event
    /// over ([`StoreError::superseded`]): nothing to retry.
    pub fn is_superseded(&self) -> bool {
        let source: &(dyn std::error::Error + 'static) = &*self.source;
        source.downcast_ref::<Superseded>().is_some()
            || source
                .downcast_ref::<StoreError>()
                .is_some_and(StoreError::is_superseded)
    }

    /// What was being done.
    pub fn context(&self) -> &str {
        &self.context
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.context, self.source)
    }
}

impl PartialEq for StoreError {
    fn eq(&self, other: &Self) -> bool {
        self.context == other.context && self.source.to_string() == other.source.to_string()
    }
}

impl Eq for StoreError {}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// Where webhook deliveries are kept (see the [module documentation](self)). Calls are
/// synchronous; the receiver runs them on tokio's blocking pool.
pub trait EventStore: Send + Sync + 'static {
    /// An authentic delivery: inserted as [`Status::Pending`] the first time its event id is
    /// seen, queued from `received_at` on (see [`claim_next`](Self::claim_next)); a
    /// redelivery of a known id keeps the existing row (status, attempts, body), and queues it
    /// again from `received_at` if it is [`Status::Failed`] and out of the queue (a failure
    /// recorded by [`fail`](Self::fail), in inline mode: when a store moves to queue mode,
    /// Stripe's retry of such an event is then run by the workers instead of being answered
    /// 200 and left failed).
    ///
    /// `event` is a snapshot [`Event`](crate::Event) or a thin
    /// [`EventNotification`](crate::EventNotification) (or a
    /// [`ReceivedEvent`](crate::ReceivedEvent) of either kind): both are stored, de-duplicated
    /// by id, claimed and listed alike; which kind a stored body is, its `object` says.
    fn record(
        &self,
        event: &dyn RecordedEvent,
        body: &[u8],
        received_at: i64,
    ) -> Result<(), StoreError>;

    /// A delivery that was rejected, kept for inspection with [`Status::Failed`] and
    /// `last_error = reason`: `signature_valid` false when its signature did not verify, true
    /// for an authentic body that could not be used (not JSON, not an event, API version
    /// rejected). At most [`MAX_INVALID_BODY`] bytes of the body are kept; the event id and
    /// type are read best-effort from it. Rejected deliveries never conflict with each other
    /// or with authentic ones, and are never claimed.
    fn record_rejected(
        &self,
        body: &[u8],
        signature_valid: bool,
        reason: &str,
        received_at: i64,
    ) -> Result<(), StoreError>;

    /// Atomically takes the right to run the handlers of `event_id`:
    /// [`Claim::AlreadyProcessed`] if processed; [`Claim::InProgress`] if another claim's
    /// lease is still running at `now`; else marks it pending with a lease until
    /// `now + lease`, counts an attempt, and answers [`Claim::Run`]. Two concurrent claims
    /// never both get `Run`. An event id that was never [`record`](Self::record)ed is an error.
    fn claim(&self, event_id: &str, now: i64, lease: Duration) -> Result<Claim, StoreError>;

    /// Records the result of a claim on `event_id`: its new `status`, `last_error = error`,
    /// lease released, one more step in its [`history`](Self::history). A released claim
    /// ([`Status::Pending`]) is queued again at once; any other result takes the event out
    /// of the queue ([`retry_at`](Self::retry_at) puts a failed one back). The methods below
    /// name the five results; implement this one.
    fn finish(&self, event_id: &str, status: Status, error: Option<&str>)
    -> Result<(), StoreError>;

    /// Records several authentic deliveries, as [`record`](Self::record) records each, and
    /// returns one result per delivery, in order. The receiver gathers the deliveries that
    /// arrive while its previous batch is being written into the next one (a group commit):
    /// the database stores write a batch in one transaction, so that a whole batch costs one
    /// commit, and then one error fails every delivery of the batch (none of them is stored).
    /// The provided method records each in turn.
    fn record_batch(&self, batch: &[Incoming<'_>]) -> Vec<Result<(), StoreError>> {
        batch
            .iter()
            .map(|d| self.record(d.event, d.body, d.received_at))
            .collect()
    }

    /// Records each delivery and claims it ([`record`](Self::record), then
    /// [`claim`](Self::claim) with `now` and `lease`), in order: inline mode's first step, one
    /// transaction per batch in the database stores (see [`record_batch`](Self::record_batch)).
    /// A duplicate of an event earlier in the same batch finds it claimed
    /// ([`Claim::InProgress`]). The provided method calls the two for each in turn.
    fn record_and_claim_batch(
        &self,
        batch: &[Incoming<'_>],
        now: i64,
        lease: Duration,
    ) -> Vec<Result<Claim, StoreError>> {
        batch
            .iter()
            .map(|d| {
                self.record(d.event, d.body, d.received_at)?;
                self.claim(d.event.event_id(), now, lease)
            })
            .collect()
    }

    /// Inline mode's batch: the results of earlier claims (`finishes`, as
    /// [`finish_batch`](Self::finish_batch) records them), then `batch` recorded and claimed
    /// (as [`record_and_claim_batch`](Self::record_and_claim_batch)); one result per entry of
    /// each, in order. A delivery's result then shares the commit of the deliveries that
    /// arrived while its handlers ran, instead of a commit of its own. A duplicate of an event
    /// whose result is in `finishes` sees that result. The provided method calls the two in
    /// turn (two transactions in a database store, as before this method existed);
    /// `SqliteStore` and `PostgresStore` write both in one transaction.
    fn finish_then_record_and_claim_batch(
        &self,
        finishes: &[Finish<'_>],
        batch: &[Incoming<'_>],
        now: i64,
        lease: Duration,
    ) -> InlineResults {
        finish_then_record_and_claim_apart(self, finishes, batch, now, lease)
    }

    /// How many batches the receiver may have running on this store at once: 1 (the
    /// provided method) for a store with one connection, where the next batch is best
    /// gathered while the current one runs; more for a store with a pool of connections, whose
    /// server spreads the batches over its cores.
    fn concurrent_batches(&self) -> usize {
        1
    }

    /// Records several claims' results, as [`finish`](Self::finish) records each (or
    /// [`retry_at`](Self::retry_at), for an entry with a [`Finish::run_after`]), and returns
    /// one result per entry, in order (one transaction per batch in the database stores; an
    /// unknown event id, or a result of a claim another claim took over
    /// ([`Finish::attempt`]), fails its own entry only). The provided method records each in
    /// turn, without the check of [`Finish::attempt`] (a store of its own should add it).
    fn finish_batch(&self, batch: &[Finish<'_>]) -> Vec<Result<(), StoreError>> {
        batch
            .iter()
            .map(|f| match f.run_after {
                Some(at) => self.retry_at(f.event_id, f.error.unwrap_or_default(), at),
                None => self.finish(f.event_id, f.status, f.error),
            })
            .collect()
    }

    /// The handlers of `event_id` succeeded: [`Status::Processed`], lease released.
    fn complete(&self, event_id: &str) -> Result<(), StoreError> {
        self.finish(event_id, Status::Processed, None)
    }

    /// The handlers of `event_id` failed with `error`: [`Status::Failed`], lease released.
    fn fail(&self, event_id: &str, error: &str) -> Result<(), StoreError> {
        self.finish(event_id, Status::Failed, Some(error))
    }

    /// Typed handlers of `event_id` could not run because its payload did not fit its type
    /// (`reason`): [`Status::Untyped`], lease released, `last_error = reason`.
    fn untyped(&self, event_id: &str, reason: &str) -> Result<(), StoreError> {
        self.finish(event_id, Status::Untyped, Some(reason))
    }

    /// Gives up a claim without a result (the handlers ran but their outcome could not be
    /// recorded, say): the event stays [`Status::Pending`] with `last_error = reason` and its
    /// lease is released, so the next delivery or replay can claim it at once instead of
    /// waiting for the lease to end.
    fn release(&self, event_id: &str, reason: &str) -> Result<(), StoreError> {
        self.finish(event_id, Status::Pending, Some(reason))
    }

    /// Queue mode gave up on `event_id` after its last attempt failed with `error`:
    /// [`Status::Dead`], lease released; the queue never claims it again.
    fn dead(&self, event_id: &str, error: &str) -> Result<(), StoreError> {
        self.finish(event_id, Status::Dead, Some(error))
    }

    /// Queue mode: atomically claims the oldest queued event whose time has come, like
    /// [`claim`](Self::claim) does one event (lease until `now + lease`, one more attempt, a
    /// step in its history), and returns it with its body; `None` when there is none.
    ///
    /// Queued are the authentic deliveries that are [`Status::Pending`] (recorded and never
    /// finished, or released, or claimed by a process that died: once their lease ended) or
    /// [`Status::Failed`] with a retry time set by [`retry_at`](Self::retry_at), whose time
    /// (`run_after`) is at or before `now`, oldest time first, then received order (a store
    /// may take a queued event out of that order for a moment: `PostgresStore` claims past
    /// the last event it claimed, and reaches a row behind that once nothing is due past it,
    /// or by a full scan at least once a second while its workers claim). A failure
    /// recorded by [`fail`](Self::fail) (inline mode: Stripe delivers it again) is not
    /// queued, nor are processed, untyped, dead or denied events. Concurrent workers, in one process
    /// or many, never claim the same event at once and never wait for each other's rows.
    ///
    /// The provided method fails: a store of an application's own needs it only for queue
    /// mode.
    fn claim_next(&self, now: i64, lease: Duration) -> Result<Option<Job>, StoreError> {
        let _ = (now, lease);
        Err(StoreError::new(
            "claiming a queued event",
            "this event store does not implement queue mode (EventStore::claim_next)",
        ))
    }

    /// Queue mode: claims up to `max` queued events at once, as
    /// [`claim_next`](Self::claim_next) claims one, oldest first; fewer only when fewer are
    /// due. The receiver's workers claim through it together (one transaction for the
    /// workers that ask at the same moment, in the database stores). The provided method
    /// calls `claim_next` until it has `max` or there is none left; an error after some were
    /// claimed returns those (the rest are claimed next time).
    fn claim_next_batch(
        &self,
        now: i64,
        lease: Duration,
        max: usize,
    ) -> Result<Vec<Job>, StoreError> {
        let mut jobs = Vec::new();
        while jobs.len() < max {
            match self.claim_next(now, lease) {
                Ok(Some(job)) => jobs.push(job),
                Ok(None) => break,
                Err(e) if jobs.is_empty() => return Err(e),
                Err(_) => break,
            }
        }
        Ok(jobs)
    }

    /// Queue mode: the handlers of `event_id` failed with `error` and will be tried again at
    /// `run_after` (unix seconds): [`Status::Failed`], lease released, one more step in its
    /// history, queued again from that time on.
    ///
    /// The provided method fails (see [`claim_next`](Self::claim_next)).
    fn retry_at(&self, event_id: &str, error: &str, run_after: i64) -> Result<(), StoreError> {
        let _ = (error, run_after);
        Err(StoreError::new(
            format!("scheduling a retry of {event_id}"),
            "this event store does not implement queue mode (EventStore::retry_at)",
        ))
    }

    /// Records what validation against Stripe's API said of the authentic delivery of
    /// `event_id` ([`StoredDelivery::valid`]): `true` when Stripe confirmed it, `false` when
    /// it denied it. Changes nothing else (the receiver records a denial's
    /// [`Status::Denied`] with [`finish`](Self::finish)). An event id that was never
    /// [`record`](Self::record)ed is an error.
    ///
    /// The provided method fails: a store of an application's own needs it only for
    /// validation.
    fn set_valid(&self, event_id: &str, valid: bool) -> Result<(), StoreError> {
        let _ = valid;
        Err(StoreError::new(
            format!("recording the validation of {event_id}"),
            "this event store does not implement validation (EventStore::set_valid)",
        ))
    }

    /// Retention: deletes the authentic deliveries that are [`Status::Processed`] and were
    /// received before `received_before` (unix seconds), with their history, and returns how
    /// many. Never touches pending, failed, untyped, dead or denied deliveries, nor rejected
    /// ones.
    ///
    /// The provided method fails: a store of an application's own prunes as it sees fit.
    fn prune(&self, received_before: i64) -> Result<u64, StoreError> {
        let _ = received_before;
        Err(StoreError::new(
            "pruning processed deliveries",
            "this event store does not implement pruning (EventStore::prune)",
        ))
    }

    /// Binds the store to the application whose handlers process its events: the first call
    /// records `application`; every call returns the application the store is bound to
    /// (`application` itself, or the one bound earlier). A receiver refuses a store bound to
    /// another application. Also a write, so a store that cannot be written fails here.
    fn bind_application(&self, application: &str) -> Result<String, StoreError>;

    /// The application the store is bound to, if any (read only: binds nothing).
    fn application(&self) -> Result<Option<String>, StoreError>;

    /// The status history of the authentic delivery of `event_id`, oldest first: each attempt
    /// started ([`claim`](Self::claim)) and each result recorded (complete, fail, untyped,
    /// release). Empty when there is none.
    fn history(&self, event_id: &str) -> Result<Vec<StatusChange>, StoreError>;

    /// The authentic delivery of `event_id`, or else the latest rejected delivery that claimed
    /// that id.
    fn get(&self, event_id: &str) -> Result<Option<StoredDelivery>, StoreError>;

    /// Every delivery (authentic and rejected) with that status (all when `None`), in received
    /// order.
    fn list(&self, status: Option<Status>) -> Result<Vec<StoredDelivery>, StoreError>;
}

/// What a store keeps of an authentic delivery's event, besides its body: implemented by both
/// kinds of event, a snapshot [`Event`](crate::Event) and a thin
/// [`EventNotification`](crate::EventNotification), and by
/// [`ReceivedEvent`](crate::ReceivedEvent).
pub trait RecordedEvent: Sync + fmt::Debug {
    /// The event's id (`evt_...`).
    fn event_id(&self) -> &str;
    /// Its type string.
    fn event_type(&self) -> &str;
    /// The API version a snapshot event was rendered with; `None` for a thin one (thin events
    /// are not versioned).
    fn api_version(&self) -> Option<&str>;
    /// The connected account a snapshot event is about; for a thin one, its `context` (the
    /// account context it belongs to).
    fn account(&self) -> Option<&str>;
    /// Live mode.
    fn livemode(&self) -> bool;
}

impl RecordedEvent for crate::Event {
    fn event_id(&self) -> &str {
        &self.id
    }
    fn event_type(&self) -> &str {
        self.type_.as_str()
    }
    fn api_version(&self) -> Option<&str> {
        self.api_version.as_deref()
    }
    fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }
    fn livemode(&self) -> bool {
        self.livemode
    }
}

impl RecordedEvent for crate::EventNotification {
    fn event_id(&self) -> &str {
        &self.id
    }
    fn event_type(&self) -> &str {
        self.type_.as_str()
    }
    fn api_version(&self) -> Option<&str> {
        None
    }
    fn account(&self) -> Option<&str> {
        self.context.as_deref()
    }
    fn livemode(&self) -> bool {
        self.livemode
    }
}

impl RecordedEvent for crate::ReceivedEvent {
    fn event_id(&self) -> &str {
        self.id()
    }
    fn event_type(&self) -> &str {
        self.type_str()
    }
    fn api_version(&self) -> Option<&str> {
        match self {
            Self::Snapshot(e) => e.api_version.as_deref(),
            Self::Thin(_) => None,
        }
    }
    fn account(&self) -> Option<&str> {
        match self {
            Self::Snapshot(e) => e.account.as_deref(),
            Self::Thin(n) => n.context.as_deref(),
        }
    }
    fn livemode(&self) -> bool {
        self.livemode()
    }
}

/// A shared store is a store: an application can keep an `Arc` of the store it gives the
/// receiver ([`ReceiverConfig::store`](crate::receiver::ReceiverConfig::store) takes the `Arc`).
impl<S: EventStore + ?Sized> EventStore for Arc<S> {
    fn record(
        &self,
        event: &dyn RecordedEvent,
        body: &[u8],
        received_at: i64,
    ) -> Result<(), StoreError> {
        (**self).record(event, body, received_at)
    }

    fn record_rejected(
        &self,
        body: &[u8],
        signature_valid: bool,
        reason: &str,
        received_at: i64,
    ) -> Result<(), StoreError> {
        (**self).record_rejected(body, signature_valid, reason, received_at)
    }

    fn claim(&self, event_id: &str, now: i64, lease: Duration) -> Result<Claim, StoreError> {
        (**self).claim(event_id, now, lease)
    }

    fn finish(
        &self,
        event_id: &str,
        status: Status,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        (**self).finish(event_id, status, error)
    }

    fn claim_next(&self, now: i64, lease: Duration) -> Result<Option<Job>, StoreError> {
        (**self).claim_next(now, lease)
    }

    fn record_batch(&self, batch: &[Incoming<'_>]) -> Vec<Result<(), StoreError>> {
        (**self).record_batch(batch)
    }

    fn record_and_claim_batch(
        &self,
        batch: &[Incoming<'_>],
        now: i64,
        lease: Duration,
    ) -> Vec<Result<Claim, StoreError>> {
        (**self).record_and_claim_batch(batch, now, lease)
    }

    fn finish_batch(&self, batch: &[Finish<'_>]) -> Vec<Result<(), StoreError>> {
        (**self).finish_batch(batch)
    }

    fn finish_then_record_and_claim_batch(
        &self,
        finishes: &[Finish<'_>],
        batch: &[Incoming<'_>],
        now: i64,
        lease: Duration,
    ) -> InlineResults {
        (**self).finish_then_record_and_claim_batch(finishes, batch, now, lease)
    }

    fn concurrent_batches(&self) -> usize {
        (**self).concurrent_batches()
    }

    fn claim_next_batch(
        &self,
        now: i64,
        lease: Duration,
        max: usize,
    ) -> Result<Vec<Job>, StoreError> {
        (**self).claim_next_batch(now, lease, max)
    }

    fn retry_at(&self, event_id: &str, error: &str, run_after: i64) -> Result<(), StoreError> {
        (**self).retry_at(event_id, error, run_after)
    }

    fn prune(&self, received_before: i64) -> Result<u64, StoreError> {
        (**self).prune(received_before)
    }

    fn set_valid(&self, event_id: &str, valid: bool) -> Result<(), StoreError> {
        (**self).set_valid(event_id, valid)
    }

    fn bind_application(&self, application: &str) -> Result<String, StoreError> {
        (**self).bind_application(application)
    }

    fn application(&self) -> Result<Option<String>, StoreError> {
        (**self).application()
    }

    fn history(&self, event_id: &str) -> Result<Vec<StatusChange>, StoreError> {
        (**self).history(event_id)
    }

    fn get(&self, event_id: &str) -> Result<Option<StoredDelivery>, StoreError> {
        (**self).get(event_id)
    }

    fn list(&self, status: Option<Status>) -> Result<Vec<StoredDelivery>, StoreError> {
        (**self).list(status)
    }
}

/// What recording `status` is, for error messages: `"completing evt_1"`.
pub(crate) fn finishing(status: Status, event_id: &str) -> String {
    let doing = match status {
        Status::Processed => "completing",
        Status::Failed => "failing",
        Status::Untyped => "marking untyped",
        Status::Pending => "releasing",
        Status::Dead => "marking dead",
        Status::Denied => "marking denied",
    };
    format!("{doing} {event_id}")
}

/// The columns a database store writes for an authentic delivery, owned (the write may
/// happen on another thread: SQLite's group commit, PostgreSQL's connection thread).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) struct NewDelivery {
    pub(crate) event_id: String,
    pub(crate) event_type: String,
    pub(crate) api_version: Option<String>,
    pub(crate) account: Option<String>,
    pub(crate) livemode: bool,
    pub(crate) received_at: i64,
    pub(crate) body: Vec<u8>,
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl NewDelivery {
    /// What [`EventStore::record`] stores of `event` and its raw `body`.
    pub(crate) fn new(event: &dyn RecordedEvent, body: &[u8], received_at: i64) -> Self {
        Self {
            event_id: event.event_id().to_owned(),
            event_type: event.event_type().to_owned(),
            api_version: event.api_version().map(str::to_owned),
            account: event.account().map(str::to_owned),
            livemode: event.livemode(),
            received_at,
            body: body.to_vec(),
        }
    }
}

/// The error for a database written by a newer release: its schema `found` is past the
/// `supported` one, and this code would misread it (or break it) if it went on.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn newer_schema(found: i64, supported: i64) -> String {
    format!(
        "the event store has schema version {found}, newer than this program supports \
         ({supported}): it was written by a newer release of stripe-events; upgrade this \
         program (opening it here could lose data)"
    )
}

/// The current unix time, in seconds (when a result is recorded).
pub(crate) fn unix_now() -> i64 {
    use crate::signature::Clock;
    crate::signature::SystemClock.now()
}

/// `now + lease`, whole seconds rounded up.
pub(crate) fn lease_end(now: i64, lease: Duration) -> i64 {
    let secs = lease.as_secs() + u64::from(lease.subsec_nanos() > 0);
    now.saturating_add(i64::try_from(secs).unwrap_or(i64::MAX))
}

/// The best-effort id and type of an untrusted body (short strings only).
pub(crate) fn sniff_id_and_type(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(body)
    else {
        return (None, None);
    };
    let field = |name: &str| {
        map.get(name)
            .and_then(serde_json::Value::as_str)
            .filter(|s| s.len() <= 255)
            .map(str::to_owned)
    };
    (field("id"), field("type"))
}

#[cfg(test)]
mod suite;

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn errors_carry_their_context_and_source() {
        let e = StoreError::new("claiming evt_1", "database is locked");
        assert_eq!(e.to_string(), "claiming evt_1: database is locked");
        assert_eq!(e.source().unwrap().to_string(), "database is locked");
        assert_eq!(
            "done".parse::<Status>().unwrap_err().to_string(),
            "unknown delivery status `done` (expected pending, processed, failed, untyped, dead or \
             denied)"
        );
    }
}
