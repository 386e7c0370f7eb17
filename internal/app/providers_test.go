package app_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/textback/textback/internal/app"
	"github.com/textback/textback/internal/apply"
	"github.com/textback/textback/internal/config"
	"github.com/textback/textback/internal/manifest"
	"github.com/textback/textback/internal/provider/telnyx/telnyxtest"
	"github.com/textback/textback/internal/provider/twilio"
	"github.com/textback/textback/internal/provider/twilio/twiliotest"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
	"github.com/textback/textback/internal/team"
)

// The scenarios of TestProviderWireFormats use these numbers. Calls to the second business number,
// whose answer_check is machine, play the voicemail scenarios.
const (
	wirePublicURL       = "https://hooks.example.com"
	wireNumber          = "+13125550199"
	wireVoicemailNumber = "+13125550198"
	wireOwnerPhone      = "+13125550100"
	wireTeamPhone       = "+13125550177"
	wireMissedCaller    = "+12025550143"
	wireAnsweredCaller  = "+12025550144"
	wireForgedCaller    = "+12025550145"
	wireReply           = "Can you come tomorrow morning?"
	wirePBXToken        = "tok_acme_main_line"
	wirePBXSecret       = "pbx_secret_for_tests_0001"
)

// wireRequest is one webhook as a provider or a PBX would send it.
type wireRequest struct {
	// path follows /webhooks/, with the query string, such as "telnyx/call-control/forwarded?number=...".
	path   string
	header http.Header
	body   []byte
}

// wireText is a text that a fake provider API accepted.
type wireText struct {
	id, from, to, body string
	// statusCallback is the URL where the provider was asked to report the text's delivery.
	statusCallback string
}

// wireCalls plays calls in the wire format that reports them to textback.
type wireCalls interface {
	// missed plays a call from caller that nobody answers. It returns the call's id at the provider, as
	// textback stores it, and the call's last webhook.
	missed(h *wireHarness, caller string) (callID string, last wireRequest)
	// answered plays a call from caller that the business answers and returns the call's id.
	answered(h *wireHarness, caller string) string
	// forged returns the first webhook of a call from caller with a signature that does not match, and the
	// call's id.
	forged(h *wireHarness, caller string) (wireRequest, string)
}

// wireTexts plays texts in the wire format of the provider that sends the text back.
type wireTexts interface {
	// inbound returns a text from from to the business number, and the event key textback stores it under.
	inbound(h *wireHarness, from, body string) (wireRequest, string)
	// report returns a delivery report with status for a sent text, and its event key.
	report(h *wireHarness, sent wireText, status string) (wireRequest, string)
	// sent returns the texts the fake API accepted, oldest first.
	sent() []wireText
	// statusCallback returns the URL where textback requests the text's delivery reports.
	statusCallback() string
}

// wireSetup is a provider row's fake API and configuration.
type wireSetup struct {
	// providerYAML is the entry under providers of textback.yaml, named sms.
	providerYAML string
	// pbx gives the business number a pbx block.
	pbx bool
	// voicemailNumber adds wireVoicemailNumber with answer_check: machine.
	voicemailNumber bool
	calls           wireCalls
	texts           wireTexts
	// more runs scenarios that only this row has.
	more func(t *testing.T, h *wireHarness)
	// file replaces the textback.yaml that wireFile writes, and resultWait the time that textback
	// waits for results that follow a call's end, when set.
	file       string
	resultWait time.Duration
}

// TestProviderWireFormats plays the same scenarios through each provider's own webhooks and fake API:
// a missed call, its final webhook delivered twice, an answered call, a forged webhook, a reply and a
// delivery report. Every row configures textback through textback.yaml and apply.
func TestProviderWireFormats(t *testing.T) {
	rows := []struct {
		name     string
		postgres bool
		setup    func(t *testing.T) wireSetup
	}{
		{"twilio", true, twilioSetup},
		{"signalwire", false, signalWireSetup},
		{"telnyx texml", true, telnyxTeXMLSetup},
		{"telnyx call control", true, callControlSetup},
		{"pbx with twilio", false, pbxTwilioSetup},
		{"pbx with telnyx", false, pbxTelnyxSetup},
	}
	for _, row := range rows {
		dialects := []store.Dialect{store.SQLite}
		if row.postgres {
			dialects = append(dialects, store.Postgres)
		}
		for _, d := range dialects {
			t.Run(row.name+"/"+string(d), func(t *testing.T) {
				t.Parallel()
				setup := row.setup(t)
				h := startWireHarness(t, d, setup)
				playWireScenarios(t, h)
				if setup.more != nil {
					setup.more(t, h)
				}
			})
		}
	}
}

