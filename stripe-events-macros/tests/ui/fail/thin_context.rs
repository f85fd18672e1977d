use stripe_events::{webhook_handler, EventContext, EventNotification};

#[webhook_handler("v2.core.event_destination.ping")]
fn on_ping(_ctx: &EventContext, _ping: &EventNotification) {}

fn main() {}
