use stripe_events::thin::kind;
use stripe_events::{webhook_handler, Notification, Product};

// The notification of another thin type.
#[webhook_handler("v1.billing.meter.no_meter_found")]
fn on_no_meter(_n: &Notification<kind::V2CoreEventDestinationPing>) {}

// A snapshot payload for a thin type.
#[webhook_handler("v2.core.event_destination.ping")]
fn on_ping(_product: &Product) {}

fn main() {}
