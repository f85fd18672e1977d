//! `--db`: which event store a command uses, and opening it.
//!
//! `--db` takes a SQLite file path (`sqlite:PATH` and `sqlite://PATH` too) or a PostgreSQL URL
//! (`postgres://...`, `postgresql://...`); without it, `DATABASE_URL`; without that, the SQLite
//! file `stripe-events.sqlite3` in the current directory. Any other `scheme://` is refused
//! rather than taken for a file name.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;

use stripe_events::mirror::ObjectStore;
use stripe_events::store::{EventStore, PostgresStore, SqliteStore};

/// The default SQLite file.
pub const DEFAULT_SQLITE: &str = "stripe-events.sqlite3";

/// The environment variable read when `--db` is not given.
pub const ENV: &str = "DATABASE_URL";

/// The help text of every `--db`.
pub const HELP: &str = "The event store: a SQLite file, or a postgres:// (postgresql://) URL. \
                        Default: DATABASE_URL, else stripe-events.sqlite3";

/// An event store's location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Db {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl Db {
    /// `--db` if given, else `DATABASE_URL` (when set and not blank), else the default file.
    pub fn resolve(arg: Option<OsString>) -> Result<Self, String> {
        Self::resolve_with(arg, std::env::var_os(ENV))
    }

    fn resolve_with(arg: Option<OsString>, env: Option<OsString>) -> Result<Self, String> {
        let env = env.filter(|value| !value.to_string_lossy().trim().is_empty());
        match (arg, env) {
            (Some(arg), _) => Self::parse(arg, "--db"),
            (None, Some(env)) => Self::parse(env, ENV),
            (None, None) => Ok(Self::Sqlite(PathBuf::from(DEFAULT_SQLITE))),
        }
    }

    /// A path or a URL, as given to `--db` or in `DATABASE_URL` (named `source` in errors).
    fn parse(value: OsString, source: &str) -> Result<Self, String> {
        // A path that is not UTF-8 cannot be a URL.
        let Some(text) = value.to_str() else {
            return Ok(Self::Sqlite(PathBuf::from(value)));
        };
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(Self::Postgres(text.to_owned()));
        }
        if let Some(path) = text
            .strip_prefix("sqlite://")
            .or_else(|| text.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(format!("{source}: `{text}` names no SQLite file"));
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if let Some((scheme, _)) = text.split_once("://") {
            let is_scheme = !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
            if is_scheme {
                return Err(format!(
                    "{source}: unsupported database URL scheme `{scheme}://` (expected a SQLite \
                     file path or a postgres:// URL)"
                ));
            }
        }
        Ok(Self::Sqlite(PathBuf::from(value)))
    }

    /// For messages: the file, or the URL without its password.
    pub fn display(&self) -> String {
        match self {
            Self::Sqlite(path) => path.display().to_string(),
            Self::Postgres(url) => redact_password(url),
        }
    }

    /// Opens the store, creating it (SQLite file, schema) when missing: `serve`.
    pub fn open(&self) -> Result<Arc<dyn EventStore>, String> {
        match self {
            Self::Sqlite(path) => Ok(Arc::new(
                SqliteStore::open(path).map_err(|e| e.to_string())?,
            )),
            Self::Postgres(url) => postgres(url, true),
        }
    }

    /// Opens a store that must exist, for reading (never creates a SQLite file, so a
    /// mistyped `--db` is an error; a file this process cannot write is opened read-only):
    /// `events list|show|prune`.
    pub fn open_existing(&self) -> Result<Arc<dyn EventStore>, String> {
        match self {
            Self::Sqlite(path) => Ok(Arc::new(
                SqliteStore::open_existing(path).map_err(|e| e.to_string())?,
            )),
            Self::Postgres(url) => postgres(url, false),
        }
    }

    /// Opens a store that must exist, for writing (a SQLite file this process cannot write is
    /// refused, naming it): `worker` and `events replay`.
    pub fn open_existing_writable(&self) -> Result<Arc<dyn EventStore>, String> {
        match self {
            Self::Sqlite(path) => {
                // Checked first: exists, and is an event store (nothing is created).
                drop(SqliteStore::open_existing(path).map_err(|e| e.to_string())?);
                self.open()
            }
            Self::Postgres(url) => postgres(url, false),
        }
    }
}

/// A store as both an event store and the mirror's object store (one database).
pub type Both = (Arc<dyn EventStore>, Arc<dyn ObjectStore>);

fn both<S: EventStore + ObjectStore>(store: S) -> Both {
    let store = Arc::new(store);
    (Arc::clone(&store) as Arc<dyn EventStore>, store)
}

