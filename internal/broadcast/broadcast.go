// Package broadcast delivers small messages to every textback process that shares a database,
// such as "settings changed, drop your caches". A message is published inside a transaction and
// delivered only when that transaction commits.
//
// On PostgreSQL it uses LISTEN/NOTIFY on a dedicated connection. On SQLite, where processes share
// a file instead of a server, messages are rows that each process polls every PollInterval.
// Either way delivery is best effort: a process that loses its connection, or starts after a
// message, misses it. Subscribers therefore also receive a Resync call whenever messages may have
// been missed, and must treat it like any message of their topic.
package broadcast

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/textback/textback/internal/store"
)

// Topic names a kind of message.
type Topic string

const (
	// TopicSettings means a business's settings, numbers or provider accounts changed.
	TopicSettings Topic = "settings"
	// TopicActivity means a business's calls or texts changed; the payload is its id. Every
	// transaction that records a call or a text publishes it.
	TopicActivity Topic = store.ActivityTopic
)

// Resync is the payload subscribers receive when messages may have been missed.
const Resync = ""

const (
	// PollInterval is how often a SQLite process looks for new messages: the longest a
	// settings change made by another process (textback apply) takes to reach the server.
	PollInterval = 500 * time.Millisecond
	// retention is how long SQLite keeps delivered message rows.
	retention = time.Hour
	// reconnectDelay is the pause before a lost PostgreSQL listener reconnects.
	reconnectDelay = time.Second
)

// Handler receives the payload of a message, or Resync.
type Handler func(payload string)

// Bus publishes and delivers messages. It is safe for concurrent use.
type Bus struct {
	store *store.Store
	log   *slog.Logger

	mu       sync.Mutex
	handlers map[Topic][]Handler
	cancel   context.CancelFunc
	done     chan struct{}
}

// New returns a bus on s. Call Start to receive messages.
func New(s *store.Store, log *slog.Logger) *Bus {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Bus{store: s, log: log, handlers: map[Topic][]Handler{}}
}

// Publish sends payload on topic when tx commits.
func Publish(ctx context.Context, tx *store.Tx, topic Topic, payload string) error {
	return tx.Broadcast(ctx, string(topic), payload)
}

// Subscribe calls h for every message on topic. Register handlers before Start.
func (b *Bus) Subscribe(topic Topic, h Handler) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.handlers[topic] = append(b.handlers[topic], h)
}

// Start begins receiving messages in the background.
func (b *Bus) Start(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cancel != nil {
		return errors.New("broadcast bus already started")
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	b.cancel, b.done = cancel, make(chan struct{})
	var lastID int64
	if b.store.Dialect() == store.SQLite {
		id, err := b.store.LastBroadcastID(ctx)
		if err != nil {
			cancel()
			b.cancel = nil
			return err
		}
		lastID = id
	}
	go func() {
		defer close(b.done)
		if b.store.Dialect() == store.Postgres {
			b.listen(runCtx)
		} else {
			b.poll(runCtx, lastID)
		}
	}()
	return nil
}

// Stop ends delivery. It is safe before Start and when called twice.
func (b *Bus) Stop(ctx context.Context) error {
	b.mu.Lock()
	cancel, done := b.cancel, b.done
	b.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// deliver calls the handlers of topic.
func (b *Bus) deliver(topic Topic, payload string) {
	b.mu.Lock()
	handlers := append([]Handler(nil), b.handlers[topic]...)
	b.mu.Unlock()
	for _, h := range handlers {
		h(payload)
	}
}

// resyncAll tells every subscriber that messages may have been missed.
func (b *Bus) resyncAll() {
	b.mu.Lock()
	topics := make([]Topic, 0, len(b.handlers))
	for t := range b.handlers {
		topics = append(topics, t)
	}
	b.mu.Unlock()
	for _, t := range topics {
		b.deliver(t, Resync)
	}
}