// playWireScenarios plays the scenarios that every provider row shares.
func playWireScenarios(t *testing.T, h *wireHarness) {
	var missedCallID string
	var lastWebhook wireRequest
	t.Run("missed call", func(t *testing.T) {
		missedCallID, lastWebhook = h.setup.calls.missed(h, wireMissedCaller)
		call := h.waitDecided(missedCallID)
		if call.Outcome != store.OutcomeMissed {
			t.Errorf("outcome = %s, want missed (decision %q)", call.Outcome, call.Decision)
		}
		texts := h.waitTexts(wireMissedCaller, 1)
		if len(texts) != 1 {
			t.Fatalf("%d texts to the caller, want 1: %+v", len(texts), texts)
		}
		if texts[0].from != wireNumber {
			t.Errorf("text sent from %s, want the business number %s", texts[0].from, wireNumber)
		}
		if !strings.Contains(texts[0].body, "Acme Plumbing") {
			t.Errorf("text %q does not name the business", texts[0].body)
		}
		if want := h.setup.texts.statusCallback(); texts[0].statusCallback != want {
			t.Errorf("text asks for delivery reports at %q, want %q", texts[0].statusCallback, want)
		}
	})

	t.Run("duplicate final webhook", func(t *testing.T) {
		if lastWebhook.path == "" {
			t.Skip("the missed call did not complete")
		}
		before := h.webhookCount()
		h.mustPost(lastWebhook)
		h.settle()
		if after := h.webhookCount(); after != before {
			t.Errorf("stored webhooks went from %d to %d, want the duplicate stored once", before, after)
		}
		if texts := h.textsTo(wireMissedCaller); len(texts) != 1 {
			t.Errorf("%d texts to the caller after the duplicate, want 1", len(texts))
		}
	})

	t.Run("answered call", func(t *testing.T) {
		callID := h.setup.calls.answered(h, wireAnsweredCaller)
		call := h.waitDecided(callID)
		if call.Outcome != store.OutcomeAnswered {
			t.Errorf("outcome = %s, want answered (decision %q)", call.Outcome, call.Decision)
		}
		h.settle()
		if texts := h.textsTo(wireAnsweredCaller); len(texts) != 0 {
			t.Errorf("%d texts to a caller whose call was answered, want none: %+v", len(texts), texts)
		}
	})

	t.Run("bad signature", func(t *testing.T) {
		before := h.webhookCount()
		forged, callID := h.setup.calls.forged(h, wireForgedCaller)
		if status, body := h.post(forged); status != http.StatusForbidden {
			t.Errorf("status = %d, want 403 (body %q)", status, body)
		}
		if after := h.webhookCount(); after != before {
			t.Errorf("stored webhooks went from %d to %d, want none stored", before, after)
		}
		if _, err := h.store.GetCallByProviderID(context.Background(), h.provider.ID, callID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("call of the forged webhook: error %v, want none stored", err)
		}
		h.settle()
		if texts := h.textsTo(wireForgedCaller); len(texts) != 0 {
			t.Errorf("%d texts to the forged caller, want none", len(texts))
		}
	})

	t.Run("reply", func(t *testing.T) {
		request, key := h.setup.texts.inbound(h, wireMissedCaller, wireReply)
		h.mustPost(request)
		if result := h.waitApplied(key); !strings.Contains(result, "team alerted") {
			t.Errorf("result = %q, want the team alerted", result)
		}
		if !h.hasInbound(wireMissedCaller, wireReply) {
			t.Errorf("no inbound text %q from %s stored", wireReply, wireMissedCaller)
		}
		if !h.hasReplyAlert(wireMissedCaller) {
			t.Errorf("no %s alert about %s", team.KindReply, wireMissedCaller)
		}
		alerts := h.waitTexts(wireTeamPhone, 1)
		if len(alerts) != 1 {
			t.Fatalf("%d alert texts to the team, want 1", len(alerts))
		}
		if !strings.Contains(alerts[0].body, "tomorrow morning") {
			t.Errorf("alert text %q does not quote the reply", alerts[0].body)
		}
	})

	t.Run("delivery report", func(t *testing.T) {
		msg, ok := h.textBack(wireMissedCaller)
		if !ok {
			t.Fatal("no text back to the missed caller is stored")
		}
		if msg.Status != store.StatusSent {
			t.Errorf("status before the report = %s, want sent", msg.Status)
		}
		var sent wireText
		for _, text := range h.textsTo(wireMissedCaller) {
			if text.id == msg.ProviderMessageID {
				sent = text
			}
		}
		if sent.id == "" {
			t.Fatalf("the fake API has no text with the stored id %q", msg.ProviderMessageID)
		}
		request, key := h.setup.texts.report(h, sent, "delivered")
		h.mustPost(request)
		h.waitApplied(key)
		after, err := h.store.GetMessage(context.Background(), msg.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.Status != store.StatusDelivered {
			t.Errorf("status after the report = %s, want delivered", after.Status)
		}
	})
}

// voicemailScenario returns the scenario of a call that the owner's voicemail picks up, played by
// voicemail: detection reports a machine, so the call counts as missed and the caller gets a text.
func voicemailScenario(voicemail func(h *wireHarness, caller string) string) func(t *testing.T, h *wireHarness) {
	return func(t *testing.T, h *wireHarness) {
		t.Run("voicemail", func(t *testing.T) {
			const caller = "+12025550146"
			call := h.waitDecided(voicemail(h, caller))
			if call.Outcome != store.OutcomeMissed {
				t.Errorf("outcome = %s, want missed (decision %q)", call.Outcome, call.Decision)
			}
			if call.OutcomeReason != "voicemail" {
				t.Errorf("reason = %q, want voicemail (decision %q)", call.OutcomeReason, call.Decision)
			}
			texts := h.waitTexts(caller, 1)
			if len(texts) != 1 {
				t.Fatalf("%d texts to the caller, want 1", len(texts))
			}
			if texts[0].from != wireVoicemailNumber {
				t.Errorf("text sent from %s, want %s", texts[0].from, wireVoicemailNumber)
			}
		})
	}
}

// amdCallback finds the answering-machine detection callback in TwiML or TeXML.
var amdCallback = regexp.MustCompile(`amdStatusCallback="([^"]*)"`)

// machineCallback returns the answering-machine detection callback that markup sets, as a path
// under /webhooks/. It fails the test when markup sets none under textback's public URL.
func (h *wireHarness) machineCallback(markup string) string {
	h.t.Helper()
	match := amdCallback.FindStringSubmatch(markup)
	if match == nil {
		h.t.Fatalf("voice webhook response = %q, want a <Number> with amdStatusCallback", markup)
	}
	callback := html.UnescapeString(match[1])
	path, ok := strings.CutPrefix(callback, wirePublicURL+"/webhooks/")
	if !ok {
		h.t.Fatalf("amdStatusCallback %q is not under %s/webhooks/", callback, wirePublicURL)
	}
	return path
}

// wireHarness is one textback process configured through textback.yaml for one provider row.
type wireHarness struct {
	t        *testing.T
	app      *app.App
	store    *store.Store
	setup    wireSetup
	provider store.Provider
	business store.Business
	client   *http.Client
	seq      atomic.Int64
}

// wireFile returns the textback.yaml of a provider row: the provider named sms, and Acme Plumbing,
// open all day every day, whose team member gets an alert text for each reply.
func wireFile(setup wireSetup) string {
	var b strings.Builder
	b.WriteString("providers:\n" + setup.providerYAML + "businesses:\n")
	b.WriteString("  - slug: acme-plumbing\n    name: Acme Plumbing\n    time_zone: America/Chicago\n    hours:\n")
	for _, day := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		fmt.Fprintf(&b, "      %s: \"00:00-24:00\"\n", day)
	}
	b.WriteString("    numbers:\n")
	fmt.Fprintf(&b, "      - number: %q\n        provider: sms\n        forward_to: %q\n        answer_check: none\n",
		wireNumber, wireOwnerPhone)
	if setup.pbx {
		fmt.Fprintf(&b, "        pbx:\n          token: %s\n          secret: ${PBX_SECRET}\n", wirePBXToken)
	}
	if setup.voicemailNumber {
		fmt.Fprintf(&b, "      - number: %q\n        provider: sms\n        forward_to: %q\n        answer_check: machine\n",
			wireVoicemailNumber, wireOwnerPhone)
	}
	fmt.Fprintf(&b, "    team:\n      - {name: Dana, phone: %q}\n", wireTeamPhone)
	b.WriteString("    alerts: {sms: true, email: false, missed_calls: false}\n")
	return b.String()
}

