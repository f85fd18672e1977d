//! [`Secret`]: a webhook signing secret that does not leak through `Debug`.

use std::fmt;

/// A webhook endpoint's signing secret (`whsec_...`), used verbatim as the
/// HMAC-SHA256 key.
///
/// The whole string is the key, `whsec_` prefix included; it is not base64
/// decoded and not trimmed, so a secret read from a file with a trailing
/// newline will not verify anything (it fails closed with
/// [`SignatureError::NoMatchingSignature`](super::SignatureError::NoMatchingSignature)).
///
/// `Secret` deliberately has no `Display` and no `PartialEq`, and its `Debug`
/// output never contains the secret:
///
/// ```
/// use stripe_events::signature::Secret;
///
/// let secret = Secret::from("whsec_do_not_print_me");
/// assert_eq!(format!("{secret:?}"), r#"Secret("whsec_…" redacted)"#);
/// ```
///
/// On drop the bytes of the string are overwritten with zeros (best effort:
/// copies made before the `Secret` was created, e.g. by reading an
/// environment variable, are out of its reach).
#[derive(Clone)]
pub struct Secret(String);

/// The prefix Stripe puts on every webhook signing secret.
const STRIPE_PREFIX: &str = "whsec_";

impl Secret {
    /// Wraps a secret string. Same as `Secret::from`.
    #[must_use]
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself. Named so that every place that reads it stands out
    /// in review.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `true` for the empty string. A [`Verifier`](super::Verifier) never
    /// uses an empty secret, since anyone can compute MACs with an empty key.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl From<&str> for Secret {
    fn from(secret: &str) -> Self {
        Self(secret.to_owned())
    }
}

impl From<&String> for Secret {
    fn from(secret: &String) -> Self {
        Self(secret.clone())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only the public, constant prefix may be shown; anything else about
        // the value (even its length) stays hidden.
        if self.0.starts_with(STRIPE_PREFIX) {
            f.write_str("Secret(\"whsec_…\" redacted)")
        } else {
            f.write_str("Secret(redacted)")
        }
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        let mut bytes = std::mem::take(&mut self.0).into_bytes();
        bytes.fill(0);
        // Keep the zeroing from being optimised away as a dead store.
        std::hint::black_box(&mut bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_never_shows_the_secret() {
        let s = Secret::from("whsec_super_secret_value");
        let dbg = format!("{s:?}");
        assert_eq!(dbg, r#"Secret("whsec_…" redacted)"#);
        assert!(!dbg.contains("super_secret_value"));
        let alt = format!("{s:#?}");
        assert!(!alt.contains("super_secret_value"));

        let other = Secret::from(String::from("hunter2"));
        let dbg = format!("{other:?}");
        assert_eq!(dbg, "Secret(redacted)");
        assert!(!dbg.contains("hunter2"));
    }

    #[test]
    fn conversions_and_expose() {
        let owned = String::from("whsec_abc");
        assert_eq!(Secret::from(&owned).expose(), "whsec_abc");
        assert_eq!(Secret::from(owned).expose(), "whsec_abc");
        assert_eq!(Secret::from("whsec_abc").expose(), "whsec_abc");
        assert_eq!(Secret::new("x").expose(), "x");
        assert!(Secret::from("").is_empty());
        assert!(!Secret::from(" ").is_empty());
        // Not trimmed: the key is used exactly as given.
        assert_eq!(Secret::from(" k\n").expose(), " k\n");
        let cloned = Secret::from("whsec_c").clone();
        assert_eq!(cloned.expose(), "whsec_c");
    }
}
