package store

import (
	"context"
	"fmt"
	"time"
)

// Broadcast is a message for every process that shares the database.
type Broadcast struct {
	ID      int64
	Topic   string
	Payload string
}

// broadcastChannelPrefix prefixes topics to make PostgreSQL channel names that cannot clash with
// other software's.
const broadcastChannelPrefix = "textback_"

// BroadcastChannel returns the PostgreSQL channel of topic.
func BroadcastChannel(topic string) string { return broadcastChannelPrefix + topic }

// Broadcast publishes a message that every process receives once the transaction commits, and
// never when it rolls back. On PostgreSQL it is a NOTIFY; on SQLite a row that processes poll.
// These statements differ by database, so they are written here rather than generated.
func (tx *Tx) Broadcast(ctx context.Context, topic, payload string) error {
	var err error
	if tx.dialect == Postgres {
		_, err = tx.tx.ExecContext(ctx, "SELECT pg_notify($1, $2)", BroadcastChannel(topic), payload)
	} else {
		_, err = tx.tx.ExecContext(ctx, "INSERT INTO broadcasts (topic, payload, created_at) VALUES ($1, $2, $3)",
			topic, payload, tx.Now())
	}
	if err != nil {
		return fmt.Errorf("broadcast %s: %w", topic, err)
	}
	return nil
}

// LastBroadcastID returns the id of the newest broadcast row (SQLite), or 0.
func (s *Store) LastBroadcastID(ctx context.Context) (int64, error) {
	var id int64
	if err := s.db.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM broadcasts").Scan(&id); err != nil {
		return 0, fmt.Errorf("read last broadcast: %w", err)
	}
	return id, nil
}

// BroadcastsAfter returns the broadcast rows newer than id, oldest first (SQLite).
func (s *Store) BroadcastsAfter(ctx context.Context, id int64) ([]Broadcast, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, topic, payload FROM broadcasts WHERE id > $1 ORDER BY id LIMIT 1000", id)
	if err != nil {
		return nil, fmt.Errorf("read broadcasts: %w", err)
	}
	defer rows.Close()
	var out []Broadcast
	for rows.Next() {
		var b Broadcast
		if err := rows.Scan(&b.ID, &b.Topic, &b.Payload); err != nil {
			return nil, fmt.Errorf("read broadcasts: %w", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read broadcasts: %w", err)
	}
	return out, nil
}

// DeleteBroadcastsBefore removes broadcast rows older than t (SQLite).
func (s *Store) DeleteBroadcastsBefore(ctx context.Context, t time.Time) error {
	if _, err := s.db.ExecContext(ctx, "DELETE FROM broadcasts WHERE created_at < $1", ts(t)); err != nil {
		return fmt.Errorf("delete old broadcasts: %w", err)
	}
	return nil
}
