-- +goose Up
ALTER TABLE contacts ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';

CREATE TABLE sequences (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id BIGINT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    contact_id  BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    call_id     BIGINT REFERENCES calls (id) ON DELETE SET NULL,
    number_id   BIGINT REFERENCES numbers (id) ON DELETE SET NULL,
    state       TEXT NOT NULL DEFAULT 'active',
    stop_reason TEXT NOT NULL DEFAULT '',
    steps_sent  INTEGER NOT NULL DEFAULT 0,
    started_at  TIMESTAMP NOT NULL,
    ended_at    TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
-- One running sequence per contact: a new missed call never starts a second copy.
CREATE UNIQUE INDEX sequences_one_active ON sequences (business_id, contact_id) WHERE state = 'active';

-- +goose Down
DROP TABLE sequences;
ALTER TABLE contacts DROP COLUMN time_zone;
