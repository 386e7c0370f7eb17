package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/textback/textback/internal/api"
	"github.com/textback/textback/internal/apikey"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// env is a store with two businesses and an API server.
type env struct {
	store *store.Store
	a, b  tenant
	c     *client
}

// newEnv builds an env on s whose API uses opts, with Store filled in.
func newEnv(t *testing.T, s *store.Store, ct *contract, opts api.Options) *env {
	t.Helper()
	p, err := s.UpsertProvider(context.Background(), store.Provider{
		Name: "sandbox", Kind: "sandbox", AccountSID: "AC00000000000000000000000000000001", AuthToken: "token",
	})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{store: s}
	e.a = seedTenant(t, s, p, "alpha", "+13125550199", "+12025550143")
	e.b = seedTenant(t, s, p, "bravo", "+13125550198", "+12025550144")
	opts.Store = s
	if opts.RateLimit == (api.RateLimit{}) {
		opts.RateLimit = api.RateLimit{Rate: 1000, Burst: 1000}
	}
	e.c = newServer(t, api.New(opts).Handler(), ct)
	return e
}

type list[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

type withID struct {
	ID int64 `json:"id"`
}

func ids(items []withID) []int64 {
	out := make([]int64, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

func TestAPIReads(t *testing.T) {
	ct := loadContract(t)
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, ct, api.Options{})
		a := e.a
		gets := map[string]int64{
			fmt.Sprintf("/api/v1/contacts/%d", a.contact.ID):           int64(a.contact.ID),
			fmt.Sprintf("/api/v1/conversations/%d", a.conversation.ID): int64(a.conversation.ID),
			fmt.Sprintf("/api/v1/messages/%d", a.message.ID):           int64(a.message.ID),
			fmt.Sprintf("/api/v1/calls/%d", a.call.ID):                 int64(a.call.ID),
			fmt.Sprintf("/api/v1/bookings/%d", a.booking.ID):           int64(a.booking.ID),
		}
		for path, want := range gets {
			res := e.c.do("GET", path, a.key, nil, true)
			if res.status != http.StatusOK {
				t.Errorf("GET %s = %d %s, want 200", path, res.status, res.body)
				continue
			}
			var got withID
			res.decode(t, &got)
			if got.ID != want {
				t.Errorf("GET %s returned id %d, want %d", path, got.ID, want)
			}
		}
		lists := map[string]int64{
			"/api/v1/contacts":      int64(a.contact.ID),
			"/api/v1/conversations": int64(a.conversation.ID),
			"/api/v1/messages":      int64(a.message.ID),
			"/api/v1/messages?conversation_id=" + fmt.Sprint(a.conversation.ID): int64(a.message.ID),
			"/api/v1/calls":                 int64(a.call.ID),
			"/api/v1/tasks":                 int64(a.task.ID),
			"/api/v1/tasks?state=open":      int64(a.task.ID),
			"/api/v1/bookings":              int64(a.booking.ID),
			"/api/v1/bookings?state=booked": int64(a.booking.ID),
		}
		for path, want := range lists {
			res := e.c.do("GET", path, a.key, nil, true)
			if res.status != http.StatusOK {
				t.Errorf("GET %s = %d %s, want 200", path, res.status, res.body)
				continue
			}
			var got list[withID]
			res.decode(t, &got)
			if !slices.Equal(ids(got.Data), []int64{want}) {
				t.Errorf("GET %s listed %v, want [%d]", path, ids(got.Data), want)
			}
		}

		var conv struct {
			ID       int64 `json:"id"`
			Messages []struct {
				Body string `json:"body"`
			} `json:"messages"`
		}
		e.c.do("GET", fmt.Sprintf("/api/v1/conversations/%d", a.conversation.ID), a.key, nil, true).decode(t, &conv)
		if len(conv.Messages) != 1 || conv.Messages[0].Body != a.message.Body {
			t.Errorf("conversation shows texts %+v, want the one inbound text", conv.Messages)
		}
		var call struct {
			Decision string `json:"decision"`
			Outcome  string `json:"outcome"`
		}
		e.c.do("GET", fmt.Sprintf("/api/v1/calls/%d", a.call.ID), a.key, nil, true).decode(t, &call)
		if call.Outcome != "missed" || call.Decision != "missed (no-answer): texted" {
			t.Errorf("call shows outcome %q, decision %q", call.Outcome, call.Decision)
		}
		var done list[withID]
		e.c.do("GET", "/api/v1/tasks?state=done", a.key, nil, true).decode(t, &done)
		if len(done.Data) != 0 {
			t.Errorf("done tasks = %v, want none", ids(done.Data))
		}

		res := e.c.do("GET", "/api/v1/openapi.json", "", nil, true)
		if res.status != http.StatusOK || string(res.body) != string(api.OpenAPI) {
			t.Errorf("GET /api/v1/openapi.json = %d, want 200 and the embedded document", res.status)
		}
	})
}

