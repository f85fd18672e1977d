use stripe_events::{webhook_handler, Product};

struct Service;

impl Service {
    #[webhook_handler("product.created")]
    fn on_product(&self, _product: &Product) {}
}

fn main() {}
