//! The generator's snapshot `codegen/tests/snapshots/parcels.rs` (the pinned parcel spec alone,
//! strict) compiled as this test crate's root beside the runtime (`snapshot_runtime`): a
//! payload of the pinned version types, one of the older version does not.
#![allow(dead_code, clippy::all)]

#[path = "snapshot_runtime/mod.rs"]
mod snapshot_runtime;
pub use snapshot_runtime::dispatch;
pub use stripe_events::{
    CompactString, Expandable, Field, List, StripeObject, Timestamp, UnknownPayload, UntypedJson,
    UntypedPayload, json, schema,
};

include!("../../codegen/tests/snapshots/parcels.rs");

/// A parcel as the pinned version (2099-01-01) renders it.
pub const PINNED: &str = r#"{"id": "par_1", "object": "parcel", "weight": 250, "carrier": "post",
    "status": "sent", "tracking": "TRK1", "dims": {"height": 3, "width": 4},
    "sender": {"object": "shop", "url": "https://shop.invalid"}}"#;

/// A parcel as the older version (2098-01-01) renders it.
pub const OLDER: &str = r#"{"id": "par_2", "object": "parcel", "carrier": null, "status": "lost",
    "tracking": "TRK2", "dims": {"width": 4}, "sender": {"object": "robot", "serial": "R2"},
    "fragile": true}"#;

fn parse(json: &str) -> Result<EventObject, String> {
    EventObject::parse_typed(
        &EventType::ParcelCreated,
        &mut stripe_events::json::Parser::new(json.as_bytes()),
    )
    .map_err(|e| e.to_string())
    .map(|o| o.expect("a typed event type"))
}

#[test]
fn strict_types_take_the_pinned_payload_and_refuse_the_older_one() {
    let Ok(EventObject::ParcelCreated(p)) = parse(PINNED) else {
        panic!("the pinned payload types")
    };
    assert_eq!((p.weight, p.carrier.as_str()), (250, "post"));
    let err = parse(OLDER).unwrap_err();
    assert!(err.contains("carrier") || err.contains("weight"), "{err}");
    let lost: EventType = "parcel.lost".parse().unwrap();
    assert_eq!(lost, EventType::Unknown("parcel.lost".to_owned()));
}
