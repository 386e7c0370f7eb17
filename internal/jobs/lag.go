package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/textback/textback/internal/store"
)

// oldestAvailable reads River's own table, which the store's queries do not cover: the earliest
// time at which a job of each kind that waits to run became, or becomes, due. River keeps a job
// inserted for later, even one already due, as scheduled until its scheduler makes it available,
// and a failed job as retryable until its retry is due, so all three states wait.
const oldestAvailable = "SELECT kind, MIN(scheduled_at) FROM river_job " +
	"WHERE state IN ('available', 'scheduled', 'retryable') GROUP BY kind"

// sqliteTimeLayouts are the forms River's SQLite driver writes times in, in UTC.
var sqliteTimeLayouts = []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999Z07:00", time.RFC3339Nano}

// Lag reads the queue's lag from the database.
type Lag struct{ store *store.Store }

// NewLag returns a Lag on s.
func NewLag(s *store.Store) *Lag { return &Lag{store: s} }

// OldestAvailable returns, for each job kind with jobs waiting to run, when the oldest of them
// became due. The time is in the future when none of the kind is due yet.
func (l *Lag) OldestAvailable(ctx context.Context) (map[string]time.Time, error) {
	rows, err := l.store.DB().QueryContext(ctx, oldestAvailable)
	if err != nil {
		return nil, fmt.Errorf("read job queue lag: %w", err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var kind string
		var at time.Time
		if l.store.Dialect() == store.SQLite {
			var text sql.NullString
			if err := rows.Scan(&kind, &text); err != nil {
				return nil, fmt.Errorf("read job queue lag: %w", err)
			}
			if at, err = parseSQLiteTime(text.String); err != nil {
				return nil, fmt.Errorf("read job queue lag of %s: %w", kind, err)
			}
		} else if err := rows.Scan(&kind, &at); err != nil {
			return nil, fmt.Errorf("read job queue lag: %w", err)
		}
		out[kind] = at
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read job queue lag: %w", err)
	}
	return out, nil
}

func parseSQLiteTime(text string) (time.Time, error) {
	text = strings.TrimSpace(text)
	for _, layout := range sqliteTimeLayouts {
		if t, err := time.Parse(layout, text); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unreadable time %q", text)
}
