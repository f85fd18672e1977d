//! What a schema accepts, as far as parsing is concerned ([`Shape`]), seen through the
//! single-alternative wrappers Stripe puts around nullable fields ([`inner`]).

use crate::openapi::{AdditionalProperties, Schema};

/// The shape of a schema as far as parsing is concerned: two schemas of the same shape accept
/// the same JSON kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Shape {
    /// A component schema.
    Ref(String),
    /// An ID string or one of these objects.
    Expandable(Vec<String>),
    /// One of these objects (by `object`).
    Union(Vec<String>),
    /// An object with properties.
    Object,
    /// An object with arbitrary keys.
    Map,
    /// A JSON array.
    Array,
    /// A string (with or without an enum).
    String,
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// A boolean.
    Bool,
    /// Anything (free-form object, mixed alternatives).
    Json,
}

impl Shape {
    pub(super) fn describe(&self) -> String {
        match self {
            Shape::Ref(r) => format!("`{r}`"),
            Shape::Expandable(r) => format!("an ID or `{}`", r.join("`/`")),
            Shape::Union(r) => format!("one of `{}`", r.join("`, `")),
            Shape::Object => "an inline object".to_owned(),
            Shape::Map => "a map".to_owned(),
            Shape::Array => "an array".to_owned(),
            Shape::String => "a string".to_owned(),
            Shape::Integer => "an integer".to_owned(),
            Shape::Number => "a number".to_owned(),
            Shape::Bool => "a boolean".to_owned(),
            Shape::Json => "any JSON".to_owned(),
        }
    }
}

fn sorted_refs(alts: &[Schema]) -> Option<Vec<String>> {
    let mut refs: Vec<String> = alts
        .iter()
        .map(|a| a.ref_name().map(str::to_owned))
        .collect::<Option<_>>()?;
    refs.sort();
    Some(refs)
}

/// The schema a single-alternative wrapper (`anyOf: [x]`, `allOf: [x]`) stands for.
pub(super) fn inner(schema: &Schema) -> &Schema {
    match (schema.alternatives(), schema.all_of.as_deref()) {
        (Some([only]), _) | (None, Some([only])) => inner(only),
        _ => schema,
    }
}

pub(super) fn inner_mut(schema: &mut Schema) -> &mut Schema {
    let single = matches!(schema.alternatives(), Some([_]))
        || (schema.alternatives().is_none() && matches!(schema.all_of.as_deref(), Some([_])));
    if !single {
        return schema;
    }
    let alts = if schema.any_of.is_some() {
        &mut schema.any_of
    } else if schema.one_of.is_some() {
        &mut schema.one_of
    } else {
        &mut schema.all_of
    };
    match alts.as_deref_mut() {
        Some([only]) => inner_mut(only),
        _ => unreachable!("checked above"),
    }
}

pub(super) fn shape(schema: &Schema) -> Shape {
    let schema = inner(schema);
    if let Some(name) = schema.ref_name() {
        return Shape::Ref(name.to_owned());
    }
    if let Some(alts) = schema.alternatives() {
        let has_string = alts
            .iter()
            .any(|a| a.ty.as_deref() == Some("string") && a.enum_values.is_none());
        let mut refs: Vec<String> = alts
            .iter()
            .filter_map(|a| a.ref_name().map(str::to_owned))
            .collect();
        refs.sort();
        if !refs.is_empty() && (schema.expansion_resources.is_some() || has_string) {
            return Shape::Expandable(refs);
        }
        return match sorted_refs(alts) {
            Some(refs) => Shape::Union(refs),
            None => Shape::Json,
        };
    }
    match schema.ty.as_deref() {
        Some("string") => Shape::String,
        Some("integer") => Shape::Integer,
        Some("number") => Shape::Number,
        Some("boolean") => Shape::Bool,
        Some("array") => Shape::Array,
        Some("object") | None => {
            if schema.properties.as_ref().is_some_and(|p| !p.is_empty()) {
                Shape::Object
            } else if matches!(
                schema.additional_properties,
                Some(AdditionalProperties::Schema(_))
            ) {
                Shape::Map
            } else {
                Shape::Json
            }
        }
        Some(_) => Shape::Json,
    }
}
