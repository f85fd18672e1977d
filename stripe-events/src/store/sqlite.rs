//! [`SqliteStore`]: the event store in one SQLite table.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, params};

use super::{
    Claim, EventStore, MAX_INVALID_BODY, Status, StatusChange, StoreError, StoredDelivery,
    finishing, lease_end, sniff_id_and_type, unix_now,
};

/// Authentic deliveries have `rejected = 0` and a unique `event_id`; rejected ones
/// (`rejected = 1`) may repeat ids, and are never claimed. `lease_until` (unix seconds) is set
/// while a claim runs the handlers. `history` has a row per attempt started and per result;
/// `meta` holds the application the store is bound to.
const SCHEMA: &str = "
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

const COLUMNS: &str = "row_id, event_id, event_type, api_version, account, livemode, received_at, \
                       body, signature_valid, status, attempts, last_error";

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
        conn.execute_batch(SCHEMA)
            .map_err(|e| StoreError::new(ctx(), e))?;
        Ok(Self {
            conn: Mutex::new(conn),
            file: None,
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a statement half-done (SQLite rolls it
        // back): the connection is still usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs a writing statement, after checking that the file is still the one opened.
    fn write<T>(
        &self,
        ctx: impl Fn() -> String,
        f: impl Fn(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        let conn = self.conn();
        if let Some(file) = &self.file {
            file.check().map_err(|e| StoreError::new(ctx(), e))?;
        }
        f(&conn).map_err(|e| StoreError::new(ctx(), e))
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
    })
}

impl EventStore for SqliteStore {
    fn record(
        &self,
        event: &crate::Event,
        body: &[u8],
        received_at: i64,
    ) -> Result<(), StoreError> {
        self.write(
            || format!("recording {}", event.id),
            |conn| {
                conn.execute(
                    "INSERT OR IGNORE INTO deliveries (event_id, event_type, api_version, account,
                         livemode, received_at, body, signature_valid, rejected, status, attempts)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, 0, 'pending', 0)",
                    params![
                        event.id,
                        event.type_.as_str(),
                        event.api_version,
                        event.account,
                        event.livemode,
                        received_at,
                        body,
                    ],
                )
            },
        )?;
        Ok(())
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
                conn.execute(
                    "INSERT INTO deliveries (event_id, event_type, received_at, body,
                         signature_valid, rejected, status, attempts, last_error)
                     VALUES (?1, ?2, ?3, ?4, ?5, 1, 'failed', 0, ?6)",
                    params![
                        event_id,
                        event_type,
                        received_at,
                        kept,
                        signature_valid,
                        reason
                    ],
                )
            },
        )?;
        Ok(())
    }

    fn claim(&self, event_id: &str, now: i64, lease: Duration) -> Result<Claim, StoreError> {
        let ctx = || format!("claiming {event_id}");
        // One statement: atomic against other connections and processes too.
        let attempt: Option<u32> = self.write(ctx, |conn| {
            let tx = conn.unchecked_transaction()?;
            let attempt = tx
                .query_row(
                    "UPDATE deliveries SET status = 'pending', attempts = attempts + 1,
                         lease_until = ?3
                     WHERE event_id = ?1 AND rejected = 0 AND status <> 'processed'
                       AND (lease_until IS NULL OR lease_until <= ?2)
                     RETURNING attempts",
                    params![event_id, now, lease_end(now, lease)],
                    |row| row.get(0),
                )
                .optional()?;
            if let Some(attempt) = attempt {
                add_history(&tx, event_id, now, Status::Pending, attempt, None)?;
            }
            tx.commit()?;
            Ok(attempt)
        })?;
        if let Some(attempt) = attempt {
            return Ok(Claim::Run { attempt });
        }
        let status: Option<String> = self
            .conn()
            .query_row(
                "SELECT status FROM deliveries WHERE event_id = ?1 AND rejected = 0",
                params![event_id],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| StoreError::new(ctx(), e))?;
        match status.as_deref() {
            None => Err(StoreError::new(ctx(), "no such event in the store")),
            Some("processed") => Ok(Claim::AlreadyProcessed),
            Some(_) => Ok(Claim::InProgress),
        }
    }

    fn finish(
        &self,
        event_id: &str,
        status: Status,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        let ctx = || finishing(status, event_id);
        let changed = self.write(ctx, |conn| {
            let tx = conn.unchecked_transaction()?;
            let attempt: Option<u32> = tx
                .query_row(
                    "UPDATE deliveries SET status = ?2, last_error = ?3, lease_until = NULL
                     WHERE event_id = ?1 AND rejected = 0
                     RETURNING attempts",
                    params![event_id, status.as_str(), error],
                    |row| row.get(0),
                )
                .optional()?;
            if let Some(attempt) = attempt {
                add_history(&tx, event_id, unix_now(), status, attempt, error)?;
            }
            tx.commit()?;
            Ok(attempt.is_some())
        })?;
        if !changed {
            return Err(StoreError::new(ctx(), "no such event in the store"));
        }
        Ok(())
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
}
