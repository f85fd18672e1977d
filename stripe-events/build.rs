//! Generates the typed events from the pinned Stripe OpenAPI spec into `OUT_DIR`
//! (see `spec/stripe-api.toml` and the README's "Which spec").
fn main() {
    stripe_events_codegen::build_script::main();
}
