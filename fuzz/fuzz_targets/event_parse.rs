//! Event parsing never panics: any input is an event (typed, unknown or untyped) or a typed
//! error; and whatever parses as an event, or as JSON that is not an event, is JSON that
//! serde_json accepts too (except numbers beyond f64's range, like `1E1111`: valid JSON by
//! RFC 8259, which serde_json refuses and our parser skips).
#![no_main]

use libfuzzer_sys::fuzz_target;
use stripe_events::{Event, ParseError};

fuzz_target!(|data: &[u8]| {
    match Event::from_slice(data) {
        Ok(_) | Err(ParseError::NotAnEvent(_)) => {
            if let Err(e) = serde_json::from_slice::<serde_json::Value>(data) {
                assert!(e.to_string().starts_with("number out of range"), "{e}");
            }
        }
        Err(_) => {}
    }
});
