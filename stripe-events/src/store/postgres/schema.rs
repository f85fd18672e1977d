//! The tables, their version, and the migrations between versions.
//!
//! Each migration is a numbered SQL file (`migrations/NNN_name.sql`) compiled in. The versions
//! applied are rows of `stripe_events_schema`; a schema whose tables exist without that table
//! was written before versions existed, which is version 1. On connect, in one transaction
//! under an advisory lock (instances started together wait for each other, and see what the
//! first did), the pending migrations are applied in order, each with its row: all of them or,
//! on any error, none.

use super::pool::{Failure, Lease};

/// A migration: its version, its name, its SQL.
struct Migration {
    version: i32,
    name: &'static str,
    sql: &'static str,
}

/// Every migration, in order; the last one's version is [`VERSION`].
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sql: include_str!("migrations/001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "queue",
        sql: include_str!("migrations/002_queue.sql"),
    },
    Migration {
        version: 3,
        name: "objects",
        sql: include_str!("migrations/003_objects.sql"),
    },
    Migration {
        version: 4,
        name: "validation",
        sql: include_str!("migrations/004_validation.sql"),
    },
];

/// The schema version this code writes and reads.
pub(super) const VERSION: i32 = 4;

const VERSION_TABLE: &str = "
CREATE TABLE IF NOT EXISTS stripe_events_schema (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at BIGINT NOT NULL
)";

/// Creates the tables (when `create`) or migrates them to [`VERSION`], in the connection's
/// current schema. Refuses a schema without the tables unless `create`, and a version newer
/// than this code's.
pub(super) async fn prepare(lease: &mut Lease, create: bool) -> Result<(), Failure> {
    lease.batch("BEGIN").await?;
    let result = migrate(lease, create).await;
    match result {
        Ok(()) => lease.batch("COMMIT").await,
        Err(e) => {
            // The transaction failed: its connection is closed (and the transaction with it)
            // rather than lent again in that state.
            lease.discard();
            Err(e)
        }
    }
}

async fn migrate(lease: &mut Lease, create: bool) -> Result<(), Failure> {
    let row = lease
        .query_once(
            "SELECT current_schema(), current_setting('search_path')",
            &[],
        )
        .await?;
    let (schema, search_path): (Option<String>, String) = (row[0].try_get(0)?, row[0].try_get(1)?);
    let Some(schema) = schema else {
        return Err(Failure::Other(format!(
            "no schema to keep the tables in: the search_path ({search_path}) names no \
             schema that exists (CREATE SCHEMA it first, or fix the URL's options)"
        )));
    };
    // One key per database and schema: instances on other schemas do not wait.
    lease
        .query_once(
            "SELECT pg_advisory_xact_lock(hashtext('stripe-events schema ' || current_database() \
             || '.' || $1::text))",
            &[&schema],
        )
        .await?;
    let has_versions = table_exists(lease, &schema, "stripe_events_schema").await?;
    let from = if has_versions {
        let row = lease
            .query_once(
                "SELECT coalesce(max(version), 0) FROM stripe_events_schema",
                &[],
            )
            .await?;
        row[0].try_get::<_, i32>(0)?
    } else if table_exists(lease, &schema, "stripe_events_deliveries").await? {
        1 // written before schema versions
    } else {
        0
    };
    if from > VERSION {
        return Err(Failure::Other(format!(
            "schema `{schema}`: {}",
            crate::store::newer_schema(from.into(), VERSION.into())
        )));
    }
    if from == 0 && !create {
        return Err(Failure::Other(format!(
            "not an event store: schema `{schema}` has no stripe_events_deliveries table \
             (check the URL and its search_path)"
        )));
    }
    if !has_versions {
        lease.batch(VERSION_TABLE).await?;
    }
    let now = crate::store::unix_now();
    for migration in MIGRATIONS {
        // Version 1 found without versions is run again: its IF NOT EXISTS adds whatever an
        // older layout lacked, and its row records the version.
        let unrecorded = !has_versions && migration.version == from;
        if migration.version <= from && !unrecorded {
            continue;
        }
        lease.batch(migration.sql).await.map_err(|e| {
            Failure::Other(format!(
                "schema migration {} ({}) failed: {e}",
                migration.version, migration.name
            ))
        })?;
        lease
            .query_once(
                "INSERT INTO stripe_events_schema (version, name, applied_at) VALUES ($1, $2, $3)",
                &[&migration.version, &migration.name, &now],
            )
            .await?;
    }
    Ok(())
}

async fn table_exists(lease: &mut Lease, schema: &str, table: &str) -> Result<bool, Failure> {
    let row = lease
        .query_once(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables
                            WHERE schemaname = $1 AND tablename = $2)",
            &[&schema, &table],
        )
        .await?;
    Ok(row[0].try_get(0)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_from_one_without_gaps_up_to_the_version() {
        for (i, migration) in MIGRATIONS.iter().enumerate() {
            assert_eq!(
                usize::try_from(migration.version),
                Ok(i + 1),
                "{}",
                migration.name
            );
        }
        assert_eq!(MIGRATIONS.last().map(|m| m.version), Some(VERSION));
    }
}
