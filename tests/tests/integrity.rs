//! Parsing agrees with the bytes (issue 15, "nothing lost, nothing skipped, nothing forged"):
//! an envelope with duplicate keys is refused rather than read two ways, a payload whose own
//! `object` is not the one its event type carries is not typed as that event's payload, and a
//! payload with a number no type can hold is kept raw like any other payload that does not fit.

use serde_json::json;
use stripe_events::{Event, EventObject, EventType, ParseError, testing::event_envelope};

fn customer() -> serde_json::Value {
    json!({"id": "cus_1", "object": "customer", "created": 1712345678, "livemode": false,
           "balance": 0, "email": "a@example.com"})
}

fn product() -> serde_json::Value {
    json!({
        "id": "prod_1", "object": "product", "active": true, "created": 1712345678, "images": [],
        "livemode": false, "marketing_features": [], "metadata": {}, "name": "Gold",
        "package_dimensions": null, "shippable": null, "updated": 1712345678, "url": null
    })
}

/// The `NotAnEvent` error of `body`, or a panic saying what came out instead.
fn not_an_event(body: &str) -> stripe_events::PayloadError {
    match Event::from_slice(body.as_bytes()) {
        Err(ParseError::NotAnEvent(e)) => e,
        other => panic!("{body}\n=> {other:?}"),
    }
}

#[test]
fn a_customer_and_a_product_type_in_one_envelope_is_not_an_event() {
    // `type` before and after `data`: the payload was typed by the first while `type_` said the
    // last, which delivered a customer as `product.created`.
    let body = format!(
        r#"{{"id": "evt_1", "object": "event", "created": 1, "type": "customer.created", "data": {{"object": {}}}, "type": "product.created"}}"#,
        customer()
    );
    let e = not_an_event(&body);
    assert_eq!(e.path, "$.type");
    assert_eq!(e.reason, "duplicate field `type`");
    let err = Event::from_slice(body.as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "body is JSON but not a Stripe event: duplicate field `type` at $.type"
    );
}

#[test]
fn every_duplicated_envelope_key_is_refused_with_its_path() {
    let c = customer();
    let p = product();
    let cases = [
        (
            format!(
                r#"{{"id": "evt_1", "id": "evt_2", "created": 1, "type": "customer.created", "data": {{"object": {c}}}}}"#
            ),
            "$.id",
        ),
        (
            format!(
                r#"{{"id": "evt_1", "object": "event", "object": "event", "created": 1, "type": "customer.created", "data": {{"object": {c}}}}}"#
            ),
            "$.object",
        ),
        // `type` twice after `data`, twice before it, and with the same value.
        (
            format!(
                r#"{{"id": "evt_1", "created": 1, "data": {{"object": {c}}}, "type": "product.created", "type": "customer.created"}}"#
            ),
            "$.type",
        ),
        (
            format!(
                r#"{{"id": "evt_1", "created": 1, "type": "customer.created", "type": "customer.created", "data": {{"object": {c}}}}}"#
            ),
            "$.type",
        ),
        // `data` twice, in either order of the two payloads.
        (
            format!(
                r#"{{"id": "evt_1", "created": 1, "type": "customer.created", "data": {{"object": {c}}}, "data": {{"object": {p}}}}}"#
            ),
            "$.data",
        ),
        (
            format!(
                r#"{{"id": "evt_1", "created": 1, "data": {{"object": {p}}}, "data": {{"object": {c}}}, "type": "customer.created"}}"#
            ),
            "$.data",
        ),
        // `data.object` twice.
        (
            format!(
                r#"{{"id": "evt_1", "created": 1, "type": "customer.created", "data": {{"object": {c}, "object": {p}}}}}"#
            ),
            "$.data.object",
        ),
        (
            format!(
                r#"{{"id": "evt_1", "created": 1, "data": {{"object": {p}, "object": {c}}}, "type": "customer.created"}}"#
            ),
            "$.data.object",
        ),
    ];
    for (body, path) in cases {
        let e = not_an_event(&body);
        assert_eq!(e.path, path, "{body}");
        assert!(e.reason.starts_with("duplicate field"), "{body}: {e}");
    }
}

