// Package ratelimit limits requests per client address with one token bucket per address.
//
// Addresses are taken from the connection, never from X-Forwarded-For, which any client can set.
// Behind a reverse proxy every request therefore comes from the proxy's address and shares one
// bucket. Callers limit only what a genuine client never does in bulk (failed signatures, health
// checks), so a shared bucket never holds back a valid provider webhook.
package ratelimit

import (
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// MaxClients bounds the buckets a Limiter keeps. Past it, buckets idle for a minute are dropped,
// and if none is, all are, so that requests from ever new addresses cannot grow memory.
const MaxClients = 10_000

// idleAfter is how long a bucket must go unused before it may be dropped. A full bucket refills
// well within it at any rate worth limiting, so dropping it forgives nothing.
const idleAfter = time.Minute

// Limiter hands out one token bucket per client address. It is safe for concurrent use.
type Limiter struct {
	rate  rate.Limit
	burst int
	clock func() time.Time

	mu      sync.Mutex
	clients map[string]*client
}

type client struct {
	bucket   *rate.Limiter
	lastSeen time.Time
}

// New returns a limiter that lets each address make perSecond requests a second on average and
// burst requests at once.
func New(perSecond float64, burst int) *Limiter {
	return &Limiter{rate: rate.Limit(perSecond), burst: burst, clock: time.Now, clients: map[string]*client{}}
}

// Allow takes a token from the bucket of address and reports whether there was one.
func (l *Limiter) Allow(address string) bool {
	now := l.clock()
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.clients[address]
	if !ok {
		if len(l.clients) >= MaxClients {
			l.dropIdle(now)
		}
		c = &client{bucket: rate.NewLimiter(l.rate, l.burst)}
		l.clients[address] = c
	}
	c.lastSeen = now
	return c.bucket.AllowN(now, 1)
}

// RetryAfter is how long a client that was refused should wait, in whole seconds, at least 1.
func (l *Limiter) RetryAfter() int {
	if l.rate <= 0 {
		return 60
	}
	return max(1, int(1/float64(l.rate)+0.999))
}

// dropIdle removes buckets idle for idleAfter, or every bucket when none is. Called with mu held.
func (l *Limiter) dropIdle(now time.Time) {
	for address, c := range l.clients {
		if now.Sub(c.lastSeen) >= idleAfter {
			delete(l.clients, address)
		}
	}
	if len(l.clients) >= MaxClients {
		clear(l.clients)
	}
}

// ClientAddress returns the IP address of the request's peer, or its whole RemoteAddr when that
// has no port.
func ClientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
