//! [`RetryPolicy`]: when queue mode runs a failed event's handlers again, and when it gives up.

use std::time::Duration;

/// How queue-mode workers retry an event whose handlers failed (see
/// [`ReceiverConfig::retry`](super::ReceiverConfig::retry)): exponential backoff with "equal
/// jitter", up to a number of attempts, after which the event is
/// [dead](crate::store::Status::Dead) (listed, replayable, never retried by the workers).
///
/// After attempt `n` fails, the next one waits a random time between half and all of
/// `min(cap, base x 2^(n-1))`. Equal jitter rather than full jitter (anywhere between zero
/// and that ceiling): with full jitter a retry can come almost at once even late in the
/// schedule, whereas with equal jitter the waits never shrink from one attempt to the next
/// (each one's lower bound is the previous one's upper bound until the cap) and still spread
/// the retries of many events that failed together (a dependency's outage) over half the
/// interval, so that they do not all hit it again at the same moment.
///
/// The defaults (base 10 s, cap 1 h, 12 attempts) fit the work webhook handlers do: the first
/// retries come within seconds to minutes, which is what lock timeouts, deadlocks, a dropped
/// connection or a `502` from an API need; later ones space out to the hourly cap, so that an
/// outage of a dependency shorter than about 1.7 hours (the eleven waits add up to between 1.7
/// and 3.4 hours) ends with the events processed without anyone acting, and without hammering the
/// dependency meanwhile. Past that, a human is needed anyway (a bug, a revoked key): the event
/// is dead, `events list --status dead` shows it with its error, and `events replay` runs it
/// once the cause is fixed. (Stripe's own schedule, up to three days, matters less here: the
/// event is already safe in the store.)
///
/// ```
/// use std::time::Duration;
/// use stripe_events::receiver::RetryPolicy;
///
/// let policy = RetryPolicy::new(Duration::from_secs(10), Duration::from_secs(3600), 12);
/// // After the first failure: 5 to 10 s; after the third: 20 to 40 s; late ones: 30 to 60 min.
/// assert_eq!(policy.delay(1, 0.0), Duration::from_secs(5));
/// assert_eq!(policy.delay(3, 1.0), Duration::from_secs(40));
/// assert_eq!(policy.delay(11, 0.0), Duration::from_secs(1800));
/// assert!(policy.gives_up_after(12) && !policy.gives_up_after(11));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    base: Duration,
    cap: Duration,
    max_attempts: u32,
}

impl RetryPolicy {
    /// The default wait's ceiling after the first failure: 10 s.
    pub const DEFAULT_BASE: Duration = Duration::from_secs(10);
    /// The default cap on a wait: an hour.
    pub const DEFAULT_CAP: Duration = Duration::from_secs(3600);
    /// The default number of attempts before an event is dead: 12.
    pub const DEFAULT_MAX_ATTEMPTS: u32 = 12;

    /// Waits of `base x 2^(n-1)` after failure `n`, at most `cap` (both before jitter), and
    /// `max_attempts` attempts in all (the first one included) before the event is dead.
    ///
    /// # Panics
    ///
    /// If `max_attempts` is zero, or `cap` is shorter than `base`.
    #[must_use]
    pub fn new(base: Duration, cap: Duration, max_attempts: u32) -> Self {
        assert!(max_attempts > 0, "max_attempts must be at least 1");
        assert!(
            cap >= base,
            "the retry cap must not be shorter than its base"
        );
        Self {
            base,
            cap,
            max_attempts,
        }
    }

    /// The wait's ceiling after the first failure.
    pub fn base(&self) -> Duration {
        self.base
    }

    /// The longest wait.
    pub fn cap(&self) -> Duration {
        self.cap
    }

    /// How many attempts an event gets before it is dead.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether a failure of attempt `attempt` (1 for the first) is the last one: the event is
    /// then dead instead of retried.
    pub fn gives_up_after(&self, attempt: u32) -> bool {
        attempt >= self.max_attempts
    }

    /// The ceiling of the wait after attempt `attempt` failed: `min(cap, base x 2^(attempt-1))`
    /// (attempt 0 counts as 1).
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1);
        self.base
            .checked_mul(1u32.checked_shl(doublings).unwrap_or(u32::MAX))
            .map_or(self.cap, |wait| wait.min(self.cap))
    }

    /// The wait after attempt `attempt` failed, for a `jitter` drawn uniformly from `0.0..=1.0`
    /// (clamped to it): `ceiling / 2 + ceiling / 2 x jitter`. Workers draw the jitter at
    /// random; a test passes its own.
    pub fn delay(&self, attempt: u32, jitter: f64) -> Duration {
        let half = self.ceiling(attempt) / 2;
        let jitter = if jitter.is_nan() {
            0.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        half + half.mul_f64(jitter)
    }
}