#[test]
fn members_stripe_may_repeat_harmlessly_are_still_read_last_wins() {
    // Only the keys that decide what the event is are refused when repeated; the others keep
    // the last value, as serde_json does.
    let mut body = event_envelope("evt_1", "customer.created", &customer()).to_string();
    body.insert_str(
        1,
        r#""livemode": true, "account": "acct_1", "account": "acct_2", "#,
    );
    let event = Event::from_slice(body.as_bytes()).unwrap();
    assert!(!event.livemode);
    assert_eq!(event.account.as_deref(), Some("acct_2"));
    assert!(matches!(event.data.object, EventObject::CustomerCreated(_)));
}

#[test]
fn a_product_under_customer_created_is_untyped_with_the_reason() {
    let event = Event::from_slice(
        event_envelope("evt_1", "customer.created", &product())
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    assert_eq!(event.type_, EventType::CustomerCreated);
    let EventObject::Untyped(u) = &event.data.object else {
        panic!("typed as {:?}", event.data.object)
    };
    assert_eq!(u.event_type, EventType::CustomerCreated);
    assert_eq!(u.raw, product());
    assert_eq!(u.error.path, "$.data.object.object");
    assert_eq!(u.error.reason, r#"expected "customer", found "product""#);

    // Its own type still types it; a payload without `object` is not checked.
    let event = Event::from_slice(
        event_envelope("evt_1", "product.created", &product())
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    assert!(matches!(event.data.object, EventObject::ProductCreated(_)));
    let mut untagged = customer();
    untagged.as_object_mut().unwrap().remove("object");
    let event = Event::from_slice(
        event_envelope("evt_1", "customer.created", &untagged)
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    assert!(matches!(event.data.object, EventObject::CustomerCreated(_)));
    // An `object` that is not a string is a payload that does not fit either.
    let mut numbered = customer();
    numbered["object"] = json!(7);
    let event = Event::from_slice(
        event_envelope("evt_1", "customer.created", &numbered)
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    let reason = event.untyped_reason().expect("untyped");
    assert_eq!(reason.path, "$.data.object.object");
}

#[test]
fn a_nested_object_of_the_wrong_kind_is_not_typed_either() {
    // `default_price` expanded, but what is there is a customer, not a price.
    let mut p = product();
    p["default_price"] = customer();
    let event = Event::from_slice(
        event_envelope("evt_1", "product.updated", &p)
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    let reason = event.untyped_reason().expect("untyped");
    assert_eq!(reason.path, "$.data.object.default_price.object");
    assert_eq!(reason.reason, r#"expected "price", found "customer""#);
}

#[test]
fn a_number_out_of_range_makes_the_payload_untyped_not_the_event_invalid() {
    let body = event_envelope("evt_1", "customer.created", &customer())
        .to_string()
        .replace(r#""balance":0"#, r#""balance":1e400"#);
    assert!(body.contains("1e400"), "{body}");
    let event = Event::from_slice(body.as_bytes()).unwrap();
    assert_eq!(event.id, "evt_1");
    let EventObject::Untyped(u) = &event.data.object else {
        panic!("{:?}", event.data.object)
    };
    assert_eq!(u.error.path, "$.data.object.balance");
    // The number serde_json cannot hold is kept as its text; the rest is as received.
    assert_eq!(u.raw["balance"], "1e400");
    assert_eq!(u.raw["email"], "a@example.com");

    // The same in a payload of an unknown event type, and in `previous_attributes`.
    let body = br#"{"id": "evt_2", "created": 1, "type": "future.thing", "data": {"object": {"n": -1E999, "m": [2e308]}, "previous_attributes": {"n": 1e400}}}"#;
    let event = Event::from_slice(body).unwrap();
    let EventObject::Unknown(u) = &event.data.object else {
        panic!("{:?}", event.data.object)
    };
    assert_eq!(u.raw, json!({"n": "-1E999", "m": ["2e308"]}));
    assert_eq!(event.data.previous_attributes.unwrap()["n"], json!("1e400"));

    // In the envelope itself a number out of range is still not an event.
    let body =
        br#"{"id": "evt_3", "created": 1e400, "type": "future.thing", "data": {"object": {}}}"#;
    let e = not_an_event(std::str::from_utf8(body).unwrap());
    assert_eq!(e.path, "$.created");
}
