//! [`PostgresStore`]: the event store in PostgreSQL, shared by any number of processes. Its
//! documentation says when to choose it, the URL and schema, the pool and the exactly-once
//! guarantees; `pool` how calls reach the connections, `schema` the versions and migrations.

mod objects;
mod pool;
mod queries;
mod schema;
#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;

use std::fmt;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio_postgres::Row;
use tokio_postgres::config::Host;
use tokio_postgres::types::ToSql;

use self::pool::{Failure, Lease, Pool};
use self::queries::*;
use super::{
    Claim, EventStore, Finish, Incoming, InlineResults, Job, MAX_INVALID_BODY, NewDelivery,
    RecordedEvent, Status, StatusChange, StoreError, StoredDelivery, lease_end, sniff_id_and_type,
    unix_now,
};

/// An [`EventStore`] in a PostgreSQL database (feature `postgres`; the `tokio-postgres`
/// client, no C library, no TLS).
///
/// **When to choose it**: several instances of a service (or a receiver and separate
/// workers) share one store, or the application keeps its data in PostgreSQL already. For one
/// process on one machine, `SqliteStore` (feature `sqlite`) needs no server.
///
/// **Exactly once across processes**: every write is one statement, so atomic on its own.
/// [`record`](EventStore::record) is an `INSERT ... ON CONFLICT` on a unique index of
/// the authentic deliveries' event ids, so duplicates reaching two instances at once keep one
/// row; [`claim`](EventStore::claim) is one `UPDATE ... WHERE` (not processed, lease expired)
/// `RETURNING`, so of two processes claiming one event only one gets [`Claim::Run`]; the
/// history row of each claim or result is written by the same statement. A process that dies
/// while running handlers leaves its lease, and the event is claimed again once it expires.
/// The queue's [`claim_next`](EventStore::claim_next) picks the oldest due row with `FOR
/// UPDATE SKIP LOCKED` in the statement that claims it (as river does): workers in any number
/// of processes never wait for each other's rows, nor take the same one. Each store's claims
/// start past the last row it claimed, and reach rows behind that once nothing is due past
/// it, or by a full scan at least once a second (see "Queue order" in the README).
///
/// **URL and schema**: `url` is a `postgres://user:password@host:port/database?...` URL or a
/// `key=value` string, as `tokio_postgres::Config` reads them (with `connect_timeout`,
/// `application_name`, `options` and the rest; the password is never shown in errors). The
/// tables (`stripe_events_deliveries`, `stripe_events_history`, `stripe_events_meta`,
/// `stripe_events_schema`, and the [mirror](crate::mirror)'s `stripe_events_objects`) are created in the connection's current schema: the first schema
/// of its `search_path` that exists (`public` by default). To keep them in a schema of their
/// own, create it, then select it in the URL (`options=-c search_path=NAME`, percent-encoded):
/// `postgres://app@db.internal/shop?options=-csearch_path%3Dstripe_events`, or set the role's
/// `search_path`. A search path that names no existing schema is an error, not a guess.
///
/// **Schema versions**: the versions applied are rows of `stripe_events_schema`.
/// [`connect`](Self::connect) creates the tables, or migrates older ones in place, in one
/// transaction under an advisory lock, so instances started together do it once; a schema
/// newer than this code is refused, naming both versions.
///
/// **Pool**: at most [`DEFAULT_POOL_SIZE`](Self::DEFAULT_POOL_SIZE) connections
/// ([`builder`](Self::builder) to choose), opened when first needed and kept. A call waits up
/// to 30 s for a free one, then fails. A connection the server closed (PostgreSQL restarted,
/// an administrator terminated it) is dropped and replaced by a new one: while the server is
/// down calls fail with a [`StoreError`], and they work again once it is back, with no restart.
/// A call that takes over 30 s fails and its connection is closed. Each connection keeps its
/// statements prepared: behind PgBouncer, use its session pooling mode.
///
/// **Threads**: calls block the calling thread (like SQLite's); they work from tokio's
/// blocking pool (as the receiver calls them), plain threads and inside async code alike: the
/// connections run on a thread of the store's own with a small tokio runtime, which stops when
/// the store is dropped.
///
/// ```no_run
/// use stripe_events::store::{EventStore, PostgresStore};
///
/// let store = PostgresStore::connect(
///     "postgres://shop@127.0.0.1/shop?options=-csearch_path%3Dstripe_events",
/// )?;
/// println!("{} deliveries", store.list(None)?.len());
/// # Ok::<(), stripe_events::store::StoreError>(())
/// ```
pub struct PostgresStore {
    pool: Pool,
    /// Where it is connected, for errors (no password).
    target: String,
    /// Where this store's queue claims start.
    window: Mutex<ClaimWindow>,
}

