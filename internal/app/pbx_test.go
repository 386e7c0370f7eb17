package app_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/callflow"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
)

const (
	pbxToken  = "tok_acme_main"
	pbxSecret = "pbx_secret_for_tests_0001"
)

// withPBXToken gives the business number the webhook token pbxToken and secret pbxSecret.
func (h *harness) withPBXToken() {
	h.t.Helper()
	ctx := context.Background()
	n, err := h.store.GetNumberByE164(ctx, businessNumber)
	if err != nil {
		h.t.Fatal(err)
	}
	n.WebhookToken, n.WebhookSecret = pbxToken, pbxSecret
	if _, err := h.store.UpsertNumber(ctx, n); err != nil {
		h.t.Fatal(err)
	}
	stored, err := h.store.GetNumberByWebhookToken(ctx, pbxToken)
	if err != nil {
		h.t.Fatalf("the store did not keep the number's webhook token: %v", err)
	}
	if stored.WebhookSecret != pbxSecret {
		h.t.Fatalf("the store did not keep the number's webhook secret")
	}
}

// pbxReport returns the JSON report of a call to the business number.
func pbxReport(callID, from, outcome string, at time.Time) string {
	return fmt.Sprintf(`{"call_id": %q, "caller": %q, "called": %q, "outcome": %q, "time": %q, "ring_seconds": 18}`,
		callID, from, businessNumber, outcome, at.UTC().Format(time.RFC3339))
}

// postPBXReport posts body to the PBX route of token, signed with secret at the app's current
// time, and returns the status and body of the response.
func (h *harness) postPBXReport(token, secret, body string) (int, string) {
	h.t.Helper()
	timestamp := strconv.FormatInt(clockAt(openHours)().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "." + body))
	req, err := http.NewRequest(http.MethodPost, "http://"+h.app.Addr()+"/webhooks/pbx/"+token, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Textback-Timestamp", timestamp)
	req.Header.Set("X-Textback-Signature", "v1="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatalf("post pbx report: %v", err)
	}
	defer resp.Body.Close()
	return resp.StatusCode, readAll(resp)
}

// PBX reports of missed, voicemail and answered calls are decided at once and text back exactly
// once per missed call through the number's own provider. The number's answering-machine check,
// which a PBX report never completes, does not hold them up.
func TestPBXReports(t *testing.T) {
	rows := []struct {
		callID  string
		from    string
		outcome string
		result  store.Outcome
		reason  string
		explain string // a part of the decision record
		texted  bool
	}{
		{"1773255850.41", "+12025550161", "missed", store.OutcomeMissed, "no-answer", "no answer, as the PBX reported", true},
		{"1773255850.42", "+12025550162", "voicemail", store.OutcomeMissed, "voicemail", "the business's voicemail took the call", true},
		{"1773255850.43", "+12025550163", "answered", store.OutcomeAnswered, "answered", "answered, as the PBX reported", false},
		// A PBX script maps a withheld caller id to an empty caller.
		{"1773255850.46", "", "missed", store.OutcomeMissed, "no-answer", "is withheld", false},
	}
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		h := newHarness(t, d, numberSetup{answerCheck: provider.AnswerCheckMachine})
		h.withPBXToken()
		at := openHours.Add(-time.Minute)
		for _, row := range rows {
			status, body := h.postPBXReport(pbxToken, pbxSecret, pbxReport(row.callID, row.from, row.outcome, at))
			if status != http.StatusOK {
				t.Fatalf("%s: status %d, want 200 (body %q)", row.outcome, status, body)
			}
			if body != `{"status":"accepted"}` {
				t.Errorf("%s: body %q, want {\"status\":\"accepted\"}", row.outcome, body)
			}
		}

		duplicate := pbxReport(rows[0].callID, rows[0].from, rows[0].outcome, at)
		status, body := h.postPBXReport(pbxToken, pbxSecret, duplicate)
		if status != http.StatusOK {
			t.Errorf("duplicate: status %d, want 200 (body %q)", status, body)
		}
		var stored int
		err := h.store.DB().QueryRowContext(context.Background(), "SELECT count(*) FROM webhooks WHERE event_key = $1",
			"pbx:"+pbxToken+":"+rows[0].callID).Scan(&stored)
		if err != nil {
			t.Fatalf("count stored reports: %v", err)
		}
		if stored != 1 {
			t.Errorf("duplicate: %d reports stored, want 1", stored)
		}
		status, _ = h.postPBXReport(pbxToken, "another_secret", pbxReport("1773255850.44", "+12025550164", "missed", at))
		if status != http.StatusForbidden {
			t.Errorf("bad signature: status %d, want 403", status)
		}
		status, _ = h.postPBXReport("tok_unknown", pbxSecret, pbxReport("1773255850.45", "+12025550165", "missed", at))
		if status != http.StatusNotFound {
			t.Errorf("unknown token: status %d, want 404", status)
		}

		for _, row := range rows {
			call := h.waitDecided("pbx:" + businessNumber + ":" + row.callID)
			if call.Outcome != row.result {
				t.Errorf("%s: outcome %s, want %s (decision %q)", row.outcome, call.Outcome, row.result, call.Decision)
			}
			if call.OutcomeReason != row.reason {
				t.Errorf("%s: reason %q, want %q", row.outcome, call.OutcomeReason, row.reason)
			}
			if !strings.Contains(call.Decision, row.explain) {
				t.Errorf("%s: decision %q does not contain %q", row.outcome, call.Decision, row.explain)
			}
			if call.Handling != callflow.HandlingPBX {
				t.Errorf("%s: handling %q, want %q", row.outcome, call.Handling, callflow.HandlingPBX)
			}
			if !call.StartedAt.Equal(at) {
				t.Errorf("%s: started at %v, want the reported time %v", row.outcome, call.StartedAt, at)
			}
			if got := call.TextBack == store.TextBackQueued; got != row.texted {
				t.Errorf("%s: texted %v, want %v (decision %q)", row.outcome, got, row.texted, call.Decision)
			}
		}

		h.waitSent(2)
		h.settle()
		sent := h.fake.Sent()
		for _, row := range rows {
			want := 0
			if row.texted {
				want = 1
			}
			got := 0
			for _, m := range sent {
				if m.To == row.from {
					got++
					if m.From != businessNumber {
						t.Errorf("%s: text sent from %s, want %s", row.outcome, m.From, businessNumber)
					}
				}
			}
			if got != want {
				t.Errorf("%s: %d texts to %s, want %d", row.outcome, got, row.from, want)
			}
		}
		if len(sent) != 2 {
			t.Errorf("sent %d texts in all, want 2", len(sent))
		}
	})
}
