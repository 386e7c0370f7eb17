package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider/pbx"
)

const (
	pbxToken    = "tok_acme_main"
	pbxSecret   = "pbx_secret_for_tests_0001"
	pbxNoSecret = "tok_without_secret"
	pbxReport   = `{"call_id": "c1", "caller": "+12025550143", "called": "+13125550199", "outcome": "missed"}`
)

// withPBXTokens gives the business number the token pbxToken with pbxSecret, and a second number
// the token pbxNoSecret with no secret.
func (e *env) withPBXTokens() {
	e.t.Helper()
	ctx := context.Background()
	main, err := e.store.GetNumberByE164(ctx, "+13125550199")
	if err != nil {
		e.t.Fatal(err)
	}
	main.WebhookToken, main.WebhookSecret = pbxToken, pbxSecret
	if _, err := e.store.UpsertNumber(ctx, main); err != nil {
		e.t.Fatal(err)
	}
	other := main
	other.E164, other.WebhookToken, other.WebhookSecret = "+13125550188", pbxNoSecret, ""
	if _, err := e.store.UpsertNumber(ctx, other); err != nil {
		e.t.Fatal(err)
	}
	stored, err := e.store.GetNumberByWebhookToken(ctx, pbxToken)
	if err != nil {
		e.t.Fatalf("the store did not keep the number's webhook token: %v", err)
	}
	if stored.WebhookSecret != pbxSecret {
		e.t.Fatalf("the store did not keep the number's webhook secret")
	}
}

// pbxSigned returns the headers of body signed with secret at time at.
func pbxSigned(secret, body string, at time.Time) http.Header {
	timestamp := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "." + body))
	return http.Header{
		"Content-Type":         {"application/json"},
		"X-Textback-Timestamp": {timestamp},
		"X-Textback-Signature": {"v1=" + hex.EncodeToString(mac.Sum(nil))},
	}
}

// postPBX posts body to the PBX route of token with header.
func (e *env) postPBX(token, body string, header http.Header) response {
	e.t.Helper()
	return e.send(http.MethodPost, "/webhooks/pbx/"+token, body, header)
}

// A signed report is stored under the number's own provider with the number bound to it, queued,
// and acknowledged as JSON; a duplicate gets the same answer and is stored once.
func TestPBXReportStored(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.withPBXTokens()
		first := e.postPBX(pbxToken, pbxReport, pbxSigned(pbxSecret, pbxReport, time.Now()))
		if first.status != http.StatusOK {
			t.Fatalf("status = %d, want 200 (body %q)", first.status, first.body)
		}
		if first.contentType != "application/json" {
			t.Errorf("content type = %q, want application/json", first.contentType)
		}
		if first.body != `{"status":"accepted"}` {
			t.Errorf("body = %q, want {\"status\":\"accepted\"}", first.body)
		}
		again := e.postPBX(pbxToken, pbxReport, pbxSigned(pbxSecret, pbxReport, time.Now()))
		if again.status != http.StatusOK || again.body != first.body {
			t.Errorf("duplicate answered %d %q, want 200 %q", again.status, again.body, first.body)
		}
		if n := e.storedWebhooks(); n != 1 {
			t.Errorf("stored %d webhooks, want 1", n)
		}
		if n := e.queuedJobs(); n != 1 {
			t.Errorf("queued %d jobs, want 1", n)
		}

		w := e.lastWebhook()
		twilioMain, err := e.store.GetProviderByName(context.Background(), "twilio-main")
		if err != nil {
			t.Fatal(err)
		}
		if w.ProviderID != twilioMain.ID {
			t.Errorf("stored provider = %d, want the number's provider %d", w.ProviderID, twilioMain.ID)
		}
		if w.Route != "pbx/"+pbxToken {
			t.Errorf("stored route = %q, want pbx/%s", w.Route, pbxToken)
		}
		if w.EventKey != "pbx:"+pbxToken+":c1" {
			t.Errorf("stored event key = %q, want pbx:%s:c1", w.EventKey, pbxToken)
		}
		if got := w.Header.Get(pbx.NumberHeader); got != "+13125550199" {
			t.Errorf("stored %s = %q, want the token's number", pbx.NumberHeader, got)
		}
		if w.URL != publicURL+"/webhooks/pbx/"+pbxToken {
			t.Errorf("stored url = %q, want the public URL", w.URL)
		}
	})
}

