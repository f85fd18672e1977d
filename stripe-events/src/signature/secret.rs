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

    /// Whether this can be an endpoint's secret: not empty and not only
    /// whitespace (what an unset or blank configuration value gives). Stripe's
    /// secrets are `whsec_` and base64 text; nothing else about the value is
    /// checked, so a test secret of any other shape stays usable.
    ///
    /// ```
    /// use stripe_events::signature::{Secret, SecretError};
    ///
    /// assert_eq!(Secret::from("whsec_abc").check(), Ok(()));
    /// assert_eq!(Secret::from("").check(), Err(SecretError::Empty));
    /// assert_eq!(Secret::from(" \n").check(), Err(SecretError::Whitespace));
    /// ```
    ///
    /// # Errors
    ///
    /// [`SecretError`] says which.
    pub fn check(&self) -> Result<(), SecretError> {
        if self.0.is_empty() {
            Err(SecretError::Empty)
        } else if self.0.trim().is_empty() {
            Err(SecretError::Whitespace)
        } else {
            Ok(())
        }
    }
}

/// Why a string cannot be an endpoint's signing secret (see [`Secret::check`]). The text never
/// contains the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretError {
    /// The secret is the empty string: with an empty key anyone can sign a delivery, so it
    /// would reject every one (this usually means an unset environment variable).
    Empty,
    /// The secret is only whitespace (a blank configuration value).
    Whitespace,
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "the webhook signing secret is empty",
            Self::Whitespace => "the webhook signing secret is only whitespace",
        })
    }
}

impl std::error::Error for SecretError {}

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
    use super::{Secret, SecretError};

    #[test]
    fn blank_secrets_are_refused_by_check() {
        assert_eq!(Secret::from("").check(), Err(SecretError::Empty));
        for blank in [" ", "\n", " \t\r\n ", "\u{2003}"] {
            assert_eq!(
                Secret::from(blank).check(),
                Err(SecretError::Whitespace),
                "{blank:?}"
            );
        }
        for usable in ["whsec_abc", "x", " k\n"] {
            assert_eq!(Secret::from(usable).check(), Ok(()), "{usable:?}");
        }
        assert_eq!(
            SecretError::Empty.to_string(),
            "the webhook signing secret is empty"
        );
        assert_eq!(
            SecretError::Whitespace.to_string(),
            "the webhook signing secret is only whitespace"
        );
    }

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
