//! `API_VERSION`, `EventType`, `EventObject` and the handler markers: one variant (and one
//! marker) per event type. Each module emits one of them.

mod event_object;
mod event_type;
mod markers;
pub(super) mod type_enum;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::ir::Event;

use super::{Ctx, ident};

/// The event items for `events` (every event type, typed or not).
pub fn emit_events(cx: &Ctx<'_>, api_version: &str, events: &[Event]) -> TokenStream {
    let variants: Vec<Ident> = events.iter().map(|e| ident(&e.def.variant)).collect();
    let event_type = event_type::emit_event_type(cx, events, &variants);
    let object_enum = event_object::emit_object_enum(cx, events, &variants);
    let markers = markers::emit_markers(cx, events, &variants);
    let object_impl = event_object::emit_object_impl(cx, events, &variants);
    quote! {
        /// The Stripe API version these types were generated from (`info.version` of the spec).
        pub const API_VERSION: &str = #api_version;

        #event_type
        #object_enum
        #markers
        #object_impl
    }
}

/// The typed events (those whose payload types this build has) with their variant names.
fn typed<'a>(
    events: &'a [Event],
    variants: &'a [Ident],
) -> impl Iterator<Item = (&'a Event, &'a Ident)> {
    events.iter().zip(variants).filter(|(e, _)| e.typed)
}
