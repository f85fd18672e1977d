//! The forged-delivery budget: how much of the deliveries whose signature did not verify is
//! stored, so that the record of an attack cannot become the attack (a disk filled with it).
//!
//! Each forged body is cut to a short prefix, and a token bucket (bytes and rows per period,
//! refilled evenly) decides whether it is stored at all; what does not fit is counted, and a
//! warning logged at most once per period. Authentic deliveries never go through it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::body::Bytes;

use super::config::ForgedBudget;

/// The budget of one receiver (shared by all its connections).
pub(super) struct Forged {
    prefix: usize,
    budget: ForgedBudget,
    bucket: Mutex<Bucket>,
    not_stored: AtomicU64,
}

/// What is left of the budget, as of `refilled`.
struct Bucket {
    bytes: f64,
    rows: f64,
    refilled: Instant,
    /// When a warning was last logged, and how many were dropped since.
    warned: Option<Instant>,
    dropped_since_warning: u64,
}

impl Forged {
    /// A full budget.
    pub(super) fn new(prefix: usize, budget: ForgedBudget) -> Self {
        Self {
            prefix: prefix.min(crate::store::MAX_INVALID_BODY),
            budget,
            bucket: Mutex::new(Bucket {
                bytes: as_f64(budget.bytes),
                rows: f64::from(budget.rows),
                refilled: Instant::now(),
                warned: None,
                dropped_since_warning: 0,
            }),
            not_stored: AtomicU64::new(0),
        }
    }

    /// What to store of the forged delivery `body`: its prefix, or `None` (counted) when the
    /// budget is spent.
    pub(super) fn admit(&self, body: Bytes) -> Option<Bytes> {
        self.admit_at(body, Instant::now())
    }

    fn admit_at(&self, body: Bytes, now: Instant) -> Option<Bytes> {
        // A copy, not a slice: the whole body's buffer is freed now, not after the store write.
        let kept = Bytes::copy_from_slice(&body[..body.len().min(self.prefix)]);
        let cost = as_f64(kept.len());
        let mut bucket = self
            .bucket
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.refill(&mut bucket, now);
        if bucket.rows >= 1.0 && bucket.bytes >= cost {
            bucket.rows -= 1.0;
            bucket.bytes -= cost;
            return Some(kept);
        }
        let total = self.not_stored.fetch_add(1, Ordering::Relaxed) + 1;
        bucket.dropped_since_warning += 1;
        let due = bucket
            .warned
            .is_none_or(|at| now.duration_since(at) >= self.budget.per);
        if due {
            tracing::warn!(
                dropped = bucket.dropped_since_warning,
                total_not_stored = total,
                "forged webhook deliveries over the storage budget: answered 400, not stored"
            );
            bucket.warned = Some(now);
            bucket.dropped_since_warning = 0;
        }
        None
    }

    /// Adds what `now - refilled` earns, up to a full budget.
    fn refill(&self, bucket: &mut Bucket, now: Instant) {
        let share =
            now.duration_since(bucket.refilled).as_secs_f64() / self.budget.per.as_secs_f64();
        let full_bytes = as_f64(self.budget.bytes);
        let full_rows = f64::from(self.budget.rows);
        bucket.bytes = (bucket.bytes + share * full_bytes).min(full_bytes);
        bucket.rows = (bucket.rows + share * full_rows).min(full_rows);
        bucket.refilled = now;
    }

    /// Forged deliveries answered but not stored, since the receiver started.
    pub(super) fn not_stored(&self) -> u64 {
        self.not_stored.load(Ordering::Relaxed)
    }
}

/// A byte count as a float (exact up to 2^53, far beyond any budget).
#[allow(clippy::cast_precision_loss)]
fn as_f64(n: usize) -> f64 {
    n as f64
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn budget(bytes: usize, rows: u32) -> Forged {
        Forged::new(
            4,
            ForgedBudget {
                bytes,
                rows,
                per: Duration::from_secs(60),
            },
        )
    }

    #[test]
    fn keeps_a_prefix_until_the_budget_is_spent_then_counts() {
        let forged = budget(10, 100);
        let now = Instant::now();
        let body = Bytes::from_static(b"forged body");
        assert_eq!(forged.admit_at(body.clone(), now).unwrap(), "forg");
        assert_eq!(forged.admit_at(body.clone(), now).unwrap(), "forg");
        assert_eq!(
            forged.admit_at(body.clone(), now),
            None,
            "8 of 10 bytes spent"
        );
        assert_eq!(
            forged.admit_at(Bytes::from_static(b"ab"), now).unwrap(),
            "ab"
        );
        assert_eq!(forged.admit_at(body, now), None);
        assert_eq!(forged.not_stored(), 2);
    }

    #[test]
    fn rows_are_a_budget_of_their_own() {
        let forged = budget(1000, 2);
        let now = Instant::now();
        assert!(forged.admit_at(Bytes::new(), now).is_some());
        assert!(forged.admit_at(Bytes::new(), now).is_some());
        assert!(forged.admit_at(Bytes::new(), now).is_none());
        assert_eq!(forged.not_stored(), 1);
    }

    #[test]
    fn the_budget_refills_evenly_over_its_period_up_to_full() {
        let forged = budget(8, 100);
        let start = Instant::now();
        let body = Bytes::from_static(b"abcd");
        assert!(forged.admit_at(body.clone(), start).is_some());
        assert!(forged.admit_at(body.clone(), start).is_some());
        assert!(forged.admit_at(body.clone(), start).is_none());
        // Half the period earns half the bytes: one more prefix of 4.
        let half = start + Duration::from_secs(30);
        assert!(forged.admit_at(body.clone(), half).is_some());
        assert!(forged.admit_at(body.clone(), half).is_none());
        // A long quiet time refills to the full budget, no more.
        let later = start + Duration::from_secs(3600);
        assert!(forged.admit_at(body.clone(), later).is_some());
        assert!(forged.admit_at(body.clone(), later).is_some());
        assert!(forged.admit_at(body, later).is_none());
        assert_eq!(forged.not_stored(), 3);
    }

    #[test]
    fn the_prefix_never_exceeds_what_the_store_keeps() {
        let forged = Forged::new(
            usize::MAX,
            ForgedBudget {
                bytes: usize::MAX,
                rows: 1,
                per: Duration::from_secs(1),
            },
        );
        let body = Bytes::from(vec![b'x'; crate::store::MAX_INVALID_BODY + 1]);
        let kept = forged.admit(body).unwrap();
        assert_eq!(kept.len(), crate::store::MAX_INVALID_BODY);
    }
}
