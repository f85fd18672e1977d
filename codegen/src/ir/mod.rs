//! The intermediate representation ([`Ir`]): one [`Event`] record per event type, and every
//! Rust type the generated code defines in a [`TypeSpace`], keyed by [`TypeId`], built from
//! the schemas reachable from event payloads (see [`build`]). With compatible API versions,
//! their specs are first merged into the pinned one's schemas ([`compat`]), so one set of
//! types accepts a payload of any of them.

mod build;
pub mod compat;
mod cycles;
mod thin;

pub use build::build;
pub use compat::{CompatReport, Merged, merge_compatible};
pub use thin::{ThinEvent, ThinIr, build_thin};

use crate::discover::EventDef;

/// What the generated code is made from.
#[derive(Debug)]
pub struct Ir {
    /// Every event type, in the order of the event definitions (sorted by type).
    pub events: Vec<Event>,
    /// Every type the events' payloads need, in every event group.
    pub space: TypeSpace,
    /// The types this build emits: those the typed events ([`Event::typed`]) need.
    pub emitted: TypeSet,
}

/// One event type as the generated code has it.
#[derive(Debug, Clone)]
pub struct Event {
    /// The event type, its variant name and payload schemas.
    pub def: EventDef,
    /// The payload's Rust type; `None` when the spec has no schema for it (raw JSON).
    pub payload: Option<Ty>,
    /// Whether this build generates the payload types (the event's group is on); the others
    /// keep their `EventType` variant and an inert marker, and arrive raw.
    pub typed: bool,
}

/// The id of an [`Item`] in its [`TypeSpace`], handed out by [`TypeSpace::push`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(usize);

impl TypeId {
    /// The position of the item in the space (items are numbered from 0 in creation order).
    pub fn index(self) -> usize {
        self.0
    }
}

/// The Rust type of a field or payload.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ty {
    /// `bool`.
    Bool,
    /// `i64` (JSON integer).
    I64,
    /// `f64` (JSON number).
    F64,
    /// `String`.
    String,
    /// Unix timestamp (`format: unix-time`).
    Timestamp,
    /// RFC 3339 date and time (`format: date-time`, in the v2 specs).
    DateTime,
    /// Any JSON (`serde_json::Value`): free-form objects and shapes that cannot be typed.
    Json,
    /// A generated item.
    Named(TypeId),
    /// Nullable or optional.
    Option(Box<Ty>),
    /// JSON array.
    Vec(Box<Ty>),
    /// JSON object with arbitrary keys (`additionalProperties`), e.g. `metadata`.
    Map(Box<Ty>),
    /// An ID string or the expanded object (`x-expansionResources`).
    Expandable(Box<Ty>),
    /// Stripe's list object `{data, has_more, object: "list", url}`.
    List(Box<Ty>),
    /// Boxed to break a recursive type.
    Boxed(Box<Ty>),
}

impl Ty {
    /// The item this type names directly (through `Option` and `Box` only), if any.
    pub fn direct_item(&self) -> Option<TypeId> {
        match self {
            Ty::Named(id) => Some(*id),
            Ty::Option(inner) => inner.direct_item(),
            _ => None,
        }
    }

    /// Every item named anywhere inside this type.
    pub fn items(&self, out: &mut Vec<TypeId>) {
        match self {
            Ty::Named(id) => out.push(*id),
            Ty::Option(t)
            | Ty::Vec(t)
            | Ty::Map(t)
            | Ty::Expandable(t)
            | Ty::List(t)
            | Ty::Boxed(t) => t.items(out),
            _ => {}
        }
    }
}

/// One field of a generated struct.
#[derive(Debug, Clone)]
pub struct Field {
    /// The JSON key.
    pub json_name: String,
    /// The Rust field name.
    pub ident: String,
    /// The full Rust type (with `Option` when the field may be missing or null).
    pub ty: Ty,
    /// A missing key is an error (required and not nullable).
    pub required: bool,
    /// The spec lists the key as required (it may still be nullable).
    pub spec_required: bool,
    /// The spec's description.
    pub doc: Option<String>,
}

