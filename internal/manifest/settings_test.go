package manifest

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/store"
)

func TestSettingsDefaults(t *testing.T) {
	for _, path := range []string{"testdata/example.yaml", "testdata/valid/defaults.yaml"} {
		t.Run(path, func(t *testing.T) {
			f := mustLoad(t, path)
			b := f.Businesses[0]
			if want := store.DefaultSettings(); !reflect.DeepEqual(b.Settings, want) {
				t.Errorf("Settings = %+v, want store.DefaultSettings() %+v", b.Settings, want)
			}
			if b.Numbers[0].ProviderConfirmsOptOut {
				t.Error("ProviderConfirmsOptOut = true, want false by default")
			}
		})
	}
}

func TestSettingsFull(t *testing.T) {
	f := mustLoad(t, "testdata/valid/conversation.yaml")
	if len(f.Warnings) != 0 {
		t.Errorf("Warnings = %v, want none", f.Warnings)
	}
	b := f.Businesses[0]
	if !b.Numbers[0].ProviderConfirmsOptOut {
		t.Error("ProviderConfirmsOptOut = false, want true as set")
	}

	want := store.Settings{
		HelpText:    "{business}: reply with your question, or call (312) 555-0100. Reply STOP to opt out.",
		OptOutReply: "{business}: you won't get more texts. Reply START to text with us again.",
		OptInReply:  "{business}: welcome back. Reply STOP to opt out.",
		Qualifier: store.Qualifier{
			Question: "Is this for your home or a business?",
			Answers: []store.QualifierAnswer{
				{Value: "residential", Words: []string{"home", "house", "residential", "apartment"}},
				{Value: "commercial", Words: []string{"business", "office", "commercial", "shop"}},
			},
		},
		Keywords: []store.Keyword{
			{Word: "URGENT", Aliases: []string{"EMERGENCY", "FLOOD"},
				Reply: "Thanks, we've flagged this as urgent. {rep|Someone} will call you within 15 minutes.",
				Alert: "high", Task: "Urgent call-back", Tag: "urgent"},
			store.DefaultKeywords()[1],
			{Word: "TOW", Aliases: []string{"TOWING", "TOW TRUCK"},
				Reply: "A tow truck is on its way to you. What's your location?",
				Alert: "high", Task: "Send a tow", Tag: "towing"},
		},
		Team: []store.Staff{
			{Name: "Dana", Phone: "+13125550100", Email: "dana@example.com"},
			{Name: "Sam", Phone: "+13125550101"},
		},
		Alerts: store.Alerting{
			SMS: true, Email: true, MissedCalls: false,
			EscalateAfter:   store.Duration(10 * time.Minute),
			AggregateWindow: store.Duration(2 * time.Minute),
		},
		ManualPause:    store.Duration(24 * time.Hour),
		Limits:         store.Limits{PerHour: 4, PerDay: 10},
		EmailFallback:  false,
		LookupLineType: true,
		FollowUps: []store.FollowUpStep{
			{Delay: store.Duration(2 * time.Hour), Template: "Hi again from {business}. Still need a plumber? " +
				"Reply here and {rep|someone} will call you back. Reply STOP to opt out."},
			{Delay: store.Duration(24 * time.Hour), Template: "Last note from {business}: book any time at " +
				"{booking_link}, or reply here. Reply STOP to opt out."},
		},
		QuietHours: store.QuietHours{Start: 8*60 + 30, End: 20 * 60},
	}
	want.Alerts.Webhook.URL = "https://hooks.slack.com/services/T000/B000/XXXX"
	want.Alerts.Webhook.Secret = testEnv["ALERT_WEBHOOK_SECRET"]

	got := b.Settings
	checks := []struct {
		field     string
		got, want any
	}{
		{"HelpText", got.HelpText, want.HelpText},
		{"OptOutReply", got.OptOutReply, want.OptOutReply},
		{"OptInReply", got.OptInReply, want.OptInReply},
		{"Qualifier", got.Qualifier, want.Qualifier},
		{"Keywords", got.Keywords, want.Keywords},
		{"Team", got.Team, want.Team},
		{"Alerts", got.Alerts, want.Alerts},
		{"ManualPause", got.ManualPause, want.ManualPause},
		{"Limits", got.Limits, want.Limits},
		{"EmailFallback", got.EmailFallback, want.EmailFallback},
		{"LookupLineType", got.LookupLineType, want.LookupLineType},
		{"FollowUps", got.FollowUps, want.FollowUps},
		{"QuietHours", got.QuietHours, want.QuietHours},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %+v, want %+v", c.field, c.got, c.want)
		}
	}
}

