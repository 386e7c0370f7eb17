-- +goose Up
-- Messages for every process sharing the database file. PostgreSQL uses LISTEN/NOTIFY instead.
CREATE TABLE broadcasts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    topic      TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE broadcasts;
