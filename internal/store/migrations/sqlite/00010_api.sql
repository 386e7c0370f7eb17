-- +goose Up
-- API keys authenticate the REST API. Only the SHA-256 of a key is kept; prefix is its first
-- characters, shown in listings so that a key can be recognised. A key belongs to one business,
-- or to an agency: agency_id has no foreign key because agencies live in a table of their own,
-- and an agency key reaches every business whose agency_id matches.
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id  BIGINT REFERENCES businesses (id) ON DELETE CASCADE,
    agency_id    BIGINT,
    name         TEXT NOT NULL DEFAULT '',
    prefix       TEXT NOT NULL UNIQUE,
    secret_hash  TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP,
    CHECK ((business_id IS NULL) <> (agency_id IS NULL))
);
CREATE INDEX api_keys_business ON api_keys (business_id);

-- Outbound webhooks: the URLs a business registers for its events, each with its own signing
-- secret and list of event types.
CREATE TABLE hook_endpoints (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id BIGINT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    url         TEXT NOT NULL,
    events      TEXT NOT NULL,
    secret      TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX hook_endpoints_business ON hook_endpoints (business_id);

-- One row per event, with the exact body every endpoint receives for it.
CREATE TABLE hook_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id BIGINT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    public_id   TEXT NOT NULL UNIQUE,
    type        TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX hook_events_business ON hook_events (business_id, created_at);

-- One row per event and endpoint, and one per attempt to deliver it.
CREATE TABLE hook_deliveries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id     BIGINT NOT NULL REFERENCES hook_events (id) ON DELETE CASCADE,
    endpoint_id  BIGINT NOT NULL REFERENCES hook_endpoints (id) ON DELETE CASCADE,
    state        TEXT NOT NULL DEFAULT 'pending',
    attempts     INTEGER NOT NULL DEFAULT 0,
    delivered_at TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (event_id, endpoint_id)
);
CREATE INDEX hook_deliveries_endpoint ON hook_deliveries (endpoint_id, id);

CREATE TABLE hook_attempts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id      BIGINT NOT NULL REFERENCES hook_deliveries (id) ON DELETE CASCADE,
    attempt          INTEGER NOT NULL,
    status_code      INTEGER NOT NULL DEFAULT 0,
    error            TEXT NOT NULL DEFAULT '',
    response_excerpt TEXT NOT NULL DEFAULT '',
    duration_ms      INTEGER NOT NULL,
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX hook_attempts_delivery ON hook_attempts (delivery_id, id);

-- +goose Down
DROP TABLE hook_attempts;
DROP TABLE hook_deliveries;
DROP TABLE hook_events;
DROP TABLE hook_endpoints;
DROP TABLE api_keys;
