//! Helpers for tests of code that receives webhooks: build an event around a payload, and a
//! valid `Stripe-Signature` header for it (like stripe-node's `generateTestHeaderString`).

pub use crate::signature::generate_test_header;

/// A complete event envelope (`id`, `object`, `api_version`, `created`, `livemode`,
/// `pending_webhooks`, `request`, `type`, `data.object`) around `object`, as JSON.
///
/// ```
/// use stripe_events::{Event, EventType};
/// let body = stripe_events::testing::event_envelope(
///     "evt_test_1",
///     "customer.created",
///     &serde_json::json!({"id": "cus_1", "object": "customer"}),
/// );
/// let event = Event::from_slice(body.to_string().as_bytes()).unwrap();
/// assert_eq!(event.type_, EventType::CustomerCreated);
/// assert_eq!(event.id, "evt_test_1");
/// ```
pub fn event_envelope(id: &str, event_type: &str, object: &serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "object": "event",
        "api_version": crate::API_VERSION,
        "created": 1_712_345_678,
        "data": { "object": object },
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "type": event_type,
    })
}
