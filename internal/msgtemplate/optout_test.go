package msgtemplate

import "testing"

func TestHasOptOutWording(t *testing.T) {
	tests := []struct {
		name string
		body string
		want bool
	}{
		{"suffix", "Thanks for calling. Reply STOP to opt out.", true},
		{"lower case", "reply stop to opt out", true},
		{"mixed case", "Reply Stop to Opt Out", true},
		{"hyphenated", "Text STOP to opt-out", true},
		{"unsubscribe", "Reply STOP to unsubscribe.", true},
		{"to stop", "Reply STOP to stop these texts.", true},
		{"phrase first", "To stop texts, reply STOP.", true},
		{"quoted keyword", `Reply "STOP" to opt out`, true},
		{"extra spaces", "Reply  STOP   to opt   out", true},
		{"on its own line", "See you soon.\nReply STOP to opt out", true},
		{"stop alone", "Reply STOP.", false},
		{"opt out alone", "You can opt out any time.", false},
		{"unsubscribe alone", "Unsubscribe at example.com", false},
		{"different sentences", "Reply STOP. You can opt out any time.", false},
		{"different lines", "Reply STOP\nto opt out", false},
		{"stop by", "Remember to stop by and opt out of paper bills.", false},
		{"only to stop", "We want to stop the leak.", false},
		{"stop inside word", "Nonstop service, opt out anytime.", false},
		{"stops", "The bus stops here, opt out anytime.", false},
		{"opt outside", "STOP in to opt outside", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HasOptOutWording(tt.body); got != tt.want {
				t.Errorf("HasOptOutWording(%q) = %v, want %v", tt.body, got, tt.want)
			}
		})
	}
}
