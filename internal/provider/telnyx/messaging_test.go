package telnyx

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider"
)

func TestParseMessaging(t *testing.T) {
	reportAt := time.Date(2025, 3, 11, 19, 12, 1, 0, time.UTC)
	const sentID = "00000000-0000-4000-8000-000000000502"
	tests := []struct {
		name    string
		fixture string
		want    provider.Event
	}{
		{"inbound text", "msg-received.json", provider.Event{
			Key: "msg:00000000-0000-4000-8000-000000000401", Type: provider.MessageInbound,
			MessageID: "00000000-0000-4000-8000-000000000402", From: callerNumber, To: businessPhone,
			Body: "Yes, 3pm works! 👍", Status: "webhook_delivered",
			OccurredAt: time.Date(2025, 3, 11, 19, 10, 0, 0, time.UTC),
		}},
		{"inbound picture", "msg-received-mms.json", provider.Event{
			Key: "msg:00000000-0000-4000-8000-000000000403", Type: provider.MessageInbound,
			MessageID: "00000000-0000-4000-8000-000000000404", From: callerNumber, To: businessPhone,
			Status: "webhook_delivered", OccurredAt: time.Date(2025, 3, 11, 19, 10, 5, 0, time.UTC),
		}},
		{"sent", "msg-sent.json", provider.Event{
			Key: "msg:00000000-0000-4000-8000-000000000501", Type: provider.MessageStatus, MessageID: sentID,
			Status: "sent", OccurredAt: time.Date(2025, 3, 11, 19, 12, 0, 500e6, time.UTC),
		}},
		{"delivered", "msg-finalized-delivered.json", provider.Event{
			Key: "msg:00000000-0000-4000-8000-000000000503", Type: provider.MessageStatus, MessageID: sentID,
			Status: "delivered", OccurredAt: reportAt,
		}},
		{"delivery failed", "msg-finalized-delivery-failed.json", provider.Event{
			Key: "msg:00000000-0000-4000-8000-000000000504", Type: provider.MessageStatus, MessageID: sentID,
			Status: "undelivered", ErrorCode: "40001", OccurredAt: reportAt,
		}},
		{"sending failed numeric code", "msg-finalized-sending-failed.json", provider.Event{
			Key: "msg:00000000-0000-4000-8000-000000000505", Type: provider.MessageStatus, MessageID: sentID,
			Status: "failed", ErrorCode: "40300", OccurredAt: reportAt,
		}},
		{"unconfirmed", "msg-finalized-unconfirmed.json", provider.Event{
			Key: "msg:00000000-0000-4000-8000-000000000506", Type: provider.MessageStatus, MessageID: sentID,
			Status: "sent", OccurredAt: reportAt,
		}},
		{"queued kept raw", "msg-queued.json", provider.Event{
			Key: "msg:00000000-0000-4000-8000-000000000507", Type: provider.MessageStatus, MessageID: sentID,
			Status: "queued", OccurredAt: time.Date(2025, 3, 11, 19, 12, 0, 100e6, time.UTC),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseFixture(t, RouteMessaging, "", tt.fixture); got != tt.want {
				t.Errorf("Parse(%s)\n got %+v\nwant %+v", tt.fixture, got, tt.want)
			}
		})
	}
}

// reportBody returns a message.finalized body whose recipient has status.
func reportBody(t *testing.T, status string) []byte {
	t.Helper()
	body, err := json.Marshal(map[string]any{"data": map[string]any{
		"event_type": "message.finalized", "id": "00000000-0000-4000-8000-000000000999",
		"payload": map[string]any{
			"id": "00000000-0000-4000-8000-000000000502", "direction": "outbound",
			"from": map[string]any{"phone_number": businessPhone},
			"to":   []any{map[string]any{"phone_number": callerNumber, "status": status}},
		},
	}})
	if err != nil {
		t.Fatalf("encode report: %v", err)
	}
	return body
}

func TestMessageStatuses(t *testing.T) {
	tests := []struct {
		status string
		want   string
	}{
		{"sent", "sent"},
		{"delivered", "delivered"},
		{"sending_failed", "failed"},
		{"delivery_failed", "undelivered"},
		{"delivery_unconfirmed", "sent"},
		{"queued", "queued"},
		{"sending", "sending"},
		{"something_new", "something_new"},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.status] = true
		t.Run(tt.status, func(t *testing.T) {
			ev, err := New(Options{}).Parse(rawWebhook(RouteMessaging, "", jsonType, reportBody(t, tt.status)))
			if err != nil {
				t.Fatalf("Parse returned error %v", err)
			}
			if ev.Status != tt.want {
				t.Errorf("Status = %q, want %q", ev.Status, tt.want)
			}
		})
	}
	for status := range messageStatuses {
		if !covered[status] {
			t.Errorf("message status %q has no test row", status)
		}
	}
}

func TestMessagingKeys(t *testing.T) {
	first := parseFixture(t, RouteMessaging, "", "msg-sent.json")
	again := parseFixture(t, RouteMessaging, "", "msg-sent.json")
	final := parseFixture(t, RouteMessaging, "", "msg-finalized-delivered.json")
	if first.Key != again.Key {
		t.Errorf("a retried delivery has key %q, want the first delivery's %q", again.Key, first.Key)
	}
	if first.Key == final.Key {
		t.Errorf("message.sent and message.finalized share the key %q", first.Key)
	}
}
