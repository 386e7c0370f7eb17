package broadcast

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/textback/textback/internal/store"
)

// listen holds one pooled connection in LISTEN mode for every topic and delivers notifications
// until ctx ends, reconnecting after failures.
func (b *Bus) listen(ctx context.Context) {
	first := true
	for ctx.Err() == nil {
		err := b.listenOnce(ctx, first)
		first = false
		if ctx.Err() != nil {
			return
		}
		b.log.Warn("broadcast listener lost its connection, reconnecting", slog.String("error", errString(err)))
		select {
		case <-ctx.Done():
			return
		case <-time.After(reconnectDelay):
		}
	}
}

func (b *Bus) listenOnce(ctx context.Context, first bool) error {
	pooled, err := b.store.Pool().Acquire(ctx)
	if err != nil {
		return err
	}
	// A connection left in LISTEN mode must not go back to the pool, so it is taken out of it.
	conn := pooled.Hijack()
	defer conn.Close(context.Background())
	b.mu.Lock()
	topics := make([]Topic, 0, len(b.handlers))
	for t := range b.handlers {
		topics = append(topics, t)
	}
	b.mu.Unlock()
	for _, t := range topics {
		if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{store.BroadcastChannel(string(t))}.Sanitize()); err != nil {
			return err
		}
	}
	if !first {
		// Messages sent while the listener was away are lost.
		b.resyncAll()
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		topic := Topic(strings.TrimPrefix(n.Channel, store.BroadcastChannel("")))
		b.deliver(topic, n.Payload)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
