package twilio_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/provider/twilio"
)

const (
	swProject    = "00000000-0000-4000-8000-000000000001"
	swToken      = "PTswapitoken0001"
	swSigningKey = "PSKswsigningkey0001"
)

func TestSignalWireVerify(t *testing.T) {
	sw := twilio.NewSignalWire(twilio.Options{})
	acct := provider.Account{AccountSID: swProject, AuthToken: swToken, PublicKey: swSigningKey}
	webhookURL := "https://hooks.example.com/webhooks/signalwire/voice"
	form := url.Values{"AccountSid": {swProject}, "CallSid": {"c1"}, "From": {"+12025550143"}, "To": {"+13125550199"}}
	rows := []struct {
		name   string
		header string
		key    string
		ok     bool
	}{
		{"signalwire header", "X-SignalWire-Signature", swSigningKey, true},
		{"twilio header", "X-Twilio-Signature", swSigningKey, true},
		{"signed with api token", "X-SignalWire-Signature", swToken, false},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			header := http.Header{}
			header.Set(row.header, twilio.Sign(row.key, webhookURL, form))
			header.Set("Content-Type", "application/x-www-form-urlencoded")
			w := provider.Webhook{Route: "voice", URL: webhookURL, Body: []byte(form.Encode()), Header: header}
			err := sw.Verify(acct, w)
			if row.ok && err != nil {
				t.Errorf("Verify = %v, want accepted", err)
			}
			if !row.ok && !errors.Is(err, provider.ErrSignature) {
				t.Errorf("Verify = %v, want ErrSignature", err)
			}
		})
	}
	if got := sw.AccountSIDOf(provider.Webhook{Body: []byte(form.Encode())}); got != swProject {
		t.Errorf("AccountSIDOf = %q, want the project id", got)
	}
	if sw.Kind() != twilio.SignalWireKind {
		t.Errorf("Kind = %q", sw.Kind())
	}
}

func TestSignalWireSend(t *testing.T) {
	var gotPath, gotUser, gotPass string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath = r.URL.Path
		gotUser, gotPass, _ = r.BasicAuth()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]string{"sid": "11111111-0000-4000-8000-000000000001", "status": "queued"})
	}))
	defer srv.Close()
	sw := twilio.NewSignalWire(twilio.Options{HTTPClient: srv.Client()})
	acct := provider.Account{AccountSID: swProject, AuthToken: swToken, APIBaseURL: srv.URL}
	res, err := sw.Send(context.Background(), acct, provider.SendRequest{From: "+13125550199", To: "+12025550143", Body: "Hi"})
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if want := "/api/laml/2010-04-01/Accounts/" + swProject + "/Messages.json"; gotPath != want {
		t.Errorf("path = %q, want %q", gotPath, want)
	}
	if gotUser != swProject || gotPass != swToken {
		t.Errorf("basic auth = %q:%q, want project id and API token", gotUser, gotPass)
	}
	if res.MessageID == "" {
		t.Error("no message id returned")
	}
	_, err = sw.Send(context.Background(), provider.Account{AccountSID: swProject, AuthToken: swToken},
		provider.SendRequest{From: "+13125550199", To: "+12025550143", Body: "Hi"})
	if err == nil || !strings.Contains(err.Error(), "api_base_url") {
		t.Errorf("Send without a space URL = %v, want an error asking for api_base_url", err)
	}
	secrets := sw.Secrets(provider.Account{AuthToken: swToken, PublicKey: swSigningKey})
	if len(secrets) != 2 {
		t.Errorf("Secrets = %v, want the API token and the signing key", secrets)
	}
}