/// Where a store's queue claims ([`EventStore::claim_next_batch`]) start reading the
/// `stripe_events_deliveries_runnable` index: past the largest key `(run_after, row_id)` this
/// store has claimed ([`CLAIM_NEXT_AFTER`]); on its first claim, and on the first one a
/// [`FULL_SCAN_EVERY`](Self::FULL_SCAN_EVERY) after the last full scan, from the index's
/// start ([`CLAIM_NEXT`]).
///
/// Why: a processed row leaves its entries in that index until a vacuum, pointing to dead row
/// versions, and under load PostgreSQL does not get to mark them dead, so a claim from the start
/// visited every row processed since the last vacuum (BENCHMARKS.md, "PostgreSQL claims after
/// index order and claim windows": 262 buffers per claim from the start, 86 with the window,
/// over one run). Rows behind the window are never stranded: a claim that finds nothing past
/// it takes them in the same statement, and the periodic full scan takes them even while
/// there is always something past it (a row whose intake committed after a claim went past
/// its key, a lease that ended, a release or replay queued again within the second of a row
/// claimed). So the queue's order is oldest first past the window, and such a row waits at
/// most until the next claim that finds nothing past the window or the next full scan.
#[derive(Debug, Default)]
struct ClaimWindow {
    /// The largest key claimed through this store.
    after: Option<(i64, i64)>,
    /// When the last full scan was chosen.
    full_at: Option<Instant>,
}

impl ClaimWindow {
    /// How often a claim reads the index from its start though the window has rows.
    const FULL_SCAN_EVERY: Duration = Duration::from_secs(1);

    /// Where the next claim starts: past the key returned, or (`None`) from the start.
    fn start(&mut self) -> Option<(i64, i64)> {
        let now = Instant::now();
        let due = self
            .full_at
            .is_none_or(|at| now.duration_since(at) >= Self::FULL_SCAN_EVERY);
        match self.after {
            Some(after) if !due => Some(after),
            _ => {
                self.full_at = Some(now);
                None
            }
        }
    }

    /// A claim took the row with index key `key`.
    fn claimed(&mut self, key: (i64, i64)) {
        self.after = self.after.max(Some(key));
    }
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("target", &self.target)
            .field("pool_size", &self.pool.size())
            .finish_non_exhaustive()
    }
}

/// Options of a [`PostgresStore`] before it connects ([`PostgresStore::builder`]).
#[derive(Clone)]
pub struct PostgresStoreBuilder {
    url: String,
    pool_size: usize,
    create: bool,
}

/// Shows where it would connect, never the URL's password.
impl fmt::Debug for PostgresStoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let target = match self.url.parse::<tokio_postgres::Config>() {
            Ok(config) => describe(&config),
            Err(_) => "(a URL that does not parse)".to_owned(),
        };
        f.debug_struct("PostgresStoreBuilder")
            .field("target", &target)
            .field("pool_size", &self.pool_size)
            .field("create_tables", &self.create)
            .finish()
    }
}

impl PostgresStoreBuilder {
    /// At most `size` connections open at once (at least 1; default
    /// [`PostgresStore::DEFAULT_POOL_SIZE`]). Calls beyond it wait for a free connection.
    pub fn pool_size(&mut self, size: usize) -> &mut Self {
        self.pool_size = size.max(1);
        self
    }

    /// Whether [`connect`](Self::connect) creates the tables when the schema has none
    /// (default true). False refuses such a schema instead, so that a command that only reads
    /// never creates an empty store in a mistyped schema.
    pub fn create_tables(&mut self, create: bool) -> &mut Self {
        self.create = create;
        self
    }

