//! Thin events: the `x-stripeEvent` schemas of kind `thin` (every event of Stripe's v2 specs,
//! and the thin events a unified spec has beside its snapshot events).
//!
//! A thin event schema's properties are `type` (its type string), `related_object` (when the
//! event has one: `{id, type, url}`, where `type` is a one-value enum naming the resource),
//! `data` (what the event fetched from `/v2/core/events/{id}` carries) and sometimes
//! `changes` (kept as JSON).

use crate::naming;
use crate::openapi::Schema;
use crate::spec::Spec;

/// One thin event type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThinEventDef {
    /// The event type string, e.g. `v2.core.account[requirements].updated`.
    pub event_type: String,
    /// The Rust variant name ([`naming::thin_event_variant`]), e.g.
    /// `V2CoreAccountIncludingRequirementsUpdated`.
    pub variant: String,
    /// The event's schema name under `components/schemas`.
    pub schema: String,
    /// What the event's `related_object` is.
    pub related_object: RelatedObject,
}

/// What a thin event's `related_object` refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelatedObject {
    /// The event has no related object.
    None,
    /// An object of this resource (the `related_object.type` enum's one value): a v1 resource
    /// (`billing.meter`) or a v2 one (`v2.core.account`, see [`is_v2_resource`]).
    Resource(String),
    /// A related object whose resource the spec does not name.
    Unnamed,
}

impl RelatedObject {
    /// The resource id, when the spec names one.
    pub fn resource(&self) -> Option<&str> {
        match self {
            Self::Resource(r) => Some(r),
            Self::None | Self::Unnamed => None,
        }
    }
}

/// Whether a resource id names a v2 resource (`v2.core.account`), fetched from `/v2/...`,
/// rather than a v1 one (`billing.meter`).
pub fn is_v2_resource(resource: &str) -> bool {
    resource.starts_with("v2.")
}

/// Every thin event of `spec`, sorted by type; none for a spec without thin `x-stripeEvent`
/// schemas (every v1 spec in `../shared`). Variant names are made distinct (two types that
/// read the same as identifiers get numbered variants).
pub fn discover_thin(spec: &Spec) -> Vec<ThinEventDef> {
    let mut events: Vec<ThinEventDef> = spec
        .doc
        .components
        .schemas
        .iter()
        .filter_map(|(name, schema)| {
            let ext = schema.stripe_event.as_ref()?;
            (ext.kind.as_deref() == Some("thin")).then(|| ThinEventDef {
                variant: naming::thin_event_variant(&ext.event_type),
                event_type: ext.event_type.clone(),
                schema: name.clone(),
                related_object: related_object(schema),
            })
        })
        .collect();
    events.sort_by(|a, b| a.event_type.cmp(&b.event_type));
    events.dedup_by(|a, b| a.event_type == b.event_type);
    let mut variants: Vec<String> = events.iter().map(|e| e.variant.clone()).collect();
    naming::dedupe_variants(&mut variants);
    for (event, variant) in events.iter_mut().zip(variants) {
        event.variant = variant;
    }
    events
}

/// The `related_object` property of a thin event schema.
fn related_object(schema: &Schema) -> RelatedObject {
    let Some(related) = schema
        .properties
        .as_ref()
        .and_then(|p| p.get("related_object"))
    else {
        return RelatedObject::None;
    };
    related
        .properties
        .as_ref()
        .and_then(|p| p.get("type"))
        .and_then(Schema::single_string_value)
        .map_or(RelatedObject::Unnamed, |r| {
            RelatedObject::Resource(r.to_owned())
        })
}

/// The `data` property of a thin event's schema: the typed part of the fetched event.
pub fn data_schema<'a>(spec: &'a Spec, event: &ThinEventDef) -> Option<&'a Schema> {
    spec.schema(&event.schema)?.properties.as_ref()?.get("data")
}

/// What `stripe-events-codegen events` prints for thin events: one line per type,
/// tab-separated: type, the related object's resource id (`-` when the event has none, `*`
/// when the spec does not name its resource), Rust variant, and `thin`.
///
/// ```
/// use stripe_events_codegen::discover::{RelatedObject, ThinEventDef, thin_table};
///
/// let e = ThinEventDef {
///     event_type: "v2.core.account[requirements].updated".to_owned(),
///     variant: "V2CoreAccountIncludingRequirementsUpdated".to_owned(),
///     schema: "v2.core.account_requirements_.updated".to_owned(),
///     related_object: RelatedObject::Resource("v2.core.account".to_owned()),
/// };
/// assert_eq!(
///     thin_table(&[e]),
///     "v2.core.account[requirements].updated\tv2.core.account\tV2CoreAccountIncludingRequirementsUpdated\tthin\n"
/// );
/// ```
pub fn thin_table(events: &[ThinEventDef]) -> String {
    let mut out = String::new();
    for e in events {
        let related = match &e.related_object {
            RelatedObject::None => "-",
            RelatedObject::Resource(r) => r,
            RelatedObject::Unnamed => "*",
        };
        out.push_str(&format!(
            "{}\t{related}\t{}\tthin\n",
            e.event_type, e.variant
        ));
    }
    out
}
