use stripe_events::{webhook_handler, EventContext, Product};

struct Db;

#[webhook_handler("product.created")]
fn one(_p: &Product) {}

#[webhook_handler("product.created")]
fn two(_ctx: &EventContext, _p: &Product) {}

#[webhook_handler("product.created")]
fn two_with_state(_db: &Db, _p: &Product) {}

#[webhook_handler("product.created")]
async fn three(_db: &Db, _ctx: &EventContext<'_>, _p: &Product) -> Result<(), std::io::Error> {
    Ok(())
}

fn main() {}
