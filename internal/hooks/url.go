package hooks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// maxURLLength bounds an endpoint URL.
const maxURLLength = 2000

// URLPolicy decides which URLs events may be sent to. The zero value allows only public
// addresses, so that a business cannot make textback call its own network or the machine it runs
// on.
type URLPolicy struct {
	// AllowPrivate also allows loopback, private, link-local and other non-public addresses,
	// for a receiver on the same machine or network.
	AllowPrivate bool
}

// Check returns why raw may not be an endpoint, or nil. Hosts given by name are checked again
// when a delivery connects, against the addresses the name resolves to then.
func (p URLPolicy) Check(raw string) error {
	if len(raw) > maxURLLength {
		return fmt.Errorf("invalid url: use at most %d characters", maxURLLength)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return errors.New("invalid url: use an absolute http or https URL, such as https://crm.example.com/textback")
	}
	if u.User != nil {
		return errors.New("invalid url: credentials in the URL would be stored and logged; authenticate with the signature instead")
	}
	if u.Fragment != "" {
		return errors.New("invalid url: remove the #fragment")
	}
	host := u.Hostname()
	if p.AllowPrivate {
		return nil
	}
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return fmt.Errorf("invalid url: %s is this machine; use a public address", host)
	}
	if addr, err := netip.ParseAddr(host); err == nil && !public(addr) {
		return fmt.Errorf("invalid url: %s is not a public address; use a public one", host)
	}
	return nil
}

// public reports whether addr is a routable public unicast address.
func public(addr netip.Addr) bool {
	addr = addr.Unmap()
	return addr.IsValid() && addr.IsGlobalUnicast() && !addr.IsPrivate() && !addr.IsLoopback() &&
		!addr.IsLinkLocalUnicast() && !sharedAddressSpace.Contains(addr)
}

// sharedAddressSpace is the carrier-grade NAT range of RFC 6598, private in all but name.
var sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")

// Transport returns an HTTP transport whose connections go only to addresses the policy allows,
// whatever a host name resolves to when it connects.
func (p URLPolicy) Transport() *http.Transport {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	if !p.AllowPrivate {
		dialer.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			addr, err := netip.ParseAddr(host)
			if err != nil || !public(addr) {
				return fmt.Errorf("connection to %s refused: not a public address", host)
			}
			return nil
		}
	}
	return &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, addr)
		},
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          50,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: RequestTimeout,
	}
}
