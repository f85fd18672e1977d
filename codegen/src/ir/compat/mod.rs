//! Compatible API versions: other specs merged into the pinned spec's schemas, so that one set
//! of types (the pinned one's names, one [`TypeSpace`](super::TypeSpace)) accepts a payload
//! rendered for any of them. [`merge_compatible`] works on the schemas, before
//! [`build`](super::build) turns them into types, so every rule of the builder (shared enums,
//! polymorphic enums, names) applies unchanged to the merged result.
//!
//! Rules, for each component schema the pinned spec and a compatible spec both have, field by
//! field (and through inline objects, arrays and single-alternative wrappers):
//!
//! * a field of the pinned spec that a compatible version lacks, does not require, or renders
//!   nullable becomes optional (`Option`), with a doc line naming those versions;
//! * a string enum takes the union of the values (the pinned spec's order, then the others');
//! * a polymorphic field (two or more alternatives chosen by `object`) takes the union of the
//!   alternatives, so an object only an older version has is typed too;
//! * where the versions disagree on a field's type (an integer against a number, one object
//!   against another, an ID string against an object), **the pinned version's type wins**: the
//!   pinned version is the one the handlers are written against, and widening its type (say
//!   to raw JSON) would change the code of every user of it to accept an older shape. A payload
//!   of the other shape arrives `Untyped`, with the path and the reason, and nothing is lost.
//!   Each such field gets a doc line, and [`CompatReport::conflicts`] lists them.
//! * fields only a compatible version has are not added: unknown keys are skipped when
//!   parsing, as for a newer version's fields, so they never stop a payload from typing.
//!
//! Component schemas only a compatible version has are added (the newest version's form, the
//! older ones merged into it), and so are event types only a compatible version has
//! (`transfer.paid` in 2018-11-08), with that version's payload.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::discover::EventDef;
use crate::error::Result;
use crate::extra::ExtraEvents;
use crate::openapi::{AdditionalProperties, Schema};
use crate::spec::Spec;

mod shape;

use shape::{Shape, inner, inner_mut, shape};

/// The pinned spec with its compatible versions merged in ([`merge_compatible`]).
#[derive(Debug)]
pub struct Merged {
    /// The pinned spec, its schemas merged (its path, version and checksum unchanged).
    pub spec: Spec,
    /// The pinned spec's event types, then those only a compatible version has, sorted.
    pub events: Vec<EventDef>,
    /// What the merge changed.
    pub report: CompatReport,
}

/// What merging compatible versions changed, for the build output and the command's summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompatReport {
    /// The pinned API version.
    pub pinned: String,
    /// The compatible API versions, oldest first.
    pub versions: Vec<String>,
    /// Event types only compatible versions have, with those versions.
    pub added_events: Vec<(String, Vec<String>)>,
    /// Component schemas only compatible versions have (whether the events need them or not).
    pub added_schemas: Vec<String>,
    /// Fields the pinned spec requires (not null, not missing) that became `Option`, as
    /// `schema.field.subfield` paths, with the versions that lack them or allow null.
    pub optional_fields: Vec<(String, Vec<String>)>,
    /// Enum values only compatible versions have: (path, values).
    pub enum_values: Vec<(String, Vec<String>)>,
    /// Alternatives only compatible versions have, added to polymorphic fields: (path,
    /// schema names).
    pub alternatives: Vec<(String, Vec<String>)>,
    /// Fields whose type differs in a compatible version: (path, versions, the pinned type,
    /// the other type). The pinned type wins.
    pub conflicts: Vec<Conflict>,
}

/// A field whose type differs between the pinned version and a compatible one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// `schema.field.subfield`.
    pub path: String,
    /// The compatible version.
    pub version: String,
    /// The pinned spec's type, in short (`string`, `object`, `$ref charge`).
    pub pinned: String,
    /// The compatible version's type.
    pub other: String,
}

