//! For whichever spec stripe-events was generated from (the pin, or `STRIPE_OPENAPI_SPEC`):
//! every event type whose payload resource has an example in that version's fixtures file
//! (`../shared/stripe-openapi/fixtures-<API_VERSION>.json`) parses into its own typed variant.
//! `scripts/check-versions.sh` runs this once per spec in `../shared`.

use std::path::PathBuf;

use stripe_events::{API_VERSION, Event, EventType, testing::event_envelope};

#[test]
fn every_event_with_an_example_parses_typed() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!(
        "../../../shared/stripe-openapi/fixtures-{API_VERSION}.json"
    ));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let fixtures: serde_json::Value = serde_json::from_str(&text).unwrap();
    let resources = fixtures["resources"].as_object().unwrap();
    let mut typed = Vec::new();
    let mut untyped = Vec::new();
    for event_type in EventType::ALL {
        let schemas = event_type.payload_schemas();
        let Some(object) = schemas.iter().find_map(|s| resources.get(*s)) else {
            continue;
        };
        let body = event_envelope("evt_version", event_type.as_str(), object).to_string();
        let event =
            Event::from_slice(body.as_bytes()).unwrap_or_else(|e| panic!("{event_type}: {e}"));
        assert_eq!(&event.type_, event_type);
        match event.untyped_reason() {
            None => {
                assert_eq!(event.data.object.event_type().as_ref(), Some(event_type));
                typed.push(event_type.as_str());
            }
            Some(reason) => untyped.push(format!("{event_type}: {reason}")),
        }
    }
    eprintln!(
        "API version {API_VERSION}: {} event types typed from examples",
        typed.len()
    );
    assert_eq!(untyped, known_mismatches(), "API version {API_VERSION}");
    assert!(
        typed.len() > 100,
        "API version {API_VERSION}: only {} events had examples",
        typed.len()
    );
}

/// Examples in Stripe's fixtures that do not match Stripe's own spec of the same version, so
/// they come back raw with the reason (which is the correct behaviour), named one by one.
fn known_mismatches() -> Vec<String> {
    match API_VERSION {
        // The example outbound payment's `destination_payment_method_details` lacks
        // `billing_details`, which the 2023-08-16 spec requires.
        "2023-08-16" => ["canceled", "created", "expected_arrival_date_updated", "failed", "posted", "returned"]
            .iter()
            .map(|action| {
                format!(
                    "treasury.outbound_payment.{action}: missing field `billing_details` at $.data.object.destination_payment_method_details"
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}
