package provider

import (
	"errors"
	"net/url"
	"testing"
)

func TestParseMenuWebhook(t *testing.T) {
	const query = "menu=main&number=%2B13125550199&option=9&step=4"
	tests := []struct {
		route CallbackRoute
		body  string
		want  Event
	}{
		{CallbackMenu, "CallSid=CA1&Digits=2&From=%2B12025550143&To=%2B13125550199&CallStatus=in-progress",
			Event{Key: "menu:CA1:4", Type: CallMenuInput, CallID: "CA1", From: "+12025550143",
				To: "+13125550199", Status: "in-progress", Digits: "2", State: query}},
		{CallbackMenu, "CallSid=CA1&SpeechResult=Emergency.&Confidence=0.9",
			Event{Key: "menu:CA1:4", Type: CallMenuInput, CallID: "CA1", To: "+13125550199",
				Speech: "Emergency.", State: query}},
		{CallbackMenuDial, "CallSid=CA1&DialCallSid=CA2&DialCallStatus=no-answer&DialCallDuration=7",
			Event{Key: "menu-dial:CA1:4", Type: CallMenuDialEnded, CallID: "CA1", LegID: "CA2",
				To: "+13125550199", DialStatus: "no-answer", DialDuration: 7, State: query}},
		{CallbackVoicemail, "CallSid=CA1&RecordingUrl=https%3A%2F%2Fapi.example.com%2FRE1&RecordingDuration=32&Digits=hangup",
			Event{Key: "voicemail:CA1:4", Type: CallVoicemail, CallID: "CA1", To: "+13125550199",
				Digits: "hangup", RecordingURL: "https://api.example.com/RE1", RecordingDuration: 32, State: query}},
		{CallbackRecording, "CallSid=CA1&RecordingSid=RE1&RecordingUrl=https%3A%2F%2Fapi.example.com%2FRE1&" +
			"RecordingStatus=completed&RecordingDuration=32",
			Event{Key: "recording:CA1:4:completed", Type: CallRecording, CallID: "CA1",
				To: "+13125550199", Status: "completed", RecordingID: "RE1", RecordingURL: "https://api.example.com/RE1",
				RecordingDuration: 32, State: query}},
		{CallbackRecording, "CallSid=CA1&RecordingSid=RE1&RecordingStatus=absent&ErrorCode=16102",
			Event{Key: "recording:CA1:4:absent", Type: CallRecording, CallID: "CA1", To: "+13125550199",
				Status: "absent", RecordingID: "RE1", ErrorCode: "16102", State: query}},
		{CallbackTranscription, "CallSid=CA1&RecordingSid=RE1&TranscriptionText=Water+everywhere&TranscriptionStatus=completed",
			Event{Key: "transcription:CA1:4:completed", Type: CallTranscription, CallID: "CA1",
				To: "+13125550199", Status: "completed", RecordingID: "RE1", Transcript: "Water everywhere", State: query}},
	}
	for _, tt := range tests {
		t.Run(string(tt.route), func(t *testing.T) {
			got, err := parseForm(t, tt.route, query, tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ParseMenuWebhook =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestParseMenuWebhookErrors(t *testing.T) {
	tests := []struct {
		name  string
		route CallbackRoute
		query string
		body  string
		want  error
	}{
		{"no step", CallbackMenu, "menu=main", "CallSid=CA1", ErrMalformed},
		{"bad step", CallbackMenu, "menu=main&step=x", "CallSid=CA1", ErrMalformed},
		{"negative step", CallbackMenu, "menu=main&step=-2", "CallSid=CA1", ErrMalformed},
		{"no call", CallbackMenu, "menu=main&step=1", "Digits=1", ErrMalformed},
		{"bad duration", CallbackVoicemail, "menu=main&step=1", "CallSid=CA1&RecordingDuration=-3", ErrMalformed},
		{"bad dial duration", CallbackMenuDial, "menu=main&step=1", "CallSid=CA1&DialCallDuration=ten", ErrMalformed},
		{"unknown route", "menu/other", "menu=main&step=1", "CallSid=CA1", ErrUnknownRoute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseForm(t, tt.route, tt.query, tt.body); !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
}

// parseForm parses a menu webhook with the form body and the callback query.
func parseForm(t *testing.T, route CallbackRoute, query, body string) (Event, error) {
	t.Helper()
	form, err := url.ParseQuery(body)
	if err != nil {
		t.Fatal(err)
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	get := func(name string) string {
		if values := form[name]; len(values) > 0 {
			return values[0]
		}
		return q.Get(name)
	}
	return ParseMenuWebhook(route, get, q)
}
