//! The statements of [`PostgresStore`](super::PostgresStore): each call is one statement, so
//! atomic on its own; data-modifying CTEs write the history row in the same statement.

/// The delivery columns `from_row` reads, in its order, then `$tail`.
macro_rules! select_deliveries {
    ($tail:literal) => {
        concat!(
            "SELECT row_id, event_id, event_type, api_version, account, livemode, received_at, \
             body, signature_valid, status, attempts, last_error, valid \
             FROM stripe_events_deliveries ",
            $tail
        )
    };
}

/// The queue's pick of due rows, in the `stripe_events_deliveries_runnable` index's order,
/// after its `WHERE` (`$extra`: more conditions, `AND ...`; `$1`: now, `$3`: how many): one
/// text for every claim, so that they all stay within that partial index.
macro_rules! pick_due {
    ($extra:literal) => {
        concat!(
            "SELECT row_id FROM stripe_events_deliveries
    WHERE NOT rejected AND run_after IS NOT NULL AND run_after <= $1
      AND status IN ('pending', 'failed')
      AND (lease_until IS NULL OR lease_until <= $1)",
            $extra,
            "
    ORDER BY run_after, row_id
    LIMIT $3
    FOR UPDATE SKIP LOCKED"
        )
    };
}

/// The rest of a queue claim after its `next` (the row ids picked): claimed and logged; the
/// claimed rows' `event_id, attempts, body, run_after, row_id`, in the index's order.
macro_rules! claim_and_log {
    () => {
        ", claimed AS (
    UPDATE stripe_events_deliveries AS d
    SET status = 'pending', attempts = d.attempts + 1, lease_until = $2
    FROM next WHERE d.row_id = next.row_id
    RETURNING d.event_id, d.attempts, d.body, d.run_after, d.row_id
), logged AS (
    INSERT INTO stripe_events_history (event_id, at, status, attempt)
    SELECT event_id, $1, 'pending', attempts FROM claimed
)
SELECT event_id, attempts, body, run_after, row_id FROM claimed ORDER BY run_after, row_id"
    };
}

pub(super) const RECORD: &str = "
INSERT INTO stripe_events_deliveries (event_id, event_type, api_version, account, livemode,
    received_at, body, signature_valid, rejected, status, attempts, run_after)
VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, FALSE, 'pending', 0, $6)
ON CONFLICT (event_id) WHERE NOT rejected DO UPDATE
    SET run_after = EXCLUDED.received_at
    WHERE stripe_events_deliveries.status = 'failed'
      AND stripe_events_deliveries.run_after IS NULL";

pub(super) const RECORD_REJECTED: &str = "
INSERT INTO stripe_events_deliveries (event_id, event_type, received_at, body, signature_valid,
    rejected, status, attempts, last_error)
VALUES ($1, $2, $3, $4, $5, TRUE, 'failed', 0, $6)";

/// The claim and its history row in one statement; when nothing was claimed, the status the
/// statement's snapshot saw (none: no such event) says why.
pub(super) const CLAIM: &str = "
WITH claimed AS (
    UPDATE stripe_events_deliveries
    SET status = 'pending', attempts = attempts + 1, lease_until = $3
    WHERE event_id = $1 AND NOT rejected AND status <> 'processed'
      AND (lease_until IS NULL OR lease_until <= $2)
    RETURNING event_id, attempts
), logged AS (
    INSERT INTO stripe_events_history (event_id, at, status, attempt)
    SELECT event_id, $2, 'pending', attempts FROM claimed
)
SELECT (SELECT attempts FROM claimed),
       (SELECT status FROM stripe_events_deliveries WHERE event_id = $1 AND NOT rejected)";

/// A result, its history row, and when the queue may take it again (`$5`: a retry's time;
/// else a release at once, any other result never, unless replayed); only while claim `$6`
/// is the event's latest, when given. One row: the attempt recorded (NULL when nothing was),
/// and the event's latest attempt (NULL: no such event).
pub(super) const FINISH: &str = "
WITH done AS (
    UPDATE stripe_events_deliveries
    SET status = $2, last_error = $3, lease_until = NULL,
        run_after = CASE WHEN $5::BIGINT IS NOT NULL THEN $5::BIGINT
                         WHEN $2 = 'pending' THEN $4::BIGINT END
    WHERE event_id = $1 AND NOT rejected AND ($6::INTEGER IS NULL OR attempts = $6::INTEGER)
    RETURNING event_id, attempts
), logged AS (
    INSERT INTO stripe_events_history (event_id, at, status, attempt, error)
    SELECT event_id, $4, $2, attempts, $3 FROM done
)
SELECT (SELECT attempts FROM done),
       (SELECT attempts FROM stripe_events_deliveries WHERE event_id = $1 AND NOT rejected)";