// startWireHarness starts textback on 127.0.0.1 with a fresh database of dialect d, applies the row's
// textback.yaml and stops textback when the test ends.
func startWireHarness(t *testing.T, d store.Dialect, setup wireSetup) *wireHarness {
	t.Helper()
	return startWireHarnessWith(t, d, setup, app.Options{NoDemo: true})
}

// startWireHarnessWith starts textback as startWireHarness does, with opts.
func startWireHarnessWith(t *testing.T, d store.Dialect, setup wireSetup, opts app.Options) *wireHarness {
	t.Helper()
	ctx := context.Background()
	cfg := config.Config{Addr: "127.0.0.1:0", DB: storetest.Target(t, d), PublicURL: wirePublicURL}
	if opts.ResultWait == 0 {
		opts.ResultWait = setup.resultWait
	}
	a, err := app.New(ctx, cfg, opts)
	if err != nil {
		t.Fatalf("new app: %v", err)
	}
	file := wireFile(setup)
	if setup.file != "" {
		file = setup.file
	}
	env := func(name string) (string, bool) {
		if name == "PBX_SECRET" {
			return wirePBXSecret, true
		}
		return "", false
	}
	f, err := manifest.Parse("textback.yaml", []byte(file), env)
	if err != nil {
		_ = a.Stop(ctx)
		t.Fatalf("parse textback.yaml:\n%v\n%s", err, file)
	}
	if _, err := apply.Apply(ctx, a.Store(), f); err != nil {
		_ = a.Stop(ctx)
		t.Fatalf("apply textback.yaml: %v", err)
	}
	if err := a.Start(ctx); err != nil {
		t.Fatalf("start app: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := a.Stop(ctx); err != nil {
			t.Errorf("stop app: %v", err)
		}
	})

	h := &wireHarness{t: t, app: a, store: a.Store(), setup: setup, client: &http.Client{Timeout: 15 * time.Second}}
	t.Cleanup(h.client.CloseIdleConnections)
	if h.provider, err = h.store.GetProviderByName(ctx, "sms"); err != nil {
		t.Fatalf("provider not applied: %v", err)
	}
	if h.business, err = h.store.GetBusinessBySlug(ctx, "acme-plumbing"); err != nil {
		t.Fatalf("business not applied: %v", err)
	}
	return h
}

// next returns a number that no earlier call of next on h returned.
func (h *wireHarness) next() int64 { return h.seq.Add(1) }

