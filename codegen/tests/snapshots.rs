//! Snapshots of what the generator emits, checked in under `codegen/tests/snapshots/` so that
//! any change to the generated code is a diff to review:
//!
//! * `<fragment>.rs`: the whole code generated for spec fragments written for these tests
//!   (`common/mod.rs`; `thin_form.rs`: a spec with snapshot and thin events), as `build.rs` generates it (runtime path `crate`), formatted with
//!   prettyplease as `stripe-events-codegen generate` writes it. The workspace crate `tests/`
//!   compiles each one as the root of a test crate that re-exports `stripe_events`' runtime
//!   (`tests/tests/snapshot_*.rs`) and parses payloads with it, so a snapshot is known to build.
//! * `events-<version>.tsv`: the event table (type, payload schema(s), Rust variant: what
//!   `stripe-events-codegen events --spec FILE` prints) of each spec in
//!   `../shared/stripe-openapi/` up to 2024-04-10, so that a change of the event -> payload
//!   mapping is a visible diff; and `events-v2-<version>.tsv`, the thin event table (type,
//!   related object's resource, Rust variant, `thin`) of each v2 spec there. These tests fail
//!   when `../shared` is missing.
//! * `retrieve-<version>.tsv`: the retrieve table (object type, schema, path) of each v1 spec
//!   there, and `retrieve-form.tsv` of a fragment with every shape of path: what
//!   `RETRIEVE_PATHS` in the generated code holds.
//!
//! A mismatch fails with a diff. To accept the new output after a deliberate change, refresh
//! the files and review the diff with git:
//!
//! ```sh
//! UPDATE_EXPECT=1 cargo test -p stripe-events-codegen --test snapshots
//! ```
//!
//! Nothing is written without `UPDATE_EXPECT` (on CI, `CI=true`, setting it is refused).

mod common;

use std::path::{Path, PathBuf};

use common::{
    CRATE_SCHEMAS, SCHEMAS, SHELF_SCHEMAS, legacy_spec, parcel_specs, stripe_event_spec, thin_spec,
};
use expect_test::expect_file;
use stripe_events_codegen::discover::{
    discover, discover_retrieve, discover_thin, retrieve_table, table, thin_table,
};
use stripe_events_codegen::{ExtraEvents, Settings, Spec, generate, generate_compatible};

/// Compares `actual` with `codegen/tests/snapshots/<file>` (or rewrites it under
/// `UPDATE_EXPECT=1`).
fn check(file: &str, actual: &str) {
    let updating = std::env::var_os("UPDATE_EXPECT").is_some();
    let on_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
    assert!(
        !(updating && on_ci),
        "UPDATE_EXPECT is set on CI: snapshots are refreshed by a developer and reviewed, not rewritten by CI"
    );
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(file);
    expect_file![path].assert_eq(actual);
}

/// The code `build.rs` generates for `spec` with the event groups `groups` (`None`: all),
/// formatted.
fn generated(spec: &Spec, groups: Option<&[&str]>) -> String {
    let settings = Settings {
        groups: groups.map(|g| g.iter().map(|&s| s.to_owned()).collect()),
        ..Settings::default()
    };
    generate(spec, &ExtraEvents::none(), &settings)
        .expect("the fragment generates")
        .to_pretty_source()
        .expect("the generated code parses")
}

#[test]
fn widgets() {
    let spec = legacy_spec(
        &["widget.created", "gadget.updated", "thing.happened"],
        SCHEMAS,
    );
    check("widgets.rs", &generated(&spec, None));
}

#[test]
fn widgets_with_the_gadget_group_only() {
    let spec = legacy_spec(
        &["widget.created", "gadget.updated", "thing.happened"],
        SCHEMAS,
    );
    check(
        "widgets_gadget_group.rs",
        &generated(&spec, Some(&["gadget"])),
    );
}

#[test]
fn widgets_with_no_group() {
    let spec = legacy_spec(&["widget.created", "gadget.updated"], SCHEMAS);
    check("widgets_no_group.rs", &generated(&spec, Some(&[])));
}

#[test]
fn crates() {
    let spec = legacy_spec(&["crate.created"], CRATE_SCHEMAS);
    check("crates.rs", &generated(&spec, None));
}

#[test]
fn shelves() {
    let spec = legacy_spec(&["shelf.updated", "reader.deleted"], SHELF_SCHEMAS);
    check("shelves.rs", &generated(&spec, None));
}

#[test]
fn stripe_event_schemas() {
    check(
        "stripe_event_form.rs",
        &generated(&stripe_event_spec(), None),
    );
}

#[test]
fn thin_events() {
    check("thin_form.rs", &generated(&thin_spec(), None));
}

#[test]
fn parcels_strict() {
    let (pinned, _) = parcel_specs();
    check("parcels.rs", &generated(&pinned, None));
}

/// The pinned parcel spec with the older one as a compatible version: one set of types that
/// accepts both versions' payloads (`tests/tests/snapshot_parcels_compatible.rs` parses them).
#[test]
fn parcels_with_a_compatible_version() {
    let (pinned, older) = parcel_specs();
    let (code, report) =
        generate_compatible(pinned, &ExtraEvents::none(), &[older], &Settings::default()).unwrap();
    check(
        "parcels_compatible.rs",
        &code.to_pretty_source().expect("the generated code parses"),
    );
    check("parcels_compatible.txt", &report.summary());
}

