package twilio

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider"
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

// TestLookupContract looks up line types through the fake while it checks every request and
// response against Twilio's Lookup v2 OpenAPI document.
func TestLookupContract(t *testing.T) {
	twiliotest.RequireContract(t)
	server := twiliotest.New(t)
	if !server.ChecksContract() {
		t.Fatalf("fake Twilio API does not check the OpenAPI contract although %s is set", twiliotest.SpecEnv)
	}
	adapter := newSendAdapter(5 * time.Second)
	tests := []struct {
		number     string
		twilioType string
		want       provider.LineType
	}{
		{"+12025550143", "mobile", provider.LineMobile},
		{"+12025550144", "landline", provider.LineLandline},
		{"+12025550145", "nonFixedVoip", provider.LineVoIP},
		{"+18005550199", "tollFree", provider.LineTollFree},
		{"+12025550146", "", provider.LineUnknown},
	}
	for _, tt := range tests {
		server.SetLineType(tt.number, tt.twilioType)
		got, err := adapter.LookupLineType(context.Background(), server.Account(), tt.number)
		if err != nil {
			t.Errorf("LookupLineType(%s) returned error %v", tt.number, err)
			continue
		}
		if got != tt.want {
			t.Errorf("LookupLineType(%s) = %q, want %q", tt.number, got, tt.want)
		}
	}

	server.FailLookup(func(int, url.Values) *twiliotest.Fault { return &twiliotest.Fault{Status: 404, Code: 20404} })
	if _, err := adapter.LookupLineType(context.Background(), server.Account(), "+12025550143"); err == nil {
		t.Errorf("LookupLineType with an injected 404 succeeded")
	}
}