func TestSettingsTemplateReports(t *testing.T) {
	b := mustLoad(t, "testdata/valid/conversation.yaml").Businesses[0]
	// The texts as sent for a first text to a contact. Every character is in the GSM-7 basic table, so the
	// units are their lengths.
	texts := []struct {
		name, text string
		segments   int
	}{
		{"text_back", "Hi, this is Acme Plumbing. Sorry we missed your call! Is this for your home or a business? " +
			"Reply STOP to opt out.", 1},
		{"after_hours", "Hi Alexandra, this is Dana at Acme Plumbing. Sorry we missed your call. We're closed right " +
			"now and open again Saturday at 10:30 AM. Is this for your home or a business? Book online: " +
			"https://example.com/book/acme Reply STOP to opt out.", 2},
		{"help_text", "Acme Plumbing: reply with your question, or call (312) 555-0100. Reply STOP to opt out.", 1},
		{"opt_out_reply", "Acme Plumbing: you won't get more texts. Reply START to text with us again. " +
			"Reply STOP to opt out.", 1},
		{"opt_in_reply", "Acme Plumbing: welcome back. Reply STOP to opt out.", 1},
		{"keyword URGENT reply", "Thanks, we've flagged this as urgent. Dana will call you within 15 minutes. " +
			"Reply STOP to opt out.", 1},
		{"keyword CALL reply", "Sure. What's a good time to call you? Reply STOP to opt out.", 1},
		{"keyword TOW reply", "A tow truck is on its way to you. What's your location? Reply STOP to opt out.", 1},
		{"follow_up 1", "Hi again from Acme Plumbing. Still need a plumber? Reply here and Dana will call you " +
			"back. Reply STOP to opt out.", 1},
		{"follow_up 2", "Last note from Acme Plumbing: book any time at https://example.com/book/acme, or reply " +
			"here. Reply STOP to opt out.", 1},
	}
	if len(b.Templates) != len(texts) {
		t.Fatalf("Templates = %+v, want %d reports", b.Templates, len(texts))
	}
	for i, want := range texts {
		got := b.Templates[i]
		if got.Name != want.name {
			t.Errorf("Templates[%d].Name = %q, want %q", i, got.Name, want.name)
		}
		if got.Units != len(want.text) {
			t.Errorf("Templates[%d] (%s) Units = %d, want %d for %q", i, want.name, got.Units, len(want.text),
				want.text)
		}
		if got.Segments != want.segments {
			t.Errorf("Templates[%d] (%s) Segments = %d, want %d", i, want.name, got.Segments, want.segments)
		}
	}
}

func TestKeywordMerge(t *testing.T) {
	f := mustLoad(t, "testdata/valid/keywords.yaml")
	if len(f.Warnings) != 0 {
		t.Errorf("Warnings = %v, want none", f.Warnings)
	}
	got := f.Businesses[0].Settings.Keywords
	want := []store.Keyword{
		{Word: "URGENT", Reply: "We're on it."},
		{Word: "TOW", Aliases: []string{"TOWING", "TOW TRUCK"}, Task: "Send a tow"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Keywords = %+v, want %+v", got, want)
	}
	var names []string
	for _, r := range f.Businesses[0].Templates {
		names = append(names, r.Name)
	}
	wantNames := []string{"text_back", "after_hours", "help_text", "opt_out_reply", "opt_in_reply",
		"keyword URGENT reply", "follow_up 1", "follow_up 2"}
	if !reflect.DeepEqual(names, wantNames) {
		t.Errorf("report names = %v, want %v, with no report for keywords without a reply", names, wantNames)
	}
}

func TestKeywordsAllDisabled(t *testing.T) {
	data := readFixture(t, "valid/defaults.yaml") + `    conversation:
      keywords:
        - {word: URGENT, disabled: true}
        - {word: CALL, disabled: true}
`
	f, err := Parse("textback.yaml", []byte(data), lookupTestEnv)
	if err != nil {
		t.Fatalf("Parse error:\n%v", err)
	}
	keywords := f.Businesses[0].Settings.Keywords
	if keywords == nil {
		t.Error("Keywords = nil, want an empty list, since nil means the defaults")
	}
	if len(keywords) != 0 {
		t.Errorf("Keywords = %+v, want none", keywords)
	}
}

func TestKeywordConsentWords(t *testing.T) {
	words := []string{"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT", "START",
		"UNSTOP", "YES", "HELP", "INFO", "stop", "STOPP"}
	for _, word := range words {
		t.Run(word, func(t *testing.T) {
			data := readFixture(t, "valid/defaults.yaml") + "    conversation:\n      keywords:\n" +
				"        - {word: " + word + ", reply: Hi}\n"
			_, err := Parse("textback.yaml", []byte(data), lookupTestEnv)
			issues := issuesOf(t, err)
			if len(issues) != 1 {
				t.Fatalf("got %d issues, want 1: %v", len(issues), err)
			}
			if want := "businesses[0].conversation.keywords[0].word"; issues[0].Path != want {
				t.Errorf("Path = %q, want %q", issues[0].Path, want)
			}
		})
	}
}

func TestWebhookURLNotQuoted(t *testing.T) {
	data := readFixture(t, "invalid/webhook-http.yaml") + "        secret: ${ALERT_WEBHOOK_SECRET}\n"
	_, err := Parse("textback.yaml", []byte(data), lookupTestEnv)
	if err == nil {
		t.Fatal("Parse error = nil, want an error for the http URL")
	}
	for _, leaked := range []string{"T000/B000/XXXX", testEnv["ALERT_WEBHOOK_SECRET"]} {
		if strings.Contains(err.Error(), leaked) {
			t.Errorf("error %q contains the secret %q", err, leaked)
		}
	}
}

func TestWebhookLoopbackHTTP(t *testing.T) {
	for _, host := range []string{"127.0.0.1:8099", "localhost", "LOCALHOST:80"} {
		t.Run(host, func(t *testing.T) {
			data := strings.Replace(readFixture(t, "invalid/webhook-http.yaml"), "hooks.example.com", host, 1)
			f, err := Parse("textback.yaml", []byte(data), lookupTestEnv)
			if err != nil {
				t.Fatalf("Parse error = %v, want http allowed for %s", err, host)
			}
			if got := f.Businesses[0].Settings.Alerts.Webhook.URL; !strings.Contains(got, host) {
				t.Errorf("Webhook.URL = %q, want the URL with %s", got, host)
			}
		})
	}
}
