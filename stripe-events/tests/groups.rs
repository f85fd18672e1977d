//! Event-group features. Written to hold for any feature set: CI runs it with the default
//! (`all-events`) and with `--no-default-features --features events-product`.

use stripe_events::testing::event_envelope;
use stripe_events::{Event, EventObject, EventType};

fn typed_in_this_build(group: &str) -> bool {
    let feature = format!("events-{}", group.replace('_', "-"));
    cfg!(feature = "all-events") || enabled_features().contains(&feature.as_str())
}

/// The `events-*` features this test was compiled with (only the ones it can name).
fn enabled_features() -> Vec<&'static str> {
    let mut on = Vec::new();
    if cfg!(feature = "events-product") {
        on.push("events-product");
    }
    if cfg!(feature = "events-customer") {
        on.push("events-customer");
    }
    on
}

#[test]
fn every_event_type_is_known_and_typed_only_when_its_group_is_on() {
    assert_eq!(EventType::ALL.len(), 229, "every event type of 2024-04-10");
    assert!(EventType::GROUPS.contains(&"payment_intent"));
    let product = EventType::from_known("product.created").unwrap();
    let customer = EventType::from_known("customer.subscription.updated").unwrap();
    assert_eq!((product.group(), customer.group()), ("product", "customer"));
    assert_eq!(product.is_typed(), typed_in_this_build("product"));
    assert_eq!(customer.is_typed(), typed_in_this_build("customer"));
    assert!(!EventType::Unknown("x.y".into()).is_typed());
}

#[test]
fn payloads_of_groups_left_out_are_delivered_raw() {
    let object = serde_json::json!({"id": "cus_1", "object": "customer"});
    let body = event_envelope("evt_g", "customer.deleted", &object).to_string();
    let event = Event::from_slice(body.as_bytes()).unwrap();
    assert_eq!(event.type_.as_str(), "customer.deleted");
    match &event.data.object {
        EventObject::Unknown(raw) => {
            assert!(!typed_in_this_build("customer"));
            assert_eq!(raw.event_type, "customer.deleted");
            assert_eq!(raw.raw["id"], "cus_1");
        }
        // With the group on, this minimal object does not fit `Customer`: kept raw too, but
        // as `Untyped`, with the reason.
        EventObject::Untyped(raw) => {
            assert!(typed_in_this_build("customer"));
            assert!(
                raw.error.reason.contains("missing field"),
                "{:?}",
                raw.error
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_cargo_features_match_the_spec_groups() {
    let manifest = include_str!("../Cargo.toml");
    let features: Vec<&str> = manifest
        .lines()
        .filter_map(|l| l.strip_prefix("events-"))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let groups: Vec<String> = EventType::GROUPS
        .iter()
        .map(|g| g.replace('_', "-"))
        .collect();
    assert_eq!(features, groups);
}
