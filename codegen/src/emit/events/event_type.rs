//! `EventType`: one variant per event type (typed or not) and `Unknown`, with its lookups and
//! trait impls (the shape it shares with the thin side: [`type_enum`](super::type_enum)).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::discover::EventDef;
use crate::ir::Event;

use super::super::{Ctx, ident};
use super::type_enum::{TypeEnum, emit_type_enum};

/// The `EventType` enum, its inherent impls and its trait impls.
pub fn emit_event_type(cx: &Ctx<'_>, events: &[Event], variants: &[Ident]) -> TokenStream {
    let common = emit_type_enum(
        cx,
        &TypeEnum {
            name: ident("EventType"),
            doc: "Every event type the spec defines, plus [`EventType::Unknown`] for any other.",
            what: "event type",
            variants,
            strs: events.iter().map(|e| e.def.event_type.as_str()).collect(),
            variant_docs: events
                .iter()
                .map(|e| format!("`{}`", e.def.event_type))
                .collect(),
        },
    );
    let groups_impl = emit_groups_impl(events, variants);
    quote! {
        #common
        #groups_impl
    }
}

/// `group`, `GROUPS`, `is_typed` and `payload_schemas`.
fn emit_groups_impl(events: &[Event], variants: &[Ident]) -> TokenStream {
    let groups: Vec<&str> = events.iter().map(|e| e.def.group()).collect();
    let mut all_groups = groups.clone();
    all_groups.sort_unstable();
    all_groups.dedup();
    let typed_arms = events.iter().zip(variants).map(|(e, v)| {
        let typed = e.typed;
        quote!(Self::#v => #typed,)
    });
    let schema_lists = events.iter().map(|e| schema_list(&e.def));
    quote! {
        impl EventType {
            /// The event's group: its type up to the first dot (`customer` for
            /// `customer.subscription.updated`; `""` for [`EventType::Unknown`]). A group's payload
            /// types are compiled in with the cargo feature `events-<group>` (in kebab case), or
            /// all of them with the default `all-events`.
            pub fn group(&self) -> &'static str {
                match self {
                    #(Self::#variants => #groups,)*
                    Self::Unknown(_) => "",
                }
            }

            /// Every group, sorted.
            pub const GROUPS: &'static [&'static str] = &[#(#all_groups),*];

            /// Whether this build has the payload types of this event type (its group's feature
            /// is on). Payloads of the others are delivered raw, as [`EventObject::Unknown`].
            pub fn is_typed(&self) -> bool {
                match self {
                    #(#typed_arms)*
                    Self::Unknown(_) => false,
                }
            }

            /// The schema names (under `components/schemas`) of this event's payload: one, several
            /// for a polymorphic payload, none when the spec has no schema for it.
            pub fn payload_schemas(&self) -> &'static [&'static str] {
                match self {
                    #(Self::#variants => #schema_lists,)*
                    Self::Unknown(_) => &[],
                }
            }
        }
    }
}

/// `&["schema", ...]`: the payload schemas of `event`.
fn schema_list(event: &EventDef) -> TokenStream {
    let names = &event.payload;
    quote!(&[#(#names),*])
}
