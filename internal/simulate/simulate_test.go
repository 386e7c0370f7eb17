package simulate_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/provider/twilio"
	"github.com/textback/textback/internal/simulate"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

const (
	publicURL  = "https://hooks.example.com"
	authToken  = "fake_auth_token_for_tests_0001"
	accountSID = "AC00000000000000000000000000000000"
)

// received is one webhook the recording server got.
type received struct {
	route string // path after /webhooks/twilio/, with the query
	form  url.Values
	valid bool // the signature matches the public URL
}

// recorder is a server on 127.0.0.1 that checks and keeps the webhooks it receives.
type recorder struct {
	mu   sync.Mutex
	hits []received
	srv  *httptest.Server
}

func newRecorder(t *testing.T) *recorder {
	t.Helper()
	r := &recorder{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		form, _ := url.ParseQuery(string(body))
		signature := twilio.Sign(authToken, publicURL+req.URL.RequestURI(), form)
		hit := received{
			route: strings.TrimPrefix(req.URL.RequestURI(), "/webhooks/twilio/"),
			form:  form,
			valid: signature == req.Header.Get("X-Twilio-Signature"),
		}
		r.mu.Lock()
		r.hits = append(r.hits, hit)
		r.mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Response/>`)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *recorder) all() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.hits...)
}

func number(mode store.NumberMode, check provider.AnswerCheck) store.Number {
	n := store.Number{E164: "+13125550199", Mode: mode, ForwardTo: "+13125550100", RingSeconds: 18, AnswerCheck: check}
	if mode == store.ModeForwarded {
		n.ForwardTo = ""
	}
	return n
}

// step is a webhook the simulator should send: its route without the query, and the field that
// decides the outcome.
type step struct {
	route string
	field string
	value string
}

func TestRun(t *testing.T) {
	ringing := step{"voice", "CallStatus", "ringing"}
	done := step{"voice/status", "CallStatus", "completed"}
	rows := []struct {
		name    string
		number  store.Number
		outcome simulate.Outcome
		steps   []step
	}{
		{"no answer", number(store.ModeDial, provider.AnswerCheckNone), simulate.NoAnswer,
			[]step{ringing, {"voice/dial", "DialCallStatus", "no-answer"}, done}},
		{"busy", number(store.ModeDial, provider.AnswerCheckMachine), simulate.Busy,
			[]step{ringing, {"voice/dial", "DialCallStatus", "busy"}, done}},
		{"answered no check", number(store.ModeDial, provider.AnswerCheckNone), simulate.Answered,
			[]step{ringing, {"voice/dial", "DialCallStatus", "completed"}, done}},
		{"answered machine check", number(store.ModeDial, provider.AnswerCheckMachine), simulate.Answered,
			[]step{ringing, {"voice/amd", "AnsweredBy", "human"}, {"voice/dial", "DialCallStatus", "completed"}, done}},
		{"voicemail machine check", number(store.ModeDial, provider.AnswerCheckMachine), simulate.Voicemail,
			[]step{ringing, {"voice/amd", "AnsweredBy", "machine_end_beep"}, {"voice/dial", "DialCallStatus", "completed"}, done}},
		{"answered screen check", number(store.ModeDial, provider.AnswerCheckScreen), simulate.Answered,
			[]step{ringing, {"voice/screen", "CallStatus", "in-progress"}, {"voice/screen/result", "Digits", "1"},
				{"voice/dial", "DialCallStatus", "completed"}, done}},
		{"voicemail screen check", number(store.ModeDial, provider.AnswerCheckScreen), simulate.Voicemail,
			[]step{ringing, {"voice/screen", "CallStatus", "in-progress"}, {"voice/screen/result", "Digits", ""},
				{"voice/dial", "DialCallStatus", "completed"}, done}},
		{"forwarded number", number(store.ModeForwarded, provider.AnswerCheckNone), simulate.Answered,
			[]step{ringing, done}},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			rec := newRecorder(t)
			var log bytes.Buffer
			call := simulate.Call{
				Server: rec.srv.URL + "/", PublicURL: publicURL + "/",
				Account: provider.Account{AccountSID: accountSID, AuthToken: authToken},
				Number:  row.number, From: "+12025550143", Outcome: row.outcome, Client: rec.srv.Client(), Log: &log,
			}
			sid, err := call.Run(context.Background())
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			if !strings.HasPrefix(sid, "CA") || len(sid) != 34 {
				t.Errorf("call sid = %q, want CA and 32 hex digits", sid)
			}
			hits := rec.all()
			if len(hits) != len(row.steps) {
				t.Fatalf("sent %d webhooks, want %d: %+v", len(hits), len(row.steps), hits)
			}
			for i, want := range row.steps {
				hit := hits[i]
				route, query, _ := strings.Cut(hit.route, "?")
				if route != want.route {
					t.Errorf("webhook %d route = %q, want %q", i+1, route, want.route)
				}
				if !hit.valid {
					t.Errorf("webhook %d (%s) is not signed for the public URL", i+1, route)
				}
				if got := hit.form.Get(want.field); got != want.value {
					t.Errorf("webhook %d (%s) %s = %q, want %q", i+1, route, want.field, got, want.value)
				}
				if hit.form.Get("AccountSid") != accountSID {
					t.Errorf("webhook %d (%s) AccountSid = %q", i+1, route, hit.form.Get("AccountSid"))
				}
				leg := strings.HasPrefix(route, "voice/amd") || strings.HasPrefix(route, "voice/screen")
				if leg {
					if want := "call=" + sid + "&number=%2B13125550199"; query != want {
						t.Errorf("webhook %d (%s) query = %q, want %s", i+1, route, query, want)
					}
					if hit.form.Get("ParentCallSid") != sid || hit.form.Get("CallSid") == sid {
						t.Errorf("webhook %d (%s) is not about the forwarded leg of %s: %v", i+1, route, sid, hit.form)
					}
					continue
				}
				if hit.form.Get("CallSid") != sid || hit.form.Get("From") != "+12025550143" || hit.form.Get("To") != "+13125550199" {
					t.Errorf("webhook %d (%s) is not about the caller's leg of %s: %v", i+1, route, sid, hit.form)
				}
			}
			if lines := strings.Count(log.String(), "\n"); lines != len(row.steps) {
				t.Errorf("log has %d lines, want one per webhook: %q", lines, log.String())
			}
		})
	}
}

// A webhook the server rejects stops the call with an error that quotes the server's response.
func TestRunRejected(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "forbidden: invalid webhook signature", http.StatusForbidden)
	}))
	t.Cleanup(srv.Close)
	call := simulate.Call{
		Server: srv.URL, PublicURL: publicURL, Account: provider.Account{AccountSID: accountSID, AuthToken: authToken},
		Number: number(store.ModeDial, provider.AnswerCheckNone), From: "+12025550143", Outcome: simulate.NoAnswer,
		Client: srv.Client(), Log: io.Discard,
	}
	_, err := call.Run(context.Background())
	if err == nil {
		t.Fatal("run succeeded, want the server's rejection")
	}
	for _, want := range []string{"voice webhook", "403", "invalid webhook signature"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestWait(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		p, err := s.UpsertProvider(ctx, store.Provider{Name: "sandbox", Kind: "sandbox", AccountSID: accountSID, AuthToken: authToken})
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.UpsertBusiness(ctx, store.Business{Slug: "acme", Name: "Acme", TimeZone: "America/Chicago", Region: "US"})
		if err != nil {
			t.Fatal(err)
		}
		n := number(store.ModeDial, provider.AnswerCheckNone)
		n.BusinessID, n.ProviderID = b.ID, p.ID
		n, err = s.UpsertNumber(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		call, err := s.EnsureCall(ctx, store.NewCall{
			BusinessID: b.ID, NumberID: n.ID, ProviderID: p.ID, ProviderCallID: "CA1", FromRaw: "+12025550143",
			To: n.E164, Handling: store.HandlingDial, AnswerCheck: n.AnswerCheck, StartedAt: time.Now(),
		})
		if err != nil {
			t.Fatal(err)
		}

		rows := []struct {
			name string
			sid  string
			want string
		}{
			{"never recorded", "CA2", "not found"},
			{"undecided", "CA1", "call CA1 not decided within 0s"},
		}
		for _, row := range rows {
			t.Run(row.name, func(t *testing.T) {
				_, _, err := simulate.Wait(ctx, s, p.ID, row.sid, 0)
				if err == nil {
					t.Fatal("wait succeeded, want a timeout")
				}
				if !strings.Contains(err.Error(), row.want) {
					t.Errorf("error %q lacks %q", err, row.want)
				}
				if strings.Contains(err.Error(), "%!") {
					t.Errorf("error %q has a formatting mistake", err)
				}
			})
		}

		if _, err := s.DecideCall(ctx, call.ID, store.OutcomeMissed, "no-answer", "missed: no answer"); err != nil {
			t.Fatal(err)
		}
		decided, msgs, err := simulate.Wait(ctx, s, p.ID, "CA1", time.Second)
		if err != nil {
			t.Fatalf("wait for a decided call: %v", err)
		}
		if decided.Decision != "missed: no answer" {
			t.Errorf("decision = %q, want the recorded one", decided.Decision)
		}
		if len(msgs) != 0 {
			t.Errorf("messages = %+v, want none", msgs)
		}
	})
}
