package manifest

import (
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // time_zone checks need the same zone database on every machine

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/msgtemplate"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/segment"
	"github.com/textback/textback/internal/store"
)

// testEnv is the environment the fixtures expect.
var testEnv = map[string]string{
	"TWILIO_AUTH_TOKEN":    "0123456789abcdef0123456789abcdef",
	"TWILIO_ACCOUNT_SID":   "AC0123456789abcdef0123456789ABCDEF",
	"VISIT_PRICE":          "89",
	"ALERT_WEBHOOK_SECRET": "whsec0123456789",
	"TELNYX_API_KEY":       "KEY0123456789ABCDEF0123456789ABCDEF_abcdefghijklmnopqrstuv",
	// TELNYX_PUBLIC_KEY is the bytes 1 to 32 in base64.
	"TELNYX_PUBLIC_KEY":      "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=",
	"SIGNALWIRE_API_TOKEN":   "PT0123456789abcdef0123456789abcdef0123456789abcdef",
	"SIGNALWIRE_SIGNING_KEY": "PSK_0123456789abcdef01234567",
	"PBX_SECRET":             "pbx_secret_example_0001",
}

func lookupTestEnv(name string) (string, bool) {
	value, ok := testEnv[name]
	return value, ok
}

func mustLoad(t *testing.T, path string) *File {
	t.Helper()
	f, err := Load(path, lookupTestEnv)
	if err != nil {
		t.Fatalf("Load(%q) error:\n%v", path, err)
	}
	return f
}

func mustDay(t *testing.T, s string) []hours.Range {
	t.Helper()
	ranges, err := hours.ParseDay(s)
	if err != nil {
		t.Fatalf("ParseDay(%q) error = %v", s, err)
	}
	return ranges
}

func TestLoadExample(t *testing.T) {
	f := mustLoad(t, "testdata/example.yaml")

	if f.Name != "testdata/example.yaml" {
		t.Errorf("Name = %q, want the path", f.Name)
	}
	if len(f.Warnings) != 0 {
		t.Errorf("Warnings = %v, want none", f.Warnings)
	}

	wantProviders := []Provider{{
		Name:       "twilio-main",
		Kind:       KindTwilio,
		AccountSID: "AC00000000000000000000000000000001",
		AuthToken:  testEnv["TWILIO_AUTH_TOKEN"],
		APIBaseURL: "https://api.twilio.com",
		Line:       2,
	}}
	if !slices.Equal(f.Providers, wantProviders) {
		t.Errorf("Providers = %+v, want %+v", f.Providers, wantProviders)
	}

	if len(f.Businesses) != 1 {
		t.Fatalf("got %d businesses, want 1", len(f.Businesses))
	}
	b := f.Businesses[0]
	checks := []struct {
		field     string
		got, want any
	}{
		{"Slug", b.Slug, "acme-plumbing"},
		{"Name", b.Name, "Acme Plumbing"},
		{"TimeZone", b.TimeZone, "America/Chicago"},
		{"Region", b.Region, "US"},
		{"RepName", b.RepName, "Dana"},
		{"BookingURL", b.BookingURL, "https://example.com/book/acme"},
		{"Line", b.Line, 8},
		{"TextBack.Enabled", b.TextBack.Enabled, true},
		{"TextBack.Window", b.TextBack.Window, 24 * time.Hour},
		{"TextBack.Template", b.TextBack.Template, msgtemplate.DefaultTextBack},
		{"TextBack.AfterHoursTemplate", b.TextBack.AfterHoursTemplate, msgtemplate.DefaultAfterHours},
		{"TextBack.MissedCallMessage", b.TextBack.MissedCallMessage, msgtemplate.DefaultMissedCallMessage},
		{"TextBack.ScreenPrompt", b.TextBack.ScreenPrompt, msgtemplate.DefaultScreenPrompt},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.field, c.got, c.want)
		}
	}

	wantHours := map[time.Weekday]string{
		time.Sunday:    "closed",
		time.Monday:    "08:00-18:00",
		time.Tuesday:   "08:00-18:00",
		time.Wednesday: "08:00-18:00",
		time.Thursday:  "08:00-18:00",
		time.Friday:    "08:00-17:00",
		time.Saturday:  "09:00-12:00",
	}
	for day, want := range wantHours {
		if !slices.Equal(b.Hours[day], mustDay(t, want)) {
			t.Errorf("Hours[%s] = %v, want %s", day, b.Hours[day], want)
		}
	}

	wantNumbers := []Number{{
		E164:        "+13125550199",
		Provider:    "twilio-main",
		Mode:        store.ModeDial,
		ForwardTo:   "+13125550100",
		RingSeconds: 18,
		AnswerCheck: provider.AnswerCheckMachine,
		Line:        21,
	}}
	if !slices.Equal(b.Numbers, wantNumbers) {
		t.Errorf("Numbers = %+v, want %+v", b.Numbers, wantNumbers)
	}
}