impl CompatReport {
    /// A short summary, one line each: the versions, what became optional, what was added, and
    /// the conflicts by path (the pinned type won).
    pub fn summary(&self) -> String {
        let mut out = format!(
            "compatible API versions {} merged into {}: {} event types added, {} schemas added, {} required schema fields made optional, {} enum values added, {} polymorphic alternatives added, {} type conflicts (the pinned type wins)\n",
            self.versions.join(", "),
            self.pinned,
            self.added_events.len(),
            self.added_schemas.len(),
            self.optional_fields.len(),
            self.enum_values.iter().map(|(_, v)| v.len()).sum::<usize>(),
            self.alternatives
                .iter()
                .map(|(_, v)| v.len())
                .sum::<usize>(),
            self.conflicts.len(),
        );
        if !self.added_events.is_empty() {
            let names: Vec<&str> = self.added_events.iter().map(|(e, _)| e.as_str()).collect();
            let _ = writeln!(out, "added event types: {}", names.join(", "));
        }
        for c in &self.conflicts {
            let _ = writeln!(
                out,
                "conflict: {} is {} in {} but {} in {}",
                c.path, c.pinned, self.pinned, c.other, c.version
            );
        }
        out
    }
}

/// Merges `compatible` (other API versions' specs) into `pinned`, whose event types
/// ([`discover`](crate::discover::discover)) are `events`; see the [module](self) for the
/// rules. A compatible spec of the pinned version itself adds nothing. Errors when a
/// compatible spec's event types cannot be found.
pub fn merge_compatible(
    mut pinned: Spec,
    events: Vec<EventDef>,
    compatible: &[Spec],
) -> Result<Merged> {
    let pinned_version = pinned.doc.info.version.clone();
    let mut others: Vec<&Spec> = compatible
        .iter()
        .filter(|s| s.doc.info.version != pinned_version)
        .collect();
    // Newest first: a schema only older versions have takes the newest one's form.
    others.sort_by(|a, b| b.doc.info.version.cmp(&a.doc.info.version));
    others.dedup_by(|a, b| a.doc.info.version == b.doc.info.version);
    let mut events: BTreeMap<String, EventDef> = events
        .into_iter()
        .map(|e| (e.event_type.clone(), e))
        .collect();
    let mut added_events: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut added_schemas = BTreeSet::new();
    let mut notes = Notes::default();
    for other in &others {
        add_events(&mut events, &mut added_events, other)?;
        merge_schemas(&mut pinned, other, &mut notes, &mut added_schemas);
    }
    for (name, schema) in &mut pinned.doc.components.schemas {
        apply_notes(schema, name, &notes, &pinned_version);
    }
    // The payloads' schemas, for the counts of the report (fields of unused schemas do not
    // count).
    let roots: Vec<&str> = events
        .values()
        .flat_map(|e| e.payload.iter().map(String::as_str))
        .collect();
    let mut counted = pinned.reachable(&roots);
    counted.retain(|name| !added_schemas.contains(name));
    let mut report = notes.report(&counted);
    report.pinned = pinned_version;
    report.versions = others
        .iter()
        .rev()
        .map(|s| s.doc.info.version.clone())
        .collect();
    report.added_events = added_events.into_iter().collect();
    report.added_schemas = added_schemas.into_iter().collect();
    Ok(Merged {
        spec: pinned,
        events: events.into_values().collect(),
        report,
    })
}

/// Adds the event types of `other` that `events` lacks (recording the versions that have
/// them in `added`); an added event without a payload schema takes one from an older version.
fn add_events(
    events: &mut BTreeMap<String, EventDef>,
    added: &mut BTreeMap<String, Vec<String>>,
    other: &Spec,
) -> Result<()> {
    let version = &other.doc.info.version;
    for def in crate::discover::discover(other, &ExtraEvents::none())? {
        if events.contains_key(&def.event_type) && !added.contains_key(&def.event_type) {
            continue;
        }
        added
            .entry(def.event_type.clone())
            .or_default()
            .insert(0, version.clone());
        // The newest version that has a payload schema for it (2020-08-27 lists
        // `sku.created` without a `sku` schema; 2018-11-08 has one).
        match events.get_mut(&def.event_type) {
            Some(known) if known.payload.is_empty() => *known = def,
            Some(_) => {}
            None => {
                events.insert(def.event_type.clone(), def);
            }
        }
    }
    Ok(())
}

