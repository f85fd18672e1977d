//! Compatible API versions, measured: for each fixtures file in `../shared/stripe-openapi`
//! (Stripe's example objects of one API version), how many event types with an example object
//! come out typed against this build's types, and why each other one does not.
//!
//! `scripts/check-versions.sh compatible` runs it twice against the 2024-04-10 pin: strict
//! (the default build) and with every other v1 spec in `../shared` as a compatible version
//! (`STRIPE_EVENTS_COMPATIBLE=2018-11-08,2020-08-27,2023-08-16`), each with its expected
//! figures (BENCHMARKS.md, "Compatible API versions"). Any other build only prints them.

use std::collections::BTreeMap;
use std::path::PathBuf;

use stripe_events::{API_VERSION, Event, EventType, testing::event_envelope};

/// The fixtures files, by the name after `fixtures-`.
const FILES: [&str; 5] = [
    "2018-11-08",
    "2020-08-27",
    "2023-08-16",
    "2024-04-10",
    "latest",
];

/// One fixtures file's result: event types typed, and the others with the reason; and by
/// example object (an object counts as typed when every event type carrying it is).
#[derive(Debug, Default)]
struct Tally {
    typed: usize,
    untyped: BTreeMap<String, String>,
    /// Example object (resource name) -> typed for every event type that carries it.
    objects: BTreeMap<String, bool>,
}

fn tally(file: &str) -> Tally {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!(
        "../../../shared/stripe-openapi/fixtures-{file}.json"
    ));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let fixtures: serde_json::Value = serde_json::from_str(&text).unwrap();
    let resources = fixtures["resources"].as_object().unwrap();
    let mut out = Tally::default();
    for event_type in EventType::ALL {
        let Some((resource, object)) = event_type
            .payload_schemas()
            .iter()
            .find_map(|s| resources.get(*s).map(|o| (*s, o)))
        else {
            continue;
        };
        let body = event_envelope("evt_compat", event_type.as_str(), object).to_string();
        let event =
            Event::from_slice(body.as_bytes()).unwrap_or_else(|e| panic!("{event_type}: {e}"));
        let typed = event.untyped_reason().is_none();
        *out.objects.entry(resource.to_owned()).or_insert(true) &= typed;
        match event.untyped_reason() {
            None => out.typed += 1,
            Some(reason) => {
                out.untyped
                    .insert(event_type.as_str().to_owned(), reason.to_string());
            }
        }
    }
    out
}

#[test]
fn fixtures_typed_against_this_build() {
    let compatible: Vec<&str> = stripe_events::compatible_api_versions().collect();
    let mut figures = Vec::new();
    let mut reasons = std::collections::BTreeSet::new();
    for file in FILES {
        let t = tally(file);
        let objects_typed = t.objects.values().filter(|&&typed| typed).count();
        eprintln!(
            "fixtures-{file}.json: {objects_typed} of {} example objects typed, {} of {} event types with an example (pin {API_VERSION}, compatible: {compatible:?}, {} event types)",
            t.objects.len(),
            t.typed,
            t.typed + t.untyped.len(),
            EventType::ALL.len()
        );
        for (event_type, reason) in &t.untyped {
            eprintln!("  untyped {event_type}: {reason}");
            reasons.insert(format!("{file}: {reason}"));
        }
        figures.push((
            file,
            objects_typed,
            t.objects.len(),
            t.typed,
            t.untyped.len(),
        ));
    }
    if API_VERSION != "2024-04-10" {
        return;
    }
    match compatible.as_slice() {
        [] => assert_eq!(figures, STRICT, "strict figures"),
        ["2018-11-08", "2020-08-27", "2023-08-16"] => {
            assert_eq!(
                figures, COMPATIBLE,
                "with every v1 spec of ../shared compatible"
            );
            assert_eq!(
                reasons.iter().map(String::as_str).collect::<Vec<_>>(),
                COMPATIBLE_EXCEPTIONS
            );
        }
        _ => {}
    }
}

/// (fixtures file, example objects typed, example objects carried by an event type, event
/// types typed, event types untyped) against the strict 2024-04-10 build.
const STRICT: &[(&str, usize, usize, usize, usize)] = &[
    ("2018-11-08", 19, 35, 50, 70),
    ("2020-08-27", 43, 53, 125, 52),
    ("2023-08-16", 59, 65, 175, 42),
    ("2024-04-10", 69, 69, 228, 0),
    ("latest", 63, 69, 196, 32),
];

/// The same with 2018-11-08, 2020-08-27 and 2023-08-16 as compatible versions. The exceptions:
/// 2023-08-16's example outbound payment lacks `billing_details`, which the 2023-08-16 spec
/// itself requires (Stripe's example does not match Stripe's spec: `fixtures.rs`); the objects
/// of `latest` are from a version newer than every spec here, which dropped fields 2024-04-10
/// requires (`fixtures_latest.rs` in `tests/` names them), and no spec of that version is in
/// `../shared` to make them optional.
const COMPATIBLE: &[(&str, usize, usize, usize, usize)] = &[
    ("2018-11-08", 41, 41, 159, 0),
    ("2020-08-27", 59, 59, 219, 0),
    ("2023-08-16", 65, 66, 240, 7),
    ("2024-04-10", 70, 70, 258, 0),
    ("latest", 65, 70, 234, 24),
];

/// Every reason an example stays untyped with every v1 spec compatible (see [`COMPATIBLE`]).
const COMPATIBLE_EXCEPTIONS: &[&str] = &[
    "2023-08-16: missing field `billing_details` at $.data.object.destination_payment_method_details",
    "latest: missing field `coupon` at $.data.object",
    "latest: missing field `coupon` at $.data.object.discount",
    "latest: missing field `proration` at $.data.object.lines.data[0]",
    "latest: missing field `tax_amounts` at $.data.object.lines.data[0]",
];

/// An event rendered for a compatible version is no API-version mismatch (so
/// `ApiVersionPolicy::Reject` accepts it); any other version still is.
#[test]
fn compatible_versions_are_no_api_version_mismatch() {
    let compatible: Vec<&str> = stripe_events::compatible_api_versions().collect();
    let object = serde_json::json!({"id": "cus_1", "object": "customer"});
    for version in ["2018-11-08", "2011-01-01"] {
        let mut body = event_envelope("evt_v", "customer.created", &object);
        body["api_version"] = version.into();
        let event = Event::from_slice(body.to_string().as_bytes()).unwrap();
        // Neither the pinned version (a build pinned to 2018-11-08, in check-versions.sh) nor
        // a compatible one is a mismatch.
        let expected =
            (!compatible.contains(&version) && version != API_VERSION).then_some(version);
        assert_eq!(event.api_version_mismatch(), expected, "{compatible:?}");
    }
}
