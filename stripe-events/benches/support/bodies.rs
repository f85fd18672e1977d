//! The benches' deliveries: one compact body per event type of the pinned API version, built
//! around Stripe's example object for it (`../shared/stripe-openapi/fixtures-2024-04-10.json`,
//! beside the project) and signed.

use std::path::{Path, PathBuf};

use stripe_events::EventType;
use stripe_events::testing::{event_envelope, example_object, generate_test_header};

/// One webhook delivery: the body and its `Stripe-Signature` header.
pub struct Delivery {
    /// The event's compact JSON.
    pub body: Vec<u8>,
    /// The header signing `body` with the given secret and timestamp.
    pub header: String,
}

/// The folder of Stripe's specs and fixtures, beside the project.
pub fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/stripe-openapi")
}

/// A signed delivery, in `EventType::ALL`'s order, for every event type with an example object;
/// the event id is `evt_bench` for all of them.
pub fn signed_deliveries(secret: &str, timestamp: i64) -> Vec<Delivery> {
    let path = shared().join("fixtures-2024-04-10.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the fixtures live beside the project)",
            path.display()
        )
    });
    let fixtures: serde_json::Value = serde_json::from_str(&text).expect("fixtures are JSON");
    let resources = fixtures["resources"]
        .as_object()
        .expect("fixtures have `resources`");
    EventType::ALL
        .iter()
        .filter_map(|t| {
            let (_, object) = example_object(resources, t)?;
            let body = event_envelope("evt_bench", t.as_str(), object)
                .to_string()
                .into_bytes();
            let header = generate_test_header(&body, secret, timestamp);
            Some(Delivery { body, header })
        })
        .collect()
}
