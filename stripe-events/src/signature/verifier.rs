//! [`Verifier`]: checks a `Stripe-Signature` header against the configured secrets, the body
//! and the clock.

use std::sync::Arc;
use std::time::Duration;

use hmac::digest::CtOutput;

use super::mac::{HmacSha256, KeyedMac};
use super::{Clock, Secret, SignatureError, SignatureHeader, SystemClock, parse_header};

/// The tolerance a new [`Verifier`] uses: 300 seconds, as in Stripe's
/// libraries.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

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
    /// [`FixedClock`](super::FixedClock) in tests.
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
