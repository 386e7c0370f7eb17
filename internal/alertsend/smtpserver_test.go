package alertsend

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// envelope is one message that the test SMTP server accepted.
type envelope struct {
	From string
	To   []string
	Data []byte
	TLS  bool // whether the message came over TLS, by STARTTLS or implicit TLS
}

// smtpOptions configures startSMTP.
type smtpOptions struct {
	// startTLS offers STARTTLS with this certificate.
	startTLS *tls.Certificate
	// implicitTLS speaks TLS from the first byte with this certificate.
	implicitTLS *tls.Certificate
	// rejectRcpt maps a recipient address to the reply that rejects it.
	rejectRcpt map[string]*smtp.SMTPError
	// rejectMail, when set, is the reply to every MAIL command.
	rejectMail *smtp.SMTPError
	// rejectData, when set, is the reply after every message's data.
	rejectData *smtp.SMTPError
	// dropAfterData closes the connection right after the reply that accepts a message, so
	// the client's RSET and QUIT fail.
	dropAfterData bool
}

// smtpServer is a go-smtp server on 127.0.0.1 that records the messages it accepts and the
// whole conversation.
type smtpServer struct {
	addr string
	opts smtpOptions

	mu       sync.Mutex
	received []envelope
	log      bytes.Buffer // the conversation, as go-smtp's debug output
}

// startSMTP starts a server on 127.0.0.1 that stops when the test ends.
func startSMTP(t *testing.T, opts smtpOptions) *smtpServer {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen on 127.0.0.1: %v", err)
	}
	if opts.implicitTLS != nil {
		listener = tls.NewListener(listener, &tls.Config{Certificates: []tls.Certificate{*opts.implicitTLS}})
	}

	s := &smtpServer{addr: listener.Addr().String(), opts: opts}
	server := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{server: s, conn: c}, nil
	}))
	server.Domain = "localhost"
	server.ReadTimeout = 10 * time.Second
	server.WriteTimeout = 10 * time.Second
	server.Debug = lockedWriter{mu: &s.mu, w: &s.log}
	// Connections that the client drops on purpose would otherwise be logged to stderr.
	server.ErrorLog = log.New(io.Discard, "", 0)
	if opts.startTLS != nil {
		server.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*opts.startTLS}}
	}

	go func() { _ = server.Serve(listener) }()
	t.Cleanup(func() { _ = server.Close() })
	return s
}

// messages returns a copy of the accepted messages.
func (s *smtpServer) messages() []envelope {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]envelope(nil), s.received...)
}

// conversation returns the commands and replies exchanged so far.
func (s *smtpServer) conversation() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// lockedWriter serializes writes to w, because go-smtp writes debug output from each
// connection's goroutine.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// smtpSession records one transaction at a time.
type smtpSession struct {
	server   *smtpServer
	conn     *smtp.Conn
	current  envelope
	accepted bool // whether Data accepted current
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.server.opts.rejectMail != nil {
		return s.server.opts.rejectMail
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.current = envelope{From: from, TLS: isTLS}
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if reply, ok := s.server.opts.rejectRcpt[to]; ok {
		return reply
	}
	s.current.To = append(s.current.To, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.server.opts.rejectData != nil {
		return s.server.opts.rejectData
	}
	s.current.Data = data
	s.server.mu.Lock()
	s.server.received = append(s.server.received, s.current)
	s.server.mu.Unlock()
	s.accepted = true
	return nil
}

// Reset runs after go-smtp has sent the reply to the data, and on RSET.
func (s *smtpSession) Reset() {
	if s.accepted && s.server.opts.dropAfterData {
		// Conn.Close would take the lock that go-smtp holds while it calls Reset.
		_ = s.conn.Conn().Close()
	}
	s.current = envelope{}
	s.accepted = false
}

func (s *smtpSession) Logout() error {
	return nil
}

// newCertificate returns a self-signed certificate for the names, which may be host names or
// IP addresses, and a pool that trusts it.
func newCertificate(t *testing.T, names ...string) (*tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("generate key: %v", err)
	}

	template := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: names[0]},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	for _, name := range names {
		if ip := net.ParseIP(name); ip != nil {
			template.IPAddresses = append(template.IPAddresses, ip)
		} else {
			template.DNSNames = append(template.DNSNames, name)
		}
	}

	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("create certificate: %v", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("parse certificate: %v", err)
	}

	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// hangingListener accepts connections on 127.0.0.1 and never writes to them, like a relay that
// stopped responding. It returns the address.
func hangingListener(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen on 127.0.0.1: %v", err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = listener.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, conn := range conns {
			_ = conn.Close()
		}
	})
	return listener.Addr().String()
}

// closedAddr returns an address on 127.0.0.1 where nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen on 127.0.0.1: %v", err)
	}
	addr := listener.Addr().String()
	_ = listener.Close()
	return addr
}

// hostPort splits addr and fails the test on error.
func hostPort(t *testing.T, addr string) (string, string) {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("split %q: %v", addr, err)
	}
	return host, port
}

// assertNoSecret fails the test when text contains any of the secrets.
func assertNoSecret(t *testing.T, text string, secrets ...string) {
	t.Helper()
	for _, secret := range secrets {
		if strings.Contains(text, secret) {
			t.Errorf("text contains secret %q: %s", secret, text)
		}
	}
}
