package ratelimit

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// A client gets its burst at once, then is refused until its bucket refills; other clients are
// not affected.
func TestAllowPerClient(t *testing.T) {
	now := time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC)
	l := New(2, 3)
	l.clock = func() time.Time { return now }
	for i := range 3 {
		if !l.Allow("192.0.2.1") {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	if l.Allow("192.0.2.1") {
		t.Error("request past the burst allowed, want refused")
	}
	if !l.Allow("192.0.2.2") {
		t.Error("another client refused, want its own bucket")
	}
	now = now.Add(500 * time.Millisecond)
	if !l.Allow("192.0.2.1") {
		t.Error("request after the bucket refilled one token refused")
	}
	if l.Allow("192.0.2.1") {
		t.Error("second request after one token refilled allowed, want refused")
	}
}

// Requests from ever new addresses never keep more than MaxClients buckets.
func TestClientsBounded(t *testing.T) {
	now := time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC)
	l := New(1, 1)
	l.clock = func() time.Time { return now }
	for i := range 3 * MaxClients {
		l.Allow(fmt.Sprintf("198.51.%d.%d", i/256, i%256))
		if i%MaxClients == 0 {
			now = now.Add(2 * idleAfter)
		}
	}
	if n := len(l.clients); n > MaxClients {
		t.Errorf("%d buckets kept, want at most %d", n, MaxClients)
	}
}

// RetryAfter is the time one token takes to refill, rounded up to a whole second.
func TestRetryAfter(t *testing.T) {
	cases := []struct {
		perSecond float64
		want      int
	}{{10, 1}, {1, 1}, {0.5, 2}, {0.3, 4}, {0, 60}}
	for _, c := range cases {
		if got := New(c.perSecond, 1).RetryAfter(); got != c.want {
			t.Errorf("RetryAfter at %v a second = %d, want %d", c.perSecond, got, c.want)
		}
	}
}

// The client address is the connection's IP, whatever X-Forwarded-For says.
func TestClientAddress(t *testing.T) {
	r := &http.Request{RemoteAddr: "203.0.113.9:51234", Header: http.Header{"X-Forwarded-For": {"198.51.100.1"}}}
	if got := ClientAddress(r); got != "203.0.113.9" {
		t.Errorf("ClientAddress = %q, want 203.0.113.9", got)
	}
	r = &http.Request{RemoteAddr: "[2001:db8::1]:443"}
	if got := ClientAddress(r); got != "2001:db8::1" {
		t.Errorf("ClientAddress = %q, want 2001:db8::1", got)
	}
	r = &http.Request{RemoteAddr: "@"}
	if got := ClientAddress(r); got != "@" {
		t.Errorf("ClientAddress = %q, want the whole address @", got)
	}
}
