//! What changed between two specs, for code written against the old one: event types added and
//! removed, payload schemas whose fields were added, removed, changed type or nullability, and
//! enum values added and removed, each marked breaking or not. Rendered as Markdown.
//!
//! Breaking means code written against the old generated types may stop compiling or behave
//! differently after regenerating: a removed event type or field, a field whose Rust type
//! changes (another type, or `T` <-> `Option<T>`), a removed enum value. Added event types,
//! fields and enum values are not breaking (the enums are `#[non_exhaustive]` and keep unknown
//! values).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::discover::{EventDef, discover};
use crate::error::Result;
use crate::extra::ExtraEvents;
use crate::openapi::{AdditionalProperties, Schema};
use crate::spec::Spec;

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Where: `event types`, or a schema name.
    pub place: String,
    /// What, in words (`field \`features\` removed`).
    pub what: String,
    /// Breaks code written against the old spec.
    pub breaking: bool,
}

/// All changes from `old` to `new`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// `info.version` of the old spec.
    pub old_version: String,
    /// `info.version` of the new spec.
    pub new_version: String,
    /// The changes, events first, then schemas by name.
    pub changes: Vec<Change>,
}

impl Report {
    /// Whether any change is breaking.
    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.breaking)
    }

    /// The report as Markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "# Stripe API changes: {} -> {}\n\n",
            self.old_version, self.new_version
        );
        let breaking = self.changes.iter().filter(|c| c.breaking).count();
        let _ = writeln!(
            out,
            "{} changes, {} breaking for code written against {}.\n",
            self.changes.len(),
            breaking,
            self.old_version
        );
        let mut place = None;
        for c in &self.changes {
            if place != Some(&c.place) {
                let _ = writeln!(out, "\n## {}\n", c.place);
                place = Some(&c.place);
            }
            let mark = if c.breaking {
                "**breaking**"
            } else {
                "not breaking"
            };
            let _ = writeln!(out, "- {mark}: {}", c.what);
        }
        if self.changes.is_empty() {
            out.push_str("No changes to event types or payload schemas.\n");
        }
        out
    }
}

/// Compares the events and payload schemas of `old` and `new`.
pub fn diff(old: &Spec, new: &Spec) -> Result<Report> {
    let old_events = discover(old, &ExtraEvents::none())?;
    let new_events = discover(new, &ExtraEvents::none())?;
    let mut changes = event_changes(&old_events, &new_events);
    // Schemas reachable from the payloads of events both specs have.
    let roots: Vec<&str> = old_events
        .iter()
        .filter(|e| new_events.iter().any(|n| n.event_type == e.event_type))
        .flat_map(|e| e.payload.iter().map(String::as_str))
        .collect();
    for name in old.reachable(&roots) {
        if let (Some(a), Some(b)) = (old.schema(&name), new.schema(&name)) {
            changes.extend(schema_changes(&name, a, b));
        }
    }
    Ok(Report {
        old_version: old.doc.info.version.clone(),
        new_version: new.doc.info.version.clone(),
        changes,
    })
}

fn event_changes(old: &[EventDef], new: &[EventDef]) -> Vec<Change> {
    let by_type = |events: &[EventDef]| -> BTreeMap<String, Vec<String>> {
        events
            .iter()
            .map(|e| (e.event_type.clone(), e.payload.clone()))
            .collect()
    };
    let (old, new) = (by_type(old), by_type(new));
    let mut changes = Vec::new();
    let change = |what: String, breaking: bool| Change {
        place: "event types".into(),
        what,
        breaking,
    };
    for (t, payload) in &new {
        match old.get(t) {
            None => changes.push(change(
                format!("`{t}` added (payload {})", list(payload)),
                false,
            )),
            Some(before) if before != payload => changes.push(change(
                format!(
                    "`{t}` payload changed from {} to {}",
                    list(before),
                    list(payload)
                ),
                true,
            )),
            Some(_) => {}
        }
    }
    for t in old.keys().filter(|t| !new.contains_key(*t)) {
        changes.push(change(format!("`{t}` removed"), true));
    }
    changes
}

