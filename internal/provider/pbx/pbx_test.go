package pbx

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/textback/textback/internal/provider"
)

func TestRespondEvent(t *testing.T) {
	resp, err := New().RespondEvent(provider.Event{Type: provider.CallDialEnded}, provider.CallPlan{})
	if err != nil {
		t.Fatalf("RespondEvent: %v", err)
	}
	if resp.ContentType != "application/json" {
		t.Errorf("content type = %q, want application/json", resp.ContentType)
	}
	if string(resp.Body) != `{"status":"accepted"}` {
		t.Errorf("body = %s, want {\"status\":\"accepted\"}", resp.Body)
	}
}

func TestRespondCallFails(t *testing.T) {
	if _, err := New().RespondCall(provider.CallPlan{}); err == nil {
		t.Error("RespondCall returned no error")
	}
}

func TestSendPermanent(t *testing.T) {
	_, err := New().Send(context.Background(), provider.Account{Kind: Kind},
		provider.SendRequest{From: testNumber, To: "+12025550143", Body: "hi"})
	var sendErr *provider.SendError
	if !errors.As(err, &sendErr) {
		t.Fatalf("Send error = %v, want a *provider.SendError", err)
	}
	if sendErr.Kind != provider.Permanent {
		t.Errorf("SendError kind = %q, want permanent", sendErr.Kind)
	}
}

func TestNumberToken(t *testing.T) {
	tests := []struct {
		route provider.Route
		want  string
	}{
		{testToken, testToken},
		{"", ""},
		{"tok/extra", ""},
	}
	for _, tt := range tests {
		if got := New().NumberToken(provider.Webhook{Route: tt.route}); got != tt.want {
			t.Errorf("NumberToken(%q) = %q, want %q", tt.route, got, tt.want)
		}
	}
}

// BindNumber replaces a number the client sent and leaves the original header alone.
func TestBindNumberReplaces(t *testing.T) {
	original := http.Header{NumberHeader: {"+19995550100"}}
	bound := New().BindNumber(provider.Webhook{Header: original}, testNumber)
	if got := bound.Header.Values(NumberHeader); len(got) != 1 || got[0] != testNumber {
		t.Errorf("bound %s = %q, want only %q", NumberHeader, got, testNumber)
	}
	if got := original.Get(NumberHeader); got != "+19995550100" {
		t.Errorf("original header changed to %q", got)
	}
}

func TestSecrets(t *testing.T) {
	if got := New().Secrets(provider.Account{AuthToken: testSecret}); len(got) != 1 || got[0] != testSecret {
		t.Errorf("Secrets = %q, want the webhook secret", got)
	}
	if got := New().Secrets(provider.Account{}); len(got) != 0 {
		t.Errorf("Secrets of an account without a secret = %q, want none", got)
	}
}
