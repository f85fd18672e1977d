use stripe_events::{webhook_handler, EventContext, Product};

#[webhook_handler("product.created")]
fn no_parameters() {}

#[webhook_handler("product.created")]
fn four_parameters(_a: &u8, _b: &EventContext, _c: &Product, _d: &Product) {}

#[webhook_handler("product.created")]
fn middle_is_not_context(_a: &u8, _b: &u8, _c: &Product) {}

fn main() {}