    /// Connects, and creates or migrates the tables ([`PostgresStore`] explains how). Fails,
    /// naming the server (never the password) and the reason, when the URL does not parse,
    /// the server cannot be reached, the schema is missing or newer than this code.
    pub fn connect(&self) -> Result<PostgresStore, StoreError> {
        let config: tokio_postgres::Config = self.url.parse().map_err(|e| {
            StoreError::new(
                "connecting to the PostgreSQL event store: the URL does not parse",
                Failure::Db(e),
            )
        })?;
        let target = describe(&config);
        let ctx = || format!("connecting to PostgreSQL event store {target}");
        let pool = Pool::start(config, self.pool_size).map_err(|e| StoreError::new(ctx(), e))?;
        let create = self.create;
        pool.run(move |mut lease| async move { schema::prepare(&mut lease, create).await })
            .map_err(|e| StoreError::new(ctx(), e))?;
        Ok(PostgresStore {
            pool,
            target,
            window: Mutex::default(),
        })
    }
}

impl PostgresStore {
    /// How many connections a store opens at most, unless [`builder`](Self::builder) says.
    pub const DEFAULT_POOL_SIZE: usize = 10;

    /// The schema version this code reads and writes (rows of `stripe_events_schema`).
    pub const SCHEMA_VERSION: i32 = schema::VERSION;

    /// Connects to the database at `url` with the default pool, creating the tables in its
    /// current schema, or migrating them, as needed ([`builder`](Self::builder) for the
    /// options, and the type's documentation for the URL).
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        Self::builder(url).connect()
    }

    /// Connects to an existing store at `url` (migrating it if older): fails when its schema
    /// has no event store tables, instead of creating them (`events list --db` with a typo).
    pub fn connect_existing(url: &str) -> Result<Self, StoreError> {
        Self::builder(url).create_tables(false).connect()
    }

    /// Options before connecting: pool size, whether to create the tables.
    pub fn builder(url: &str) -> PostgresStoreBuilder {
        PostgresStoreBuilder {
            url: url.to_owned(),
            pool_size: Self::DEFAULT_POOL_SIZE,
            create: true,
        }
    }

    /// The most connections the store opens at once.
    pub fn pool_size(&self) -> usize {
        self.pool.size()
    }

    /// Runs `f` on a pooled connection; a failure becomes a [`StoreError`] saying `ctx`.
    fn run<T, F, Fut>(&self, ctx: impl FnOnce() -> String, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(Lease) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, Failure>> + Send + 'static,
    {
        self.pool.run(f).map_err(|e| StoreError::new(ctx(), e))
    }

    fn select(
        &self,
        sql: &'static str,
        param: Option<String>,
        ctx: impl FnOnce() -> String,
    ) -> Result<Vec<StoredDelivery>, StoreError> {
        self.run(ctx, move |mut lease| async move {
            let rows = lease.query(sql, &[&param]).await?;
            rows.iter().map(from_row).collect()
        })
    }
}

/// `postgres://user@host:port/database`, and the `options` if any: where a store is, without
/// the password.
fn describe(config: &tokio_postgres::Config) -> String {
    let user = config.get_user().unwrap_or("");
    let ports = config.get_ports();
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let host = match host {
                Host::Tcp(name) => name.clone(),
                #[cfg(unix)]
                Host::Unix(path) => path.display().to_string(),
            };
            match ports.get(i).or(ports.first()) {
                Some(port) => format!("{host}:{port}"),
                None => host,
            }
        })
        .collect();
    let hosts = if hosts.is_empty() {
        "localhost".to_owned()
    } else {
        hosts.join(",")
    };
    let at = if user.is_empty() { "" } else { "@" };
    let mut out = format!(
        "postgres://{user}{at}{hosts}/{}",
        config.get_dbname().unwrap_or(user)
    );
    if let Some(options) = config.get_options() {
        out.push_str(&format!(" (options {options})"));
    }
    out
}

fn from_row(row: &Row) -> Result<StoredDelivery, Failure> {
    let status: String = row.try_get(9)?;
    let status = status
        .parse::<Status>()
        .map_err(|e| Failure::Other(e.to_string()))?;
    Ok(StoredDelivery {
        row_id: row.try_get(0)?,
        event_id: row.try_get(1)?,
        event_type: row.try_get(2)?,
        api_version: row.try_get(3)?,
        account: row.try_get(4)?,
        livemode: row.try_get(5)?,
        received_at: row.try_get(6)?,
        body: row.try_get(7)?,
        signature_valid: row.try_get(8)?,
        status,
        attempts: attempt(row.try_get(10)?),
        last_error: row.try_get(11)?,
        valid: row.try_get(12)?,
    })
}

