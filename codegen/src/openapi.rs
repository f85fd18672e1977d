//! The subset of an OpenAPI 3 document that the generator reads.
//!
//! Only what drives code generation is modelled; everything else in Stripe's spec is ignored,
//! so a newer spec with extra keys still loads. The model is read from a `serde_json::Value` by
//! hand ([`Document::from_value`]) rather than derived: the generator runs in build scripts,
//! and without `serde_derive` it needs no proc-macro stack (`syn`) to be compiled first.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// A whole OpenAPI document.
#[derive(Debug)]
pub struct Document {
    /// `openapi`: the OpenAPI version string; its presence tells an OpenAPI document apart
    /// from any other JSON.
    pub openapi: String,
    /// `info`.
    pub info: Info,
    /// `paths`, kept as raw JSON: only one request body is read from it.
    pub paths: BTreeMap<String, serde_json::Value>,
    /// `components`.
    pub components: Components,
}

/// `info`.
#[derive(Debug)]
pub struct Info {
    /// `info.version`: for Stripe, the API version (e.g. `2024-04-10`).
    pub version: String,
}

/// `components`.
#[derive(Debug, Default)]
pub struct Components {
    /// `components/schemas`, by name.
    pub schemas: BTreeMap<String, Schema>,
}

/// One JSON Schema as Stripe writes them.
#[derive(Debug, Default, Clone)]
pub struct Schema {
    /// `$ref`.
    pub reference: Option<String>,
    /// `type`.
    pub ty: Option<String>,
    /// `format` (`unix-time`, `decimal`, ...).
    pub format: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `title`.
    pub title: Option<String>,
    /// `nullable`.
    pub nullable: bool,
    /// `enum`: values of any JSON type.
    pub enum_values: Option<Vec<serde_json::Value>>,
    /// `properties`.
    pub properties: Option<BTreeMap<String, Schema>>,
    /// `required`.
    pub required: Vec<String>,
    /// `additionalProperties`: `true`, `false` or a schema.
    pub additional_properties: Option<AdditionalProperties>,
    /// `items`.
    pub items: Option<Box<Schema>>,
    /// `anyOf`.
    pub any_of: Option<Vec<Schema>>,
    /// `oneOf`.
    pub one_of: Option<Vec<Schema>>,
    /// `allOf`.
    pub all_of: Option<Vec<Schema>>,
    /// `x-resourceId`: the resource this schema describes (`issuing.card`).
    pub resource_id: Option<String>,
    /// `x-expansionResources`: present on fields that hold an ID or the expanded object.
    pub expansion_resources: Option<serde_json::Value>,
    /// `x-stripeEvent`: present on event schemas in newer specs.
    pub stripe_event: Option<StripeEvent>,
}

/// `additionalProperties`.
#[derive(Debug, Clone)]
pub enum AdditionalProperties {
    /// `true` / `false`.
    Bool(bool),
    /// A schema for the values.
    Schema(Box<Schema>),
}

/// `x-stripeEvent`: `{"type": "customer.created", "kind": "thin" | "snapshot"}`.
#[derive(Debug, Clone)]
pub struct StripeEvent {
    /// The event type string.
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

/// Where a document does not fit the model: a JSON pointer and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// JSON pointer of the value at fault (`#/components/schemas/product/required`).
    pub pointer: String,
    /// What is wrong, worded like serde's messages (`missing field \`openapi\``).
    pub reason: String,
}

type Read<T> = std::result::Result<T, Invalid>;

fn invalid(pointer: &str, reason: String) -> Invalid {
    Invalid {
        pointer: pointer.to_owned(),
        reason,
    }
}

/// Escapes one JSON-pointer segment (`~` -> `~0`, `/` -> `~1`).
pub fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// `pointer` + `/segment`, escaped.
fn child(pointer: &str, segment: &str) -> String {
    format!("{pointer}/{}", escape_pointer(segment))
}

/// serde's wording for a value of the wrong type.
fn wrong_type(v: &Value, pointer: &str, expected: &str) -> Invalid {
    let found = match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) => format!("number `{n}`"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "sequence".to_owned(),
        Value::Object(_) => "map".to_owned(),
    };
    invalid(
        pointer,
        format!("invalid type: {found}, expected {expected}"),
    )
}

/// An object's members, read by name.
struct Fields<'a> {
    map: &'a Map<String, Value>,
    pointer: &'a str,
}

impl<'a> Fields<'a> {
    fn of(v: &'a Value, pointer: &'a str) -> Read<Self> {
        match v {
            Value::Object(map) => Ok(Self { map, pointer }),
            other => Err(wrong_type(other, pointer, "a map")),
        }
    }

    /// A member that may be absent or `null`.
    fn get(&self, key: &str) -> Option<(&'a Value, String)> {
        self.map
            .get(key)
            .filter(|v| !v.is_null())
            .map(|v| (v, child(self.pointer, key)))
    }

    fn required(&self, key: &str) -> Read<(&'a Value, String)> {
        self.get(key)
            .ok_or_else(|| invalid(self.pointer, format!("missing field `{key}`")))
    }

