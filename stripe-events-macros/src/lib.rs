//! Procedural macros of `stripe-events`; use them through `stripe_events::webhook_handler`.
//!
//! `#[webhook_handler("product.created")]` registers a function as a handler at compile time
//! (a static submitted to the `inventory` registry, no registration call to write). The event type must be one the pinned
//! spec defines, or a thin one of the pinned v2 spec (`"v2.core.event_destination.ping"`: the
//! handler then takes the notification typed by its type), or `"*"` for every snapshot event,
//! or `"raw"` for snapshot events that could not be typed; the payload parameter must fit the
//! event's payload: both are compile errors otherwise. See the `stripe_events::dispatch`
//! documentation for the accepted signatures.
#![deny(missing_docs)]

mod args;
mod error;
mod expand;
mod known;
mod signature;
mod tokens;

use proc_macro::TokenStream;

/// `#[webhook_handler("event.type")]`: registers the function as a webhook handler of that
/// event type, snapshot or thin (`"*"`: every snapshot event; `"raw"`: snapshot events that
/// could not be typed).
#[proc_macro_attribute]
pub fn webhook_handler(args: TokenStream, item: TokenStream) -> TokenStream {
    let item = proc_macro2::TokenStream::from(item);
    // On error the item is kept as written, so the only errors are the macro's own.
    expand::webhook_handler(args.into(), item.clone())
        .unwrap_or_else(|e| [e.into_compile_error(), item].into_iter().collect())
        .into()
}
