package provider

import "testing"

func TestLineTypeCanText(t *testing.T) {
	tests := []struct {
		lineType LineType
		want     bool
	}{
		{LineMobile, true},
		{LineLandline, false},
		{LineVoIP, true},
		{LineTollFree, true},
		{LineUnknown, true},
		{"", true},
	}
	for _, tt := range tests {
		if got := tt.lineType.CanText(); got != tt.want {
			t.Errorf("LineType(%q).CanText() = %v, want %v", tt.lineType, got, tt.want)
		}
	}
}

func TestCleanText(t *testing.T) {
	rows := []struct{ in, want string }{
		{"STOP", "STOP"},
		{"STOP\x00", "STOP"},
		{"\x00stop", "stop"},
		{"caf\xe9", "caf\uFFFD"},
		{"emoji 🙂 and مرحبا", "emoji 🙂 and مرحبا"},
		{"", ""},
	}
	for _, row := range rows {
		if got := CleanText(row.in); got != row.want {
			t.Errorf("CleanText(%q) = %q, want %q", row.in, got, row.want)
		}
	}
	ev := Event{From: "+1202\x00", Body: "hi\xff"}.Clean()
	if ev.From != "+1202" || ev.Body != "hi\uFFFD" {
		t.Errorf("Clean left %q and %q", ev.From, ev.Body)
	}
}
