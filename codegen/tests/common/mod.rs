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

/// Parcels as the pinned version (2099-01-01) has them, for the compatible-versions tests: a
/// required field (`weight`), a non-nullable one (`carrier`), a string enum (`status`), a
/// string that an older version has as an object (`tracking`), an inline object with a
/// required field (`dims.height`), a polymorphic field (`sender`).
pub const PARCEL_SCHEMAS: &str = r##"
    "parcel": {"type": "object", "x-resourceId": "parcel", "description": "A parcel.",
        "required": ["id", "object", "weight", "carrier", "status", "tracking", "dims"],
        "properties": {
            "id": {"type": "string"},
            "object": {"type": "string", "enum": ["parcel"]},
            "weight": {"type": "integer", "description": "In grams."},
            "carrier": {"type": "string"},
            "status": {"type": "string", "enum": ["sent", "delivered"]},
            "tracking": {"type": "string", "description": "The tracking code."},
            "dims": {"type": "object", "required": ["height"],
                "properties": {"height": {"type": "integer"}, "width": {"type": "integer"}}},
            "sender": {"anyOf": [{"$ref": "#/components/schemas/person"}, {"$ref": "#/components/schemas/shop"}], "nullable": true}
        }},
    "person": {"type": "object", "properties": {"object": {"type": "string", "enum": ["person"]}, "name": {"type": "string"}}},
    "shop": {"type": "object", "properties": {"object": {"type": "string", "enum": ["shop"]}, "url": {"type": "string"}}}
"##;

/// Parcels as an older version (2098-01-01) has them: no `weight`, `carrier` nullable, one more
/// `status` value (`lost`), `tracking` an object, no `dims.height`, one more kind of sender
/// (`robot`), a field the pinned version does not have (`fragile`), and a resource with its
/// own event type (`stamp`, `stamp.printed`) plus one more parcel event (`parcel.lost`).
pub const OLDER_PARCEL_SCHEMAS: &str = r##"
    "parcel": {"type": "object", "x-resourceId": "parcel",
        "required": ["id", "object", "status", "tracking"],
        "properties": {
            "id": {"type": "string"},
            "object": {"type": "string", "enum": ["parcel"]},
            "carrier": {"type": "string", "nullable": true},
            "status": {"type": "string", "enum": ["sent", "lost", "delivered"]},
            "tracking": {"type": "object", "properties": {"code": {"type": "string"}}},
            "dims": {"type": "object", "properties": {"width": {"type": "integer"}}},
            "sender": {"anyOf": [{"$ref": "#/components/schemas/person"}, {"$ref": "#/components/schemas/robot"}, {"$ref": "#/components/schemas/shop"}], "nullable": true},
            "fragile": {"type": "boolean"}
        }},
    "person": {"type": "object", "properties": {"object": {"type": "string", "enum": ["person"]}, "name": {"type": "string"}}},
    "robot": {"type": "object", "properties": {"object": {"type": "string", "enum": ["robot"]}, "serial": {"type": "string"}}},
    "shop": {"type": "object", "properties": {"object": {"type": "string", "enum": ["shop"]}, "url": {"type": "string"}}},
    "stamp": {"type": "object", "x-resourceId": "stamp", "required": ["id"],
        "properties": {"id": {"type": "string"}, "object": {"type": "string", "enum": ["stamp"]}, "value": {"type": "integer"}}}
"##;

/// The pinned parcel spec (2099-01-01) and the older one (2098-01-01).
pub fn parcel_specs() -> (Spec, Spec) {
    let pinned = legacy_spec(&["parcel.created", "parcel.updated"], PARCEL_SCHEMAS);
    let older = legacy_spec(
        &[
            "parcel.created",
            "parcel.lost",
            "parcel.updated",
            "stamp.printed",
        ],
        OLDER_PARCEL_SCHEMAS,
    );
    let older = older_version(older, "2098-01-01");
    (pinned, older)
}

/// `spec` with another API version.
pub fn older_version(mut spec: Spec, version: &str) -> Spec {
    spec.doc.info.version = version.to_owned();
    spec
}