func TestExampleTemplateReports(t *testing.T) {
	b := mustLoad(t, "testdata/example.yaml").Businesses[0]

	// The texts as sent for a first text to a caller. Every character is in the GSM-7 basic table, so the
	// units are their lengths.
	textBack := "Hi Alexandra, this is Dana at Acme Plumbing. Sorry we missed your call! How can we help? " +
		"Book online: https://example.com/book/acme Reply STOP to opt out."
	afterHours := "Hi Alexandra, this is Dana at Acme Plumbing. Sorry we missed your call. We're closed right now " +
		"and open again Saturday at 10:30 AM. How can we help? Book online: https://example.com/book/acme " +
		"Reply STOP to opt out."
	help := "Acme Plumbing: reply with your question and we'll get back to you. Reply STOP to opt out."
	optOut := "You're unsubscribed from Acme Plumbing texts and won't get more. Reply START to resubscribe. " +
		"Reply STOP to opt out."
	optIn := "You're subscribed again to Acme Plumbing texts. Reply STOP to opt out."
	urgent := "Thanks, we've flagged this as urgent. Someone will call you shortly. Reply STOP to opt out."
	call := "Sure. What's a good time to call you? Reply STOP to opt out."
	// Follow-ups come after the text back, so the report leaves out the opt-out line.
	followUp1 := "Hi again from Acme Plumbing. We're sorry we missed you earlier. Reply here with what you need " +
		"and we'll get back to you. Or book a time: https://example.com/book/acme"
	followUp2 := "Last note from Acme Plumbing: if you still need help, just reply to this text. You can also " +
		"book here: https://example.com/book/acme"
	// The business has calendars, so the texts about bookings are reported with a sample slot and
	// address.
	confirmation := "You're booked with Acme Plumbing for Tue Mar 11, 3:00 PM CDT at 1200 W Washington Blvd, " +
		"Chicago, IL. Reply RESCHEDULE to change the time, or CANCEL APPOINTMENT to cancel."
	reminder := "Reminder: your appointment with Acme Plumbing is Tue Mar 11, 3:00 PM CDT at 1200 W Washington " +
		"Blvd, Chicago, IL. Reply RESCHEDULE to change the time, or CANCEL APPOINTMENT to cancel."
	cancellation := "Your appointment with Acme Plumbing for Tue Mar 11, 3:00 PM CDT is cancelled. Reply BOOK any " +
		"time to book again."
	want := []TemplateReport{
		{Name: "text_back", Encoding: segment.GSM7, Segments: 1, Units: len(textBack)},
		{Name: "after_hours", Encoding: segment.GSM7, Segments: 2, Units: len(afterHours)},
		{Name: "help_text", Encoding: segment.GSM7, Segments: 1, Units: len(help)},
		{Name: "opt_out_reply", Encoding: segment.GSM7, Segments: 1, Units: len(optOut)},
		{Name: "opt_in_reply", Encoding: segment.GSM7, Segments: 1, Units: len(optIn)},
		{Name: "keyword URGENT reply", Encoding: segment.GSM7, Segments: 1, Units: len(urgent)},
		{Name: "keyword CALL reply", Encoding: segment.GSM7, Segments: 1, Units: len(call)},
		{Name: "follow_up 1", Encoding: segment.GSM7, Segments: 2, Units: len(followUp1)},
		{Name: "follow_up 2", Encoding: segment.GSM7, Segments: 1, Units: len(followUp2)},
		{Name: "booking confirmation", Encoding: segment.GSM7, Segments: 2, Units: len(confirmation)},
		{Name: "booking reminder", Encoding: segment.GSM7, Segments: 2, Units: len(reminder)},
		{Name: "booking cancellation", Encoding: segment.GSM7, Segments: 1, Units: len(cancellation)},
	}
	if len(b.Templates) != len(want) {
		t.Fatalf("Templates = %+v, want %d reports", b.Templates, len(want))
	}
	for i, w := range want {
		got := b.Templates[i]
		if got.Name != w.Name || got.Encoding != w.Encoding || got.Segments != w.Segments || got.Units != w.Units {
			t.Errorf("Templates[%d] = %+v, want %+v", i, got, w)
		}
		if len(got.NonGSM) != 0 {
			t.Errorf("Templates[%d].NonGSM = %v, want none", i, got.NonGSM)
		}
	}
}

