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
mod secret;
mod testing;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::SignatureError;
pub use header::{MAX_HEADER_LEN, SignatureHeader, parse_header};
pub use hex::to_hex;
pub use secret::{Secret, SecretError};
pub use testing::generate_test_header;

use hmac::digest::CtOutput;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::Arc;
use std::time::Duration;

type HmacSha256 = Hmac<Sha256>;

/// The tolerance a new [`Verifier`] uses: 300 seconds, as in Stripe's
/// libraries.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Writes `value` in decimal into the end of `buf` and returns that part.
/// 20 bytes hold any `i64` (19 digits and a sign).
fn decimal(value: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut rest = value.unsigned_abs();
    let mut start = buf.len();
    loop {
        start -= 1;
        buf[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if value < 0 {
        start -= 1;
        buf[start] = b'-';
    }
    &buf[start..]
}

/// The raw `v1` signature of `payload` signed at `timestamp`:
/// HMAC-SHA256 keyed with the bytes of `secret` (the whole string, `whsec_`
/// prefix included) over `"{timestamp}.{payload}"`, with the timestamp in
/// canonical decimal.
///
/// Use [`to_hex`] to get the form found in the header, or
/// [`generate_test_header`] for a whole header. To *check* a signature, use
/// [`Verifier`], which compares in constant time; comparing this output with
/// `==` does not.
#[must_use]
pub fn compute_signature(payload: &[u8], secret: &str, timestamp: i64) -> [u8; 32] {
    KeyedMac::from_key(secret.as_bytes())
        .sign(payload, timestamp)
        .into_bytes()
        .into()
}

/// Proof that a payload carried a valid signature, returned by
/// [`Verifier::verify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Verified {
    /// The signed `t=` timestamp (unix seconds), within tolerance of the
    /// verifier's clock.
    pub timestamp: i64,
    /// Which secret matched: its position in the order the secrets were
    /// given (`0` for the one passed to [`Verifier::new`], then one more for
    /// each [`Verifier::add_secret`]). Useful to see when traffic stops
    /// using an old secret during rotation.
    pub secret_index: usize,
}

/// Checks `Stripe-Signature` headers against one or more endpoint secrets.
///
/// Built with [`Verifier::new`] and the builder methods; cheap to clone and
/// safe to share between threads. Its `Debug` output redacts the secrets.
///
/// ```
/// use std::time::Duration;
/// use stripe_events::signature::Verifier;
///
/// let verifier = Verifier::new("whsec_current")
///     .add_secret("whsec_previous") // accepted too, while rotating
///     .tolerance(Duration::from_secs(120));
/// assert!(!format!("{verifier:?}").contains("current"));
/// ```
#[derive(Debug, Clone)]
pub struct Verifier {
    secrets: Vec<Secret>,
    /// Per secret (same order), the MAC state after the key: `None` for an empty secret.
    keyed: Vec<Option<KeyedMac>>,
    tolerance: Duration,
    clock: Arc<dyn Clock>,
}

/// HMAC-SHA256 with the key already absorbed (its inner and outer pads hashed), cloned for each
/// delivery: the key schedule is computed once per secret, not once per request.
#[derive(Clone)]
struct KeyedMac(HmacSha256);

impl KeyedMac {
    /// The state for a secret; `None` for an empty one, which is never used.
    fn new(secret: &Secret) -> Option<Self> {
        (!secret.is_empty()).then(|| Self::from_key(secret.expose().as_bytes()))
    }

    fn from_key(key: &[u8]) -> Self {
        // HMAC takes keys of any length (long keys are hashed), so this cannot fail.
        Self(HmacSha256::new_from_slice(key).expect("HMAC-SHA256 accepts keys of any length"))
    }

    /// The `v1` signature of `payload` signed at `timestamp` (see [`compute_signature`]): the
    /// HMAC of `"{timestamp}.{payload}"`, fed in three `update` calls so the payload is read
    /// once and never copied.
    fn sign(mut self, payload: &[u8], timestamp: i64) -> CtOutput<HmacSha256> {
        let mut buf = [0u8; 20];
        self.0.update(decimal(timestamp, &mut buf));
        self.0.update(b".");
        self.0.update(payload);
        self.0.finalize()
    }
}

impl std::fmt::Debug for KeyedMac {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyedMac(..)")
    }
}

