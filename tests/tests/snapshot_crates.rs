//! The generator's snapshot `codegen/tests/snapshots/crates.rs` (nested and repeated structs) compiled as this test
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

include!("../../codegen/tests/snapshots/crates.rs");

#[test]
fn nested_structs_parse_in_place() {
    let json =
        r#"{"id": "crt_1", "object": "crate", "dims": {"depth": 4}, "parts": [{"sku": "a"}, {}]}"#;
    let Some(EventObject::CrateCreated(c)) = parse_payload!(EventType::CrateCreated, json) else {
        panic!("not a crate")
    };
    assert_eq!((c.id.as_str(), c.dims.depth), ("crt_1", Some(4)));
    let parts = c.parts.as_deref().unwrap();
    assert_eq!(
        parts.iter().map(|p| p.sku.as_deref()).collect::<Vec<_>>(),
        [Some("a"), None]
    );
}
