package bookingpage

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limit is a token bucket: Burst submissions at once, then one more every Every.
type Limit struct {
	Burst int
	Every time.Duration
}

// maxKeys bounds the buckets a limiter keeps, so that requests from many addresses cannot grow
// its memory without end (about 200 bytes a bucket).
const maxKeys = 50_000

// limiter keeps a token bucket per key, such as a client address or a phone number. A bucket
// that has been idle long enough to refill is the same as a new one, so it is dropped when room
// is needed.
type limiter struct {
	limit Limit
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	// pruned is when prune last ran. It runs at most once a second, because it reads every bucket.
	pruned time.Time
}

type bucket struct {
	tokens *rate.Limiter
	seen   time.Time
}

func newLimiter(limit Limit, now func() time.Time) *limiter {
	return &limiter{limit: limit, now: now, buckets: map[string]*bucket{}}
}

// allow takes a token from key's bucket. When the bucket is empty it returns false and how long
// until the next token. When maxKeys buckets are all in use, a new key is refused for one
// interval.
func (l *limiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxKeys && !l.prune(now) {
			return false, l.limit.Every
		}
		b = &bucket{tokens: rate.NewLimiter(rate.Every(l.limit.Every), l.limit.Burst)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.tokens.ReserveN(now, 1)
	if !r.OK() {
		return false, l.limit.Every
	}
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now)
		return false, wait
	}
	return true, 0
}

// prune drops the buckets that have refilled since they were last used, and reports whether it
// dropped any.
func (l *limiter) prune(now time.Time) bool {
	if now.Sub(l.pruned) < time.Second {
		return false
	}
	l.pruned = now
	full := l.limit.Every * time.Duration(l.limit.Burst)
	dropped := false
	for key, b := range l.buckets {
		if now.Sub(b.seen) >= full {
			delete(l.buckets, key)
			dropped = true
		}
	}
	return dropped
}
