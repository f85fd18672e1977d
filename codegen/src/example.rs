//! Example JSON built from a spec's schemas: test data where Stripe publishes no example
//! objects (every v2 resource and thin event). Shared by the tests of `stripe-events`
//! (parsing, dispatching and fetching every thin type), and meant for the CLI's `trigger` and
//! the benchmarks.
//!
//! An example has what a schema requires and nothing more: every required property (nullable
//! ones too, with a value, so that their types are exercised), the first value of an `enum`,
//! the first alternative of an `anyOf`/`oneOf`, one item in an array, a value of the right
//! `format` (`date-time`: RFC 3339, `unix-time`: seconds). Deterministic: the same spec gives
//! the same examples.
//!
//! ```
//! use stripe_events_codegen::example::{example, fetched_event, notification};
//! use stripe_events_codegen::{Spec, discover::discover_thin};
//!
//! let spec = Spec::from_bytes("fragment.json".as_ref(), br#"{"openapi": "3.0.0",
//!   "info": {"version": "2025-12-15.test"}, "paths": {},
//!   "components": {"schemas": {"v2.thing.made": {"type": "object",
//!     "x-stripeEvent": {"type": "v2.thing.made", "kind": "thin"},
//!     "properties": {"type": {"type": "string", "enum": ["v2.thing.made"]},
//!       "data": {"type": "object", "required": ["count", "at"], "properties": {
//!         "count": {"type": "integer"}, "at": {"type": "string", "format": "date-time"},
//!         "note": {"type": "string"}}}}}}}}"#)?;
//! let event = &discover_thin(&spec)[0];
//! let fetched = fetched_event(&spec, event, "evt_1");
//! assert_eq!(fetched["type"], "v2.thing.made");
//! assert_eq!(fetched["data"], serde_json::json!({"count": 1, "at": "2025-12-15T09:30:00.000Z"}));
//! assert_eq!(notification(&spec, event, "evt_1").get("data"), None);
//! # let _ = example;
//! # Ok::<(), stripe_events_codegen::Error>(())
//! ```

use serde_json::{Map, Value, json};

use crate::discover::{RelatedObject, ThinEventDef, data_schema};
use crate::openapi::{AdditionalProperties, Schema};
use crate::spec::Spec;

/// The `created` of every example (RFC 3339), and the same instant in Unix seconds.
pub const CREATED: &str = "2025-12-15T09:30:00.000Z";
/// [`CREATED`] in Unix seconds (a `unix-time` value).
pub const CREATED_UNIX: i64 = 1_765_791_000;
/// The `context` of example notifications (an account), as Stripe sends for a connected
/// account's events.
pub const CONTEXT: &str = "acct_example";

/// An example value of `schema`, whose `$ref`s point into `spec`.
pub fn example(spec: &Spec, schema: &Schema) -> Value {
    Builder {
        spec,
        stack: Vec::new(),
    }
    .value(schema, "")
}

/// The example of the component schema whose `x-resourceId` is `resource`
/// (`v2.core.event_destination`), if `spec` has one, with `id` as its id.
pub fn resource_example(spec: &Spec, resource: &str, id: &str) -> Option<Value> {
    let (name, schema) = spec
        .doc
        .components
        .schemas
        .iter()
        .find(|(_, s)| s.resource_id.as_deref() == Some(resource))?;
    // Built as the component itself, so that a `$ref` back to it is a cycle.
    let mut value = Builder {
        spec,
        stack: vec![name.as_str()],
    }
    .value(schema, "");
    if let Some(object) = value.as_object_mut() {
        if object.contains_key("id") {
            object.insert("id".to_owned(), json!(id));
        }
    }
    Some(value)
}

/// The id of the example related object of `resource` (`v2.core.account` ->
/// `v2_core_account_example`).
pub fn related_id(resource: &str) -> String {
    format!("{}_example", resource.replace('.', "_"))
}

/// Where the related object `id` of `resource` is fetched from: the path of the spec's
/// `GET .../{id}` that returns that resource, else one made from its name
/// (`billing.meter` -> `/v1/billing/meters/{id}`, for a v1 resource a v2 spec does not
/// describe).
pub fn related_url(spec: &Spec, resource: &str, id: &str) -> String {
    let schema_name = spec
        .doc
        .components
        .schemas
        .iter()
        .find(|(_, s)| s.resource_id.as_deref() == Some(resource))
        .map(|(name, _)| name.as_str());
    let from_paths = schema_name.and_then(|name| {
        let target = format!("#/components/schemas/{name}");
        spec.doc.paths.iter().find_map(|(path, item)| {
            let schema = &item["get"]["responses"]["200"]["content"]["application/json"]["schema"];
            let returns = schema["$ref"].as_str() == Some(target.as_str());
            (returns && path.ends_with("/{id}")).then(|| path.replace("{id}", id))
        })
    });
    from_paths.unwrap_or_else(|| {
        let path = resource.strip_prefix("v2.").map_or_else(
            || format!("/v1/{}", resource.replace('.', "/")),
            |r| format!("/v2/{}", r.replace('.', "/")),
        );
        format!("{path}s/{id}")
    })
}

/// An example notification of the thin event `event` with id `id`: the `v2.core.event`
/// envelope (with [`CONTEXT`] and a `request` reason) and its related object, no `data`.
pub fn notification(spec: &Spec, event: &ThinEventDef, id: &str) -> Value {
    let mut n = json!({
        "id": id,
        "object": "v2.core.event",
        "type": event.event_type,
        "created": CREATED,
        "livemode": false,
        "context": CONTEXT,
        "reason": {"type": "request", "request": {"id": "req_example", "idempotency_key": "key_example"}},
    });
    let related = match &event.related_object {
        RelatedObject::None => None,
        RelatedObject::Resource(r) => Some(r.clone()),
        RelatedObject::Unnamed => Some("v2.unnamed.resource".to_owned()),
    };
    if let Some(resource) = related {
        let rid = related_id(&resource);
        n["related_object"] = json!({
            "id": rid,
            "type": resource,
            "url": related_url(spec, &resource, &rid),
        });
    }
    n
}

