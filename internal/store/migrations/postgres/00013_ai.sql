-- +goose Up
-- Intents that a person set on a lead's message from the dashboard. The assistant matches new
-- messages against them and quotes them in its prompts.
CREATE TABLE ai_examples (
    id          BIGSERIAL PRIMARY KEY,
    business_id BIGINT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    message_id  BIGINT REFERENCES messages (id) ON DELETE SET NULL,
    body        TEXT NOT NULL,
    intent      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX ai_examples_business ON ai_examples (business_id, id);

-- Replies the assistant drafted for a person to approve, in the suggest mode.
CREATE TABLE ai_drafts (
    id           BIGSERIAL PRIMARY KEY,
    business_id  BIGINT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    contact_id   BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    inbound_id   BIGINT NOT NULL UNIQUE REFERENCES messages (id) ON DELETE CASCADE,
    number_id    BIGINT REFERENCES numbers (id) ON DELETE SET NULL,
    body         TEXT NOT NULL,
    details      TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending',
    decided_by   TEXT NOT NULL DEFAULT '',
    message_id   BIGINT REFERENCES messages (id) ON DELETE SET NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    decided_at   TIMESTAMPTZ
);
CREATE INDEX ai_drafts_pending ON ai_drafts (business_id, state, id);

-- +goose Down
DROP TABLE ai_drafts;
DROP TABLE ai_examples;
