//! Which event types a spec defines, and which payload schema each one carries.
//!
//! Two forms of spec exist:
//!
//! * Newer specs describe every event with a schema carrying `x-stripeEvent`; its `object`
//!   property names the payload. That is used as is.
//! * Older specs (every version up to 2024-04-10) only list event types, in the `enabled_events`
//!   enum of `POST /v1/webhook_endpoints`. The payload is then inferred from the resource schemas
//!   ([`infer_payload`]), with a short table of exceptions ([`EXCEPTIONS`]) where the event
//!   name does not tell.
//!
//! An event whose payload schema the spec does not contain still gets its variant; its payload
//! is kept as raw JSON (`events` prints `-` for it).
//!
//! Thin events (`x-stripeEvent` of kind `thin`: Stripe's v2 specs, and unified specs beside
//! their snapshot events) are found separately, by [`discover_thin`]. A spec may have both
//! kinds; a spec with only thin events has no snapshot events ([`discover`] returns none
//! rather than failing).

mod retrieve;
mod thin;

pub use retrieve::{RetrievePath, discover_retrieve, retrieve_table};
pub use thin::{
    RelatedObject, ThinEventDef, data_schema, discover_thin, is_v2_resource, thin_table,
};

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::extra::ExtraEvents;
use crate::naming;
use crate::spec::Spec;

/// One event type and its payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventDef {
    /// The event type string, e.g. `customer.subscription.updated`.
    pub event_type: String,
    /// The Rust variant name, e.g. `CustomerSubscriptionUpdated`.
    pub variant: String,
    /// Payload schema names under `components/schemas`: one for a plain payload, several for a
    /// polymorphic one (chosen by the payload's `object` field), none when the spec has no
    /// schema for it (the payload stays raw JSON).
    pub payload: Vec<String>,
    /// How the payload was found.
    pub source: PayloadSource,
}

impl EventDef {
    /// The event's group: its type up to the first dot (`customer` for
    /// `customer.subscription.updated`). Each group is a cargo feature of `stripe-events`
    /// ([`feature_name`]).
    pub fn group(&self) -> &str {
        let t = &self.event_type;
        t.split('.').next().unwrap_or(t)
    }
}

/// What `stripe-events-codegen events` prints: one line per event type, tab-separated: type,
/// payload schema name(s) (comma-separated when polymorphic, `-` when none), Rust variant.
///
/// ```
/// use stripe_events_codegen::discover::{EventDef, PayloadSource, table};
///
/// let e = EventDef {
///     event_type: "charge.updated".to_owned(),
///     variant: "ChargeUpdated".to_owned(),
///     payload: vec!["charge".to_owned()],
///     source: PayloadSource::Inferred,
/// };
/// assert_eq!(table(&[e]), "charge.updated\tcharge\tChargeUpdated\n");
/// ```
pub fn table(events: &[EventDef]) -> String {
    let mut out = String::new();
    for e in events {
        let payload = if e.payload.is_empty() {
            "-".to_owned()
        } else {
            e.payload.join(",")
        };
        out.push_str(&format!("{}\t{}\t{}\n", e.event_type, payload, e.variant));
    }
    out
}

/// The cargo feature of `stripe-events` that compiles a group's payload types:
/// `events-` and the group in kebab case (`events-payment-intent` for `payment_intent`).
pub fn feature_name(group: &str) -> String {
    format!("events-{}", group.replace('_', "-"))
}

/// How an event's payload schema was determined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadSource {
    /// From an `x-stripeEvent` schema.
    StripeEvent,
    /// Inferred from the event name and the resource schemas.
    Inferred,
    /// From the [`EXCEPTIONS`] table.
    Exception,
    /// From a user's extra-events file.
    Extra,
    /// The spec has no schema for it.
    Missing,
}

