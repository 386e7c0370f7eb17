package callflow

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

// Jobs whose webhook or call was deleted after they were queued, such as by a privacy deletion,
// end without an error, so River does not retry them.
func TestJobsForDeletedRows(t *testing.T) {
	tests := []struct {
		name    string
		work    func(ctx context.Context, p *Processor) error
		message string
	}{
		{"webhook", func(ctx context.Context, p *Processor) error {
			job := &river.Job[ProcessWebhookArgs]{JobRow: &rivertype.JobRow{Attempt: 1}, Args: ProcessWebhookArgs{WebhookID: 404}}
			return (&processWorker{p: p}).Work(ctx, job)
		}, "webhook gone, nothing to apply"},
		{"call", func(ctx context.Context, p *Processor) error {
			job := &river.Job[DecideCallArgs]{JobRow: &rivertype.JobRow{Attempt: 1}, Args: DecideCallArgs{CallID: 404}}
			return (&decideWorker{p: p}).Work(ctx, job)
		}, "call gone, nothing to decide"},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				logs := &logRecords{}
				p := New(Options{Store: s, Logger: slog.New(logs)})
				if err := tt.work(context.Background(), p); err != nil {
					t.Errorf("job returned %v, want nil so that it is not retried", err)
				}
				records := logs.all()
				if len(records) != 1 {
					t.Fatalf("logged %d records, want 1", len(records))
				}
				if records[0].Level != slog.LevelInfo {
					t.Errorf("logged at %s, want INFO", records[0].Level)
				}
				if records[0].Message != tt.message {
					t.Errorf("logged %q, want %q", records[0].Message, tt.message)
				}
			})
		}
	})
}