func TestParseDefaults(t *testing.T) {
	f := mustLoad(t, "testdata/valid/defaults.yaml")
	p := f.Providers[0]
	if p.Kind != KindSandbox || p.AccountSID != "" || p.AuthToken != "" || p.APIBaseURL != "" {
		t.Errorf("sandbox provider = %+v, want kind sandbox and no account", p)
	}

	b := f.Businesses[0]
	if b.Region != "GB" {
		t.Errorf("Region = %q, want GB from gb", b.Region)
	}
	if !slices.Equal(b.Hours[time.Monday], mustDay(t, "09:00-12:00, 13:00-17:00")) {
		t.Errorf("Hours[Monday] from key monday = %v, want two ranges", b.Hours[time.Monday])
	}
	if len(b.Hours[time.Saturday]) != 0 {
		t.Errorf("Hours[Saturday] = %v, want closed", b.Hours[time.Saturday])
	}

	n := b.Numbers[0]
	if n.E164 != "+442079460123" {
		t.Errorf("E164 = %q, want the national number read in region GB", n.E164)
	}
	if n.ForwardTo != "+442079460999" {
		t.Errorf("ForwardTo = %q, want +442079460999", n.ForwardTo)
	}
	if n.Mode != store.ModeDial {
		t.Errorf("Mode = %q, want dial", n.Mode)
	}
	if n.RingSeconds != 18 {
		t.Errorf("RingSeconds = %d, want 18", n.RingSeconds)
	}
	if n.AnswerCheck != provider.AnswerCheckMachine {
		t.Errorf("AnswerCheck = %q, want machine", n.AnswerCheck)
	}

	tb := b.TextBack
	if !tb.Enabled {
		t.Error("TextBack.Enabled = false, want true by default")
	}
	if tb.Window != 24*time.Hour {
		t.Errorf("TextBack.Window = %v, want 24h by default", tb.Window)
	}
	if tb.Template != msgtemplate.DefaultTextBack {
		t.Errorf("TextBack.Template = %q, want the default", tb.Template)
	}
	if tb.AfterHoursTemplate != msgtemplate.DefaultAfterHours {
		t.Errorf("TextBack.AfterHoursTemplate = %q, want the default", tb.AfterHoursTemplate)
	}
	if len(b.Templates) != 9 {
		t.Errorf("Templates = %+v, want reports for the 9 default SMS templates", b.Templates)
	}
}