/// Events whose payload the event name does not tell, as (event types, candidates): the
/// first candidate whose names the spec all has is the payload, each name a resource id
/// (a polymorphic resource stands for its alternatives, as in [`infer_payload`]) or a schema
/// name. An entry with no candidate the spec has falls back to the inference rule. Each
/// entry is tested one by one against the real specs, and every event type against Stripe's
/// own mapping (`codegen/tests/mapping.rs`).
pub const EXCEPTIONS: &[(&[&str], &[&[&str]])] = &[
    // Sent to the application: the payload is the application, not the account.
    (
        &[
            "account.application.authorized",
            "account.application.deauthorized",
        ],
        &[&["application"]],
    ),
    // An external account: the spec's `external_account` (a bank account or a card), which
    // the rule finds from 2020 on; the 2018 spec has no such resource.
    (
        &[
            "account.external_account.created",
            "account.external_account.deleted",
            "account.external_account.updated",
        ],
        &[&["external_account"], &["bank_account", "card"]],
    ),
    // A customer's payment source: the spec's `payment_source` (account, bank account, card,
    // source; 2020 adds its older kinds), which the name does not tell (`source` alone is one
    // of them); the 2018 spec has no such resource. `customer.source.contact_cardholder`
    // (2018 only) is about cards and sources.
    (
        &[
            "customer.source.created",
            "customer.source.deleted",
            "customer.source.expiring",
            "customer.source.updated",
        ],
        &[&["payment_source"], &["bank_account", "card", "source"]],
    ),
    (
        &["customer.source.contact_cardholder"],
        &[&["card", "source"]],
    ),
    // An application fee's refund is a fee refund, not a charge refund.
    (&["application_fee.refund.updated"], &[&["fee_refund"]]),
    // A customer's discount is a discount (the name's last segment happens to say so, but
    // `customer.` must not win).
    (
        &[
            "customer.discount.created",
            "customer.discount.deleted",
            "customer.discount.updated",
        ],
        &[&["discount"]],
    ),
    // The upcoming invoice is an invoice.
    (&["invoice.upcoming"], &[&["invoice"]]),
];

/// Finds every event type of `spec` and its payload; `extra` adds or overrides entries.
/// The result is sorted by event type.
pub fn discover(spec: &Spec, extra: &ExtraEvents) -> Result<Vec<EventDef>> {
    let mut events: BTreeMap<String, (Vec<String>, PayloadSource)> = BTreeMap::new();
    let from_extension = stripe_event_schemas(spec);
    // A v2 spec has thin events only: no snapshot event to find, and no `enabled_events`.
    let thin_only =
        from_extension.is_empty() && !has_enabled_events(spec) && !discover_thin(spec).is_empty();
    if from_extension.is_empty() && !thin_only {
        let types = enabled_events(spec)?;
        let resources = ResourceIndex::new(spec);
        for event_type in types {
            let (payload, source) = exception(&resources, &event_type)
                .map(|p| (p, PayloadSource::Exception))
                .or_else(|| {
                    infer_payload(&resources, &event_type).map(|p| (p, PayloadSource::Inferred))
                })
                .unwrap_or((Vec::new(), PayloadSource::Missing));
            events.insert(event_type, (payload, source));
        }
    } else {
        events.extend(from_extension);
    }
    for (event_type, schema) in extra.events() {
        if spec.schema(schema).is_none() {
            return Err(Error::ExtraEvents {
                path: extra.path().to_owned(),
                reason: format!(
                    "entry {event_type:?} = {schema:?}: the spec ({}) has no schema {schema:?} in components/schemas",
                    spec.path.display()
                ),
            });
        }
        events.insert(
            event_type.clone(),
            (vec![schema.clone()], PayloadSource::Extra),
        );
    }
    Ok(events
        .into_iter()
        .map(|(event_type, (payload, source))| EventDef {
            variant: naming::event_variant(&event_type),
            event_type,
            payload,
            source,
        })
        .collect())
}

/// Events described by `x-stripeEvent` schemas (snapshot events only: thin events carry no
/// `data.object`).
fn stripe_event_schemas(spec: &Spec) -> BTreeMap<String, (Vec<String>, PayloadSource)> {
    let mut out = BTreeMap::new();
    for schema in spec.doc.components.schemas.values() {
        let Some(ext) = &schema.stripe_event else {
            continue;
        };
        if ext.kind.as_deref().is_some_and(|k| k != "snapshot") {
            continue;
        }
        let object = schema.properties.as_ref().and_then(|p| p.get("object"));
        let payload: Vec<String> = match object {
            Some(o) if o.ref_name().is_some() => vec![o.ref_name().unwrap_or_default().to_owned()],
            Some(o) => o
                .alternatives()
                .unwrap_or_default()
                .iter()
                .filter_map(|s| s.ref_name().map(str::to_owned))
                .collect(),
            None => Vec::new(),
        };
        let source = if payload.is_empty() {
            PayloadSource::Missing
        } else {
            PayloadSource::StripeEvent
        };
        out.insert(ext.event_type.clone(), (payload, source));
    }
    out
}

/// JSON pointer of the `enabled_events` enum.
const ENABLED_EVENTS: &str = "#/paths/~1v1~1webhook_endpoints/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/enabled_events/items/enum";

