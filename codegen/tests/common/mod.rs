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

/// A unified spec (written for these tests): one snapshot event and thin events of every
/// shape the generator handles: a related object of a v2 resource, of a v1 resource, of a
/// resource the spec does not name, and none; a bracketed type name; `data` with nested
/// objects, a string enum, an RFC 3339 date-time, an array, a `$ref`; empty `data`; no
/// `data`; `changes`.
pub const THIN_FORM: &str = r##"{"openapi": "3.0.0", "info": {"version": "2099-03-03.thin"}, "paths": {},
  "components": {"schemas": {
    "gadget": {"type": "object", "x-resourceId": "gadget",
        "properties": {"id": {"type": "string"}, "object": {"type": "string", "enum": ["gadget"]}}},
    "gadget.created": {"type": "object", "x-stripeEvent": {"type": "gadget.created", "kind": "snapshot"},
        "properties": {"object": {"$ref": "#/components/schemas/gadget"}}},
    "v2.shop.widget": {"type": "object", "x-resourceId": "v2.shop.widget",
        "properties": {"id": {"type": "string"}, "object": {"type": "string", "enum": ["v2.shop.widget"]}}},
    "shop_dimensions": {"type": "object", "description": "How big a widget is.", "required": ["height"],
        "properties": {"height": {"type": "integer"}, "unit": {"type": "string", "enum": ["cm", "in"]}}},
    "v2.shop.widget.created": {"type": "object", "description": "A widget was made.",
        "x-stripeEvent": {"type": "v2.shop.widget.created", "kind": "thin"},
        "required": ["data", "related_object", "type"],
        "properties": {
            "type": {"type": "string", "enum": ["v2.shop.widget.created"]},
            "related_object": {"type": "object", "required": ["type"],
                "properties": {"type": {"type": "string", "enum": ["v2.shop.widget"]}}},
            "data": {"type": "object", "description": "About the new widget.",
                "required": ["made_at", "line", "dimensions"],
                "properties": {
                    "made_at": {"type": "string", "format": "date-time", "description": "When it was made."},
                    "line": {"type": "string", "enum": ["standard", "deluxe"]},
                    "dimensions": {"$ref": "#/components/schemas/shop_dimensions"},
                    "parts": {"type": "array", "items": {"type": "object", "required": ["sku"],
                        "properties": {"sku": {"type": "string"}, "count": {"type": "integer"}}}},
                    "inspector": {"type": "object", "properties": {"name": {"type": "string"}}}
                }}
        }},
    "v2.shop.widget_colour_.updated": {"type": "object",
        "x-stripeEvent": {"type": "v2.shop.widget[colour].updated", "kind": "thin"},
        "required": ["changes", "data", "related_object", "type"],
        "properties": {
            "type": {"type": "string", "enum": ["v2.shop.widget[colour].updated"]},
            "related_object": {"type": "object", "required": ["type"],
                "properties": {"type": {"type": "string", "enum": ["v2.shop.widget"]}}},
            "data": {"type": "object", "properties": {}},
            "changes": {"type": "object", "properties": {"before": {"type": "object"}, "after": {"type": "object"}}}
        }},
    "v1.gadget.spun": {"type": "object",
        "x-stripeEvent": {"type": "v1.gadget.spun", "kind": "thin"},
        "properties": {
            "type": {"type": "string", "enum": ["v1.gadget.spun"]},
            "related_object": {"type": "object", "properties": {"type": {"type": "string", "enum": ["gadget"]}}},
            "data": {"type": "object", "required": ["turns"], "properties": {"turns": {"type": "integer"}}}
        }},
    "v2.shop.report.ready": {"type": "object",
        "x-stripeEvent": {"type": "v2.shop.report.ready", "kind": "thin"},
        "properties": {
            "type": {"type": "string", "enum": ["v2.shop.report.ready"]},
            "data": {"type": "object", "required": ["ready_at"],
                "properties": {"ready_at": {"type": "string", "format": "date-time"}, "url": {"type": "string"}}}
        }},
    "v2.shop.anything.happened": {"type": "object",
        "x-stripeEvent": {"type": "v2.shop.anything.happened", "kind": "thin"},
        "properties": {
            "type": {"type": "string", "enum": ["v2.shop.anything.happened"]},
            "related_object": {"type": "object", "properties": {"type": {"type": "string"}}}
        }}
  }}}"##;

/// The unified spec above.
pub fn thin_spec() -> Spec {
    Spec::from_bytes(Path::new("thin-form.json"), THIN_FORM.as_bytes())
        .expect("fragment is a valid spec")
}

/// A v2 spec with thin events only (no snapshot event, no `enabled_events`).
pub fn thin_only_spec() -> Spec {
    let json = THIN_FORM.replace(
        r##""gadget.created": {"type": "object", "x-stripeEvent": {"type": "gadget.created", "kind": "snapshot"},
        "properties": {"object": {"$ref": "#/components/schemas/gadget"}}},"##,
        "",
    );
    assert_ne!(json, THIN_FORM, "the snapshot event was taken out");
    Spec::from_bytes(Path::new("thin-only.json"), json.as_bytes())
        .expect("fragment is a valid spec")
}
