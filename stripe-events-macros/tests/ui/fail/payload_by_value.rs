use stripe_events::{webhook_handler, Product};

#[webhook_handler("product.created")]
fn takes_payload_by_value(product: Product) {
    let _ = product;
}

#[webhook_handler("product.updated")]
fn takes_payload_mutably(product: &mut stripe_events::Product) {
    let _ = product;
}

fn main() {}
