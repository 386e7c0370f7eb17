package broadcast_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/textback/textback/internal/broadcast"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

func TestPublishDeliversAfterCommit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		// A second bus on its own connection stands for another process.
		other := storetest.OpenWith(t, targetOf(t, s), store.Options{})
		bus := broadcast.New(other, nil)
		got := make(chan string, 10)
		bus.Subscribe(broadcast.TopicSettings, func(p string) { got <- p })
		if err := bus.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = bus.Stop(context.Background()) })
		time.Sleep(200 * time.Millisecond) // let the listener subscribe

		rollback := errors.New("roll back")
		err := s.InTx(ctx, func(tx *store.Tx) error {
			if err := broadcast.Publish(ctx, tx, broadcast.TopicSettings, "rolled-back"); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatalf("rolled-back transaction returned %v", err)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error {
			return broadcast.Publish(ctx, tx, broadcast.TopicSettings, "committed")
		})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case p := <-got:
			if p != "committed" {
				t.Errorf("received %q first, want the committed message only", p)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no message received within 5 s")
		}
		select {
		case p := <-got:
			t.Errorf("received an extra message %q", p)
		case <-time.After(2 * broadcast.PollInterval):
		}
	})
}

func TestStopBeforeStart(t *testing.T) {
	bus := broadcast.New(storetest.Open(t, store.SQLite), nil)
	if err := bus.Stop(context.Background()); err != nil {
		t.Errorf("stop before start: %v", err)
	}
}

// targetOf returns the database the store uses, so a second store can open it.
func targetOf(t *testing.T, s *store.Store) string {
	t.Helper()
	return s.TargetForTests()
}
