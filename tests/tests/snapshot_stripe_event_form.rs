//! The generator's snapshot `codegen/tests/snapshots/stripe_event_form.rs` (a spec with `x-stripeEvent` schemas) compiled as this test
//! crate's root, beside the runtime `stripe-events` gives generated code
//! (`snapshot_runtime`), and used: the snapshot builds and parses what it should.
#![allow(dead_code, clippy::all)]

#[path = "snapshot_runtime/mod.rs"]
mod snapshot_runtime;
pub use snapshot_runtime::dispatch;
pub use snapshot_runtime::thin_markers::{NoRelatedObject, RelatedKind, Resource, ThinEventKind};
pub use stripe_events::{
    CompactString, Expandable, Field, List, StripeObject, Timestamp, UnknownPayload, UntypedJson,
    UntypedPayload, json, schema,
};

include!("../../codegen/tests/snapshots/stripe_event_form.rs");

#[test]
fn a_polymorphic_event_payload_is_chosen_by_object() {
    let json = r#"{"id": "wid_1", "object": "widget"}"#;
    let Some(EventObject::EitherChanged(e)) = parse_payload!(EventType::EitherChanged, json) else {
        panic!("not either.changed")
    };
    assert!(matches!(*e, GadgetOrWidget::Widget(ref w) if w.id.as_deref() == Some("wid_1")));
    assert_eq!(
        EventType::EitherChanged.payload_schemas(),
        ["gadget", "widget"]
    );
    assert_eq!(EventType::ALL.len(), 2, "the thin event has no variant");
    // It is a thin event type instead (the fragment is a spec with both kinds).
    assert_eq!(thin::ThinEventType::ALL, [thin::ThinEventType::ThinEvent]);
    assert_eq!(thin::API_VERSION, Some("2099-02-02"));
}
