//! The Stripe-Signature header parser and verifier never panic, and never accept a header for a
//! body it was not computed over.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stripe_events::signature::{FixedClock, Verifier, parse_header};

fuzz_target!(|data: &[u8]| {
    let (header, body) = data.split_at(data.len() / 2);
    let Ok(header) = std::str::from_utf8(header) else { return };
    let _ = parse_header(header);
    let verifier = Verifier::new("whsec_fuzz").clock(FixedClock(1_700_000_000));
    // A random header cannot carry a valid HMAC of the body under the secret.
    assert!(verifier.verify(body, Some(header)).is_err());
});
