//! `EventObject`: the typed `data.object` of an event, one variant per typed event type, plus
//! `Unknown` and `Untyped`; and its parser and accessors.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::ir::{Event, ItemKind, Ty};

use super::super::docs::doc;
use super::super::types::rust_type;
use super::super::{Ctx, ident};
use super::typed;

/// The `EventObject` enum.
pub fn emit_object_enum(cx: &Ctx<'_>, events: &[Event], variants: &[Ident]) -> TokenStream {
    let rt = &cx.runtime;
    let object_defs = typed(events, variants).map(|(e, v)| object_variant(cx, e, v));
    let table = payload_table(cx, events, variants);
    quote! {
        /// The typed `data.object` of an event: one variant per event type, plus
        /// [`EventObject::Unknown`] for event types this build does not know and
        /// [`EventObject::Untyped`] for payloads that did not fit their type.
        ///
        /// # Every event type and its payload
        ///
        /// What a `#[webhook_handler("...")]` of each event type takes by reference:
        ///
        #(#[doc = #table])*
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
    }
}

/// The Markdown table of every event type, its variant and its payload type: one doc line
/// each.
fn payload_table(cx: &Ctx<'_>, events: &[Event], variants: &[Ident]) -> Vec<String> {
    let mut table = vec![
        " | event type | variant | payload |".to_owned(),
        " |---|---|---|".to_owned(),
    ];
    for (e, v) in events.iter().zip(variants) {
        let payload = match (&e.payload, e.typed) {
            (Some(Ty::Named(id)), true) => format!("[`{}`]", cx.space.item(*id).name),
            (Some(ty), true) => format!("`{}`", rust_type(cx, cx.space, ty)),
            (None, true) => "`serde_json::Value` (the spec has no schema for it)".to_owned(),
            (_, false) => "raw in this build ([`EventObject::Unknown`])".to_owned(),
        };
        let variant = if e.typed {
            format!("[`{v}`](EventObject::{v})")
        } else {
            "-".to_owned()
        };
        table.push(format!(
            " | `{}` | {variant} | {payload} |",
            e.def.event_type
        ));
    }
    table
}

/// The variant of a typed event: its boxed payload type, or raw JSON without a schema.
fn object_variant(cx: &Ctx<'_>, e: &Event, v: &Ident) -> TokenStream {
    match &e.payload {
        Some(ty) => {
            let ty = rust_type(cx, cx.space, ty);
            let d = doc(&format!(
                "The payload of `{}` (`{}`).",
                e.def.event_type,
                e.def.payload.join("`, `")
            ));
            quote!(#d #v(::std::boxed::Box<#ty>),)
        }
        None => {
            let d = doc(&format!(
                "The payload of `{}`. The spec has no schema for it, so it is kept as raw JSON.",
                e.def.event_type
            ));
            quote!(#d #v(::std::boxed::Box<::serde_json::Value>),)
        }
    }
}

/// `impl EventObject`: `parse_typed`, `object_id` and `event_type`.
pub fn emit_object_impl(cx: &Ctx<'_>, events: &[Event], variants: &[Ident]) -> TokenStream {
    let rt = &cx.runtime;
    let parse_typed_body = parse_typed_body(cx, events, variants);
    let id_arms = typed(events, variants).filter_map(|(e, v)| object_id_arm(cx, e, v));
    let event_type_body = event_type_body(events, variants);
    quote! {
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

// One `Some` around a `match` whose other arms return `None`: less code than a `Some` per
// arm. Without typed variants (no event group on) that `match` has no value, and the
// compiler would warn that the `Some` is unreachable, so those bodies are plain.

/// The body of `parse_typed`.
fn parse_typed_body(cx: &Ctx<'_>, events: &[Event], variants: &[Ident]) -> TokenStream {
    let rt = &cx.runtime;
    let parse_arms: Vec<_> = typed(events, variants)
        .map(|(_, v)| quote!(EventType::#v => Self::#v(#rt::json::boxed(p)?),))
        .collect();
    if parse_arms.is_empty() {
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
    }
}

/// The body of `event_type`.
fn event_type_body(events: &[Event], variants: &[Ident]) -> TokenStream {
    let object_type_arms: Vec<_> = typed(events, variants)
        .map(|(_, v)| quote!(Self::#v(_) => EventType::#v,))
        .collect();
    if object_type_arms.is_empty() {
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
    }
}

/// The `object_id` arm of an event whose payload is a struct with a string `id`.
fn object_id_arm(cx: &Ctx<'_>, e: &Event, v: &Ident) -> Option<TokenStream> {
    let id = e.payload.as_ref()?.direct_item()?;
    let ItemKind::Struct { fields, .. } = &cx.space.item(id).kind else {
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
}