    fn string(&self, key: &str) -> Read<Option<String>> {
        self.get(key).map(|(v, at)| string(v, &at)).transpose()
    }

    fn bool(&self, key: &str) -> Read<bool> {
        match self.get(key) {
            None => Ok(false),
            Some((Value::Bool(b), _)) => Ok(*b),
            Some((v, at)) => Err(wrong_type(v, &at, "a boolean")),
        }
    }

    fn schema(&self, key: &str) -> Read<Option<Schema>> {
        self.get(key)
            .map(|(v, at)| Schema::from_value(v, &at))
            .transpose()
    }

    fn schemas(&self, key: &str) -> Read<Option<Vec<Schema>>> {
        self.get(key)
            .map(|(v, at)| {
                array(v, &at)?
                    .iter()
                    .enumerate()
                    .map(|(i, s)| Schema::from_value(s, &format!("{at}/{i}")))
                    .collect()
            })
            .transpose()
    }

    fn schema_map(&self, key: &str) -> Read<Option<BTreeMap<String, Schema>>> {
        self.get(key)
            .map(|(v, at)| {
                Fields::of(v, &at)?
                    .map
                    .iter()
                    .map(|(name, s)| Ok((name.clone(), Schema::from_value(s, &child(&at, name))?)))
                    .collect()
            })
            .transpose()
    }
}

fn string(v: &Value, pointer: &str) -> Read<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        other => Err(wrong_type(other, pointer, "a string")),
    }
}

fn array<'a>(v: &'a Value, pointer: &str) -> Read<&'a Vec<Value>> {
    match v {
        Value::Array(items) => Ok(items),
        other => Err(wrong_type(other, pointer, "a sequence")),
    }
}

impl Document {
    /// Reads the model from a parsed JSON document; members it does not model are ignored.
    ///
    /// # Errors
    ///
    /// [`Invalid`]: where the document does not fit (a missing `openapi` or `info.version`,
    /// a schema member of the wrong type, ...).
    pub fn from_value(mut v: Value) -> Read<Self> {
        // `paths` (most of Stripe's spec) is kept as JSON: moved out, not copied.
        let paths = match v.get_mut("paths").map(Value::take) {
            None | Some(Value::Null) => BTreeMap::new(),
            Some(Value::Object(paths)) => paths.into_iter().collect(),
            Some(other) => return Err(wrong_type(&other, "#/paths", "a map")),
        };
        let doc = Fields::of(&v, "#")?;
        let (openapi, at) = doc.required("openapi")?;
        let openapi = string(openapi, &at)?;
        let (info, at) = doc.required("info")?;
        let info = Fields::of(info, &at)?;
        let (version, at) = info.required("version")?;
        let version = string(version, &at)?;
        let schemas = match doc.get("components") {
            None => BTreeMap::new(),
            Some((v, at)) => Fields::of(v, &at)?
                .schema_map("schemas")?
                .unwrap_or_default(),
        };
        Ok(Document {
            openapi,
            info: Info { version },
            paths,
            components: Components { schemas },
        })
    }
}

impl Schema {
    /// Reads one schema at `pointer`.
    ///
    /// # Errors
    ///
    /// [`Invalid`] for a member of the wrong type.
    pub fn from_value(v: &Value, pointer: &str) -> Read<Self> {
        let f = Fields::of(v, pointer)?;
        let enum_values = f
            .get("enum")
            .map(|(v, at)| array(v, &at).cloned())
            .transpose()?;
        let required = match f.get("required") {
            None => Vec::new(),
            Some((v, at)) => array(v, &at)?
                .iter()
                .enumerate()
                .map(|(i, s)| string(s, &format!("{at}/{i}")))
                .collect::<Read<_>>()?,
        };
        let additional_properties = match f.get("additionalProperties") {
            None => None,
            Some((Value::Bool(b), _)) => Some(AdditionalProperties::Bool(*b)),
            Some((v, at)) => Some(AdditionalProperties::Schema(Box::new(Schema::from_value(
                v, &at,
            )?))),
        };
        let stripe_event = match f.get("x-stripeEvent") {
            None => None,
            Some((v, at)) => {
                let e = Fields::of(v, &at)?;
                let (event_type, at_type) = e.required("type")?;
                Some(StripeEvent {
                    event_type: string(event_type, &at_type)?,
                    kind: e.string("kind")?,
                })
            }
        };
        Ok(Schema {
            reference: f.string("$ref")?,
            ty: f.string("type")?,
            format: f.string("format")?,
            description: f.string("description")?,
            title: f.string("title")?,
            nullable: f.bool("nullable")?,
            enum_values,
            properties: f.schema_map("properties")?,
            required,
            additional_properties,
            items: f.schema("items")?.map(Box::new),
            any_of: f.schemas("anyOf")?,
            one_of: f.schemas("oneOf")?,
            all_of: f.schemas("allOf")?,
            resource_id: f.string("x-resourceId")?,
            expansion_resources: f.get("x-expansionResources").map(|(v, _)| v.clone()),
            stripe_event,
        })
    }
}
