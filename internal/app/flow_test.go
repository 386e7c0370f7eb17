package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
)

func TestMissedCallTextBack(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		h := newHarness(t, d, numberSetup{})
		sid := h.newCallSID()
		twiml := h.mustPost("voice", h.callForm(sid, caller, "CallStatus", "ringing"))
		if !strings.Contains(twiml, "<Number>"+ownerPhone+"</Number>") || !strings.Contains(twiml, `timeout="18"`) {
			t.Errorf("incoming call TwiML does not dial the owner for 18 s: %s", twiml)
		}
		if !strings.Contains(twiml, `action="`+publicURL+`/webhooks/twilio/voice/dial"`) {
			t.Errorf("dial action does not point at this server: %s", twiml)
		}
		answer := h.mustPost("voice/dial", h.callForm(sid, caller, "CallStatus", "in-progress", "DialCallStatus", "no-answer"))
		if !strings.Contains(answer, "<Hangup") {
			t.Errorf("unanswered dial should end the call: %s", answer)
		}
		sent := h.waitSent(1)
		if len(sent) != 1 {
			t.Fatalf("sent %d texts, want 1", len(sent))
		}
		text := sent[0]
		if text.To != caller || text.From != businessNumber {
			t.Errorf("text went %s → %s, want %s → %s", text.From, text.To, businessNumber, caller)
		}
		for _, want := range []string{"Acme Plumbing", "Dana", "https://example.com/book/acme", "Reply STOP to opt out."} {
			if !strings.Contains(text.Body, want) {
				t.Errorf("text %q does not contain %q", text.Body, want)
			}
		}
		if text.StatusCallback != publicURL+"/webhooks/twilio/sms/status" {
			t.Errorf("status callback = %q", text.StatusCallback)
		}
		call := h.waitDecided(sid)
		if call.Outcome != store.OutcomeMissed || call.TextBack != store.TextBackQueued {
			t.Errorf("call decided %s / %s, want missed / queued", call.Outcome, call.TextBack)
		}
		if !strings.Contains(call.Decision, "no answer within 18 s") || !strings.Contains(call.Decision, "texted") {
			t.Errorf("decision record = %q", call.Decision)
		}
		h.settle()
		msgs, err := h.store.ListMessagesByCall(context.Background(), call.ID)
		if err != nil || len(msgs) != 1 {
			t.Fatalf("messages of call: %v, %v", msgs, err)
		}
		if msgs[0].Status != store.StatusSent || msgs[0].ProviderMessageID != text.SID {
			t.Errorf("message recorded as %s %q, want sent %q", msgs[0].Status, msgs[0].ProviderMessageID, text.SID)
		}
		if len(msgs[0].Details.Checks) == 0 || msgs[0].Details.Values["business"] != "Acme Plumbing" {
			t.Errorf("message details missing checks or values: %+v", msgs[0].Details)
		}
	})
}

// Dial outcomes of the forwarded leg, with no answering-machine check.
func TestDialStatuses(t *testing.T) {
	rows := []struct {
		status   string
		duration string
		texted   bool
		reason   string
	}{
		{"no-answer", "0", true, "no-answer"},
		{"busy", "0", true, "busy"},
		{"failed", "0", true, "failed"},
		{"canceled", "0", true, "canceled"},
		{"completed", "95", false, "answered"},
		{"weird-status", "0", true, "unknown-dial-status"},
	}
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		h := newHarness(t, d, numberSetup{})
		for i, row := range rows {
			from := "+1202555014" + string(rune('0'+i))
			sid := h.newCallSID()
			h.mustPost("voice", h.callForm(sid, from, "CallStatus", "ringing"))
			status, _ := h.post("voice/dial", h.callForm(sid, from, "CallStatus", "in-progress",
				"DialCallStatus", row.status, "DialCallDuration", row.duration))
			if status != http.StatusOK {
				t.Errorf("%s: dial webhook status %d, want 200", row.status, status)
			}
			call := h.waitDecided(sid)
			if call.OutcomeReason != row.reason {
				t.Errorf("%s: reason %q, want %q", row.status, call.OutcomeReason, row.reason)
			}
			if call.DialStatus != row.status {
				t.Errorf("%s: stored dial status %q, want the raw value", row.status, call.DialStatus)
			}
			if got := call.TextBack == store.TextBackQueued; got != row.texted {
				t.Errorf("%s: texted %v, want %v (decision %q)", row.status, got, row.texted, call.Decision)
			}
		}
		h.settle()
		if n := len(h.fake.Sent()); n != 5 {
			t.Errorf("sent %d texts, want 5", n)
		}
	})
}

