//! Shared helpers: Stripe's example objects (fixtures) from `../shared/stripe-openapi`, and a
//! structural comparison of a typed payload (serialized back to JSON) with its source.
#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;

/// `../shared/stripe-openapi` beside the project root.
pub fn shared_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/stripe-openapi")
}

/// The `resources` map of `fixtures-<name>.json`.
pub fn fixtures(name: &str) -> serde_json::Map<String, Value> {
    let path = shared_dir().join(format!("fixtures-{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    match doc["resources"].take() {
        Value::Object(m) => m,
        other => panic!("{}: resources is {other}", path.display()),
    }
}

/// Checks that everything in `typed` (a typed payload serialized back to JSON) equals the
/// same place in `source`: the typed value kept what it read, and read it correctly. Nulls in
/// `typed` may stand for keys missing from `source`.
pub fn assert_subset(typed: &Value, source: &Value, path: &str) {
    match (typed, source) {
        (Value::Object(t), Value::Object(s)) => {
            for (k, v) in t {
                match s.get(k) {
                    Some(sv) => assert_subset(v, sv, &format!("{path}.{k}")),
                    None => assert!(
                        v.is_null(),
                        "{path}.{k}: typed has {v}, source has no such key"
                    ),
                }
            }
        }
        (Value::Array(t), Value::Array(s)) => {
            assert_eq!(t.len(), s.len(), "{path}: array length");
            for (i, (a, b)) in t.iter().zip(s).enumerate() {
                assert_subset(a, b, &format!("{path}[{i}]"));
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            assert_eq!(a.as_f64(), b.as_f64(), "{path}: number");
        }
        (a, b) => assert_eq!(a, b, "{path}"),
    }
}
