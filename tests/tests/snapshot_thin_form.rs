//! The generator's snapshot `codegen/tests/snapshots/thin_form.rs` (a spec with a snapshot event
//! and thin events) compiled as this test crate's root, beside the runtime `stripe-events` gives
//! generated code (`snapshot_runtime`), and used: the thin types build, name their related
//! objects' resources and parse their fetched events' `data`.
#![allow(dead_code, clippy::all)]

#[path = "snapshot_runtime/mod.rs"]
mod snapshot_runtime;
pub use snapshot_runtime::dispatch;
pub use snapshot_runtime::thin_markers::{NoRelatedObject, RelatedKind, Resource, ThinEventKind};
pub use stripe_events::{
    CompactString, DateTime, Expandable, Field, List, StripeObject, Timestamp, UnknownPayload,
    UntypedJson, UntypedPayload, json, schema,
};

include!("../../codegen/tests/snapshots/thin_form.rs");

use thin::{RelatedObjectType, ThinEventType};

#[test]
fn thin_event_types_read_their_strings_and_keep_unknown_ones() {
    assert_eq!(thin::API_VERSION, Some("2099-03-03.thin"));
    assert_eq!(ThinEventType::ALL.len(), 5);
    for t in ThinEventType::ALL {
        assert_eq!(t.as_str().parse::<ThinEventType>().unwrap(), *t);
    }
    let bracketed: ThinEventType = "v2.shop.widget[colour].updated".parse().unwrap();
    assert_eq!(bracketed, ThinEventType::V2ShopWidgetIncludingColourUpdated);
    assert_eq!(bracketed.to_string(), "v2.shop.widget[colour].updated");
    let other: ThinEventType = json::from_slice(br#""v2.shop.new_thing""#).unwrap();
    assert_eq!(other, ThinEventType::Unknown("v2.shop.new_thing".into()));
    assert_eq!(other.related_object_type(), None);
    // Snapshot events are another enum: a thin type string is not one of them.
    assert_eq!(EventType::from_known("v2.shop.widget.created"), None);
    assert_eq!(EventType::ALL, [EventType::GadgetCreated]);
}

#[test]
fn each_type_names_the_resource_of_its_related_object() {
    use ThinEventType as T;
    assert_eq!(
        T::V2ShopWidgetCreated.related_object_type(),
        Some(RelatedObjectType::V2ShopWidget)
    );
    assert_eq!(
        T::V2ShopWidgetIncludingColourUpdated.related_object_type(),
        Some(RelatedObjectType::V2ShopWidget)
    );
    assert_eq!(
        T::V1GadgetSpun.related_object_type(),
        Some(RelatedObjectType::Gadget)
    );
    assert_eq!(T::V2ShopReportReady.related_object_type(), None);
    assert!(!T::V2ShopReportReady.has_related_object());
    // A related object whose resource the spec does not name: present, but not typed.
    assert_eq!(T::V2ShopAnythingHappened.related_object_type(), None);
    assert!(T::V2ShopAnythingHappened.has_related_object());
    assert!(RelatedObjectType::V2ShopWidget.is_v2());
    assert!(!RelatedObjectType::Gadget.is_v2());
    let later: RelatedObjectType = "v2.shop.shelf".parse().unwrap();
    assert!(later.is_v2() && matches!(later, RelatedObjectType::Unknown(_)));
}

#[test]
fn fetched_data_parses_typed() {
    let data: thin::V2ShopWidgetCreatedData = json::from_slice(
        br#"{"made_at": "2099-03-03T10:00:00.5+01:00", "line": "deluxe",
            "dimensions": {"height": 12, "unit": "in"},
            "parts": [{"sku": "w-1", "count": 2}], "inspector": {"name": "Ada"}, "new": true}"#,
    )
    .unwrap();
    assert_eq!(data.made_at.to_string(), "2099-03-03T09:00:00.5Z");
    assert_eq!(data.line, thin::V2ShopWidgetCreatedDataLine::Deluxe);
    assert_eq!(data.dimensions.height, 12);
    assert_eq!(data.parts.as_ref().unwrap()[0].sku, "w-1");
    assert_eq!(data.inspector.unwrap().name.as_deref(), Some("Ada"));

    let err =
        json::from_slice::<thin::V2ShopReportReadyData>(br#"{"ready_at": "soon"}"#).unwrap_err();
    assert!(err.reason().contains("not an RFC 3339"), "{}", err.reason());
    let err = json::from_slice::<thin::V2ShopReportReadyData>(br#"{"url": "x"}"#).unwrap_err();
    assert!(err.reason().contains("ready_at"), "{}", err.reason());

    // Empty `data`: an empty struct that accepts (and skips) whatever is there.
    let _: thin::V2ShopWidgetIncludingColourUpdatedData =
        json::from_slice(br#"{"anything": [1, 2]}"#).unwrap();
}

#[test]
fn thin_types_serialize_as_their_strings() {
    let t = serde_json::to_value(ThinEventType::V2ShopWidgetIncludingColourUpdated).unwrap();
    assert_eq!(t, "v2.shop.widget[colour].updated");
    let data: thin::V2ShopReportReadyData =
        json::from_slice(br#"{"ready_at": "2099-03-03T09:00:00Z"}"#).unwrap();
    assert_eq!(
        serde_json::to_value(&data).unwrap(),
        serde_json::json!({"ready_at": "2099-03-03T09:00:00Z", "url": null})
    );
}

#[test]
fn the_markers_tie_each_type_to_its_related_objects_resource() {
    use thin::{kind, resource};
    fn related<K: ThinEventKind>() -> Option<&'static str> {
        <K::Related as RelatedKind>::RESOURCE
    }
    assert_eq!(
        <kind::V2ShopWidgetIncludingColourUpdated as ThinEventKind>::TYPE,
        "v2.shop.widget[colour].updated"
    );
    assert_eq!(
        kind::V2ShopWidgetIncludingColourUpdated::event_type(),
        ThinEventType::V2ShopWidgetIncludingColourUpdated
    );
    assert_eq!(
        related::<kind::V2ShopWidgetCreated>(),
        Some("v2.shop.widget")
    );
    assert_eq!(related::<kind::V1GadgetSpun>(), Some("gadget"));
    assert_eq!(related::<kind::V2ShopReportReady>(), None);
    assert_eq!(resource::Gadget::object_type(), RelatedObjectType::Gadget);
}

#[test]
fn fetched_data_and_related_objects_are_parsed_as_the_type_their_key_names() {
    let mut p = json::Parser::new(br#"{"ready_at": "2099-03-03T09:00:00Z"}"#);
    let d = thin::ThinEventData::parse_typed(&ThinEventType::V2ShopReportReady, &mut p)
        .unwrap()
        .unwrap();
    assert!(matches!(d, thin::ThinEventData::V2ShopReportReady(_)));
    assert_eq!(d.event_type(), Some(ThinEventType::V2ShopReportReady));
    // No type for an unknown event type (the caller keeps it raw).
    let unknown = ThinEventType::Unknown("v2.shop.new_thing".into());
    let mut p = json::Parser::new(b"{}");
    assert!(
        thin::ThinEventData::parse_typed(&unknown, &mut p)
            .unwrap()
            .is_none()
    );
    // A related resource the spec describes (a v1-style one here) is typed; its tag is checked.
    let mut p = json::Parser::new(br#"{"id": "g_1", "object": "gadget"}"#);
    let r = thin::RelatedResource::parse_typed(&RelatedObjectType::Gadget, &mut p)
        .unwrap()
        .unwrap();
    assert_eq!(r.resource_type(), Some(RelatedObjectType::Gadget));
    let mut p = json::Parser::new(br#"{"id": "w_1", "object": "widget"}"#);
    assert!(thin::RelatedResource::parse_typed(&RelatedObjectType::Gadget, &mut p).is_err());
}