// A completed forwarded leg is told apart from a voicemail box by answering-machine detection,
// including a result that arrives after the dial result, and by call screening.
func TestAnswerChecks(t *testing.T) {
	rows := []struct {
		name   string
		check  provider.AnswerCheck
		steps  func(h *harness, sid string)
		texted bool
	}{
		{"machine beep", provider.AnswerCheckMachine, amdThenDial("machine_end_beep"), true},
		{"machine start", provider.AnswerCheckMachine, amdThenDial("machine_start"), true},
		{"human", provider.AnswerCheckMachine, amdThenDial("human"), false},
		{"unknown", provider.AnswerCheckMachine, amdThenDial("unknown"), true},
		{"machine after dial", provider.AnswerCheckMachine, func(h *harness, sid string) {
			h.mustPost("voice/dial", h.callForm(sid, caller, "DialCallStatus", "completed", "DialCallDuration", "31"))
			h.mustPost("voice/amd?call="+sid, h.legForm(sid, "AnsweredBy", "machine_end_beep"))
		}, true},
		{"machine result never arrives", provider.AnswerCheckMachine, func(h *harness, sid string) {
			h.mustPost("voice/dial", h.callForm(sid, caller, "DialCallStatus", "completed", "DialCallDuration", "31"))
		}, true},
		{"screen not accepted", provider.AnswerCheckScreen, screenThenDial(""), true},
		{"screen accepted", provider.AnswerCheckScreen, screenThenDial("1"), false},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			h := newHarness(t, store.SQLite, numberSetup{answerCheck: row.check})
			sid := h.newCallSID()
			h.mustPost("voice", h.callForm(sid, caller, "CallStatus", "ringing"))
			row.steps(h, sid)
			call := h.waitDecided(sid)
			if got := call.Outcome == store.OutcomeMissed; got != row.texted {
				t.Errorf("missed = %v, want %v (decision %q)", got, row.texted, call.Decision)
			}
			h.settle()
			want := 0
			if row.texted {
				want = 1
			}
			if n := len(h.fake.Sent()); n != want {
				t.Errorf("sent %d texts, want %d", n, want)
			}
		})
	}
}

func amdThenDial(answeredBy string) func(h *harness, sid string) {
	return func(h *harness, sid string) {
		h.mustPost("voice/amd?call="+sid, h.legForm(sid, "AnsweredBy", answeredBy))
		h.mustPost("voice/dial", h.callForm(sid, caller, "DialCallStatus", "completed", "DialCallDuration", "31"))
	}
}

func screenThenDial(digits string) func(h *harness, sid string) {
	return func(h *harness, sid string) {
		query := "?call=" + sid + "&number=" + url.QueryEscape(businessNumber)
		prompt := h.mustPost("voice/screen"+query, h.legForm(sid, "CallStatus", "in-progress"))
		if !strings.Contains(prompt, "<Gather") || !strings.Contains(prompt, "Acme Plumbing") {
			h.t.Errorf("screening prompt TwiML = %s", prompt)
		}
		h.mustPost("voice/screen/result"+query, h.legForm(sid, "Digits", digits))
		h.waitScreened(sid)
		answer := h.mustPost("voice/dial", h.callForm(sid, caller, "DialCallStatus", "completed", "DialCallDuration", "31"))
		if declined := digits != "1"; declined != strings.Contains(answer, "<Say>") {
			h.t.Errorf("dial answer after screening %q = %s; the caller should hear the missed-call message only when declined",
				digits, answer)
		}
	}
}

