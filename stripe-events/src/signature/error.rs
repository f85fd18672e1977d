//! The error type returned by signature parsing and verification.

/// Why a `Stripe-Signature` header was rejected.
///
/// Every variant means "do not trust this request": answer with a 4xx status
/// and do not process the event. The variants exist to tell operators *what*
/// was wrong; none of them (nor their `Display` text) contains a secret, a
/// computed MAC, or the signatures from the header.
///
/// The checks run in this order, and the first failure is returned:
///
/// 1. configuration: [`EmptySecret`](Self::EmptySecret);
/// 2. header shape: [`MissingHeader`](Self::MissingHeader),
///    [`MalformedHeader`](Self::MalformedHeader),
///    [`NoV1Signature`](Self::NoV1Signature);
/// 3. the MAC: [`NoMatchingSignature`](Self::NoMatchingSignature);
/// 4. freshness: [`TimestampOutsideTolerance`](Self::TimestampOutsideTolerance).
///
/// Because the MAC is checked before the timestamp,
/// `TimestampOutsideTolerance` is only ever returned for a request that was
/// correctly signed with one of your secrets: it indicates a replayed (or
/// badly delayed) genuine event, or a clock problem, never a forgery.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// The `Stripe-Signature` header is absent, empty, or only whitespace.
    MissingHeader,

    /// The header could not be parsed. `reason` is a fixed description of the
    /// problem; it never quotes the header itself.
    MalformedHeader {
        /// What was wrong, e.g. `"duplicate timestamp (t=)"`.
        reason: &'static str,
    },

    /// The header is well formed but carries no `v1` entry at all (for
    /// example only a `v0` test signature, or only unknown schemes).
    NoV1Signature,

    /// None of the header's `v1` signatures is the HMAC-SHA256 of the payload
    /// under any configured secret: the body was altered, the secret is wrong
    /// (test vs. live mode, another endpoint, a stray newline), or the
    /// request is forged.
    NoMatchingSignature,

    /// The signature is valid but the signed timestamp is further than the
    /// tolerance from the verifier's clock, in the past or in the future.
    TimestampOutsideTolerance {
        /// The `t=` value from the header (unix seconds).
        timestamp: i64,
        /// The verifier clock's time when the check ran (unix seconds).
        now: i64,
        /// The configured tolerance, in whole seconds.
        tolerance_secs: u64,
    },

    /// Every configured secret is the empty string. An empty HMAC key is
    /// public knowledge, so such a secret is never used (this usually means
    /// an unset environment variable).
    EmptySecret,
}

impl std::fmt::Display for SignatureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::MissingHeader => f.write_str("missing or empty Stripe-Signature header"),
            Self::MalformedHeader { reason } => {
                write!(f, "malformed Stripe-Signature header: {reason}")
            }
            Self::NoV1Signature => f.write_str("Stripe-Signature header contains no v1 signature"),
            Self::NoMatchingSignature => f.write_str(
                "no v1 signature in the Stripe-Signature header matches the payload \
                 for any configured secret",
            ),
            Self::TimestampOutsideTolerance {
                timestamp,
                now,
                tolerance_secs,
            } => write!(
                f,
                "Stripe-Signature timestamp {timestamp} is more than {tolerance_secs} s \
                 away from the current time {now}"
            ),
            Self::EmptySecret => {
                f.write_str("no usable webhook secret is configured (every secret is empty)")
            }
        }
    }
}

impl std::error::Error for SignatureError {}

#[cfg(test)]
mod tests {
    use super::SignatureError;

    #[test]
    fn display_texts_are_descriptive() {
        assert_eq!(
            SignatureError::MalformedHeader {
                reason: "duplicate timestamp (t=)"
            }
            .to_string(),
            "malformed Stripe-Signature header: duplicate timestamp (t=)"
        );
        assert_eq!(
            SignatureError::TimestampOutsideTolerance {
                timestamp: 1,
                now: 302,
                tolerance_secs: 300
            }
            .to_string(),
            "Stripe-Signature timestamp 1 is more than 300 s away from the current time 302"
        );
        assert!(
            SignatureError::NoV1Signature
                .to_string()
                .contains("no v1 signature")
        );
    }

    #[test]
    fn is_clone_eq_send_sync_and_std_error() {
        fn assert_traits<T: Clone + PartialEq + Send + Sync + std::error::Error + 'static>() {}
        assert_traits::<SignatureError>();
        let e = SignatureError::NoMatchingSignature;
        assert_eq!(e.clone(), e);
    }
}