/// An `INTEGER` attempt count as the trait's `u32` (never negative: it only grows from 0).
fn attempt(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

impl PostgresStore {
    /// `CLAIM_NEXT` or `CLAIM_NEXT_AFTER` (see [`ClaimWindow`]) for up to `max` events.
    fn claim_jobs(
        &self,
        now: i64,
        lease: Duration,
        max: usize,
        ctx: impl FnOnce() -> String,
    ) -> Result<Vec<Job>, StoreError> {
        let until = lease_end(now, lease);
        let limit = i64::try_from(max).unwrap_or(i64::MAX);
        let start = self.window().start();
        let claimed = self.run(ctx, move |mut lease| async move {
            let (after, after_row) = start.unzip();
            let claim: (&str, &[&(dyn ToSql + Sync)]) = match start {
                Some(_) => (
                    CLAIM_NEXT_AFTER,
                    &[&now, &until, &limit, &after, &after_row],
                ),
                None => (CLAIM_NEXT, &[&now, &until, &limit]),
            };
            // A claim is committed without waiting for the disk flush (a worker that waits for
            // two flushes per job, claim and result, ran at about 100 jobs/s). Safe: a claim
            // lost in a crash of the server leaves the event claimable again, which is what
            // its lease ending does anyway (the handlers may run again, as when a worker
            // dies); and the job's result, committed with a flush, flushes the claim before
            // it, since the log is written in order.
            let answers = lease
                .pipeline(&[
                    (BEGIN, NO_PARAMS),
                    (NO_FLUSH, NO_PARAMS),
                    (INDEX_ORDER, NO_PARAMS),
                    claim,
                    (COMMIT, NO_PARAMS),
                ])
                .await
                .map_err(|e| abort(&mut lease, e))?;
            answers[3]
                .iter()
                .map(|row| {
                    let job = Job {
                        event_id: row.try_get(0)?,
                        attempt: attempt(row.try_get(1)?),
                        body: row.try_get(2)?,
                    };
                    Ok((job, (row.try_get(3)?, row.try_get(4)?)))
                })
                .collect::<Result<Vec<(Job, (i64, i64))>, Failure>>()
        })?;
        if let Some(&(_, key)) = claimed.last() {
            // In the index's order: the last is the largest.
            self.window().claimed(key);
        }
        Ok(claimed.into_iter().map(|(job, _)| job).collect())
    }

    fn window(&self) -> std::sync::MutexGuard<'_, ClaimWindow> {
        self.window.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `calls` in one transaction, pipelined (see [`Lease::pipeline`]), and returns the
    /// rows of each call.
    fn transaction<T, F>(&self, calls: F) -> Result<T, Failure>
    where
        T: Send + 'static,
        F: for<'a> FnOnce(&'a mut Lease) -> TransactionFuture<'a, T> + Send + 'static,
    {
        self.pool.run(move |mut lease| async move {
            let result = calls(&mut lease).await;
            result.map_err(|e| abort(&mut lease, e))
        })
    }
}

/// The future of [`PostgresStore::transaction`]'s calls.
type TransactionFuture<'a, T> =
    std::pin::Pin<Box<dyn Future<Output = Result<T, Failure>> + Send + 'a>>;

/// The error for an event id that no authentic delivery has.
const NO_SUCH_EVENT: &str = "no such event in the store";

/// No parameters, for [`Lease::pipeline`].
const NO_PARAMS: &[&(dyn ToSql + Sync)] = &[];

/// `RECORD`'s parameters for one delivery.
fn record_params(row: &NewDelivery) -> [&(dyn ToSql + Sync); 7] {
    [
        &row.event_id,
        &row.event_type,
        &row.api_version,
        &row.account,
        &row.livemode,
        &row.received_at,
        &row.body,
    ]
}

/// `CLAIM`'s parameters for one delivery, at `now`, its lease ending at `until`.
fn claim_params<'a>(
    row: &'a NewDelivery,
    now: &'a i64,
    until: &'a i64,
) -> [&'a (dyn ToSql + Sync); 3] {
    [&row.event_id, now, until]
}

