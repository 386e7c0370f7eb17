// Package twiliotest is a fake Twilio REST API for tests. It serves the Messages list of one
// account and Lookup v2's phone numbers on 127.0.0.1, records every request, injects faults, and
// checks each request and response against Twilio's OpenAPI documents when the environment
// variable TEXTBACK_TWILIO_OPENAPI names them.
package twiliotest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/textback/textback/internal/provider"
)

// Credentials of the fake account, used unless WithAccount sets others.
const (
	DefaultAccountSID = "AC00000000000000000000000000000000"
	DefaultAuthToken  = "fake_auth_token_for_tests_0001"
)

// apiVersionPath is the path prefix of the REST API version that the server implements.
const apiVersionPath = "/2010-04-01"

// maxRequestBytes bounds the request bodies the server reads.
const maxRequestBytes = 1 << 20

// defaultPageSize is Twilio's page size when a list request sets no PageSize.
const defaultPageSize = 50

// messagesPath matches the Messages list path and captures the account SID.
var messagesPath = regexp.MustCompile(`^/2010-04-01/Accounts/([^/]+)/Messages\.json$`)

// Request is one request that the server received.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	// Form is the decoded body of a form-encoded request.
	Form   url.Values
	Header http.Header
	// Received is when the request arrived, by the wall clock, for latency measurements.
	Received time.Time
}

// Server is a fake Twilio REST API. It is safe for concurrent use.
type Server struct {
	// URL is the server's base URL, such as "http://127.0.0.1:41234", for Account.APIBaseURL.
	URL        string
	AccountSID string
	AuthToken  string

	t        testing.TB
	srv      *httptest.Server
	clock    func() time.Time
	contract *contract

	mu          sync.Mutex
	requests    []Request
	messages    []Message
	creates     int
	lists       int
	createFault FaultFunc
	listFault   FaultFunc
	lookups     int
	lookupFault FaultFunc
	// lineTypes are the line types that SetLineType set, by number.
	lineTypes map[string]string
}

// Option configures a Server.
type Option func(*config)

type config struct {
	accountSID, authToken string
	clock                 func() time.Time
	contract              bool
}

// WithAccount sets the account SID and auth token that the server accepts.
func WithAccount(accountSID, authToken string) Option {
	return func(c *config) { c.accountSID, c.authToken = accountSID, authToken }
}

// WithClock sets the clock that dates created messages. The default is time.Now.
func WithClock(clock func() time.Time) Option {
	return func(c *config) { c.clock = clock }
}

// WithoutContract turns off the OpenAPI contract check, for tests that send invalid requests on
// purpose.
func WithoutContract() Option {
	return func(c *config) { c.contract = false }
}

// New starts a fake Twilio API on 127.0.0.1 and closes it when the test ends. When
// TEXTBACK_TWILIO_OPENAPI names Twilio's OpenAPI file, every request is checked against it and
// twilio_lookups_v2.json in the same directory, and a request that does not conform fails the test.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	cfg := config{accountSID: DefaultAccountSID, authToken: DefaultAuthToken, clock: time.Now, contract: true}
	for _, opt := range opts {
		opt(&cfg)
	}
	s := &Server{AccountSID: cfg.accountSID, AuthToken: cfg.authToken, t: t, clock: cfg.clock}
	if cfg.contract {
		checker, err := contractFromEnv()
		if err != nil {
			t.Fatalf("twiliotest: %v", err)
		}
		s.contract = checker
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// Account returns a provider.Account for the fake account whose APIBaseURL is the server.
func (s *Server) Account() provider.Account {
	return provider.Account{
		ID:         1,
		Name:       "twiliotest",
		Kind:       "twilio",
		AccountSID: s.AccountSID,
		AuthToken:  s.AuthToken,
		APIBaseURL: s.URL,
	}
}

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// ChecksContract reports whether the server checks requests against Twilio's OpenAPI documents.
func (s *Server) ChecksContract() bool { return s.contract != nil }

// Fail sets the function that picks a fault for each create request. Nil removes it.
func (s *Server) Fail(fault FaultFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.createFault = fault
}

// FailList sets the function that picks a fault for each list request. Nil removes it. Drop and
// a Fault without Status or Code only delay the response, because a list creates nothing.
func (s *Server) FailList(fault FaultFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listFault = fault
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
		panic("twiliotest: encode JSON response: " + err.Error())
	}
	return reply{status: status, header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}, body: body}
}

// errorReply returns a Twilio error response.
func errorReply(status, code int) reply {
	return jsonReply(status, errorBody(status, code, ""))
}

// serveHTTP records a request, checks it against the contract when that is on, and responds.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBytes))
	if err != nil {
		s.t.Errorf("twiliotest: read %s %s body: %v", r.Method, r.URL.Path, err)
		return
	}
	form, _ := url.ParseQuery(string(body))
	s.record(Request{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Form: form, Header: r.Header.Clone(), Received: time.Now(),
	})

	var validated *openapi3filter.RequestValidationInput
	if s.contract != nil {
		validated, err = s.contract.checkRequest(r, body)
		if err != nil {
			s.t.Errorf("twiliotest: %s %s does not conform to Twilio's OpenAPI document: %v", r.Method, r.URL.Path, err)
			s.write(w, r, jsonReply(http.StatusBadRequest, apiError{Message: err.Error(), Status: http.StatusBadRequest}))
			return
		}
	}

	resp := s.route(r, form)
	if validated != nil && !resp.drop {
		if err := s.contract.checkResponse(validated, resp.status, resp.header, resp.body); err != nil {
			s.t.Errorf("twiliotest: response %d to %s %s does not conform to Twilio's OpenAPI document: %v",
				resp.status, r.Method, r.URL.Path, err)
		}
	}
	s.write(w, r, resp)
}

