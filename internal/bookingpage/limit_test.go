package bookingpage

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when the test moves it.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }

func TestLimiterBucket(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)}
	l := newLimiter(Limit{Burst: 2, Every: time.Minute}, clock.Now)
	for i := range 2 {
		if ok, _ := l.allow("a"); !ok {
			t.Fatalf("try %d refused, want the burst of 2 allowed", i+1)
		}
	}
	ok, wait := l.allow("a")
	if ok || wait != time.Minute {
		t.Errorf("third try = %t, wait %s, want refused for 1m", ok, wait)
	}
	if ok, _ := l.allow("b"); !ok {
		t.Error("another key refused, want its own bucket")
	}
	clock.now = clock.now.Add(30 * time.Second)
	if ok, wait := l.allow("a"); ok || wait != 30*time.Second {
		t.Errorf("after 30s = %t, wait %s, want refused for 30s more", ok, wait)
	}
	clock.now = clock.now.Add(30 * time.Second)
	if ok, _ := l.allow("a"); !ok {
		t.Error("after a minute refused, want one token back")
	}
	if ok, _ := l.allow("a"); ok {
		t.Error("second try after a minute allowed, want only one token back")
	}
}

// When the limiter is full, buckets that have refilled make room, and without any a new key is
// refused rather than letting memory grow.
func TestLimiterFull(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)}
	l := newLimiter(Limit{Burst: 1, Every: time.Minute}, clock.Now)
	for i := range maxKeys {
		l.allow(fmt.Sprint(i))
	}
	if ok, wait := l.allow("new"); ok || wait != time.Minute {
		t.Errorf("new key while full = %t, wait %s, want refused for 1m", ok, wait)
	}
	clock.now = clock.now.Add(time.Minute)
	if ok, _ := l.allow("new"); !ok {
		t.Error("new key after the others refilled refused, want room made")
	}
	if n := len(l.buckets); n != 1 {
		t.Errorf("limiter keeps %d buckets, want only the new one", n)
	}
}

func TestClientAddress(t *testing.T) {
	tests := []struct {
		remote    string
		forwarded []string // X-Forwarded-For headers
		want      string
	}{
		{"192.0.2.1:1234", nil, "192.0.2.1"},
		{"[::ffff:192.0.2.1]:1234", nil, "192.0.2.1"},
		{"[2001:db8:1:2:3:4:5:6]:443", nil, "2001:db8:1:2::/64"},
		{"[2001:db8:1:2:ffff::1]:443", nil, "2001:db8:1:2::/64"},
		{"[fe80::1%eth0]:80", nil, "fe80::/64"},
		{"@", nil, "@"},
		// A proxy on the same machine: the last entry is the address the proxy saw.
		{"127.0.0.1:5000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"127.0.0.1:5000", []string{"203.0.113.9, 198.51.100.7"}, "198.51.100.7"},
		{"127.0.0.1:5000", []string{"203.0.113.9", "198.51.100.8"}, "198.51.100.8"},
		{"[::1]:5000", []string{"2001:db8:1:2::9"}, "2001:db8:1:2::/64"},
		{"127.0.0.1:5000", []string{"not an address"}, "127.0.0.1"},
		{"127.0.0.1:5000", nil, "127.0.0.1"},
		// Any other peer's X-Forwarded-For is the client's own claim.
		{"192.0.2.1:1234", []string{"198.51.100.7"}, "192.0.2.1"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("POST", "/book/acme", nil)
		r.RemoteAddr = tt.remote
		for _, v := range tt.forwarded {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := clientAddress(r); got != tt.want {
			t.Errorf("clientAddress(%q, X-Forwarded-For %q) = %q, want %q", tt.remote, tt.forwarded, got, tt.want)
		}
	}
}
