package jobs

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// The fast lane accepts up to its size, runs at most its worker count at once, and runs every
// accepted function in the end.
func TestFastLaneBoundsWorkers(t *testing.T) {
	lane := NewFastLane(6, 2, nil)
	lane.Start(context.Background())
	release := make(chan struct{})
	var running, peak, done atomic.Int64
	work := func(context.Context) error {
		n := running.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		<-release
		running.Add(-1)
		done.Add(1)
		return nil
	}
	for i := range 6 {
		if !lane.Go("test", work) {
			t.Fatalf("Go %d = false, want the lane to accept up to its size", i+1)
		}
	}
	if lane.Go("test", work) {
		t.Error("Go past the lane's size = true, want false so that the job does the work")
	}
	time.Sleep(50 * time.Millisecond)
	if n := running.Load(); n != 2 {
		t.Errorf("%d functions running, want the worker count 2", n)
	}
	close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	lane.Stop(ctx)
	if n := done.Load(); n != 6 {
		t.Errorf("%d functions ran, want all 6", n)
	}
	if p := peak.Load(); p > 2 {
		t.Errorf("%d functions ran at once, want at most 2", p)
	}
}

// Stopping the lane cancels the running functions and drops the waiting ones, whose jobs then do
// the work.
func TestFastLaneStopDropsWaiting(t *testing.T) {
	lane := NewFastLane(4, 1, nil)
	lane.Start(context.Background())
	var ran atomic.Int64
	work := func(ctx context.Context) error {
		ran.Add(1)
		<-ctx.Done()
		return ctx.Err()
	}
	for range 3 {
		lane.Go("test", work)
	}
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	lane.Stop(ctx)
	if n := ran.Load(); n != 1 {
		t.Errorf("%d functions ran, want only the one that had a worker", n)
	}
	if lane.Go("test", work) {
		t.Error("Go after Stop = true, want false")
	}
}