// post sends a webhook to textback and returns the status and body of the response.
func (h *wireHarness) post(r wireRequest) (int, string) {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+h.app.Addr()+"/webhooks/"+r.path, strings.NewReader(string(r.body)))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header = r.header.Clone()
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatalf("post %s: %v", r.path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// mustPost sends a webhook and fails the test unless textback responded with 200. It returns the body.
func (h *wireHarness) mustPost(r wireRequest) string {
	h.t.Helper()
	status, body := h.post(r)
	if status != http.StatusOK {
		h.t.Fatalf("post %s: status %d, want 200 (body %q)", r.path, status, body)
	}
	return body
}

// waitFor polls ready until it returns true, and fails the test after 15 seconds.
func (h *wireHarness) waitFor(what string, ready func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ready() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitDecided waits until the call with the provider call id callID has a decision, and returns it.
func (h *wireHarness) waitDecided(callID string) store.Call {
	h.t.Helper()
	var call store.Call
	h.waitFor("call "+callID+" to be decided", func() bool {
		var err error
		call, err = h.store.GetCallByProviderID(context.Background(), h.provider.ID, callID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			h.t.Fatalf("read call %s: %v", callID, err)
		}
		return err == nil && !call.DecidedAt.IsZero()
	})
	return call
}

// textsTo returns the texts to number that the fake API accepted, oldest first.
func (h *wireHarness) textsTo(number string) []wireText {
	var out []wireText
	for _, text := range h.setup.texts.sent() {
		if text.to == number {
			out = append(out, text)
		}
	}
	return out
}

// waitTexts waits until the fake API accepted n texts to number, lets queued texts leave, and returns
// every text to number, so that the caller can check that no more arrived.
func (h *wireHarness) waitTexts(number string, n int) []wireText {
	h.t.Helper()
	h.waitFor(fmt.Sprintf("%d text(s) to %s", n, number), func() bool { return len(h.textsTo(number)) >= n })
	h.settle()
	return h.textsTo(number)
}

// settle waits until no text is queued or being sent, then a little longer for work in flight.
func (h *wireHarness) settle() {
	h.t.Helper()
	h.waitFor("queued texts to leave", func() bool {
		messages, err := h.store.ListRecentMessages(context.Background(), 1000)
		if err != nil {
			h.t.Fatal(err)
		}
		for _, m := range messages {
			if m.Status == store.StatusQueued || m.Status == store.StatusSending {
				return false
			}
		}
		return true
	})
	time.Sleep(200 * time.Millisecond)
}

// waitApplied waits until the webhook stored under eventKey is applied, and returns its result.
func (h *wireHarness) waitApplied(eventKey string) string {
	h.t.Helper()
	var result string
	h.waitFor("webhook "+eventKey+" to be applied", func() bool {
		err := h.store.DB().QueryRowContext(context.Background(),
			"SELECT result FROM webhooks WHERE event_key = $1 AND processed_at IS NOT NULL", eventKey).Scan(&result)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			h.t.Fatalf("read webhook %s: %v", eventKey, err)
		}
		return err == nil
	})
	return result
}

// webhookCount returns the number of stored webhooks.
func (h *wireHarness) webhookCount() int {
	h.t.Helper()
	var n int
	if err := h.store.DB().QueryRowContext(context.Background(), "SELECT count(*) FROM webhooks").Scan(&n); err != nil {
		h.t.Fatalf("count webhooks: %v", err)
	}
	return n
}

// hasInbound reports whether textback stored the inbound text body from from.
func (h *wireHarness) hasInbound(from, body string) bool {
	h.t.Helper()
	messages, err := h.store.ListRecentMessages(context.Background(), 1000)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, m := range messages {
		if m.Direction == store.Inbound && m.From == from && m.Body == body {
			return true
		}
	}
	return false
}

// hasReplyAlert reports whether the team has an alert about a reply from the contact with the number.
func (h *wireHarness) hasReplyAlert(number string) bool {
	h.t.Helper()
	ctx := context.Background()
	contact, err := h.store.GetContactByE164(ctx, h.business.ID, number)
	if err != nil {
		h.t.Fatalf("contact %s: %v", number, err)
	}
	alerts, err := h.store.ListAlerts(ctx, h.business.ID, 100)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, a := range alerts {
		if a.Kind == team.KindReply && a.ContactID == contact.ID {
			return true
		}
	}
	return false
}

// textBack returns the stored text back to the number.
func (h *wireHarness) textBack(number string) (store.Message, bool) {
	h.t.Helper()
	messages, err := h.store.ListRecentMessages(context.Background(), 1000)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, m := range messages {
		if m.Direction == store.Outbound && m.To == number && m.Purpose == store.PurposeTextBack {
			return m, true
		}
	}
	return store.Message{}, false
}

// twilioWire speaks Twilio's webhooks, for Twilio itself and for SignalWire, which sends the same
// parameters under /webhooks/signalwire/ with its own signature header.
type twilioWire struct {
	// path is the provider's segment of the webhook URL: twilio or signalwire.
	path string
	// header carries the signature, made with signingKey.
	header, signingKey string
	// forgeryKey signs the forged webhooks.
	forgeryKey string
	accountSID string
	fake       *twiliotest.Server
}

// twilioWireSID and twilioWireToken are the credentials of the fake Twilio account. The token has only
// letters and digits, as textback.yaml requires of auth_token.
const (
	twilioWireSID   = "AC0123456789abcdef0123456789abcdef"
	twilioWireToken = "wiretwiliotoken0001"
)

func twilioSetup(t *testing.T) wireSetup {
	wire := newTwilioWire(t)
	return wireSetup{providerYAML: wire.providerYAML(), voicemailNumber: true, calls: wire, texts: wire,
		more: voicemailScenario(wire.voicemail)}
}

func newTwilioWire(t *testing.T) *twilioWire {
	fake := twiliotest.New(t, twiliotest.WithAccount(twilioWireSID, twilioWireToken))
	return &twilioWire{path: "twilio", header: "X-Twilio-Signature", signingKey: twilioWireToken,
		forgeryKey: "anotherauthtoken0001", accountSID: twilioWireSID, fake: fake}
}

func (w *twilioWire) providerYAML() string {
	return fmt.Sprintf("  - name: sms\n    kind: twilio\n    account_sid: %s\n    auth_token: %s\n    api_base_url: %s\n",
		w.accountSID, twilioWireToken, w.fake.URL)
}

// Identifiers of the fake SignalWire project.
const (
	signalWireProject    = "00000000-0000-4000-8000-0000000000f1"
	signalWireToken      = "PTwiretoken0001"
	signalWireSigningKey = "PSK_wire_signing_key_0001"
)

// signalWireSetup serves SignalWire's compatibility API with twiliotest behind a proxy that removes
// the /api/laml prefix, because twiliotest serves only Twilio's paths. The contract check is off:
// SignalWire's project ids are UUIDs, which Twilio's OpenAPI document rejects as account SIDs.
func signalWireSetup(t *testing.T) wireSetup {
	fake := twiliotest.New(t, twiliotest.WithAccount(signalWireProject, signalWireToken), twiliotest.WithoutContract())
	target, err := url.Parse(fake.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	space := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/laml/") {
			http.NotFound(w, r)
			return
		}
		r.URL.Path = strings.TrimPrefix(r.URL.Path, "/api/laml")
		r.URL.RawPath = ""
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(space.Close)

	wire := &twilioWire{path: "signalwire", header: "X-SignalWire-Signature", signingKey: signalWireSigningKey,
		forgeryKey: signalWireToken, accountSID: signalWireProject, fake: fake}
	providerYAML := fmt.Sprintf("  - name: sms\n    kind: signalwire\n    project_id: %s\n    api_token: %s\n"+
		"    signing_key: %s\n    space_url: %s\n", signalWireProject, signalWireToken, signalWireSigningKey, space.URL)
	return wireSetup{providerYAML: providerYAML, voicemailNumber: true, calls: wire, texts: wire,
		more: voicemailScenario(wire.voicemail)}
}

// request returns a webhook to route with form, signed with key.
func (w *twilioWire) request(route string, form url.Values, key string) wireRequest {
	header := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	header.Set(w.header, twilio.Sign(key, wirePublicURL+"/webhooks/"+w.path+"/"+route, form))
	return wireRequest{path: w.path + "/" + route, header: header, body: []byte(form.Encode())}
}

// callForm returns the parameters of a voice webhook of the call callSID from caller, with fields added
// as name, value pairs.
func (w *twilioWire) callForm(callSID, caller string, fields ...string) url.Values {
	form := url.Values{
		"AccountSid": {w.accountSID}, "ApiVersion": {"2010-04-01"}, "CallSid": {callSID}, "From": {caller},
		"Caller": {caller}, "To": {wireNumber}, "Called": {wireNumber}, "Direction": {"inbound"},
	}
	for i := 0; i+1 < len(fields); i += 2 {
		form.Set(fields[i], fields[i+1])
	}
	return form
}

// call plays the voice webhook and the <Dial> action of a call whose forwarded leg ended with
// dialStatus, and returns the call's SID and the <Dial> action.
func (w *twilioWire) call(h *wireHarness, caller, dialStatus, duration string) (string, wireRequest) {
	h.t.Helper()
	callSID := fmt.Sprintf("CA%032d", h.next())
	voice := h.mustPost(w.request("voice", w.callForm(callSID, caller, "CallStatus", "ringing"), w.signingKey))
	if !strings.Contains(voice, "<Dial") {
		h.t.Errorf("voice webhook response = %q, want TwiML with <Dial>", voice)
	}
	dial := w.request("voice/dial", w.callForm(callSID, caller, "CallStatus", "in-progress", "DialCallStatus", dialStatus,
		"DialCallDuration", duration), w.signingKey)
	h.mustPost(dial)
	return callSID, dial
}

// voicemail plays a call to wireVoicemailNumber whose forwarded leg the owner's voicemail picks up:
// answering-machine detection reports a machine to the callback that textback rendered, and the leg
// then completes. It returns the call's SID.
func (w *twilioWire) voicemail(h *wireHarness, caller string) string {
	h.t.Helper()
	callSID := fmt.Sprintf("CA%032d", h.next())
	to := []string{"To", wireVoicemailNumber, "Called", wireVoicemailNumber}
	voice := h.mustPost(w.request("voice", w.callForm(callSID, caller, append(to, "CallStatus", "ringing")...), w.signingKey))
	amd := h.machineCallback(voice)
	leg := url.Values{
		"AccountSid": {w.accountSID}, "CallSid": {"CL" + callSID[2:]}, "ParentCallSid": {callSID},
		"From": {wireVoicemailNumber}, "To": {wireOwnerPhone}, "Direction": {"outbound-dial"},
		"AnsweredBy": {"machine_end_beep"},
	}
	h.mustPost(w.request(strings.TrimPrefix(amd, w.path+"/"), leg, w.signingKey))
	h.mustPost(w.request("voice/dial", w.callForm(callSID, caller, append(to, "CallStatus", "in-progress",
		"DialCallStatus", "completed", "DialCallDuration", "30")...), w.signingKey))
	return callSID
}

func (w *twilioWire) missed(h *wireHarness, caller string) (string, wireRequest) {
	return w.call(h, caller, "no-answer", "0")
}

func (w *twilioWire) answered(h *wireHarness, caller string) string {
	callSID, _ := w.call(h, caller, "completed", "95")
	return callSID
}

func (w *twilioWire) forged(h *wireHarness, caller string) (wireRequest, string) {
	callSID := fmt.Sprintf("CA%032d", h.next())
	return w.request("voice", w.callForm(callSID, caller, "CallStatus", "ringing"), w.forgeryKey), callSID
}

func (w *twilioWire) inbound(h *wireHarness, from, body string) (wireRequest, string) {
	sid := fmt.Sprintf("SM%032d", 1_000_000+h.next())
	form := url.Values{
		"AccountSid": {w.accountSID}, "ApiVersion": {"2010-04-01"}, "Body": {body}, "From": {from},
		"To": {wireNumber}, "MessageSid": {sid}, "SmsMessageSid": {sid}, "SmsSid": {sid}, "SmsStatus": {"received"},
		"NumMedia": {"0"}, "NumSegments": {"1"},
	}
	return w.request("sms", form, w.signingKey), "sms:" + sid
}

func (w *twilioWire) report(h *wireHarness, sent wireText, status string) (wireRequest, string) {
	form := url.Values{
		"AccountSid": {w.accountSID}, "ApiVersion": {"2010-04-01"}, "MessageSid": {sent.id}, "SmsSid": {sent.id},
		"MessageStatus": {status}, "SmsStatus": {status}, "From": {sent.from}, "To": {sent.to},
	}
	return w.request("sms/status", form, w.signingKey), "sms-status:" + sent.id + ":" + status
}

func (w *twilioWire) sent() []wireText {
	var out []wireText
	for _, m := range w.fake.Sent() {
		out = append(out, wireText{id: m.SID, from: m.From, to: m.To, body: m.Body, statusCallback: m.StatusCallback})
	}
	return out
}

func (w *twilioWire) statusCallback() string {
	return wirePublicURL + "/webhooks/" + w.path + "/sms/status"
}

// telnyxWire speaks Telnyx's signed webhooks: TeXML for calls and messaging events for texts.
type telnyxWire struct {
	fake *telnyxtest.Server
}

func newTelnyxWire(t *testing.T) *telnyxWire {
	return &telnyxWire{fake: telnyxtest.New(t)}
}

func (w *telnyxWire) providerYAML() string {
	return fmt.Sprintf("  - name: sms\n    kind: telnyx\n    api_key: %s\n    public_key: %s\n    api_base_url: %s\n",
		w.fake.APIKey, w.fake.PublicKey(), w.fake.URL)
}

func telnyxTeXMLSetup(t *testing.T) wireSetup {
	wire := newTelnyxWire(t)
	return wireSetup{providerYAML: wire.providerYAML(), voicemailNumber: true, calls: wire, texts: wire,
		more: voicemailScenario(wire.voicemail)}
}

// signed returns a webhook to path with body, signed now with the fake account's key.
func (w *telnyxWire) signed(path, contentType string, body []byte) wireRequest {
	return wireRequest{path: path, header: w.fake.SignedHeader(contentType, body, time.Now()), body: body}
}

// forge returns r with a genuine signature of other bytes, which does not match r's body.
func (w *telnyxWire) forge(r wireRequest) wireRequest {
	signature, _ := w.fake.Sign(append([]byte("forged:"), r.body...), time.Now())
	r.header = r.header.Clone()
	r.header.Set(telnyxtest.SignatureHeader, signature)
	return r
}

// wireUUID returns a UUID that differs for each n, in the form Telnyx gives its ids.
func wireUUID(n int64) string {
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
}

// texmlForm returns the parameters of a TeXML webhook of the call callSID from caller, with fields
// added as name, value pairs.
func texmlForm(callSID, caller string, fields ...string) url.Values {
	form := url.Values{
		"AccountSid": {wireUUID(0)}, "CallSid": {callSID}, "CallSessionId": {"session-" + callSID},
		"Direction": {"inbound"}, "From": {caller}, "To": {wireNumber},
		"Timestamp": {time.Now().UTC().Format(time.RFC3339)},
	}
	for i := 0; i+1 < len(fields); i += 2 {
		form.Set(fields[i], fields[i+1])
	}
	return form
}

// texml returns a TeXML webhook to route with form.
func (w *telnyxWire) texml(route string, form url.Values) wireRequest {
	return w.signed("telnyx/"+route, "application/x-www-form-urlencoded", []byte(form.Encode()))
}

// call plays the TeXML voice webhook and the <Dial> action of a call whose forwarded leg ended with
// dialStatus, and returns the call's CallSid and the <Dial> action.
func (w *telnyxWire) call(h *wireHarness, caller, dialStatus, duration string) (string, wireRequest) {
	h.t.Helper()
	callSID := "v3:" + wireUUID(h.next())
	voice := h.mustPost(w.texml("texml/voice", texmlForm(callSID, caller, "CallStatus", "ringing")))
	if !strings.Contains(voice, "<Dial") {
		h.t.Errorf("TeXML voice webhook response = %q, want TeXML with <Dial>", voice)
	}
	dial := w.texml("texml/voice/dial", texmlForm(callSID, caller, "CallStatus", "in-progress",
		"DialCallSid", callSID+"-leg", "DialCallStatus", dialStatus, "DialCallDuration", duration))
	h.mustPost(dial)
	return callSID, dial
}

// voicemail plays a call to wireVoicemailNumber whose forwarded leg the owner's voicemail picks up,
// as twilioWire.voicemail does, in TeXML's webhooks. It returns the call's CallSid.
func (w *telnyxWire) voicemail(h *wireHarness, caller string) string {
	h.t.Helper()
	callSID := "v3:" + wireUUID(h.next())
	voice := h.mustPost(w.texml("texml/voice", texmlForm(callSID, caller, "To", wireVoicemailNumber,
		"CallStatus", "ringing")))
	amd := h.machineCallback(voice)
	leg := url.Values{"CallSid": {callSID + "-leg"}, "AnsweredBy": {"machine_end_beep"}}
	h.mustPost(w.signed(amd, "application/x-www-form-urlencoded", []byte(leg.Encode())))
	h.mustPost(w.texml("texml/voice/dial", texmlForm(callSID, caller, "To", wireVoicemailNumber,
		"CallStatus", "in-progress", "DialCallSid", callSID+"-leg", "DialCallStatus", "completed",
		"DialCallDuration", "30")))
	return callSID
}

func (w *telnyxWire) missed(h *wireHarness, caller string) (string, wireRequest) {
	return w.call(h, caller, "no-answer", "0")
}

func (w *telnyxWire) answered(h *wireHarness, caller string) string {
	callSID, _ := w.call(h, caller, "completed", "95")
	return callSID
}

func (w *telnyxWire) forged(h *wireHarness, caller string) (wireRequest, string) {
	callSID := "v3:" + wireUUID(h.next())
	return w.forge(w.texml("texml/voice", texmlForm(callSID, caller, "CallStatus", "ringing"))), callSID
}

// telnyxParty is a sender or recipient in a messaging event.
type telnyxParty struct {
	PhoneNumber string `json:"phone_number"`
	Status      string `json:"status,omitempty"`
}

// messagingEvent returns a signed messaging webhook of eventType with payload, and its event key.
func (w *telnyxWire) messagingEvent(h *wireHarness, eventType string, payload map[string]any) (wireRequest, string) {
	h.t.Helper()
	id := wireUUID(500_000 + h.next())
	event := map[string]any{"data": map[string]any{
		"record_type": "event", "event_type": eventType, "id": id,
		"occurred_at": time.Now().UTC().Format("2006-01-02T15:04:05.000-07:00"), "payload": payload,
	}}
	body, err := json.Marshal(event)
	if err != nil {
		h.t.Fatal(err)
	}
	return w.signed("telnyx/messaging", "application/json", body), "msg:" + id
}

func (w *telnyxWire) inbound(h *wireHarness, from, body string) (wireRequest, string) {
	return w.messagingEvent(h, "message.received", map[string]any{
		"direction": "inbound", "id": wireUUID(600_000 + h.next()), "text": body,
		"from": telnyxParty{PhoneNumber: from}, "to": []telnyxParty{{PhoneNumber: wireNumber, Status: "webhook_delivered"}},
	})
}

func (w *telnyxWire) report(h *wireHarness, sent wireText, status string) (wireRequest, string) {
	return w.messagingEvent(h, "message.finalized", map[string]any{
		"direction": "outbound", "id": sent.id, "from": telnyxParty{PhoneNumber: sent.from},
		"to": []telnyxParty{{PhoneNumber: sent.to, Status: status}}, "errors": []any{},
	})
}

func (w *telnyxWire) sent() []wireText {
	var out []wireText
	for _, m := range w.fake.Sent() {
		text := wireText{id: m.ID, from: m.From.PhoneNumber, body: m.Text}
		if len(m.To) > 0 {
			text.to = m.To[0].PhoneNumber
		}
		if m.WebhookURL != nil {
			text.statusCallback = *m.WebhookURL
		}
		out = append(out, text)
	}
	return out
}

func (w *telnyxWire) statusCallback() string {
	return wirePublicURL + "/webhooks/telnyx/messaging"
}

// callControlWire plays the recorded Call Control sequences of the Telnyx adapter's tests: events of
// the caller's leg to /webhooks/telnyx/call-control, and events of the leg that rings the business's
// phone to /webhooks/telnyx/call-control/forwarded?number=<business number>. Its texts are Telnyx's.
type callControlWire struct {
	*telnyxWire
}

func callControlSetup(t *testing.T) wireSetup {
	wire := &callControlWire{newTelnyxWire(t)}
	return wireSetup{providerYAML: wire.providerYAML(), voicemailNumber: true, calls: wire, texts: wire,
		more: func(t *testing.T, h *wireHarness) {
			wire.sequences(t, h)
			t.Run("owner leg in another session", func(t *testing.T) { wire.otherSession(t, h) })
		}}
}

// sequenceStep is one webhook of a recorded Call Control sequence.
type sequenceStep struct {
	Route string          `json:"route"`
	Query string          `json:"query"`
	Event json.RawMessage `json:"event"`
}

// play posts the recorded sequence in fixture as a call from caller to number. Each event gets an id
// of its own and the current time, and the call a session id of its own, so that sequences played
// one after another are separate calls. play returns the session id, which textback stores as the
// call's id, and the last webhook.
func (w *callControlWire) play(h *wireHarness, fixture, caller, number string) (string, wireRequest) {
	h.t.Helper()
	return w.build(h, fixture, caller, number, func(r wireRequest) { h.mustPost(r) })
}

// build reads the sequence in fixture, rewrites it as play describes and passes each signed webhook
// to send. It returns the session id and the last webhook.
func (w *callControlWire) build(h *wireHarness, fixture, caller, number string, send func(wireRequest)) (string, wireRequest) {
	h.t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "provider", "telnyx", "testdata", "sequences", fixture))
	if err != nil {
		h.t.Fatal(err)
	}
	var steps []sequenceStep
	if err := json.Unmarshal(data, &steps); err != nil {
		h.t.Fatalf("read sequence %s: %v", fixture, err)
	}
	session := wireUUID(h.next())
	var last wireRequest
	for i, step := range steps {
		var event struct {
			Data map[string]any `json:"data"`
			Meta map[string]any `json:"meta"`
		}
		if err := json.Unmarshal(step.Event, &event); err != nil {
			h.t.Fatalf("read step %d of %s: %v", i, fixture, err)
		}
		payload, _ := event.Data["payload"].(map[string]any)
		if payload == nil {
			h.t.Fatalf("step %d of %s has no payload", i, fixture)
		}
		event.Data["id"] = fmt.Sprintf("%s-%d", session, i)
		event.Data["occurred_at"] = time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
		payload["call_session_id"] = session
		payload["from"] = caller
		if payload["to"] == wireNumber {
			payload["to"] = number
		}
		body, err := json.Marshal(event)
		if err != nil {
			h.t.Fatal(err)
		}
		path := "telnyx/" + step.Route
		if step.Query != "" {
			query, err := url.ParseQuery(step.Query)
			if err != nil {
				h.t.Fatalf("read query of step %d of %s: %v", i, fixture, err)
			}
			if query.Get("number") == wireNumber {
				query.Set("number", number)
			}
			path += "?" + query.Encode()
		}
		last = w.signed(path, "application/json", body)
		send(last)
	}
	return session, last
}

