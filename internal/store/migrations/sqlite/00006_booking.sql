-- +goose Up
CREATE TABLE calendars (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id           BIGINT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    slug                  TEXT NOT NULL,
    name                  TEXT NOT NULL,
    time_zone             TEXT NOT NULL,
    hours                 TEXT NOT NULL DEFAULT '{}',
    slot_seconds          BIGINT NOT NULL,
    buffer_before_seconds BIGINT NOT NULL DEFAULT 0,
    buffer_after_seconds  BIGINT NOT NULL DEFAULT 0,
    min_notice_seconds    BIGINT NOT NULL DEFAULT 0,
    horizon_seconds       BIGINT NOT NULL,
    max_per_day           INTEGER NOT NULL DEFAULT 0,
    closures              TEXT NOT NULL DEFAULT '[]',
    address               TEXT NOT NULL DEFAULT '',
    feed_token            TEXT NOT NULL UNIQUE,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL,
    UNIQUE (business_id, slug)
);

CREATE TABLE bookings (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id     BIGINT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    calendar_id     BIGINT NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,
    contact_id      BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    starts_at       TIMESTAMP NOT NULL,
    ends_at         TIMESTAMP NOT NULL,
    state           TEXT NOT NULL,
    hold_expires_at TIMESTAMP,
    source          TEXT NOT NULL,
    name            TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT '',
    idempotency_key TEXT UNIQUE,
    replaces_id     BIGINT REFERENCES bookings (id) ON DELETE SET NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    cancelled_at    TIMESTAMP
);
-- The store checks for overlaps, buffers included, in the transaction that inserts a booking,
-- while it holds the calendar's lock. This index backs that check: two live rows of one calendar
-- can never start at the same instant.
CREATE UNIQUE INDEX bookings_live_slot ON bookings (calendar_id, starts_at) WHERE state IN ('held', 'booked');
CREATE INDEX bookings_calendar_starts ON bookings (calendar_id, starts_at);
CREATE INDEX bookings_contact ON bookings (business_id, contact_id);

-- +goose Down
DROP TABLE bookings;
DROP TABLE calendars;
