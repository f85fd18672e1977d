//! The generator's snapshot `codegen/tests/snapshots/shelves.rs` (lists, numbers, `allOf`, deleted and merged alternatives) compiled as this test
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

include!("../../codegen/tests/snapshots/shelves.rs");

#[test]
fn a_shelf_parses_with_its_list_and_alternatives() {
    let json = r#"{"id": "shf_1", "object": "shelf", "weight": 12.5, "sturdy": true,
        "labels": ["oak"], "finish": {"gloss": false}, "state": "Open",
        "books": {"object": "list", "data": [{"title": "T", "pages": 9}], "has_more": false, "url": "/v1/books"},
        "reader": {"id": "rdr_1", "object": "reader", "deleted": true},
        "source": {"donor": "D", "price": 5}}"#;
    let Some(EventObject::ShelfUpdated(s)) = parse_payload!(EventType::ShelfUpdated, json) else {
        panic!("not a shelf")
    };
    assert_eq!((s.weight, s.sturdy), (12.5, Some(true)));
    assert_eq!(s.books.data[0].pages, Some(9));
    assert_eq!(s.labels.as_deref(), Some(&[CompactString::from("oak")][..]));
    assert_eq!(s.finish.as_ref().and_then(|f| f.gloss), Some(false));
    assert_eq!(s.state, Some(ShelfState::Open2));
    assert!(matches!(
        s.reader,
        Some(DeletedReaderOrReader::DeletedReader(_))
    ));
    let source = s.source.as_ref().unwrap();
    assert_eq!(
        (source.donor.as_deref(), source.price),
        (Some("D"), Some(5))
    );
}