/// Merges `other`'s component schemas into `pinned`'s: those of the same name, then those a
/// field names differently (`invoices_shipping_cost` for `invoices_resource_shipping_cost`);
/// the ones `pinned` lacks are added (and recorded in `added`).
fn merge_schemas(pinned: &mut Spec, other: &Spec, notes: &mut Notes, added: &mut BTreeSet<String>) {
    let version = other.doc.info.version.as_str();
    let schemas = &mut pinned.doc.components.schemas;
    let mut renamed = Vec::new();
    for (name, schema) in &other.doc.components.schemas {
        match schemas.get_mut(name) {
            Some(mine) => Merger {
                version,
                other,
                notes: &mut *notes,
                renamed: &mut renamed,
            }
            .merge(mine, schema, name),
            None => {
                schemas.insert(name.clone(), schema.clone());
                added.insert(name.clone());
            }
        }
    }
    let mut done = BTreeSet::new();
    while let Some((mine_name, their_name)) = renamed.pop() {
        if !done.insert((mine_name.clone(), their_name.clone())) {
            continue;
        }
        let (Some(mut mine), Some(theirs)) =
            (schemas.remove(&mine_name), other.schema(&their_name))
        else {
            continue;
        };
        Merger {
            version,
            other,
            notes: &mut *notes,
            renamed: &mut renamed,
        }
        .merge(&mut mine, theirs, &mine_name);
        schemas.insert(mine_name, mine);
    }
}

/// What the merge found for one field, by path.
#[derive(Debug, Default)]
struct Notes(BTreeMap<String, Note>);

#[derive(Debug, Default)]
struct Note {
    /// Whether a field was visited (its pinned form recorded).
    seen: bool,
    /// The pinned spec requires the field and does not allow null.
    was_required: bool,
    /// Versions without the field.
    missing: BTreeSet<String>,
    /// Versions where it is not required.
    optional: BTreeSet<String>,
    /// Versions where it may be null.
    nullable: BTreeSet<String>,
    /// Enum values added.
    values: Vec<String>,
    /// Polymorphic alternatives added.
    alternatives: Vec<String>,
    /// Type conflicts.
    conflicts: Vec<Conflict>,
}

impl Notes {
    fn at(&mut self, path: &str) -> &mut Note {
        self.0.entry(path.to_owned()).or_default()
    }

    /// The report's lists, for the fields of the components in `counted`.
    fn report(&self, counted: &BTreeSet<String>) -> CompatReport {
        let mut report = CompatReport::default();
        for (path, note) in &self.0 {
            let component = path.split('.').next().unwrap_or(path);
            if !counted.contains(component) {
                continue;
            }
            let relaxed: BTreeSet<&String> = note
                .missing
                .iter()
                .chain(&note.nullable)
                .chain(&note.optional)
                .collect();
            if note.was_required && !relaxed.is_empty() {
                report
                    .optional_fields
                    .push((path.clone(), relaxed.into_iter().cloned().collect()));
            }
            if !note.values.is_empty() {
                report.enum_values.push((path.clone(), note.values.clone()));
            }
            if !note.alternatives.is_empty() {
                report
                    .alternatives
                    .push((path.clone(), note.alternatives.clone()));
            }
            report.conflicts.extend(note.conflicts.iter().cloned());
        }
        report
    }
}

/// Merges one compatible spec's schemas into the pinned ones.
struct Merger<'a> {
    version: &'a str,
    other: &'a Spec,
    notes: &'a mut Notes,
    /// (pinned component, the other version's component) met at the same field: merged after
    /// the components of the same name.
    renamed: &'a mut Vec<(String, String)>,
}

