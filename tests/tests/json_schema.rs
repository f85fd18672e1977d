//! With the `schemars` feature, the JSON Schema of generated payload types has the same
//! property names and required fields as the spec's schema.

mod common;

use std::collections::BTreeSet;

use schemars::{JsonSchema, schema_for};
use stripe_events::{Charge, Customer, Invoice, Price, Product, Subscription};

fn check<T: JsonSchema>(spec: &stripe_events_codegen::Spec, name: &str) {
    let ours = serde_json::to_value(schema_for!(T)).unwrap();
    let theirs = spec.schema(name).unwrap();
    let our_props: BTreeSet<String> = ours["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let their_props: BTreeSet<String> = theirs
        .properties
        .as_ref()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(our_props, their_props, "{name}: properties");
    let our_required: BTreeSet<String> = ours["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    let their_required: BTreeSet<String> = theirs.required.iter().cloned().collect();
    assert_eq!(our_required, their_required, "{name}: required");
}

#[test]
fn payload_schemas_match_the_spec() {
    let spec =
        stripe_events_codegen::Spec::load(&common::shared_dir().join("spec-2024-04-10.json"))
            .unwrap();
    check::<Product>(&spec, "product");
    check::<Price>(&spec, "price");
    check::<Charge>(&spec, "charge");
    check::<Customer>(&spec, "customer");
    check::<Subscription>(&spec, "subscription");
    check::<Invoice>(&spec, "invoice");
}
