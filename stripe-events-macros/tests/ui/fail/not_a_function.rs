use stripe_events::webhook_handler;

#[webhook_handler("product.created")]
struct NotAFunction;

fn main() {}