/// The queue's claim, river's way: the `$3` oldest due rows are picked and locked with `FOR UPDATE
/// SKIP LOCKED` (a row another worker is claiming is skipped, never waited for; one whose claim
/// committed meanwhile is checked again and left), then claimed and logged in the same
/// statement. The pick has the columns and order of the `stripe_events_deliveries_runnable`
/// index. This one reads that index from its start: the full scan of the claim window
/// (`super::ClaimWindow`), which [`CLAIM_NEXT_AFTER`] mostly replaces.
pub(super) const CLAIM_NEXT: &str = concat!(
    "
WITH next AS (
    ",
    pick_due!(""),
    "
)",
    claim_and_log!()
);

/// [`CLAIM_NEXT`] past the window's start `($4, $5)`: the oldest due rows whose index key
/// `(run_after, row_id)` is past it, so that the index scan starts there instead of walking the
/// entries of every row processed since the last vacuum (they stay in the index, pointing to
/// dead row versions, and each costs a visit to the table). When there is none past it, the
/// rows before it are picked instead, in the same statement (an `InitPlan` gates that scan):
/// a row committed after a claim that went past its key, a lease that ended, a replay.
pub(super) const CLAIM_NEXT_AFTER: &str = concat!(
    "
WITH ahead AS (
    ",
    pick_due!(
        "
      AND (run_after, row_id) > ($4::BIGINT, $5::BIGINT)"
    ),
    "
), behind AS (
    ",
    pick_due!(
        "
      AND (run_after, row_id) <= ($4::BIGINT, $5::BIGINT)
      AND NOT EXISTS (SELECT FROM ahead)"
    ),
    "
), next AS (
    SELECT row_id FROM ahead UNION ALL SELECT row_id FROM behind
)",
    claim_and_log!()
);

/// What validation against Stripe's API said of an authentic delivery.
pub(super) const SET_VALID: &str = "
UPDATE stripe_events_deliveries SET valid = $2 WHERE event_id = $1 AND NOT rejected
RETURNING row_id";

/// Processed authentic deliveries received before `$1`, and their history, in one statement.
pub(super) const PRUNE: &str = "
WITH pruned AS (
    DELETE FROM stripe_events_deliveries
    WHERE NOT rejected AND status = 'processed' AND received_at < $1
    RETURNING event_id
), history AS (
    DELETE FROM stripe_events_history WHERE event_id IN (SELECT event_id FROM pruned)
)
SELECT count(*) FROM pruned";

/// Binds the store on first call, and returns the application bound either way: `DO UPDATE`
/// (to the same value) locks and returns the row even when another process inserted it a
/// moment ago, which `DO NOTHING` and a second query would miss.
pub(super) const BIND: &str = "
INSERT INTO stripe_events_meta (key, value) VALUES ('application', $1)
ON CONFLICT (key) DO UPDATE SET value = stripe_events_meta.value
RETURNING value";

pub(super) const APPLICATION: &str =
    "SELECT value FROM stripe_events_meta WHERE key = 'application'";

pub(super) const HISTORY: &str = "
SELECT at, status, attempt, error FROM stripe_events_history WHERE event_id = $1 ORDER BY id";

pub(super) const GET: &str =
    select_deliveries!("WHERE event_id = $1 ORDER BY rejected ASC, row_id DESC LIMIT 1");

pub(super) const LIST: &str =
    select_deliveries!("WHERE $1::TEXT IS NULL OR status = $1 ORDER BY row_id");

/// Transactions of pipelined statements ([`Lease::pipeline`](super::pool::Lease::pipeline))
/// begin and end with prepared statements like the rest.
pub(super) const BEGIN: &str = "BEGIN";

pub(super) const COMMIT: &str = "COMMIT";

/// The current transaction commits without waiting for its log to reach the disk.
pub(super) const NO_FLUSH: &str = "SET LOCAL synchronous_commit = off";

/// The current transaction's plans avoid sorts where they can: a queue claim then reads the
/// `stripe_events_deliveries_runnable` index in its order and stops after `LIMIT` rows. Left
/// to its estimates (the table grows and changes faster than its statistics, which only
/// `ANALYZE` renews), PostgreSQL chose a bitmap scan of every queued row and a sort on each
/// claim (BENCHMARKS.md, "PostgreSQL claims after index order and claim windows"). Without JIT
/// compilation: a sort the plan cannot avoid (the claimed rows' order) counts as a huge cost
/// once sorts are "off", which made PostgreSQL compile every claim (0.6 s of CPU each).
pub(super) const INDEX_ORDER: &str =
    "SELECT set_config('enable_sort', 'off', TRUE), set_config('jit', 'off', TRUE)";
