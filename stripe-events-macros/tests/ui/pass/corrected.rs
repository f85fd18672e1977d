//! The corrected versions of the remaining compile-fail cases.
use stripe_events::{webhook_handler, Product};

struct Db;

// not_a_function.rs, generic.rs, self_receiver.rs: a free, non-generic function.
#[webhook_handler("product.created")]
fn on_product(_product: &Product) {}

// non_literal.rs: the event type as a string literal.
#[webhook_handler("product.updated")]
fn by_literal(_product: &Product) {}

// return_type.rs: `()` or `Result<(), E>` with `E` into a boxed error.
#[webhook_handler("product.deleted")]
fn returns_result(_product: &Product) -> Result<(), std::fmt::Error> {
    Ok(())
}

// state_by_value.rs: state by shared reference.
#[webhook_handler("product.deleted")]
async fn takes_state_by_reference(_db: &Db, _product: &Product) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    Ok(())
}

fn main() {
    // Registered without any call: the dispatcher finds all four (plus nothing else here).
    let dispatcher = stripe_events::Dispatcher::new().with_state(Db);
    assert_eq!(dispatcher.handlers().count(), 4);
    dispatcher.check().unwrap();
}
