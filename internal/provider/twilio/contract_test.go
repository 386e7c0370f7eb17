package twilio

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider/twilio/twiliotest"
)

// TestContract sends a text and looks it up through the fake while it checks every request and
// response against Twilio's OpenAPI document.
func TestContract(t *testing.T) {
	twiliotest.RequireContract(t)
	server := twiliotest.New(t)
	if !server.ChecksContract() {
		t.Fatalf("fake Twilio API does not check the OpenAPI contract although %s is set", twiliotest.SpecEnv)
	}
	adapter := newSendAdapter(5 * time.Second)

	result, err := adapter.Send(context.Background(), server.Account(), textBack)
	if err != nil {
		t.Fatalf("Send returned error %v", err)
	}
	sid, err := adapter.FindSent(context.Background(), server.Account(), textBack, time.Now().Add(-time.Minute))
	if err != nil {
		t.Fatalf("FindSent returned error %v", err)
	}
	if sid != result.MessageID {
		t.Errorf("FindSent = %q, want the sent message %q", sid, result.MessageID)
	}

	server.Fail(func(int, url.Values) *twiliotest.Fault { return &twiliotest.Fault{Code: 21610} })
	if _, err := adapter.Send(context.Background(), server.Account(), textBack); err == nil {
		t.Errorf("Send with an injected 21610 succeeded")
	}
}
