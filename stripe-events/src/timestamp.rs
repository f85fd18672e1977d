//! Unix timestamps (`format: unix-time` in the spec).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::json::{Error, FromJson, Parser};

/// Seconds since the Unix epoch, as Stripe sends them (`created`, `period_end`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serialize", derive(serde::Serialize), serde(transparent))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// Seconds since the Unix epoch.
    pub fn as_secs(self) -> i64 {
        self.0
    }

    /// The same instant as a [`SystemTime`].
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// let t = stripe_events::Timestamp(1_700_000_000);
    /// assert_eq!(t.to_system_time(), UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    /// ```
    pub fn to_system_time(self) -> SystemTime {
        if self.0 >= 0 {
            UNIX_EPOCH + Duration::from_secs(self.0.unsigned_abs())
        } else {
            UNIX_EPOCH - Duration::from_secs(self.0.unsigned_abs())
        }
    }
}

impl From<i64> for Timestamp {
    fn from(secs: i64) -> Self {
        Self(secs)
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl FromJson for Timestamp {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
        p.parse_i64().map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_integers_and_converts_both_sides_of_the_epoch() {
        let t: Timestamp = crate::json::from_slice(b"1712345678").unwrap();
        assert_eq!(t.as_secs(), 1_712_345_678);
        assert_eq!(
            Timestamp(-10).to_system_time(),
            UNIX_EPOCH - Duration::from_secs(10)
        );
        assert!(crate::json::from_slice::<Timestamp>(b"\"1712345678\"").is_err());
    }
}
