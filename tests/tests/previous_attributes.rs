//! Typed `previous_attributes` on real payloads: Stripe's example subscription (read from
//! `../shared/stripe-openapi/fixtures-2024-04-10.json` at run time) under a
//! `customer.subscription.updated` event with previous values written here, read field by field
//! (`PreviousAttributes::get`), and by a `#[webhook_handler]` through its `EventContext`.

mod common;

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use stripe_events::dispatch::Dispatcher;
use stripe_events::testing::{assert_typed, event_envelope};
use stripe_events::{
    Event, EventContext, EventObject, Expandable, Previous, Subscription, SubscriptionAutomaticTax,
    SubscriptionStatus, SubscriptionsResourcePauseCollectionBehavior, webhook_handler,
};

/// Stripe's example subscription.
fn subscription() -> Value {
    common::fixtures("2024-04-10")["subscription"].clone()
}

/// A `customer.subscription.updated` event around the example subscription, with `previous`
/// as its `data.previous_attributes`; its payload is typed.
fn updated(previous: Value) -> Event {
    let mut body = event_envelope("evt_upd", "customer.subscription.updated", &subscription());
    body["data"]["previous_attributes"] = previous;
    let event = Event::from_slice(body.to_string().as_bytes()).unwrap();
    assert_typed(&event);
    event
}

#[test]
fn a_changed_status_a_null_an_unchanged_field_and_a_wrong_type_are_told_apart() {
    let event = updated(json!({
        "status": "trialing",
        "cancel_at": null,
        "days_until_due": "thirty",
    }));
    let previous = EventContext::new(&event)
        .previous::<Subscription>()
        .expect("the event has previous_attributes");
    assert_eq!(
        previous.get(Subscription::STATUS),
        Previous::Was(SubscriptionStatus::Trialing)
    );
    assert_eq!(previous.get(Subscription::CANCEL_AT), Previous::Null);
    // Absent: unchanged, though the payload's own value is not null.
    assert_eq!(previous.get(Subscription::CURRENCY), Previous::Unchanged);
    assert!(previous.get(Subscription::CUSTOMER).is_unchanged());
    match previous.get(Subscription::DAYS_UNTIL_DUE) {
        Previous::Untyped { error, raw } => {
            assert_eq!(error.path, "$.data.previous_attributes.days_until_due");
            assert!(error.reason.contains("expected"), "{}", error.reason);
            assert_eq!(raw, json!("thirty"));
        }
        other => panic!("a string is not a number of days: {other:?}"),
    }
    // The raw map is still there, as before.
    assert_eq!(
        EventContext::new(&event).previous_attributes.unwrap()["status"],
        "trialing"
    );
    // A value this build does not know is still the field's type.
    let event = updated(json!({"status": "hibernating"}));
    assert_eq!(
        event
            .previous::<Subscription>()
            .unwrap()
            .get(Subscription::STATUS),
        Previous::Was(SubscriptionStatus::Unrecognized("hibernating".into()))
    );
}

#[test]
fn struct_typed_and_nested_fields() {
    let items = subscription()["items"].clone();
    let event = updated(json!({
        "items": items,
        "pause_collection": {"behavior": "void", "resumes_at": null},
        "automatic_tax": {"liability": null},
        "customer": "cus_old",
        "metadata": {"plan": "silver"},
    }));
    let previous = event.previous::<Subscription>().unwrap();

    // A whole object: the example subscription's own item list.
    let Previous::Was(list) = previous.get(Subscription::ITEMS) else {
        panic!("the example item list is an item list");
    };
    assert_eq!(list.data.len(), items["data"].as_array().unwrap().len());
    assert_eq!(list.data[0].id, items["data"][0]["id"].as_str().unwrap());

    let Previous::Was(pause) = previous.get(Subscription::PAUSE_COLLECTION) else {
        panic!("a complete pause_collection");
    };
    assert_eq!(
        pause.behavior,
        SubscriptionsResourcePauseCollectionBehavior::Void
    );
    assert_eq!(pause.resumes_at, None);

    match previous.get(Subscription::CUSTOMER) {
        Previous::Was(Expandable::Id(id)) => assert_eq!(id, "cus_old"),
        other => panic!("an id: {other:?}"),
    }
    let Previous::Was(metadata) = previous.get(Subscription::METADATA) else {
        panic!("metadata is a map of strings");
    };
    assert_eq!(metadata["plan"], "silver");

    // Only a part of a nested object: the struct does not parse, its members do.
    let Previous::Untyped { error, raw } = previous.get(Subscription::AUTOMATIC_TAX) else {
        panic!("`enabled` is required and was not sent");
    };
    assert_eq!(error.path, "$.data.previous_attributes.automatic_tax");
    assert!(error.reason.contains("enabled"), "{}", error.reason);
    assert_eq!(raw, json!({"liability": null}));
    let tax = previous.nested(Subscription::AUTOMATIC_TAX).unwrap();
    assert!(matches!(
        tax.get(SubscriptionAutomaticTax::LIABILITY),
        Previous::Null
    ));
    assert_eq!(
        tax.get(SubscriptionAutomaticTax::ENABLED),
        Previous::Unchanged
    );
}

#[test]
fn events_without_previous_attributes_have_none() {
    let body = event_envelope("evt_new", "customer.subscription.created", &subscription());
    let event = Event::from_slice(body.to_string().as_bytes()).unwrap();
    assert!(event.previous::<Subscription>().is_none());
    assert!(
        EventContext::new(&event)
            .previous::<Subscription>()
            .is_none()
    );
    // `null` is the same as absent.
    let event = updated(Value::Null);
    assert!(event.previous::<Subscription>().is_none());
}

/// What the handler below saw, for the test to read.
#[derive(Default, Clone)]
struct Seen(Arc<Mutex<Vec<String>>>);

#[webhook_handler("customer.subscription.updated")]
fn status_change(seen: &Seen, ctx: &EventContext, sub: &Subscription) {
    let Some(previous) = ctx.previous::<Subscription>() else {
        seen.0
            .lock()
            .unwrap()
            .push(format!("{}: no previous", ctx.id));
        return;
    };
    let line = match previous.get(Subscription::STATUS) {
        Previous::Was(old) => format!("{}: {} -> {}", ctx.id, old.as_str(), sub.status.as_str()),
        Previous::Unchanged => format!("{}: status unchanged", ctx.id),
        Previous::Null => format!("{}: status was null", ctx.id),
        Previous::Untyped { error, .. } => format!("{}: untyped ({error})", ctx.id),
    };
    seen.0.lock().unwrap().push(line);
}

#[test]
fn a_webhook_handler_reads_the_previous_status() {
    let seen = Seen::default();
    let dispatcher = Dispatcher::new().with_state(seen.clone());
    for (id, previous) in [
        ("evt_a", json!({"status": "trialing"})),
        ("evt_b", json!({"cancel_at": null})),
        ("evt_c", json!({"status": 7})),
    ] {
        let mut event = updated(previous);
        event.id = id.into();
        assert!(matches!(
            event.data.object,
            EventObject::CustomerSubscriptionUpdated(_)
        ));
        let outcome = dispatcher.dispatch_blocking(&event).unwrap();
        assert_eq!(outcome.ran, 1);
    }
    let seen = seen.0.lock().unwrap();
    assert_eq!(seen[0], "evt_a: trialing -> active");
    assert_eq!(seen[1], "evt_b: status unchanged");
    assert!(
        seen[2].starts_with("evt_c: untyped (") && seen[2].contains("previous_attributes.status"),
        "{}",
        seen[2]
    );
}
