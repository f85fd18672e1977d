//! [`SqliteStore`]: the event store in one SQLite table.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, params};

mod objects;

use super::{
    Claim, EventStore, Finish, Incoming, InlineResults, Job, MAX_INVALID_BODY, NewDelivery,
    RecordedEvent, Status, StatusChange, StoreError, StoredDelivery, lease_end, newer_schema,
    sniff_id_and_type, unix_now,
};

/// The schema this code writes, kept in SQLite's `user_version`: 1 is the layout before
/// versions were recorded (`user_version` 0 with a `deliveries` table), 2 adds the queue
/// (`run_after`), 3 the mirror's `objects`, 4 what validation against Stripe's API said
/// (`valid`, and the status `denied`). An older file is migrated in place when opened for
/// writing; a newer one is refused.
const SCHEMA_VERSION: i64 = 4;

/// Authentic deliveries have `rejected = 0` and a unique `event_id`; rejected ones
/// (`rejected = 1`) may repeat ids, and are never claimed. `lease_until` (unix seconds) is set
/// while a claim runs the handlers; `run_after` is when the queue may claim it (NULL: not
/// queued). `history` has a row per attempt started and per result; `meta` holds the
/// application the store is bound to. Every statement is idempotent: version 1's tables are
/// created as they were (a file from before `history` or `meta` existed gains them), then
/// [`MIGRATIONS`] bring them up to date.
const SCHEMA_V1: &str = "
CREATE TABLE IF NOT EXISTS deliveries (
    row_id          INTEGER PRIMARY KEY,
    event_id        TEXT,
    event_type      TEXT,
    api_version     TEXT,
    account         TEXT,
    livemode        INTEGER,
    received_at     INTEGER NOT NULL,
    body            BLOB NOT NULL,
    signature_valid INTEGER NOT NULL,
    rejected        INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    lease_until     INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS deliveries_event_id ON deliveries(event_id) WHERE rejected = 0;
CREATE INDEX IF NOT EXISTS deliveries_status ON deliveries(status, row_id);
CREATE TABLE IF NOT EXISTS history (
    event_id TEXT NOT NULL,
    at       INTEGER NOT NULL,
    status   TEXT NOT NULL,
    attempt  INTEGER NOT NULL,
    error    TEXT
);
CREATE INDEX IF NOT EXISTS history_event_id ON history(event_id);
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
";

/// Migration `i` takes a database from version `i + 1` to `i + 2`.
const MIGRATIONS: [&str; 3] = [
    // 1 -> 2: the queue. Pending events (never claimed, or claimed by a process that may have
    // died: the lease still applies) are queued from when they were received.
    "
ALTER TABLE deliveries ADD COLUMN run_after INTEGER;
UPDATE deliveries SET run_after = received_at WHERE rejected = 0 AND status = 'pending';
CREATE INDEX deliveries_queue ON deliveries(run_after, row_id)
    WHERE rejected = 0 AND run_after IS NOT NULL;
",
    // 2 -> 3: the mirror of Stripe objects (crate::mirror), one row per object type and id:
    // its JSON as Stripe rendered it, the event that set it (its id, `created` and rank: the
    // order that decides which event wins), whether it was deleted, and when it was fetched
    // from Stripe's API (unix microseconds; NULL for an object that came in an event).
    objects::MIGRATION,
    // 3 -> 4: validation against Stripe's API. NULL: not validated (every delivery before it).
    "
ALTER TABLE deliveries ADD COLUMN valid INTEGER;
",
];

/// The queue's claim: the first due, unleased row in `deliveries_queue` order, claimed in the
/// same statement. The `+` before `status` keeps SQLite from choosing `deliveries_status`
/// for the `IN` instead: that plan read every pending row and sorted them (a temporary
/// B-tree) on each claim, 25 ms per claim with 8,000 events queued, so workers fell behind
/// any burst and held the connection's lock while the intake waited. Walking the partial
/// index in order stops at the first row that qualifies.
const CLAIM_NEXT: &str = "UPDATE deliveries SET status = 'pending', attempts = attempts + 1,
                              lease_until = ?2
                          WHERE row_id = (
                              SELECT row_id FROM deliveries
                              WHERE rejected = 0 AND run_after IS NOT NULL AND run_after <= ?1
                                AND +status IN ('pending', 'failed')
                                AND (lease_until IS NULL OR lease_until <= ?1)
                              ORDER BY run_after, row_id LIMIT 1)
                          RETURNING event_id, attempts, body";

/// The error for an event id that no authentic delivery has.
const NO_SUCH_EVENT: &str = "no such event in the store";

const COLUMNS: &str = "row_id, event_id, event_type, api_version, account, livemode, received_at, \
                       body, signature_valid, status, attempts, last_error, valid";

/// How long a statement waits for another process's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An [`EventStore`] in a SQLite database (bundled SQLite; one connection behind a mutex).
///
/// The file is opened in WAL mode with a busy timeout, so another process (the command-line
/// tool listing or replaying deliveries) can use the same file while a server writes to it;
/// claims stay atomic across processes.
///
/// Faults, and what the store does about them:
///
/// * [`open`](Self::open) refuses a file it cannot write (naming the path and SQLite's
///   error); [`open_existing`](Self::open_existing) refuses a path with no database, so a
///   command that only reads never creates an empty one by mistake.
/// * Every call stands alone: a write that failed (disk full, locked too long) leaves nothing
///   behind, and the next one works once the fault clears, without a restart.
/// * Before every write, the path is checked to still be the file that was opened: a database
///   deleted or replaced under a running server fails every write (a receiver answers 500)
///   instead of acknowledging deliveries into a file nobody will read again.
pub struct SqliteStore {
    conn: Mutex<Connection>,
    /// The file and its identity when opened; `None` in memory.
    file: Option<FileId>,
}

const RECORD: &str = "INSERT INTO deliveries (event_id, event_type, api_version, account,
        livemode, received_at, body, signature_valid, rejected, status, attempts, run_after)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, 0, 'pending', 0, ?6)
    ON CONFLICT (event_id) WHERE rejected = 0 DO UPDATE
        SET run_after = excluded.received_at
        WHERE status = 'failed' AND run_after IS NULL";

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.file.as_ref().map(|f| &f.path))
            .finish_non_exhaustive()
    }
}

