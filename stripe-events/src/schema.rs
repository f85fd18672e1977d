//! JSON Schema support (feature `schemars`) for the hand-written types and the generated enums.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

/// The schema of a string enum that keeps unknown values: one of the known values, or any
/// other string.
pub fn string_enum(values: &[&str]) -> Schema {
    json_schema!({
        "anyOf": [
            { "type": "string", "enum": values },
            { "type": "string" }
        ]
    })
}

impl JsonSchema for crate::DateTime {
    fn schema_name() -> Cow<'static, str> {
        "DateTime".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "format": "date-time"})
    }
}

impl JsonSchema for crate::UnknownPayload {
    fn schema_name() -> Cow<'static, str> {
        "UnknownPayload".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        // Any JSON: the payload as received.
        true.into()
    }
}

impl JsonSchema for crate::UntypedPayload {
    fn schema_name() -> Cow<'static, str> {
        "UntypedPayload".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        true.into()
    }
}

/// Adds the constant `object` member a tagged struct serializes (`serde(tag = "object")`),
/// which the derive does not see: `{"object": {"const": tag}}`, required.
pub struct ObjectTag(pub &'static str);

impl schemars::transform::Transform for ObjectTag {
    fn transform(&mut self, schema: &mut Schema) {
        if let Some(props) = schema
            .ensure_object()
            .entry("properties")
            .or_insert_with(|| serde_json::json!({}))
            .as_object_mut()
        {
            props.insert(
                "object".into(),
                serde_json::json!({"type": "string", "const": self.0}),
            );
        }
        if let Some(required) = schema
            .ensure_object()
            .entry("required")
            .or_insert_with(|| serde_json::json!([]))
            .as_array_mut()
        {
            required.push("object".into());
        }
    }
}
