-- +goose Up
-- An agency runs many businesses; its admins see all of them.
CREATE TABLE agencies (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
ALTER TABLE businesses ADD COLUMN agency_id BIGINT REFERENCES agencies (id) ON DELETE SET NULL;
CREATE INDEX businesses_agency ON businesses (agency_id);

-- Dashboard users. password_hash is an argon2id hash in PHC string form.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    last_login_at TIMESTAMP,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

-- A membership gives a user a role in one business (owner, staff) or one agency (agency-admin).
CREATE TABLE memberships (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    business_id BIGINT REFERENCES businesses (id) ON DELETE CASCADE,
    agency_id   BIGINT REFERENCES agencies (id) ON DELETE CASCADE,
    role        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    CHECK ((business_id IS NULL) <> (agency_id IS NULL))
);
CREATE UNIQUE INDEX memberships_user_business ON memberships (user_id, business_id) WHERE business_id IS NOT NULL;
CREATE UNIQUE INDEX memberships_user_agency ON memberships (user_id, agency_id) WHERE agency_id IS NOT NULL;

-- Browser sessions. Only the SHA-256 of the cookie's token is stored, so a copy of the database
-- cannot be used to sign in.
CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Failed sign-ins, counted per address and per account to slow down password guessing.
CREATE TABLE login_failures (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    scope     TEXT NOT NULL,
    key       TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (scope, key, failed_at);
CREATE INDEX login_failures_at ON login_failures (failed_at);

-- The inbox: conversations newest first, optionally only unread ones or one user's.
ALTER TABLE conversations ADD COLUMN assigned_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX conversations_inbox ON conversations (business_id, last_message_at DESC, id DESC);
CREATE INDEX conversations_inbox_unread ON conversations (business_id, last_message_at DESC, id DESC) WHERE unread > 0;
CREATE INDEX conversations_inbox_assigned ON conversations (business_id, assigned_user_id, last_message_at DESC, id DESC);

-- Analytics read a business's texts and bookings by time.
CREATE INDEX messages_business_created ON messages (business_id, created_at);
CREATE INDEX bookings_business_created ON bookings (business_id, created_at);

-- +goose Down
DROP INDEX bookings_business_created;
DROP INDEX messages_business_created;
DROP INDEX conversations_inbox_assigned;
DROP INDEX conversations_inbox_unread;
DROP INDEX conversations_inbox;
ALTER TABLE conversations DROP COLUMN assigned_user_id;
DROP TABLE login_failures;
DROP TABLE sessions;
DROP TABLE memberships;
DROP TABLE users;
DROP INDEX businesses_agency;
ALTER TABLE businesses DROP COLUMN agency_id;
DROP TABLE agencies;
