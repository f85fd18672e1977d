//! Procedural macros of `stripe-events`. Use them through `stripe_events`, which re-exports
//! them; this crate's expansions refer to `::stripe_events` paths.
//!
//! The `#[webhook_handler("...")]` attribute arrives with the handler-registration work; until
//! then this crate only reserves its place in the workspace.
#![deny(missing_docs)]
