//! A user's extra-events file: event types a spec lacks, or overrides of an inferred payload.
//!
//! ```toml
//! [events]
//! "bitcoin.receiver.created" = "bitcoin_receiver"   # event type = schema name in components/schemas
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// Parsed extra events (empty when no file is given).
#[derive(Debug, Default, Clone)]
pub struct ExtraEvents {
    path: PathBuf,
    events: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
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
        let file: File = toml::from_str(text).map_err(|e| Error::ExtraEvents {
            path: path.to_owned(),
            reason: e.to_string().trim_end().to_owned(),
        })?;
        for (event_type, schema) in &file.events {
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
            events: file.events,
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
