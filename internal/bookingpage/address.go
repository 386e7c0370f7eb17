package bookingpage

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientAddress returns the key of the request's client for the rate limit: its IP address, or
// the /64 network of an IPv6 address, since one host usually holds a whole /64.
//
// The client is the connection's peer. When the peer is a loopback address, it is a proxy on the
// same machine (the deployment docs put one there for TLS), and the client is the last entry of
// X-Forwarded-For: the address that proxy saw. Entries before the last were sent by the client,
// so they are never trusted.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	addr = addr.Unmap()
	if addr.IsLoopback() {
		if forwarded, ok := lastForwardedFor(r.Header); ok {
			addr = forwarded
		}
	}
	if addr.Is6() {
		if prefix, err := addr.WithZone("").Prefix(64); err == nil {
			return prefix.String()
		}
	}
	return addr.String()
}

// lastForwardedFor returns the last address in the request's X-Forwarded-For headers, which may
// be repeated and hold comma-separated lists.
func lastForwardedFor(h http.Header) (netip.Addr, bool) {
	values := h.Values("X-Forwarded-For")
	if len(values) == 0 {
		return netip.Addr{}, false
	}
	entries := strings.Split(values[len(values)-1], ",")
	last := strings.TrimSpace(entries[len(entries)-1])
	addr, err := netip.ParseAddr(last)
	if err != nil {
		return netip.Addr{}, false
	}
	return addr.Unmap(), true
}
