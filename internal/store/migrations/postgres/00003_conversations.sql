-- +goose Up
ALTER TABLE businesses ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';

ALTER TABLE numbers ADD COLUMN provider_confirms_opt_out BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE contacts ADD COLUMN kind TEXT NOT NULL DEFAULT 'lead';
ALTER TABLE contacts ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN qualifier TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE contacts ADD COLUMN opt_out_source TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN review_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN line_type TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN line_type_checked_at TIMESTAMPTZ;

CREATE TABLE conversations (
    id                      BIGSERIAL PRIMARY KEY,
    business_id             BIGINT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    contact_id              BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    awaiting                TEXT NOT NULL DEFAULT '',
    unread                  INTEGER NOT NULL DEFAULT 0,
    last_message_at         TIMESTAMPTZ,
    last_inbound_at         TIMESTAMPTZ,
    last_human_reply_at     TIMESTAMPTZ,
    automation_paused_until TIMESTAMPTZ,
    created_at              TIMESTAMPTZ NOT NULL,
    updated_at              TIMESTAMPTZ NOT NULL,
    UNIQUE (business_id, contact_id)
);
CREATE INDEX conversations_business_last ON conversations (business_id, last_message_at);

ALTER TABLE messages ADD COLUMN conversation_id BIGINT REFERENCES conversations (id) ON DELETE SET NULL;
ALTER TABLE messages ADD COLUMN automated BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE messages ADD COLUMN sent_by TEXT NOT NULL DEFAULT '';
CREATE INDEX messages_conversation ON messages (conversation_id, id);

CREATE TABLE message_events (
    id          BIGSERIAL PRIMARY KEY,
    message_id  BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    status      TEXT NOT NULL,
    error_code  TEXT NOT NULL DEFAULT '',
    meaning     TEXT NOT NULL DEFAULT '',
    received_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX message_events_message ON message_events (message_id, id);

CREATE TABLE tasks (
    id          BIGSERIAL PRIMARY KEY,
    business_id BIGINT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    contact_id  BIGINT REFERENCES contacts (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    owner       TEXT NOT NULL DEFAULT '',
    priority    TEXT NOT NULL DEFAULT 'normal',
    state       TEXT NOT NULL DEFAULT 'open',
    source      TEXT NOT NULL DEFAULT '',
    dedupe_key  TEXT UNIQUE,
    due_at      TIMESTAMPTZ NOT NULL,
    done_at     TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX tasks_business_state ON tasks (business_id, state, due_at);

CREATE TABLE alerts (
    id                 BIGSERIAL PRIMARY KEY,
    business_id        BIGINT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    contact_id         BIGINT REFERENCES contacts (id) ON DELETE CASCADE,
    kind               TEXT NOT NULL,
    priority           TEXT NOT NULL DEFAULT 'normal',
    summary            TEXT NOT NULL,
    detail             TEXT NOT NULL DEFAULT '',
    occurrences        INTEGER NOT NULL DEFAULT 1,
    first_at           TIMESTAMPTZ NOT NULL,
    last_at            TIMESTAMPTZ NOT NULL,
    window_until       TIMESTAMPTZ NOT NULL,
    updates_sent       INTEGER NOT NULL DEFAULT 0,
    escalation_level   INTEGER NOT NULL DEFAULT 0,
    resolved_at        TIMESTAMPTZ,
    dedupe_key         TEXT UNIQUE,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX alerts_business_contact ON alerts (business_id, contact_id, kind, last_at);

CREATE TABLE alert_deliveries (
    id          BIGSERIAL PRIMARY KEY,
    alert_id    BIGINT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    channel     TEXT NOT NULL,
    target      TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    status      TEXT NOT NULL,
    error       TEXT NOT NULL DEFAULT '',
    message_id  BIGINT REFERENCES messages (id) ON DELETE SET NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX alert_deliveries_target ON alert_deliveries (channel, target, created_at);

-- +goose Down
DROP TABLE alert_deliveries;
DROP TABLE alerts;
DROP TABLE tasks;
DROP TABLE message_events;
DROP INDEX messages_conversation;
ALTER TABLE messages DROP COLUMN sent_by;
ALTER TABLE messages DROP COLUMN automated;
ALTER TABLE messages DROP COLUMN conversation_id;
DROP TABLE conversations;
ALTER TABLE contacts DROP COLUMN line_type_checked_at;
ALTER TABLE contacts DROP COLUMN line_type;
ALTER TABLE contacts DROP COLUMN review_reason;
ALTER TABLE contacts DROP COLUMN opt_out_source;
ALTER TABLE contacts DROP COLUMN tags;
ALTER TABLE contacts DROP COLUMN qualifier;
ALTER TABLE contacts DROP COLUMN email;
ALTER TABLE contacts DROP COLUMN kind;
ALTER TABLE numbers DROP COLUMN provider_confirms_opt_out;
ALTER TABLE businesses DROP COLUMN settings;