/// A database file and what identifies it on disk.
#[derive(Debug)]
struct FileId {
    path: PathBuf,
    /// Device and inode numbers (unix); `None` elsewhere, where only existence is checked.
    id: Option<(u64, u64)>,
}

impl FileId {
    fn of(path: &Path) -> std::io::Result<Self> {
        let meta = std::fs::metadata(path)?;
        Ok(Self {
            path: path.to_owned(),
            id: identity(&meta),
        })
    }

    /// An error unless the path is still the file that was opened.
    fn check(&self) -> Result<(), String> {
        let gone = || {
            format!(
                "the database file {} was deleted or replaced while in use; nothing written \
                 now would be read again (restore it, or restart to start a new one)",
                self.path.display()
            )
        };
        match std::fs::metadata(&self.path) {
            Ok(meta) if identity(&meta) == self.id => Ok(()),
            Ok(_) => Err(gone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(gone()),
            Err(e) => Err(format!("{}: {e}", self.path.display())),
        }
    }
}

#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn identity(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` for reading and writing. Fails,
    /// naming the path and the reason, when it cannot be written (read-only file or
    /// directory, full disk): a receiver should not start on a store it cannot write.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        let ctx = || format!("opening event store {}", path.display());
        let conn = open_file(path, true).map_err(|e| StoreError::new(ctx(), e))?;
        if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true) {
            return Err(StoreError::new(
                ctx(),
                "the database is read-only for this process (check the permissions of the \
                 file and of its directory)",
            ));
        }
        let store = Self::init(conn, ctx)?;
        Ok(Self {
            file: Some(FileId::of(path).map_err(|e| StoreError::new(ctx(), e))?),
            ..store
        })
    }

    /// Opens the existing database at `path` (read-only if it cannot be written), for reading
    /// what is stored: fails when there is no database there, instead of creating an empty
    /// one (`stripe-events events list --db TYPO`).
    pub fn open_existing(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        let ctx = || format!("opening event store {}", path.display());
        if !path.is_file() {
            return Err(StoreError::new(ctx(), "no such database file"));
        }
        let conn = open_file(path, false).map_err(|e| StoreError::new(ctx(), e))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| StoreError::new(ctx(), e))?;
        let has_table: bool = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'deliveries')",
                [],
                |row| row.get(0),
            )
            .map_err(|e| StoreError::new(ctx(), e))?;
        if !has_table {
            return Err(StoreError::new(
                ctx(),
                "not an event store (no deliveries table)",
            ));
        }
        if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true) {
            // Nothing can be written: an older layout is read as it is.
            let version = user_version(&conn).map_err(|e| StoreError::new(ctx(), e))?;
            if version > SCHEMA_VERSION {
                return Err(StoreError::new(
                    ctx(),
                    newer_schema(version, SCHEMA_VERSION),
                ));
            }
        } else {
            migrate(&conn, &ctx)?;
        }
        Ok(Self {
            conn: Mutex::new(conn),
            file: Some(FileId::of(path).map_err(|e| StoreError::new(ctx(), e))?),
        })
    }

    /// A store in memory, gone when dropped (tests, or a receiver that needs no history).
    pub fn in_memory() -> Result<Self, StoreError> {
        let ctx = || "opening in-memory event store".to_owned();
        let conn = Connection::open_in_memory().map_err(|e| StoreError::new(ctx(), e))?;
        Self::init(conn, ctx)
    }

    fn init(conn: Connection, ctx: impl Fn() -> String) -> Result<Self, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| StoreError::new(ctx(), e))?;
        migrate(&conn, &ctx)?;
        Ok(Self {
            conn: Mutex::new(conn),
            file: None,
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a statement half-done (SQLite rolls it
        // back): the connection is still usable.
        lock(&self.conn)
    }

    /// Runs a writing statement, after checking that the file is still the one opened.
    fn write<T>(
        &self,
        ctx: impl Fn() -> String,
        f: impl Fn(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        let conn = self.conn();
        self.check_file().map_err(|e| StoreError::new(ctx(), e))?;
        f(&conn).map_err(|e| StoreError::new(ctx(), e))
    }

    /// An error unless the path is still the file that was opened (always fine in memory).
    fn check_file(&self) -> Result<(), String> {
        self.file.as_ref().map_or(Ok(()), FileId::check)
    }

    /// Runs `f` in one write transaction (see [`write`](Self::write)), then answers each of
    /// `n` entries: `Ok` when `f` returned, each entry's own result; otherwise every entry gets
    /// the transaction's error (nothing of it was written), saying `ctx(i)` and the batch's
    /// size.
    fn write_batch<T>(
        &self,
        n: usize,
        ctx: impl Fn(usize) -> String,
        f: impl FnOnce(&Connection) -> rusqlite::Result<Vec<Result<T, BatchError>>>,
    ) -> Vec<Result<T, StoreError>> {
        let conn = self.conn();
        let done = self
            .check_file()
            .and_then(|()| in_transaction(&conn, f).map_err(|e| e.to_string()));
        match done {
            Ok(results) => results
                .into_iter()
                .enumerate()
                .map(|(i, r)| r.map_err(|e| StoreError::new(ctx(i), e)))
                .collect(),
            Err(e) => (0..n)
                .map(|i| {
                    let e = if n == 1 {
                        e.clone()
                    } else {
                        format!("{e} (in a batch of {n})")
                    };
                    Err(StoreError::new(ctx(i), e))
                })
                .collect(),
        }
    }

    fn select(
        &self,
        clause: &str,
        params: impl rusqlite::Params,
        ctx: impl Fn() -> String,
    ) -> Result<Vec<StoredDelivery>, StoreError> {
        let conn = self.conn();
        let sql = format!("SELECT {COLUMNS} FROM deliveries {clause}");
        let mut stmt = conn
            .prepare_cached(&sql)
            .map_err(|e| StoreError::new(ctx(), e))?;
        let rows = stmt
            .query_map(params, from_row)
            .map_err(|e| StoreError::new(ctx(), e))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| StoreError::new(ctx(), e))
    }
}

/// A mutex's guard; a panic while it was held leaves nothing half-done here.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// Runs `f` in a transaction whose `BEGIN` and `COMMIT` are prepared once per connection
/// (the cached statements; `Connection::transaction` parses them on every call, a measurable
/// share of a delivery's cost), rolled back when `f` or the commit fails.
fn in_transaction<T>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.prepare_cached("BEGIN")?.execute([])?;
    let result = f(conn).and_then(|value| {
        conn.prepare_cached("COMMIT")?.execute([])?;
        Ok(value)
    });
    if result.is_err() && !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    result
}

fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
}

/// Creates the schema, or brings an older one up to [`SCHEMA_VERSION`], in one transaction
/// that holds SQLite's write lock (another process opening the file at the same time waits,
/// then finds it done); refuses a newer one.
fn migrate(conn: &Connection, ctx: &impl Fn() -> String) -> Result<(), StoreError> {
    let fail = |e: rusqlite::Error| StoreError::new(ctx(), e);
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)
        .map_err(fail)?;
    let mut version = user_version(&tx).map_err(fail)?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::new(
            ctx(),
            newer_schema(version, SCHEMA_VERSION),
        ));
    }
    if version == SCHEMA_VERSION {
        return Ok(());
    }
    // Version 0: a new file, or one written before versions were recorded (version 1).
    tx.execute_batch(SCHEMA_V1).map_err(fail)?;
    version = version.max(1);
    for (from, migration) in (1..).zip(MIGRATIONS) {
        if version == from {
            tx.execute_batch(migration).map_err(|e| {
                StoreError::new(
                    format!("{}: migrating the schema from version {from}", ctx()),
                    e,
                )
            })?;
            version = from + 1;
        }
    }
    tx.pragma_update(None, "user_version", version)
        .map_err(fail)?;
    tx.commit().map_err(fail)
}

/// Opens `path` read-write (SQLite falls back to read-only when it may not write), creating
/// it only if `create`; WAL mode for a new file.
fn open_file(path: &Path, create: bool) -> rusqlite::Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags)?;
    if !conn.is_readonly(rusqlite::MAIN_DB)? {
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
    }
    Ok(conn)
}

