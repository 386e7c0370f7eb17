package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/app"
	"github.com/textback/textback/internal/store"
)

// formFields reads the named fields of the first form on page whose action ends with action, as
// a browser would submit them unchanged.
func formFields(t *testing.T, page string) url.Values {
	t.Helper()
	out := url.Values{}
	input := regexp.MustCompile(`<input ([^>]*)>`)
	attr := func(tag, name string) (string, bool) {
		m := regexp.MustCompile(`\b` + name + `="([^"]*)"`).FindStringSubmatch(tag)
		if m == nil {
			return "", false
		}
		return htmlUnescape(m[1]), true
	}
	for _, m := range input.FindAllStringSubmatch(page, -1) {
		name, ok := attr(m[1], "name")
		if !ok {
			continue
		}
		value, _ := attr(m[1], "value")
		typ, _ := attr(m[1], "type")
		if typ == "checkbox" && !strings.Contains(m[1], " checked") {
			continue
		}
		out.Add(name, value)
	}
	for _, m := range regexp.MustCompile(`(?s)<textarea ([^>]*)>(.*?)</textarea>`).FindAllStringSubmatch(page, -1) {
		if name, ok := attr(m[1], "name"); ok {
			out.Add(name, htmlUnescape(m[2]))
		}
	}
	for _, m := range regexp.MustCompile(`(?s)<select name="([^"]+)">(.*?)</select>`).FindAllStringSubmatch(page, -1) {
		selected := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindStringSubmatch(m[2])
		if selected != nil {
			out.Add(m[1], selected[1])
		}
	}
	return out
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&#43;", "+", "&amp;", "&").Replace(s)
}

func TestSettingsSave(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d, 1)
		ctx := context.Background()
		b := signedIn(t, s, "owner@example.com")
		status, page := b.get(s.url("/dashboard/demo-plumbing/settings"))
		if status != http.StatusOK {
			t.Fatalf("settings page: %d", status)
		}
		form := formFields(t, page)
		if form.Get("hours_mon") != "08:00-18:00" {
			t.Errorf("monday hours in the form = %q, want 08:00-18:00", form.Get("hours_mon"))
		}
		if !strings.Contains(page, "GSM-7") {
			t.Error("settings page shows no segment count")
		}

		// A rejected save changes nothing and says why.
		bad := cloneForm(form)
		bad.Set("hours_tue", "8am-6pm")
		bad["kw_word"][0] = "STOP"
		status, page = b.post(s.url("/dashboard/demo-plumbing/settings"), bad)
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid settings: %d, want 422", status)
		}
		for _, want := range []string{"Not saved", "hours.tue", "conversation.keywords[0].word", "8am-6pm"} {
			if !strings.Contains(page, want) {
				t.Errorf("rejected save page lacks %q", want)
			}
		}
		if biz := s.business(app.DemoSlug); len(biz.Hours[time.Tuesday]) != 1 || biz.Settings.Keywords[0].Word != "URGENT" {
			t.Errorf("a rejected save changed the business: %+v", biz.Hours)
		}

		good := cloneForm(form)
		good.Set("text_back_template", "Sorry {business} missed you. Quotes from $49, save $$10. Reply STOP to opt out.")
		good.Set("hours_sat", "")
		good["kw_word"][1] = "" // remove CALL
		good["kw_word"][2] = "tow"
		good["kw_reply"][2] = "A truck is on its way."
		good["kw_alert"] = append(good["kw_alert"][:2], "high", good["kw_alert"][3])
		good["fu_after"], good["fu_template"] = []string{"", ""}, []string{"", ""}
		status, page = b.post(s.url("/dashboard/demo-plumbing/settings"), good)
		if status != http.StatusOK || !strings.Contains(page, "Settings saved.") {
			t.Fatalf("save: %d\n%s", status, page)
		}
		biz := s.business(app.DemoSlug)
		if biz.TextBack.Template != "Sorry {business} missed you. Quotes from $49, save $$10. Reply STOP to opt out." {
			t.Errorf("stored template %q, want the typed text with $ kept", biz.TextBack.Template)
		}
		if len(biz.Hours[time.Saturday]) != 0 {
			t.Errorf("saturday = %v, want closed", biz.Hours[time.Saturday])
		}
		var words []string
		for _, k := range biz.Settings.Keywords {
			words = append(words, k.Word)
		}
		if strings.Join(words, ",") != "URGENT,TOW" {
			t.Errorf("keywords %v, want URGENT and TOW", words)
		}
		if len(biz.Settings.FollowUps) != 0 || biz.Settings.FollowUps == nil {
			t.Errorf("follow-ups %v, want none", biz.Settings.FollowUps)
		}
		if biz.TextBack.MissedCallMessage == "" || biz.Settings.HelpText == "" {
			t.Error("settings the form does not show were lost")
		}

		// The running server uses the new template at once.
		call := s.missedCall(0, caller)
		msgs, err := s.store.ListMessagesByCall(ctx, call.ID)
		if err != nil || len(msgs) == 0 {
			t.Fatalf("texts of the call: %v %v", msgs, err)
		}
		if !strings.Contains(msgs[0].Body, "Quotes from $49, save $$10") {
			t.Errorf("text back %q does not use the saved template", msgs[0].Body)
		}
	})
}

