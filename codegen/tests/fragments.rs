//! The generator on small spec fragments written for these tests.

mod common;

use std::path::Path;

use common::{CRATE_SCHEMAS, SCHEMAS, legacy_spec, stripe_event_spec};
use stripe_events_codegen::discover::{PayloadSource, discover};
use stripe_events_codegen::{Error, ExtraEvents, Settings, Spec, generate};

#[test]
fn events_are_inferred_from_resource_ids_and_unknown_payloads_are_raw() {
    let spec = legacy_spec(
        &["widget.created", "gadget.part.updated", "thing.happened"],
        SCHEMAS,
    );
    let events = discover(&spec, &ExtraEvents::none()).unwrap();
    let summary: Vec<(&str, Vec<&str>, PayloadSource)> = events
        .iter()
        .map(|e| {
            (
                e.event_type.as_str(),
                e.payload.iter().map(String::as_str).collect(),
                e.source,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("gadget.part.updated", vec![], PayloadSource::Missing),
            ("thing.happened", vec![], PayloadSource::Missing),
            ("widget.created", vec!["widget"], PayloadSource::Inferred),
        ]
    );
    assert_eq!(events[2].variant, "WidgetCreated");
}

#[test]
fn generated_code_has_the_expected_shapes() {
    let spec = legacy_spec(&["widget.created", "thing.happened"], SCHEMAS);
    let code = generate(&spec, &ExtraEvents::none(), &Settings::default()).unwrap();
    let src = code.to_pretty_source().unwrap();
    let has = |needle: &str| assert!(src.contains(needle), "missing {needle:?} in:\n{src}");
    has("pub const API_VERSION: &str = \"2099-01-01\";");
    has("WidgetCreated(::std::boxed::Box<Widget>)");
    // No schema for `thing`: the variant exists, with raw JSON.
    has("ThingHappened(::std::boxed::Box<::serde_json::Value>)");
    // `object` is a constant: not stored, but written back when serializing.
    has("serde(tag = \"object\", rename = \"widget\")");
    // Keyword field, renamed.
    has("pub type_: ::std::option::Option<crate::CompactString>");
    has("serde(rename = \"type\")");
    // Timestamps, metadata, expandable, free-form JSON.
    has("pub created: crate::Timestamp");
    has(
        "pub metadata: ::std::option::Option<\n        ::std::collections::HashMap<crate::CompactString, crate::CompactString>,\n    >",
    );
    has("pub owner: ::std::option::Option<crate::Expandable<Gadget>>");
    has("pub extra: ::std::option::Option<::serde_json::Value>");
    // Recursion through a by-value field is boxed.
    has("pub parent: ::std::option::Option<::std::boxed::Box<Widget>>");
    // Polymorphic field: an enum chosen by `object`.
    has("pub attachment: ::std::option::Option<GadgetOrWidget>");
    has("(::std::option::Option::Some(\"gadget\"), _) => {\n                    Self::Gadget(");
    // Identical enums are generated once; the `self` value is escaped.
    // (named after its best use: a resource's field, then the shortest name)
    assert_eq!(src.matches("pub enum WidgetKind").count(), 1, "{src}");
    assert!(!src.contains("pub enum WidgetColor"), "{src}");
    has("pub color: ::std::option::Option<WidgetKind>");
    has("pub kind: WidgetKind,");
    has("SelfValue");
    has("Unrecognized(::std::string::String)");
    // Unreachable schemas are not generated.
    assert!(!src.contains("pub struct Unused"), "{src}");
}

#[test]
fn structs_are_parsed_in_place_from_a_table_of_their_fields_in_key_order() {
    let spec = legacy_spec(&["crate.created"], CRATE_SCHEMAS);
    let code = generate(&spec, &ExtraEvents::none(), &Settings::default()).unwrap();
    let src = code.to_pretty_source().unwrap();
    // The `FromJson` impl of each struct, by the struct's name: one macro call with its table.
    // Without whitespace: prettyplease breaks lines where it likes.
    let flat: String = src.split_whitespace().collect();
    let parser = |name: &str| {
        let start = flat
            .find(&format!("crate::json::struct_from_json!({name}{{"))
            .unwrap_or_else(|| panic!("no parser for {name} in:\n{src}"));
        let end = flat[start..].find("});").expect("end of the table");
        flat[start..start + end].to_owned()
    };
    // Every struct, wherever it lives (a boxed payload, a `Vec`'s element, a by-value field),
    // is parsed where it ends up by the runtime's table-driven loop: no parser of its own.
    for name in ["Crate", "CrateParts", "CrateDims"] {
        let body = parser(name);
        assert!(!body.contains("loop"), "{body}");
        assert!(
            !src.contains(&format!("impl crate::json::FromJson for {name} ")),
            "{src}"
        );
    }
    // The table: keys sorted, the constant `object` tag checked (a payload of another object
    // type does not fit), each field with its kind and type (`optional` with the type inside
    // the `Option`).
    assert!(
        parser("Crate").contains(
            "struct_from_json!(Crate{\"dims\"=>requireddims:CrateDims,\"id\"=>requiredid:crate::CompactString,\
             \"object\"=>tag=\"crate\",\"parts\"=>optionalparts:::std::vec::Vec<CrateParts>"
        ),
        "{}",
        parser("Crate")
    );
    assert!(
        src.contains("CrateCreated(crate::json::boxed(p)?)"),
        "{src}"
    );
}

#[test]
fn groups_keep_every_event_type_but_only_their_payload_types() {
    let spec = legacy_spec(&["widget.created", "gadget.updated"], SCHEMAS);
    let all = generate(&spec, &ExtraEvents::none(), &Settings::default()).unwrap();
    let only_gadget = Settings {
        groups: Some(["gadget".to_owned()].into()),
        ..Settings::default()
    };
    let gadget = generate(&spec, &ExtraEvents::none(), &only_gadget).unwrap();
    let src = gadget.to_pretty_source().unwrap();
    let all_src = all.to_pretty_source().unwrap();
    // Both event types stay `EventType` variants...
    assert!(
        src.contains("WidgetCreated,") && src.contains("GadgetUpdated,"),
        "{src}"
    );
    // ...but only gadget's payload is typed; `Widget` and what only it needs are left out.
    assert!(
        src.contains("GadgetUpdated(::std::boxed::Box<Gadget>)"),
        "{src}"
    );
    assert!(!src.contains("pub struct Widget "), "{src}");
    assert!(!src.contains("pub enum WidgetKind"), "{src}");
    assert!(all_src.contains("pub struct Widget "), "{all_src}");
    // Widget, WidgetKind, GadgetOrWidget, Gadget; then Gadget alone.
    assert_eq!((all.type_count, gadget.type_count), (4, 1));
    // The left-out event's marker exists, marked untyped (a handler for it then fails to
    // compile naming the feature), with raw JSON as its payload.
    assert!(src.contains("pub struct WidgetCreated;"), "{src}");
    let marker = &src[src
        .find("for WidgetCreated {\n")
        .expect("its EventKind impl")..];
    assert!(
        marker.contains("const TYPED: bool = false;")
            && marker.contains("type Payload = ::serde_json::Value;"),
        "{marker}"
    );
    let typed = &src[src
        .find("for GadgetUpdated {\n")
        .expect("its EventKind impl")..];
    assert!(!typed[..200].contains("TYPED"), "{typed}");
    assert!(src.contains("the `widget` group are behind the `events-widget` feature"));

    // Names do not depend on the groups: what gadget's build has is named as in the full one.
    let names = |s: &str| -> Vec<String> {
        s.lines()
            .filter_map(|l| l.strip_prefix("pub struct "))
            .map(|l| l.split([' ', ';', '{']).next().unwrap().to_owned())
            .collect()
    };
    for name in names(&src) {
        assert!(names(&all_src).contains(&name), "{name}");
    }
}

#[test]
fn cargo_features_select_the_groups() {
    use stripe_events_codegen::build_script::enabled_groups;
    let spec = legacy_spec(&["widget.created", "payment_thing.updated"], SCHEMAS);
    let events = discover(&spec, &ExtraEvents::none()).unwrap();
    let env_with = |vars: &'static [&'static str]| {
        move |name: &str| vars.contains(&name).then(|| "1".to_owned())
    };
    let all = env_with(&["CARGO_FEATURE_ALL_EVENTS", "CARGO_FEATURE_EVENTS_WIDGET"]);
    assert_eq!(enabled_groups(&events, &all), None);
    let some = env_with(&["CARGO_FEATURE_EVENTS_PAYMENT_THING"]);
    assert_eq!(
        enabled_groups(&events, &some),
        Some(["payment_thing".to_owned()].into())
    );
    assert_eq!(
        enabled_groups(&events, &env_with(&[])),
        Some(Default::default())
    );
    assert_eq!(
        stripe_events_codegen::discover::feature_name("payment_thing"),
        "events-payment-thing"
    );
}