fn add_history(
    conn: &Connection,
    event_id: &str,
    at: i64,
    status: Status,
    attempt: u32,
    error: Option<&str>,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO history (event_id, at, status, attempt, error) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![event_id, at, status.as_str(), attempt, error])?;
    Ok(())
}

/// `INSERT`s (or, for a known event, re-queues: see [`EventStore::record`]) one delivery.
fn record_in(tx: &Connection, row: &NewDelivery) -> rusqlite::Result<()> {
    tx.prepare_cached(RECORD)?.execute(params![
        row.event_id,
        row.event_type,
        row.api_version,
        row.account,
        row.livemode,
        row.received_at,
        row.body,
    ])?;
    Ok(())
}

/// [`EventStore::claim`] inside a transaction: `None` when there is no such event.
fn claim_in(
    tx: &Connection,
    event_id: &str,
    now: i64,
    lease: Duration,
) -> rusqlite::Result<Option<Claim>> {
    let attempt: Option<u32> = tx
        .prepare_cached(
            "UPDATE deliveries SET status = 'pending', attempts = attempts + 1, lease_until = ?3
             WHERE event_id = ?1 AND rejected = 0 AND status <> 'processed'
               AND (lease_until IS NULL OR lease_until <= ?2)
             RETURNING attempts",
        )?
        .query_row(params![event_id, now, lease_end(now, lease)], |row| {
            row.get(0)
        })
        .optional()?;
    if let Some(attempt) = attempt {
        add_history(tx, event_id, now, Status::Pending, attempt, None)?;
        return Ok(Some(Claim::Run { attempt }));
    }
    let status: Option<String> = tx
        .prepare_cached("SELECT status FROM deliveries WHERE event_id = ?1 AND rejected = 0")?
        .query_row(params![event_id], |row| row.get(0))
        .optional()?;
    Ok(status.map(|status| {
        if status == Status::Processed.as_str() {
            Claim::AlreadyProcessed
        } else {
            Claim::InProgress
        }
    }))
}

/// A delivery recorded and claimed inside a batch's transaction: its claim, or its own failure
/// (no such event) when the record left nothing to claim.
fn record_and_claim_in(
    tx: &Connection,
    d: &Incoming<'_>,
    now: i64,
    lease: Duration,
) -> rusqlite::Result<Result<Claim, BatchError>> {
    record_in(tx, &NewDelivery::new(d.event, d.body, d.received_at))?;
    Ok(claim_in(tx, d.event.event_id(), now, lease)?.ok_or_else(|| NO_SUCH_EVENT.into()))
}

/// An entry's own failure in a batch (the batch's other entries stand).
type BatchError = Box<dyn std::error::Error + Send + Sync>;

/// What [`finish_in`] did.
enum Finished {
    Done,
    /// No such event.
    Missing,
    /// Another claim, this attempt, took the event over: the result was not recorded.
    Superseded(u32),
}

impl Finished {
    /// As one entry of a batch's results.
    fn entry(self, f: &Finish<'_>) -> Result<(), BatchError> {
        match self {
            Self::Done => Ok(()),
            Self::Missing => Err(NO_SUCH_EVENT.into()),
            Self::Superseded(latest) => Err(Box::new(StoreError::superseded(
                f.context(),
                f.attempt.unwrap_or_default(),
                latest,
            ))),
        }
    }
}

