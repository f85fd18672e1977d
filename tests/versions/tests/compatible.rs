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
const FILES: [&str; 5] = ["2018-11-08", "2020-08-27", "2023-08-16", "2024-04-10", "latest"];

/// One fixtures file's result: event types typed, and the others with the reason.
#[derive(Debug, Default)]
struct Tally {
    typed: usize,
    untyped: BTreeMap<String, String>,
}

fn tally(file: &str) -> Tally {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../../shared/stripe-openapi/fixtures-{file}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let fixtures: serde_json::Value = serde_json::from_str(&text).unwrap();
    let resources = fixtures["resources"].as_object().unwrap();
    let mut out = Tally::default();
    for event_type in EventType::ALL {
        let Some(object) = event_type
            .payload_schemas()
            .iter()
            .find_map(|s| resources.get(*s))
        else {
            continue;
        };
        let body = event_envelope("evt_compat", event_type.as_str(), object).to_string();
        let event =
            Event::from_slice(body.as_bytes()).unwrap_or_else(|e| panic!("{event_type}: {e}"));
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
    for file in FILES {
        let t = tally(file);
        eprintln!(
            "fixtures-{file}.json: {} of {} typed (pin {API_VERSION}, compatible: {compatible:?}, {} event types)",
            t.typed,
            t.typed + t.untyped.len(),
            EventType::ALL.len()
        );
        for (event_type, reason) in &t.untyped {
            eprintln!("  untyped {event_type}: {reason}");
        }
        figures.push((file, t.typed, t.untyped.len()));
    }
    if API_VERSION != "2024-04-10" {
        return;
    }
    match compatible.as_slice() {
        [] => assert_eq!(figures, STRICT, "strict figures"),
        ["2018-11-08", "2020-08-27", "2023-08-16"] => {
            assert_eq!(figures, COMPATIBLE, "with every v1 spec of ../shared compatible")
        }
        _ => {}
    }
}

/// (fixtures file, typed, untyped) against the strict 2024-04-10 build.
const STRICT: &[(&str, usize, usize)] = &[];

/// The same with 2018-11-08, 2020-08-27 and 2023-08-16 as compatible versions.
const COMPATIBLE: &[(&str, usize, usize)] = &[];
