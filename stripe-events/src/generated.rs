//! The code generated from Stripe's OpenAPI spec by `build.rs`: [`EventType`], [`EventObject`],
//! [`API_VERSION`] and every payload type reachable from an event.
//!
//! Descriptions come from the spec; links in them point at Stripe's documentation.
#![allow(
    clippy::all,
    clippy::pedantic,
    rustdoc::bare_urls,
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_html_tags,
    rustdoc::invalid_rust_codeblocks
)]

include!(concat!(env!("OUT_DIR"), "/stripe_events_generated.rs"));