impl Verifier {
    /// A verifier for one endpoint secret, with a 300 s tolerance
    /// ([`DEFAULT_TOLERANCE`]) and the real clock ([`SystemClock`]).
    ///
    /// An empty secret is never used for verification (anyone could sign
    /// with it): a verifier whose secrets are all empty fails every call with
    /// [`SignatureError::EmptySecret`].
    #[must_use]
    pub fn new(secret: impl Into<Secret>) -> Self {
        let secret = secret.into();
        Self {
            keyed: vec![KeyedMac::new(&secret)],
            secrets: vec![secret],
            tolerance: DEFAULT_TOLERANCE,
            clock: Arc::new(SystemClock),
        }
    }

    /// Also accepts signatures made with `secret`. A signature is accepted
    /// if it matches any of the secrets; [`Verified::secret_index`] tells
    /// which. Use this while rolling an endpoint's secret, then remove the
    /// old one.
    #[must_use]
    pub fn add_secret(mut self, secret: impl Into<Secret>) -> Self {
        let secret = secret.into();
        self.keyed.push(KeyedMac::new(&secret));
        self.secrets.push(secret);
        self
    }

    /// How far the signed timestamp may be from the clock's time, in either
    /// direction. Counted in whole seconds (any fraction is dropped);
    /// a timestamp exactly `tolerance` away is accepted, one second more is
    /// rejected.
    ///
    /// `Duration::ZERO` accepts only a timestamp equal to the clock's time;
    /// it does not disable the check. There is deliberately no way to
    /// disable it: a huge tolerance comes close, and gives up protection
    /// against replays of old captured requests.
    #[must_use]
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Uses `clock` for the current time instead of [`SystemClock`], e.g.
    /// [`FixedClock`] in tests.
    #[must_use]
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Verifies `payload` against the `Stripe-Signature` header value, if
    /// there is one (`None` gives [`SignatureError::MissingHeader`]).
    ///
    /// `payload` must be the raw request body, byte for byte as received,
    /// and this must run *before* the body is parsed or trusted in any way.
    /// It need not be UTF-8.
    ///
    /// On success the payload is authentic: it was signed by the holder of
    /// one of the configured secrets, at a time within the tolerance of now.
    ///
    /// # Errors
    ///
    /// Any [`SignatureError`]; its documentation lists the order in which
    /// the checks run. Every error means the payload must not be trusted.
    pub fn verify(&self, payload: &[u8], header: Option<&str>) -> Result<Verified, SignatureError> {
        if self.secrets.iter().all(Secret::is_empty) {
            return Err(SignatureError::EmptySecret);
        }
        match header {
            Some(header) => self.verify_header(payload, header),
            None => Err(SignatureError::MissingHeader),
        }
    }

    /// [`verify`](Self::verify) for a header value that is known to be
    /// present; an empty value is still [`SignatureError::MissingHeader`].
    ///
    /// # Errors
    ///
    /// As for [`verify`](Self::verify).
    pub fn verify_header(&self, payload: &[u8], header: &str) -> Result<Verified, SignatureError> {
        if self.secrets.iter().all(Secret::is_empty) {
            return Err(SignatureError::EmptySecret);
        }
        let parsed = parse_header(header)?;
        let secret_index = self
            .matching_secret(payload, &parsed)
            .ok_or(SignatureError::NoMatchingSignature)?;

        let now = self.clock.now();
        let tolerance_secs = self.tolerance.as_secs();
        let distance = (i128::from(now) - i128::from(parsed.timestamp)).unsigned_abs();
        if distance > u128::from(tolerance_secs) {
            return Err(SignatureError::TimestampOutsideTolerance {
                timestamp: parsed.timestamp,
                now,
                tolerance_secs,
            });
        }
        Ok(Verified {
            timestamp: parsed.timestamp,
            secret_index,
        })
    }

