//! `EventType`: one variant per event type (typed or not) and `Unknown`, with its lookups and
//! trait impls.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::discover::EventDef;
use crate::ir::Event;

use super::super::Ctx;
use super::super::docs::doc;

/// The `EventType` enum, its inherent impl and its trait impls.
pub fn emit_event_type(cx: &Ctx<'_>, events: &[Event], variants: &[Ident]) -> TokenStream {
    let enum_and_impl = emit_enum_and_impl(events, variants);
    let traits = emit_traits(cx, events);
    quote! {
        #enum_and_impl
        #traits
    }
}

fn emit_enum_and_impl(events: &[Event], variants: &[Ident]) -> TokenStream {
    let type_strs: Vec<&str> = events.iter().map(|e| e.def.event_type.as_str()).collect();
    let groups: Vec<&str> = events.iter().map(|e| e.def.group()).collect();
    let mut all_groups = groups.clone();
    all_groups.sort_unstable();
    all_groups.dedup();
    let type_defs = events.iter().zip(variants).map(|(e, v)| {
        let d = doc(&format!("`{}`", e.def.event_type));
        quote!(#d #v,)
    });
    let typed_arms = events.iter().zip(variants).map(|(e, v)| {
        let typed = e.typed;
        quote!(Self::#v => #typed,)
    });
    let schema_lists = events.iter().map(|e| schema_list(&e.def));
    quote! {
        /// Every event type the spec defines, plus [`EventType::Unknown`] for any other.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum EventType {
            #(#type_defs)*
            /// An event type this build does not know; holds the type string as received.
            Unknown(::std::string::String),
        }

        impl EventType {
            /// Every known event type, sorted by type string.
            pub const ALL: &'static [EventType] = &[#(EventType::#variants),*];

            /// The type string, e.g. `"customer.created"`.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #type_strs,)*
                    Self::Unknown(other) => other,
                }
            }

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

            /// The known event type for `s`, or `None`.
            pub fn from_known(s: &str) -> ::std::option::Option<Self> {
                ::std::option::Option::Some(match s {
                    #(#type_strs => Self::#variants,)*
                    _ => return ::std::option::Option::None,
                })
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

/// `FromStr`, `Display`, `FromJson`, and with their features `JsonSchema` and `Serialize`.
fn emit_traits(cx: &Ctx<'_>, events: &[Event]) -> TokenStream {
    let rt = &cx.runtime;
    let type_strs = events.iter().map(|e| e.def.event_type.as_str());
    quote! {
        impl ::std::str::FromStr for EventType {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from_known(s).unwrap_or_else(|| Self::Unknown(s.to_owned())))
            }
        }

        impl ::std::fmt::Display for EventType {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl #rt::json::FromJson for EventType {
            fn from_json(p: &mut #rt::json::Parser<'_>) -> ::std::result::Result<Self, #rt::json::Error> {
                let s = p.parse_str()?;
                ::std::result::Result::Ok(Self::from_known(&s).unwrap_or_else(|| Self::Unknown(s.into_owned())))
            }
        }

        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for EventType {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                "EventType".into()
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                #rt::schema::string_enum(&[#(#type_strs),*])
            }
        }

        #[cfg(feature = "serialize")]
        impl ::serde::Serialize for EventType {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    }
}