// The same final status delivered twice, or two different final statuses, give one text.
func TestDuplicateStatusCallbacks(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		h := newHarness(t, d, numberSetup{})
		sid := h.newCallSID()
		status := h.callForm(sid, caller, "CallStatus", "no-answer", "CallDuration", "0", "SequenceNumber", "2",
			"Timestamp", "Tue, 11 Mar 2025 19:04:10 +0000")
		var wg sync.WaitGroup
		codes := make([]int, 3)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				form := h.callForm(sid, caller, "CallStatus", "no-answer", "CallDuration", "0", "SequenceNumber", "2",
					"Timestamp", "Tue, 11 Mar 2025 19:04:1"+string(rune('0'+i))+" +0000")
				codes[i], _ = h.post("voice/status", form)
			}()
		}
		wg.Wait()
		for i, code := range codes {
			if code != http.StatusOK {
				t.Errorf("delivery %d answered %d, want 200", i, code)
			}
		}
		h.mustPost("voice/status", status)
		h.mustPost("voice/status", h.callForm(sid, caller, "CallStatus", "completed", "SequenceNumber", "3"))
		call := h.waitDecided(sid)
		t.Logf("decision: %s", call.Decision)
		h.settle()
		if n := len(h.fake.Sent()); n != 1 {
			t.Errorf("sent %d texts, want 1", n)
		}
	})
}

func TestSignatureRequired(t *testing.T) {
	h := newHarness(t, store.SQLite, numberSetup{})
	sid := h.newCallSID()
	form := h.callForm(sid, caller, "CallStatus", "no-answer")
	good := ""
	if status, _ := h.postSigned("voice/status", form, good); status != http.StatusForbidden {
		t.Errorf("missing signature answered %d, want 403", status)
	}
	signedOver := h.callForm(sid, caller, "CallStatus", "completed")
	if status, _ := h.postSigned("voice/status", form, signFor(h, "voice/status", signedOver)); status != http.StatusForbidden {
		t.Errorf("tampered body answered %d, want 403", status)
	}
	foreign := h.callForm(sid, caller, "CallStatus", "no-answer")
	foreign.Set("AccountSid", "AC99999999999999999999999999999999")
	if status, _ := h.post("voice/status", foreign); status != http.StatusForbidden {
		t.Errorf("unknown account answered %d, want 403", status)
	}
	h.settle()
	if _, err := h.store.GetCallByProviderID(context.Background(), 1, sid); err == nil {
		t.Error("a rejected webhook created a call")
	}
	if n := len(h.fake.Sent()); n != 0 {
		t.Errorf("sent %d texts after rejected webhooks, want 0", n)
	}
}

func signFor(h *harness, route string, form map[string][]string) string {
	return signature(h.fake.AuthToken, publicURL+"/webhooks/twilio/"+route, form)
}

// Withheld, invalid and short-code caller ids are never texted; the control row is.
func TestWithheldCallers(t *testing.T) {
	callers := []string{"+266696687", "Anonymous", "anonymous", "Restricted", "+7378742833", "+2562533",
		"+8656696", "+86282452253", "", "12345"}
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		h := newHarness(t, d, numberSetup{})
		for _, from := range callers {
			sid := h.newCallSID()
			h.missedCall(sid, from)
			call := h.waitDecided(sid)
			if call.TextBack != store.TextBackSkipped || call.ContactID != 0 {
				t.Errorf("caller %q: text back %s, contact %d; want skipped with no contact (%s)",
					from, call.TextBack, call.ContactID, call.Decision)
			}
		}
		sid := h.newCallSID()
		h.missedCall(sid, caller)
		h.waitDecided(sid)
		sent := h.waitSent(1)
		if len(sent) != 1 || sent[0].To != caller {
			t.Errorf("sent %+v, want one text to the control caller", sent)
		}
	})
}