impl Merger<'_> {
    /// Merges `other` into `mine` (the schema at `path`).
    fn merge(&mut self, mine: &mut Schema, other: &Schema, path: &str) {
        let (mine_shape, other_shape) = (shape(mine), shape(other));
        let mine = inner_mut(mine);
        let other = inner(other);
        match (&mine_shape, &other_shape) {
            (Shape::Json, _)
            | (Shape::String, Shape::String)
            | (Shape::Integer, Shape::Integer) => {
                self.merge_enum(mine, other, path);
            }
            (Shape::Number, Shape::Number | Shape::Integer) | (Shape::Bool, Shape::Bool) => {}
            (Shape::Object, Shape::Json | Shape::Map) | (Shape::Map, Shape::Json) => {}
            (Shape::Ref(a), Shape::Ref(b)) if a == b => {}
            // The same object under another name: merged into the pinned component, whose
            // path the notes then use.
            (Shape::Ref(a), Shape::Ref(b))
                if self
                    .other
                    .schema(b)
                    .is_some_and(|s| shape(s) == Shape::Object) =>
            {
                self.renamed.push((a.clone(), b.clone()));
            }
            // An ID or the object accepts an ID.
            (Shape::Expandable(_), Shape::String) => {}
            // A component, merged on its own; the other version's inline form is not checked.
            (Shape::Ref(_), Shape::Object) => {}
            (Shape::Object, Shape::Object) => self.merge_object(mine, other, path),
            (Shape::Object, Shape::Ref(name)) => {
                if let Some(resolved) = self.other.schema(name) {
                    self.merge_object(mine, inner(resolved), path);
                }
            }
            (Shape::Array, Shape::Array) => {
                if let (Some(m), Some(o)) = (mine.items.as_deref_mut(), other.items.as_deref()) {
                    self.merge(m, o, &format!("{path}[]"));
                }
            }
            (Shape::Map, Shape::Map) => {
                if let (
                    Some(AdditionalProperties::Schema(m)),
                    Some(AdditionalProperties::Schema(o)),
                ) = (
                    mine.additional_properties.as_mut(),
                    other.additional_properties.as_ref(),
                ) {
                    self.merge(m, o, &format!("{path}{{}}"));
                }
            }
            (Shape::Expandable(m), Shape::Expandable(o) | Shape::Union(o))
            | (Shape::Union(m), Shape::Union(o)) => self.merge_alternatives(mine, m, o, path),
            (Shape::Expandable(m) | Shape::Union(m), Shape::Ref(r)) => {
                self.merge_alternatives(mine, m, std::slice::from_ref(r), path);
            }
            _ => self.notes.at(path).conflicts.push(Conflict {
                path: path.to_owned(),
                version: self.version.to_owned(),
                pinned: mine_shape.describe(),
                other: other_shape.describe(),
            }),
        }
    }

    /// The union of the string values (a string without enum accepts every value already).
    fn merge_enum(&mut self, mine: &mut Schema, other: &Schema, path: &str) {
        let (Some(values), Some(theirs)) = (mine.enum_values.as_mut(), other.enum_values.as_ref())
        else {
            return;
        };
        // A one-value enum is a constant (`object`): left alone.
        if values.len() < 2 || mine.ty.as_deref() != Some("string") {
            return;
        }
        for v in theirs {
            if let Some(s) = v.as_str() {
                if !values.contains(v) {
                    values.push(v.clone());
                    self.notes.at(path).values.push(s.to_owned());
                }
            }
        }
    }

    /// Adds the alternatives `theirs` names that `mine` (with `mine_refs`) lacks, when `mine`
    /// is already polymorphic and they are objects chosen by `object`; anything else is a
    /// conflict.
    fn merge_alternatives(
        &mut self,
        mine: &mut Schema,
        mine_refs: &[String],
        theirs: &[String],
        path: &str,
    ) {
        let missing: Vec<&String> = theirs.iter().filter(|r| !mine_refs.contains(r)).collect();
        if missing.is_empty() {
            return;
        }
        let tagged = missing.iter().all(|r| {
            self.other
                .schema(r)
                .is_some_and(|s| s.object_tag().is_some())
        });
        let poly = mine_refs.len() >= 2;
        let alts = if mine.any_of.is_some() {
            mine.any_of.as_mut()
        } else {
            mine.one_of.as_mut()
        };
        match alts {
            Some(alts) if poly && tagged => {
                for r in missing {
                    alts.push(Schema {
                        reference: Some(format!("#/components/schemas/{r}")),
                        ..Schema::default()
                    });
                    self.notes.at(path).alternatives.push(r.clone());
                }
            }
            _ => self.notes.at(path).conflicts.push(Conflict {
                path: path.to_owned(),
                version: self.version.to_owned(),
                pinned: format!("one of `{}`", mine_refs.join("`, `")),
                other: format!("one of `{}`", theirs.join("`, `")),
            }),
        }
    }

    /// Field by field: what `other` lacks, does not require or allows null becomes optional.
    fn merge_object(&mut self, mine: &mut Schema, other: &Schema, path: &str) {
        let Some(props) = mine.properties.as_mut() else {
            return;
        };
        let theirs = other.properties.as_ref();
        for (key, prop) in props.iter_mut() {
            if key == "object" && prop.single_string_value().is_some() {
                continue;
            }
            let field_path = format!("{path}.{key}");
            let required = mine.required.contains(key);
            let note = self.notes.at(&field_path);
            // The first visit sees the pinned spec's own form.
            if !std::mem::replace(&mut note.seen, true) {
                note.was_required = required && !prop.nullable;
            }
            let version = self.version.to_owned();
            match theirs.and_then(|t| t.get(key)) {
                None => {
                    note.missing.insert(version);
                }
                Some(their) => {
                    if required && !other.required.contains(key) {
                        note.optional.insert(version.clone());
                    }
                    if their.nullable && !prop.nullable {
                        note.nullable.insert(version);
                        prop.nullable = true;
                    }
                    self.merge(prop, their, &field_path);
                }
            }
        }
        let relaxed: BTreeSet<String> = props
            .keys()
            .filter(|k| {
                self.notes
                    .0
                    .get(&format!("{path}.{k}"))
                    .is_some_and(|n| !n.missing.is_empty() || !n.optional.is_empty())
            })
            .cloned()
            .collect();
        mine.required.retain(|k| !relaxed.contains(k));
    }
}

