//! Spec fragments written for these tests (not cut from Stripe's specs), shared by
//! `fragments.rs` (substring checks) and `snapshots.rs` (the whole generated code).
#![allow(dead_code)]

use std::path::Path;

use stripe_events_codegen::Spec;

/// A spec in the old form: event types from `enabled_events`, payloads inferred.
pub fn legacy_spec(events: &[&str], schemas: &str) -> Spec {
    let list = std::iter::once("\"*\"".to_owned())
        .chain(events.iter().map(|e| format!("{e:?}")))
        .collect::<Vec<_>>()
        .join(",");
    let json = format!(
        r#"{{"openapi": "3.0.0", "info": {{"version": "2099-01-01"}},
        "paths": {{"/v1/webhook_endpoints": {{"post": {{"requestBody": {{"content": {{"application/x-www-form-urlencoded": {{"schema": {{"properties": {{"enabled_events": {{"items": {{"enum": [{list}]}}}}}}}}}}}}}}}}}}}},
        "components": {{"schemas": {{{schemas}}}}}}}"#
    );
    Spec::from_bytes(Path::new("legacy.json"), json.as_bytes()).expect("fragment is a valid spec")
}

/// Widgets and gadgets: most field shapes, a recursive field, a polymorphic field, shared enums.
pub const SCHEMAS: &str = r##"
    "widget": {"type": "object", "x-resourceId": "widget", "description": "A widget.",
        "required": ["id", "object", "size", "parent", "created", "kind"],
        "properties": {
            "id": {"type": "string"},
            "object": {"type": "string", "enum": ["widget"]},
            "size": {"type": "integer"},
            "created": {"type": "integer", "format": "unix-time"},
            "kind": {"type": "string", "enum": ["small", "large", "self"]},
            "color": {"type": "string", "enum": ["large", "small", "self"], "nullable": true},
            "type": {"type": "string"},
            "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
            "parent": {"anyOf": [{"$ref": "#/components/schemas/widget"}], "nullable": true},
            "owner": {"anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/gadget"}], "x-expansionResources": {"oneOf": [{"$ref": "#/components/schemas/gadget"}]}},
            "attachment": {"anyOf": [{"$ref": "#/components/schemas/gadget"}, {"$ref": "#/components/schemas/widget"}]},
            "extra": {"type": "object"}
        }},
    "gadget": {"type": "object", "x-resourceId": "gadget",
        "properties": {"id": {"type": "string"}, "object": {"type": "string", "enum": ["gadget"]}}},
    "unused": {"type": "object", "properties": {"id": {"type": "string"}}}
"##;

/// A `crate` with a nested struct and an array of structs.
pub const CRATE_SCHEMAS: &str = r#"
    "crate": {"type": "object", "x-resourceId": "crate", "required": ["id", "dims"],
        "properties": {
            "object": {"type": "string", "enum": ["crate"]},
            "id": {"type": "string"},
            "dims": {"type": "object", "properties": {"depth": {"type": "integer"}}},
            "parts": {"type": "array", "items": {"type": "object", "properties": {"sku": {"type": "string"}}}}
        }}
"#;

/// A spec in the new form: events are `x-stripeEvent` schemas (one polymorphic, one thin).
pub const STRIPE_EVENT_FORM: &str = r##"{"openapi": "3.0.0", "info": {"version": "2099-02-02"}, "paths": {},
  "components": {"schemas": {
    "gadget": {"type": "object", "properties": {"id": {"type": "string"}, "object": {"type": "string", "enum": ["gadget"]}}},
    "widget": {"type": "object", "properties": {"id": {"type": "string"}, "object": {"type": "string", "enum": ["widget"]}}},
    "gadget.created": {"type": "object", "x-stripeEvent": {"type": "gadget.created", "kind": "snapshot"},
        "properties": {"object": {"$ref": "#/components/schemas/gadget"}}},
    "either.changed": {"type": "object", "x-stripeEvent": {"type": "either.changed"},
        "properties": {"object": {"anyOf": [{"$ref": "#/components/schemas/gadget"}, {"$ref": "#/components/schemas/widget"}]}}},
    "thin.event": {"type": "object", "x-stripeEvent": {"type": "thin.event", "kind": "thin"}, "properties": {}}
  }}}"##;

/// The new-form spec above.
pub fn stripe_event_spec() -> Spec {
    Spec::from_bytes(Path::new("new-form.json"), STRIPE_EVENT_FORM.as_bytes())
        .expect("fragment is a valid spec")
}

/// A shelf: the shapes `SCHEMAS` leaves out: a list object, numbers and booleans, an array of
/// strings, `allOf`, a `deleted_` alternative, `anyOf` without `object` (merged), an enum with
/// the value `unrecognized` and two values that name the same variant, a schema without
/// description.
pub const SHELF_SCHEMAS: &str = r##"
    "shelf": {"type": "object", "x-resourceId": "shelf", "description": "A shelf of `book`s.",
        "required": ["id", "object", "books", "weight"],
        "properties": {
            "id": {"type": "string"},
            "object": {"type": "string", "enum": ["shelf"]},
            "books": {"type": "object", "description": "The books on it.",
                "required": ["data", "has_more", "object", "url"],
                "properties": {
                    "data": {"type": "array", "items": {"$ref": "#/components/schemas/book"}},
                    "has_more": {"type": "boolean"},
                    "object": {"type": "string", "enum": ["list"]},
                    "url": {"type": "string"}
                }},
            "weight": {"type": "number", "description": "In kilograms."},
            "sturdy": {"type": "boolean"},
            "labels": {"type": "array", "items": {"type": "string"}},
            "finish": {"allOf": [{"$ref": "#/components/schemas/finish"}]},
            "reader": {"anyOf": [{"$ref": "#/components/schemas/reader"}, {"$ref": "#/components/schemas/deleted_reader"}], "nullable": true},
            "source": {"anyOf": [{"$ref": "#/components/schemas/donation"}, {"$ref": "#/components/schemas/purchase"}]},
            "state": {"type": "string", "enum": ["open", "unrecognized", "Open"]}
        }},
    "book": {"type": "object", "properties": {"title": {"type": "string"}, "pages": {"type": "integer"}}},
    "finish": {"type": "object", "description": "How it is finished.", "properties": {"gloss": {"type": "boolean"}}},
    "reader": {"type": "object", "x-resourceId": "reader",
        "properties": {"id": {"type": "string"}, "object": {"type": "string", "enum": ["reader"]}}},
    "deleted_reader": {"type": "object",
        "properties": {"id": {"type": "string"}, "object": {"type": "string", "enum": ["reader"]},
            "deleted": {"type": "boolean", "enum": [true]}}},
    "donation": {"type": "object", "properties": {"donor": {"type": "string"}}},
    "purchase": {"type": "object", "properties": {"price": {"type": "integer"}}}
"##;
