use stripe_events::{webhook_handler, Product};

const EVENT: &str = "product.created";

#[webhook_handler(EVENT)]
fn by_constant(_product: &Product) {}

#[webhook_handler]
fn no_argument(_product: &Product) {}

fn main() {}
