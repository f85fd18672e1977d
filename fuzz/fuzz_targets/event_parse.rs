//! Event parsing never panics: any input is an event (typed, unknown or untyped) or a typed
//! error; and whatever parses as an event is JSON that serde_json accepts too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stripe_events::{Event, ParseError};

fuzz_target!(|data: &[u8]| {
    match Event::from_slice(data) {
        Ok(_) | Err(ParseError::NotAnEvent(_)) => {
            assert!(serde_json::from_slice::<serde_json::Value>(data).is_ok());
        }
        Err(_) => {}
    }
});