impl Default for RetryPolicy {
    /// Base 10 s, cap 1 h, 12 attempts (see the type's documentation for why).
    fn default() -> Self {
        Self::new(
            Self::DEFAULT_BASE,
            Self::DEFAULT_CAP,
            Self::DEFAULT_MAX_ATTEMPTS,
        )
    }
}

/// A jitter for [`RetryPolicy::delay`]: uniform in `0.0..1.0`, from the standard library's
/// randomly keyed SipHash (each `RandomState` takes fresh keys), so no RNG crate is needed.
pub(super) fn random_jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let bits = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    // The top 53 bits, as a fraction: exactly representable.
    #[allow(clippy::cast_precision_loss)]
    let fraction = (bits >> 11) as f64 / (1u64 << 53) as f64;
    fraction
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A seeded source of jitters (splitmix64), so the test sees the same "random" draws on
    /// every run.
    struct Seeded(u64);

    impl Seeded {
        fn next(&mut self) -> f64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            #[allow(clippy::cast_precision_loss)]
            let fraction = (z >> 11) as f64 / (1u64 << 53) as f64;
            fraction
        }
    }

    #[test]
    fn delays_grow_with_jitter_and_stay_within_the_cap() {
        let policy = RetryPolicy::default();
        let mut random = Seeded(19);
        for _run in 0..200 {
            let mut previous = Duration::ZERO;
            for attempt in 1..=40 {
                let ceiling = policy.ceiling(attempt);
                let delay = policy.delay(attempt, random.next());
                assert!(
                    delay >= ceiling / 2 && delay <= ceiling,
                    "{attempt}: {delay:?}"
                );
                assert!(delay <= policy.cap(), "{attempt}: {delay:?}");
                assert!(
                    delay >= previous || ceiling == policy.cap(),
                    "attempt {attempt}: {delay:?} after {previous:?}"
                );
                previous = delay;
            }
        }
        // The ceilings double from the base up to the cap, and stay there.
        let ceilings: Vec<u64> = (1..=12).map(|n| policy.ceiling(n).as_secs()).collect();
        assert_eq!(
            ceilings,
            [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600, 3600]
        );
        assert_eq!(policy.ceiling(u32::MAX), policy.cap(), "no overflow");
        assert_eq!(policy.ceiling(0), policy.base());
        // The jitter really spreads: the draws are not all at one end.
        let draws: Vec<Duration> = (0..100).map(|_| policy.delay(5, random.next())).collect();
        let low = draws
            .iter()
            .filter(|d| **d < Duration::from_secs(120))
            .count();
        assert!((20..=80).contains(&low), "{low} of 100 in the lower half");
        // Out-of-range jitters are clamped.
        assert_eq!(policy.delay(1, -3.0), Duration::from_secs(5));
        assert_eq!(policy.delay(1, 7.0), Duration::from_secs(10));
        assert_eq!(policy.delay(1, f64::NAN), Duration::from_secs(5));
    }

    #[test]
    fn the_last_attempt_gives_up_and_bad_policies_are_refused() {
        let policy = RetryPolicy::new(Duration::from_millis(10), Duration::from_millis(40), 3);
        assert!(!policy.gives_up_after(1));
        assert!(!policy.gives_up_after(2));
        assert!(policy.gives_up_after(3));
        assert!(
            policy.gives_up_after(9),
            "attempts beyond (replays) give up too"
        );
        assert_eq!(policy.delay(9, 1.0), Duration::from_millis(40));
        assert!(
            std::panic::catch_unwind(|| RetryPolicy::new(Duration::ZERO, Duration::ZERO, 0))
                .is_err()
        );
        assert!(
            std::panic::catch_unwind(|| RetryPolicy::new(
                Duration::from_secs(2),
                Duration::from_secs(1),
                3
            ))
            .is_err()
        );
    }

    #[test]
    fn random_jitters_are_fractions_and_vary() {
        let draws: Vec<f64> = (0..64).map(|_| random_jitter()).collect();
        assert!(draws.iter().all(|j| (0.0..1.0).contains(j)), "{draws:?}");
        let first = draws[0];
        assert!(draws.iter().any(|&j| (j - first).abs() > f64::EPSILON));
    }
}
