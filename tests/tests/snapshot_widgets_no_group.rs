//! The generator's snapshot `codegen/tests/snapshots/widgets_no_group.rs` (no event group) compiled as this test
//! crate's root, beside the runtime `stripe-events` gives generated code
//! (`snapshot_runtime`), and used: the snapshot builds and parses what it should.
#![allow(dead_code, clippy::all)]

#[path = "snapshot_runtime/mod.rs"]
mod snapshot_runtime;
pub use snapshot_runtime::dispatch;
pub use stripe_events::{
    CompactString, Expandable, Field, List, StripeObject, Timestamp, UnknownPayload, UntypedJson,
    UntypedPayload, json, schema,
};

include!("../../codegen/tests/snapshots/widgets_no_group.rs");

#[test]
fn nothing_is_typed_but_every_event_type_is_known() {
    assert!(parse_payload!(EventType::WidgetCreated, r#"{"id": "wid_1"}"#).is_none());
    assert!(EventType::ALL.iter().all(|t| !t.is_typed()));
    assert_eq!(
        EventType::from_known("gadget.updated"),
        Some(EventType::GadgetUpdated)
    );
    assert_eq!(EventType::WidgetCreated.payload_schemas(), ["widget"]);
}
