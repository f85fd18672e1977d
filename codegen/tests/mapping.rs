//! The generator's event -> payload mapping against Stripe's own, for every spec in
//! `../shared/stripe-openapi/`, without the network.
//!
//! Stripe publishes the mapping in stripe-node's `types/EventTypes.d.ts`. The tables under
//! `tests/data/stripe-mapping/` hold it (event type, payload resources, the stripe-node
//! release), written once by `scripts/cross-check-mapping.py` from the release that pins each
//! API version (stripe@15.0.0 for 2024-04-10, stripe@13.11.0 for 2023-08-16; the releases of
//! 2020-08-27 and 2018-11-08 have no such file, so stripe@13.11.0 stands in; event types the
//! pinned release lacks come from stripe@17.7.0). Run the script again to refresh them.
//!
//! Every disagreement left is one of three kinds, each with the reason ours is right:
//! - the spec has no schema for Stripe's payload: the payload stays raw (the schema is newer
//!   than the spec: `capability` and `subscription_schedule` in 2018-11-08, `cash_balance` in
//!   2020-08-27);
//! - stripe-node names no payload (`data: {}`: those resources had left the API when its types
//!   were generated), where the spec of that version has the schema: ours types it;
//! - [`DIFFERENT`]: listed one by one below.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use stripe_events_codegen::discover::discover;
use stripe_events_codegen::{ExtraEvents, Spec};

const VERSIONS: [&str; 4] = ["2018-11-08", "2020-08-27", "2023-08-16", "2024-04-10"];

/// Disagreements of the third kind: (API versions, event types, reason ours is right).
const DIFFERENT: &[(&[&str], &[&str], &str)] = &[
    (
        &["2018-11-08", "2020-08-27", "2023-08-16"],
        &[
            "account.external_account.created",
            "account.external_account.deleted",
            "account.external_account.updated",
        ],
        "stripe@13.11.0 adds `source`; a Connect external account is a bank account or a \
         card, as the spec's own `external_account` schema (2020 on) and Stripe's later \
         mapping (stripe@15.0.0) say. A `source` would be delivered raw, not lost.",
    ),
    (
        &["2020-08-27", "2023-08-16"],
        &[
            "customer.source.created",
            "customer.source.deleted",
            "customer.source.expiring",
            "customer.source.updated",
        ],
        "ours is the spec's `payment_source` (every kind of source that version has), as \
         Stripe's later mapping (stripe@15.0.0, `CustomerSource`) is; stripe@13.11.0 lists \
         fewer kinds (and only card and source for `expiring`). Ours accepts every payload \
         Stripe's accepts.",
    ),
    (
        &["2018-11-08"],
        &["customer.source.expiring"],
        "the 2018 spec has no `payment_source`: ours is every kind of source it has (bank \
         account, card, source), a superset of stripe@13.11.0's card and source.",
    ),
];

fn shared(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/stripe-openapi")
        .join(file)
}

/// Stripe's table for `version`: event type -> payload resources (empty: none named).
fn stripe_table(version: &str) -> BTreeMap<String, Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/stripe-mapping")
        .join(format!("{version}.tsv"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 3, "{}: {line:?}", path.display());
            assert!(cols[2].starts_with("stripe@"), "{line:?}");
            let payload = if cols[1] == "-" {
                Vec::new()
            } else {
                cols[1].split(',').map(str::to_owned).collect()
            };
            (cols[0].to_owned(), payload)
        })
        .collect()
}

/// The spec's resource id -> schema name (`x-resourceId`), for Stripe's resource names.
fn schema_of<'a>(spec: &'a Spec, resource: &str) -> Option<&'a str> {
    spec.doc
        .components
        .schemas
        .iter()
        .find(|(name, schema)| {
            schema.resource_id.as_deref() == Some(resource) || name.as_str() == resource
        })
        .map(|(name, _)| name.as_str())
}

fn check(version: &str) -> usize {
    let path = shared(&format!("spec-{version}.json"));
    assert!(
        path.is_file(),
        "{} is missing: this test needs Stripe's specs in ../shared beside the repository",
        path.display()
    );
    let spec = Spec::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let ours: BTreeMap<String, Vec<String>> = discover(&spec, &ExtraEvents::none())
        .unwrap_or_else(|e| panic!("{version}: {e}"))
        .into_iter()
        .map(|e| {
            let mut payload = e.payload;
            payload.sort();
            (e.event_type, payload)
        })
        .collect();
    let theirs = stripe_table(version);
    assert!(
        // 2018-11-08 lists 51 event types no stripe-node release knows (`ping`, `sku.*`, ...).
        theirs.len() * 3 >= ours.len() * 2,
        "{version}: Stripe's table covers {} of our {} event types",
        theirs.len(),
        ours.len()
    );
    let mut listed = 0;
    for (event_type, payload) in &theirs {
        let mine = ours
            .get(event_type)
            .unwrap_or_else(|| panic!("{version}: {event_type} is in Stripe's table, not ours"));
        let different = DIFFERENT.iter().find(|(versions, types, _)| {
            versions.contains(&version) && types.contains(&&**event_type)
        });
        if mine == payload {
            assert!(
                different.is_none(),
                "{version}: {event_type} is listed as different but agrees: drop it from DIFFERENT"
            );
            continue;
        }
        if different.is_some() {
            listed += 1;
        } else if mine.is_empty() {
            for resource in payload {
                assert!(
                    schema_of(&spec, resource).is_none(),
                    "{version}: {event_type}: Stripe's payload {resource} is in the spec, ours is raw"
                );
            }
        } else {
            assert!(
                payload.is_empty(),
                "{version}: {event_type}: ours {mine:?}, Stripe's {payload:?} (a new \
                 disagreement: fix the rule, or list it in DIFFERENT with the reason)"
            );
            for schema in mine {
                assert!(spec.schema(schema).is_some(), "{version}: {schema}");
            }
        }
    }
    listed
}

#[test]
fn the_2024_04_10_mapping_is_stripes_own() {
    assert_eq!(
        check("2024-04-10"),
        0,
        "no disagreement at all for the default pin"
    );
}

#[test]
fn every_other_spec_agrees_with_stripe_or_says_why_not() {
    let listed: usize = VERSIONS[..3].iter().map(|v| check(v)).sum();
    let expected: usize = DIFFERENT
        .iter()
        .map(|(versions, types, _)| versions.len() * types.len())
        .sum();
    assert_eq!(
        listed, expected,
        "every DIFFERENT entry is a live disagreement"
    );
}
