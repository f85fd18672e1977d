use stripe_events::webhook_handler;

#[webhook_handler("product.created")]
fn on_product<T>(_product: &T) {}

fn main() {}
