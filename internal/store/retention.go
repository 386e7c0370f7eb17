package store

import (
	"context"
	"fmt"
	"time"

	"github.com/textback/textback/internal/store/dbsqlc"
)

// PruneBatch is how many rows one prune statement deletes at most, so that pruning a large
// backlog never holds SQLite's single writer for long.
const PruneBatch = 1000

// PruneResult counts the rows a prune deleted.
type PruneResult struct {
	Webhooks   int64
	Exchanges  int64
	Sandbox    int64
	HookEvents int64
}

// PruneBefore deletes raw webhooks that were applied, delivery log entries, sandbox texts and
// outbound webhook events no longer being delivered, with their attempt logs, older than cutoff, in batches of PruneBatch until none are left or ctx ends. Calls, messages and
// contacts are never pruned.
func (s *Store) PruneBefore(ctx context.Context, cutoff time.Time) (PruneResult, error) {
	var res PruneResult
	steps := []struct {
		name  string
		count *int64
		run   func() (int64, error)
	}{
		{"webhooks", &res.Webhooks, func() (int64, error) {
			return s.q.DeleteProcessedWebhooksBefore(ctx, dbsqlc.DeleteProcessedWebhooksBeforeParams{Cutoff: ts(cutoff), BatchSize: PruneBatch})
		}},
		{"delivery log", &res.Exchanges, func() (int64, error) {
			return s.q.DeleteExchangesBefore(ctx, dbsqlc.DeleteExchangesBeforeParams{Cutoff: ts(cutoff), BatchSize: PruneBatch})
		}},
		{"sandbox texts", &res.Sandbox, func() (int64, error) {
			return s.q.DeleteSandboxMessagesBefore(ctx, dbsqlc.DeleteSandboxMessagesBeforeParams{Cutoff: ts(cutoff), BatchSize: PruneBatch})
		}},
		{"outbound webhook events", &res.HookEvents, func() (int64, error) {
			return s.q.DeleteHookEventsBefore(ctx, dbsqlc.DeleteHookEventsBeforeParams{Cutoff: ts(cutoff), BatchSize: PruneBatch})
		}},
	}
	for _, step := range steps {
		for {
			n, err := step.run()
			if err != nil {
				return res, fmt.Errorf("prune %s before %s: %w", step.name, cutoff.Format(time.RFC3339), err)
			}
			*step.count += n
			if n < PruneBatch || ctx.Err() != nil {
				break
			}
		}
	}
	return res, ctx.Err()
}
