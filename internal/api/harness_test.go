package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/textback/textback/internal/api"
	"github.com/textback/textback/internal/apikey"
	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
)

// tenant is one business with one record of every kind, and a key to it.
type tenant struct {
	business     store.Business
	number       store.Number
	key          string
	contact      store.Contact
	conversation store.Conversation
	message      store.Message
	call         store.Call
	task         store.Task
	calendar     store.Calendar
	booking      store.Booking
}

// seedTenant creates a business with slug and one record of every kind the API shows.
func seedTenant(t *testing.T, s *store.Store, p store.Provider, slug, number, caller string) tenant {
	t.Helper()
	ctx := context.Background()
	var week hours.Week
	for d := time.Sunday; d <= time.Saturday; d++ {
		week[d] = []hours.Range{{Start: 0, End: 24 * 60}}
	}
	var tn tenant
	var err error
	tn.business, err = s.UpsertBusiness(ctx, store.Business{
		Slug: slug, Name: slug + " Co", TimeZone: "America/Chicago", Region: "US", Hours: week,
		TextBack: store.TextBackSettings{
			Enabled: true, Window: 24 * time.Hour, Template: "Sorry we missed you", AfterHoursTemplate: "Closed",
			MissedCallMessage: "Sorry, nobody can take your call.", ScreenPrompt: "Press 1 to take the call.",
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	tn.number, err = s.UpsertNumber(ctx, store.Number{
		BusinessID: tn.business.ID, ProviderID: p.ID, E164: number, Mode: store.ModeDial, ForwardTo: "+13125550100",
		RingSeconds: 18, AnswerCheck: provider.AnswerCheckNone,
	})
	if err != nil {
		t.Fatal(err)
	}
	key, err := apikey.New()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.InsertAPIKey(ctx, store.NewAPIKey{BusinessID: tn.business.ID, Name: "test", Prefix: key.Prefix, SecretHash: key.Hash}); err != nil {
		t.Fatal(err)
	}
	tn.key = key.Secret
	if tn.contact, err = s.UpsertContact(ctx, tn.business.ID, caller); err != nil {
		t.Fatal(err)
	}
	if tn.conversation, err = s.EnsureConversation(ctx, tn.business.ID, tn.contact.ID); err != nil {
		t.Fatal(err)
	}
	tn.message, _, err = s.InsertMessage(ctx, store.Message{
		BusinessID: tn.business.ID, ContactID: tn.contact.ID, ConversationID: tn.conversation.ID, NumberID: tn.number.ID,
		ProviderID: p.ID, Direction: store.Inbound, From: caller, To: number, Body: "Do you fix water heaters?",
		Status: store.StatusReceived, Automated: false,
	})
	if err != nil {
		t.Fatal(err)
	}
	tn.call, err = s.EnsureCall(ctx, store.NewCall{
		BusinessID: tn.business.ID, NumberID: tn.number.ID, ProviderID: p.ID, ProviderCallID: "CA" + slug,
		FromRaw: caller, To: number, Handling: store.HandlingDial, AnswerCheck: provider.AnswerCheckNone, StartedAt: time.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecideCall(ctx, tn.call.ID, store.OutcomeMissed, "no-answer", "missed (no-answer): texted"); err != nil {
		t.Fatal(err)
	}
	if tn.call, err = s.GetCall(ctx, tn.call.ID); err != nil {
		t.Fatal(err)
	}
	tn.task, _, err = s.InsertTask(ctx, store.NewTask{
		BusinessID: tn.business.ID, ContactID: tn.contact.ID, Kind: store.TaskCallBack, Title: "Call back",
		Priority: "normal", Source: "keyword CALL", DueAt: time.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	tn.calendar, err = s.UpsertCalendar(ctx, store.Calendar{
		BusinessID: tn.business.ID, Slug: "visits", Name: "Visits", TimeZone: "America/Chicago", Hours: week,
		SlotLength: time.Hour, Horizon: 30 * 24 * time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Hour)
	err = s.InTx(ctx, func(tx *store.Tx) error {
		tn.booking, _, err = tx.BookSlot(ctx, store.SlotRequest{
			BusinessID: tn.business.ID, CalendarID: tn.calendar.ID, ContactID: tn.contact.ID, Start: start,
			End: start.Add(time.Hour), Source: store.BookingSourcePage, Name: "Pat Lee",
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tn
}

// contract checks every exchange against the OpenAPI document and records which operations
// answered with a 2xx status.
type contract struct {
	doc    *openapi3.T
	router routers.Router

	mu      sync.Mutex
	covered map[string]bool
}

// shared is the contract of every test in the package, so that TestMain can tell whether each
// operation of the document was exercised.
var (
	shared     *contract
	sharedErr  error
	sharedOnce sync.Once
)

// loadContract returns the package's contract, loading it on first use.
func loadContract(t *testing.T) *contract {
	t.Helper()
	sharedOnce.Do(func() { shared, sharedErr = parseContract() })
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared
}

func parseContract() (*contract, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.OpenAPI)
	if err != nil {
		return nil, fmt.Errorf("load openapi.json: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("openapi.json is not a valid OpenAPI 3 document: %w", err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route openapi.json: %w", err)
	}
	return &contract{doc: doc, router: router, covered: map[string]bool{}}, nil
}

// uncovered returns the operations of the document that no test exercised with a 2xx answer.
func (c *contract) uncovered() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for path, item := range c.doc.Paths.Map() {
		for method, op := range item.Operations() {
			if !c.covered[op.OperationID] {
				out = append(out, fmt.Sprintf("%s %s (%s)", method, path, op.OperationID))
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestMain runs the tests and then, when all of them ran and passed, fails unless every
// operation of openapi.json answered a test with a 2xx status.
func TestMain(m *testing.M) {
	code := m.Run()
	if code != 0 || flag.Lookup("test.run").Value.String() != "" || testing.Short() {
		os.Exit(code)
	}
	c, err := parseContract()
	if shared != nil {
		c, err = shared, nil
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if missing := c.uncovered(); len(missing) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: no test exercised these operations of openapi.json:\n  %s\n", strings.Join(missing, "\n  "))
		os.Exit(1)
	}
	os.Exit(code)
}

// client sends requests to the API on a test server and checks them against the contract.
type client struct {
	t        *testing.T
	base     string
	contract *contract
}

// response is an API answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// errorCode returns the code of an error response.
func (r response) errorCode(t *testing.T) string {
	t.Helper()
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	r.decode(t, &e)
	if e.Error.Message == "" {
		t.Errorf("error response %s has no message", r.body)
	}
	return e.Error.Code
}

// do sends a request with key (none when empty) and a JSON body (none when nil), and checks the
// response against the document. The request is checked too unless it is meant to be invalid.
func (c *client) do(method, path, key string, body any, requestValid bool) response {
	c.t.Helper()
	var raw []byte
	if body != nil {
		switch b := body.(type) {
		case string:
			raw = []byte(b)
		default:
			var err error
			if raw, err = json.Marshal(body); err != nil {
				c.t.Fatal(err)
			}
		}
	}
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(raw))
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	got, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	out := response{status: res.StatusCode, header: res.Header, body: got}
	c.check(req, raw, out, requestValid)
	return out
}

// check validates one exchange. Requests to paths the document lacks are only checked for a JSON
// error body.
func (c *client) check(req *http.Request, body []byte, res response, requestValid bool) {
	c.t.Helper()
	ctx := context.Background()
	// The document's server is the relative /api/v1; the router matches it against a request
	// without scheme and host.
	check := req.Clone(ctx)
	check.URL.Scheme, check.URL.Host, check.Host = "", "", ""
	check.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := c.contract.router.FindRoute(check)
	if err != nil {
		if res.status < 400 || !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
			c.t.Errorf("%s %s is not in openapi.json, yet answered %d %s", req.Method, req.URL.Path, res.status, res.body)
		}
		return
	}
	opts := &openapi3filter.Options{
		IncludeResponseStatus: true,
		AuthenticationFunc:    func(context.Context, *openapi3filter.AuthenticationInput) error { return nil },
	}
	input := &openapi3filter.RequestValidationInput{Request: check, PathParams: params, Route: route, Options: opts}
	if requestValid {
		if err := openapi3filter.ValidateRequest(ctx, input); err != nil {
			c.t.Errorf("%s %s: request does not match openapi.json: %v", req.Method, req.URL.Path, err)
		}
	}
	err = openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input, Status: res.status, Header: res.header, Body: io.NopCloser(bytes.NewReader(res.body)),
		Options: opts,
	})
	if err != nil {
		c.t.Errorf("%s %s: %d response does not match openapi.json: %v\nbody: %s", req.Method, req.URL.Path, res.status, err, res.body)
	}
	if res.status < 300 {
		c.contract.mu.Lock()
		c.contract.covered[route.Operation.OperationID] = true
		c.contract.mu.Unlock()
	}
}

// newServer serves h on a loopback test server and returns a client for it.
func newServer(t *testing.T, h http.Handler, c *contract) *client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &client{t: t, base: srv.URL, contract: c}
}