// Each business's key reaches only that business: another's ids answer 404, exactly like ids
// that do not exist, and lists never show another's rows.
func TestAPITenantIsolation(t *testing.T) {
	ct := loadContract(t)
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, ct, api.Options{})
		b := e.b
		for _, path := range []string{
			fmt.Sprintf("/api/v1/contacts/%d", b.contact.ID),
			fmt.Sprintf("/api/v1/conversations/%d", b.conversation.ID),
			fmt.Sprintf("/api/v1/messages/%d", b.message.ID),
			fmt.Sprintf("/api/v1/messages?conversation_id=%d", b.conversation.ID),
			fmt.Sprintf("/api/v1/calls/%d", b.call.ID),
			fmt.Sprintf("/api/v1/bookings/%d", b.booking.ID),
			"/api/v1/contacts/999999",
			"/api/v1/contacts/abc",
			"/api/v1/contacts/-1",
		} {
			res := e.c.do("GET", path, e.a.key, nil, !strings.Contains(path, "abc") && !strings.Contains(path, "-1"))
			if res.status != http.StatusNotFound {
				t.Errorf("GET %s with the other business's key = %d %s, want 404", path, res.status, res.body)
				continue
			}
			if code := res.errorCode(t); code != "not_found" {
				t.Errorf("GET %s error code = %q, want not_found", path, code)
			}
		}
		theirs := map[int64]bool{
			int64(b.contact.ID): true, int64(b.conversation.ID): true, int64(b.message.ID): true,
			int64(b.call.ID): true, int64(b.task.ID): true, int64(b.booking.ID): true,
		}
		for _, path := range []string{
			"/api/v1/contacts", "/api/v1/conversations", "/api/v1/messages", "/api/v1/calls", "/api/v1/tasks", "/api/v1/bookings",
		} {
			var got list[withID]
			e.c.do("GET", path, e.a.key, nil, true).decode(t, &got)
			for _, id := range ids(got.Data) {
				if theirs[id] {
					t.Errorf("GET %s with the first business's key listed id %d of the second", path, id)
				}
			}
			if len(got.Data) != 1 {
				t.Errorf("GET %s listed %d rows, want the first business's 1", path, len(got.Data))
			}
		}
	})
}

func TestAPIAuthentication(t *testing.T) {
	ct := loadContract(t)
	s := storetest.Open(t, store.SQLite)
	e := newEnv(t, s, ct, api.Options{})
	ctx := context.Background()
	if res := e.c.do("GET", "/api/v1/contacts", e.a.key, nil, true); res.status != http.StatusOK {
		t.Fatalf("live key: %d %s, want 200", res.status, res.body)
	}

	revoked, err := apikey.New()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.InsertAPIKey(ctx, store.NewAPIKey{BusinessID: e.a.business.ID, Prefix: revoked.Prefix, SecretHash: revoked.Hash}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RevokeAPIKey(ctx, revoked.Prefix); err != nil {
		t.Fatal(err)
	}
	unknown, err := apikey.New()
	if err != nil {
		t.Fatal(err)
	}
	for name, header := range map[string]string{
		"missing":    "",
		"not bearer": "Basic " + e.a.key,
		"malformed":  "Bearer tbk_short",
		"unknown":    "Bearer " + unknown.Secret,
		"revoked":    "Bearer " + revoked.Secret,
	} {
		req, _ := http.NewRequest("GET", e.c.base+"/api/v1/contacts", nil)
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s key: status %d, want 401", name, res.StatusCode)
		}
		if !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s key: WWW-Authenticate = %q", name, res.Header.Get("WWW-Authenticate"))
		}
	}
	res := e.c.do("GET", "/api/v1/contacts", "", nil, false)
	if res.status != http.StatusUnauthorized || res.errorCode(t) != "unauthorized" {
		t.Errorf("no key: %d %s, want 401 unauthorized", res.status, res.body)
	}

	agency, err := apikey.New()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.InsertAPIKey(ctx, store.NewAPIKey{AgencyID: 4, Prefix: agency.Prefix, SecretHash: agency.Hash}); err != nil {
		t.Fatal(err)
	}
	res = e.c.do("GET", "/api/v1/contacts", agency.Secret, nil, true)
	if res.status != http.StatusForbidden {
		t.Errorf("agency key: %d %s, want 403", res.status, res.body)
	}

	keys, err := s.ListAPIKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if k.Prefix == e.a.key[:apikey.PrefixLength] && k.LastUsedAt.IsZero() {
			t.Error("a used key has no last use recorded")
		}
	}
}