func (w *callControlWire) missed(h *wireHarness, caller string) (string, wireRequest) {
	return w.play(h, "owner-timeout.json", caller, wireNumber)
}

func (w *callControlWire) answered(h *wireHarness, caller string) string {
	session, _ := w.play(h, "owner-answered.json", caller, wireNumber)
	return session
}

func (w *callControlWire) forged(h *wireHarness, caller string) (wireRequest, string) {
	var first wireRequest
	session, _ := w.build(h, "caller-hung-up-early.json", caller, wireNumber, func(r wireRequest) {
		if first.path == "" {
			first = r
		}
	})
	return w.forge(first), session
}

// sequences plays each recorded Call Control sequence as a call from a caller of its own, and checks
// the decision and the texts it leads to.
func (w *callControlWire) sequences(t *testing.T, h *wireHarness) {
	tests := []struct {
		fixture string
		caller  string
		number  string
		outcome store.Outcome
		reason  string
	}{
		{"owner-timeout.json", "+12025550151", wireNumber, store.OutcomeMissed, "no-answer"},
		{"owner-busy.json", "+12025550152", wireNumber, store.OutcomeMissed, "busy"},
		{"owner-declined.json", "+12025550153", wireNumber, store.OutcomeMissed, "busy"},
		{"caller-hung-up-early.json", "+12025550154", wireNumber, store.OutcomeMissed, "canceled"},
		{"owner-answered.json", "+12025550155", wireNumber, store.OutcomeAnswered, "answered"},
		{"owner-voicemail.json", "+12025550156", wireVoicemailNumber, store.OutcomeMissed, "voicemail"},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.fixture, ".json"), func(t *testing.T) {
			session, _ := w.play(h, tt.fixture, tt.caller, tt.number)
			call := h.waitDecided(session)
			if call.Outcome != tt.outcome {
				t.Errorf("outcome = %s, want %s (decision %q)", call.Outcome, tt.outcome, call.Decision)
			}
			if call.OutcomeReason != tt.reason {
				t.Errorf("reason = %q, want %q (decision %q)", call.OutcomeReason, tt.reason, call.Decision)
			}
			want := 0
			if tt.outcome == store.OutcomeMissed {
				want = 1
				h.waitTexts(tt.caller, 1)
			} else {
				h.settle()
			}
			texts := h.textsTo(tt.caller)
			if len(texts) != want {
				t.Fatalf("%d texts to %s, want %d", len(texts), tt.caller, want)
			}
			if want == 1 && texts[0].from != tt.number {
				t.Errorf("text sent from %s, want %s", texts[0].from, tt.number)
			}
		})
	}
}

