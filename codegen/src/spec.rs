//! Loading a spec file: read, parse, check that it is an OpenAPI document and that every
//! `$ref` resolves, with errors that name the file and the JSON pointer at fault.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::openapi::{AdditionalProperties, Document, Schema, escape_pointer};

/// A loaded, checked spec.
#[derive(Debug)]
pub struct Spec {
    /// Where it was read from (used in messages).
    pub path: PathBuf,
    /// The parsed document.
    pub doc: Document,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
}

impl Spec {
    /// Reads and checks the spec at `path`.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_bytes(path, &bytes)
    }

    /// Parses and checks a spec already in memory; `path` is only used in messages.
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Self> {
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|inner| Error::NotJson {
                path: path.to_owned(),
                reason: strip_position(&inner.to_string()),
                line: inner.line(),
                column: inner.column(),
            })?;
        let doc = Document::from_value(value).map_err(|invalid| Error::NotOpenApi {
            path: path.to_owned(),
            pointer: invalid.pointer,
            reason: invalid.reason,
        })?;
        if !doc.openapi.starts_with('3') {
            return Err(Error::NotOpenApi {
                path: path.to_owned(),
                pointer: "#/openapi".into(),
                reason: format!(
                    "unsupported OpenAPI version {:?} (3.x expected)",
                    doc.openapi
                ),
            });
        }
        let spec = Spec {
            path: path.to_owned(),
            doc,
            sha256: sha256_hex(bytes),
        };
        spec.check_refs()?;
        Ok(spec)
    }

    /// The schema a component name refers to.
    pub fn schema(&self, name: &str) -> Option<&Schema> {
        self.doc.components.schemas.get(name)
    }

    /// Component schemas reachable from `roots` through `$ref`s (including `roots`), sorted;
    /// names the spec does not have are left out.
    pub fn reachable(&self, roots: &[&str]) -> std::collections::BTreeSet<String> {
        let mut seen = std::collections::BTreeSet::new();
        let mut stack: Vec<&str> = roots.to_vec();
        while let Some(name) = stack.pop() {
            let Some(schema) = self.schema(name) else {
                continue;
            };
            if seen.insert(name.to_owned()) {
                schema.refs(&mut stack);
            }
        }
        seen
    }

    /// Fails on the first `$ref` (in schema order) that points at no component schema.
    fn check_refs(&self) -> Result<()> {
        for (name, schema) in &self.doc.components.schemas {
            let pointer = format!("#/components/schemas/{}", escape_pointer(name));
            self.check_schema_refs(schema, &pointer)?;
        }
        Ok(())
    }

    fn check_schema_refs(&self, schema: &Schema, pointer: &str) -> Result<()> {
        if let Some(target) = &schema.reference {
            let found = schema.ref_name().is_some_and(|n| self.schema(n).is_some());
            if !found {
                return Err(Error::DanglingRef {
                    path: self.path.clone(),
                    pointer: format!("{pointer}/$ref"),
                    target: target.clone(),
                });
            }
        }
        for (key, list) in [
            ("anyOf", &schema.any_of),
            ("oneOf", &schema.one_of),
            ("allOf", &schema.all_of),
        ] {
            for (i, sub) in list.iter().flatten().enumerate() {
                self.check_schema_refs(sub, &format!("{pointer}/{key}/{i}"))?;
            }
        }
        for (name, sub) in schema.properties.iter().flatten() {
            self.check_schema_refs(
                sub,
                &format!("{pointer}/properties/{}", escape_pointer(name)),
            )?;
        }
        if let Some(items) = &schema.items {
            self.check_schema_refs(items, &format!("{pointer}/items"))?;
        }
        if let Some(AdditionalProperties::Schema(sub)) = &schema.additional_properties {
            self.check_schema_refs(sub, &format!("{pointer}/additionalProperties"))?;
        }
        Ok(())
    }
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// serde_json appends " at line L column C"; the error types carry those separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(json: &str) -> Result<Spec> {
        Spec::from_bytes(Path::new("fragment.json"), json.as_bytes())
    }

    #[test]
    fn not_json_names_file_and_position() {
        let err = load("{\"openapi\": ").unwrap_err().to_string();
        assert!(err.starts_with("fragment.json is not valid JSON"), "{err}");
        assert!(err.contains("line 1"), "{err}");
    }

    #[test]
    fn json_that_is_not_openapi_names_the_pointer() {
        let err = load(r#"{"hello": 1}"#).unwrap_err().to_string();
        assert!(err.contains("not an OpenAPI document"), "{err}");
        assert!(err.contains("missing field `openapi`"), "{err}");
        let err = load(r#"{"openapi": "3.0.0", "info": {"version": 5}}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("#/info/version"), "{err}");
        let err = load(r#"{"openapi": "2.0", "info": {"version": "x"}}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("#/openapi"), "{err}");
    }

    #[test]
    fn dangling_ref_names_the_pointer() {
        let err = load(
            r##"{"openapi": "3.0.0", "info": {"version": "x"}, "components": {"schemas": {
                "thing": {"type": "object", "properties": {"other": {"anyOf": [{"$ref": "#/components/schemas/nope"}]}}}
            }}}"##,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("#/components/schemas/thing/properties/other/anyOf/0/$ref"),
            "{err}"
        );
        assert!(err.contains("\"#/components/schemas/nope\""), "{err}");
    }

    #[test]
    fn checksum_is_sha256_of_the_bytes() {
        // sha256("abc"), from FIPS 180-2.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn pointer_segments_are_escaped() {
        assert_eq!(escape_pointer("a/b~c"), "a~1b~0c");
        let doc = br#"{"openapi": "3.0.0", "info": {"version": "x"},
            "components": {"schemas": {"a/b": {"properties": {"p": {"required": ["ok", 1]}}}}}}"#;
        let err = Spec::from_bytes(Path::new("t.json"), doc)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "t.json is not an OpenAPI document: invalid type: number `1`, expected a string \
             at #/components/schemas/a~1b/properties/p/required/1"
        );
    }
}
