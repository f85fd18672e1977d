//! The MAC itself: HMAC-SHA256 of `"{t}.{body}"`, with the key schedule computed once per
//! secret.

use hmac::digest::CtOutput;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::Secret;

pub(super) type HmacSha256 = Hmac<Sha256>;

/// Writes `value` in decimal into the end of `buf` and returns that part.
/// 20 bytes hold any `i64` (19 digits and a sign).
pub(super) fn decimal(value: i64, buf: &mut [u8; 20]) -> &[u8] {
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
/// Use [`to_hex`](super::to_hex) to get the form found in the header, or
/// [`generate_test_header`](super::generate_test_header) for a whole header. To *check* a signature, use
/// [`Verifier`](super::Verifier), which compares in constant time; comparing this output with
/// `==` does not.
#[must_use]
pub fn compute_signature(payload: &[u8], secret: &str, timestamp: i64) -> [u8; 32] {
    KeyedMac::from_key(secret.as_bytes())
        .sign(payload, timestamp)
        .into_bytes()
        .into()
}

/// HMAC-SHA256 with the key already absorbed (its inner and outer pads hashed), cloned for each
/// delivery: the key schedule is computed once per secret, not once per request.
#[derive(Clone)]
pub(super) struct KeyedMac(HmacSha256);

impl KeyedMac {
    /// The state for a secret; `None` for an empty one, which is never used.
    pub(super) fn new(secret: &Secret) -> Option<Self> {
        (!secret.is_empty()).then(|| Self::from_key(secret.expose().as_bytes()))
    }

    fn from_key(key: &[u8]) -> Self {
        // HMAC takes keys of any length (long keys are hashed), so this cannot fail.
        Self(HmacSha256::new_from_slice(key).expect("HMAC-SHA256 accepts keys of any length"))
    }

    /// The `v1` signature of `payload` signed at `timestamp` (see [`compute_signature`]): the
    /// HMAC of `"{timestamp}.{payload}"`, fed in three `update` calls so the payload is read
    /// once and never copied.
    pub(super) fn sign(mut self, payload: &[u8], timestamp: i64) -> CtOutput<HmacSha256> {
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
