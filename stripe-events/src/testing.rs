//! Helpers for tests of code that receives webhooks: build an event around a payload, and a
//! valid `Stripe-Signature` header for it (like stripe-node's `generateTestHeaderString`).

pub use crate::signature::generate_test_header;

/// The example object for `event_type`'s payload in a Stripe fixtures map
/// (`{"resources": {name: object}}`'s inner map), and the name it is under: the first payload
/// schema that has one, else the resource named by the event type without its action (for
/// events whose payload the spec has no schema for).
///
/// ```
/// use stripe_events::{EventType, testing::example_object};
/// let resources = serde_json::json!({"customer": {"id": "cus_1"}});
/// let (name, object) = example_object(resources.as_object().unwrap(), &EventType::CustomerCreated).unwrap();
/// assert_eq!((name, &object["id"]), ("customer", &serde_json::json!("cus_1")));
/// ```
pub fn example_object<'a>(
    resources: &'a serde_json::Map<String, serde_json::Value>,
    event_type: &crate::EventType,
) -> Option<(&'a str, &'a serde_json::Value)> {
    let name = event_type.as_str();
    let resource = name.rsplit_once('.').map_or(name, |(r, _)| r);
    event_type
        .payload_schemas()
        .iter()
        .copied()
        .chain(std::iter::once(resource))
        .find_map(|s| resources.get_key_value(s))
        .map(|(k, v)| (k.as_str(), v))
}

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