    /// The index of the first non-empty secret under which some `v1`
    /// signature equals the MAC. One MAC pass over the payload per secret
    /// tried; each comparison is constant time, and every signature is
    /// compared (no early exit inside one secret).
    fn matching_secret(&self, payload: &[u8], header: &SignatureHeader<'_>) -> Option<usize> {
        self.keyed.iter().enumerate().find_map(|(index, keyed)| {
            let expected = keyed.clone()?.sign(payload, header.timestamp);
            // `|` rather than `||`: compare every candidate, no early exit.
            let matched = header.decoded_v1().fold(false, |found, candidate| {
                found | (CtOutput::<HmacSha256>::new(candidate.into()) == expected)
            });
            matched.then_some(index)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECRET: &str = "whsec_test_secret";
    const OTHER_SECRET: &str = "whsec_other_secret";
    const T: i64 = 1_700_000_000;
    const BODY: &[u8] = br#"{"id":"evt_1"}"#;
    /// `HMAC-SHA256(key "whsec_test_secret", "1700000000.{\"id\":\"evt_1\"}")`,
    /// computed independently with Python's `hmac` module (and OpenSSL).
    const VECTOR: &str = "248a374f50f943a28b0f6ab50faf9a7e7e29b710fa26df9fb1618b9bf8ea9c9a";

    fn verifier_at(now: i64) -> Verifier {
        Verifier::new(SECRET).clock(FixedClock(now))
    }

    fn sig_hex(body: &[u8], secret: &str, t: i64) -> String {
        to_hex(&compute_signature(body, secret, t))
    }

    #[test]
    fn known_vector_from_python_hmac() {
        // python3 -c 'import hmac,hashlib; print(hmac.new(b"whsec_test_secret",
        //   b"1700000000.{\"id\":\"evt_1\"}", hashlib.sha256).hexdigest())'
        assert_eq!(to_hex(&compute_signature(BODY, SECRET, T)), VECTOR);
        let header = format!("t=1700000000,v1={VECTOR}");
        assert_eq!(generate_test_header(BODY, SECRET, T), header);
        let ok = verifier_at(T).verify(BODY, Some(&header)).unwrap();
        assert_eq!(
            ok,
            Verified {
                timestamp: T,
                secret_index: 0
            }
        );
    }

    #[test]
    fn more_independent_vectors() {
        // Same Python recipe: binary body, key longer than the 64-byte
        // block (hashed by HMAC), negative and zero timestamps.
        assert_eq!(
            sig_hex(b"\xff\xfe\x00\x80binary", SECRET, T),
            "9e0053745d594fc4cf9dccde5df6ae3b43831ebdca388b46d31c3f0dc8b2ba0e"
        );
        let long_key = format!("whsec_{}", "k".repeat(100));
        assert_eq!(
            sig_hex(BODY, &long_key, T),
            "49ced0291986641c660958edcfea333b1b75cd707ea4087a35ffc2d415760a16"
        );
        assert_eq!(
            sig_hex(b"", SECRET, -5),
            "3bbb022294a82c440c4e876912cfb75770f5622482d9082e8f0a001b1e3b514d"
        );
        assert_eq!(
            sig_hex(b"", SECRET, 0),
            "e359a4b07054a77815d22548b11f4936e8b16e4160347fcbc7fbeac890d07c42"
        );
    }

    #[test]
    fn decimal_formatting() {
        let mut buf = [0u8; 20];
        for v in [0, 1, 9, 10, -1, 1_700_000_000, i64::MAX, i64::MIN] {
            assert_eq!(decimal(v, &mut buf), v.to_string().as_bytes());
        }
    }

    #[test]
    fn second_of_several_v1_matches() {
        let wrong = sig_hex(BODY, OTHER_SECRET, T);
        let header = format!("t={T},v1={wrong},v1={VECTOR}");
        assert!(verifier_at(T).verify(BODY, Some(&header)).is_ok());
        let header = format!("t={T},v1={wrong},v1={wrong}");
        assert_eq!(
            verifier_at(T).verify(BODY, Some(&header)),
            Err(SignatureError::NoMatchingSignature)
        );
    }

    #[test]
    fn v0_alone_is_no_v1() {
        let header = format!("t={T},v0={VECTOR}");
        assert_eq!(
            verifier_at(T).verify(BODY, Some(&header)),
            Err(SignatureError::NoV1Signature)
        );
    }

    #[test]
    fn unknown_schemes_are_ignored() {
        let header = format!("t={T},v2=whatever,v1={VECTOR},scheme=x,v0=abc");
        assert!(verifier_at(T).verify(BODY, Some(&header)).is_ok());
        let header = format!("t={T},v2={VECTOR}");
        assert_eq!(
            verifier_at(T).verify(BODY, Some(&header)),
            Err(SignatureError::NoV1Signature)
        );
    }

    #[test]
    fn tampered_body_byte_fails() {
        let header = generate_test_header(BODY, SECRET, T);
        let mut tampered = BODY.to_vec();
        tampered[7] ^= 0x01; // "evt_1" -> "dvt_1"
        assert_eq!(
            verifier_at(T).verify(&tampered, Some(&header)),
            Err(SignatureError::NoMatchingSignature)
        );
        // Appending or truncating fails too.
        assert!(
            verifier_at(T)
                .verify(&BODY[..BODY.len() - 1], Some(&header))
                .is_err()
        );
        let mut longer = BODY.to_vec();
        longer.push(b'\n');
        assert!(verifier_at(T).verify(&longer, Some(&header)).is_err());
    }

    #[test]
    fn wrong_secret_fails() {
        let header = generate_test_header(BODY, SECRET, T);
        let verifier = Verifier::new(OTHER_SECRET).clock(FixedClock(T));
        assert_eq!(
            verifier.verify(BODY, Some(&header)),
            Err(SignatureError::NoMatchingSignature)
        );
        // A key differing only by prefix or trailing newline is a different key.
        for near in ["test_secret", "whsec_test_secret\n", "WHSEC_test_secret"] {
            let verifier = Verifier::new(near).clock(FixedClock(T));
            assert_eq!(
                verifier.verify(BODY, Some(&header)),
                Err(SignatureError::NoMatchingSignature),
                "{near:?}"
            );
        }
    }

    #[test]
    fn rotation_reports_which_secret_matched() {
        let header = generate_test_header(BODY, SECRET, T);
        let verifier = Verifier::new(OTHER_SECRET)
            .add_secret(SECRET)
            .clock(FixedClock(T));
        assert_eq!(
            verifier.verify(BODY, Some(&header)),
            Ok(Verified {
                timestamp: T,
                secret_index: 1
            })
        );
        // Header signed with both (as Stripe does during a roll): first secret wins.
        let both = format!("t={T},v1={},v1={VECTOR}", sig_hex(BODY, OTHER_SECRET, T));
        assert_eq!(verifier.verify(BODY, Some(&both)).unwrap().secret_index, 0);
        let third = Verifier::new("whsec_a")
            .add_secret("whsec_b")
            .add_secret(SECRET)
            .clock(FixedClock(T));
        assert_eq!(third.verify(BODY, Some(&header)).unwrap().secret_index, 2);
    }

    #[test]
    fn tolerance_boundaries_past_and_future() {
        let header = generate_test_header(BODY, SECRET, T);
        for (now, ok) in [
            (T, true),
            (T + 299, true),
            (T + 300, true),
            (T + 301, false),
            (T - 299, true),
            (T - 300, true),
            (T - 301, false),
        ] {
            let result = verifier_at(now).verify(BODY, Some(&header));
            if ok {
                assert_eq!(
                    result,
                    Ok(Verified {
                        timestamp: T,
                        secret_index: 0
                    }),
                    "now={now}"
                );
            } else {
                assert_eq!(
                    result,
                    Err(SignatureError::TimestampOutsideTolerance {
                        timestamp: T,
                        now,
                        tolerance_secs: 300
                    }),
                    "now={now}"
                );
            }
        }
    }

    #[test]
    fn custom_tolerance() {
        let header = generate_test_header(BODY, SECRET, T);
        let tight = |now| {
            Verifier::new(SECRET)
                .tolerance(Duration::from_millis(10_999)) // counts as 10 s
                .clock(FixedClock(now))
                .verify(BODY, Some(&header))
        };
        assert!(tight(T + 10).is_ok());
        assert!(tight(T - 10).is_ok());
        assert!(matches!(
            tight(T + 11),
            Err(SignatureError::TimestampOutsideTolerance {
                tolerance_secs: 10,
                ..
            })
        ));
        let zero = Verifier::new(SECRET).tolerance(Duration::ZERO);
        assert!(
            zero.clone()
                .clock(FixedClock(T))
                .verify(BODY, Some(&header))
                .is_ok()
        );
        assert!(
            zero.clock(FixedClock(T + 1))
                .verify(BODY, Some(&header))
                .is_err()
        );
        // Extreme values do not overflow.
        let huge = Verifier::new(SECRET).tolerance(Duration::MAX);
        assert!(
            huge.clone()
                .clock(FixedClock(i64::MIN))
                .verify(BODY, Some(&header))
                .is_ok()
        );
        let max_t = generate_test_header(BODY, SECRET, i64::MAX);
        assert!(matches!(
            verifier_at(i64::MIN).verify(BODY, Some(&max_t)),
            Err(SignatureError::TimestampOutsideTolerance { .. })
        ));
        assert!(
            huge.clock(FixedClock(i64::MIN))
                .verify(BODY, Some(&max_t))
                .is_ok()
        );
    }

    #[test]
    fn signature_is_checked_before_timestamp() {
        // A forged header with a stale timestamp is reported as a bad
        // signature, not as a stale one.
        let forged = format!("t={},v1={}", T - 10_000, "00".repeat(32));
        assert_eq!(
            verifier_at(T).verify(BODY, Some(&forged)),
            Err(SignatureError::NoMatchingSignature)
        );
    }

    #[test]
    fn changed_timestamp_fails() {
        let header = format!("t={},v1={VECTOR}", T + 1);
        assert_eq!(
            verifier_at(T).verify(BODY, Some(&header)),
            Err(SignatureError::NoMatchingSignature)
        );
    }

    #[test]
    fn leading_zeros_in_t_sign_the_same_value() {
        // Like Stripe's libraries, the MAC covers the timestamp's canonical
        // decimal form.
        let header = format!("t=0{T},v1={VECTOR}");
        assert!(verifier_at(T).verify(BODY, Some(&header)).is_ok());
    }

    #[test]
    fn duplicate_timestamp_is_malformed() {
        let header = format!("t={T},t={T},v1={VECTOR}");
        assert_eq!(
            verifier_at(T).verify(BODY, Some(&header)),
            Err(SignatureError::MalformedHeader {
                reason: "duplicate timestamp (t=)"
            })
        );
    }

    #[test]
    fn missing_and_empty_headers() {
        let v = verifier_at(T);
        assert_eq!(v.verify(BODY, None), Err(SignatureError::MissingHeader));
        assert_eq!(v.verify(BODY, Some("")), Err(SignatureError::MissingHeader));
        assert_eq!(
            v.verify(BODY, Some("  ")),
            Err(SignatureError::MissingHeader)
        );
        assert_eq!(
            v.verify_header(BODY, ""),
            Err(SignatureError::MissingHeader)
        );
    }

    #[test]
    fn malformed_headers() {
        let v = verifier_at(T);
        for header in ["t=abc,v1=00", "v1=00", "t=1,v1=zz", "t=1,nonsense"] {
            assert!(
                matches!(
                    v.verify(BODY, Some(header)),
                    Err(SignatureError::MalformedHeader { .. })
                ),
                "{header:?}"
            );
        }
    }

    #[test]
    fn whitespace_around_items_is_accepted() {
        let header = format!("  t = {T} ,\t v1 = {VECTOR}\t ,  ");
        assert!(verifier_at(T).verify(BODY, Some(&header)).is_ok());
    }

    #[test]
    fn upper_case_hex_is_the_same_mac() {
        let header = format!("t={T},v1={}", VECTOR.to_ascii_uppercase());
        assert!(verifier_at(T).verify(BODY, Some(&header)).is_ok());
        let mixed: String = VECTOR
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i % 2 == 0 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect();
        let header = format!("t={T},v1={mixed}");
        assert!(verifier_at(T).verify(BODY, Some(&header)).is_ok());
    }

    #[test]
    fn huge_header_is_malformed() {
        let header = format!("t={T},v1={VECTOR},{}", "v0=x,".repeat(2000));
        assert!(header.len() > 8 * 1024);
        assert_eq!(
            verifier_at(T).verify(BODY, Some(&header)),
            Err(SignatureError::MalformedHeader {
                reason: "header is longer than 8192 bytes"
            })
        );
    }

    #[test]
    fn non_utf8_body_verifies() {
        let body: Vec<u8> = vec![0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, b'{', b'}'];
        assert!(std::str::from_utf8(&body).is_err());
        let body = body.as_slice();
        let header = generate_test_header(body, SECRET, T);
        assert!(verifier_at(T).verify(body, Some(&header)).is_ok());
        let empty = generate_test_header(b"", SECRET, T);
        assert!(verifier_at(T).verify(b"", Some(&empty)).is_ok());
    }

    #[test]
    fn empty_secret_is_never_used() {
        // Anyone can compute an HMAC with the empty key.
        let forged = generate_test_header(BODY, "", T);
        let only_empty = Verifier::new("").clock(FixedClock(T));
        assert_eq!(
            only_empty.verify(BODY, Some(&forged)),
            Err(SignatureError::EmptySecret)
        );
        assert_eq!(
            only_empty.verify(BODY, None),
            Err(SignatureError::EmptySecret)
        );
        assert_eq!(
            only_empty.verify_header(BODY, &forged),
            Err(SignatureError::EmptySecret)
        );
        let mixed = Verifier::new("").add_secret(SECRET).clock(FixedClock(T));
        assert_eq!(
            mixed.verify(BODY, Some(&forged)),
            Err(SignatureError::NoMatchingSignature)
        );
        let good = generate_test_header(BODY, SECRET, T);
        assert_eq!(mixed.verify(BODY, Some(&good)).unwrap().secret_index, 1);
    }

    #[test]
    fn debug_redacts_secrets() {
        let verifier = Verifier::new("whsec_first_very_secret")
            .add_secret("second_very_secret")
            .clock(FixedClock(T));
        for text in [format!("{verifier:?}"), format!("{verifier:#?}")] {
            assert!(!text.contains("very_secret"), "{text}");
            assert!(text.contains("redacted"), "{text}");
            assert!(text.contains("FixedClock"), "{text}");
        }
    }

    #[test]
    fn error_display_never_contains_secret_or_signatures() {
        let secret = "whsec_display_secret_value";
        let v = Verifier::new(secret).clock(FixedClock(T));
        let good = generate_test_header(BODY, secret, T);
        let good_sig = good.split_once("v1=").unwrap().1.to_owned();
        let bad_sig = sig_hex(BODY, OTHER_SECRET, T);
        let stale = generate_test_header(BODY, secret, T - 1000);
        let cases: Vec<(Option<String>, &[u8])> = vec![
            (None, BODY),
            (Some(String::new()), BODY),
            (Some(format!("t=x,v1={good_sig}")), BODY),
            (Some(format!("t={T},t={T},v1={good_sig}")), BODY),
            (Some(format!("t={T},v0={good_sig}")), BODY),
            (Some(format!("t={T},v1={bad_sig}")), BODY),
            (Some(good.clone()), b"tampered"),
            (Some(stale), BODY),
            (Some(format!("{good},{}", "x=y,".repeat(3000))), BODY),
        ];
        for (header, body) in cases {
            let err = v.verify(body, header.as_deref()).unwrap_err();
            for text in [err.to_string(), format!("{err:?}")] {
                assert!(!text.contains("display_secret"), "{text}");
                assert!(!text.contains(&good_sig), "{text}");
                assert!(!text.contains(&bad_sig), "{text}");
            }
        }
        let empty = Verifier::new("").verify(BODY, None).unwrap_err();
        assert!(!empty.to_string().is_empty());
    }

    #[test]
    fn verifier_is_clone_send_sync() {
        fn assert_traits<T: Clone + Send + Sync + std::fmt::Debug + 'static>() {}
        assert_traits::<Verifier>();
        assert_traits::<Verified>();
        assert_traits::<Secret>();
        let v = verifier_at(T);
        let header = generate_test_header(BODY, SECRET, T);
        let handle = std::thread::spawn({
            let v = v.clone();
            move || v.verify(BODY, Some(&header)).is_ok()
        });
        assert!(handle.join().unwrap());
    }

    #[test]
    fn default_uses_system_clock() {
        let now = SystemClock.now();
        let header = generate_test_header(BODY, SECRET, now);
        assert!(Verifier::new(SECRET).verify(BODY, Some(&header)).is_ok());
        let old = generate_test_header(BODY, SECRET, now - 3600);
        assert!(matches!(
            Verifier::new(SECRET).verify(BODY, Some(&old)),
            Err(SignatureError::TimestampOutsideTolerance {
                tolerance_secs: 300,
                ..
            })
        ));
    }

    /// Secrets as users might configure them: non-empty, any characters.
    fn secret_strategy() -> impl Strategy<Value = String> {
        prop_oneof![
            "whsec_[A-Za-z0-9+/]{1,48}",
            any::<String>().prop_filter("non-empty", |s| !s.is_empty()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn signed_body_always_verifies(
            body in prop::collection::vec(any::<u8>(), 0..512),
            secret in secret_strategy(),
            t in any::<u32>().prop_map(i64::from),
            skew in -300i64..=300,
            upper in any::<bool>(),
        ) {
            let mut header = generate_test_header(&body, &secret, t);
            if upper {
                header = header.to_ascii_uppercase().replacen("T=", "t=", 1).replacen("V1=", "v1=", 1);
            }
            let verified = Verifier::new(secret.as_str())
                .clock(FixedClock(t + skew))
                .verify(&body, Some(&header));
            prop_assert_eq!(verified, Ok(Verified { timestamp: t, secret_index: 0 }));
        }

        #[test]
        fn any_body_byte_change_fails(
            body in prop::collection::vec(any::<u8>(), 1..512),
            secret in secret_strategy(),
            index in any::<prop::sample::Index>(),
            flip in 1u8..=255,
        ) {
            let t = T;
            let header = generate_test_header(&body, &secret, t);
            let mut tampered = body.clone();
            let i = index.index(tampered.len());
            tampered[i] ^= flip;
            let result = Verifier::new(secret.as_str()).clock(FixedClock(t)).verify(&tampered, Some(&header));
            prop_assert_eq!(result, Err(SignatureError::NoMatchingSignature));
        }

        #[test]
        fn any_timestamp_change_fails(
            body in prop::collection::vec(any::<u8>(), 0..256),
            t in any::<u32>().prop_map(i64::from),
            delta in any::<i32>().prop_filter("non-zero", |d| *d != 0),
        ) {
            let sig = sig_hex(&body, SECRET, t);
            let other = t + i64::from(delta);
            let header = format!("t={other},v1={sig}");
            // The clock agrees with the claimed timestamp, so only the MAC can reject it.
            let result = Verifier::new(SECRET).clock(FixedClock(other)).verify(&body, Some(&header));
            if other >= 0 {
                prop_assert_eq!(result, Err(SignatureError::NoMatchingSignature));
            } else {
                prop_assert!(
                    matches!(result, Err(SignatureError::MalformedHeader { .. })),
                    "{:?}",
                    result
                );
            }
        }

        #[test]
        fn any_timestamp_text_byte_change_fails(
            t in 1_000_000_000i64..=9_999_999_999,
            index in any::<prop::sample::Index>(),
            replacement in any::<u8>(),
        ) {
            let sig = sig_hex(BODY, SECRET, t);
            let mut digits = t.to_string().into_bytes();
            let i = index.index(digits.len());
            prop_assume!(digits[i] != replacement);
            digits[i] = replacement;
            // May not be UTF-8 any more; such a header cannot reach us as &str.
            if let Ok(text) = String::from_utf8(digits) {
                let header = format!("t={text},v1={sig}");
                let now = text.trim_ascii().parse::<i64>().unwrap_or(t);
                let result = Verifier::new(SECRET).clock(FixedClock(now)).verify(BODY, Some(&header));
                prop_assert!(result.is_err(), "{header}");
            }
        }

        #[test]
        fn any_signature_byte_change_fails(
            body in prop::collection::vec(any::<u8>(), 0..256),
            index in 0usize..32,
            flip in 1u8..=255,
        ) {
            let mut sig = compute_signature(&body, SECRET, T);
            sig[index] ^= flip;
            let header = format!("t={T},v1={}", to_hex(&sig));
            prop_assert_eq!(
                verifier_at(T).verify(&body, Some(&header)),
                Err(SignatureError::NoMatchingSignature)
            );
        }

        #[test]
        fn any_signature_hex_char_change_fails(
            index in 0usize..64,
            replacement in any::<char>(),
        ) {
            let original = VECTOR.as_bytes()[index] as char;
            // Changing only the letter case keeps the same byte value: allowed.
            prop_assume!(!replacement.eq_ignore_ascii_case(&original));
            let mut sig: String = VECTOR.to_owned();
            sig.replace_range(index..=index, replacement.encode_utf8(&mut [0; 4]));
            let header = format!("t={T},v1={sig}");
            prop_assert!(verifier_at(T).verify(BODY, Some(&header)).is_err(), "{header}");
        }
    }
}