/// What `CLAIM` answered for one event: the claim, or (inner error) that there is no such
/// event.
fn claim_from(rows: &[Row]) -> Result<Result<Claim, String>, Failure> {
    let row = rows
        .first()
        .ok_or_else(|| Failure::from("the claim returned no row".to_owned()))?;
    let attempt: Option<i32> = row.try_get(0)?;
    let status: Option<String> = row.try_get(1)?;
    Ok(match (attempt, status.as_deref()) {
        (Some(attempt), _) => Ok(Claim::Run {
            attempt: self::attempt(attempt),
        }),
        (None, None) => Err(NO_SUCH_EVENT.to_owned()),
        (None, Some("processed")) => Ok(Claim::AlreadyProcessed),
        (None, Some(_)) => Ok(Claim::InProgress),
    })
}

/// A statement of a transaction failed: the connection is closed rather than lent again
/// (the server rolls the transaction back when it goes).
fn abort(lease: &mut Lease, e: Failure) -> Failure {
    lease.discard();
    e
}

/// The indexes `0..n` sorted by event id (stable: duplicates keep their order).
fn by_event_id<'a>(n: usize, id: impl Fn(usize) -> &'a str) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| id(a).cmp(id(b)));
    order
}

/// The rows of `batch` in event id order (see [`by_event_id`]), and that order.
fn rows_by_event_id(batch: &[Incoming<'_>]) -> (Vec<usize>, Vec<NewDelivery>) {
    let order = by_event_id(batch.len(), |i| batch[i].event.event_id());
    let rows = order
        .iter()
        .map(|&i| NewDelivery::new(batch[i].event, batch[i].body, batch[i].received_at))
        .collect();
    (order, rows)
}

/// `FINISH`'s parameters for one result, owned (they go to the store's thread): event id,
/// status, error, retry time, claim.
type FinishEntry = (
    String,
    &'static str,
    Option<String>,
    Option<i64>,
    Option<i32>,
);

fn finish_entry(f: &Finish<'_>) -> FinishEntry {
    (
        f.event_id.to_owned(),
        f.status.as_str(),
        f.error.map(str::to_owned),
        f.run_after,
        f.attempt.map(|a| i32::try_from(a).unwrap_or(i32::MAX)),
    )
}

/// `FINISH`'s parameters for `entry`, at `now`.
fn finish_params<'a>(entry: &'a FinishEntry, now: &'a i64) -> [&'a (dyn ToSql + Sync); 6] {
    let (id, status, error, run_after, attempt) = entry;
    [id, status, error, now, run_after, attempt]
}

/// What `FINISH` answered for one result: recorded (`None`), the event's latest claim when
/// this one was superseded, or (inner error) that there is no such event.
fn finish_from(rows: &[Row]) -> Result<Result<Option<u32>, String>, Failure> {
    let row = rows
        .first()
        .ok_or_else(|| Failure::Other("no row from a finish statement".to_owned()))?;
    let recorded: Option<i32> = row.try_get(0)?;
    let latest: Option<i32> = row.try_get(1)?;
    Ok(match (recorded, latest) {
        (Some(_), _) => Ok(None),
        (None, None) => Err(NO_SUCH_EVENT.to_owned()),
        (None, Some(latest)) => Ok(Some(u32::try_from(latest).unwrap_or_default())),
    })
}

/// The result of recording `f`, from [`finish_from`]'s answer: a superseded claim's result is
/// an error [`StoreError::is_superseded`] recognises.
fn finished_entry(
    f: &Finish<'_>,
    answer: Result<Option<u32>, StoreError>,
) -> Result<(), StoreError> {
    match answer? {
        None => Ok(()),
        Some(latest) => Err(StoreError::superseded(
            f.context(),
            f.attempt.unwrap_or_default(),
            latest,
        )),
    }
}

/// A batch's results, computed in `order`, back in input order; a failed transaction fails
/// every entry with its error.
fn in_input_order<T: Clone>(
    order: &[usize],
    done: Result<Vec<Result<T, String>>, Failure>,
    ctx: impl Fn(usize) -> String,
) -> Vec<Result<T, StoreError>> {
    let n = order.len();
    let mut results: Vec<Option<Result<T, StoreError>>> = vec![None; n];
    match done {
        Ok(outcomes) => {
            for (&i, outcome) in order.iter().zip(outcomes) {
                results[i] = Some(outcome.map_err(|e| StoreError::new(ctx(i), e)));
            }
        }
        Err(e) => {
            let e = if n == 1 {
                e.to_string()
            } else {
                format!("{e} (in a batch of {n})")
            };
            for (i, slot) in results.iter_mut().enumerate() {
                *slot = Some(Err(StoreError::new(ctx(i), e.clone())));
            }
        }
    }
    results
        .into_iter()
        .map(|r| r.expect("every entry has a result"))
        .collect()
}

