//! Every event type of the pinned 2024-04-10 spec, parsed from an envelope built around
//! Stripe's example object for its payload (`fixtures-2024-04-10.json`), lands in its own
//! typed variant with its fields populated.

mod common;

use stripe_events::{
    Event, EventObject, EventType,
    testing::{event_envelope, example_object},
};

#[test]
fn every_event_type_parses_into_its_variant() {
    let fixtures = common::fixtures("2024-04-10");
    let spec =
        stripe_events_codegen::Spec::load(&common::shared_dir().join("spec-2024-04-10.json"))
            .unwrap();
    assert_eq!(stripe_events::API_VERSION, "2024-04-10");
    assert_eq!(EventType::ALL.len(), 229);
    let mut without_fixture = Vec::new();
    let mut checked = 0;
    for event_type in EventType::ALL {
        let schemas = event_type.payload_schemas();
        let Some((resource, object)) = example_object(&fixtures, event_type) else {
            without_fixture.push(event_type.as_str());
            continue;
        };
        let body = event_envelope("evt_fixture", event_type.as_str(), object).to_string();
        let event =
            Event::from_slice(body.as_bytes()).unwrap_or_else(|e| panic!("{event_type}: {e}"));
        assert_eq!(&event.type_, event_type);
        assert_eq!(event.id, "evt_fixture");
        if let Some(reason) = event.untyped_reason() {
            panic!("{event_type} ({resource}) did not type: {reason}");
        }
        assert_eq!(
            event.data.object.event_type().as_ref(),
            Some(event_type),
            "{event_type} landed in the wrong variant"
        );
        if schemas.len() == 1 {
            assert_eq!(
                event.data.object.object_id(),
                object["id"].as_str(),
                "{event_type}: object_id"
            );
        }
        let typed = serde_json::to_value(&event.data.object).unwrap();
        assert_eq!(typed["id"], object["id"], "{event_type}: id");
        // Fields are populated: every non-null member of the example that the payload's
        // schema declares is there after typing.
        if schemas.is_empty() {
            // No schema: kept as raw JSON (see the test below).
            assert_eq!(&typed, object);
            checked += 1;
            continue;
        }
        let declared = spec
            .schema(resource)
            .and_then(|s| s.properties.as_ref())
            .unwrap_or_else(|| panic!("{event_type}: schema {resource} has no properties"));
        for (key, value) in object.as_object().unwrap() {
            if !value.is_null() && declared.contains_key(key) {
                assert!(!typed[key].is_null(), "{event_type}: {key} was dropped");
            }
        }
        common::assert_subset(&typed, object, event_type.as_str());
        checked += 1;
    }
    // Every event type has an example object for its payload in the 2024-04-10 fixtures.
    assert_eq!(without_fixture, Vec::<&str>::new());
    assert_eq!(checked, 229);
}

#[test]
fn an_event_without_a_payload_schema_keeps_its_payload_as_json() {
    let fixtures = common::fixtures("2024-04-10");
    let event_type = EventType::EntitlementsActiveEntitlementSummaryUpdated;
    assert_eq!(event_type.payload_schemas(), &[] as &[&str]);
    let object = &fixtures["entitlements.active_entitlement_summary"];
    let body = event_envelope("evt_1", event_type.as_str(), object).to_string();
    let event = Event::from_slice(body.as_bytes()).unwrap();
    match event.data.object {
        EventObject::EntitlementsActiveEntitlementSummaryUpdated(raw) => assert_eq!(&*raw, object),
        other => panic!("wrong variant: {other:?}"),
    }
}

/// With the `serialize` feature, an event serializes back to JSON that parses to the same
/// value: parse -> serialize -> parse -> serialize gives the same JSON, for every event type.
#[test]
fn parse_serialize_parse_round_trips() {
    let fixtures = common::fixtures("2024-04-10");
    for event_type in EventType::ALL {
        let (_, object) = example_object(&fixtures, event_type).unwrap();
        let body = event_envelope("evt_rt", event_type.as_str(), object).to_string();
        let first = Event::from_slice(body.as_bytes()).unwrap();
        let json1 = serde_json::to_vec(&first).unwrap();
        let second =
            Event::from_slice(&json1).unwrap_or_else(|e| panic!("{event_type}: reparse: {e}"));
        assert!(
            second.untyped_reason().is_none(),
            "{event_type}: {:?}",
            second.untyped_reason()
        );
        assert_eq!(second.type_, first.type_);
        let json2 = serde_json::to_value(&second).unwrap();
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&json1).unwrap(),
            json2,
            "{event_type}"
        );
        assert_eq!(json2["object"], "event");
        assert_eq!(json2["type"], event_type.as_str());
    }
}
