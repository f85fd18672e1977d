//! A user's extra-events file: event types a spec lacks, or overrides of an inferred payload.
//!
//! ```toml
//! [events]
//! "bitcoin.receiver.created" = "bitcoin_receiver"   # event type = schema name in components/schemas
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Parsed extra events (empty when no file is given).
#[derive(Debug, Default, Clone)]
pub struct ExtraEvents {
    path: PathBuf,
    events: BTreeMap<String, String>,
}

impl ExtraEvents {
    /// No extra events.
    pub fn none() -> Self {
        Self::default()
    }

    /// Reads an extra-events TOML file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(path, &text)
    }

    /// Parses extra-events TOML; `path` is used in messages.
    pub fn parse(path: &Path, text: &str) -> Result<Self> {
        let events = read_events(text).map_err(|reason| Error::ExtraEvents {
            path: path.to_owned(),
            reason,
        })?;
        for (event_type, schema) in &events {
            if event_type.is_empty() || event_type == "*" || schema.is_empty() {
                return Err(Error::ExtraEvents {
                    path: path.to_owned(),
                    reason: format!(
                        "entry {event_type:?} = {schema:?}: event type and schema name must be non-empty, and `*` is not an event type"
                    ),
                });
            }
        }
        Ok(Self {
            path: path.to_owned(),
            events,
        })
    }

    /// The file these came from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Event type -> schema name.
    pub fn events(&self) -> &BTreeMap<String, String> {
        &self.events
    }
}

/// The `[events]` table: event type -> schema name.
fn read_events(text: &str) -> std::result::Result<BTreeMap<String, String>, String> {
    use crate::toml_file::{Value, only_keys, parse};
    let table = parse(text)?;
    only_keys(&table, &["events"])?;
    match table.get("events").map(|v| v.get_ref()) {
        None => Ok(BTreeMap::new()),
        Some(Value::Table(events)) => events
            .iter()
            .map(|(event_type, schema)| match schema.get_ref() {
                Value::String(s) => Ok((event_type.get_ref().to_string(), s.to_string())),
                other => Err(format!(
                    "entry {:?}: the schema name must be a string, found {}",
                    event_type.get_ref(),
                    other.type_str()
                )),
            })
            .collect(),
        Some(other) => Err(format!(
            "`events` must be a table, found {}",
            other.type_str()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_events_table() {
        let extra = ExtraEvents::parse(
            Path::new("extra.toml"),
            "[events]\n\"bitcoin.receiver.created\" = \"bitcoin_receiver\"\n",
        )
        .unwrap();
        assert_eq!(
            extra
                .events()
                .get("bitcoin.receiver.created")
                .map(String::as_str),
            Some("bitcoin_receiver")
        );
    }

    #[test]
    fn rejects_bad_toml_and_unknown_tables() {
        let err = ExtraEvents::parse(Path::new("x.toml"), "[events\n").unwrap_err();
        assert!(err.to_string().starts_with("x.toml: "), "{err}");
        let err = ExtraEvents::parse(Path::new("x.toml"), "[other]\na = \"b\"\n").unwrap_err();
        assert!(err.to_string().contains("other"), "{err}");
        let err = ExtraEvents::parse(Path::new("x.toml"), "[events]\n\"*\" = \"b\"\n").unwrap_err();
        assert!(err.to_string().contains("\"*\""), "{err}");
    }
}