#[test]
fn a_property_name_that_cannot_be_matched_in_place_stops_the_build_with_the_reason() {
    let schemas = r#"
        "widget": {"type": "object", "x-resourceId": "widget",
            "properties": {"id": {"type": "string"}, "odd\"key": {"type": "string"}}}"#;
    let spec = legacy_spec(&["widget.created"], schemas);
    let src = generate(&spec, &ExtraEvents::none(), &Settings::default())
        .unwrap()
        .to_source();
    assert!(
        src.contains("compile_error !") && src.contains("contains a quote or a backslash"),
        "{src}"
    );
}

#[test]
fn generation_is_deterministic() {
    let spec = legacy_spec(&["widget.created", "gadget.updated"], SCHEMAS);
    let a = generate(&spec, &ExtraEvents::none(), &Settings::default())
        .unwrap()
        .to_source();
    let b = generate(&spec, &ExtraEvents::none(), &Settings::default())
        .unwrap()
        .to_source();
    assert_eq!(a, b);
    assert!(a.starts_with("// @generated by stripe-events-codegen"));
}

#[test]
fn x_stripe_event_schemas_define_events() {
    let spec = stripe_event_spec();
    let events = discover(&spec, &ExtraEvents::none()).unwrap();
    let summary: Vec<(&str, Vec<&str>)> = events
        .iter()
        .map(|e| {
            (
                e.event_type.as_str(),
                e.payload.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("either.changed", vec!["gadget", "widget"]),
            ("gadget.created", vec!["gadget"])
        ]
    );
    assert!(
        events
            .iter()
            .all(|e| e.source == PayloadSource::StripeEvent)
    );
    let src = generate(&spec, &ExtraEvents::none(), &Settings::default())
        .unwrap()
        .to_pretty_source()
        .unwrap();
    assert!(
        src.contains("EitherChanged(::std::boxed::Box<GadgetOrWidget>)"),
        "{src}"
    );
}

#[test]
fn extra_events_add_types_and_unknown_schemas_are_named() {
    let spec = legacy_spec(&["widget.created"], SCHEMAS);
    let extra = ExtraEvents::parse(
        Path::new("extra.toml"),
        "[events]\n\"gadget.spun\" = \"gadget\"\n",
    )
    .unwrap();
    let events = discover(&spec, &extra).unwrap();
    let spun = events
        .iter()
        .find(|e| e.event_type == "gadget.spun")
        .unwrap();
    assert_eq!(
        (spun.payload.as_slice(), spun.source),
        (&["gadget".to_owned()][..], PayloadSource::Extra)
    );

    let bad = ExtraEvents::parse(
        Path::new("extra.toml"),
        "[events]\n\"gizmo.made\" = \"gizmo\"\n",
    )
    .unwrap();
    let err = discover(&spec, &bad).unwrap_err();
    assert!(matches!(err, Error::ExtraEvents { .. }));
    let msg = err.to_string();
    assert!(msg.contains("\"gizmo.made\" = \"gizmo\""), "{msg}");
    assert!(msg.contains("extra.toml"), "{msg}");
}

#[test]
fn a_spec_without_events_is_an_error_naming_the_pointer() {
    let json = r#"{"openapi": "3.0.0", "info": {"version": "x"}, "paths": {}, "components": {"schemas": {}}}"#;
    let spec = Spec::from_bytes(Path::new("empty.json"), json.as_bytes()).unwrap();
    let err = discover(&spec, &ExtraEvents::none())
        .unwrap_err()
        .to_string();
    assert!(err.contains("empty.json"), "{err}");
    assert!(err.contains("enabled_events"), "{err}");
}

#[test]
fn without_compatible_versions_the_code_is_the_strict_code() {
    let (pinned, _) = common::parcel_specs();
    let strict = generate(&pinned, &ExtraEvents::none(), &Settings::default())
        .unwrap()
        .to_source();
    let (code, report) = stripe_events_codegen::generate_compatible(
        pinned,
        &ExtraEvents::none(),
        &[],
        &Settings::default(),
    )
    .unwrap();
    assert_eq!(code.to_source(), strict);
    assert_eq!(report.versions, Vec::<String>::new());
    assert!(report.optional_fields.is_empty() && report.conflicts.is_empty());
}

#[test]
fn a_renamed_component_is_merged_and_an_id_fits_an_expandable_field() {
    let pinned = common::legacy_spec(
        &["box.created"],
        r##""box": {"type": "object", "x-resourceId": "box", "required": ["id", "lid", "owner"],
            "properties": {"id": {"type": "string"}, "object": {"type": "string", "enum": ["box"]},
                "lid": {"$ref": "#/components/schemas/box_lid_v2"},
                "owner": {"anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/gadget"}], "x-expansionResources": {"oneOf": [{"$ref": "#/components/schemas/gadget"}]}}}},
           "box_lid_v2": {"type": "object", "required": ["color", "hinged"],
            "properties": {"color": {"type": "string"}, "hinged": {"type": "boolean"}}},
           "gadget": {"type": "object", "properties": {"id": {"type": "string"}, "object": {"type": "string", "enum": ["gadget"]}}}"##,
    );
    let older = common::older_version(
        common::legacy_spec(
            &["box.created"],
            r##""box": {"type": "object", "x-resourceId": "box", "required": ["id", "lid", "owner"],
                "properties": {"id": {"type": "string"}, "object": {"type": "string", "enum": ["box"]},
                    "lid": {"$ref": "#/components/schemas/box_lid"}, "owner": {"type": "string"}}},
               "box_lid": {"type": "object", "required": ["color"], "properties": {"color": {"type": "string"}}}"##,
        ),
        "2098-01-01",
    );
    let (code, report) = stripe_events_codegen::generate_compatible(
        pinned,
        &ExtraEvents::none(),
        &[older],
        &Settings::default(),
    )
    .unwrap();
    assert_eq!(report.conflicts, []);
    assert_eq!(
        report.optional_fields,
        [(
            "box_lid_v2.hinged".to_owned(),
            vec!["2098-01-01".to_owned()]
        )]
    );
    let src = code.to_pretty_source().unwrap();
    assert!(
        src.contains("Compatible API versions: missing in 2098-01-01.*/\n    pub hinged: ::std::option::Option<bool>,")
            || src.contains("/// Compatible API versions: missing in 2098-01-01.\n    pub hinged: ::std::option::Option<bool>,"),
        "{src}"
    );
    assert!(
        src.contains("pub owner: crate::Expandable<Gadget>,"),
        "{src}"
    );
    assert!(src.contains("pub color: crate::CompactString,"), "{src}");
}