/// One alternative of a polymorphic type, chosen by the JSON `object` field.
#[derive(Debug, Clone)]
pub struct PolyVariant {
    /// Rust variant name.
    pub variant: String,
    /// The `object` value that selects it.
    pub tag: String,
    /// Selected only when the object also has `"deleted": true` (`deleted_customer` vs
    /// `customer`, which share the tag `customer`).
    pub deleted: bool,
    /// The variant's payload type.
    pub ty: TypeId,
    /// The schema name it comes from.
    pub schema: String,
}

/// What an item is.
#[derive(Debug, Clone)]
pub enum ItemKind {
    /// A struct.
    Struct {
        /// Fields, sorted by JSON key.
        fields: Vec<Field>,
        /// The constant value of the `object` field, which is not stored.
        object_tag: Option<String>,
    },
    /// A string enum that keeps unknown values.
    Enum {
        /// (JSON value, Rust variant name), in the spec's order.
        values: Vec<(String, String)>,
    },
    /// One of several objects, chosen by `object` (and `deleted`).
    Poly {
        /// The alternatives.
        variants: Vec<PolyVariant>,
    },
}

/// A generated type.
#[derive(Debug, Clone)]
pub struct Item {
    /// The Rust type name.
    pub name: String,
    /// Doc text (the spec's description).
    pub doc: Option<String>,
    /// The component schema it was made from, if it is one.
    pub schema: Option<String>,
    /// What a struct that is no component schema is, for its doc when the spec gives no
    /// description: where it is used (`Used by [`Shelf::books`].`), and for a merged `anyOf`,
    /// what it merges.
    pub origin: Option<String>,
    /// Its shape.
    pub kind: ItemKind,
}

/// All generated types.
#[derive(Debug, Default)]
pub struct TypeSpace {
    /// Items, in creation order (component schemas sorted by name first).
    items: Vec<Item>,
}

impl TypeSpace {
    /// Adds `item`; returns its id.
    pub fn push(&mut self, item: Item) -> TypeId {
        self.items.push(item);
        TypeId(self.items.len() - 1)
    }

    /// The item with id `id`.
    pub fn item(&self, id: TypeId) -> &Item {
        &self.items[id.0]
    }

    /// The item with id `id`, to change.
    pub fn item_mut(&mut self, id: TypeId) -> &mut Item {
        &mut self.items[id.0]
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the space has no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Every item with its id, in creation order.
    pub fn iter(&self) -> impl Iterator<Item = (TypeId, &Item)> {
        self.items
            .iter()
            .enumerate()
            .map(|(i, item)| (TypeId(i), item))
    }

    /// Which items `roots` need, directly or through fields and variants.
    pub fn reachable_from<'a>(&self, roots: impl IntoIterator<Item = &'a Ty>) -> TypeSet {
        let mut keep = vec![false; self.items.len()];
        let mut todo = Vec::new();
        for ty in roots {
            ty.items(&mut todo);
        }
        while let Some(id) = todo.pop() {
            if std::mem::replace(&mut keep[id.0], true) {
                continue;
            }
            match &self.item(id).kind {
                ItemKind::Struct { fields, .. } => {
                    for f in fields {
                        f.ty.items(&mut todo);
                    }
                }
                ItemKind::Poly { variants } => {
                    todo.extend(variants.iter().map(|v| v.ty));
                }
                ItemKind::Enum { .. } => {}
            }
        }
        TypeSet(keep)
    }
}

/// A set of the items of one [`TypeSpace`].
#[derive(Debug, Clone)]
pub struct TypeSet(Vec<bool>);

impl TypeSet {
    /// Whether `id` is in the set.
    pub fn contains(&self, id: TypeId) -> bool {
        self.0[id.0]
    }

    /// The number of items in the set.
    pub fn len(&self) -> usize {
        self.0.iter().filter(|&&k| k).count()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