// pbxWire reports calls as a phone system does, to /webhooks/pbx/<token>, signed with the number's
// secret. The texts of a PBX row go through the number's own provider.
type pbxWire struct{}

func pbxTwilioSetup(t *testing.T) wireSetup {
	sms := newTwilioWire(t)
	return wireSetup{providerYAML: sms.providerYAML(), pbx: true, calls: pbxWire{}, texts: sms}
}

func pbxTelnyxSetup(t *testing.T) wireSetup {
	sms := newTelnyxWire(t)
	return wireSetup{providerYAML: sms.providerYAML(), pbx: true, calls: pbxWire{}, texts: sms}
}

// report returns a report of the call callID from caller with outcome, signed with secret, and the
// call's id as textback stores it.
func (pbxWire) report(callID, caller, outcome, secret string) (wireRequest, string) {
	body := fmt.Sprintf(`{"call_id": %q, "caller": %q, "called": %q, "outcome": %q, "time": %q, "ring_seconds": 18}`,
		callID, caller, wireNumber, outcome, time.Now().UTC().Format(time.RFC3339))
	timestamp := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "." + body))
	header := http.Header{
		"Content-Type":         {"application/json"},
		"X-Textback-Timestamp": {timestamp},
		"X-Textback-Signature": {"v1=" + hex.EncodeToString(mac.Sum(nil))},
	}
	return wireRequest{path: "pbx/" + wirePBXToken, header: header, body: []byte(body)}, "pbx:" + wireNumber + ":" + callID
}

