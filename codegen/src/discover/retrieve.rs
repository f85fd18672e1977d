//! Where Stripe's API serves each object on its own: the `GET /v1/.../{id}` operations whose
//! only path parameter is the object's id (the last segment) and whose 200 response is the
//! object's schema (or that schema beside its `deleted_*` form, as `GET /v1/customers/{customer}`
//! answers). Objects only reachable under a parent (`/v1/customers/{customer}/sources/{id}`)
//! have no entry.

use std::collections::BTreeMap;

use crate::spec::Spec;

/// One object type and the path it is retrieved at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrievePath {
    /// The object's `object` string (`customer`, `checkout.session`).
    pub object_type: String,
    /// Its schema under `components/schemas`.
    pub schema: String,
    /// The path template as the spec writes it, with its one parameter
    /// (`/v1/customers/{customer}`).
    pub path: String,
}

/// Every object type of `spec` with a retrieve path, by object type. When several paths
/// retrieve one type (`/v1/balance_transactions/{id}` and `/v1/balance/history/{id}`), the
/// one with the fewest segments, then the first in order, is taken.
pub fn discover_retrieve(spec: &Spec) -> Vec<RetrievePath> {
    let mut found: BTreeMap<String, RetrievePath> = BTreeMap::new();
    for (path, item) in &spec.doc.paths {
        if !path.starts_with("/v1/") || !has_one_trailing_parameter(path) {
            continue;
        }
        let get = &item["get"];
        let path_parameters = get["parameters"].as_array().map_or(0, |ps| {
            ps.iter()
                .filter(|p| p["in"].as_str() == Some("path"))
                .count()
        });
        if get.is_null() || path_parameters > 1 {
            continue;
        }
        let response = &get["responses"]["200"]["content"]["application/json"]["schema"];
        for schema in response_schemas(response) {
            let Some(object) = spec.schema(schema) else {
                continue;
            };
            let deleted = object
                .properties
                .as_ref()
                .is_some_and(|p| p.contains_key("deleted"));
            let Some(object_type) = object.object_tag() else {
                continue;
            };
            if deleted || object_type == "list" || object_type == "search_result" {
                continue;
            }
            let candidate = RetrievePath {
                object_type: object_type.to_owned(),
                schema: schema.to_owned(),
                path: path.clone(),
            };
            let segments = |p: &str| p.matches('/').count();
            match found.get(object_type) {
                Some(known) if segments(&known.path) <= segments(path) => {}
                _ => {
                    found.insert(object_type.to_owned(), candidate);
                }
            }
        }
    }
    found.into_values().collect()
}

/// Whether the last segment of `path` is its one parameter (`/v1/customers/{customer}`).
fn has_one_trailing_parameter(path: &str) -> bool {
    let Some((parent, last)) = path.rsplit_once('/') else {
        return false;
    };
    last.starts_with('{') && last.ends_with('}') && !parent.contains('{')
}

/// The schema names a 200 response is: a `$ref`, or the `$ref`s of its `anyOf`/`oneOf`.
fn response_schemas(response: &serde_json::Value) -> Vec<&str> {
    fn name(v: &serde_json::Value) -> Option<&str> {
        v["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
    }
    if let Some(one) = name(response) {
        return vec![one];
    }
    ["anyOf", "oneOf"]
        .iter()
        .filter_map(|k| response[k].as_array())
        .flatten()
        .filter_map(name)
        .collect()
}

/// The table `stripe-events-codegen` snapshots: one line per object type, tab-separated:
/// object type, schema, path.
pub fn retrieve_table(paths: &[RetrievePath]) -> String {
    paths
        .iter()
        .map(|p| format!("{}\t{}\t{}\n", p.object_type, p.schema, p.path))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_trailing_single_parameters_count() {
        assert!(has_one_trailing_parameter("/v1/customers/{customer}"));
        assert!(has_one_trailing_parameter(
            "/v1/checkout/sessions/{session}"
        ));
        assert!(!has_one_trailing_parameter(
            "/v1/customers/{customer}/sources/{id}"
        ));
        assert!(!has_one_trailing_parameter("/v1/quotes/{quote}/pdf"));
        assert!(!has_one_trailing_parameter("/v1/account"));
    }
}
