//! Helpers for signing payloads in tests, like Stripe's
//! `generateTestHeaderString`.

use super::compute_signature;
use super::hex::to_hex;

/// Builds a `Stripe-Signature` header value, `t={timestamp},v1={hex}`, that a
/// [`Verifier`](super::Verifier) holding `secret` accepts for `payload` (if
/// its clock is within tolerance of `timestamp`). The signature is lowercase
/// hex, as Stripe sends it. Equivalent to stripe-node's
/// `webhooks.generateTestHeaderString`.
///
/// Meant for tests and local tooling; it is an ordinary function because it
/// needs nothing beyond the secret, which a test owns anyway.
///
/// ```
/// use stripe_events::signature::{generate_test_header, FixedClock, Verifier};
///
/// let header = generate_test_header(b"{}", "whsec_test", 1_700_000_000);
/// assert!(header.starts_with("t=1700000000,v1="));
/// let verifier = Verifier::new("whsec_test").clock(FixedClock(1_700_000_000));
/// assert!(verifier.verify_header(b"{}", &header).is_ok());
/// ```
#[must_use]
pub fn generate_test_header(payload: &[u8], secret: &str, timestamp: i64) -> String {
    let signature = compute_signature(payload, secret, timestamp);
    format!("t={timestamp},v1={}", to_hex(&signature))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_shape() {
        let header = generate_test_header(br#"{"id":"evt_1"}"#, "whsec_test_secret", 1_700_000_000);
        assert_eq!(
            header,
            "t=1700000000,v1=248a374f50f943a28b0f6ab50faf9a7e7e29b710fa26df9fb1618b9bf8ea9c9a"
        );
        let negative = generate_test_header(b"", "whsec_test_secret", -5);
        assert!(negative.starts_with("t=-5,v1="));
    }
}