// A bearer token authenticates a report too, and is not stored with it.
func TestPBXBearer(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.withPBXTokens()
		resp := e.postPBX(pbxToken, pbxReport, http.Header{
			"Content-Type": {"application/json"}, "Authorization": {"Bearer " + pbxSecret},
		})
		if resp.status != http.StatusOK {
			t.Fatalf("status = %d, want 200 (body %q)", resp.status, resp.body)
		}
		if got := e.lastWebhook().Header.Get("Authorization"); got != "" {
			t.Errorf("stored Authorization = %q, want it dropped", got)
		}
	})
}

func TestPBXRejected(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.withPBXTokens()
		now := time.Now()
		rows := []struct {
			name   string
			token  string
			header http.Header
			status int
		}{
			{"unknown token", "tok_unknown", pbxSigned(pbxSecret, pbxReport, now), http.StatusNotFound},
			{"empty token", "", pbxSigned(pbxSecret, pbxReport, now), http.StatusNotFound},
			{"token with two segments", pbxToken + "/extra", pbxSigned(pbxSecret, pbxReport, now), http.StatusNotFound},
			{"wrong secret", pbxToken, pbxSigned("another_secret", pbxReport, now), http.StatusForbidden},
			{"stale", pbxToken, pbxSigned(pbxSecret, pbxReport, now.Add(-6*time.Minute)), http.StatusForbidden},
			{"future", pbxToken, pbxSigned(pbxSecret, pbxReport, now.Add(6*time.Minute)), http.StatusForbidden},
			{"unsigned", pbxToken, http.Header{"Content-Type": {"application/json"}}, http.StatusForbidden},
			{"wrong bearer", pbxToken, http.Header{"Authorization": {"Bearer another_secret"}}, http.StatusForbidden},
			{"number without secret, hmac", pbxNoSecret, pbxSigned("", pbxReport, now), http.StatusForbidden},
			{"number without secret, bearer", pbxNoSecret, http.Header{"Authorization": {"Bearer "}}, http.StatusForbidden},
		}
		for _, row := range rows {
			t.Run(row.name, func(t *testing.T) {
				resp := e.postPBX(row.token, pbxReport, row.header)
				if resp.status != row.status {
					t.Errorf("status = %d, want %d (body %q)", resp.status, row.status, resp.body)
				}
			})
		}
		if n := e.storedWebhooks(); n != 0 {
			t.Errorf("stored %d webhooks from rejected requests, want 0", n)
		}
	})
}

// A signed report that cannot be read is answered 400 naming the field and kept for the operator.
func TestPBXMalformed(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.withPBXTokens()
		rows := []struct {
			name  string
			body  string
			names string
		}{
			{"missing outcome", `{"call_id": "c2", "caller": "+12025550143"}`, "outcome"},
			{"called mismatch", `{"call_id": "c3", "caller": "+12025550143", "called": "+13125550188", "outcome": "busy"}`,
				"called"},
			{"oversized", `{"call_id": "c4", "caller": "x", "outcome": "busy", "pad": "` +
				strings.Repeat("x", pbx.MaxBody) + `"}`, "limit"},
		}
		for i, row := range rows {
			t.Run(row.name, func(t *testing.T) {
				resp := e.postPBX(pbxToken, row.body, pbxSigned(pbxSecret, row.body, time.Now()))
				if resp.status != http.StatusBadRequest {
					t.Errorf("status = %d, want 400 (body %q)", resp.status, resp.body)
				}
				if !strings.Contains(resp.body, row.names) {
					t.Errorf("body %q does not name %q", resp.body, row.names)
				}
				if n := e.storedWebhooks(); n != i+1 {
					t.Errorf("stored %d webhooks, want %d", n, i+1)
				}
				if key := e.lastWebhook().EventKey; !strings.HasPrefix(key, "unreadable:") {
					t.Errorf("stored event key = %q, want an unreadable: key", key)
				}
			})
		}
	})
}

// A number the client claims in the header that textback binds is replaced by the token's number.
func TestPBXNumberHeaderReplaced(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.withPBXTokens()
		body := `{"call_id": "c5", "caller": "+12025550143", "called": "+13125550188", "outcome": "missed"}`
		header := pbxSigned(pbxSecret, body, time.Now())
		header.Set(pbx.NumberHeader, "+13125550188")
		resp := e.postPBX(pbxToken, body, header)
		if resp.status != http.StatusBadRequest {
			t.Errorf("status = %d, want 400 for a report about another number (body %q)", resp.status, resp.body)
		}
		if got := e.lastWebhook().Header.Values(pbx.NumberHeader); len(got) != 1 || got[0] != "+13125550199" {
			t.Errorf("stored %s = %q, want only the token's number", pbx.NumberHeader, got)
		}
	})
}
