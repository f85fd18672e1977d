//! Reading the project's small TOML files (the spec pin, extra events) by hand, from the TOML
//! parser's own document tree ([`toml::de::DeTable`]): no serde, so the generator, which build
//! scripts compile, needs neither a proc-macro stack nor toml's serde layer.

pub use toml::de::{DeTable as Table, DeValue as Value};

/// Parses `text`; the error is the TOML parser's message.
pub fn parse(text: &str) -> Result<Table<'_>, String> {
    Table::parse(text)
        .map(|table| table.into_inner())
        .map_err(|e| e.to_string().trim_end().to_owned())
}

/// Refuses keys other than `known` (a misspelt key is an error, not silently ignored).
pub fn only_keys(table: &Table<'_>, known: &[&str]) -> Result<(), String> {
    match table
        .keys()
        .find(|k| !known.contains(&k.get_ref().as_ref()))
    {
        Some(k) => Err(format!(
            "unknown field `{}`, expected one of {}",
            k.get_ref(),
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
pub fn string(table: &Table<'_>, key: &str) -> Result<Option<String>, String> {
    match table.get(key).map(|v| v.get_ref()) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.to_string())),
        Some(other) => Err(format!(
            "`{key}` must be a string, found {}",
            other.type_str()
        )),
    }
}

/// The array of strings at `key`, if present.
pub fn string_list(table: &Table<'_>, key: &str) -> Result<Option<Vec<String>>, String> {
    match table.get(key).map(|v| v.get_ref()) {
        None => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item.get_ref() {
                Value::String(s) => Ok(s.to_string()),
                other => Err(format!(
                    "`{key}` must be an array of strings, found an array holding a {}",
                    other.type_str()
                )),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(other) => Err(format!(
            "`{key}` must be an array of strings, found {}",
            other.type_str()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_strings_and_refuses_what_does_not_fit() {
        let table = parse("version = \"2024-04-10\"\nsha256 = 3\n").unwrap();
        assert_eq!(
            string(&table, "version").unwrap().as_deref(),
            Some("2024-04-10")
        );
        assert_eq!(string(&table, "source").unwrap(), None);
        assert_eq!(
            string(&table, "sha256").unwrap_err(),
            "`sha256` must be a string, found integer"
        );
        assert_eq!(
            only_keys(&table, &["version"]).unwrap_err(),
            "unknown field `sha256`, expected one of `version`"
        );
        assert!(only_keys(&table, &["sha256", "version"]).is_ok());
    }

    #[test]
    fn reads_string_lists() {
        let table = parse("a = [\"x\", \"y\"]\nb = [1]\nc = \"z\"\n").unwrap();
        assert_eq!(
            string_list(&table, "a").unwrap(),
            Some(vec!["x".to_owned(), "y".to_owned()])
        );
        assert_eq!(string_list(&table, "none").unwrap(), None);
        assert!(
            string_list(&table, "b")
                .unwrap_err()
                .contains("array of strings")
        );
        assert!(
            string_list(&table, "c")
                .unwrap_err()
                .contains("found string")
        );
    }

    #[test]
    fn a_syntax_error_is_the_parsers_message() {
        let err = parse("version = \n").unwrap_err();
        assert!(err.contains("line 1"), "{err}");
    }
}
