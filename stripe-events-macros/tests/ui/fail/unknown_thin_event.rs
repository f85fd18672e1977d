use stripe_events::{webhook_handler, EventNotification};

#[webhook_handler("v2.core.event_destination.pnig")]
fn on_ping(_ping: &EventNotification) {}

fn main() {}
