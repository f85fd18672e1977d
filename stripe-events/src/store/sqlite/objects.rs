//! The mirror's objects in SQLite ([`ObjectStore`] for [`SqliteStore`]): table `objects`.

use rusqlite::{OptionalExtension, Row, params};

use super::SqliteStore;
use crate::mirror::{MirroredObject, ObjectStore, ObjectWrite, Rank};
use crate::store::StoreError;

/// Schema version 3: the table (see `MIGRATIONS`).
pub(super) const MIGRATION: &str = "
CREATE TABLE objects (
    object_type   TEXT NOT NULL,
    id            TEXT NOT NULL,
    json          TEXT NOT NULL,
    event_id      TEXT NOT NULL,
    event_created INTEGER NOT NULL,
    event_rank    INTEGER NOT NULL,
    deleted       INTEGER NOT NULL,
    fetched_at    INTEGER,
    PRIMARY KEY (object_type, id)
);
";

/// The compare-and-write, one statement, so it is atomic whoever else writes: the row is
/// replaced only as [`ObjectWrite::replaces`] says (an event's object by one of greater
/// precedence, (deleted, event_created, event_rank, event_id) compared as a row value, text in
/// byte order, SQLite's default collation; a fetched object by a later fetch).
const PUT: &str = "
INSERT INTO objects (object_type, id, json, event_id, event_created, event_rank, deleted,
    fetched_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
ON CONFLICT (object_type, id) DO UPDATE SET
    json = excluded.json, event_id = excluded.event_id,
    event_created = excluded.event_created, event_rank = excluded.event_rank,
    deleted = excluded.deleted, fetched_at = excluded.fetched_at
WHERE CASE WHEN excluded.fetched_at IS NULL
    THEN (excluded.deleted, excluded.event_created, excluded.event_rank, excluded.event_id)
            > (objects.deleted, objects.event_created, objects.event_rank, objects.event_id)
        AND (objects.fetched_at IS NULL OR excluded.event_created * 1000000 > objects.fetched_at)
    ELSE (excluded.deleted, excluded.fetched_at)
        > (objects.deleted, coalesce(objects.fetched_at, objects.event_created * 1000000))
    END";

const COLUMNS: &str =
    "object_type, id, json, event_id, event_created, event_rank, deleted, fetched_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<MirroredObject> {
    let rank: i64 = row.get(5)?;
    Ok(MirroredObject {
        object_type: row.get(0)?,
        id: row.get(1)?,
        json: row.get(2)?,
        event_id: row.get(3)?,
        event_created: row.get(4)?,
        rank: Rank::from_i64(rank).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                5,
                rusqlite::types::Type::Integer,
                format!("{rank} is not an event rank").into(),
            )
        })?,
        deleted: row.get(6)?,
        fetched_at: row.get(7)?,
    })
}

/// A file of an older version opened read-only (`open_existing` cannot migrate it): it has
/// no objects.
fn no_table(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(_, Some(msg)) if msg.contains("no such table"))
}

impl ObjectStore for SqliteStore {
    fn put_object(&self, write: &ObjectWrite<'_>) -> Result<bool, StoreError> {
        let changed = self.write(
            || format!("storing {} {}", write.object_type, write.id),
            |conn| {
                conn.prepare_cached(PUT)?.execute(params![
                    write.object_type,
                    write.id,
                    write.json,
                    write.event_id,
                    write.event_created,
                    write.rank.as_i64(),
                    write.deleted,
                    write.fetched_at,
                ])
            },
        )?;
        Ok(changed > 0)
    }

    fn get_object(
        &self,
        object_type: &str,
        id: &str,
    ) -> Result<Option<MirroredObject>, StoreError> {
        let conn = self.conn();
        conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM objects WHERE object_type = ?1 AND id = ?2"
        ))
        .and_then(|mut stmt| {
            stmt.query_row(params![object_type, id], from_row)
                .optional()
        })
        .or_else(|e| if no_table(&e) { Ok(None) } else { Err(e) })
        .map_err(|e| StoreError::new(format!("reading {object_type} {id}"), e))
    }

    fn list_objects(&self, object_type: &str) -> Result<Vec<MirroredObject>, StoreError> {
        let conn = self.conn();
        conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM objects WHERE object_type = ?1 ORDER BY id"
        ))
        .and_then(|mut stmt| {
            stmt.query_map(params![object_type], from_row)?
                .collect::<Result<Vec<_>, _>>()
        })
        .or_else(|e| if no_table(&e) { Ok(Vec::new()) } else { Err(e) })
        .map_err(|e| StoreError::new(format!("listing {object_type} objects"), e))
    }
}
