//! Writes the table of known event types from the same spec `stripe-events` is built from, so
//! `#[webhook_handler("...")]` can reject unknown names at compile time.
fn main() {
    stripe_events_codegen::build_script::macros_main();
}
