package telnyx

import (
	"testing"

	"github.com/textback/textback/internal/provider"
)

func TestHangupCauses(t *testing.T) {
	tests := []struct {
		cause          string
		wantCallStatus string
		wantDialStatus string
	}{
		{"normal_clearing", "completed", "completed"},
		{"originator_cancel", "canceled", "canceled"},
		{"timeout", "no-answer", "no-answer"},
		{"no_answer", "no-answer", "no-answer"},
		{"user_busy", "busy", "busy"},
		{"call_rejected", "busy", "busy"},
		{"not_found", "failed", "failed"},
		{"time_limit", "completed", "completed"},
		{"unspecified", "completed", "unspecified"},
		{"something_new", "completed", "something_new"},
		{"", "completed", "unspecified"},
	}
	covered := map[string]bool{}
	adapter := New(Options{})
	for _, tt := range tests {
		covered[tt.cause] = true
		t.Run("cause "+tt.cause, func(t *testing.T) {
			body := callEventBody(t, "call.hangup", map[string]any{
				"from": callerNumber, "to": businessPhone, "hangup_cause": tt.cause,
			})
			caller, err := adapter.Parse(rawWebhook(RouteCallControl, "", jsonType, body))
			if err != nil {
				t.Fatalf("Parse of the caller's hangup returned error %v", err)
			}
			if caller.Type != provider.CallStatus {
				t.Errorf("caller's hangup Type = %q, want %q", caller.Type, provider.CallStatus)
			}
			if caller.Status != tt.wantCallStatus {
				t.Errorf("caller's hangup Status = %q, want %q", caller.Status, tt.wantCallStatus)
			}

			forwarded, err := adapter.Parse(rawWebhook(RouteCallControlForwarded, forwardedQuery, jsonType, body))
			if err != nil {
				t.Fatalf("Parse of the forwarded leg's hangup returned error %v", err)
			}
			if forwarded.Type != provider.CallDialEnded {
				t.Errorf("forwarded hangup Type = %q, want %q", forwarded.Type, provider.CallDialEnded)
			}
			if forwarded.DialStatus != tt.wantDialStatus {
				t.Errorf("forwarded hangup DialStatus = %q, want %q", forwarded.DialStatus, tt.wantDialStatus)
			}
		})
	}
	for cause := range hangupCauses {
		if !covered[cause] {
			t.Errorf("hangup cause %q has no test row", cause)
		}
	}
}