/// [`EventStore::finish_batch`]'s entry inside a transaction: a retry when it has a
/// `run_after`, refused when another claim took the event over since its `attempt`.
fn finish_in(tx: &Connection, f: &Finish<'_>, now: i64) -> rusqlite::Result<Finished> {
    // A released claim is queued again at once; a retry when it says; any other result leaves
    // the queue.
    let run_after = f.run_after.or((f.status == Status::Pending).then_some(now));
    let attempt: Option<u32> = tx
        .prepare_cached(
            "UPDATE deliveries SET status = ?2, last_error = ?3, lease_until = NULL,
                 run_after = ?4
             WHERE event_id = ?1 AND rejected = 0 AND (?5 IS NULL OR attempts = ?5)
             RETURNING attempts",
        )?
        .query_row(
            params![f.event_id, f.status.as_str(), f.error, run_after, f.attempt],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(attempt) = attempt {
        add_history(tx, f.event_id, now, f.status, attempt, f.error)?;
        return Ok(Finished::Done);
    }
    let latest: Option<u32> = tx
        .prepare_cached("SELECT attempts FROM deliveries WHERE event_id = ?1 AND rejected = 0")?
        .query_row(params![f.event_id], |row| row.get(0))
        .optional()?;
    Ok(latest.map_or(Finished::Missing, Finished::Superseded))
}

/// [`EventStore::claim_next`] inside a transaction.
fn claim_next_in(tx: &Connection, now: i64, lease: Duration) -> rusqlite::Result<Option<Job>> {
    let job = tx
        .prepare_cached(CLAIM_NEXT)?
        .query_row(params![now, lease_end(now, lease)], |row| {
            Ok(Job {
                event_id: row.get(0)?,
                attempt: row.get(1)?,
                body: row.get(2)?,
            })
        })
        .optional()?;
    if let Some(job) = &job {
        add_history(tx, &job.event_id, now, Status::Pending, job.attempt, None)?;
    }
    Ok(job)
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<StoredDelivery> {
    let status: String = row.get(9)?;
    let status = status.parse::<Status>().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(9, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(StoredDelivery {
        row_id: row.get(0)?,
        event_id: row.get(1)?,
        event_type: row.get(2)?,
        api_version: row.get(3)?,
        account: row.get(4)?,
        livemode: row.get(5)?,
        received_at: row.get(6)?,
        body: row.get(7)?,
        signature_valid: row.get(8)?,
        status,
        attempts: row.get(10)?,
        last_error: row.get(11)?,
        valid: row.get(12)?,
    })
}

impl EventStore for SqliteStore {
    fn record(
        &self,
        event: &dyn RecordedEvent,
        body: &[u8],
        received_at: i64,
    ) -> Result<(), StoreError> {
        let row = NewDelivery::new(event, body, received_at);
        self.write(
            || format!("recording {}", event.event_id()),
            |conn| in_transaction(conn, |tx| record_in(tx, &row)),
        )
    }

    /// One transaction for the whole batch (see [`EventStore::record_batch`]).
    fn record_batch(&self, batch: &[Incoming<'_>]) -> Vec<Result<(), StoreError>> {
        self.write_batch(
            batch.len(),
            |i| format!("recording {}", batch[i].event.event_id()),
            |tx| {
                batch
                    .iter()
                    .map(|d| {
                        record_in(tx, &NewDelivery::new(d.event, d.body, d.received_at))?;
                        Ok(Ok(()))
                    })
                    .collect()
            },
        )
    }

    /// One transaction for the whole batch (see [`EventStore::record_and_claim_batch`]).
    fn record_and_claim_batch(
        &self,
        batch: &[Incoming<'_>],
        now: i64,
        lease: Duration,
    ) -> Vec<Result<Claim, StoreError>> {
        self.write_batch(
            batch.len(),
            |i| batch[i].context(),
            |tx| {
                batch
                    .iter()
                    .map(|d| record_and_claim_in(tx, d, now, lease))
                    .collect()
            },
        )
    }

    /// One transaction for both (see [`EventStore::finish_then_record_and_claim_batch`]).
    fn finish_then_record_and_claim_batch(
        &self,
        finishes: &[Finish<'_>],
        batch: &[Incoming<'_>],
        now: i64,
        lease: Duration,
    ) -> InlineResults {
        let k = finishes.len();
        let mut results = self
            .write_batch(
                k + batch.len(),
                |i| match i.checked_sub(k) {
                    None => finishes[i].context(),
                    Some(j) => batch[j].context(),
                },
                |tx| {
                    let mut results = Vec::with_capacity(k + batch.len());
                    for f in finishes {
                        results.push(finish_in(tx, f, now)?.entry(f).map(|()| None));
                    }
                    for d in batch {
                        results.push(record_and_claim_in(tx, d, now, lease)?.map(Some));
                    }
                    Ok(results)
                },
            )
            .into_iter();
        let finished = results.by_ref().take(k).map(|r| r.map(drop)).collect();
        let claims = results
            .map(|r| {
                r.and_then(|c| {
                    c.ok_or_else(|| StoreError::new("recording and claiming", "no claim answered"))
                })
            })
            .collect();
        (finished, claims)
    }

    /// One transaction for the whole batch (see [`EventStore::finish_batch`]).
    fn finish_batch(&self, batch: &[Finish<'_>]) -> Vec<Result<(), StoreError>> {
        let now = unix_now();
        self.write_batch(
            batch.len(),
            |i| batch[i].context(),
            |tx| {
                batch
                    .iter()
                    .map(|f| Ok(finish_in(tx, f, now)?.entry(f)))
                    .collect()
            },
        )
    }

    /// One transaction, one statement per event claimed (see
    /// [`EventStore::claim_next_batch`]).
    fn claim_next_batch(
        &self,
        now: i64,
        lease: Duration,
        max: usize,
    ) -> Result<Vec<Job>, StoreError> {
        self.write(
            || "claiming queued events".to_owned(),
            |conn| {
                in_transaction(conn, |tx| {
                    let mut jobs = Vec::new();
                    while jobs.len() < max {
                        match claim_next_in(tx, now, lease)? {
                            Some(job) => jobs.push(job),
                            None => break,
                        }
                    }
                    Ok(jobs)
                })
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
        let kept = &body[..body.len().min(MAX_INVALID_BODY)];
        self.write(
            || "recording a rejected delivery".to_owned(),
            |conn| {
                conn.prepare_cached(
                    "INSERT INTO deliveries (event_id, event_type, received_at, body,
                         signature_valid, rejected, status, attempts, last_error)
                     VALUES (?1, ?2, ?3, ?4, ?5, 1, 'failed', 0, ?6)",
                )?
                .execute(params![
                    event_id,
                    event_type,
                    received_at,
                    kept,
                    signature_valid,
                    reason
                ])
            },
        )?;
        Ok(())
    }

    fn claim(&self, event_id: &str, now: i64, lease: Duration) -> Result<Claim, StoreError> {
        let ctx = || format!("claiming {event_id}");
        self.write(ctx, |conn| {
            in_transaction(conn, |tx| claim_in(tx, event_id, now, lease))
        })?
        .ok_or_else(|| StoreError::new(ctx(), NO_SUCH_EVENT))
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
        // One UPDATE picks and claims the row: SQLite runs one writer at a time, so two
        // workers (threads or processes) never take the same event.
        self.write(
            || "claiming a queued event".to_owned(),
            |conn| in_transaction(conn, |tx| claim_next_in(tx, now, lease)),
        )
    }

    fn retry_at(&self, event_id: &str, error: &str, run_after: i64) -> Result<(), StoreError> {
        Finish::retry(event_id, error, run_after).alone(self)
    }

    fn set_valid(&self, event_id: &str, valid: bool) -> Result<(), StoreError> {
        let ctx = || format!("recording the validation of {event_id}");
        let changed = self.write(ctx, |conn| {
            conn.prepare_cached(
                "UPDATE deliveries SET valid = ?2 WHERE event_id = ?1 AND rejected = 0",
            )?
            .execute(params![event_id, valid])
        })?;
        if changed == 0 {
            return Err(StoreError::new(ctx(), NO_SUCH_EVENT));
        }
        Ok(())
    }

    fn prune(&self, received_before: i64) -> Result<u64, StoreError> {
        self.write(
            || "pruning processed deliveries".to_owned(),
            |conn| {
                in_transaction(conn, |tx| {
                    tx.execute(
                        "DELETE FROM history WHERE event_id IN (
                         SELECT event_id FROM deliveries
                         WHERE rejected = 0 AND status = 'processed' AND received_at < ?1)",
                        params![received_before],
                    )?;
                    let pruned = tx.execute(
                        "DELETE FROM deliveries
                     WHERE rejected = 0 AND status = 'processed' AND received_at < ?1",
                        params![received_before],
                    )?;
                    Ok(u64::try_from(pruned).unwrap_or(u64::MAX))
                })
            },
        )
    }

    fn bind_application(&self, application: &str) -> Result<String, StoreError> {
        self.write(
            || format!("binding the event store to application `{application}`"),
            |conn| {
                conn.execute(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES ('application', ?1)",
                    params![application],
                )?;
                conn.query_row(
                    "SELECT value FROM meta WHERE key = 'application'",
                    [],
                    |row| row.get(0),
                )
            },
        )
    }

    fn application(&self) -> Result<Option<String>, StoreError> {
        self.conn()
            .query_row(
                "SELECT value FROM meta WHERE key = 'application'",
                [],
                |row| row.get(0),
            )
            .optional()
            .or_else(|e| match e {
                // A store written before the `meta` table existed is bound to nothing.
                rusqlite::Error::SqliteFailure(_, Some(msg)) if msg.contains("no such table") => {
                    Ok(None)
                }
                e => Err(e),
            })
            .map_err(|e| StoreError::new("reading the application of the event store", e))
    }

    fn history(&self, event_id: &str) -> Result<Vec<StatusChange>, StoreError> {
        let ctx = || format!("reading the history of {event_id}");
        let conn = self.conn();
        let mut stmt = match conn.prepare_cached(
            "SELECT at, status, attempt, error FROM history WHERE event_id = ?1 ORDER BY rowid",
        ) {
            Ok(stmt) => stmt,
            // A store written before the history table existed, opened read-only.
            Err(rusqlite::Error::SqliteFailure(_, Some(msg))) if msg.contains("no such table") => {
                return Ok(Vec::new());
            }
            Err(e) => return Err(StoreError::new(ctx(), e)),
        };
        let rows = stmt
            .query_map(params![event_id], |row| {
                let status: String = row.get(1)?;
                Ok((row.get(0)?, status, row.get(2)?, row.get(3)?))
            })
            .map_err(|e| StoreError::new(ctx(), e))?;
        rows.map(|row| {
            let (at, status, attempt, error) = row.map_err(|e| StoreError::new(ctx(), e))?;
            let status = status
                .parse::<Status>()
                .map_err(|e| StoreError::new(ctx(), e))?;
            Ok(StatusChange {
                at,
                status,
                attempt,
                error,
            })
        })
        .collect()
    }

    fn get(&self, event_id: &str) -> Result<Option<StoredDelivery>, StoreError> {
        let rows = self.select(
            "WHERE event_id = ?1 ORDER BY rejected ASC, row_id DESC LIMIT 1",
            params![event_id],
            || format!("reading {event_id}"),
        )?;
        Ok(rows.into_iter().next())
    }

    fn list(&self, status: Option<Status>) -> Result<Vec<StoredDelivery>, StoreError> {
        self.select(
            "WHERE ?1 IS NULL OR status = ?1 ORDER BY row_id",
            params![status.map(Status::as_str)],
            || "listing deliveries".to_owned(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "stripe-events-sqlite-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn the_shared_suite_passes() {
        crate::store::suite::run(|| SqliteStore::in_memory().unwrap());
        let dir = temp_dir("suite");
        let mut n = 0;
        crate::store::suite::run(|| {
            n += 1;
            SqliteStore::open(dir.join(format!("{n}.sqlite3"))).unwrap()
        });
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_mirror_suite_passes() {
        crate::mirror::suite::run(|| SqliteStore::in_memory().unwrap());
        // Two connections on one file (as two processes would have): writes of one object
        // through both converge.
        let dir = temp_dir("mirror");
        let db = dir.join("events.sqlite3");
        crate::mirror::suite::concurrent_writers_converge(vec![
            std::sync::Arc::new(SqliteStore::open(&db).unwrap()),
            std::sync::Arc::new(SqliteStore::open(&db).unwrap()),
        ]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_queue_claim_walks_its_index_without_sorting() {
        let store = SqliteStore::in_memory().unwrap();
        let conn = store.conn();
        let plan: Vec<String> = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {CLAIM_NEXT}"))
            .unwrap()
            .query_map(params![1, 2], |row| row.get::<_, String>(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let plan = plan.join("\n");
        assert!(plan.contains("USING INDEX deliveries_queue"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
        assert!(!plan.contains("deliveries_status"), "{plan}");
    }

    #[test]
    fn open_existing_never_creates_a_database() {
        let dir = temp_dir("existing");
        let typo = dir.join("typo.sqlite3");
        let err = SqliteStore::open_existing(&typo).unwrap_err();
        assert!(err.to_string().contains("no such database file"), "{err}");
        assert!(!typo.exists(), "open_existing created {}", typo.display());
        std::fs::write(&typo, b"").unwrap();
        let err = SqliteStore::open_existing(&typo).unwrap_err();
        assert!(err.to_string().contains("not an event store"), "{err}");
        let db = dir.join("events.sqlite3");
        SqliteStore::open(&db).unwrap();
        assert!(
            SqliteStore::open_existing(&db)
                .unwrap()
                .list(None)
                .unwrap()
                .is_empty()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_deleted_or_replaced_file_fails_every_write() {
        let dir = temp_dir("deleted");
        let db = dir.join("events.sqlite3");
        let store = SqliteStore::open(&db).unwrap();
        assert_eq!(store.bind_application("app").unwrap(), "app");
        std::fs::remove_file(&db).unwrap();
        let err = store
            .record_rejected(b"{}", false, "no signature", 1)
            .unwrap_err();
        assert!(err.to_string().contains("was deleted or replaced"), "{err}");
        // A new file at the same path is another database: still refused.
        SqliteStore::open(&db).unwrap();
        assert!(store.record_rejected(b"{}", false, "x", 1).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A copy of the file written by the code before schema versions (fc0ac17): one
    /// delivery in each state, a rejected one, their history, a bound application.
    fn old_file(dir: &Path) -> PathBuf {
        let db = dir.join("old.sqlite3");
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/store-before-versions.sqlite3"),
            &db,
        )
        .unwrap();
        db
    }

    #[test]
    fn a_file_from_before_schema_versions_is_migrated_with_nothing_lost() {
        let dir = temp_dir("migrate");
        let db = old_file(&dir);
        let before = |store: &SqliteStore| -> Vec<(Option<String>, Status, u32, Option<String>)> {
            store
                .list(None)
                .unwrap()
                .into_iter()
                .map(|d| (d.event_id, d.status, d.attempts, d.last_error))
                .collect()
        };
        let read = SqliteStore::open_existing(&db).unwrap();
        let rows = before(&read);
        drop(read);
        assert_eq!(rows.len(), 6, "{rows:?}");
        let store = SqliteStore::open(&db).unwrap();
        assert_eq!(before(&store), rows, "migration changed the deliveries");
        assert_eq!(user_version(&store.conn()).unwrap(), SCHEMA_VERSION);
        assert!(
            store.list(None).unwrap().iter().all(|d| d.valid.is_none()),
            "deliveries from before validation are not validated"
        );
        assert_eq!(store.application().unwrap().as_deref(), Some("shop"));
        assert_eq!(store.history("evt_v1_failed").unwrap().len(), 2);
        assert_eq!(
            store.get("evt_v1_processed").unwrap().unwrap().body,
            read_body(&db, "evt_v1_processed")
        );
        // Pending events are queued from when they were received; the claimed one only once
        // its lease (1_700_000_070) is over; failed, untyped and processed ones are not.
        let lease = Duration::from_secs(60);
        let job = store.claim_next(1_700_000_050, lease).unwrap().unwrap();
        assert_eq!((job.event_id.as_str(), job.attempt), ("evt_v1_pending", 1));
        assert!(store.claim_next(1_700_000_069, lease).unwrap().is_none());
        let job = store.claim_next(1_700_000_070, lease).unwrap().unwrap();
        assert_eq!((job.event_id.as_str(), job.attempt), ("evt_v1_claimed", 2));
        store.complete("evt_v1_pending").unwrap();
        store.complete("evt_v1_claimed").unwrap();
        assert!(store.claim_next(i64::MAX / 2, lease).unwrap().is_none());
        // Opening again (another process, a restart) finds it done.
        drop(store);
        let again = SqliteStore::open(&db).unwrap();
        assert_eq!(again.list(Some(Status::Processed)).unwrap().len(), 3);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Every row of `table`, each column as text (or NULL), in rowid order.
    fn dump(conn: &Connection, table: &str) -> Vec<Vec<Option<String>>> {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))
            .unwrap();
        let n = stmt.column_count();
        stmt.query_map([], |row| {
            (0..n)
                .map(|i| {
                    Ok(match row.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => None,
                        rusqlite::types::ValueRef::Integer(v) => Some(v.to_string()),
                        rusqlite::types::ValueRef::Real(v) => Some(v.to_string()),
                        rusqlite::types::ValueRef::Text(v) | rusqlite::types::ValueRef::Blob(v) => {
                            Some(String::from_utf8_lossy(v).into_owned())
                        }
                    })
                })
                .collect()
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }

    #[test]
    fn a_version_2_file_gains_the_objects_table_and_the_valid_column_with_nothing_else_changed() {
        let dir = temp_dir("v2");
        let db = old_file(&dir);
        // What the version-2 code made of it: version 1's schema and migration 1 -> 2.
        {
            let conn = Connection::open(&db).unwrap();
            conn.execute_batch(SCHEMA_V1).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "user_version", 2).unwrap();
        }
        let tables = ["deliveries", "history", "meta"];
        let before: Vec<_> = {
            let conn = Connection::open(&db).unwrap();
            tables.iter().map(|t| dump(&conn, t)).collect()
        };
        assert_eq!(before[0].len(), 6);
        let store = SqliteStore::open(&db).unwrap();
        let conn = store.conn();
        assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);
        let mut after: Vec<_> = tables.iter().map(|t| dump(&conn, t)).collect();
        // Version 4's `valid`, the deliveries' last column: NULL (not validated) in every row.
        for row in &mut after[0] {
            assert_eq!(row.pop(), Some(None), "{row:?}");
        }
        assert_eq!(
            after, before,
            "migrating to versions 3 and 4 changed the deliveries"
        );
        assert!(dump(&conn, "objects").is_empty());
        drop(conn);
        use crate::mirror::{ObjectStore, suite};
        let write = suite::write(
            "product",
            "prod_1",
            "{}",
            "evt_1",
            1,
            crate::mirror::Rank::Other,
        );
        assert!(store.put_object(&write).unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn read_body(db: &Path, id: &str) -> Vec<u8> {
        Connection::open(db)
            .unwrap()
            .query_row(
                "SELECT body FROM deliveries WHERE event_id = ?1",
                params![id],
                |row| row.get(0),
            )
            .unwrap()
    }

    #[test]
    fn a_database_from_a_newer_release_is_refused() {
        let dir = temp_dir("newer");
        let db = dir.join("newer.sqlite3");
        SqliteStore::open(&db).unwrap();
        Connection::open(&db)
            .unwrap()
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        for err in [
            SqliteStore::open(&db).unwrap_err(),
            SqliteStore::open_existing(&db).unwrap_err(),
        ] {
            let text = err.to_string();
            assert!(
                text.contains(&format!(
                    "schema version {}, newer than this program supports ({SCHEMA_VERSION})",
                    SCHEMA_VERSION + 1
                )),
                "{text}"
            );
            assert!(text.contains(&db.display().to_string()), "{text}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_batch_that_cannot_be_written_fails_every_entry() {
        let dir = temp_dir("batch");
        let store = SqliteStore::open(dir.join("events.sqlite3")).unwrap();
        let bodies = crate::store::suite::parsed(&["evt_1", "evt_2"]);
        let batch = crate::store::suite::incoming(&bodies, 100);
        std::fs::remove_file(dir.join("events.sqlite3")).unwrap();
        for (i, result) in store.record_batch(&batch).into_iter().enumerate() {
            let err = result.unwrap_err().to_string();
            assert!(
                err.starts_with(&format!("recording evt_{}: the database file", i + 1)),
                "{err}"
            );
            assert!(err.ends_with("(in a batch of 2)"), "{err}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
