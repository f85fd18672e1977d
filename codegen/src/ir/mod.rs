//! The intermediate representation: every Rust type the generated code defines, keyed by
//! [`TypeId`], built from the schemas reachable from event payloads (see [`build`]).

mod build;
mod cycles;

pub use build::build;

/// Index of an [`Item`] in [`TypeSpace::items`].
pub type TypeId = usize;

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
    /// Its shape.
    pub kind: ItemKind,
}

/// All generated types.
#[derive(Debug, Default)]
pub struct TypeSpace {
    /// Items, in creation order (component schemas sorted by name first).
    pub items: Vec<Item>,
}

impl TypeSpace {
    /// The item with id `id`.
    pub fn item(&self, id: TypeId) -> &Item {
        &self.items[id]
    }

    /// Which items `roots` need, directly or through fields and variants (indexed by id).
    pub fn reachable_from<'a>(&self, roots: impl IntoIterator<Item = &'a Ty>) -> Vec<bool> {
        let mut keep = vec![false; self.items.len()];
        let mut todo = Vec::new();
        for ty in roots {
            ty.items(&mut todo);
        }
        while let Some(id) = todo.pop() {
            if std::mem::replace(&mut keep[id], true) {
                continue;
            }
            match &self.items[id].kind {
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
        keep
    }
}
