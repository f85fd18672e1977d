use stripe_events::{webhook_handler, Product};

#[webhook_handler("product.created")]
fn on_product(_product: &Product) {}

fn main() {}
