//! Thin events -> [`TypeSpace`]: the typed `data` of each thin event type (what the event
//! fetched from `/v2/core/events/{id}` carries), built by the same [`Builder`] as snapshot
//! payloads, in a space of its own (the thin types are emitted in a module of their own, so
//! their names never depend on the snapshot types').

use std::collections::BTreeSet;

use crate::discover::{ThinEventDef, data_schema};
use crate::openapi::{AdditionalProperties, Schema};
use crate::spec::Spec;

use super::build::{Builder, NameCtx};
use super::{ItemKind, Ty, TypeSet, TypeSpace};

/// The thin side of the generated code.
#[derive(Debug)]
pub struct ThinIr {
    /// The spec's API version (`info.version`); `None` when no spec has thin events.
    pub api_version: Option<String>,
    /// Every thin event type, sorted by type.
    pub events: Vec<ThinEvent>,
    /// Every resource a thin event's related object names, sorted.
    pub resources: Vec<String>,
    /// The type of each of [`ThinIr::resources`] (same order): the item of the component
    /// schema whose `x-resourceId` it is, when the thin events' spec has one (its v2
    /// resources); `None` for the others (a v1 resource such as `billing.meter`, which a v2
    /// spec does not describe), fetched as raw JSON.
    pub resource_types: Vec<Option<Ty>>,
    /// The types of the events' `data`.
    pub space: TypeSpace,
    /// The types emitted: every one the `data` types need.
    pub emitted: TypeSet,
}

/// One thin event type as the generated code has it.
#[derive(Debug, Clone)]
pub struct ThinEvent {
    /// The event type, its variant and related object.
    pub def: ThinEventDef,
    /// The type of its fetched `data`; `None` when the schema has no `data`.
    pub data: Option<Ty>,
}

/// Builds the `data` types of `events`, the thin events of `spec` (none: an empty space).
pub fn build_thin(spec: &Spec, events: Vec<ThinEventDef>) -> ThinIr {
    let mut b = Builder::new(spec);
    let mut roots = Vec::new();
    for e in &events {
        if let Some(data) = data_schema(spec, e) {
            data.refs(&mut roots);
        }
    }
    let resources: BTreeSet<String> = events
        .iter()
        .filter_map(|e| e.related_object.resource())
        .map(str::to_owned)
        .collect();
    let resource_schemas: Vec<Option<&str>> =
        resources.iter().map(|r| resource_schema(spec, r)).collect();
    roots.extend(resource_schemas.iter().flatten());
    b.add_components(&spec.reachable(&roots));
    let resource_types: Vec<Option<Ty>> = resource_schemas
        .iter()
        .map(|s| s.and_then(|s| b.component(s)).map(Ty::Named))
        .collect();
    let events: Vec<ThinEvent> = events
        .into_iter()
        .map(|def| ThinEvent {
            data: data_schema(spec, &def).map(|schema| b.data_type(&def, schema)),
            def,
        })
        .collect();
    let space = b.finish();
    let emitted = space.reachable_from(
        events
            .iter()
            .filter_map(|e| e.data.as_ref())
            .chain(resource_types.iter().flatten()),
    );
    ThinIr {
        api_version: (!events.is_empty()).then(|| spec.doc.info.version.clone()),
        events,
        resources: resources.into_iter().collect(),
        resource_types,
        space,
        emitted,
    }
}

/// The component schema that describes `resource` (its `x-resourceId`), if `spec` has one.
fn resource_schema<'a>(spec: &'a Spec, resource: &str) -> Option<&'a str> {
    spec.doc
        .components
        .schemas
        .iter()
        .find(|(_, s)| s.resource_id.as_deref() == Some(resource))
        .map(|(name, _)| name.as_str())
}

/// Whether `schema` is a plain object schema (properties or none, no `$ref`, no
/// alternatives, not a map): one that becomes a struct of its own, even without fields.
fn is_plain_object(schema: &Schema) -> bool {
    schema.reference.is_none()
        && schema.alternatives().is_none()
        && schema.all_of.is_none()
        && matches!(schema.ty.as_deref(), None | Some("object"))
        && !matches!(
            schema.additional_properties,
            Some(AdditionalProperties::Schema(_))
        )
}

impl Builder<'_> {
    /// The type of a thin event's `data`: a struct `<Variant>Data` for an object schema (an
    /// empty one when the event carries no data, so every fetched event's `data` is typed),
    /// else what the schema converts to (a `$ref`'s item, ...).
    fn data_type(&mut self, event: &ThinEventDef, schema: &Schema) -> Ty {
        let name = format!("{}Data", event.variant);
        if !is_plain_object(schema) {
            let ctx = NameCtx {
                used_by: format!("the `data` of `{}`", event.event_type),
                name,
                rank: 2,
            };
            return self.convert(schema, &ctx);
        }
        let doc = format!(
            "The `data` of a `{}` event, as fetched from `/v2/core/events/{{id}}` (a notification \
             does not carry it).",
            event.event_type
        );
        let id = self.new_item(&name, Some(doc), None);
        let name = self.space.item(id).name.clone();
        let kind: ItemKind = self.struct_kind(&name, schema, false, 1);
        self.space.item_mut(id).kind = kind;
        Ty::Named(id)
    }
}
