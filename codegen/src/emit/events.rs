//! `API_VERSION`, `EventType` and `EventObject`: one variant per event type.

use proc_macro2::TokenStream;
use quote::quote;

use crate::events::EventDef;
use crate::ir::Ty;

use super::docs::doc;
use super::types::rust_type;
use super::{Ctx, ident};

/// The event enums for `events`, whose payload types are `payloads` (same order).
pub fn emit_events(
    cx: &Ctx<'_>,
    api_version: &str,
    events: &[EventDef],
    payloads: &[Option<Ty>],
    included: &[bool],
) -> TokenStream {
    let rt = &cx.runtime;
    let variants: Vec<_> = events.iter().map(|e| ident(&e.variant)).collect();
    let type_strs: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    let groups: Vec<&str> = events.iter().map(EventDef::group).collect();
    let mut all_groups = groups.clone();
    all_groups.sort_unstable();
    all_groups.dedup();
    let compiled_arms = variants
        .iter()
        .zip(included)
        .map(|(v, inc)| quote!(Self::#v => #inc,));
    // The event types whose payload types this build has (the others keep EventType variants).
    let typed = || {
        events
            .iter()
            .zip(&variants)
            .zip(payloads)
            .zip(included)
            .filter(|(_, inc)| **inc)
            .map(|(((e, v), payload), _)| (e, v, payload))
    };

    let type_defs = events.iter().zip(&variants).map(|(e, v)| {
        let d = doc(&format!("`{}`", e.event_type));
        quote!(#d #v,)
    });
    let schema_lists = events.iter().map(|e| {
        let names = &e.payload;
        quote!(&[#(#names),*])
    });
    let object_defs = typed().map(|(e, v, payload)| match payload {
        Some(ty) => {
            let ty = rust_type(cx, cx.space, ty);
            let d = doc(&format!(
                "The payload of `{}` (`{}`).",
                e.event_type,
                e.payload.join("`, `")
            ));
            quote!(#d #v(::std::boxed::Box<#ty>),)
        }
        None => {
            let d = doc(&format!(
                "The payload of `{}`. The spec has no schema for it, so it is kept as raw JSON.",
                e.event_type
            ));
            quote!(#d #v(::std::boxed::Box<::serde_json::Value>),)
        }
    });
    let parse_arms: Vec<_> = typed()
        .map(|(_, v, _)| quote!(EventType::#v => Self::#v(#rt::json::boxed(p)?),))
        .collect();
    let object_type_arms: Vec<_> = typed()
        .map(|(_, v, _)| quote!(Self::#v(_) => EventType::#v,))
        .collect();
    // One `Some` around a `match` whose other arms return `None`: less code than a `Some` per
    // arm. Without typed variants (no event group on) that `match` has no value, and the
    // compiler would warn that the `Some` is unreachable, so those bodies are plain.
    let parse_typed_body = if parse_arms.is_empty() {
        quote! {
            let _ = (event_type, p);
            ::std::result::Result::Ok(::std::option::Option::None)
        }
    } else {
        quote! {
            ::std::result::Result::Ok(::std::option::Option::Some(match event_type {
                #(#parse_arms)*
                _ => return ::std::result::Result::Ok(::std::option::Option::None),
            }))
        }
    };
    let event_type_body = if object_type_arms.is_empty() {
        quote! {
            match self {
                Self::Unknown(_) | Self::Untyped(_) => ::std::option::Option::None,
            }
        }
    } else {
        quote! {
            ::std::option::Option::Some(match self {
                #(#object_type_arms)*
                Self::Unknown(_) | Self::Untyped(_) => return ::std::option::Option::None,
            })
        }
    };
    let id_arms = typed().filter_map(|(_, v, payload)| {
        let id = payload.as_ref()?.direct_item()?;
        let crate::ir::ItemKind::Struct { fields, .. } = &cx.space.item(id).kind else {
            return None;
        };
        let field = fields.iter().find(|f| f.json_name == "id")?;
        let fid = ident(&field.ident);
        match &field.ty {
            Ty::String => Some(quote!(Self::#v(p) => ::std::option::Option::Some(&p.#fid),)),
            Ty::Option(inner) if **inner == Ty::String => {
                Some(quote!(Self::#v(p) => p.#fid.as_deref(),))
            }
            _ => None,
        }
    });
    let markers = events
        .iter()
        .zip(&variants)
        .zip(payloads)
        .zip(included)
        .map(|(((e, v), payload), inc)| {
            let type_str = &e.event_type;
            if !inc {
                let d = doc(&format!(
                    "Marker for `{type_str}` handlers. Not usable in this build: the payload types \
                     of the `{}` group are behind the `{}` feature.",
                    e.group(),
                    crate::events::feature_name(e.group())
                ));
                return quote!(#d pub struct #v;);
            }
            let ty = match payload {
                Some(ty) => rust_type(cx, cx.space, ty),
                None => quote!(::serde_json::Value),
            };
            let d = doc(&format!("Marker for `{type_str}` handlers."));
            quote! {
                #d
                pub struct #v;
                impl #rt::dispatch::EventKind for #v {
                    const TYPE: &'static str = #type_str;
                    type Payload = #ty;
                    fn payload(object: &EventObject) -> ::std::option::Option<&#ty> {
                        match object {
                            EventObject::#v(p) => ::std::option::Option::Some(&**p),
                            _ => ::std::option::Option::None,
                        }
                    }
                }
            }
        });

    quote! {
        /// The Stripe API version these types were generated from (`info.version` of the spec).
        pub const API_VERSION: &str = #api_version;

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
                    #(#compiled_arms)*
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

        /// The typed `data.object` of an event: one variant per event type, plus
        /// [`EventObject::Unknown`] for event types this build does not know and
        /// [`EventObject::Untyped`] for payloads that did not fit their type.
        #[derive(Debug, Clone)]
        #[cfg_attr(feature = "serialize", derive(::serde::Serialize), serde(untagged))]
        #[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
        #[non_exhaustive]
        pub enum EventObject {
            #(#object_defs)*
            /// The payload of an event type this build does not know, or whose group's payload
            /// types it leaves out (see [`EventType::is_typed`]), as raw JSON.
            Unknown(::std::boxed::Box<#rt::UnknownPayload>),
            /// A payload that did not fit its generated type (for example one rendered for another
            /// API version), kept as raw JSON with the reason.
            Untyped(::std::boxed::Box<#rt::UntypedPayload>),
        }

        /// One marker type per event type, tying it to its payload for `#[webhook_handler]`.
        #[doc(hidden)]
        pub mod __events {
            // Unused when no event group is on (the markers name no payload type then).
            #[allow(unused_imports)]
            use super::*;
            #(#markers)*
        }

        impl EventObject {
            /// Parses the payload of a known event type into its typed variant; `None` for
            /// [`EventType::Unknown`] and the event types this build has no payload types for.
            pub(crate) fn parse_typed(event_type: &EventType, p: &mut #rt::json::Parser<'_>) -> ::std::result::Result<::std::option::Option<Self>, #rt::json::Error> {
                #parse_typed_body
            }

            /// The `id` of the object the event is about, when its type has one (`None` for
            /// polymorphic and raw payloads, and objects without an id, like a balance).
            pub fn object_id(&self) -> ::std::option::Option<&str> {
                match self {
                    #(#id_arms)*
                    _ => ::std::option::Option::None,
                }
            }

            /// The event type of a typed variant (`None` for `Unknown` and `Untyped`).
            pub fn event_type(&self) -> ::std::option::Option<EventType> {
                #event_type_body
            }
        }
    }
}
