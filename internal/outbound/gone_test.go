package outbound

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// logRecords keeps the records logged through it.
type logRecords struct {
	mu      sync.Mutex
	records []slog.Record
}

func (l *logRecords) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecords) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logRecords) WithGroup(string) slog.Handler            { return l }

func (l *logRecords) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = append(l.records, r)
	return nil
}

func (l *logRecords) all() []slog.Record {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]slog.Record(nil), l.records...)
}

// A delivery job whose text was deleted after it was queued, such as by a privacy deletion,
// ends without an error, so River does not retry it.
func TestDeliverDeletedMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		logs := &logRecords{}
		sender := New(Options{Store: s, Logger: slog.New(logs)})
		job := &river.Job[DeliverArgs]{
			JobRow: &rivertype.JobRow{Attempt: 1, MaxAttempts: deliverAttempts}, Args: DeliverArgs{MessageID: 404},
		}
		if err := (&deliverWorker{sender: sender}).Work(context.Background(), job); err != nil {
			t.Errorf("job returned %v, want nil so that it is not retried", err)
		}
		records := logs.all()
		if len(records) != 1 {
			t.Fatalf("logged %d records, want 1", len(records))
		}
		if records[0].Level != slog.LevelInfo {
			t.Errorf("logged at %s, want INFO", records[0].Level)
		}
		if want := "text gone, nothing to send"; records[0].Message != want {
			t.Errorf("logged %q, want %q", records[0].Message, want)
		}
	})
}
