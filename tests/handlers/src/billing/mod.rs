//! Billing handlers, in a nested module that is never imported by name.

mod invoices;

use stripe_events::{EventContext, Product, webhook_handler};

use crate::Recorder;

/// A product handler in another crate: state, context and payload.
#[webhook_handler("product.created")]
fn other_crate_product_created(recorder: &Recorder, ctx: &EventContext, product: &Product) {
    recorder.record("other_crate", &format!("{}/{}", ctx.id, product.id));
}
