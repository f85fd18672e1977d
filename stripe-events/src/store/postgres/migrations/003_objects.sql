-- Version 3: the mirror of Stripe objects (crate::mirror), one row per object type and id: its
-- JSON as Stripe rendered it, the event that set it (its id, created and rank: the order that
-- decides which event wins; text in byte order, COLLATE "C", as every store compares it),
-- whether it was deleted, and when it was fetched from Stripe's API (unix microseconds; NULL
-- for an object that came in an event).
CREATE TABLE stripe_events_objects (
    object_type   TEXT COLLATE "C" NOT NULL,
    id            TEXT COLLATE "C" NOT NULL,
    json          TEXT NOT NULL,
    event_id      TEXT COLLATE "C" NOT NULL,
    event_created BIGINT NOT NULL,
    event_rank    SMALLINT NOT NULL CHECK (event_rank IN (0, 1, 2)),
    deleted       BOOLEAN NOT NULL,
    fetched_at    BIGINT,
    PRIMARY KEY (object_type, id)
);