/// Whether the spec has the `enabled_events` enum at all.
fn has_enabled_events(spec: &Spec) -> bool {
    enabled_events(spec).is_ok()
}

/// The `enabled_events` enum of `POST /v1/webhook_endpoints`, minus `*`.
fn enabled_events(spec: &Spec) -> Result<Vec<String>> {
    let no_events = || Error::NoEvents {
        path: spec.path.clone(),
        pointer: ENABLED_EVENTS.to_owned(),
    };
    let values = spec
        .doc
        .paths
        .get("/v1/webhook_endpoints")
        .and_then(|p| p.pointer("/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/enabled_events/items/enum"))
        .and_then(|v| v.as_array())
        .ok_or_else(no_events)?;
    let types: Vec<String> = values
        .iter()
        .filter_map(|v| v.as_str())
        .filter(|s| *s != "*")
        .map(str::to_owned)
        .collect();
    if types.is_empty() {
        return Err(no_events());
    }
    Ok(types)
}

/// The exception-table payload for `event_type`: its first candidate the spec has.
fn exception(resources: &ResourceIndex<'_>, event_type: &str) -> Option<Vec<String>> {
    let (_, candidates) = EXCEPTIONS
        .iter()
        .find(|(types, _)| types.contains(&event_type))?;
    candidates.iter().find_map(|names| {
        let mut payload = Vec::new();
        for name in *names {
            match resources.payload(name) {
                Some(schemas) => payload.extend(schemas),
                None if resources.spec.schema(name).is_some() => payload.push((*name).to_owned()),
                None => return None,
            }
        }
        Some(payload)
    })
}

/// Resource ids (`x-resourceId`, else the one-value `object` enum) to schema names.
pub struct ResourceIndex<'a> {
    by_resource: BTreeMap<&'a str, &'a str>,
    spec: &'a Spec,
}

impl<'a> ResourceIndex<'a> {
    /// Indexes the resource schemas of `spec`.
    pub fn new(spec: &'a Spec) -> Self {
        let mut by_resource = BTreeMap::new();
        // `object` tags first, so that an explicit x-resourceId wins over them.
        for (name, schema) in &spec.doc.components.schemas {
            if let Some(tag) = schema.object_tag() {
                if !name.starts_with("deleted_") {
                    by_resource.entry(tag).or_insert(name.as_str());
                }
            }
        }
        for (name, schema) in &spec.doc.components.schemas {
            if let Some(id) = &schema.resource_id {
                by_resource.insert(id.as_str(), name.as_str());
            }
        }
        Self { by_resource, spec }
    }

    /// The payload schemas for a resource id: the schema itself, or the alternatives of a
    /// polymorphic resource schema (`external_account` -> `bank_account`, `card`).
    fn payload(&self, resource: &str) -> Option<Vec<String>> {
        let name = *self.by_resource.get(resource)?;
        let schema = self.spec.schema(name)?;
        if schema.properties.is_none() {
            if let Some(alts) = schema.alternatives() {
                let names: Vec<String> = alts
                    .iter()
                    .filter_map(|a| a.ref_name().map(str::to_owned))
                    .collect();
                if !names.is_empty() {
                    return Some(names);
                }
            }
        }
        Some(vec![name.to_owned()])
    }
}

/// Infers the payload of `event_type` from its name, most specific resource first: the whole
/// name with its dots read as `_` (`source.mandate_notification` ->
/// `source_mandate_notification`: an event named for a resource of its own); the name without
/// its last segment (`charge.dispute.created` -> `charge.dispute`), with its dots read as `_`
/// (`source.transaction` -> `source_transaction`), as it is, then with its first `_` read as
/// `.` (`issuing_card` -> `issuing.card`); then that name's last segment alone
/// (`charge.dispute` -> `dispute`, a child resource). Each is looked up as a resource id.
pub fn infer_payload(resources: &ResourceIndex<'_>, event_type: &str) -> Option<Vec<String>> {
    let (resource, _action) = event_type.rsplit_once('.')?;
    let whole = event_type.replace('.', "_");
    let joined = resource.replace('.', "_");
    let dotted = resource.replacen('_', ".", 1);
    let last = resource.rsplit('.').next().unwrap_or(resource);
    [
        whole.as_str(),
        joined.as_str(),
        resource,
        dotted.as_str(),
        last,
    ]
    .into_iter()
    .find_map(|candidate| resources.payload(candidate))
}
