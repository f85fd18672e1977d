//! `__events`: one marker type per event type, tying it to its payload for
//! `#[webhook_handler]` (through the runtime's `dispatch::EventKind`).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::ir::{Event, Ty};

use super::super::docs::doc;
use super::super::types::rust_type;
use super::super::{Ctx, ident};

/// The `__events` module.
pub fn emit_markers(cx: &Ctx<'_>, events: &[Event], variants: &[Ident]) -> TokenStream {
    let markers = events.iter().zip(variants).map(|(e, v)| {
        if e.typed {
            typed_marker(cx, e, v)
        } else {
            inert_marker(cx, e, v)
        }
    });
    quote! {
        /// One marker type per event type, tying it to its payload for `#[webhook_handler]`.
        #[doc(hidden)]
        pub mod __events {
            // Unused when no event group is on (the markers name no payload type then).
            #[allow(unused_imports)]
            use super::*;
            #(#markers)*
        }
    }
}

/// The marker of an event whose group is off: `EventKind::TYPED` is false, so a handler for
/// it does not compile (`#[webhook_handler]` checks it and names the feature).
fn inert_marker(cx: &Ctx<'_>, e: &Event, v: &Ident) -> TokenStream {
    let rt = &cx.runtime;
    let type_str = &e.def.event_type;
    let d = doc(&format!(
        "Marker for `{}` handlers. Not usable in this build: the payload types \
         of the `{}` group are behind the `{}` feature.",
        type_str,
        e.def.group(),
        crate::discover::feature_name(e.def.group())
    ));
    quote! {
        #d
        pub struct #v;
        impl #rt::dispatch::EventKind for #v {
            const TYPE: &'static str = #type_str;
            const TYPED: bool = false;
            type Payload = ::serde_json::Value;
            fn payload(_: &EventObject) -> ::std::option::Option<&::serde_json::Value> {
                ::std::option::Option::None
            }
        }
    }
}

/// The marker of a typed event, with its `EventKind` impl.
fn typed_marker(cx: &Ctx<'_>, e: &Event, v: &Ident) -> TokenStream {
    let rt = &cx.runtime;
    let type_str = &e.def.event_type;
    let ty = match &e.payload {
        // Through `super::`: a payload type may share its name with a marker
        // (`source.mandate_notification`'s is `SourceMandateNotification`), and the marker,
        // declared here, would shadow the glob import.
        Some(Ty::Named(id)) => {
            let name = ident(&cx.space.item(*id).name);
            quote!(super::#name)
        }
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
}