impl EventStore for PostgresStore {
    fn record(
        &self,
        event: &dyn RecordedEvent,
        body: &[u8],
        received_at: i64,
    ) -> Result<(), StoreError> {
        let row = NewDelivery::new(event, body, received_at);
        self.run(
            || format!("recording {}", event.event_id()),
            move |mut lease| async move {
                lease.query(RECORD, &record_params(&row)).await?;
                Ok(())
            },
        )
    }

    fn record_rejected(
        &self,
        body: &[u8],
        signature_valid: bool,
        reason: &str,
        received_at: i64,
    ) -> Result<(), StoreError> {
        let (event_id, event_type) = sniff_id_and_type(body);
        let kept = body[..body.len().min(MAX_INVALID_BODY)].to_vec();
        let reason = reason.to_owned();
        self.run(
            || "recording a rejected delivery".to_owned(),
            move |mut lease| async move {
                lease
                    .query(
                        RECORD_REJECTED,
                        &[
                            &event_id,
                            &event_type,
                            &received_at,
                            &kept,
                            &signature_valid,
                            &reason,
                        ],
                    )
                    .await?;
                Ok(())
            },
        )
    }

    fn claim(&self, event_id: &str, now: i64, lease: Duration) -> Result<Claim, StoreError> {
        let ctx = || format!("claiming {event_id}");
        let id = event_id.to_owned();
        let until = lease_end(now, lease);
        self.run(ctx, move |mut lease| async move {
            claim_from(&lease.query(CLAIM, &[&id, &now, &until]).await?)
        })?
        .map_err(|e| StoreError::new(ctx(), e))
    }

    fn finish(
        &self,
        event_id: &str,
        status: Status,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        Finish::of(event_id, status, error).alone(self)
    }

    fn claim_next(&self, now: i64, lease: Duration) -> Result<Option<Job>, StoreError> {
        let mut jobs = self.claim_jobs(now, lease, 1, || "claiming a queued event".to_owned())?;
        Ok(jobs.pop())
    }

    /// One statement (`LIMIT max`, see [`EventStore::claim_next_batch`]).
    fn claim_next_batch(
        &self,
        now: i64,
        lease: Duration,
        max: usize,
    ) -> Result<Vec<Job>, StoreError> {
        if max == 0 {
            return Ok(Vec::new());
        }
        self.claim_jobs(now, lease, max, || "claiming queued events".to_owned())
    }

    /// Half the pool (at least 1): the batches of several kinds (deliveries, results,
    /// claims) then each have connections left.
    fn concurrent_batches(&self) -> usize {
        (self.pool_size() / 2).max(1)
    }

