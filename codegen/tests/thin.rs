//! Thin events: discovery from `x-stripeEvent` schemas of kind `thin` (beside snapshot events
//! in one spec, or alone in a v2 spec), and what is generated for them, on spec fragments
//! written for these tests (`common/mod.rs`).

mod common;

use std::path::Path;

use common::{stripe_event_spec, thin_only_spec, thin_spec};
use stripe_events_codegen::discover::{
    RelatedObject, discover, discover_thin, is_v2_resource, thin_table,
};
use stripe_events_codegen::{ExtraEvents, Settings, Spec, generate, generate_events};

/// `code` without whitespace: what is compared, so that spacing does not matter.
fn squashed(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The generated code, unformatted (as `build.rs` writes it).
fn source(spec: &Spec, thin_spec: Option<&Spec>) -> String {
    let events = discover(spec, &ExtraEvents::none()).unwrap();
    generate_events(spec, events, thin_spec, &Settings::default())
        .unwrap()
        .to_source()
}

#[test]
fn one_spec_with_both_kinds_gives_snapshot_events_and_thin_events_apart() {
    let spec = thin_spec();
    let snapshot = discover(&spec, &ExtraEvents::none()).unwrap();
    let types: Vec<&str> = snapshot.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(
        types,
        ["gadget.created"],
        "thin events are not snapshot events"
    );

    let thin = discover_thin(&spec);
    let rows: Vec<(&str, &str, Option<&str>)> = thin
        .iter()
        .map(|e| {
            (
                e.event_type.as_str(),
                e.variant.as_str(),
                e.related_object.resource(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("v1.gadget.spun", "V1GadgetSpun", Some("gadget")),
            ("v2.shop.anything.happened", "V2ShopAnythingHappened", None),
            ("v2.shop.report.ready", "V2ShopReportReady", None),
            (
                "v2.shop.widget.created",
                "V2ShopWidgetCreated",
                Some("v2.shop.widget")
            ),
            (
                "v2.shop.widget[colour].updated",
                "V2ShopWidgetIncludingColourUpdated",
                Some("v2.shop.widget")
            ),
        ]
    );
    assert_eq!(thin[1].related_object, RelatedObject::Unnamed);
    assert_eq!(thin[2].related_object, RelatedObject::None);
    assert_eq!(thin[4].schema, "v2.shop.widget_colour_.updated");
    assert!(is_v2_resource("v2.shop.widget") && !is_v2_resource("gadget"));

    let generated = generate(&spec, &ExtraEvents::none(), &Settings::default()).unwrap();
    assert_eq!(generated.events.len(), 1);
    assert_eq!(generated.thin_events, thin);
}

#[test]
fn a_spec_with_thin_events_only_has_no_snapshot_events_and_is_no_error() {
    let spec = thin_only_spec();
    assert_eq!(discover(&spec, &ExtraEvents::none()).unwrap(), []);
    assert_eq!(discover_thin(&spec).len(), 5);
    // A spec with no event of either kind is still an error.
    let json = r#"{"openapi": "3.0.0", "info": {"version": "x"}, "paths": {}, "components": {"schemas": {}}}"#;
    let empty = Spec::from_bytes(Path::new("empty.json"), json.as_bytes()).unwrap();
    assert!(discover(&empty, &ExtraEvents::none()).is_err());
}

#[test]
fn the_event_table_has_a_fourth_column_and_dashes_for_no_related_object() {
    assert_eq!(
        thin_table(&discover_thin(&thin_spec())),
        "v1.gadget.spun\tgadget\tV1GadgetSpun\tthin\n\
         v2.shop.anything.happened\t*\tV2ShopAnythingHappened\tthin\n\
         v2.shop.report.ready\t-\tV2ShopReportReady\tthin\n\
         v2.shop.widget.created\tv2.shop.widget\tV2ShopWidgetCreated\tthin\n\
         v2.shop.widget[colour].updated\tv2.shop.widget\tV2ShopWidgetIncludingColourUpdated\tthin\n"
    );
}

#[test]
fn thin_types_get_their_module_related_resources_and_typed_data() {
    let src = squashed(&source(&thin_spec(), None));
    let thin = &src[src.find("pubmodthin{").expect("a thin module")..];
    for expected in [
        "pub const API_VERSION: ::std::option::Option<&str> = ::std::option::Option::Some(\"2099-03-03.thin\");",
        "pub enum ThinEventType {",
        "V2ShopWidgetIncludingColourUpdated,",
        "\"v2.shop.widget[colour].updated\"",
        "pub enum RelatedObjectType {",
        "Self::V1GadgetSpun => ::std::option::Option::Some(RelatedObjectType::Gadget),",
        "Self::V2ShopReportReady => ::std::option::Option::None,",
        "Self::V2ShopAnythingHappened => true,",
        "Self::V2ShopWidget => true,",
        "Self::Gadget => false,",
        // `data`: a struct per event, with an RFC 3339 field, a `$ref`, an enum, nested structs.
        "pub struct V2ShopWidgetCreatedData {",
        "pub made_at: crate::DateTime,",
        "pub dimensions: ShopDimensions,",
        "pub line: V2ShopWidgetCreatedDataLine,",
        "pub parts: ::std::option::Option<::std::vec::Vec<V2ShopWidgetCreatedDataParts>>,",
        "pub inspector: ::std::option::Option<V2ShopWidgetCreatedDataInspector>,",
        "pub struct V2ShopReportReadyData {",
        "pub ready_at: crate::DateTime,",
        // Empty `data`: an empty struct, so every fetched `data` is typed.
        "pub struct V2ShopWidgetIncludingColourUpdatedData {}",
        "pub struct V1GadgetSpunData {",
    ] {
        assert!(
            thin.contains(&squashed(expected)),
            "missing {expected:?} in\n{thin}"
        );
    }
    assert!(
        !thin.contains("V2ShopAnythingHappenedData"),
        "no `data` in the schema, no struct"
    );
    assert!(!thin.contains("changes"), "`changes` is not typed");
    // The snapshot side knows nothing of thin events.
    let snapshot = &src[..src.find("pubmodthin{").unwrap()];
    assert!(!snapshot.contains("V2Shop"), "{snapshot}");
}

#[test]
fn a_v2_spec_given_apart_replaces_the_thin_events_of_the_main_spec() {
    let src = squashed(&source(&stripe_event_spec(), Some(&thin_only_spec())));
    assert!(
        src.contains("Some(\"2099-03-03.thin\")"),
        "the v2 spec's version"
    );
    assert!(src.contains("ThinEventType::V2ShopWidgetCreated,"));
    assert!(
        !src.contains("ThinEventType::ThinEvent"),
        "the main spec's own thin event is not used when a v2 spec is given"
    );
    let own = squashed(&source(&stripe_event_spec(), None));
    assert!(
        own.contains("ThinEventType::ThinEvent]"),
        "without one, the main spec's thin events"
    );
}

#[test]
fn without_thin_events_the_module_has_only_the_unknown_variants() {
    let spec = common::legacy_spec(&["widget.created"], common::SCHEMAS);
    let src = squashed(&source(&spec, None));
    let thin = &src[src.find("pubmodthin{").unwrap()..];
    for expected in [
        "pub const API_VERSION: ::std::option::Option<&str> = ::std::option::Option::None;",
        "pub const ALL: &'static [ThinEventType] = &[];",
        "pub const ALL: &'static [RelatedObjectType] = &[];",
        "let _ = s; ::std::option::Option::None",
    ] {
        assert!(thin.contains(&squashed(expected)), "{expected:?} in {thin}");
    }
}

#[test]
fn generating_twice_gives_the_same_bytes() {
    let spec = thin_spec();
    let a = generate(&spec, &ExtraEvents::none(), &Settings::default())
        .unwrap()
        .to_source();
    let b = generate(&spec, &ExtraEvents::none(), &Settings::default())
        .unwrap()
        .to_source();
    assert_eq!(a, b);
}
