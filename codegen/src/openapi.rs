//! The subset of an OpenAPI 3 document that the generator reads.
//!
//! Only what drives code generation is modelled; everything else in Stripe's spec is ignored
//! when deserializing (serde skips unknown fields), so a newer spec with extra keys still loads.

use std::collections::BTreeMap;

use serde::Deserialize;

/// A whole OpenAPI document.
#[derive(Debug, Deserialize)]
pub struct Document {
    /// `openapi`: the OpenAPI version string; its presence tells an OpenAPI document apart
    /// from any other JSON.
    pub openapi: String,
    /// `info`.
    pub info: Info,
    /// `paths`, kept as raw JSON: only one request body is read from it.
    #[serde(default)]
    pub paths: BTreeMap<String, serde_json::Value>,
    /// `components`.
    #[serde(default)]
    pub components: Components,
}

/// `info`.
#[derive(Debug, Deserialize)]
pub struct Info {
    /// `info.version`: for Stripe, the API version (e.g. `2024-04-10`).
    pub version: String,
}

/// `components`.
#[derive(Debug, Default, Deserialize)]
pub struct Components {
    /// `components/schemas`, by name.
    #[serde(default)]
    pub schemas: BTreeMap<String, Schema>,
}

/// One JSON Schema as Stripe writes them.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct Schema {
    /// `$ref`.
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    /// `type`.
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// `format` (`unix-time`, `decimal`, ...).
    pub format: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `title`.
    pub title: Option<String>,
    /// `nullable`.
    #[serde(default)]
    pub nullable: bool,
    /// `enum`: values of any JSON type.
    #[serde(rename = "enum")]
    pub enum_values: Option<Vec<serde_json::Value>>,
    /// `properties`.
    pub properties: Option<BTreeMap<String, Schema>>,
    /// `required`.
    #[serde(default)]
    pub required: Vec<String>,
    /// `additionalProperties`: `true`, `false` or a schema.
    #[serde(rename = "additionalProperties")]
    pub additional_properties: Option<AdditionalProperties>,
    /// `items`.
    pub items: Option<Box<Schema>>,
    /// `anyOf`.
    #[serde(rename = "anyOf")]
    pub any_of: Option<Vec<Schema>>,
    /// `oneOf`.
    #[serde(rename = "oneOf")]
    pub one_of: Option<Vec<Schema>>,
    /// `allOf`.
    #[serde(rename = "allOf")]
    pub all_of: Option<Vec<Schema>>,
    /// `x-resourceId`: the resource this schema describes (`issuing.card`).
    #[serde(rename = "x-resourceId")]
    pub resource_id: Option<String>,
    /// `x-expansionResources`: present on fields that hold an ID or the expanded object.
    #[serde(rename = "x-expansionResources")]
    pub expansion_resources: Option<serde_json::Value>,
    /// `x-stripeEvent`: present on event schemas in newer specs.
    #[serde(rename = "x-stripeEvent")]
    pub stripe_event: Option<StripeEvent>,
}

/// `additionalProperties`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum AdditionalProperties {
    /// `true` / `false`.
    Bool(bool),
    /// A schema for the values.
    Schema(Box<Schema>),
}

/// `x-stripeEvent`: `{"type": "customer.created", "kind": "thin" | "snapshot"}`.
#[derive(Debug, Clone, Deserialize)]
pub struct StripeEvent {
    /// The event type string.
    #[serde(rename = "type")]
    pub event_type: String,
    /// `snapshot` or `thin` (newer specs); absent means snapshot.
    pub kind: Option<String>,
}

impl Schema {
    /// The name of the component a `$ref` points to, if this schema is a local reference.
    pub fn ref_name(&self) -> Option<&str> {
        self.reference
            .as_deref()
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
    }

    /// Pushes the target of every `$ref` inside this schema (at any depth) onto `out`.
    pub fn refs<'a>(&'a self, out: &mut Vec<&'a str>) {
        if let Some(name) = self.ref_name() {
            out.push(name);
        }
        for sub in [&self.any_of, &self.one_of, &self.all_of]
            .into_iter()
            .flatten()
            .flatten()
        {
            sub.refs(out);
        }
        for sub in self.properties.iter().flat_map(|p| p.values()) {
            sub.refs(out);
        }
        if let Some(items) = &self.items {
            items.refs(out);
        }
        if let Some(AdditionalProperties::Schema(sub)) = &self.additional_properties {
            sub.refs(out);
        }
    }

    /// The `anyOf` or `oneOf` alternatives, whichever is present.
    pub fn alternatives(&self) -> Option<&[Schema]> {
        self.any_of.as_deref().or(self.one_of.as_deref())
    }

    /// The single string value of a one-value `enum` (`"object": {"enum": ["product"]}`).
    pub fn single_string_value(&self) -> Option<&str> {
        match self.enum_values.as_deref() {
            Some([serde_json::Value::String(s)]) => Some(s),
            _ => None,
        }
    }

    /// The value of this object schema's `object` property when it is a one-value enum.
    pub fn object_tag(&self) -> Option<&str> {
        self.properties
            .as_ref()?
            .get("object")?
            .single_string_value()
    }
}
