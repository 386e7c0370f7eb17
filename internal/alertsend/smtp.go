package alertsend

import (
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultSMTPTimeout bounds one email delivery, from connecting to the relay to its reply to
// the message, when SMTPConfig.Timeout is zero.
const DefaultSMTPTimeout = 10 * time.Second

const (
	// submissionPort is the default port of smtp:// URLs: message submission with STARTTLS.
	submissionPort = 587
	// submissionsPort is the default port of smtps:// URLs: message submission over implicit TLS.
	submissionsPort = 465
)

// SMTPConfig is an SMTP relay and the sender address of the messages sent through it.
type SMTPConfig struct {
	// URL is smtp://user:password@host:port (STARTTLS) or smtps://user:password@host:port
	// (implicit TLS). The user name and password are optional and must be percent-encoded.
	// The port defaults to 587 for smtp and to 465 for smtps.
	URL string
	// From is the sender address, such as "Textback <alerts@example.com>".
	From string
	// Timeout bounds one delivery. Zero means DefaultSMTPTimeout.
	Timeout time.Duration
}

// String formats the configuration without the password, so that printing or logging a
// config with %v or %s does not show it.
func (c SMTPConfig) String() string {
	target := "[invalid URL]"
	if r, err := parseRelayURL(c.URL); err == nil {
		target = r.redactedURL()
	}
	return fmt.Sprintf("{URL:%s From:%s Timeout:%s}", target, c.From, c.Timeout)
}

// relay is a validated SMTPConfig.
type relay struct {
	host        string
	port        int
	implicitTLS bool // smtps://
	username    string
	password    string
	from        *netmail.Address
}

// ParseSMTP validates a relay URL and a sender address and returns them as an SMTPConfig whose
// Timeout is DefaultSMTPTimeout.
//
// An smtp:// URL connects in plain text and requires STARTTLS before anything else is sent,
// unless the host is localhost, 127.0.0.1 or ::1, where STARTTLS is not used because the
// traffic never leaves the machine. ParseSMTP accepts an smtp:// URL for any host, because the
// STARTTLS requirement is enforced when sending. A relay that does not offer STARTTLS, or whose
// certificate does not verify, fails each delivery with a permanent DeliveryError, and neither
// the credentials nor the message are sent. An smtps:// URL uses TLS from the first byte. In
// both cases the relay's certificate must verify against the system roots for the URL's host.
//
// A user name and password, when present, are sent with AUTH PLAIN if the relay offers it, else
// AUTH LOGIN, else another mechanism that go-mail v0.8.1 supports. go-mail sends PLAIN and LOGIN
// only over TLS or to a loopback host. The URL may not have a path,
// query or fragment. from is an RFC 5322 address, such as "Textback <alerts@example.com>".
// Error messages name the part that is invalid and never contain the password.
func ParseSMTP(rawURL, from string) (SMTPConfig, error) {
	if _, err := parseRelay(rawURL, from); err != nil {
		return SMTPConfig{}, err
	}
	return SMTPConfig{URL: rawURL, From: from, Timeout: DefaultSMTPTimeout}, nil
}

// parseRelay validates an SMTP URL and sender address.
func parseRelay(rawURL, from string) (relay, error) {
	r, err := parseRelayURL(rawURL)
	if err != nil {
		return relay{}, err
	}
	if strings.TrimSpace(from) == "" {
		return relay{}, errors.New("invalid SMTP config: from address is missing")
	}
	r.from, err = netmail.ParseAddress(from)
	if err != nil {
		return relay{}, fmt.Errorf("invalid SMTP from address %q: %w", from, err)
	}
	return r, nil
}

// parseRelayURL validates an SMTP URL. Its errors never quote the URL, because a password
// with an unescaped "/", "?" or "#" ends up in the host, port, path, query or fragment.
func parseRelayURL(rawURL string) (relay, error) {
	const encodeHint = "percent-encode characters such as /, ? and # in the user name and password"
	if strings.TrimSpace(rawURL) == "" {
		return relay{}, errors.New("invalid SMTP URL: URL is empty")
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Parse errors quote the whole URL, password included, so they are not wrapped.
		return relay{}, fmt.Errorf("invalid SMTP URL: the URL cannot be parsed; %s", encodeHint)
	}

	var r relay
	switch u.Scheme {
	case "smtp":
		r.port = submissionPort
	case "smtps":
		r.implicitTLS = true
		r.port = submissionsPort
	case "":
		return relay{}, errors.New("invalid SMTP URL: scheme is missing; use smtp:// or smtps://")
	default:
		return relay{}, fmt.Errorf("invalid SMTP URL scheme %q: use smtp (STARTTLS) or smtps (implicit TLS)",
			u.Scheme)
	}

	if u.Opaque != "" {
		return relay{}, errors.New("invalid SMTP URL: write smtp://host or smtps://host, with two slashes")
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return relay{}, fmt.Errorf("invalid SMTP URL: a path, query or fragment is not allowed; %s", encodeHint)
	}
	r.host = u.Hostname()
	if r.host == "" {
		return relay{}, fmt.Errorf("invalid SMTP URL: host is missing; %s", encodeHint)
	}
	if p := u.Port(); p != "" {
		r.port, err = strconv.Atoi(p)
		if err != nil || r.port < 1 || r.port > 65535 {
			return relay{}, fmt.Errorf("invalid SMTP URL: port must be 1 to 65535; %s", encodeHint)
		}
	}

	if u.User != nil {
		r.username = u.User.Username()
		password, hasPassword := u.User.Password()
		if r.username == "" {
			return relay{}, errors.New("invalid SMTP URL: user name is missing before the password")
		}
		if !hasPassword || password == "" {
			return relay{}, errors.New("invalid SMTP URL: password is missing after the user name")
		}
		r.password = password
	}
	return r, nil
}

// isLoopback reports whether the relay is on this machine. The names match those for which
// go-mail v0.8.1 allows AUTH PLAIN and LOGIN without TLS.
func (r relay) isLoopback() bool {
	return r.host == "localhost" || r.host == "127.0.0.1" || r.host == "::1"
}

// address returns host:port, for connecting and for error messages.
func (r relay) address() string {
	return net.JoinHostPort(r.host, strconv.Itoa(r.port))
}

// redactedURL formats the relay as a URL with "xxxxx" in place of the password.
func (r relay) redactedURL() string {
	scheme := "smtp"
	if r.implicitTLS {
		scheme = "smtps"
	}
	u := url.URL{Scheme: scheme, Host: r.address()}
	if r.username != "" {
		u.User = url.UserPassword(r.username, "xxxxx")
	}
	return u.String()
}
