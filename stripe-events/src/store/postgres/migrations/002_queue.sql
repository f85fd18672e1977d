-- Version 2: queue mode. run_after is when a queue worker may next claim the delivery (NULL:
-- never, unless replayed); pending deliveries recorded before it are due at once. The status
-- is one of the five the code knows, and the queue's claim (claim_next) reads a partial index
-- of exactly the rows it may take, in its order.
ALTER TABLE stripe_events_deliveries ADD COLUMN run_after BIGINT;
UPDATE stripe_events_deliveries SET run_after = received_at
    WHERE NOT rejected AND status = 'pending';
ALTER TABLE stripe_events_deliveries ADD CONSTRAINT stripe_events_deliveries_status_known
    CHECK (status IN ('pending', 'processed', 'failed', 'untyped', 'dead'));
CREATE INDEX stripe_events_deliveries_runnable
    ON stripe_events_deliveries (run_after, row_id)
    WHERE NOT rejected AND run_after IS NOT NULL;
