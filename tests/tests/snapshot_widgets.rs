//! The generator's snapshot `codegen/tests/snapshots/widgets.rs` (every event group) compiled as this test
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

include!("../../codegen/tests/snapshots/widgets.rs");

#[test]
fn a_widget_payload_parses_into_its_typed_variant() {
    let json = r#"{"id": "wid_1", "object": "widget", "size": 3, "created": 1700000000,
        "kind": "self", "color": "purple", "type": "round", "metadata": {"k": "v"},
        "parent": {"id": "wid_0", "object": "widget", "size": 1, "created": 1, "kind": "small", "parent": null},
        "owner": "gad_1", "attachment": {"object": "gadget", "id": "gad_2"}, "extra": {"any": [1]}}"#;
    let object = parse_payload!(EventType::WidgetCreated, json).expect("typed");
    assert_eq!(object.object_id(), Some("wid_1"));
    assert_eq!(object.event_type(), Some(EventType::WidgetCreated));
    let EventObject::WidgetCreated(w) = object else {
        panic!("{object:?}")
    };
    assert_eq!((w.size, w.kind.as_str()), (3, "self"));
    assert_eq!(w.kind, WidgetKind::SelfValue);
    assert_eq!(w.color, Some(WidgetKind::Unrecognized("purple".to_owned())));
    assert_eq!(w.type_.as_deref(), Some("round"));
    assert_eq!(w.parent.as_ref().map(|p| p.id.as_str()), Some("wid_0"));
    assert!(matches!(w.owner, Some(Expandable::Id(ref id)) if id == "gad_1"));
    assert!(
        matches!(w.attachment, Some(GadgetOrWidget::Gadget(ref g)) if g.id.as_deref() == Some("gad_2"))
    );
    assert_eq!(w.metadata.as_ref().unwrap()["k"], "v");
    // Objects with a constant `object` are `StripeObject`s (the mirror's typed reads).
    assert_eq!(<Widget as StripeObject>::OBJECT, "widget");
    assert_eq!(<Gadget as StripeObject>::OBJECT, "gadget");
}

#[test]
fn each_field_has_a_constant_for_typed_previous_attributes() {
    use stripe_events::{Previous, PreviousAttributes};
    // Named after the field (a keyword field `type_` too), typed without the field's `Option`
    // (and the `Box` of a recursive field).
    let _: Field<Widget, i64> = Widget::SIZE;
    let _: Field<Widget, CompactString> = Widget::TYPE_;
    let _: Field<Widget, Widget> = Widget::PARENT;
    assert_eq!((Widget::SIZE.key(), Widget::TYPE_.key()), ("size", "type"));
    let raw = serde_json::json!({"size": 2, "type": null, "parent": {"id": "wid_0"}});
    let previous = PreviousAttributes::<Widget>::new(raw.as_object().unwrap());
    assert_eq!(previous.get(Widget::SIZE), Previous::Was(2));
    assert_eq!(previous.get(Widget::TYPE_), Previous::Null);
    assert_eq!(previous.get(Widget::KIND), Previous::Unchanged);
    // A part of a widget is not a widget (`size`, `created`... are required); its members are.
    assert!(matches!(
        previous.get(Widget::PARENT),
        Previous::Untyped { .. }
    ));
    let parent = previous.nested(Widget::PARENT).unwrap();
    assert_eq!(parent.get(Widget::ID), Previous::Was("wid_0".into()));
}

#[test]
fn a_missing_required_field_is_an_error_and_a_schemaless_payload_stays_raw() {
    let missing_size =
        r#"{"id": "wid_1", "object": "widget", "created": 1, "kind": "small", "parent": null}"#;
    let err = EventObject::parse_typed(
        &EventType::WidgetCreated,
        &mut stripe_events::json::Parser::new(missing_size.as_bytes()),
    )
    .unwrap_err();
    assert!(err.to_string().contains("size"), "{err}");
    let raw = parse_payload!(EventType::ThingHappened, r#"{"a": 1}"#).expect("typed as JSON");
    assert!(matches!(raw, EventObject::ThingHappened(ref v) if v["a"] == 1));
    assert_eq!(raw.object_id(), None);
}

#[test]
fn event_types_know_their_strings_groups_and_markers() {
    assert_eq!(EventType::ALL.len(), 3);
    assert_eq!("gadget.updated".parse(), Ok(EventType::GadgetUpdated));
    assert_eq!(EventType::from_known("nope"), None);
    assert_eq!(EventType::WidgetCreated.group(), "widget");
    assert_eq!(EventType::GROUPS, ["gadget", "thing", "widget"]);
    assert!(EventType::ALL.iter().all(EventType::is_typed));
    assert_eq!(EventType::ThingHappened.payload_schemas(), &[] as &[&str]);
    assert_eq!(API_VERSION, "2099-01-01");
    assert_eq!(
        <__events::WidgetCreated as dispatch::EventKind>::TYPE,
        "widget.created"
    );
}
