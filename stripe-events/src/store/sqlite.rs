//! [`SqliteStore`]: the event store in one SQLite table.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{
    Claim, EventStore, MAX_INVALID_BODY, Status, StoreError, StoredDelivery, sniff_id_and_type,
};

/// Authentic deliveries have `rejected = 0` and a unique `event_id`; rejected ones
/// (`rejected = 1`) may repeat ids, and are never claimed. `lease_until` (unix seconds) is set
/// while a claim runs the handlers.
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
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        let ctx = || format!("opening event store {}", path.display());
        let conn = Connection::open(path).map_err(|e| StoreError::new(ctx(), e))?;
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))
            .map_err(|e| StoreError::new(ctx(), e))?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| StoreError::new(ctx(), e))?;
        Self::init(conn, ctx)
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
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a statement half-done (SQLite rolls it
        // back): the connection is still usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sets status and error of the authentic delivery of `event_id`, releasing its lease.
    fn finish(
        &self,
        event_id: &str,
        status: Status,
        error: Option<&str>,
        doing: &str,
    ) -> Result<(), StoreError> {
        let ctx = || format!("{doing} {event_id}");
        let changed = self
            .conn()
            .execute(
                "UPDATE deliveries SET status = ?2, last_error = ?3, lease_until = NULL
                 WHERE event_id = ?1 AND rejected = 0",
                params![event_id, status.as_str(), error],
            )
            .map_err(|e| StoreError::new(ctx(), e))?;
        if changed == 0 {
            return Err(StoreError::new(ctx(), "no such event in the store"));
        }
        Ok(())
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

/// `now + lease`, whole seconds rounded up.
fn lease_end(now: i64, lease: Duration) -> i64 {
    let secs = lease.as_secs() + u64::from(lease.subsec_nanos() > 0);
    now.saturating_add(i64::try_from(secs).unwrap_or(i64::MAX))
}

impl EventStore for SqliteStore {
    fn record(
        &self,
        event: &crate::Event,
        body: &[u8],
        received_at: i64,
    ) -> Result<(), StoreError> {
        self.conn()
            .execute(
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
            .map_err(|e| StoreError::new(format!("recording {}", event.id), e))?;
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
        self.conn()
            .execute(
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
            .map_err(|e| StoreError::new("recording a rejected delivery", e))?;
        Ok(())
    }

    fn claim(&self, event_id: &str, now: i64, lease: Duration) -> Result<Claim, StoreError> {
        let ctx = || format!("claiming {event_id}");
        let conn = self.conn();
        // One statement: atomic against other connections and processes too.
        let attempt: Option<u32> = conn
            .query_row(
                "UPDATE deliveries SET status = 'pending', attempts = attempts + 1, lease_until = ?3
                 WHERE event_id = ?1 AND rejected = 0 AND status <> 'processed'
                   AND (lease_until IS NULL OR lease_until <= ?2)
                 RETURNING attempts",
                params![event_id, now, lease_end(now, lease)],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| StoreError::new(ctx(), e))?;
        if let Some(attempt) = attempt {
            return Ok(Claim::Run { attempt });
        }
        let status: Option<String> = conn
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

    fn complete(&self, event_id: &str) -> Result<(), StoreError> {
        self.finish(event_id, Status::Processed, None, "completing")
    }

    fn fail(&self, event_id: &str, error: &str) -> Result<(), StoreError> {
        self.finish(event_id, Status::Failed, Some(error), "failing")
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
    use crate::Event;
    use crate::testing::event_envelope;

    const LEASE: Duration = Duration::from_secs(60);

    fn record(store: &SqliteStore, id: &str) {
        let body =
            event_envelope(id, "customer.created", &serde_json::json!({"id": "cus_1"})).to_string();
        let event = Event::from_slice(body.as_bytes()).unwrap();
        store.record(&event, body.as_bytes(), 100).unwrap();
    }

    #[test]
    fn redelivery_keeps_the_row_and_leases_expire() {
        let store = SqliteStore::in_memory().unwrap();
        record(&store, "evt_1");
        assert_eq!(
            store.claim("evt_1", 100, LEASE).unwrap(),
            Claim::Run { attempt: 1 }
        );
        record(&store, "evt_1");
        assert_eq!(store.list(None).unwrap().len(), 1);
        assert_eq!(store.claim("evt_1", 159, LEASE).unwrap(), Claim::InProgress);
        // The claimer died: after the lease, the event can be claimed again.
        assert_eq!(
            store.claim("evt_1", 160, LEASE).unwrap(),
            Claim::Run { attempt: 2 }
        );
        store.fail("evt_1", "boom").unwrap();
        let row = store.get("evt_1").unwrap().unwrap();
        assert_eq!((row.status, row.attempts), (Status::Failed, 2));
        assert_eq!(row.last_error.as_deref(), Some("boom"));
        assert_eq!(row.event_type.as_deref(), Some("customer.created"));
        assert_eq!(row.livemode, Some(false));
        assert_eq!(
            store.claim("evt_1", 161, LEASE).unwrap(),
            Claim::Run { attempt: 3 }
        );
        store.complete("evt_1").unwrap();
        assert_eq!(
            store.claim("evt_1", 162, LEASE).unwrap(),
            Claim::AlreadyProcessed
        );
        let row = store.get("evt_1").unwrap().unwrap();
        assert_eq!((row.status, row.last_error), (Status::Processed, None));
        assert!(store.claim("evt_unknown", 1, LEASE).is_err());
        assert!(
            store
                .complete("evt_unknown")
                .unwrap_err()
                .to_string()
                .contains("evt_unknown")
        );
    }

    #[test]
    fn rejected_deliveries_are_kept_apart() {
        let store = SqliteStore::in_memory().unwrap();
        let forged = br#"{"id": "evt_1", "type": "customer.created", "x": 1}"#;
        store
            .record_rejected(forged, false, "bad signature", 99)
            .unwrap();
        store
            .record_rejected(forged, false, "bad signature", 99)
            .unwrap();
        let big = vec![b'x'; MAX_INVALID_BODY + 10];
        store.record_rejected(&big, true, "not JSON", 99).unwrap();
        record(&store, "evt_1");
        let all = store.list(None).unwrap();
        assert_eq!(all.len(), 4);
        assert_eq!(all[2].body.len(), MAX_INVALID_BODY);
        assert_eq!(
            (all[2].event_id.clone(), all[2].signature_valid),
            (None, true)
        );
        assert_eq!(all[0].event_id.as_deref(), Some("evt_1"));
        assert!(!all[0].signature_valid);
        assert_eq!(store.list(Some(Status::Failed)).unwrap().len(), 3);
        assert_eq!(store.list(Some(Status::Pending)).unwrap().len(), 1);
        // The authentic one wins, and only it is claimed.
        assert!(store.get("evt_1").unwrap().unwrap().signature_valid);
        assert_eq!(
            store.claim("evt_1", 100, LEASE).unwrap(),
            Claim::Run { attempt: 1 }
        );
        assert_eq!("failed".parse::<Status>().unwrap(), Status::Failed);
        assert!("done".parse::<Status>().is_err());
    }
}
