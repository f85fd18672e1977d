//! Reading the project's small TOML files (the spec pin, extra events) into a [`toml::Table`]
//! by hand: no serde derive, so the generator, which build scripts compile, needs no
//! proc-macro stack.

use toml::{Table, Value};

/// Parses `text`; the error is the TOML parser's message.
pub fn parse(text: &str) -> Result<Table, String> {
    text.parse::<Table>()
        .map_err(|e| e.to_string().trim_end().to_owned())
}

/// Refuses keys other than `known` (a misspelt key is an error, not silently ignored).
pub fn only_keys(table: &Table, known: &[&str]) -> Result<(), String> {
    match table.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(format!(
            "unknown field `{k}`, expected one of {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        None => Ok(()),
    }
}

/// The string at `key`, if present.
pub fn string(table: &Table, key: &str) -> Result<Option<String>, String> {
    match table.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!(
            "`{key}` must be a string, found {}",
            other.type_str()
        )),
    }
}

/// The string at `key`, which must be present.
pub fn required_string(table: &Table, key: &str) -> Result<String, String> {
    string(table, key)?.ok_or_else(|| format!("missing field `{key}`"))
}
