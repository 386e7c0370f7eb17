// Package simulate plays the provider's side of a phone call against a running textback server:
// it sends the same signed, Twilio-shaped webhooks Twilio would send for a call that is missed,
// answered, busy or taken by voicemail. It lets a new user, or an owner trying new settings, see
// the whole flow without a phone or a provider account.
package simulate

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/provider/twilio"
	"github.com/textback/textback/internal/store"
)

// Outcome is how the simulated call ends.
type Outcome string

const (
	NoAnswer  Outcome = "no-answer" // the business's phone rings out
	Busy      Outcome = "busy"      // the business's phone is busy
	Answered  Outcome = "answered"  // a person takes the call
	Voicemail Outcome = "voicemail" // the business phone's voicemail picks up
)

// Outcomes lists the outcomes in the order the command line shows them.
var Outcomes = []Outcome{NoAnswer, Busy, Answered, Voicemail}

// Call describes one simulated call.
type Call struct {
	// Server is where the webhooks are sent, such as "http://127.0.0.1:8080".
	Server string
	// PublicURL is the URL the server checks signatures against; usually the same as Server.
	PublicURL string
	Account   provider.Account
	Number    store.Number
	From      string
	Outcome   Outcome
	Client    *http.Client
	// Log receives one line per webhook sent.
	Log io.Writer
	// Digits are the caller's choices at the menus of a number with a phone menu, in order: a key
	// such as "2", or words to say such as "emergency". With none left, the caller presses nothing.
	Digits []string
	// Message is the transcript of a voicemail left in a menu; empty means DefaultMessage.
	Message string
	// brief leaves the markup out of the lines written to Log, because the menu walk writes what the
	// caller hears instead.
	brief bool
}

// Run sends the call's webhooks in order and returns the call id used.
func (c Call) Run(ctx context.Context) (string, error) {
	callSID, err := newSID("CA")
	if err != nil {
		return "", err
	}
	legSID, err := newSID("CA")
	if err != nil {
		return "", err
	}
	base := url.Values{
		"AccountSid": {c.Account.AccountSID}, "ApiVersion": {"2010-04-01"}, "CallSid": {callSID},
		"From": {c.From}, "Caller": {c.From}, "To": {c.Number.E164}, "Called": {c.Number.E164}, "Direction": {"inbound"},
	}
	steps := c.steps(callSID, legSID)
	answer, err := c.post(ctx, "voice", with(base, "CallStatus", "ringing"))
	if err != nil {
		return callSID, err
	}
	if strings.Contains(answer, "<Gather") {
		c.brief = true
		return callSID, c.walkMenu(ctx, callSID, answer, base)
	}
	for _, s := range steps {
		form := base
		if s.leg {
			form = url.Values{
				"AccountSid": {c.Account.AccountSID}, "ApiVersion": {"2010-04-01"}, "CallSid": {legSID},
				"ParentCallSid": {callSID}, "From": {c.Number.E164}, "To": {c.Number.ForwardTo}, "Direction": {"outbound-dial"},
			}
		}
		for k, v := range s.fields {
			form = with(form, k, v)
		}
		if _, err := c.post(ctx, s.route, form); err != nil {
			return callSID, err
		}
	}
	return callSID, nil
}

type step struct {
	route  string
	leg    bool // about the forwarded leg
	fields map[string]string
}

