use stripe_events::{webhook_handler, Product};

struct Db;

#[webhook_handler("product.created")]
fn takes_state_by_value(_db: Db, _product: &Product) {}

fn main() {}