/// The example of the event `GET /v2/core/events/{id}` returns for `event`: the
/// [`notification`] plus an example of its `data` (and of its `changes`, when its schema has
/// them).
pub fn fetched_event(spec: &Spec, event: &ThinEventDef, id: &str) -> Value {
    let mut e = notification(spec, event, id);
    if let Some(data) = data_schema(spec, event) {
        e["data"] = example(spec, data);
    }
    let changes = spec
        .schema(&event.schema)
        .and_then(|s| s.properties.as_ref()?.get("changes"));
    if changes.is_some() {
        e["changes"] = json!({"before": {}, "after": {}});
    }
    e
}

struct Builder<'a> {
    spec: &'a Spec,
    /// The component schemas being built, outermost first: a `$ref` back into one is a cycle.
    stack: Vec<&'a str>,
}

impl<'a> Builder<'a> {
    fn value(&mut self, schema: &'a Schema, name: &str) -> Value {
        if let Some(target) = schema.ref_name() {
            let Some(resolved) = self.spec.schema(target) else {
                return Value::Null;
            };
            if self.stack.contains(&target) {
                return Value::Null;
            }
            self.stack.push(target);
            let v = self.value(resolved, name);
            self.stack.pop();
            return v;
        }
        if let Some(first) = schema.alternatives().and_then(<[Schema]>::first) {
            return self.value(first, name);
        }
        if let Some([only, ..]) = schema.all_of.as_deref() {
            return self.value(only, name);
        }
        if let Some(first) = schema.enum_values.as_deref().and_then(<[Value]>::first) {
            return first.clone();
        }
        match schema.ty.as_deref() {
            Some("string") => json!(match schema.format.as_deref() {
                Some("date-time") => CREATED.to_owned(),
                Some("decimal") => "1.5".to_owned(),
                _ if name == "currency" => "usd".to_owned(),
                _ if name.is_empty() => "example".to_owned(),
                _ => format!("{name}_example"),
            }),
            Some("integer") => match schema.format.as_deref() {
                Some("unix-time") => json!(CREATED_UNIX),
                _ => json!(1),
            },
            Some("number") => json!(1.5),
            Some("boolean") => json!(true),
            Some("array") => match &schema.items {
                Some(items) => json!([self.value(items, name)]),
                None => json!([]),
            },
            _ => self.object(schema),
        }
    }

    fn object(&mut self, schema: &'a Schema) -> Value {
        let mut out = Map::new();
        if let Some(props) = &schema.properties {
            for (key, prop) in props {
                if schema.required.contains(key) {
                    let v = self.value(prop, key);
                    out.insert(key.clone(), v);
                }
            }
        }
        if let Some(AdditionalProperties::Schema(values)) = &schema.additional_properties {
            if schema.properties.is_none() {
                let v = self.value(values, "key");
                out.insert("key".to_owned(), v);
            }
        }
        Value::Object(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(schemas: &str, paths: &str) -> Spec {
        let text = format!(
            r#"{{"openapi": "3.0.0", "info": {{"version": "t"}}, "paths": {paths},
                "components": {{"schemas": {schemas}}}}}"#
        );
        Spec::from_bytes("t.json".as_ref(), text.as_bytes()).unwrap()
    }

    #[test]
    fn required_members_enums_formats_alternatives_arrays_and_maps() {
        let s = spec(
            r##"{"thing": {"type": "object", "x-resourceId": "v2.core.thing",
                "required": ["id", "object", "at", "when", "n", "x", "ok", "tags", "parent", "meta", "either", "amount"],
                "properties": {
                  "id": {"type": "string"}, "object": {"type": "string", "enum": ["v2.core.thing"]},
                  "at": {"type": "string", "format": "date-time"},
                  "when": {"type": "integer", "format": "unix-time"},
                  "n": {"type": "integer"}, "x": {"type": "number"}, "ok": {"type": "boolean"},
                  "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
                  "parent": {"nullable": true, "anyOf": [{"$ref": "#/components/schemas/thing"}]},
                  "meta": {"type": "object", "additionalProperties": {"type": "string"}},
                  "either": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
                  "amount": {"type": "string", "format": "decimal"},
                  "optional": {"type": "string"}}}}"##,
            r##"{"/v2/core/things/{id}": {"get": {"responses": {"200": {"content":
                {"application/json": {"schema": {"$ref": "#/components/schemas/thing"}}}}}}}}"##,
        );
        let v = resource_example(&s, "v2.core.thing", "thing_1").unwrap();
        assert_eq!(
            v,
            json!({"id": "thing_1", "object": "v2.core.thing", "at": CREATED, "when": CREATED_UNIX,
                "n": 1, "x": 1.5, "ok": true, "tags": ["a"], "parent": null,
                "meta": {"key": "key_example"}, "either": 1, "amount": "1.5"})
        );
        assert_eq!(
            related_url(&s, "v2.core.thing", "thing_1"),
            "/v2/core/things/thing_1"
        );
        assert_eq!(
            related_url(&s, "billing.meter", "m_1"),
            "/v1/billing/meters/m_1"
        );
        assert_eq!(resource_example(&s, "v2.core.other", "x"), None);
    }
}
