// The UI cases build stripe-events with a few event groups only; `payout` is not one of them.
use stripe_events::webhook_handler;

#[webhook_handler("payout.paid")]
fn on_payout(_payout: &serde_json::Value) {}

fn main() {}