/// Appends each field's compatibility note to its description (walking `schema` at `path`
/// the way [`Merger::merge`] did).
fn apply_notes(schema: &mut Schema, path: &str, notes: &Notes, pinned: &str) {
    let schema = inner_mut(schema);
    if let Some(items) = schema.items.as_deref_mut() {
        apply_notes(items, &format!("{path}[]"), notes, pinned);
    }
    if let Some(AdditionalProperties::Schema(values)) = schema.additional_properties.as_mut() {
        apply_notes(values, &format!("{path}{{}}"), notes, pinned);
    }
    for (key, prop) in schema.properties.iter_mut().flatten() {
        let field_path = format!("{path}.{key}");
        if let Some(note) = notes.0.get(&field_path) {
            if let Some(line) = note.doc_line(pinned) {
                let doc = match prop.description.as_deref().map(str::trim) {
                    Some(d) if !d.is_empty() => format!("{d}\n\n{line}"),
                    _ => line,
                };
                prop.description = Some(doc);
            }
        }
        // Inline objects only: a `$ref` is a component, noted on its own.
        if inner(prop).ref_name().is_none() {
            apply_notes(prop, &field_path, notes, pinned);
        }
    }
}

impl Note {
    /// The doc line for the field: which compatible versions lack it, allow null, add values
    /// or alternatives, or disagree on its type.
    fn doc_line(&self, pinned: &str) -> Option<String> {
        let list = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(", ");
        let mut parts = Vec::new();
        if !self.missing.is_empty() {
            parts.push(format!("missing in {}", list(&self.missing)));
        }
        let optional: BTreeSet<String> = self.optional.difference(&self.missing).cloned().collect();
        if !optional.is_empty() {
            parts.push(format!("optional in {}", list(&optional)));
        }
        if !self.nullable.is_empty() {
            parts.push(format!("nullable in {}", list(&self.nullable)));
        }
        if !self.values.is_empty() {
            parts.push(format!("also the values `{}`", self.values.join("`, `")));
        }
        if !self.alternatives.is_empty() {
            parts.push(format!(
                "also the objects `{}`",
                self.alternatives.join("`, `")
            ));
        }
        for c in &self.conflicts {
            parts.push(format!(
                "{} in {} (the {pinned} type is kept: a payload of that shape is untyped)",
                c.other, c.version
            ));
        }
        (!parts.is_empty()).then(|| format!("Compatible API versions: {}.", parts.join("; ")))
    }
}
