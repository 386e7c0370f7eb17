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
