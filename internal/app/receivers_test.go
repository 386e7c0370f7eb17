package app_test

import (
	"encoding/json"
	"io"
	"log"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/textback/textback/internal/alertsend"
)

// email is one message the test relay accepted, with its subject and body decoded.
type email struct {
	To      []string
	Subject string
	Body    string
}

// mailbox is an SMTP relay on 127.0.0.1 that accepts every message.
type mailbox struct {
	t    testing.TB
	addr string

	mu       sync.Mutex
	received []email
}

// startMailbox starts a relay that stops when the test ends.
func startMailbox(t testing.TB) *mailbox {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen on 127.0.0.1: %v", err)
	}
	m := &mailbox{t: t, addr: listener.Addr().String()}
	server := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &mailSession{box: m}, nil
	}))
	server.Domain = "localhost"
	server.ReadTimeout = 10 * time.Second
	server.WriteTimeout = 10 * time.Second
	server.ErrorLog = log.New(io.Discard, "", 0)
	go func() { _ = server.Serve(listener) }()
	t.Cleanup(func() { _ = server.Close() })
	return m
}

// url returns the relay's address as the app's SMTP URL.
func (m *mailbox) url() string { return "smtp://" + m.addr }

// messages returns a copy of the accepted messages.
func (m *mailbox) messages() []email {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]email(nil), m.received...)
}

// to returns the accepted messages addressed to the recipient.
func (m *mailbox) to(address string) []email {
	var out []email
	for _, e := range m.messages() {
		for _, rcpt := range e.To {
			if rcpt == address {
				out = append(out, e)
			}
		}
	}
	return out
}

// waitFor waits until the recipient has n messages and returns them.
func (m *mailbox) waitFor(address string, n int) []email {
	m.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for len(m.to(address)) < n {
		if time.Now().After(deadline) {
			m.t.Fatalf("got %d emails to %s, want %d", len(m.to(address)), address, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return m.to(address)
}

// mailSession records one message at a time.
type mailSession struct {
	box *mailbox
	to  []string
}

func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }

func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		s.box.t.Errorf("relay received an unreadable message: %v", err)
		return err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		s.box.t.Errorf("relay received an unreadable subject %q: %v", msg.Header.Get("Subject"), err)
	}
	var body io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(msg.Body)
	}
	text, err := io.ReadAll(body)
	if err != nil {
		s.box.t.Errorf("relay received an unreadable body: %v", err)
	}
	s.box.mu.Lock()
	s.box.received = append(s.box.received, email{To: s.to, Subject: subject, Body: string(text)})
	s.box.mu.Unlock()
	return nil
}

func (s *mailSession) Reset()        { s.to = nil }
func (s *mailSession) Logout() error { return nil }

// hookAlert is the alert object of an alert webhook request.
type hookAlert struct {
	ID       int64  `json:"id"`
	Kind     string `json:"kind"`
	Priority string `json:"priority"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Contact  string `json:"contact"`
}

// hookReceiver is an alert webhook endpoint on 127.0.0.1 that accepts only requests whose
// signature alertsend.Verify accepts.
type hookReceiver struct {
	t      testing.TB
	url    string
	secret string

	mu       sync.Mutex
	alerts   []hookAlert
	rejected int
}

// startHookReceiver starts a receiver that checks signatures with secret.
func startHookReceiver(t testing.TB, secret string) *hookReceiver {
	t.Helper()
	r := &hookReceiver{t: t, secret: secret}
	srv := httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(srv.Close)
	r.url = srv.URL + "/alerts"
	return r
}

func (r *hookReceiver) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	err = alertsend.Verify(r.secret, req.Header.Get(alertsend.HeaderTimestamp), body,
		req.Header.Get(alertsend.HeaderSignature), time.Now(), 0)
	if err != nil {
		r.mu.Lock()
		r.rejected++
		r.mu.Unlock()
		r.t.Errorf("alert webhook signature rejected: %v", err)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var payload struct {
		Alert hookAlert `json:"alert"`
	}
	if err := json.Unmarshal(body, &payload); err != nil {
		r.t.Errorf("alert webhook body is not JSON: %v: %s", err, body)
		http.Error(w, "invalid JSON", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	r.alerts = append(r.alerts, payload.Alert)
	r.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// received returns a copy of the alerts accepted so far.
func (r *hookReceiver) received() []hookAlert {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]hookAlert(nil), r.alerts...)
}

// waitFor waits until n alerts arrived and returns them all.
func (r *hookReceiver) waitFor(n int) []hookAlert {
	r.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for len(r.received()) < n {
		if time.Now().After(deadline) {
			r.t.Fatalf("got %d alert webhooks, want %d", len(r.received()), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return r.received()
}
