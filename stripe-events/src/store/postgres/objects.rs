//! The mirror's objects in PostgreSQL ([`ObjectStore`] for [`PostgresStore`]): table
//! `stripe_events_objects` (migration 3).

use tokio_postgres::Row;

use super::PostgresStore;
use super::pool::Failure;
use crate::mirror::{MirroredObject, ObjectStore, ObjectWrite, Rank};
use crate::store::StoreError;

/// The compare-and-write, one statement: the row is replaced only as
/// [`ObjectWrite::replaces`] says (an event's object by one of greater precedence,
/// (deleted, event_created, event_rank, event_id) compared as a row, the text in byte order:
/// the columns are `COLLATE "C"`; a fetched object by a later fetch). `ON CONFLICT DO UPDATE` locks the row and
/// evaluates the `WHERE` on its latest version, so concurrent writers of one object, in any
/// number of processes, keep the one of greatest precedence. A row comes back when it wrote.
const PUT: &str = "
INSERT INTO stripe_events_objects AS o (object_type, id, json, event_id, event_created,
    event_rank, deleted, fetched_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (object_type, id) DO UPDATE SET
    json = EXCLUDED.json, event_id = EXCLUDED.event_id,
    event_created = EXCLUDED.event_created, event_rank = EXCLUDED.event_rank,
    deleted = EXCLUDED.deleted, fetched_at = EXCLUDED.fetched_at
WHERE CASE WHEN EXCLUDED.fetched_at IS NULL
    THEN (EXCLUDED.deleted, EXCLUDED.event_created, EXCLUDED.event_rank, EXCLUDED.event_id)
            > (o.deleted, o.event_created, o.event_rank, o.event_id)
        AND (o.fetched_at IS NULL OR EXCLUDED.event_created * 1000000 > o.fetched_at)
    ELSE (EXCLUDED.deleted, EXCLUDED.fetched_at)
        > (o.deleted, coalesce(o.fetched_at, o.event_created * 1000000))
    END
RETURNING 1";

const GET: &str = "
SELECT object_type, id, json, event_id, event_created, event_rank, deleted, fetched_at
FROM stripe_events_objects WHERE object_type = $1 AND id = $2";

const LIST: &str = "
SELECT object_type, id, json, event_id, event_created, event_rank, deleted, fetched_at
FROM stripe_events_objects WHERE object_type = $1 ORDER BY id";

fn from_row(row: &Row) -> Result<MirroredObject, Failure> {
    let rank: i16 = row.try_get(5)?;
    Ok(MirroredObject {
        object_type: row.try_get(0)?,
        id: row.try_get(1)?,
        json: row.try_get(2)?,
        event_id: row.try_get(3)?,
        event_created: row.try_get(4)?,
        rank: Rank::from_i64(rank.into())
            .ok_or_else(|| Failure::Other(format!("{rank} is not an event rank")))?,
        deleted: row.try_get(6)?,
        fetched_at: row.try_get(7)?,
    })
}

impl ObjectStore for PostgresStore {
    fn put_object(&self, write: &ObjectWrite<'_>) -> Result<bool, StoreError> {
        let params = (
            write.object_type.to_owned(),
            write.id.to_owned(),
            write.json.to_owned(),
            write.event_id.to_owned(),
            write.event_created,
            // A rank is 0, 1 or 2.
            write.rank.as_i64() as i16,
            write.deleted,
            write.fetched_at,
        );
        self.run(
            || format!("storing {} {}", write.object_type, write.id),
            move |mut lease| async move {
                let (t, id, json, event_id, created, rank, deleted, fetched_at) = params;
                let rows = lease
                    .query(
                        PUT,
                        &[
                            &t,
                            &id,
                            &json,
                            &event_id,
                            &created,
                            &rank,
                            &deleted,
                            &fetched_at,
                        ],
                    )
                    .await?;
                Ok(!rows.is_empty())
            },
        )
    }

    fn get_object(
        &self,
        object_type: &str,
        id: &str,
    ) -> Result<Option<MirroredObject>, StoreError> {
        let (t, i) = (object_type.to_owned(), id.to_owned());
        self.run(
            || format!("reading {object_type} {id}"),
            move |mut lease| async move {
                let rows = lease.query(GET, &[&t, &i]).await?;
                rows.first().map(from_row).transpose()
            },
        )
    }

    fn list_objects(&self, object_type: &str) -> Result<Vec<MirroredObject>, StoreError> {
        let t = object_type.to_owned();
        self.run(
            || format!("listing {object_type} objects"),
            move |mut lease| async move {
                let rows = lease.query(LIST, &[&t]).await?;
                rows.iter().map(from_row).collect()
            },
        )
    }
}