// Repeated calls from one person, in two spellings, get one text per window.
func TestRepeatedCallsOneText(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		h := newHarness(t, d, numberSetup{})
		first := h.newCallSID()
		h.missedCall(first, caller)
		h.waitDecided(first)
		var wg sync.WaitGroup
		for _, from := range []string{caller, "(202) 555-0143", "12025550143"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				h.missedCall(h.newCallSID(), from)
			}()
		}
		wg.Wait()
		h.settle()
		calls, err := h.store.ListRecentCalls(context.Background(), 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range calls {
			if c.DecidedAt.IsZero() {
				c = h.waitDecided(c.ProviderCallID)
			}
			if c.ProviderCallID != first && c.TextBackReason != "window" {
				t.Errorf("repeat call %s: %s", c.ProviderCallID, c.Decision)
			}
		}
		if n := len(h.fake.Sent()); n != 1 {
			t.Errorf("sent %d texts for repeated calls, want 1", n)
		}
	})
}

// A number whose carrier forwards unanswered calls never rings the owner again; neither does a
// direct number whose call was forwarded from the owner's own phone.
func TestForwardedCalls(t *testing.T) {
	t.Run("forwarded mode", func(t *testing.T) {
		h := newHarness(t, store.SQLite, numberSetup{mode: store.ModeForwarded})
		for _, fwd := range []string{ownerPhone, ""} {
			sid := h.newCallSID()
			twiml := h.mustPost("voice", h.callForm(sid, caller, "CallStatus", "ringing", "ForwardedFrom", fwd))
			if strings.Contains(twiml, "<Dial") || !strings.Contains(twiml, "<Hangup") {
				t.Errorf("forwarded-mode TwiML should speak and hang up: %s", twiml)
			}
			call := h.waitDecided(sid)
			if call.Outcome != store.OutcomeMissed {
				t.Errorf("forwarded call decided %s", call.Decision)
			}
		}
		sent := h.waitSent(1)
		if len(sent) != 1 || sent[0].To != caller {
			t.Errorf("sent %+v, want one text to the caller, never to the forwarding phone", sent)
		}
	})
	t.Run("forward loop", func(t *testing.T) {
		h := newHarness(t, store.SQLite, numberSetup{})
		sid := h.newCallSID()
		twiml := h.mustPost("voice", h.callForm(sid, caller, "CallStatus", "ringing", "ForwardedFrom", ownerPhone))
		if strings.Contains(twiml, "<Dial") {
			t.Errorf("call forwarded from the owner's phone was dialled back: %s", twiml)
		}
		call := h.waitDecided(sid)
		if call.Outcome != store.OutcomeMissed || call.Handling != store.HandlingNoDial {
			t.Errorf("forward loop decided %s with handling %s", call.Decision, call.Handling)
		}
		if sent := h.waitSent(1); len(sent) != 1 {
			t.Errorf("sent %d texts, want 1", len(sent))
		}
	})
}

// A provider account without an auth token would reject every webhook; the health check says so.
func TestHealthFailsWithoutAuthToken(t *testing.T) {
	h := newHarness(t, store.SQLite, numberSetup{})
	get := func() (int, string) {
		resp, err := http.Get("http://" + h.app.Addr() + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return resp.StatusCode, readAll(resp)
	}
	if status, body := get(); status != http.StatusOK {
		t.Fatalf("healthy server answered %d: %s", status, body)
	}
	if _, err := h.store.UpsertProvider(context.Background(), store.Provider{
		Name: "twilio-second", Kind: "twilio", AccountSID: "AC00000000000000000000000000000009",
	}); err != nil {
		t.Fatal(err)
	}
	status, body := get()
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "twilio-second has no auth token") {
		t.Errorf("health answered %d %q, want 503 naming the provider", status, body)
	}
}
