-- +goose Up
CREATE TABLE providers (
    id           BIGSERIAL PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL,
    account_sid  TEXT NOT NULL,
    auth_token   TEXT NOT NULL,
    api_base_url TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX providers_account_sid ON providers (account_sid);

CREATE TABLE businesses (
    id                       BIGSERIAL PRIMARY KEY,
    slug                     TEXT NOT NULL UNIQUE,
    name                     TEXT NOT NULL,
    time_zone                TEXT NOT NULL,
    region                   TEXT NOT NULL,
    rep_name                 TEXT NOT NULL DEFAULT '',
    booking_url              TEXT NOT NULL DEFAULT '',
    hours                    TEXT NOT NULL DEFAULT '{}',
    text_back_enabled        BOOLEAN NOT NULL DEFAULT TRUE,
    text_back_window_seconds BIGINT NOT NULL,
    text_back_template       TEXT NOT NULL,
    after_hours_template     TEXT NOT NULL,
    missed_call_message      TEXT NOT NULL DEFAULT '',
    screen_prompt            TEXT NOT NULL DEFAULT '',
    created_at               TIMESTAMPTZ NOT NULL,
    updated_at               TIMESTAMPTZ NOT NULL
);

CREATE TABLE numbers (
    id           BIGSERIAL PRIMARY KEY,
    business_id  BIGINT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    provider_id  BIGINT NOT NULL REFERENCES providers (id),
    e164         TEXT NOT NULL UNIQUE,
    mode         TEXT NOT NULL,
    forward_to   TEXT NOT NULL DEFAULT '',
    ring_seconds INTEGER NOT NULL,
    answer_check TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX numbers_business ON numbers (business_id);

CREATE TABLE contacts (
    id                BIGSERIAL PRIMARY KEY,
    business_id       BIGINT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    e164              TEXT NOT NULL,
    first_name        TEXT NOT NULL DEFAULT '',
    last_name         TEXT NOT NULL DEFAULT '',
    opted_out_at      TIMESTAMPTZ,
    sms_blocked       TEXT NOT NULL DEFAULT '',
    sms_blocked_at    TIMESTAMPTZ,
    last_text_back_at TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    UNIQUE (business_id, e164)
);

CREATE TABLE calls (
    id               BIGSERIAL PRIMARY KEY,
    business_id      BIGINT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    number_id        BIGINT REFERENCES numbers (id) ON DELETE SET NULL,
    provider_id      BIGINT NOT NULL REFERENCES providers (id),
    provider_call_id TEXT NOT NULL,
    contact_id       BIGINT REFERENCES contacts (id) ON DELETE SET NULL,
    from_raw         TEXT NOT NULL,
    to_number        TEXT NOT NULL,
    forwarded_from   TEXT NOT NULL DEFAULT '',
    handling         TEXT NOT NULL,
    answer_check     TEXT NOT NULL,
    call_status      TEXT NOT NULL DEFAULT '',
    dial_status      TEXT NOT NULL DEFAULT '',
    dial_duration    INTEGER NOT NULL DEFAULT 0,
    answered_by      TEXT NOT NULL DEFAULT '',
    screen_digits    TEXT,
    dial_ended_at    TIMESTAMPTZ,
    ended_at         TIMESTAMPTZ,
    outcome          TEXT NOT NULL DEFAULT 'pending',
    outcome_reason   TEXT NOT NULL DEFAULT '',
    text_back        TEXT NOT NULL DEFAULT '',
    text_back_reason TEXT NOT NULL DEFAULT '',
    decision         TEXT NOT NULL DEFAULT '',
    decided_at       TIMESTAMPTZ,
    started_at       TIMESTAMPTZ NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (provider_id, provider_call_id)
);
CREATE INDEX calls_business_started ON calls (business_id, started_at);
CREATE INDEX calls_contact ON calls (contact_id);

CREATE TABLE messages (
    id                  BIGSERIAL PRIMARY KEY,
    business_id         BIGINT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    contact_id          BIGINT REFERENCES contacts (id) ON DELETE SET NULL,
    number_id           BIGINT REFERENCES numbers (id) ON DELETE SET NULL,
    provider_id         BIGINT REFERENCES providers (id),
    call_id             BIGINT REFERENCES calls (id) ON DELETE SET NULL,
    direction           TEXT NOT NULL,
    from_number         TEXT NOT NULL,
    to_number           TEXT NOT NULL,
    body                TEXT NOT NULL,
    encoding            TEXT NOT NULL DEFAULT '',
    segments            INTEGER NOT NULL DEFAULT 0,
    status              TEXT NOT NULL,
    provider_message_id TEXT,
    provider_status     TEXT NOT NULL DEFAULT '',
    error_code          TEXT NOT NULL DEFAULT '',
    error_message       TEXT NOT NULL DEFAULT '',
    hold_reason         TEXT NOT NULL DEFAULT '',
    purpose             TEXT NOT NULL DEFAULT '',
    template            TEXT NOT NULL DEFAULT '',
    details             TEXT NOT NULL DEFAULT '{}',
    idempotency_key     TEXT UNIQUE,
    attempts            INTEGER NOT NULL DEFAULT 0,
    sending_since       TIMESTAMPTZ,
    sent_at             TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX messages_provider_message ON messages (provider_id, provider_message_id)
    WHERE provider_message_id IS NOT NULL;
CREATE INDEX messages_contact ON messages (contact_id, created_at);
CREATE INDEX messages_call ON messages (call_id);

CREATE TABLE webhooks (
    id            BIGSERIAL PRIMARY KEY,
    provider_id   BIGINT NOT NULL REFERENCES providers (id),
    route         TEXT NOT NULL,
    event_key     TEXT NOT NULL,
    url           TEXT NOT NULL,
    headers       TEXT NOT NULL,
    body          BYTEA NOT NULL,
    received_at   TIMESTAMPTZ NOT NULL,
    processed_at  TIMESTAMPTZ,
    result        TEXT NOT NULL DEFAULT '',
    UNIQUE (provider_id, event_key)
);

CREATE TABLE provider_exchanges (
    id            BIGSERIAL PRIMARY KEY,
    provider_id   BIGINT NOT NULL REFERENCES providers (id),
    message_id    BIGINT REFERENCES messages (id) ON DELETE SET NULL,
    method        TEXT NOT NULL,
    url           TEXT NOT NULL,
    request_body  TEXT NOT NULL,
    status        INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    error         TEXT NOT NULL DEFAULT '',
    duration_ms   INTEGER NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX provider_exchanges_message ON provider_exchanges (message_id);

CREATE TABLE sandbox_messages (
    id          BIGSERIAL PRIMARY KEY,
    account_sid TEXT NOT NULL,
    sid         TEXT NOT NULL UNIQUE,
    from_number TEXT NOT NULL,
    to_number   TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX sandbox_messages_to ON sandbox_messages (to_number, created_at);

-- +goose Down
DROP TABLE sandbox_messages;
DROP TABLE provider_exchanges;
DROP TABLE webhooks;
DROP TABLE messages;
DROP TABLE calls;
DROP TABLE contacts;
DROP TABLE numbers;
DROP TABLE businesses;
DROP TABLE providers;
