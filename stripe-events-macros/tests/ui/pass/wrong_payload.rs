use stripe_events::{webhook_handler, PaymentSource, Event, Price, RawEvent};

#[webhook_handler("price.created")]
fn on_price(_price: &Price) {}

// A polymorphic payload is its enum.
#[webhook_handler("customer.source.created")]
fn on_source(_source: &PaymentSource) {}

// An event without a payload schema carries JSON.
#[webhook_handler("entitlements.active_entitlement_summary.updated")]
fn on_summary(_summary: &serde_json::Value) {}

#[webhook_handler("*")]
fn on_every(_event: &Event) {}

#[webhook_handler("raw")]
fn on_raw(_raw: &RawEvent) {}

fn main() {}
