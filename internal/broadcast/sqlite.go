package broadcast

import (
	"context"
	"log/slog"
	"time"
)

// poll reads new message rows every PollInterval and delivers them until ctx ends. It deletes
// rows older than retention now and then; every process has read them by then.
func (b *Bus) poll(ctx context.Context, lastID int64) {
	ticker := time.NewTicker(PollInterval)
	defer ticker.Stop()
	lastCleanup := time.Now()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		rows, err := b.store.BroadcastsAfter(ctx, lastID)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if !failing {
				b.log.Warn("broadcast poll failed", slog.String("error", err.Error()))
			}
			failing = true
			continue
		}
		if failing {
			failing = false
			b.resyncAll()
		}
		for _, r := range rows {
			lastID = r.ID
			b.deliver(Topic(r.Topic), r.Payload)
		}
		if time.Since(lastCleanup) > retention/4 {
			lastCleanup = time.Now()
			if err := b.store.DeleteBroadcastsBefore(ctx, time.Now().Add(-retention)); err != nil {
				b.log.Warn("old broadcasts not deleted", slog.String("error", err.Error()))
			}
		}
	}
}
