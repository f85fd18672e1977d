//! Verification of Stripe webhook signatures (the `Stripe-Signature` header).
//!
//! Stripe signs every webhook delivery with HMAC-SHA256. The header looks like
//!
//! ```text
//! Stripe-Signature: t=1492774577,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd
//! ```
//!
//! and each `v1` value is the lowercase hex of
//! `HMAC-SHA256(key = endpoint secret, message = "{t}.{raw request body}")`.
//! The endpoint secret (`whsec_...`) is used as the key exactly as given,
//! prefix included.
//!
//! # Usage
//!
//! Verify the **raw request body bytes**, exactly as received, **before**
//! parsing them as JSON. Re-serialising parsed JSON changes the bytes and the
//! signature no longer matches.
//!
//! ```
//! use stripe_events::signature::{generate_test_header, FixedClock, SignatureError, Verifier};
//!
//! let body = br#"{"id":"evt_1","object":"event"}"#;
//! let header = generate_test_header(body, "whsec_test_secret", 1_700_000_000);
//!
//! // In production: `Verifier::new(secret_from_config)`, which uses the real clock.
//! let verifier = Verifier::new("whsec_test_secret").clock(FixedClock(1_700_000_010));
//!
//! let verified = verifier.verify(body, Some(&header))?;
//! assert_eq!(verified.timestamp, 1_700_000_000);
//! // ... only now parse `body` as JSON.
//!
//! assert_eq!(verifier.verify(body, None), Err(SignatureError::MissingHeader));
//! assert_eq!(
//!     verifier.verify(b"{\"id\":\"evt_2\"}", Some(&header)),
//!     Err(SignatureError::NoMatchingSignature)
//! );
//! # Ok::<(), SignatureError>(())
//! ```
//!
//! # What is checked
//!
//! * The header is at most [`MAX_HEADER_LEN`] (8 KiB) bytes and has exactly
//!   one `t=` timestamp and at least one `v1=` signature; see [`parse_header`]
//!   for the exact grammar. `v0` (Stripe's test-mode legacy scheme) and
//!   unknown schemes such as `v2` are ignored.
//! * Some `v1` signature equals the HMAC-SHA256 of `"{t}.{body}"` under some
//!   configured secret (several secrets support rotation; see
//!   [`Verifier::add_secret`]). The comparison is constant time on the
//!   decoded 32 bytes, so upper-case hex is accepted: it denotes the same MAC
//!   bytes. The MAC is computed by streaming `t`, `.` and the body into it;
//!   the body is never copied.
//! * The timestamp is within the tolerance (default 300 s) of the current
//!   time **in both directions**. Stripe's own libraries only reject old
//!   timestamps; this module also rejects timestamps from the future, which
//!   bounds the replay window to `2 × tolerance` even if a signature was
//!   produced with a future `t`. Exactly `tolerance` seconds away is
//!   accepted.
//!
//! # What is not checked
//!
//! A valid signature proves the body came from Stripe recently, not that you
//! have not processed it already: within the tolerance window a captured
//! request can be replayed. Deduplicate on the event `id` if processing is
//! not idempotent.
//!
//! Errors ([`SignatureError`]) say what was wrong without quoting secrets,
//! computed MACs or the header's signatures, so they are safe to log.

mod clock;
mod error;
mod header;
mod hex;
mod mac;
mod secret;
mod testing;
mod verifier;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::SignatureError;
pub use header::{MAX_HEADER_LEN, SignatureHeader, parse_header};
pub use hex::to_hex;
pub use mac::compute_signature;
pub use secret::{Secret, SecretError};
pub use testing::generate_test_header;
pub use verifier::{DEFAULT_TOLERANCE, Verified, Verifier};

#[cfg(test)]
mod tests;