// route authenticates the request and handles it.
func (s *Server) route(r *http.Request, form url.Values) reply {
	if match := lookupPath.FindStringSubmatch(r.URL.Path); match != nil {
		return s.routeLookup(r, match[1])
	}
	match := messagesPath.FindStringSubmatch(r.URL.Path)
	if match == nil {
		return errorReply(http.StatusNotFound, 20404)
	}
	if !s.authenticated(r) {
		return errorReply(http.StatusUnauthorized, 20003)
	}
	if match[1] != s.AccountSID {
		return errorReply(http.StatusNotFound, 20404)
	}
	switch r.Method {
	case http.MethodPost:
		return s.createMessage(form)
	case http.MethodGet:
		return s.listMessages(r.URL.Query())
	default:
		return errorReply(http.StatusMethodNotAllowed, 20004)
	}
}

// routeLookup authenticates a Lookup v2 request for number and handles it.
func (s *Server) routeLookup(r *http.Request, number string) reply {
	if !s.authenticated(r) {
		return errorReply(http.StatusUnauthorized, 20003)
	}
	if r.Method != http.MethodGet {
		return errorReply(http.StatusMethodNotAllowed, 20004)
	}
	return s.lookUpNumber(number, r.URL.Query())
}

// authenticated reports whether the request carries the account's SID and auth token as HTTP basic
// credentials.
func (s *Server) authenticated(r *http.Request) bool {
	user, password, ok := r.BasicAuth()
	return ok && user == s.AccountSID && password == s.AuthToken
}

// createMessage handles a create request, applying the fault chosen for it.
func (s *Server) createMessage(form url.Values) reply {
	if code := createRuleViolation(form); code != 0 {
		return errorReply(http.StatusBadRequest, code)
	}

	s.mu.Lock()
	s.creates++
	n, pickFault := s.creates, s.createFault
	s.mu.Unlock()

	var fault *Fault
	if pickFault != nil {
		fault = pickFault(n, form)
	}
	if resp, failed := fault.response(); failed {
		return resp
	}

	s.mu.Lock()
	message := newMessage(s.AccountSID, len(s.messages)+1, form.Get("To"), form.Get("From"), form.Get("Body"), s.clock())
	if service := form.Get("MessagingServiceSid"); service != "" {
		message.MessagingServiceSID = &service
	}
	message.StatusCallback = form.Get("StatusCallback")
	s.messages = append(s.messages, message)
	s.mu.Unlock()

	resp := jsonReply(http.StatusCreated, message)
	if fault != nil {
		resp.delay, resp.drop = fault.Delay, fault.Drop
	}
	return resp
}

// listMessages responds to a list request with the newest messages that match its To and From
// filters, newest first. It serves only the first page.
func (s *Server) listMessages(query url.Values) reply {
	pageSize := defaultPageSize
	if value := query.Get("PageSize"); value != "" {
		size, err := strconv.Atoi(value)
		if err != nil || size < 1 || size > 1000 {
			return jsonReply(http.StatusBadRequest, apiError{Message: "PageSize must be between 1 and 1000",
				Status: http.StatusBadRequest})
		}
		pageSize = size
	}

	s.mu.Lock()
	s.lists++
	n, pickFault := s.lists, s.listFault
	matches := []Message{}
	for i := len(s.messages) - 1; i >= 0 && len(matches) < pageSize; i-- {
		message := s.messages[i]
		if filterMatches(query.Get("To"), message.To) && filterMatches(query.Get("From"), message.From) {
			matches = append(matches, message)
		}
	}
	s.mu.Unlock()

	var fault *Fault
	if pickFault != nil {
		fault = pickFault(n, query)
	}
	if resp, failed := fault.response(); failed {
		return resp
	}

	uri := apiVersionPath + "/Accounts/" + s.AccountSID + "/Messages.json"
	if encoded := query.Encode(); encoded != "" {
		uri += "?" + encoded
	}
	page := messagePage{
		End:          max(len(matches)-1, 0),
		FirstPageURI: uri,
		Page:         0,
		PageSize:     pageSize,
		Start:        0,
		URI:          uri,
		Messages:     matches,
	}
	resp := jsonReply(http.StatusOK, page)
	if fault != nil {
		resp.delay = fault.Delay
	}
	return resp
}

// filterMatches reports whether value passes a list filter; an empty filter passes everything.
func filterMatches(filter, value string) bool {
	return filter == "" || filter == value
}

// createRuleViolation returns the Twilio error code for a create request that lacks a recipient,
// a sender or content, or 0 when it has all three.
func createRuleViolation(form url.Values) int {
	switch {
	case form.Get("To") == "":
		return 21604
	case form.Get("From") == "" && form.Get("MessagingServiceSid") == "":
		return 21603
	case form.Get("Body") == "" && form.Get("MediaUrl") == "" && form.Get("ContentSid") == "":
		return 21602
	}
	return 0
}

// record stores a received request.
func (s *Server) record(req Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
}

// write sends resp after its delay, or drops the connection without an resp.
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
		s.t.Errorf("twiliotest: cannot drop the connection: %T does not support hijacking", w)
		return
	}
	conn, _, err := hijacker.Hijack()
	if err != nil {
		s.t.Errorf("twiliotest: drop connection: %v", err)
		return
	}
	_ = conn.Close()
}
