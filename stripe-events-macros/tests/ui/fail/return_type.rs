use stripe_events::{webhook_handler, Product};

#[webhook_handler("product.created")]
fn returns_a_number(_product: &Product) -> u32 {
    7
}

fn main() {}