fn list(schemas: &[String]) -> String {
    if schemas.is_empty() {
        "raw JSON (no schema)".into()
    } else {
        schemas
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(" | ")
    }
}

fn schema_changes(name: &str, old: &Schema, new: &Schema) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut push = |what: String, breaking: bool| {
        changes.push(Change {
            place: format!("`{name}`"),
            what,
            breaking,
        })
    };
    let empty = BTreeMap::new();
    let (a, b) = (
        old.properties.as_ref().unwrap_or(&empty),
        new.properties.as_ref().unwrap_or(&empty),
    );
    for (field, schema) in b {
        if !a.contains_key(field) {
            push(format!("field `{field}` added ({})", shape(schema)), false);
        }
    }
    for (field, before) in a {
        let Some(after) = b.get(field) else {
            push(format!("field `{field}` removed"), true);
            continue;
        };
        let (s1, s2) = (shape(before), shape(after));
        if s1 != s2 {
            push(
                format!("field `{field}` changed type from {s1} to {s2}"),
                true,
            );
        }
        let optional = |s: &Schema, required: &[String]| s.nullable || !required.contains(field);
        let (o1, o2) = (
            optional(before, &old.required),
            optional(after, &new.required),
        );
        if o1 != o2 {
            let (from, to) = if o1 {
                ("optional or nullable", "always present")
            } else {
                ("always present", "optional or nullable")
            };
            push(
                format!(
                    "field `{field}` changed from {from} to {to} (its Rust type changes between `T` and `Option<T>`)"
                ),
                true,
            );
        }
        let (e1, e2) = (enum_values(before), enum_values(after));
        if !e1.is_empty() || !e2.is_empty() {
            let added: Vec<&String> = e2.difference(&e1).collect();
            let removed: Vec<&String> = e1.difference(&e2).collect();
            if !added.is_empty() {
                push(
                    format!("field `{field}`: enum values added {}", quoted(&added)),
                    false,
                );
            }
            if !removed.is_empty() {
                push(
                    format!("field `{field}`: enum values removed {}", quoted(&removed)),
                    true,
                );
            }
        }
    }
    changes
}

fn quoted(values: &[&String]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// String enum values of a field (also inside arrays).
fn enum_values(schema: &Schema) -> BTreeSet<String> {
    let target = schema.items.as_deref().unwrap_or(schema);
    target
        .enum_values
        .iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// The shape of a field's type, ignoring nullability, descriptions and enum values:
/// `string`, `integer (unix-time)`, `array of ...`, `` `price` ``, `` `price` or ID ``, ...
fn shape(schema: &Schema) -> String {
    if let Some(name) = schema.ref_name() {
        return format!("`{name}`");
    }
    if let Some(alts) = schema.alternatives() {
        let mut parts: Vec<String> = alts
            .iter()
            .filter(|a| {
                !(a.ty.as_deref() == Some("string") && schema.expansion_resources.is_some())
            })
            .map(shape)
            .collect();
        parts.sort();
        parts.dedup();
        let joined = parts.join(" | ");
        return if schema.expansion_resources.is_some() {
            format!("{joined} or ID")
        } else {
            joined
        };
    }
    match schema.ty.as_deref() {
        Some("array") => format!(
            "array of {}",
            schema.items.as_deref().map_or("anything".into(), shape)
        ),
        Some("object") => match &schema.additional_properties {
            Some(AdditionalProperties::Schema(v)) if schema.properties.is_none() => {
                format!("map of {}", shape(v))
            }
            _ if schema.properties.is_some() => "object".into(),
            _ => "JSON".into(),
        },
        Some(t) => match &schema.format {
            Some(f) if f == "unix-time" => format!("{t} (unix-time)"),
            _ => t.to_owned(),
        },
        None => "JSON".into(),
    }
}
