package manifest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/textback/textback/internal/segment"
)

func TestWarnings(t *testing.T) {
	type warning struct {
		position string
		path     string
		phrases  []string
	}
	tests := []struct {
		file string
		want []warning
	}{
		{"ring-25", []warning{{"14:23", "businesses[0].numbers[0].ring_seconds",
			[]string{"ring_seconds 25 is above 20", "voicemail may answer first"}}}},
		{"ucs2-template", []warning{
			{"16:17", "businesses[0].text_back.template", []string{
				`'’' (U+2019) at offset 2, use "'" instead`,
				"'🙂' (U+1F642) at offset 26.",
				"sent as UCS-2",
			}},
			{"17:29", "businesses[0].text_back.after_hours_template", []string{
				`'’' (U+2019) at offset 2, use "'" instead`,
				`'–' (U+2013) at offset 13, use "-" instead`,
				"texts stay GSM-7",
			}},
		}},
		{"ucs2-name", []warning{
			{"5:5", "businesses[0].text_back.template", []string{"'Ł' (U+0141) at offset 22", "sent as UCS-2"}},
			{"5:5", "businesses[0].text_back.after_hours_template", []string{"3 segments (163 UCS-2 units)"}},
			{"5:5", "businesses[0].text_back.after_hours_template", []string{"'Ł' (U+0141) at offset 22"}},
			{"5:5", "businesses[0].conversation.help_text", []string{"'Ł' (U+0141) at offset 0"}},
			{"5:5", "businesses[0].conversation.opt_out_reply", []string{"'Ł' (U+0141) at offset 25"}},
			{"5:5", "businesses[0].conversation.opt_in_reply", []string{"'Ł' (U+0141) at offset 27"}},
			{"5:5", "businesses[0].follow_ups[0]", []string{"'Ł' (U+0141) at offset 14"}},
			{"5:5", "businesses[0].follow_ups[1]", []string{"'Ł' (U+0141) at offset 15"}},
		}},
		{"long-template", []warning{{"15:17", "businesses[0].text_back.template",
			[]string{"this text is 3 segments", "shorten it to 306 units"}}}},
		{"no-booking-url", []warning{{"15:17", "businesses[0].text_back.template",
			[]string{"uses {booking_link} but booking_url is not set"}}}},
		{"legacy-zone", []warning{{"7:16", "businesses[0].time_zone",
			[]string{`time_zone "EST" is a legacy name`, "America/New_York"}}}},
		{"no-hours", []warning{{"5:5", "businesses[0].hours",
			[]string{"every text back uses the after-hours template"}}}},
		{"calendar-no-hours", []warning{{"18:16", "businesses[0].calendars[0].hours",
			[]string{"no hours, so the calendar offers no slots and the booking page leaves it out"}}}},
		{"calendar-slot-too-long", []warning{{"18:22", "businesses[0].calendars[0].slot_length",
			[]string{"slot_length 12h is longer than every range of hours"}}}},
		{"forwarded-answer-check", []warning{{"14:23", "businesses[0].numbers[0].answer_check",
			[]string{"no effect in forwarded mode"}}}},
		{"alerts-sms-no-phone", []warning{{"18:12", "businesses[0].alerts.sms",
			[]string{"sms is true but no team member has a phone, so no alert is texted"}}}},
		{"alerts-email-no-email", []warning{{"18:14", "businesses[0].alerts.email",
			[]string{"email is true but no team member has an email, so no alert is emailed"}}}},
		{"escalate-one-member", []warning{{"18:23", "businesses[0].alerts.escalate_after",
			[]string{"escalate_after has no effect with 1 team member(s)"}}}},
		{"question-not-asked", []warning{{"16:19", "businesses[0].conversation.qualifying_question.question",
			[]string{"neither text_back template nor after_hours_template uses {question}"}}}},
		{"answer-starts-with-keyword", []warning{{"18:20",
			"businesses[0].conversation.qualifying_question.answers.urgent[0]",
			[]string{`word "urgent repair" starts with keyword URGENT`, `does not select "urgent"`}}}},
		{"keyword-no-action", []warning{{"16:17", "businesses[0].conversation.keywords[0].word",
			[]string{"keyword TOW has no reply, alert, task or tag"}}}},
		{"keyword-reply-ucs2", []warning{{"17:18", "businesses[0].conversation.keywords[0].reply",
			[]string{"'🚚' (U+1F69A) at offset 11", "sent as UCS-2"}}}},
		{"keyword-reply-long", []warning{{"17:18", "businesses[0].conversation.keywords[0].reply",
			[]string{"this text is 3 segments (362 GSM-7 units)"}}}},
		{"keyword-reply-no-booking-url", []warning{{"17:18", "businesses[0].conversation.keywords[0].reply",
			[]string{"uses {booking_link} but booking_url is not set"}}}},
		{"signalwire-no-signing-key", []warning{{"2:5", "providers[0].signing_key",
			[]string{"no signing_key, so textback checks webhook signatures with api_token"}}}},
		{"pbx-shared-secret", []warning{{"22:19", "businesses[0].numbers[1].pbx.secret",
			[]string{"number +13125550199 at line 11 has the same secret", "give each number its own secret"}}}},
		{"follow-ups-three", []warning{{"15:7", "businesses[0].follow_ups",
			[]string{"follow_ups lists 3 follow-ups", "keep to 2 unless the business wants more"}}}},
		{"follow-up-no-opt-out", []warning{{"16:19", "businesses[0].follow_ups[0].template",
			[]string{"the template has no opt-out wording", `end the template with "Reply STOP to opt out."`}}}},
		{"follow-ups-text-back-off", []warning{{"17:7", "businesses[0].follow_ups",
			[]string{"follow_ups has no effect while text_back.enabled is false"}}}},
		{"follow-up-long", []warning{{"16:19", "businesses[0].follow_ups[0].template",
			[]string{"with sample values, this text is 3 segments (342 GSM-7 units)"}}}},
		{"quiet-hours-outside-state-rules", []warning{{"15:7", "businesses[0].quiet_hours",
			[]string{"the window 20:00–21:00 shares no minute with the hours that the rules of AL, CT, FL, LA, MA, " +
				"MD, MS, NV, OK, RI, WA allow on any day", "held for a person"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := parseFixture(t, filepath.Join("warnings", tt.file+".yaml"))
			if err != nil {
				t.Fatalf("Parse error = %v, want only warnings", err)
			}
			if len(f.Warnings) != len(tt.want) {
				t.Fatalf("got %d warnings, want %d: %v", len(f.Warnings), len(tt.want), f.Warnings)
			}
			for i, w := range tt.want {
				got := f.Warnings[i]
				if position := fmt.Sprintf("%d:%d", got.Line, got.Column); position != w.position {
					t.Errorf("warning %d position = %s, want %s", i, position, w.position)
				}
				if got.Path != w.path {
					t.Errorf("warning %d path = %q, want %q", i, got.Path, w.path)
				}
				for _, phrase := range w.phrases {
					if !strings.Contains(got.Message, phrase) {
						t.Errorf("warning %d message = %q, want it to contain %q", i, got.Message, phrase)
					}
				}
			}
		})
	}
}

func TestUCS2TemplateReport(t *testing.T) {
	f, err := parseFixture(t, "warnings/ucs2-template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	reports := f.Businesses[0].Templates

	textBack := reports[0]
	if textBack.Encoding != segment.UCS2 {
		t.Errorf("text_back encoding = %s, want UCS-2 because of the emoji", textBack.Encoding)
	}
	// Normalize turns the apostrophe into ', so only the emoji remains, at the same offset.
	if len(textBack.NonGSM) != 1 || textBack.NonGSM[0] != (segment.Char{Index: 26, Rune: '🙂'}) {
		t.Errorf("text_back NonGSM = %v, want only the emoji at 26", textBack.NonGSM)
	}

	afterHours := reports[1]
	if afterHours.Encoding != segment.GSM7 {
		t.Errorf("after_hours encoding = %s, want GSM-7 once normalised", afterHours.Encoding)
	}
	if afterHours.NonGSM != nil {
		t.Errorf("after_hours NonGSM = %v, want none", afterHours.NonGSM)
	}
}

func TestWarningsDoNotHideErrors(t *testing.T) {
	data := strings.Replace(readFixture(t, "warnings/ring-25.yaml"), "America/Chicago", "Mars/Olympus", 1)
	f, err := Parse("textback.yaml", []byte(data), lookupTestEnv)
	if err == nil {
		t.Fatalf("Parse = %+v, want an error for the zone", f)
	}
	if issues := issuesOf(t, err); len(issues) != 1 || issues[0].Path != "businesses[0].time_zone" {
		t.Errorf("issues = %v, want only the time_zone error", err)
	}
}
