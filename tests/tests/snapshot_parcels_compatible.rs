//! The generator's snapshot `codegen/tests/snapshots/parcels_compatible.rs` (the pinned parcel
//! spec with an older version as a compatible version) compiled as this test crate's root
//! beside the runtime (`snapshot_runtime`): payloads of both versions type, one set of types.
#![allow(dead_code, clippy::all)]

#[path = "snapshot_runtime/mod.rs"]
mod snapshot_runtime;
pub use snapshot_runtime::dispatch;
pub use stripe_events::{
    CompactString, Expandable, Field, List, StripeObject, Timestamp, UnknownPayload, UntypedJson,
    UntypedPayload, json, schema,
};

include!("../../codegen/tests/snapshots/parcels_compatible.rs");

/// The same payloads as `snapshot_parcels.rs`.
const PINNED: &str = r#"{"id": "par_1", "object": "parcel", "weight": 250, "carrier": "post",
    "status": "sent", "tracking": "TRK1", "dims": {"height": 3, "width": 4},
    "sender": {"object": "shop", "url": "https://shop.invalid"}}"#;
const OLDER: &str = r#"{"id": "par_2", "object": "parcel", "carrier": null, "status": "lost",
    "tracking": "TRK2", "dims": {"width": 4}, "sender": {"object": "robot", "serial": "R2"},
    "fragile": true}"#;

fn parse(event_type: &str, json: &str) -> Result<EventObject, String> {
    EventObject::parse_typed(
        &event_type.parse().unwrap(),
        &mut stripe_events::json::Parser::new(json.as_bytes()),
    )
    .map_err(|e| e.to_string())
    .map(|o| o.expect("a typed event type"))
}

#[test]
fn the_pinned_payload_still_types_with_its_values() {
    let Ok(EventObject::ParcelCreated(p)) = parse("parcel.created", PINNED) else {
        panic!("the pinned payload types")
    };
    assert_eq!(p.weight, Some(250));
    assert_eq!(p.carrier.as_deref(), Some("post"));
    assert_eq!(p.status, ParcelStatus::Sent);
    assert_eq!(p.dims.as_ref().and_then(|d| d.height), Some(3));
    assert!(matches!(p.sender, Some(PersonOrRobotOrShop::Shop(_))));
}

#[test]
fn the_older_payload_types_missing_null_new_values_and_new_objects_included() {
    let Ok(EventObject::ParcelCreated(p)) = parse("parcel.created", OLDER) else {
        panic!("the older payload types")
    };
    assert_eq!((p.weight, p.carrier.as_deref()), (None, None));
    assert_eq!(p.status, ParcelStatus::Lost);
    assert_eq!(
        p.dims.as_ref().map(|d| (d.height, d.width)),
        Some((None, Some(4)))
    );
    let Some(PersonOrRobotOrShop::Robot(r)) = &p.sender else {
        panic!("{:?}", p.sender)
    };
    assert_eq!(r.serial.as_deref(), Some("R2"));
}

#[test]
fn event_types_only_the_older_version_has_are_typed() {
    let Ok(EventObject::ParcelLost(p)) = parse("parcel.lost", OLDER) else {
        panic!("parcel.lost types")
    };
    assert_eq!(p.id, "par_2");
    let Ok(EventObject::StampPrinted(s)) = parse(
        "stamp.printed",
        r#"{"id": "stp_1", "object": "stamp", "value": 5}"#,
    ) else {
        panic!("stamp.printed types")
    };
    assert_eq!(s.value, Some(5));
}

#[test]
fn where_the_types_conflict_the_pinned_type_wins_and_the_other_shape_is_an_error() {
    let older_tracking = OLDER.replace(r#""TRK2""#, r#"{"code": "TRK2"}"#);
    let err = parse("parcel.created", &older_tracking).unwrap_err();
    assert!(err.contains("tracking"), "{err}");
}
