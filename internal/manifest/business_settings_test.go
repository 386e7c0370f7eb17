package manifest

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var acmeIdentity = Identity{Name: "Acme Plumbing", RepName: "Dana", BookingURL: "https://example.com/book",
	Numbers: []string{"+13125550199"}}

func TestParseSectionsValid(t *testing.T) {
	data := `
hours:
  mon: "08:00-18:00"
text_back:
  template: "Hi from {business}, costs $$20. {booking_link}"
conversation:
  keywords:
    - {word: TOW, reply: "A truck is on its way.", alert: high}
    - {word: CALL, disabled: true}
follow_ups: []
team:
  - {name: Dana, phone: "(312) 555-0100"}
alerts:
  sms: true
`
	s, err := ParseSections("dashboard", []byte(data), acmeIdentity)
	if err != nil {
		t.Fatalf("ParseSections: %v", err)
	}
	if got := s.Hours[time.Monday]; len(got) != 1 || got[0].Start != 8*60 {
		t.Errorf("monday = %v, want 08:00-18:00", got)
	}
	if s.TextBack.Template != "Hi from {business}, costs $20. {booking_link}" {
		t.Errorf("template = %q, want $$ read as $", s.TextBack.Template)
	}
	var words []string
	for _, k := range s.Settings.Keywords {
		words = append(words, k.Word)
	}
	if strings.Join(words, ",") != "URGENT,TOW" {
		t.Errorf("keywords = %v, want the default URGENT and TOW without the disabled CALL", words)
	}
	if s.Settings.FollowUps == nil || len(s.Settings.FollowUps) != 0 {
		t.Errorf("follow-ups = %v, want an empty list", s.Settings.FollowUps)
	}
	if len(s.Settings.Team) != 1 || s.Settings.Team[0].Phone != "+13125550100" {
		t.Errorf("team = %+v, want Dana at +13125550100", s.Settings.Team)
	}
	if len(s.Templates) == 0 || s.Templates[0].Name != "text_back" {
		t.Errorf("templates = %+v, want a report for text_back first", s.Templates)
	}
}

func TestParseSectionsErrors(t *testing.T) {
	cases := map[string]struct {
		data, path, message string
	}{
		"bad hours":     {`hours: {mon: "8am-6pm"}`, "hours.mon", ""},
		"unknown key":   {`numbers: []`, "numbers", "unknown key"},
		"bad keyword":   {`conversation: {keywords: [{word: STOP, reply: hi}]}`, "conversation.keywords[0].word", "opt-out"},
		"bad field":     {`text_back: {template: "Hi {nme}"}`, "text_back.template", "nme"},
		"own number":    {`team: [{name: Dana, phone: "+13125550199"}]`, "team[0].phone", "textback numbers"},
		"environment":   {`text_back: {template: "Hi ${HOME}"}`, "text_back.template", "HOME is not set"},
		"late followup": {`follow_ups: [{after: 40d, template: "Hi. Reply STOP to opt out."}]`, "follow_ups[0].after", "out of range"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseSections("dashboard", []byte(c.data), acmeIdentity)
			var issues Errors
			if !errors.As(err, &issues) || len(issues) == 0 {
				t.Fatalf("ParseSections(%q) = %v, want errors", c.data, err)
			}
			if issues[0].Path != c.path {
				t.Errorf("first issue at %q, want %q: %v", issues[0].Path, c.path, issues[0])
			}
			if !strings.Contains(issues[0].Message, c.message) {
				t.Errorf("message %q does not mention %q", issues[0].Message, c.message)
			}
		})
	}
}