func (w pbxWire) missed(h *wireHarness, caller string) (string, wireRequest) {
	request, callID := w.report(fmt.Sprintf("1773255850.%d", h.next()), caller, "no-answer", wirePBXSecret)
	if body := h.mustPost(request); body != `{"status":"accepted"}` {
		h.t.Errorf("PBX report response = %q, want {\"status\":\"accepted\"}", body)
	}
	return callID, request
}

func (w pbxWire) answered(h *wireHarness, caller string) string {
	request, callID := w.report(fmt.Sprintf("1773255850.%d", h.next()), caller, "answered", wirePBXSecret)
	h.mustPost(request)
	return callID
}

func (w pbxWire) forged(h *wireHarness, caller string) (wireRequest, string) {
	request, callID := w.report(fmt.Sprintf("1773255850.%d", h.next()), caller, "missed", "not_the_number_secret_01")
	return request, callID
}

// otherSession plays a call whose owner's leg reports under another call_session_id, as when the
// application dials the owner without link_to. textback cannot connect that leg to the call, and
// must not record it as a call of its own.
func (w *callControlWire) otherSession(t *testing.T, h *wireHarness) {
	var requests []wireRequest
	w.build(h, "owner-timeout.json", "+12025550161", wireNumber, func(r wireRequest) {
		requests = append(requests, r)
	})
	for _, r := range requests {
		if strings.HasPrefix(r.path, "telnyx/call-control/forwarded") {
			body := strings.Replace(string(r.body), `"call_session_id":"`, `"call_session_id":"other-`, 1)
			r = w.signed(r.path, "application/json", []byte(body))
		}
		h.mustPost(r)
	}
	h.settle()

	ctx := context.Background()
	calls, err := h.store.ListRecentCalls(ctx, h.business.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range calls {
		if call.FromRaw == "" {
			t.Errorf("call %s without a caller id recorded (decision %q)", call.ProviderCallID, call.Decision)
		}
	}

	alerts, err := h.store.ListAlerts(ctx, h.business.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range alerts {
		if a.Kind == team.KindMissedCall {
			t.Errorf("missed-call alert %q raised for the owner's leg", a.Summary)
		}
	}
}