/// `../shared/stripe-openapi/spec-<version>.json`; panics naming the path when it is missing.
fn shared_spec(version: &str) -> Spec {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/stripe-openapi")
        .join(format!("spec-{version}.json"));
    assert!(
        path.is_file(),
        "{} is missing: these tests need Stripe's specs in ../shared beside the repository",
        path.display()
    );
    Spec::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn event_table(version: &str) {
    let events = discover(&shared_spec(version), &ExtraEvents::none())
        .unwrap_or_else(|e| panic!("{version}: {e}"));
    check(&format!("events-{version}.tsv"), &table(&events));
}

#[test]
fn event_table_2018_11_08() {
    event_table("2018-11-08");
}

#[test]
fn event_table_2020_08_27() {
    event_table("2020-08-27");
}

#[test]
fn event_table_2023_08_16() {
    event_table("2023-08-16");
}

#[test]
fn event_table_2024_04_10() {
    event_table("2024-04-10");
}

/// The thin event table of a v2 spec (`version` is `v2-<API version>`): what `events` prints
/// for it.
fn thin_event_table(version: &str) {
    let spec = shared_spec(version);
    assert_eq!(
        discover(&spec, &ExtraEvents::none()).unwrap(),
        [],
        "{version}: thin events only"
    );
    check(
        &format!("events-{version}.tsv"),
        &thin_table(&discover_thin(&spec)),
    );
}

#[test]
fn event_table_v2_2025_12_15_clover() {
    thin_event_table("v2-2025-12-15.clover");
}

#[test]
fn event_table_v2_2025_12_15_preview() {
    thin_event_table("v2-2025-12-15.preview");
}

/// A spec fragment with every shape of `GET` path the retrieve table looks at: a plain
/// retrieve, one answering the object or its deleted form, a nested one (left out), one under
/// a parent (left out), a list (left out), two paths of one type (the shorter wins), and one
/// whose answer is another object's schema.
const RETRIEVE_FORM: &str = r##"{"openapi": "3.0.0", "info": {"version": "2099-04-04"},
  "paths": {
    "/v1/widgets/{widget}": {"get": {"parameters": [{"in": "path", "name": "widget"}],
        "responses": {"200": {"content": {"application/json": {"schema":
            {"$ref": "#/components/schemas/widget"}}}}}}},
    "/v1/gadgets/{gadget}": {"get": {"parameters": [{"in": "path", "name": "gadget"}],
        "responses": {"200": {"content": {"application/json": {"schema": {"anyOf": [
            {"$ref": "#/components/schemas/gadget"},
            {"$ref": "#/components/schemas/deleted_gadget"}]}}}}}}},
    "/v1/gadgets/{gadget}/parts/{id}": {"get": {"parameters": [
            {"in": "path", "name": "gadget"}, {"in": "path", "name": "id"}],
        "responses": {"200": {"content": {"application/json": {"schema":
            {"$ref": "#/components/schemas/part"}}}}}}},
    "/v1/gadgets/{gadget}/parts": {"get": {"parameters": [{"in": "path", "name": "gadget"}],
        "responses": {"200": {"content": {"application/json": {"schema":
            {"$ref": "#/components/schemas/part_list"}}}}}}},
    "/v1/ledger/history/{id}": {"get": {"parameters": [{"in": "path", "name": "id"}],
        "responses": {"200": {"content": {"application/json": {"schema":
            {"$ref": "#/components/schemas/ledger_entry"}}}}}}},
    "/v1/ledger_entries/{id}": {"get": {"parameters": [{"in": "path", "name": "id"}],
        "responses": {"200": {"content": {"application/json": {"schema":
            {"$ref": "#/components/schemas/ledger_entry"}}}}}}},
    "/v1/checkout/sessions/{session}": {"get": {"parameters": [{"in": "path", "name": "session"}],
        "responses": {"200": {"content": {"application/json": {"schema":
            {"$ref": "#/components/schemas/checkout.session"}}}}}}}
  },
  "components": {"schemas": {
    "widget": {"type": "object", "properties": {"id": {"type": "string"},
        "object": {"type": "string", "enum": ["widget"]}}},
    "gadget": {"type": "object", "properties": {"id": {"type": "string"},
        "object": {"type": "string", "enum": ["gadget"]}}},
    "deleted_gadget": {"type": "object", "properties": {"id": {"type": "string"},
        "object": {"type": "string", "enum": ["gadget"]}, "deleted": {"type": "boolean"}}},
    "part": {"type": "object", "properties": {"id": {"type": "string"},
        "object": {"type": "string", "enum": ["part"]}}},
    "part_list": {"type": "object", "properties": {
        "object": {"type": "string", "enum": ["list"]}}},
    "ledger_entry": {"type": "object", "properties": {"id": {"type": "string"},
        "object": {"type": "string", "enum": ["ledger_entry"]}}},
    "checkout.session": {"type": "object", "properties": {"id": {"type": "string"},
        "object": {"type": "string", "enum": ["checkout.session"]}}}
  }}}"##;

#[test]
fn retrieve_paths_of_a_fragment() {
    let spec = Spec::from_bytes(Path::new("retrieve-form.json"), RETRIEVE_FORM.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let paths = discover_retrieve(&spec);
    check("retrieve-form.tsv", &retrieve_table(&paths));
}

/// The retrieve table of a spec in `../shared` (`retrieve-<version>.tsv`).
fn retrieve_paths_of(version: &str) {
    let paths = discover_retrieve(&shared_spec(version));
    check(&format!("retrieve-{version}.tsv"), &retrieve_table(&paths));
}

#[test]
fn retrieve_paths_2018_11_08() {
    retrieve_paths_of("2018-11-08");
}

#[test]
fn retrieve_paths_2020_08_27() {
    retrieve_paths_of("2020-08-27");
}

#[test]
fn retrieve_paths_2023_08_16() {
    retrieve_paths_of("2023-08-16");
}

#[test]
fn retrieve_paths_2024_04_10() {
    retrieve_paths_of("2024-04-10");
}
