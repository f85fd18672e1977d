//! Schemas -> [`TypeSpace`].
//!
//! Rules, in the order they are tried for a schema:
//!
//! 1. `$ref` -> the referenced item.
//! 2. `anyOf`/`oneOf`:
//!    * with `x-expansionResources`, or a string beside objects: [`Ty::Expandable`] of the
//!      object (or of a polymorphic enum of the objects);
//!    * one alternative: that alternative (the usual `nullable` wrapper);
//!    * objects that all carry a one-value `object` enum: a polymorphic enum chosen by `object`
//!      (`deleted: true` separates `deleted_x` from `x`);
//!    * objects without that discriminator: one struct with the union of their fields, all
//!      optional (the first definition of a field wins);
//!    * anything else: raw JSON.
//! 3. `string` with `enum` -> a string enum that keeps unknown values (identical value sets
//!    share one enum); `integer` with `format: unix-time` -> timestamp; `string` with
//!    `format: date-time` -> RFC 3339 date-time; `integer`, `number`, `boolean`, `array` as
//!    expected.
//! 4. `object` with properties -> a struct (Stripe's list shape -> `List<T>`); with
//!    `additionalProperties` only -> a map; free-form -> raw JSON.
//!
//! A field is `Option` when it is not required or is nullable; a required, non-nullable
//! field that is missing is a parse error.

use std::collections::{BTreeMap, BTreeSet};

use crate::discover::EventDef;
use crate::naming;
use crate::openapi::{AdditionalProperties, Schema};
use crate::spec::Spec;

use super::{Event, Field, Ir, Item, ItemKind, PolyVariant, Ty, TypeId, TypeSpace};

/// Builds the types for `events`, one [`Event`] record each; `typed` says which events' payload
/// types this build emits (their group is on). Names are chosen over every event, so they do
/// not depend on `typed`.
pub fn build(spec: &Spec, events: Vec<EventDef>, typed: impl Fn(&EventDef) -> bool) -> Ir {
    let mut b = Builder::new(spec);
    let roots: Vec<&str> = events
        .iter()
        .flat_map(|e| e.payload.iter().map(String::as_str))
        .collect();
    b.add_components(&spec.reachable(&roots));
    let events: Vec<Event> = events
        .into_iter()
        .map(|def| Event {
            payload: b.payload(&def),
            typed: typed(&def),
            def,
        })
        .collect();
    let space = b.finish();
    let emitted = space.reachable_from(
        events
            .iter()
            .filter(|e| e.typed)
            .filter_map(|e| e.payload.as_ref()),
    );
    Ir {
        events,
        space,
        emitted,
    }
}

/// Builds one [`TypeSpace`] from one spec: component schemas first
/// ([`Builder::add_components`]), then whatever refers to them ([`Builder::convert`]), then
/// [`Builder::finish`].
pub(super) struct Builder<'a> {
    pub(super) spec: &'a Spec,
    pub(super) space: TypeSpace,
    by_schema: BTreeMap<String, TypeId>,
    /// Sorted value set -> enum.
    enums: BTreeMap<Vec<String>, TypeId>,
    /// Every name each enum could have (one per use), ranked: see [`Builder::name_enums`].
    enum_names: BTreeMap<TypeId, Vec<(u8, String)>>,
    /// Sorted schema names -> polymorphic enum.
    polys: BTreeMap<Vec<String>, TypeId>,
    taken: BTreeSet<String>,
}

/// The name an item gets if it needs one, how good a source it is (lower is better), and the
/// field it is used by.
pub(super) struct NameCtx {
    pub(super) name: String,
    pub(super) rank: u8,
    /// The field, as an intra-doc link: ``[`Shelf::books`]``.
    pub(super) used_by: String,
}

fn sorted(names: &[String]) -> Vec<String> {
    let mut v = names.to_vec();
    v.sort();
    v.dedup();
    v
}

/// The referenced schema names when every alternative is a `$ref`.
fn all_refs(schema: &Schema) -> Option<Vec<String>> {
    let alts = schema.alternatives()?;
    let refs: Vec<String> = alts
        .iter()
        .map(|a| a.ref_name().map(str::to_owned))
        .collect::<Option<_>>()?;
    (!refs.is_empty()).then_some(refs)
}