func TestAPIPaging(t *testing.T) {
	ct := loadContract(t)
	s := storetest.Open(t, store.SQLite)
	e := newEnv(t, s, ct, api.Options{})
	ctx := context.Background()
	want := []int64{int64(e.a.contact.ID)}
	for i := range 4 {
		c, err := s.UpsertContact(ctx, e.a.business.ID, fmt.Sprintf("+1202555017%d", i))
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, int64(c.ID))
	}
	slices.Reverse(want)

	var got []int64
	path := "/api/v1/contacts?limit=2"
	for range 5 {
		var page list[withID]
		res := e.c.do("GET", path, e.a.key, nil, true)
		if res.status != http.StatusOK {
			t.Fatalf("GET %s = %d %s", path, res.status, res.body)
		}
		res.decode(t, &page)
		got = append(got, ids(page.Data)...)
		if page.NextCursor == nil {
			break
		}
		path = "/api/v1/contacts?limit=2&cursor=" + *page.NextCursor
	}
	if !slices.Equal(got, want) {
		t.Errorf("paged through %v, want %v newest first", got, want)
	}

	var found list[withID]
	e.c.do("GET", "/api/v1/contacts?q=5550172", e.a.key, nil, true).decode(t, &found)
	if len(found.Data) != 1 {
		t.Errorf("search for 5550172 found %v, want one contact", ids(found.Data))
	}

	for _, path := range []string{
		"/api/v1/contacts?limit=0", "/api/v1/contacts?limit=101", "/api/v1/contacts?limit=x",
		"/api/v1/contacts?cursor=nope", "/api/v1/contacts?cursor=djE6LTE", "/api/v1/tasks?state=late",
		"/api/v1/bookings?state=maybe", "/api/v1/messages?conversation_id=x",
		"/api/v1/contacts?q=" + strings.Repeat("a", 101),
	} {
		res := e.c.do("GET", path, e.a.key, nil, false)
		if res.status != http.StatusBadRequest || res.errorCode(t) != "invalid_request" {
			t.Errorf("GET %s = %d %s, want 400 invalid_request", path, res.status, res.body)
		}
	}
}

func TestAPIRateLimit(t *testing.T) {
	ct := loadContract(t)
	s := storetest.Open(t, store.SQLite)
	e := newEnv(t, s, ct, api.Options{RateLimit: api.RateLimit{Rate: 0.01, Burst: 2}})
	for i := range 2 {
		if res := e.c.do("GET", "/api/v1/calls", e.a.key, nil, true); res.status != http.StatusOK {
			t.Fatalf("request %d = %d, want 200 within the burst", i+1, res.status)
		}
	}
	res := e.c.do("GET", "/api/v1/calls", e.a.key, nil, true)
	if res.status != http.StatusTooManyRequests || res.errorCode(t) != "rate_limited" {
		t.Fatalf("third request = %d %s, want 429 rate_limited", res.status, res.body)
	}
	if res.header.Get("Retry-After") != "100" {
		t.Errorf("Retry-After = %q, want 100 seconds for 0.01 requests a second", res.header.Get("Retry-After"))
	}
	if res := e.c.do("GET", "/api/v1/calls", e.b.key, nil, true); res.status != http.StatusOK {
		t.Errorf("another key = %d, want 200: limits are per key", res.status)
	}
}

func TestAPIUnknownPathAndMethod(t *testing.T) {
	ct := loadContract(t)
	s := storetest.Open(t, store.SQLite)
	e := newEnv(t, s, ct, api.Options{})
	res := e.c.do("GET", "/api/v1/nothing", e.a.key, nil, false)
	if res.status != http.StatusNotFound || res.errorCode(t) != "not_found" {
		t.Errorf("unknown path = %d %s, want 404 not_found", res.status, res.body)
	}
	res = e.c.do("DELETE", "/api/v1/calls", e.a.key, nil, false)
	if res.status != http.StatusMethodNotAllowed || res.errorCode(t) != "method_not_allowed" {
		t.Errorf("DELETE /api/v1/calls = %d %s, want 405 method_not_allowed", res.status, res.body)
	}
}
