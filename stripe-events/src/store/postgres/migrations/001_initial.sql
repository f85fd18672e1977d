-- Version 1: the layout of SqliteStore before schema versions, in PostgreSQL's types.
-- Authentic deliveries have rejected = FALSE and a unique event_id; rejected ones may repeat
-- ids and are never claimed. lease_until (unix seconds) is set while a claim runs the handlers.
-- stripe_events_history has a row per attempt started and per result; stripe_events_meta holds
-- the application the store is bound to. IF NOT EXISTS: a schema written without a version may
-- lack a table, which this then adds.
CREATE TABLE IF NOT EXISTS stripe_events_deliveries (
    row_id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        TEXT,
    event_type      TEXT,
    api_version     TEXT,
    account         TEXT,
    livemode        BOOLEAN,
    received_at     BIGINT NOT NULL,
    body            BYTEA NOT NULL,
    signature_valid BOOLEAN NOT NULL,
    rejected        BOOLEAN NOT NULL DEFAULT FALSE,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    lease_until     BIGINT
);
CREATE UNIQUE INDEX IF NOT EXISTS stripe_events_deliveries_event_id
    ON stripe_events_deliveries (event_id) WHERE NOT rejected;
CREATE INDEX IF NOT EXISTS stripe_events_deliveries_status
    ON stripe_events_deliveries (status, row_id);
CREATE TABLE IF NOT EXISTS stripe_events_history (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id TEXT NOT NULL,
    at       BIGINT NOT NULL,
    status   TEXT NOT NULL,
    attempt  INTEGER NOT NULL,
    error    TEXT
);
CREATE INDEX IF NOT EXISTS stripe_events_history_event_id
    ON stripe_events_history (event_id, id);
CREATE TABLE IF NOT EXISTS stripe_events_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
