//! Parsing behaviour on payloads written for these tests: unknown event types, missing
//! optional fields, nulls, expanded and unexpanded references, polymorphic payloads, enum
//! values this build does not know, payloads that do not fit, and bodies that are not events.

use serde_json::json;
use stripe_events::{
    ChargeStatus, CustomerOrDeletedCustomer, Event, EventObject, EventType, Expandable, ParseError,
    PaymentSource, PriceType, testing::event_envelope,
};

fn parse(event_type: &str, object: serde_json::Value) -> Event {
    Event::from_slice(
        event_envelope("evt_1", event_type, &object)
            .to_string()
            .as_bytes(),
    )
    .unwrap()
}

fn product(overrides: serde_json::Value) -> serde_json::Value {
    let mut p = json!({
        "id": "prod_1", "object": "product", "active": true, "created": 1712345678, "images": [],
        "livemode": false, "marketing_features": [], "metadata": {}, "name": "Gold",
        "package_dimensions": null, "shippable": null, "updated": 1712345678, "url": null
    });
    for (k, v) in overrides.as_object().unwrap() {
        p[k] = v.clone();
    }
    p
}

#[test]
fn unknown_event_type_is_kept_with_its_type_string_and_json() {
    let event = parse(
        "billing.future_thing.happened",
        json!({"id": "x_1", "nested": [1, 2]}),
    );
    assert_eq!(
        event.type_,
        EventType::Unknown("billing.future_thing.happened".into())
    );
    assert_eq!(event.type_.as_str(), "billing.future_thing.happened");
    match event.data.object {
        EventObject::Unknown(u) => {
            assert_eq!(u.event_type, "billing.future_thing.happened");
            assert_eq!(u.raw, json!({"id": "x_1", "nested": [1, 2]}));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn missing_optional_fields_and_nulls_become_none() {
    // `description`, `statement_descriptor`, `unit_label`, `tax_code`, `default_price` are
    // absent; `url`, `shippable`, `package_dimensions` are null.
    let event = parse("product.updated", product(json!({})));
    let EventObject::ProductUpdated(p) = &event.data.object else {
        panic!("{:?}", event.data.object)
    };
    assert_eq!(p.description, None);
    assert!(p.default_price.is_none());
    assert_eq!(p.url, None);
    assert_eq!(p.shippable, None);
    assert!(p.package_dimensions.is_none());
    assert_eq!(p.created.as_secs(), 1712345678);
}

#[test]
fn unknown_enum_values_and_unknown_fields_do_not_break_parsing() {
    let mut price = price();
    price["type"] = json!("metered_bundle");
    price["brand_new_field"] = json!({"deep": [true]});
    let event = parse("price.created", price);
    let EventObject::PriceCreated(p) = &event.data.object else {
        panic!("{:?}", event.data.object)
    };
    assert_eq!(p.type_, PriceType::Unrecognized("metered_bundle".into()));
    assert_eq!(p.type_.as_str(), "metered_bundle");
    let event = parse("price.created", self::price());
    let EventObject::PriceCreated(p) = &event.data.object else {
        panic!("{:?}", event.data.object)
    };
    assert_eq!(p.type_, PriceType::OneTime);
}

#[test]
fn expanded_and_unexpanded_references() {
    let unexpanded = parse(
        "product.updated",
        product(json!({"default_price": "price_1"})),
    );
    let EventObject::ProductUpdated(p) = &unexpanded.data.object else {
        panic!()
    };
    assert_eq!(
        p.default_price.as_ref().and_then(Expandable::as_id),
        Some("price_1")
    );

    let expanded = parse(
        "product.updated",
        product(json!({"default_price": price()})),
    );
    let EventObject::ProductUpdated(p) = &expanded.data.object else {
        panic!()
    };
    let price = p
        .default_price
        .as_ref()
        .and_then(Expandable::as_object)
        .expect("expanded");
    assert_eq!(price.id, "price_1");
    assert_eq!(price.unit_amount, Some(500));
    assert_eq!(price.product.as_id(), Some("prod_1"));
}

fn price() -> serde_json::Value {
    json!({
        "id": "price_1", "object": "price", "active": true, "billing_scheme": "per_unit", "created": 1,
        "currency": "usd", "custom_unit_amount": null, "livemode": false, "lookup_key": null, "metadata": {},
        "nickname": null, "product": "prod_1", "recurring": null, "tax_behavior": "unspecified",
        "tiers_mode": null, "transform_quantity": null, "type": "one_time", "unit_amount": 500,
        "unit_amount_decimal": "500"
    })
}

#[test]
fn polymorphic_payloads_are_chosen_by_object() {
    let card = json!({
        "id": "card_1", "object": "card", "brand": "Visa", "country": "US", "exp_month": 8, "exp_year": 2030,
        "funding": "credit", "last4": "4242", "metadata": {}, "name": null, "tokenization_method": null,
        "address_city": null, "address_country": null, "address_line1": null, "address_line1_check": null,
        "address_line2": null, "address_state": null, "address_zip": null, "address_zip_check": null,
        "cvc_check": "pass", "dynamic_last4": null, "fingerprint": "abc", "customer": "cus_1"
    });
    let event = parse("customer.source.created", card);
    let EventObject::CustomerSourceCreated(source) = &event.data.object else {
        panic!("{:?}", event.data.object)
    };
    let PaymentSource::Card(card) = &**source else {
        panic!("{source:?}")
    };
    assert_eq!(card.last4, "4242");
    assert_eq!(
        card.customer.as_ref().and_then(|c| c.as_id()),
        Some("cus_1")
    );

    let future = parse(
        "customer.source.created",
        json!({"id": "x_1", "object": "crypto_wallet"}),
    );
    let EventObject::CustomerSourceCreated(source) = &future.data.object else {
        panic!()
    };
    assert!(matches!(&**source, PaymentSource::Unrecognized(v) if v["object"] == "crypto_wallet"));
}

#[test]
fn deleted_objects_are_told_apart_by_the_deleted_flag() {
    let charge = |customer: serde_json::Value| {
        let mut c: serde_json::Value =
            serde_json::from_str(include_str!("data/charge.json")).unwrap();
        c["customer"] = customer;
        parse("charge.succeeded", c)
    };
    let event = charge(json!({"id": "cus_1", "object": "customer", "deleted": true}));
    let EventObject::ChargeSucceeded(c) = &event.data.object else {
        panic!("{:?}", event.data.object)
    };
    assert_eq!(c.status, ChargeStatus::Succeeded);
    let Some(Expandable::Object(customer)) = &c.customer else {
        panic!("{:?}", c.customer)
    };
    assert!(
        matches!(&**customer, CustomerOrDeletedCustomer::DeletedCustomer(d) if d.id == "cus_1")
    );

    let event = charge(json!("cus_2"));
    let EventObject::ChargeSucceeded(c) = &event.data.object else {
        panic!()
    };
    assert_eq!(c.customer.as_ref().and_then(|c| c.as_id()), Some("cus_2"));
}

#[test]
fn a_payload_that_does_not_fit_is_kept_raw_with_path_and_reason() {
    let bad = product(json!({"marketing_features": [{"name": "ok"}, {"name": 5}]}));
    let event = parse("product.created", bad.clone());
    assert_eq!(event.type_, EventType::ProductCreated);
    let EventObject::Untyped(u) = &event.data.object else {
        panic!("{:?}", event.data.object)
    };
    assert_eq!(u.event_type, EventType::ProductCreated);
    assert_eq!(u.raw, bad);
    assert_eq!(u.error.path, "$.data.object.marketing_features[1].name");
    assert_eq!(u.error.reason, "expected a string, found a number");
    assert_eq!(event.untyped_reason(), Some(&u.error));

    let mut missing = product(json!({}));
    missing.as_object_mut().unwrap().remove("name");
    let event = parse("product.created", missing);
    let reason = event.untyped_reason().expect("untyped");
    assert_eq!(
        (reason.path.as_str(), reason.reason.as_str()),
        ("$.data.object", "missing field `name`")
    );
}

#[test]
fn type_may_come_before_or_after_data() {
    let body = br#"{"type": "product.created", "id": "evt_9", "created": 5, "data": {"previous_attributes": {"name": "Old"}, "object": {"id": "prod_9", "object": "product", "active": true, "created": 1, "images": [], "livemode": false, "marketing_features": [], "metadata": {}, "name": "New", "type": "good", "updated": 2}}}"#;
    let event = Event::from_slice(body).unwrap();
    let EventObject::ProductCreated(p) = &event.data.object else {
        panic!("{:?}", event.data.object)
    };
    assert_eq!(p.name, "New");
    assert_eq!(
        event.data.previous_attributes.as_ref().unwrap()["name"],
        "Old"
    );
    assert_eq!(event.request, None);
    assert!(!event.livemode);
}

#[test]
fn data_before_type_is_typed_by_the_real_type_even_when_the_tail_misleads() {
    let object = product(json!({"name": "Tail"}));
    // Stripe's order, pretty-printed: `type` is the last member.
    let pretty =
        serde_json::to_string_pretty(&event_envelope("evt_p", "product.created", &object)).unwrap();
    assert!(
        pretty
            .trim_end()
            .ends_with("\"type\": \"product.created\"\n}")
    );
    let event = Event::from_slice(pretty.as_bytes()).unwrap();
    assert!(matches!(&event.data.object, EventObject::ProductCreated(p) if p.name == "Tail"));

    // `data` first, then `type`, then a member whose nested `type` names another event: the
    // body's last `"type"` is not the event's type, and the payload must still be typed by the
    // real one.
    let body = format!(
        r#"{{"id": "evt_m", "created": 5, "data": {{"object": {object}}}, "type": "product.created", "extra": {{"type": "customer.created"}}}}"#
    );
    let event = Event::from_slice(body.as_bytes()).unwrap();
    assert_eq!(event.type_, EventType::ProductCreated);
    assert!(
        matches!(&event.data.object, EventObject::ProductCreated(p) if p.name == "Tail"),
        "{:?}",
        event.data.object
    );

    // A payload that fits neither: kept raw under the real type.
    let body = br#"{"id": "evt_n", "created": 5, "data": {"object": {"id": "x"}}, "type": "product.created", "extra": {"type": "customer.created"}}"#;
    let event = Event::from_slice(body).unwrap();
    let EventObject::Untyped(raw) = &event.data.object else {
        panic!("{:?}", event.data.object)
    };
    assert_eq!(raw.event_type, EventType::ProductCreated);
}

#[test]
fn bodies_that_are_not_events_are_typed_errors() {
    assert!(matches!(
        Event::from_slice(b"{\"id\": "),
        Err(ParseError::NotJson { .. })
    ));
    assert!(matches!(
        Event::from_slice(b"not json"),
        Err(ParseError::NotJson { .. })
    ));
    assert!(matches!(
        Event::from_slice(b"[1, 2]"),
        Err(ParseError::NotAnEvent(_))
    ));
    // Found by fuzzing: a body that fails as an envelope early and as JSON later is not JSON.
    assert!(matches!(
        Event::from_slice(b"2y"),
        Err(ParseError::NotJson { offset: 1, .. })
    ));
    assert!(matches!(
        Event::from_slice(b"{\"id\": 5, \"x\": tru"),
        Err(ParseError::NotJson { .. })
    ));
    assert!(matches!(
        Event::from_slice(b"{\"id\": 5} {}"),
        Err(ParseError::NotJson { .. })
    ));
    let err =
        Event::from_slice(br#"{"id": "evt_1", "created": 1, "data": {"object": {}}}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "body is JSON but not a Stripe event: missing field `type` at $"
    );
    let err = Event::from_slice(br#"{"id": "evt_1", "object": "charge", "type": "x", "created": 1, "data": {"object": {}}}"#)
        .unwrap_err();
    assert!(err.to_string().contains("not \"event\""), "{err}");
    // Malformed JSON inside the payload is a JSON error, not an untyped payload.
    let err = Event::from_slice(br#"{"id": "evt_1", "type": "product.created", "created": 1, "data": {"object": {"id": tru}}}"#)
        .unwrap_err();
    assert!(matches!(err, ParseError::NotJson { .. }), "{err:?}");
}

#[test]
fn legacy_string_request_is_read_as_the_request_id() {
    let body = br#"{"id": "evt_1", "type": "x.y", "created": 1, "request": "req_123", "data": {"object": {}}}"#;
    let event = Event::from_slice(body).unwrap();
    assert_eq!(event.request.unwrap().id.as_deref(), Some("req_123"));
}
