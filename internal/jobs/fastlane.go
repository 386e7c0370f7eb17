package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// FastLaneGrace is how far in the future a job is scheduled when the fast lane is about to run
// its work. The fast lane normally finishes within milliseconds and deletes the job; the job runs
// only when the process died or the fast lane failed, and then finds what is left to do.
const FastLaneGrace = 3 * time.Second

// FastLane runs the work of just-committed jobs at once in this process, ahead of the queue.
//
// Polling the queue costs at least several milliseconds per step (River adds up to 10 ms of
// jitter to every poll), and a missed call passes through two steps before its text is sent.
// The fast lane removes that wait. It never replaces the queue: every piece of work it runs is
// also a durable job, scheduled FastLaneGrace later, and the work is idempotent, so running it
// twice changes nothing.
type FastLane struct {
	slots   chan struct{}
	workers chan struct{}
	log     *slog.Logger

	mu      sync.Mutex
	ctx     context.Context
	cancel  context.CancelFunc
	stopped bool
	running sync.WaitGroup
}

// NewFastLane returns a fast lane that holds at most size functions and runs at most workers of
// them at once; the others wait in turn.
func NewFastLane(size, workers int, log *slog.Logger) *FastLane {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &FastLane{slots: make(chan struct{}, size), workers: make(chan struct{}, max(workers, 1)), log: log}
}

// Start lets the fast lane run work. Work started later runs with a context derived from ctx.
func (f *FastLane) Start(ctx context.Context) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ctx, f.cancel = context.WithCancel(context.WithoutCancel(ctx))
}

// Go runs fn in the background and reports true, or reports false without running it when the
// lane is full, not started or stopped; the queued job then does the work. A failure of fn is
// logged at Debug because the job retries it.
func (f *FastLane) Go(kind string, fn func(ctx context.Context) error) bool {
	if f == nil {
		return false
	}
	f.mu.Lock()
	ctx := f.ctx
	if ctx == nil || f.stopped {
		f.mu.Unlock()
		return false
	}
	select {
	case f.slots <- struct{}{}:
	default:
		f.mu.Unlock()
		return false
	}
	f.running.Add(1)
	f.mu.Unlock()
	go func() {
		defer func() {
			<-f.slots
			f.running.Done()
		}()
		select {
		case f.workers <- struct{}{}:
		case <-ctx.Done():
			return
		}
		defer func() { <-f.workers }()
		if ctx.Err() != nil {
			// The lane stopped while fn waited for a worker; its job does the work.
			return
		}
		workCtx, cancel := context.WithTimeout(ctx, JobTimeout)
		defer cancel()
		if err := fn(workCtx); err != nil {
			f.log.Debug("fast lane work failed; its job will retry", slog.String("job_kind", kind),
				slog.String("error", err.Error()))
		}
	}()
	return true
}

// Stop refuses new work and waits for running work until ctx ends, then cancels what still
// runs and waits for it to return. It is safe before Start and when called twice.
func (f *FastLane) Stop(ctx context.Context) {
	f.mu.Lock()
	f.stopped = true
	cancel := f.cancel
	f.mu.Unlock()
	done := make(chan struct{})
	go func() {
		f.running.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}
	if cancel != nil {
		cancel()
	}
	<-done
}

// Enabled reports whether work handed to the lane may run ahead of its job.
func (f *FastLane) Enabled() bool { return f != nil }