// steps lists the webhooks after the first one, as Twilio sends them for the outcome.
func (c Call) steps(callSID, legSID string) []step {
	done := step{route: "voice/status", fields: map[string]string{"CallStatus": "completed", "CallDuration": "20"}}
	if c.Number.Mode == store.ModeForwarded || c.Number.ForwardTo == "" {
		return []step{done}
	}
	// The same query textback puts in the forwarded leg's callback URLs.
	parent := "?" + url.Values{"call": {callSID}, "number": {c.Number.E164}}.Encode()
	dial := func(status, duration string) step {
		return step{route: "voice/dial", fields: map[string]string{
			"CallStatus": "in-progress", "DialCallSid": legSID, "DialCallStatus": status, "DialCallDuration": duration,
		}}
	}
	switch c.Outcome {
	case Busy:
		return []step{dial("busy", "0"), done}
	case NoAnswer:
		return []step{dial("no-answer", "0"), done}
	}
	var check []step
	human := c.Outcome == Answered
	switch c.Number.AnswerCheck {
	case provider.AnswerCheckMachine:
		answeredBy := "machine_end_beep"
		if human {
			answeredBy = "human"
		}
		check = []step{{route: "voice/amd" + parent, leg: true, fields: map[string]string{
			"AnsweredBy": answeredBy, "MachineDetectionDuration": "2100",
		}}}
	case provider.AnswerCheckScreen:
		digits := ""
		if human {
			digits = "1"
		}
		check = []step{
			{route: "voice/screen" + parent, leg: true, fields: map[string]string{"CallStatus": "in-progress"}},
			{route: "voice/screen/result" + parent, leg: true, fields: map[string]string{"CallStatus": "in-progress", "Digits": digits}},
		}
	}
	duration := "25"
	if human {
		duration = "42"
	}
	return append(check, dial("completed", duration), done)
}

// post signs and sends one webhook, and writes what textback answered.
func (c Call) post(ctx context.Context, route string, form url.Values) (string, error) {
	path := "/webhooks/twilio/" + route
	signed := strings.TrimRight(c.PublicURL, "/") + path
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(c.Server, "/")+path,
		strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("build %s webhook: %w", route, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", twilio.Sign(c.Account.AuthToken, signed, form))
	resp, err := c.Client.Do(req)
	if err != nil {
		return "", fmt.Errorf("send %s webhook to %s: %w (is textback serve running?)", route, c.Server, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	answer := strings.TrimSpace(strings.TrimPrefix(string(body), `<?xml version="1.0" encoding="UTF-8"?>`))
	if c.brief {
		path, _, _ := strings.Cut(route, "?")
		fmt.Fprintf(c.Log, "→ %-29s %-28s ← %d\n", path, summary(form), resp.StatusCode)
	} else {
		fmt.Fprintf(c.Log, "→ %-20s %-28s ← %d %s\n", route, summary(form), resp.StatusCode, answer)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s webhook: server answered %s: %s", route, resp.Status, answer)
	}
	return answer, nil
}

func summary(form url.Values) string {
	for _, key := range []string{"Digits", "SpeechResult", "AnsweredBy", "DialCallStatus", "RecordingStatus",
		"TranscriptionStatus", "RecordingUrl", "CallStatus"} {
		if v, ok := form[key]; ok {
			return key + "=" + v[0]
		}
	}
	return ""
}

// with returns a copy of form with key set to value.
func with(form url.Values, key, value string) url.Values {
	out := make(url.Values, len(form)+1)
	for k, v := range form {
		out[k] = v
	}
	out.Set(key, value)
	return out
}

func newSID(prefix string) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate call id: %w", err)
	}
	return prefix + hex.EncodeToString(b), nil
}

// Wait polls s until the call is decided and its text back, if any, has left the queue, or until
// timeout. It returns what it found last.
func Wait(ctx context.Context, s *store.Store, p store.ProviderID, callSID string, timeout time.Duration) (store.Call, []store.Message, error) {
	deadline := time.Now().Add(timeout)
	for {
		call, err := s.GetCallByProviderID(ctx, p, callSID)
		if err == nil && !call.DecidedAt.IsZero() {
			msgs, err := s.ListMessagesByCall(ctx, call.ID)
			if err != nil {
				return call, nil, err
			}
			if !pending(msgs) || time.Now().After(deadline) {
				return call, msgs, nil
			}
		}
		if time.Now().After(deadline) && err != nil {
			return call, nil, fmt.Errorf("call %s not decided within %s: %w", callSID, timeout, err)
		}
		if time.Now().After(deadline) {
			return call, nil, fmt.Errorf("call %s not decided within %s", callSID, timeout)
		}
		select {
		case <-ctx.Done():
			return call, nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func pending(msgs []store.Message) bool {
	for _, m := range msgs {
		if m.Status == store.StatusQueued || m.Status == store.StatusSending {
			return true
		}
	}
	return false
}
