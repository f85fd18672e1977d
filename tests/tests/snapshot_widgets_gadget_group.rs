//! The generator's snapshot `codegen/tests/snapshots/widgets_gadget_group.rs` (only the `gadget` event group) compiled as this test
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

include!("../../codegen/tests/snapshots/widgets_gadget_group.rs");

#[test]
fn only_the_gadget_group_is_typed() {
    let gadget = parse_payload!(
        EventType::GadgetUpdated,
        r#"{"id": "gad_1", "object": "gadget"}"#
    );
    assert!(
        matches!(gadget, Some(EventObject::GadgetUpdated(ref g)) if g.id.as_deref() == Some("gad_1"))
    );
    let widget = parse_payload!(EventType::WidgetCreated, r#"{"id": "wid_1"}"#);
    assert!(widget.is_none(), "{widget:?}");
    assert!(EventType::GadgetUpdated.is_typed());
    assert!(!EventType::WidgetCreated.is_typed() && !EventType::ThingHappened.is_typed());
    assert_eq!(EventType::ALL.len(), 3);
    // The marker of a left-out event type exists, without `EventKind`.
    let _ = __events::WidgetCreated;
}
