// Package telnyxtest is a fake Telnyx API for tests. It serves the Messaging API's
// POST /v2/messages for one API key on 127.0.0.1 with the response shapes of Telnyx's API
// reference, records every request, injects faults, and signs webhooks with its own Ed25519 key
// pair the way Telnyx signs them. It serves no list of sent messages, because Telnyx has none.
package telnyxtest

import (
	"crypto/ed25519"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider"
)

// DefaultAPIKey is the API key the server accepts unless WithAPIKey sets another.
const DefaultAPIKey = "KEY00000000000000000000000000000000_fake_for_tests_0001"

// messagesPath is the path of the send endpoint.
const messagesPath = "/v2/messages"

// maxRequestBytes bounds the request bodies the server reads.
const maxRequestBytes = 1 << 20

// Request is one request that the server received.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	// Body is the raw request body.
	Body []byte
	// Received is when the request arrived, by the wall clock.
	Received time.Time
}

// Server is a fake Telnyx API. It is safe for concurrent use.
type Server struct {
	// URL is the server's base URL, such as "http://127.0.0.1:41234", for Account.APIBaseURL.
	URL    string
	APIKey string

	t          testing.TB
	srv        *httptest.Server
	clock      func() time.Time
	privateKey ed25519.PrivateKey

	mu        sync.Mutex
	requests  []Request
	messages  []Message
	sends     int
	sendFault FaultFunc
}

// Option configures a Server.
type Option func(*config)

type config struct {
	apiKey string
	clock  func() time.Time
	seed   []byte
}

// WithAPIKey sets the API key that the server accepts as a Bearer token.
func WithAPIKey(key string) Option {
	return func(c *config) { c.apiKey = key }
}

// WithClock sets the clock that dates created messages. The default is time.Now.
func WithClock(clock func() time.Time) Option {
	return func(c *config) { c.clock = clock }
}

// WithKeySeed derives the server's signing key pair from a 32-byte seed, for signatures that are
// the same in every run. The default is a random key pair.
func WithKeySeed(seed []byte) Option {
	return func(c *config) { c.seed = seed }
}

// New starts a fake Telnyx API on 127.0.0.1 and closes it when the test ends.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	cfg := config{apiKey: DefaultAPIKey, clock: time.Now}
	for _, opt := range opts {
		opt(&cfg)
	}
	privateKey, err := newPrivateKey(cfg.seed)
	if err != nil {
		t.Fatalf("telnyxtest: %v", err)
	}
	s := &Server{APIKey: cfg.apiKey, t: t, clock: cfg.clock, privateKey: privateKey}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// Account returns a provider.Account for the fake account: the API key as AuthToken, the
// server's public key, and the server as APIBaseURL.
func (s *Server) Account() provider.Account {
	return provider.Account{
		ID:         1,
		Name:       "telnyxtest",
		Kind:       "telnyx",
		AuthToken:  s.APIKey,
		PublicKey:  s.PublicKey(),
		APIBaseURL: s.URL,
	}
}

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Fail sets the function that picks a fault for each send request. Nil removes it.
func (s *Server) Fail(fault FaultFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sendFault = fault
}

// Requests returns a copy of every request received so far, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Sent returns a copy of every message created so far, oldest first, including messages whose
// response was dropped or delayed.
func (s *Server) Sent() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// reply is a response that serveHTTP writes, drops or delays.
type reply struct {
	status int
	header http.Header
	body   []byte
	delay  time.Duration
	drop   bool
}

// jsonReply returns a reply with value encoded as JSON.
func jsonReply(status int, value any) reply {
	body, err := json.Marshal(value)
	if err != nil {
		panic("telnyxtest: encode JSON response: " + err.Error())
	}
	return reply{status: status, header: http.Header{"Content-Type": {"application/json"}}, body: body}
}

// serveHTTP records a request and responds.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBytes))
	if err != nil {
		s.t.Errorf("telnyxtest: read %s %s body: %v", r.Method, r.URL.Path, err)
		return
	}
	s.record(Request{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: body,
		Received: time.Now(),
	})
	s.write(w, r, s.route(r, body))
}

// route authenticates the request and handles it.
func (s *Server) route(r *http.Request, body []byte) reply {
	if r.URL.Path != messagesPath {
		return errorReply(http.StatusNotFound, "10005", "")
	}
	if r.Header.Get("Authorization") != "Bearer "+s.APIKey {
		return errorReply(http.StatusUnauthorized, "10009", "")
	}
	if r.Method != http.MethodPost {
		// Telnyx lists no sent messages, so only POST is served here.
		return errorReply(http.StatusMethodNotAllowed, "", "")
	}
	return s.createMessage(r, body)
}

// record stores a received request.
func (s *Server) record(req Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
}

// write sends resp after its delay, or drops the connection without a response.
func (s *Server) write(w http.ResponseWriter, r *http.Request, resp reply) {
	if resp.delay > 0 {
		timer := time.NewTimer(resp.delay)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-r.Context().Done():
			return
		}
	}
	if resp.drop {
		s.dropConnection(w)
		return
	}
	for name, values := range resp.header {
		w.Header()[name] = values
	}
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

// dropConnection closes the client's connection without writing anything.
func (s *Server) dropConnection(w http.ResponseWriter) {
	hijacker, ok := w.(http.Hijacker)
	if !ok {
		s.t.Errorf("telnyxtest: cannot drop the connection: %T does not support hijacking", w)
		return
	}
	conn, _, err := hijacker.Hijack()
	if err != nil {
		s.t.Errorf("telnyxtest: drop connection: %v", err)
		return
	}
	_ = conn.Close()
}