func TestSettingsOwnersOnly(t *testing.T) {
	s := newSite(t, store.SQLite, 1)
	s.addUser("staff@example.com", store.Membership{BusinessID: s.business(app.DemoSlug).ID, Role: store.RoleStaff})
	b := signedIn(t, s, "staff@example.com")
	if status, _ := b.get(s.url("/dashboard/demo-plumbing/settings")); status != http.StatusForbidden {
		t.Errorf("staff GET settings: %d, want 403", status)
	}
	if status, _ := b.post(s.url("/dashboard/demo-plumbing/settings"), url.Values{"hours_mon": {""}}); status != http.StatusForbidden {
		t.Errorf("staff POST settings: %d, want 403", status)
	}
	if _, inbox := b.get(s.url("/dashboard/demo-plumbing/inbox")); strings.Contains(inbox, "/settings") {
		t.Error("staff see a link to settings")
	}
	if biz := s.business(app.DemoSlug); len(biz.Hours[time.Monday]) != 1 {
		t.Error("a staff member changed the hours")
	}
}

func TestSegmentCount(t *testing.T) {
	s := newSite(t, store.SQLite, 1)
	b := signedIn(t, s, "owner@example.com")
	cases := []struct{ kind, text, want string }{
		{"reply", "Hello there", "11 GSM-7 units · GSM-7 · 1 segment"},
		{"reply", strings.Repeat("a", 161), "161 GSM-7 units · GSM-7 · 2 segments"},
		{"reply", "Hi 😀", "5 characters · UCS-2 · 1 segment"},
		{"template", "Hi from {business}", "21 GSM-7 units · GSM-7 · 1 segment"},
		{"template", "Hi {nosuch}", "Not counted"},
	}
	for _, c := range cases {
		status, body := b.post(s.url("/dashboard/demo-plumbing/segments"), url.Values{"kind": {c.kind}, "text": {c.text}})
		if status != http.StatusOK || !strings.Contains(body, c.want) {
			t.Errorf("count %s %q: %d %q, want %q", c.kind, c.text, status, body, c.want)
		}
	}
}

// The form does not show booking by text, so saving it keeps the business's booking settings.
func TestSettingsSaveKeepsBooking(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d, 1)
		ctx := context.Background()
		b := signedIn(t, s, "owner@example.com")
		biz := s.business(app.DemoSlug)
		biz.Settings.Booking.Enabled = true
		biz.Settings.Booking.Slots = 2
		biz.Settings.Booking.Reminders = []store.Duration{store.Duration(3 * time.Hour)}
		if _, err := s.store.UpsertBusiness(ctx, biz); err != nil {
			t.Fatal(err)
		}
		_, page := b.get(s.url("/dashboard/demo-plumbing/settings"))
		status, page := b.post(s.url("/dashboard/demo-plumbing/settings"), formFields(t, page))
		if status != http.StatusOK || !strings.Contains(page, "Settings saved.") {
			t.Fatalf("save: %d\n%s", status, page)
		}
		got := s.business(app.DemoSlug).Settings.Booking
		if !got.Enabled || got.Slots != 2 || len(got.Reminders) != 1 || got.Reminders[0] != store.Duration(3*time.Hour) {
			t.Errorf("booking settings after saving the form = %+v, want them kept", got)
		}
	})
}