/// Stripe's list object: exactly `data` (array), `has_more`, `object` (`list`), `url`.
fn list_items(schema: &Schema) -> Option<&Schema> {
    let props = schema.properties.as_ref()?;
    let keys: Vec<&str> = props.keys().map(String::as_str).collect();
    if keys != ["data", "has_more", "object", "url"]
        || props["object"].single_string_value() != Some("list")
    {
        return None;
    }
    props["data"].items.as_deref()
}

impl<'a> Builder<'a> {
    pub(super) fn new(spec: &'a Spec) -> Self {
        Self {
            spec,
            space: TypeSpace::default(),
            by_schema: BTreeMap::new(),
            enums: BTreeMap::new(),
            enum_names: BTreeMap::new(),
            polys: BTreeMap::new(),
            taken: BTreeSet::new(),
        }
    }

    /// Names the shared enums and boxes recursive fields: the finished space.
    pub(super) fn finish(mut self) -> TypeSpace {
        self.name_enums();
        let mut space = self.space;
        super::cycles::box_recursive_fields(&mut space);
        space
    }
}

impl Builder<'_> {
    /// An item for each component schema in `reachable`, which claim their natural names
    /// first, in name order; then their kinds.
    pub(super) fn add_components(&mut self, reachable: &BTreeSet<String>) {
        let spec = self.spec;
        for name in reachable {
            let schema = &spec.doc.components.schemas[name.as_str()];
            let rust_name = naming::unique(&mut self.taken, &naming::type_name(name), "Resource");
            let id = self.space.push(Item {
                name: rust_name,
                doc: schema.description.clone(),
                schema: Some(name.clone()),
                origin: None,
                kind: ItemKind::Struct {
                    fields: Vec::new(),
                    object_tag: None,
                },
            });
            self.by_schema.insert(name.clone(), id);
        }
        // Polymorphic component schemas are found by their alternatives too, so a field with
        // the same alternatives reuses them.
        for name in reachable {
            let schema = &spec.doc.components.schemas[name.as_str()];
            if schema.properties.is_none() {
                if let Some(refs) = all_refs(schema) {
                    let id = self.by_schema[name.as_str()];
                    self.polys.insert(sorted(&refs), id);
                }
            }
        }
        for name in reachable {
            let id = self.by_schema[name.as_str()];
            let schema = &spec.doc.components.schemas[name.as_str()];
            let kind = self.component_kind(id, schema);
            self.space.item_mut(id).kind = kind;
        }
    }

    /// The item of the component schema `name`, when [`Builder::add_components`] added it.
    pub(super) fn component(&self, name: &str) -> Option<TypeId> {
        self.by_schema.get(name).copied()
    }

    /// The payload type of `event`: its schema's item, a polymorphic enum of several, or
    /// `None` when the spec has none.
    fn payload(&mut self, event: &EventDef) -> Option<Ty> {
        match event.payload.as_slice() {
            [] => None,
            [one] => Some(Ty::Named(self.by_schema[one.as_str()])),
            many => Some(Ty::Named(self.poly(many, &event.variant))),
        }
    }

    fn component_kind(&mut self, id: TypeId, schema: &Schema) -> ItemKind {
        if schema.properties.is_none() {
            if let Some(refs) = all_refs(schema) {
                return ItemKind::Poly {
                    variants: self.poly_variants(&refs),
                };
            }
        }
        let name = self.space.item(id).name.clone();
        let rank = if schema.resource_id.is_some() { 0 } else { 1 };
        self.struct_kind(&name, schema, false, rank)
    }

    /// Fields of an object schema; `all_optional` for merged anyOf structs.
    /// `rank` says how good a name source this struct is for shared enums (0: a resource).
    pub(super) fn struct_kind(
        &mut self,
        type_name: &str,
        schema: &Schema,
        all_optional: bool,
        rank: u8,
    ) -> ItemKind {
        let mut fields = Vec::new();
        let mut object_tag = None;
        for (key, prop) in schema.properties.iter().flatten() {
            if key == "object" {
                if let Some(tag) = prop.single_string_value() {
                    object_tag = Some(tag.to_owned());
                    continue;
                }
            }
            let ctx = NameCtx {
                name: format!("{type_name}{}", naming::type_name(key)),
                rank,
                used_by: format!("[`{type_name}::{}`]", naming::field_name(key)),
            };
            let base = self.convert(prop, &ctx);
            let required = schema.required.contains(key) && !all_optional;
            let nullable = prop.nullable || base == Ty::Json;
            let ty = if required && !nullable {
                base
            } else {
                Ty::Option(Box::new(base))
            };
            fields.push(Field {
                ident: naming::field_name(key),
                json_name: key.clone(),
                required: required && !nullable,
                spec_required: required,
                ty,
                doc: prop.description.clone(),
            });
        }
        ItemKind::Struct { fields, object_tag }
    }

    /// The base (non-optional) type of `schema`; `ctx` names any item it needs.
    pub(super) fn convert(&mut self, schema: &Schema, ctx: &NameCtx) -> Ty {
        if let Some(name) = schema.ref_name() {
            return Ty::Named(self.by_schema[name]);
        }
        if let Some(alts) = schema.alternatives() {
            return self.convert_alternatives(schema, alts, ctx);
        }
        if let Some([only]) = schema.all_of.as_deref() {
            return self.convert(only, ctx);
        }
        match schema.ty.as_deref() {
            Some("string") => match schema.enum_values.as_deref() {
                Some(values) if !values.is_empty() => {
                    let values: Vec<String> = values
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect();
                    Ty::Named(self.string_enum(&values, ctx, schema.description.as_deref()))
                }
                _ if schema.format.as_deref() == Some("date-time") => Ty::DateTime,
                _ => Ty::String,
            },
            Some("integer") if schema.format.as_deref() == Some("unix-time") => Ty::Timestamp,
            Some("integer") => Ty::I64,
            Some("number") => Ty::F64,
            Some("boolean") => Ty::Bool,
            Some("array") => match &schema.items {
                Some(items) => Ty::Vec(Box::new(self.convert(items, ctx))),
                None => Ty::Vec(Box::new(Ty::Json)),
            },
            Some("object") | None => self.convert_object(schema, ctx),
            Some(_) => Ty::Json,
        }
    }

    fn convert_object(&mut self, schema: &Schema, ctx: &NameCtx) -> Ty {
        if let Some(items) = list_items(schema) {
            return Ty::List(Box::new(self.convert(items, ctx)));
        }
        if schema.properties.as_ref().is_some_and(|p| !p.is_empty()) {
            let origin = format!("Used by {}.", ctx.used_by);
            let id = self.new_item(&ctx.name, schema.description.clone(), Some(origin));
            let name = self.space.item(id).name.clone();
            self.space.item_mut(id).kind = self.struct_kind(&name, schema, false, 2);
            return Ty::Named(id);
        }
        match &schema.additional_properties {
            Some(AdditionalProperties::Schema(values)) => {
                Ty::Map(Box::new(self.convert(values, ctx)))
            }
            _ => Ty::Json,
        }
    }

    fn convert_alternatives(&mut self, schema: &Schema, alts: &[Schema], ctx: &NameCtx) -> Ty {
        let refs: Vec<String> = alts
            .iter()
            .filter_map(|a| a.ref_name().map(str::to_owned))
            .collect();
        let has_string = alts
            .iter()
            .any(|a| a.ty.as_deref() == Some("string") && a.enum_values.is_none());
        if !refs.is_empty() && (schema.expansion_resources.is_some() || has_string) {
            let inner = match refs.as_slice() {
                [one] => self.by_schema[one.as_str()],
                many => self.poly(many, &ctx.name),
            };
            return Ty::Expandable(Box::new(Ty::Named(inner)));
        }
        if let [only] = alts {
            return self.convert(only, ctx);
        }
        if refs.len() == alts.len() {
            let tagged = refs.iter().all(|r| {
                self.spec
                    .schema(r)
                    .is_some_and(|s| s.object_tag().is_some())
            });
            if tagged {
                return Ty::Named(self.poly(&refs, &ctx.name));
            }
            return Ty::Named(self.merged_struct(&refs, ctx, schema.description.clone()));
        }
        Ty::Json
    }

    /// A new item (no component schema) with a unique name derived from `base`.
    pub(super) fn new_item(
        &mut self,
        base: &str,
        doc: Option<String>,
        origin: Option<String>,
    ) -> TypeId {
        let name = naming::unique(&mut self.taken, base, "Inner");
        self.space.push(Item {
            name,
            doc,
            schema: None,
            origin,
            kind: ItemKind::Struct {
                fields: Vec::new(),
                object_tag: None,
            },
        })
    }

    fn string_enum(&mut self, values: &[String], ctx: &NameCtx, doc: Option<&str>) -> TypeId {
        let key = sorted(values);
        if let Some(id) = self.enums.get(&key) {
            self.enum_names
                .entry(*id)
                .or_default()
                .push((ctx.rank, ctx.name.clone()));
            return *id;
        }
        // Named at the end, once every use is known.
        let id = self.space.push(Item {
            name: String::new(),
            doc: doc.map(str::to_owned),
            schema: None,
            origin: None,
            kind: ItemKind::Struct {
                fields: Vec::new(),
                object_tag: None,
            },
        });
        self.enum_names
            .entry(id)
            .or_default()
            .push((ctx.rank, ctx.name.clone()));
        let mut variants: Vec<String> = values.iter().map(|v| naming::type_name(v)).collect();
        for v in &mut variants {
            if v == "Unrecognized" {
                v.push_str("Value");
            }
        }
        naming::dedupe_variants(&mut variants);
        self.space.item_mut(id).kind = ItemKind::Enum {
            values: values.iter().cloned().zip(variants).collect(),
        };
        self.enums.insert(key, id);
        id
    }

    /// The polymorphic enum over `refs` (shared by every use of the same set).
    fn poly(&mut self, refs: &[String], ctx: &str) -> TypeId {
        let key = sorted(refs);
        if let Some(id) = self.polys.get(&key) {
            return *id;
        }
        // A set the spec names (a polymorphic resource such as `payment_source`) takes that
        // name; else up to three alternatives are named after them, more after where the set
        // is first used.
        let base = if let Some(name) = self.named_union(&key) {
            naming::type_name(&name)
        } else if key.len() <= 3 {
            key.iter()
                .map(|r| self.space.item(self.by_schema[r.as_str()]).name.clone())
                .collect::<Vec<_>>()
                .join("Or")
        } else {
            ctx.to_owned()
        };
        let id = self.new_item(&base, None, None);
        let variants = self.poly_variants(&key);
        self.space.item_mut(id).kind = ItemKind::Poly { variants };
        self.polys.insert(key, id);
        id
    }

    /// The spec's schema that is only a choice between exactly `refs` (sorted) and has more
    /// than three of them, if any: `payment_source` for a customer's sources.
    fn named_union(&self, refs: &[String]) -> Option<String> {
        if refs.len() <= 3 {
            return None;
        }
        self.spec
            .doc
            .components
            .schemas
            .iter()
            .find_map(|(name, schema)| {
                if schema.properties.is_some() {
                    return None;
                }
                (sorted(&all_refs(schema)?) == refs).then(|| name.clone())
            })
    }

    fn poly_variants(&self, refs: &[String]) -> Vec<PolyVariant> {
        refs.iter()
            .map(|r| {
                let schema = &self.spec.doc.components.schemas[r.as_str()];
                let id = self.by_schema[r.as_str()];
                let deleted = schema
                    .properties
                    .as_ref()
                    .and_then(|p| p.get("deleted"))
                    .is_some_and(|d| {
                        d.enum_values.as_deref() == Some(&[serde_json::Value::Bool(true)])
                    });
                PolyVariant {
                    variant: self.space.item(id).name.clone(),
                    tag: schema.object_tag().unwrap_or(r).to_owned(),
                    deleted,
                    ty: id,
                    schema: r.clone(),
                }
            })
            .collect()
    }

    /// One struct with the union of the fields of `refs`, all optional.
    fn merged_struct(&mut self, refs: &[String], ctx: &NameCtx, doc: Option<String>) -> TypeId {
        let mut merged = Schema::default();
        let mut props = BTreeMap::new();
        for r in refs {
            for (k, v) in self.spec.doc.components.schemas[r.as_str()]
                .properties
                .iter()
                .flatten()
            {
                props.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        merged.properties = Some(props);
        let listed = refs
            .iter()
            .map(|r| format!("`{r}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let origin = format!(
            "Any of {listed}: their fields, all optional. Used by {}.",
            ctx.used_by
        );
        let id = self.new_item(&ctx.name, doc, Some(origin));
        let name = self.space.item(id).name.clone();
        self.space.item_mut(id).kind = self.struct_kind(&name, &merged, true, 2);
        id
    }

    /// Names each shared enum after its best use: a field of a resource (`ChargeStatus`)
    /// before a field of a nested schema, then the shortest name, then alphabetically.
    fn name_enums(&mut self) {
        let names = std::mem::take(&mut self.enum_names);
        for (id, mut candidates) in names {
            candidates.sort_by(|a, b| (a.0, a.1.len(), &a.1).cmp(&(b.0, b.1.len(), &b.1)));
            let best = &candidates[0].1;
            self.space.item_mut(id).name = naming::unique(&mut self.taken, best, "Value");
        }
    }
}
