//! When to retry a request and how long to wait first: exponential backoff with jitter,
//! overridden by what Stripe says (`Stripe-Should-Retry`, `Retry-After`). Pure functions, so
//! the policy is tested without a clock or a server.

use std::time::Duration;

/// How a [`Client`](super::Client) retries its requests (all of them idempotent `GET`s).
///
/// The wait before retry `n` (1, 2, ...) is `initial_backoff * 2^(n-1)`, capped at
/// `max_backoff`, then scaled by a random factor in `[0.5, 1.0]` (jitter, so that many
/// clients failing at once do not retry at once). A `Retry-After` header of at most
/// `max_retry_after` seconds replaces it when longer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0: never retry). Default 2.
    pub max_retries: u32,
    /// The wait before the first retry, before jitter. Default 500 ms.
    pub initial_backoff: Duration,
    /// The longest wait computed by backoff, before jitter. Default 5 s.
    pub max_backoff: Duration,
    /// The longest `Retry-After` honoured; a longer one ends the retries (the error is
    /// returned at once rather than blocking the caller). Default 60 s.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// What the response (or its absence) says about retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// No response: the connection failed or the attempt timed out.
    NoResponse,
    /// A response with this status, and Stripe's `Stripe-Should-Retry` and `Retry-After`
    /// headers when present.
    Status {
        status: u16,
        should_retry: Option<bool>,
        retry_after: Option<Duration>,
    },
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1-based) after `outcome`, or `None` when the
    /// request must not be retried (success, a client error, `Stripe-Should-Retry: false`,
    /// retries used up, a `Retry-After` beyond [`RetryPolicy::max_retry_after`]). `jitter`
    /// is a random number in `[0, 1)`.
    pub(crate) fn wait(&self, outcome: Outcome, retry: u32, jitter: f64) -> Option<Duration> {
        if retry > self.max_retries {
            return None;
        }
        let retry_after = match outcome {
            Outcome::NoResponse => None,
            Outcome::Status {
                status,
                should_retry,
                retry_after,
            } => {
                let retryable = match should_retry {
                    Some(said) => said,
                    // Stripe's SDKs: a lock timeout (409), rate limiting (429) and server errors.
                    None => status == 409 || status == 429 || status >= 500,
                };
                if !retryable || (200..300).contains(&status) {
                    return None;
                }
                retry_after
            }
        };
        let doubled = self.initial_backoff.saturating_mul(
            1u32.checked_shl(retry.saturating_sub(1))
                .unwrap_or(u32::MAX),
        );
        let backoff = doubled.min(self.max_backoff).mul_f64(0.5 + 0.5 * jitter);
        match retry_after {
            Some(after) if after > self.max_retry_after => None,
            Some(after) => Some(after.max(backoff)),
            None => Some(backoff),
        }
    }
}

/// `Retry-After` as a number of seconds (the form Stripe sends; an HTTP date is ignored).
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// A number in `[0, 1)` that differs between calls and processes: jitter needs spread, not
/// cryptographic quality (std's randomly seeded hasher, fed a counter; no `rand` dependency).
pub(crate) fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16) -> Outcome {
        Outcome::Status {
            status,
            should_retry: None,
            retry_after: None,
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_and_jitter_scales_it_by_half_to_one() {
        let p = RetryPolicy {
            max_retries: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(1000),
            max_retry_after: Duration::from_secs(60),
        };
        let full: Vec<u128> = (1..=6)
            .map(|n| p.wait(status(503), n, 1.0).unwrap().as_millis())
            .collect();
        assert_eq!(full, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(
            p.wait(Outcome::NoResponse, 3, 0.0),
            Some(Duration::from_millis(200))
        );
        // A retry count that would overflow the doubling is capped, not a panic.
        assert_eq!(
            p.wait(status(500), 10, 0.0),
            Some(Duration::from_millis(500))
        );
    }

    #[test]
    fn what_is_retried() {
        let p = RetryPolicy::default();
        for s in [409, 429, 500, 502, 503, 504] {
            assert!(p.wait(status(s), 1, 0.5).is_some(), "{s}");
        }
        for s in [200, 400, 401, 403, 404] {
            assert_eq!(p.wait(status(s), 1, 0.5), None, "{s}");
        }
        assert!(p.wait(Outcome::NoResponse, 1, 0.5).is_some());
        assert_eq!(p.wait(Outcome::NoResponse, 3, 0.5), None, "retries used up");
        let said = |should_retry, status| Outcome::Status {
            status,
            should_retry: Some(should_retry),
            retry_after: None,
        };
        assert_eq!(p.wait(said(false, 503), 1, 0.5), None);
        assert!(p.wait(said(true, 400), 1, 0.5).is_some());
    }

    #[test]
    fn retry_after_lengthens_the_wait_and_too_long_a_one_stops() {
        let p = RetryPolicy::default();
        let after = |secs| Outcome::Status {
            status: 429,
            should_retry: None,
            retry_after: Some(Duration::from_secs(secs)),
        };
        assert_eq!(p.wait(after(3), 1, 0.0), Some(Duration::from_secs(3)));
        assert_eq!(p.wait(after(0), 1, 0.0), Some(Duration::from_millis(250)));
        assert_eq!(p.wait(after(61), 1, 0.0), None);
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }

    #[test]
    fn jitter_is_in_range_and_varies() {
        let values: Vec<f64> = (0..100).map(|_| jitter()).collect();
        assert!(values.iter().all(|v| (0.0..1.0).contains(v)));
        let distinct = values
            .iter()
            .map(|v| v.to_bits())
            .collect::<std::collections::BTreeSet<_>>();
        assert!(distinct.len() > 90, "{distinct:?}");
    }
}
