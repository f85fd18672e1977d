//! Time sources for the timestamp tolerance check.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of the current time, in unix seconds.
///
/// [`Verifier`](super::Verifier) uses [`SystemClock`] unless told otherwise;
/// tests use [`FixedClock`], or their own implementation (an `Arc<C>` is a
/// `Clock` too, so a test can keep a handle to a clock it moves).
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current time as seconds since 1970-01-01T00:00:00Z (negative
    /// before that).
    fn now(&self) -> i64;
}

/// The real time, from [`SystemTime::now`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            Err(before) => {
                i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |secs| -secs)
            }
        }
    }
}

/// A clock stopped at the given unix time, for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(pub i64);

impl Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0
    }
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now(&self) -> i64 {
        (**self).now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_clock_is_after_2023() {
        // 2023-11-14T22:13:20Z
        assert!(SystemClock.now() > 1_700_000_000);
    }

    #[test]
    fn fixed_clock_and_wrappers() {
        assert_eq!(FixedClock(42).now(), 42);
        assert_eq!(FixedClock(-5).now(), -5);
        let shared: Arc<dyn Clock> = Arc::new(FixedClock(7));
        assert_eq!(shared.now(), 7);
    }
}