    /// One transaction for the whole batch (see [`EventStore::record_batch`]), pipelined (one
    /// round trip), its statements in event id order, so that two processes writing the same
    /// events lock them in the same order (no deadlock).
    fn record_batch(&self, batch: &[Incoming<'_>]) -> Vec<Result<(), StoreError>> {
        let (order, rows) = rows_by_event_id(batch);
        let done = self.transaction(move |lease| {
            Box::pin(async move {
                let params: Vec<_> = rows.iter().map(record_params).collect();
                let mut calls = vec![(BEGIN, NO_PARAMS)];
                calls.extend(params.iter().map(|p| (RECORD, &p[..])));
                calls.push((COMMIT, NO_PARAMS));
                lease.pipeline(&calls).await?;
                Ok(vec![Ok(()); rows.len()])
            })
        });
        in_input_order(&order, done, |i| {
            format!("recording {}", batch[i].event.event_id())
        })
    }

    /// One transaction for the whole batch, pipelined, in event id order (see
    /// [`record_batch`](Self::record_batch) and [`EventStore::record_and_claim_batch`]).
    fn record_and_claim_batch(
        &self,
        batch: &[Incoming<'_>],
        now: i64,
        lease: Duration,
    ) -> Vec<Result<Claim, StoreError>> {
        let (order, rows) = rows_by_event_id(batch);
        let until = lease_end(now, lease);
        let done = self.transaction(move |lease| {
            Box::pin(async move {
                let params: Vec<_> = rows.iter().map(record_params).collect();
                let claims: Vec<_> = rows.iter().map(|r| claim_params(r, &now, &until)).collect();
                let mut calls = vec![(BEGIN, NO_PARAMS)];
                for (record, claim) in params.iter().zip(&claims) {
                    calls.push((RECORD, &record[..]));
                    calls.push((CLAIM, &claim[..]));
                }
                calls.push((COMMIT, NO_PARAMS));
                let answers = lease.pipeline(&calls).await?;
                // BEGIN, then RECORD and CLAIM for each, then COMMIT.
                (0..rows.len())
                    .map(|i| claim_from(&answers[2 + 2 * i]))
                    .collect()
            })
        });
        in_input_order(&order, done, |i| batch[i].context())
    }

    /// One transaction for the whole batch, pipelined, in event id order (see
    /// [`EventStore::finish_batch`]).
    fn finish_batch(&self, batch: &[Finish<'_>]) -> Vec<Result<(), StoreError>> {
        let order = by_event_id(batch.len(), |i| batch[i].event_id);
        let entries: Vec<FinishEntry> = order.iter().map(|&i| finish_entry(&batch[i])).collect();
        let now = unix_now();
        let done = self.transaction(move |lease| {
            Box::pin(async move {
                let params: Vec<_> = entries.iter().map(|e| finish_params(e, &now)).collect();
                let mut calls = vec![(BEGIN, NO_PARAMS)];
                calls.extend(params.iter().map(|p| (FINISH, &p[..])));
                calls.push((COMMIT, NO_PARAMS));
                let answers = lease.pipeline(&calls).await?;
                answers[1..=entries.len()]
                    .iter()
                    .map(|rows| finish_from(rows))
                    .collect()
            })
        });
        in_input_order(&order, done, |i| batch[i].context())
            .into_iter()
            .zip(batch)
            .map(|(result, f)| finished_entry(f, result))
            .collect()
    }

    /// One transaction for both, pipelined, every statement in event id order, a result before
    /// a delivery of the same event (see [`EventStore::finish_then_record_and_claim_batch`]):
    /// a result and a duplicate's record both lock the event's row, so two processes must
    /// take those locks in the same order.
    fn finish_then_record_and_claim_batch(
        &self,
        finishes: &[Finish<'_>],
        batch: &[Incoming<'_>],
        now: i64,
        lease: Duration,
    ) -> InlineResults {
        if finishes.is_empty() || batch.is_empty() {
            return super::finish_then_record_and_claim_apart(self, finishes, batch, now, lease);
        }
        // Entries `0..k` are the results, `k..` the deliveries.
        let k = finishes.len();
        let n = k + batch.len();
        let id = |i: usize| match i.checked_sub(k) {
            None => finishes[i].event_id,
            Some(j) => batch[j].event.event_id(),
        };
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| id(a).cmp(id(b)).then((a >= k).cmp(&(b >= k))));
        let entries: Vec<FinishEntry> = finishes.iter().map(finish_entry).collect();
        let rows: Vec<NewDelivery> = batch
            .iter()
            .map(|d| NewDelivery::new(d.event, d.body, d.received_at))
            .collect();
        let until = lease_end(now, lease);
        let done = self.transaction(move |lease| {
            Box::pin(async move {
                let results: Vec<_> = entries.iter().map(|e| finish_params(e, &now)).collect();
                let records: Vec<_> = rows.iter().map(record_params).collect();
                let claims: Vec<_> = rows.iter().map(|r| claim_params(r, &now, &until)).collect();
                // Which answer is each entry's: its FINISH, or its delivery's CLAIM.
                let mut answer = vec![0; n];
                let mut calls = vec![(BEGIN, NO_PARAMS)];
                for &i in &order {
                    match i.checked_sub(k) {
                        None => {
                            answer[i] = calls.len();
                            calls.push((FINISH, &results[i][..]));
                        }
                        Some(j) => {
                            calls.push((RECORD, &records[j][..]));
                            answer[i] = calls.len();
                            calls.push((CLAIM, &claims[j][..]));
                        }
                    }
                }
                calls.push((COMMIT, NO_PARAMS));
                let answers = lease.pipeline(&calls).await?;
                let finished = (0..k)
                    .map(|i| finish_from(&answers[answer[i]]))
                    .collect::<Result<Vec<_>, Failure>>()?;
                let claimed = (k..n)
                    .map(|i| claim_from(&answers[answer[i]]))
                    .collect::<Result<Vec<_>, Failure>>()?;
                Ok((finished, claimed))
            })
        });
        match done {
            Ok((finished, claimed)) => (
                finished
                    .into_iter()
                    .zip(finishes)
                    .map(|(result, f)| {
                        finished_entry(f, result.map_err(|e| StoreError::new(f.context(), e)))
                    })
                    .collect(),
                claimed
                    .into_iter()
                    .enumerate()
                    .map(|(j, c)| c.map_err(|e| StoreError::new(batch[j].context(), e)))
                    .collect(),
            ),
            Err(e) => {
                let e = format!("{e} (in a batch of {n})");
                (
                    finishes
                        .iter()
                        .map(|f| Err(StoreError::new(f.context(), e.clone())))
                        .collect(),
                    (0..batch.len())
                        .map(|j| Err(StoreError::new(batch[j].context(), e.clone())))
                        .collect(),
                )
            }
        }
    }

    fn retry_at(&self, event_id: &str, error: &str, run_after: i64) -> Result<(), StoreError> {
        Finish::retry(event_id, error, run_after).alone(self)
    }

    fn set_valid(&self, event_id: &str, valid: bool) -> Result<(), StoreError> {
        let ctx = || format!("recording the validation of {event_id}");
        let id = event_id.to_owned();
        let changed = self.run(ctx, move |mut lease| async move {
            let rows = lease.query(SET_VALID, &[&id, &valid]).await?;
            Ok(!rows.is_empty())
        })?;
        if !changed {
            return Err(StoreError::new(ctx(), NO_SUCH_EVENT));
        }
        Ok(())
    }

    fn prune(&self, received_before: i64) -> Result<u64, StoreError> {
        self.run(
            || "pruning processed deliveries".to_owned(),
            move |mut lease| async move {
                let rows = lease.query(PRUNE, &[&received_before]).await?;
                let pruned: i64 = rows[0].try_get(0)?;
                Ok(u64::try_from(pruned).unwrap_or(0))
            },
        )
    }

    fn bind_application(&self, application: &str) -> Result<String, StoreError> {
        let name = application.to_owned();
        self.run(
            || format!("binding the event store to application `{application}`"),
            move |mut lease| async move {
                let rows = lease.query(BIND, &[&name]).await?;
                Ok(rows[0].try_get(0)?)
            },
        )
    }

    fn application(&self) -> Result<Option<String>, StoreError> {
        self.run(
            || "reading the application of the event store".to_owned(),
            |mut lease| async move {
                let rows = lease.query(APPLICATION, &[]).await?;
                match rows.first() {
                    Some(row) => Ok(Some(row.try_get(0)?)),
                    None => Ok(None),
                }
            },
        )
    }

    fn history(&self, event_id: &str) -> Result<Vec<StatusChange>, StoreError> {
        let id = event_id.to_owned();
        self.run(
            || format!("reading the history of {event_id}"),
            move |mut lease| async move {
                let rows = lease.query(HISTORY, &[&id]).await?;
                rows.iter()
                    .map(|row| {
                        let status: String = row.try_get(1)?;
                        Ok(StatusChange {
                            at: row.try_get(0)?,
                            status: status
                                .parse()
                                .map_err(|e: super::ParseStatusError| e.to_string())?,
                            attempt: attempt(row.try_get(2)?),
                            error: row.try_get(3)?,
                        })
                    })
                    .collect()
            },
        )
    }

    fn get(&self, event_id: &str) -> Result<Option<StoredDelivery>, StoreError> {
        let rows = self.select(GET, Some(event_id.to_owned()), || {
            format!("reading {event_id}")
        })?;
        Ok(rows.into_iter().next())
    }

    fn list(&self, status: Option<Status>) -> Result<Vec<StoredDelivery>, StoreError> {
        self.select(LIST, status.map(|s| s.as_str().to_owned()), || {
            "listing deliveries".to_owned()
        })
    }
}
