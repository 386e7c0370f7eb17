-- +goose Up
-- The path of a call through a phone menu: one row for each step, in the order of the step
-- numbers that textback puts in the menu's callback URLs.
CREATE TABLE call_menu_steps (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id     BIGINT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    step        INTEGER NOT NULL,
    menu        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    input       TEXT NOT NULL DEFAULT '',
    option_key  TEXT NOT NULL DEFAULT '',
    label       TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL,
    next_action TEXT NOT NULL,
    text_back   TEXT NOT NULL DEFAULT '',
    requested   INTEGER NOT NULL DEFAULT 0,
    occurred_at TIMESTAMP NOT NULL,
    expect_by   TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (call_id, step)
);

-- Voicemails that callers left in a phone menu, keyed by the menu step that recorded them.
CREATE TABLE voicemails (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id       BIGINT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    call_id           BIGINT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    step              INTEGER NOT NULL,
    recording_id      TEXT NOT NULL DEFAULT '',
    recording_url     TEXT NOT NULL DEFAULT '',
    recording_status  TEXT NOT NULL DEFAULT '',
    duration_seconds  INTEGER NOT NULL DEFAULT 0,
    transcribe        INTEGER NOT NULL DEFAULT 0,
    transcript        TEXT NOT NULL DEFAULT '',
    transcript_status TEXT NOT NULL DEFAULT '',
    alerted_at        TIMESTAMP,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    UNIQUE (call_id, step)
);
CREATE INDEX voicemails_business ON voicemails (business_id, created_at);

-- +goose Down
DROP TABLE voicemails;
DROP TABLE call_menu_steps;
