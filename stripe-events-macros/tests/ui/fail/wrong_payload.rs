use stripe_events::{webhook_handler, Price};

#[webhook_handler("product.created")]
fn on_product(_product: &Price) {}

fn main() {}