func TestParseVariants(t *testing.T) {
	f := mustLoad(t, "testdata/valid/variants.yaml")
	if len(f.Warnings) != 0 {
		t.Errorf("Warnings = %v, want none", f.Warnings)
	}

	twilio, sandbox := f.Providers[0], f.Providers[1]
	if twilio.AccountSID != testEnv["TWILIO_ACCOUNT_SID"] {
		t.Errorf("AccountSID = %q, want the value from the environment", twilio.AccountSID)
	}
	if twilio.APIBaseURL != "http://127.0.0.1:8099/twilio" {
		t.Errorf("APIBaseURL = %q, want the local URL", twilio.APIBaseURL)
	}
	if sandbox.AccountSID != "ACffffffffffffffffffffffffffffffff" {
		t.Errorf("sandbox AccountSID = %q, want the one given", sandbox.AccountSID)
	}

	plumbing, heating := f.Businesses[0], f.Businesses[1]
	if plumbing.RepName != "" {
		t.Errorf("RepName from an empty key = %q, want empty", plumbing.RepName)
	}
	for _, day := range []time.Weekday{time.Monday, time.Wednesday, time.Friday} {
		if !slices.Equal(heating.Hours[day], mustDay(t, "08:00-18:00")) {
			t.Errorf("Hours[%s] through an alias = %v, want 08:00-18:00", day, heating.Hours[day])
		}
	}

	forwarded := plumbing.Numbers[0]
	wantForwarded := Number{E164: "+13125550199", Provider: "twilio-main", Mode: store.ModeForwarded,
		AnswerCheck: provider.AnswerCheckMachine, Line: 23}
	if forwarded != wantForwarded {
		t.Errorf("forwarded number = %+v, want %+v", forwarded, wantForwarded)
	}
	dial := plumbing.Numbers[1]
	wantDial := Number{E164: "+13125550198", Provider: "sandbox", Mode: store.ModeDial, ForwardTo: "+13125550100",
		RingSeconds: 20, AnswerCheck: provider.AnswerCheckScreen, Line: 26}
	if dial != wantDial {
		t.Errorf("dial number = %+v, want %+v", dial, wantDial)
	}
	if got := heating.Numbers[0].AnswerCheck; got != provider.AnswerCheckNone {
		t.Errorf("AnswerCheck = %q, want none", got)
	}

	tb := plumbing.TextBack
	if tb.Enabled {
		t.Error("TextBack.Enabled = true, want false as set")
	}
	if tb.Window != 48*time.Hour {
		t.Errorf("TextBack.Window from 2d = %v, want 48h", tb.Window)
	}
	want := "Hi[ {first_name}], {business} here. A visit costs $89, $20 off today. Reply here."
	if tb.Template != want {
		t.Errorf("TextBack.Template = %q, want %q with $$ and ${VISIT_PRICE} expanded", tb.Template, want)
	}
	if want := "Sorry, {business} missed your call."; tb.MissedCallMessage != want {
		t.Errorf("TextBack.MissedCallMessage = %q, want %q", tb.MissedCallMessage, want)
	}
	if want := "Call for {business}. Press 1."; tb.ScreenPrompt != want {
		t.Errorf("TextBack.ScreenPrompt = %q, want %q", tb.ScreenPrompt, want)
	}
	if heating.TextBack.Window != 90*time.Minute {
		t.Errorf("TextBack.Window from 90m = %v, want 1h30m", heating.TextBack.Window)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("testdata/no-such-file.yaml", lookupTestEnv)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load of a missing file error = %v, want it to wrap fs.ErrNotExist", err)
	}
}

func TestParseUsesProcessEnvironment(t *testing.T) {
	data, err := os.ReadFile("testdata/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("TWILIO_AUTH_TOKEN", "fromTheProcess1")
	f, err := Parse("textback.yaml", data, nil)
	if err != nil {
		t.Fatalf("Parse with nil lookupEnv error:\n%v", err)
	}
	if got := f.Providers[0].AuthToken; got != "fromTheProcess1" {
		t.Errorf("AuthToken = %q, want the value of the process environment", got)
	}
}

func TestEmptyEnvironmentValue(t *testing.T) {
	data, err := os.ReadFile("testdata/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	empty := func(string) (string, bool) { return "", true }
	_, err = Parse("textback.yaml", data, empty)
	var issues Errors
	if !errors.As(err, &issues) || len(issues) != 1 {
		t.Fatalf("Parse with an empty TWILIO_AUTH_TOKEN error = %v, want one issue", err)
	}
	if want := "could not be verified"; !strings.Contains(issues[0].Message, want) {
		t.Errorf("message = %q, want it to contain %q", issues[0].Message, want)
	}
}

func TestSecretsNotQuoted(t *testing.T) {
	data, err := os.ReadFile("testdata/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const secret = "s3cret token"
	src := strings.Replace(string(data), "https://api.twilio.com", "https://user:hunter2@api.twilio.com/?x=1", 1)
	_, err = Parse("textback.yaml", []byte(src), func(string) (string, bool) { return secret, true })
	if err == nil {
		t.Fatal("Parse error = nil, want errors for the token and the URL")
	}
	for _, leaked := range []string{secret, "hunter2"} {
		if strings.Contains(err.Error(), leaked) {
			t.Errorf("error %q contains the secret %q", err, leaked)
		}
	}
}
