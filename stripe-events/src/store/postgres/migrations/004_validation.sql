-- Version 4: validation against Stripe's API. valid is what Stripe's API said of the event
-- (NULL: not validated, as every delivery before this version); an event Stripe denies has the
-- status 'denied'.
ALTER TABLE stripe_events_deliveries ADD COLUMN valid BOOLEAN;
ALTER TABLE stripe_events_deliveries DROP CONSTRAINT stripe_events_deliveries_status_known;
ALTER TABLE stripe_events_deliveries ADD CONSTRAINT stripe_events_deliveries_status_known
    CHECK (status IN ('pending', 'processed', 'failed', 'untyped', 'dead', 'denied'));
