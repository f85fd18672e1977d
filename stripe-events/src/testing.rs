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

/// Builds an event of `event_type` around `object` (see [`event_envelope`]) and parses it,
/// **panicking** when the payload does not come out typed: a test payload written by hand
/// that misses a required field fails here, naming the JSON path and the reason, instead of
/// going [`Untyped`](crate::EventObject::Untyped) and skipping the typed handler in silence.
///
/// ```
/// use stripe_events::{EventObject, testing::typed_event};
/// let product = serde_json::json!({
///     "id": "prod_1", "object": "product", "active": true, "created": 1712345678,
///     "images": [], "livemode": false, "marketing_features": [], "metadata": {},
///     "name": "Gold", "updated": 1712345678,
/// });
/// let event = typed_event("product.created", &product);
/// assert!(matches!(event.data.object, EventObject::ProductCreated(_)));
/// ```
///
/// ```should_panic
/// let product = serde_json::json!({"id": "prod_1", "object": "product"});
/// stripe_events::testing::typed_event("product.created", &product); // panics, saying why
/// ```
///
/// # Panics
///
/// When the envelope does not parse, the event type is not one this build types, or the
/// payload does not fit its type; the message says which and where.
#[track_caller]
pub fn typed_event(event_type: &str, object: &serde_json::Value) -> crate::Event {
    let body = event_envelope("evt_test_typed", event_type, object).to_string();
    let event = crate::Event::from_slice(body.as_bytes())
        .unwrap_or_else(|e| panic!("test event {event_type} does not parse: {e}"));
    assert_typed(&event);
    event
}

/// Panics unless `event`'s payload is typed, naming the JSON path and the reason (see
/// [`typed_event`]).
///
/// # Panics
///
/// When the payload is [`Untyped`](crate::EventObject::Untyped) or
/// [`Unknown`](crate::EventObject::Unknown).
#[track_caller]
pub fn assert_typed(event: &crate::Event) {
    match &event.data.object {
        crate::EventObject::Untyped(u) => panic!(
            "the test payload of {} ({}) does not fit its generated type: {} (the example \
             objects in Stripe's fixtures-<version>.json show a complete one)",
            event.type_, event.id, u.error
        ),
        crate::EventObject::Unknown(_) => panic!(
            "{} is not an event type this build types (unknown to the pinned spec, or its \
             group's feature is off)",
            event.type_
        ),
        // Every payload is raw in a build without event groups.
        #[allow(unreachable_patterns)]
        _ => {}
    }
}

/// A thin event notification (`"object": "v2.core.event"`) of `event_type`, as JSON: `created`
/// an RFC 3339 string, and for a type whose related object the generated table names
/// ([`ThinEventType::related_object_type`](crate::ThinEventType::related_object_type)), a
/// related object of that resource with a plausible id and URL ([`related_object_for`]). No
/// schema is needed: everything comes from the generated tables.
///
/// ```
/// use stripe_events::{EventNotification, ThinEventType, testing::thin_notification};
///
/// for t in ThinEventType::ALL {
///     let body = thin_notification("evt_test_1", t.as_str()).to_string();
///     let n = EventNotification::from_slice(body.as_bytes())?;
///     assert_eq!(&n.type_, t);
///     let related = n.related_object.as_ref().map(|r| r.type_.clone());
///     assert_eq!(related, t.related_object_type());
/// }
/// # Ok::<(), stripe_events::ParseError>(())
/// ```
pub fn thin_notification(id: &str, event_type: &str) -> serde_json::Value {
    let known: crate::ThinEventType = event_type.parse().unwrap_or_else(|never| match never {});
    let mut n = serde_json::json!({
        "id": id,
        "object": crate::notification::THIN_OBJECT,
        "type": event_type,
        "created": "2025-12-15T09:30:00.000Z",
        "livemode": false,
        "context": null,
        "reason": null,
    });
    if let Some(resource) = known.related_object_type() {
        n["related_object"] = related_object_for(resource.as_str(), "test_1");
    }
    n
}

/// A related object (`{id, type, url}`) of `resource` whose id is a plausible one for it
/// (`acct_<suffix>` for `v2.core.account`, `mtr_<suffix>` for `billing.meter`; else the
/// initials of the resource's last segment) and whose URL is where Stripe's API serves it
/// (`/v2/core/accounts/acct_...`, `/v1/billing/meters/mtr_...`).
///
/// ```
/// let r = stripe_events::testing::related_object_for("v2.core.account", "1");
/// assert_eq!(r, serde_json::json!({"id": "acct_1", "type": "v2.core.account",
///     "url": "/v2/core/accounts/acct_1"}));
/// ```
pub fn related_object_for(resource: &str, suffix: &str) -> serde_json::Value {
    let (api, path) = match resource.strip_prefix("v2.") {
        Some(rest) => ("v2", rest),
        None => ("v1", resource),
    };
    let last = path.rsplit('.').next().unwrap_or(path);
    let prefix = match last {
        "account" => "acct".to_owned(),
        "meter" => "mtr".to_owned(),
        "event_destination" => "ed".to_owned(),
        "account_person" => "person".to_owned(),
        other => other
            .split('_')
            .filter_map(|w| w.chars().next())
            .collect::<String>(),
    };
    let id = format!("{prefix}_{suffix}");
    let plural = |segment: &str| {
        if segment.ends_with('s') || segment.ends_with('x') || segment.ends_with("ch") {
            format!("{segment}es")
        } else {
            format!("{segment}s")
        }
    };
    let mut segments: Vec<String> = path.split('.').map(str::to_owned).collect();
    if let Some(last) = segments.last_mut() {
        *last = plural(last);
    }
    serde_json::json!({
        "id": id,
        "type": resource,
        "url": format!("/{api}/{}/{id}", segments.join("/")),
    })
}

#[cfg(all(test, feature = "events-product"))]
mod tests {
    #[test]
    fn a_payload_that_does_not_fit_fails_loudly_with_the_path() {
        let product = serde_json::json!({"id": "prod_1", "object": "product"});
        let panic = std::panic::catch_unwind(|| super::typed_event("product.created", &product))
            .unwrap_err();
        let message = panic.downcast_ref::<String>().unwrap();
        assert!(
            message.contains("product.created")
                && message.contains("missing field `active` at $.data.object"),
            "{message}"
        );
    }
}
