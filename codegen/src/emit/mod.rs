//! IR -> Rust tokens. Each module emits one kind of item; this one assembles the file.

mod docs;
mod enums;
mod events;
mod fetched;
mod source_text;
mod structs;
mod thin;
mod thin_markers;
mod types;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Event, ItemKind, ThinIr, TypeSet, TypeSpace};

pub use source_text::line_broken;

/// What every emitter needs.
pub struct Ctx<'a> {
    /// Path of the runtime crate as seen from the generated code (`crate` inside
    /// `stripe-events`).
    pub runtime: TokenStream,
    /// All items.
    pub space: &'a TypeSpace,
    /// Which items to emit: those the typed events need.
    pub emitted: &'a TypeSet,
}

/// An identifier (names are made valid by `naming`).
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The derives of a generated type. String enums implement `Serialize` by hand (they
/// serialize as their string), so they only derive the std traits.
fn derives(string_enum: bool) -> TokenStream {
    if string_enum {
        quote! {
            #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        }
    } else {
        quote! {
            #[derive(Debug, Clone)]
            #[cfg_attr(feature = "serialize", derive(::serde::Serialize))]
            #[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
        }
    }
}

/// The whole generated file: the snapshot event items and types (`cx`), then the `thin`
/// module (its types in `thin_cx`).
pub fn file(
    cx: &Ctx<'_>,
    api_version: &str,
    events: &[Event],
    thin_cx: &Ctx<'_>,
    thin: &ThinIr,
    retrieve: &[crate::discover::RetrievePath],
) -> TokenStream {
    let event_items = events::emit_events(cx, api_version, events);
    let items = items(cx);
    let thin = thin::emit_thin(thin_cx, thin);
    let retrieve = retrieve_paths(retrieve);
    quote! {
        #event_items
        #retrieve
        #(#items)*
        #thin
    }
}

/// `RETRIEVE_PATHS`: each object type Stripe's API retrieves on its own, with its path.
fn retrieve_paths(paths: &[crate::discover::RetrievePath]) -> TokenStream {
    let rows = paths.iter().map(|p| {
        let (object, path) = (&p.object_type, &p.path);
        quote!((#object, #path),)
    });
    quote! {
        /// Where Stripe's API retrieves each object type on its own: `(object type, path
        /// template)`, sorted by object type, from the spec's `GET /v1/.../{id}` operations whose
        /// only path parameter is the id (the last segment) and whose answer is the object.
        /// Objects only reachable under a parent (a customer's card) are not here.
        pub const RETRIEVE_PATHS: &[(&str, &str)] = &[#(#rows)*];
    }
}

/// The items of `cx.space` that `cx.emitted` holds, in creation order.
fn items<'a>(cx: &'a Ctx<'a>) -> impl Iterator<Item = TokenStream> + 'a {
    cx.space
        .iter()
        .filter(|(id, _)| cx.emitted.contains(*id))
        .map(|(_, item)| match &item.kind {
            ItemKind::Struct { fields, object_tag } => {
                structs::emit_struct(cx, cx.space, item, fields, object_tag.as_deref())
            }
            ItemKind::Enum { values } => enums::emit_string_enum(cx, item, values),
            ItemKind::Poly { variants } => enums::emit_poly(cx, item, variants),
        })
}