impl Db {
    /// [`open`](Self::open), with the mirror's objects in the same database: `serve --mirror`.
    pub fn open_with_objects(&self) -> Result<Both, String> {
        match self {
            Self::Sqlite(path) => Ok(both(SqliteStore::open(path).map_err(|e| e.to_string())?)),
            Self::Postgres(url) => Ok(both(
                PostgresStore::connect(url).map_err(|e| e.to_string())?,
            )),
        }
    }

    /// [`open_existing_writable`](Self::open_existing_writable), with the mirror's objects:
    /// `worker --mirror`.
    pub fn open_existing_writable_with_objects(&self) -> Result<Both, String> {
        match self {
            Self::Sqlite(path) => {
                drop(SqliteStore::open_existing(path).map_err(|e| e.to_string())?);
                self.open_with_objects()
            }
            Self::Postgres(url) => Ok(both(
                PostgresStore::connect_existing(url).map_err(|e| e.to_string())?,
            )),
        }
    }

    /// The mirror's objects of a store that must exist, for reading (as
    /// [`open_existing`](Self::open_existing)): `objects get|list`.
    pub fn open_existing_objects(&self) -> Result<Arc<dyn ObjectStore>, String> {
        Ok(match self {
            Self::Sqlite(path) => {
                Arc::new(SqliteStore::open_existing(path).map_err(|e| e.to_string())?)
            }
            Self::Postgres(url) => {
                Arc::new(PostgresStore::connect_existing(url).map_err(|e| e.to_string())?)
            }
        })
    }
}

/// The PostgreSQL store: created (tables, migrations) when `create`, else it must exist.
fn postgres(url: &str, create: bool) -> Result<Arc<dyn EventStore>, String> {
    let store = if create {
        PostgresStore::connect(url)
    } else {
        PostgresStore::connect_existing(url)
    };
    Ok(Arc::new(store.map_err(|e| e.to_string())?))
}

/// `postgres://user:secret@host/db` -> `postgres://user:***@host/db`.
fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some((credentials, host)) = authority.rsplit_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(arg: Option<&str>, env: Option<&str>) -> Result<Db, String> {
        Db::resolve_with(arg.map(OsString::from), env.map(OsString::from))
    }

    #[test]
    fn db_comes_from_the_flag_then_the_environment_then_the_default() {
        let sqlite = |p: &str| Ok(Db::Sqlite(PathBuf::from(p)));
        assert_eq!(resolve(None, None), sqlite(DEFAULT_SQLITE));
        assert_eq!(resolve(None, Some("  ")), sqlite(DEFAULT_SQLITE));
        assert_eq!(resolve(Some("a.db"), Some("b.db")), sqlite("a.db"));
        assert_eq!(resolve(None, Some("b.db")), sqlite("b.db"));
        assert_eq!(resolve(None, Some("sqlite:b.db")), sqlite("b.db"));
        assert_eq!(
            resolve(None, Some("sqlite:///var/b.db")),
            sqlite("/var/b.db")
        );
        assert_eq!(
            resolve(Some("postgres://u@localhost/db"), None),
            Ok(Db::Postgres("postgres://u@localhost/db".into()))
        );
        assert_eq!(
            resolve(None, Some("postgresql://localhost/db")),
            Ok(Db::Postgres("postgresql://localhost/db".into()))
        );
        assert_eq!(resolve(Some("dir/x://y"), None), sqlite("dir/x://y"));
        let mysql = resolve(None, Some("mysql://localhost/db")).unwrap_err();
        assert!(mysql.starts_with("DATABASE_URL: unsupported"), "{mysql}");
        assert!(resolve(Some("sqlite:"), None).is_err());
    }

    #[test]
    fn passwords_are_not_shown() {
        let db =
            Db::Postgres("postgres://app:s3cret@db.internal:5432/events?sslmode=require".into());
        assert_eq!(
            db.display(),
            "postgres://app:***@db.internal:5432/events?sslmode=require"
        );
        assert_eq!(
            redact_password("postgres://app@db/events"),
            "postgres://app@db/events"
        );
        assert_eq!(
            redact_password("postgresql://localhost"),
            "postgresql://localhost"
        );
        // Nothing listens on port 1: the error names the server, never the password.
        let error = Db::Postgres("postgres://app:s3cret@127.0.0.1:1/events".into())
            .open()
            .err()
            .unwrap();
        assert!(
            error.contains("127.0.0.1") && !error.contains("s3cret"),
            "{error}"
        );
    }
}
