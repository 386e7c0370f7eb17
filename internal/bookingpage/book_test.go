package bookingpage_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/textback/textback/internal/bookingpage"
	"github.com/textback/textback/internal/store"
)

// manyTries lifts the rate limits for tests that submit often from one address.
var manyTries = bookingpage.Options{
	PerAddress: bookingpage.Limit{Burst: 1000, Every: time.Second},
	PerPhone:   bookingpage.Limit{Burst: 1000, Every: time.Second},
}

// summary returns the page's confirmation as "term: value" lines.
func summary(r response) []string {
	var out []string
	for _, dt := range find(r.doc, byTag("dt")) {
		dd := dt.NextSibling
		for dd != nil && dd.Type != html.ElementNode {
			dd = dd.NextSibling
		}
		out = append(out, text(dt)+": "+text(dd))
	}
	return out
}

// fieldError returns the error shown for the field with id, or "".
func fieldError(r response, id string) string {
	nodes := find(r.doc, byID(id+"-error"))
	if len(nodes) == 0 {
		return ""
	}
	return text(nodes[0])
}

func TestBookSlot(t *testing.T) {
	eachStore(t, bookingpage.Options{}, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		start := chicagoAt(t, 3, 9, 9, 0)
		form := f.form(f.repairs, start)
		r := f.post(pagePath, form)
		if r.status != http.StatusOK {
			t.Fatalf("status = %d, want 200:\n%s", r.status, text(r.doc))
		}
		if got := heading(r); got != "You're booked" {
			t.Errorf("h1 = %q", got)
		}
		want := []string{
			"When: Monday, March 9, 2026 at 9:00 AM CDT", "Where: 100 Main St, Chicago, IL", "Name: Alex Doe",
			"Phone: (202) 555-0143",
		}
		if got := summary(r); !slices.Equal(got, want) {
			t.Errorf("confirmation = %v\nwant %v", got, want)
		}
		if !strings.Contains(text(r.doc), "To change or cancel, call or text (312) 555-0199.") {
			t.Errorf("confirmation does not say how to change the booking:\n%s", text(r.doc))
		}
		if got := r.header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control = %q, want no-store", got)
		}

		contact, err := f.s.GetContactByE164(ctx, f.business.ID, leadE164)
		if err != nil {
			t.Fatalf("contact not created from the phone: %v", err)
		}
		rows, err := f.s.ListContactBookings(ctx, f.business.ID, contact.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 {
			t.Fatalf("contact has %d bookings, want 1", len(rows))
		}
		b := rows[0]
		checks := []struct {
			field     string
			got, want any
		}{
			{"State", b.State, store.BookingBooked},
			{"Source", b.Source, store.BookingSourcePage},
			{"CalendarID", b.CalendarID, f.repairs.ID},
			{"Start", b.Start, start},
			{"End", b.End, start.Add(time.Hour)},
			{"Name", b.Name, "Alex Doe"},
			{"Email", b.Email, "alex@example.com"},
			{"Notes", b.Notes, "The kitchen sink leaks."},
			{"IdempotencyKey", b.IdempotencyKey, "page:" + form.Get("key")},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("booking %s = %v, want %v", c.field, c.got, c.want)
			}
		}
		if slices.Contains(slotValues(f.get(pagePath)), slotValue(f.repairs, start)) {
			t.Error("the booked slot is still listed")
		}
	})
}

// The calendar's name is on the confirmation when the business has several.
func TestBookConfirmationNamesCalendar(t *testing.T) {
	eachStore(t, bookingpage.Options{}, func(t *testing.T, f *fixture) {
		installs := f.repairs
		installs.ID, installs.Slug, installs.Name, installs.Address = 0, "installs", "Installs", ""
		installs, err := f.s.UpsertCalendar(context.Background(), installs)
		if err != nil {
			t.Fatal(err)
		}
		form := f.form(installs, chicagoAt(t, 3, 9, 13, 0))
		form.Del("email")
		form.Del("notes")
		r := f.post(pagePath, form)
		want := []string{
			"When: Monday, March 9, 2026 at 1:00 PM CDT", "With: Installs", "Name: Alex Doe", "Phone: (202) 555-0143",
		}
		if got := summary(r); r.status != http.StatusOK || !slices.Equal(got, want) {
			t.Errorf("status %d, confirmation = %v\nwant %v", r.status, got, want)
		}
	})
}

// A submit sent twice, one after the other or at once, books once and confirms both times.
func TestBookSameFormTwice(t *testing.T) {
	eachStore(t, bookingpage.Options{}, func(t *testing.T, f *fixture) {
		form := f.form(f.repairs, chicagoAt(t, 3, 9, 10, 0))
		first := f.post(pagePath, form)
		second := f.post(pagePath, form)
		for i, r := range []response{first, second} {
			if r.status != http.StatusOK || heading(r) != "You're booked" {
				t.Errorf("submit %d: status %d, h1 %q, want the confirmation", i+1, r.status, heading(r))
			}
		}
		if n := len(f.bookingsOf(f.repairs)); n != 1 {
			t.Errorf("calendar has %d bookings, want 1", n)
		}

		// A double click: two submissions of one form at the same moment.
		form = f.form(f.repairs, chicagoAt(t, 3, 9, 11, 0))
		var wg sync.WaitGroup
		statuses := make([]int, 2)
		for i := range statuses {
			wg.Go(func() { statuses[i] = f.post(pagePath, form).status })
		}
		wg.Wait()
		if !slices.Equal(statuses, []int{http.StatusOK, http.StatusOK}) {
			t.Errorf("statuses of a double click = %v, want both 200", statuses)
		}
		if n := len(f.bookingsOf(f.repairs)); n != 2 {
			t.Errorf("calendar has %d bookings after the double click, want 2", n)
		}
	})
}

// Of many leads who submit one slot at once, one books it and the others get the form again with
// what they typed, a notice and the slot gone from the list.
func TestBookRaceForSlot(t *testing.T) {
	eachStore(t, manyTries, func(t *testing.T, f *fixture) {
		start := chicagoAt(t, 3, 10, 9, 0)
		const leads = 16
		forms := make([]url.Values, leads)
		for i := range forms {
			forms[i] = f.form(f.repairs, start)
			forms[i].Set("phone", fmt.Sprintf("+120255501%02d", 50+i))
		}
		responses := make([]response, leads)
		var wg sync.WaitGroup
		for i := range forms {
			wg.Go(func() { responses[i] = f.post(pagePath, forms[i]) })
		}
		wg.Wait()

		booked := 0
		for i, r := range responses {
			switch r.status {
			case http.StatusOK:
				booked++
			case http.StatusConflict:
				if got := notice(r); !strings.HasPrefix(got, "That time was just taken. Pick another time.") {
					t.Errorf("lead %d notice = %q", i, got)
				}
				if slices.Contains(slotValues(r), slotValue(f.repairs, start)) {
					t.Errorf("lead %d: the taken slot is still listed", i)
				}
				if checkedSlot(r) != "" {
					t.Errorf("lead %d: slot %q is checked, want none", i, checkedSlot(r))
				}
				if got := attr(input(t, r, "phone"), "value"); got != forms[i].Get("phone") {
					t.Errorf("lead %d: phone = %q, want what they typed", i, got)
				}
				if got := formKey(t, r); got != forms[i].Get("key") {
					t.Errorf("lead %d: key = %q, want the unused key %q kept", i, got, forms[i].Get("key"))
				}
			default:
				t.Errorf("lead %d: status %d:\n%s", i, r.status, text(r.doc))
			}
		}
		if booked != 1 {
			t.Errorf("%d leads booked the slot, want exactly 1", booked)
		}
		if n := len(f.bookingsOf(f.repairs)); n != 1 {
			t.Errorf("calendar has %d bookings, want 1", n)
		}
	})
}

func TestBookInvalidFields(t *testing.T) {
	tests := []struct {
		name   string
		change func(url.Values)
		field  string
		want   string
	}{
		{"missing name", func(v url.Values) { v.Del("name") }, "name", "Enter your name."},
		{"long name", func(v url.Values) { v.Set("name", strings.Repeat("a", 101)) }, "name",
			"Shorten your name to 100 characters or fewer."},
		{"control character", func(v url.Values) { v.Set("name", "Alex\x00Doe") }, "name",
			"Remove the unusual characters from your name."},
		{"missing phone", func(v url.Values) { v.Set("phone", " ") }, "phone", "Enter your phone number."},
		{"short phone", func(v url.Values) { v.Set("phone", "555-0143") }, "phone",
			"Enter a phone number that can receive texts, with its area code, such as (312) 555-0123."},
		{"letters", func(v url.Values) { v.Set("phone", "call me") }, "phone", "Enter a phone number that can"},
		{"extension", func(v url.Values) { v.Set("phone", "(202) 555-0143 ext. 12") }, "phone",
			"Enter a phone number that can"},
		{"email", func(v url.Values) { v.Set("email", "alex@") }, "email",
			"Enter an email address such as name@example.com, or leave it empty."},
		{"email with name", func(v url.Values) { v.Set("email", "Alex <alex@example.com>") }, "email",
			"Enter an email address"},
		{"long notes", func(v url.Values) { v.Set("notes", strings.Repeat("é", 501)) }, "notes",
			"Shorten your notes to 500 characters or fewer."},
		{"line break in name", func(v url.Values) { v.Set("name", "Alex\nDoe") }, "name",
			"Remove the unusual characters from your name."},
		{"script in name", func(v url.Values) { v.Set("name", "<script>alert(1)</script>") }, "name",
			"Remove the < and > signs from your name."},
		{"tag in notes", func(v url.Values) { v.Set("notes", "Leak <img src=x onerror=alert(1)>") }, "notes",
			"Remove the < and > signs from your notes."},
		{"email with brackets", func(v url.Values) { v.Set("email", "<alex@example.com>") }, "email",
			"Enter an email address"},
		{"missing slot", func(v url.Values) { v.Del("slot") }, "slot", "Pick a time."},
		{"unknown calendar", func(v url.Values) { v.Set("slot", "vans/1773072000") }, "slot", "Pick a time."},
		{"malformed slot", func(v url.Values) { v.Set("slot", "repairs/9am") }, "slot", "Pick a time."},
		{"missing key", func(v url.Values) { v.Del("key") }, "slot", "This form has expired. Pick a time again."},
		{"forged key", func(v url.Values) { v.Set("key", "sms:SM123") }, "slot", "This form has expired."},
	}
	eachStore(t, manyTries, func(t *testing.T, f *fixture) {
		start := chicagoAt(t, 3, 9, 9, 0)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				form := f.form(f.repairs, start)
				tt.change(form)
				r := f.post(pagePath, form)
				if r.status != http.StatusUnprocessableEntity {
					t.Fatalf("status = %d, want 422:\n%s", r.status, text(r.doc))
				}
				if got := fieldError(r, tt.field); !strings.HasPrefix(got, tt.want) {
					t.Errorf("%s error = %q, want %q", tt.field, got, tt.want)
				}
				summaryLinks := find(r.doc, func(n *html.Node) bool {
					return n.Data == "a" && strings.HasPrefix(attr(n, "href"), "#")
				})
				if len(summaryLinks) != 1 {
					t.Errorf("error summary has %d links, want 1", len(summaryLinks))
				}
				if tt.field != "slot" {
					if got := attr(input(t, r, tt.field), "aria-invalid"); got != "true" {
						t.Errorf("%s aria-invalid = %q, want true", tt.field, got)
					}
					if got := checkedSlot(r); got != form.Get("slot") {
						t.Errorf("checked slot = %q, want the one picked, %q", got, form.Get("slot"))
					}
				}
				if key := formKey(t, r); !keyPattern.MatchString(key) {
					t.Errorf("key = %q, want a valid key", key)
				}
				if got := attr(input(t, r, "name"), "value"); tt.field != "name" && got != form.Get("name") {
					t.Errorf("name = %q, want what was typed", got)
				}
				if strings.Contains(r.body, "<script") || strings.Contains(r.body, "<img") {
					t.Error("page repeats the typed markup unescaped")
				}
				if n := len(f.bookingsOf(f.repairs)); n != 0 {
					t.Errorf("calendar has %d bookings, want none", n)
				}
			})
		}
		if _, err := f.s.GetContactByE164(context.Background(), f.business.ID, leadE164); err == nil {
			t.Error("an invalid form created the contact")
		}
	})
}

// An invalid phone is read in the business's region, and the form comes back with every field as
// it was typed.
func TestBookInvalidPhoneKeepsInput(t *testing.T) {
	eachStore(t, bookingpage.Options{}, func(t *testing.T, f *fixture) {
		form := f.form(f.repairs, chicagoAt(t, 3, 9, 9, 0))
		form.Set("phone", "202-555-01")
		r := f.post(pagePath, form)
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("status = %d, want 422", r.status)
		}
		for _, name := range []string{"name", "phone", "email", "key"} {
			if got := attr(input(t, r, name), "value"); got != form.Get(name) {
				t.Errorf("%s = %q, want %q", name, got, form.Get(name))
			}
		}
		if got := text(input(t, r, "notes")); got != form.Get("notes") {
			t.Errorf("notes = %q, want %q", got, form.Get("notes"))
		}
		if got := attr(input(t, r, "phone"), "aria-describedby"); got != "phone-hint phone-error" {
			t.Errorf("phone aria-describedby = %q", got)
		}

		// A number without a country code in another region is read there.
		f.business.Region = "GB"
		if _, err := f.s.UpsertBusiness(context.Background(), f.business); err != nil {
			t.Fatal(err)
		}
		form.Set("phone", "07400 123456")
		if r := f.post(pagePath, form); r.status != http.StatusOK {
			t.Fatalf("UK mobile in a GB business: status %d:\n%s", r.status, text(r.doc))
		}
		if _, err := f.s.GetContactByE164(context.Background(), f.business.ID, "+447400123456"); err != nil {
			t.Errorf("contact +447400123456 not created: %v", err)
		}
	})
}

// A slot that is not on the calendar's grid, or no longer far enough ahead, gives the form again.
func TestBookTimeNotOffered(t *testing.T) {
	eachStore(t, manyTries, func(t *testing.T, f *fixture) {
		for _, start := range []time.Time{
			chicagoAt(t, 3, 9, 9, 30), // off the hourly grid
			chicagoAt(t, 3, 7, 10, 0), // a Saturday
			chicagoAt(t, 3, 5, 10, 0), // now, inside the hour's notice
		} {
			r := f.post(pagePath, f.form(f.repairs, start))
			if r.status != http.StatusConflict {
				t.Errorf("%s: status = %d, want 409", start, r.status)
			}
			if got := notice(r); got != "That time is no longer available. Pick another time." {
				t.Errorf("%s: notice = %q", start, got)
			}
		}
		if n := len(f.bookingsOf(f.repairs)); n != 0 {
			t.Errorf("calendar has %d bookings, want none", n)
		}
	})
}

// A form already used, submitted again for another slot or after its booking was cancelled, comes
// back with a notice and a new key instead of a confirmation of the old booking.
func TestBookUsedForm(t *testing.T) {
	eachStore(t, manyTries, func(t *testing.T, f *fixture) {
		first := chicagoAt(t, 3, 9, 9, 0)
		form := f.form(f.repairs, first)
		if r := f.post(pagePath, form); r.status != http.StatusOK {
			t.Fatalf("first submit: status %d", r.status)
		}

		form.Set("slot", slotValue(f.repairs, chicagoAt(t, 3, 9, 14, 0)))
		r := f.post(pagePath, form)
		if r.status != http.StatusConflict {
			t.Errorf("another slot with a used key: status %d, want 409", r.status)
		}
		if got := notice(r); got != "This form was already used for another booking. Pick a time and send it again." {
			t.Errorf("notice = %q", got)
		}
		if key := formKey(t, r); key == form.Get("key") || !keyPattern.MatchString(key) {
			t.Errorf("key = %q, want a new one", key)
		}

		form.Set("slot", slotValue(f.repairs, first))
		rows := f.bookingsOf(f.repairs)
		if _, _, err := f.bookings.Cancel(context.Background(), f.business.ID, rows[0].ID); err != nil {
			t.Fatal(err)
		}
		r = f.post(pagePath, form)
		if got := notice(r); r.status != http.StatusConflict || got != "That booking was cancelled. Pick a time and send the form again." {
			t.Errorf("resubmit after cancelling: status %d, notice %q", r.status, got)
		}
		if n := len(f.bookingsOf(f.repairs)); n != 0 {
			t.Errorf("calendar has %d live bookings, want none", n)
		}
	})
}

func TestBookCrossOrigin(t *testing.T) {
	eachStore(t, manyTries, func(t *testing.T, f *fixture) {
		tests := []struct {
			name    string
			headers map[string]string
			status  int
		}{
			{"other site", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
			{"same site, other origin", map[string]string{"Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
			{"other origin without fetch metadata", map[string]string{"Origin": "https://attacker.example"},
				http.StatusForbidden},
			// What a browser without Sec-Fetch-Site sends under Referrer-Policy: no-referrer.
			{"null origin without fetch metadata", map[string]string{"Origin": "null"}, http.StatusForbidden},
			{"same origin", map[string]string{"Sec-Fetch-Site": "same-origin"}, http.StatusOK},
			{"public origin without fetch metadata", map[string]string{"Origin": publicURL}, http.StatusOK},
			{"no browser headers", map[string]string{}, http.StatusOK},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				form := f.form(f.repairs, chicagoAt(t, 3, 9, 9+i, 0))
				req := postRequest(pagePath, form)
				req.Header.Del("Sec-Fetch-Site")
				for k, v := range tt.headers {
					req.Header.Set(k, v)
				}
				r := f.serve(req)
				if r.status != tt.status {
					t.Fatalf("status = %d, want %d:\n%s", r.status, tt.status, text(r.doc))
				}
				if tt.status == http.StatusForbidden && heading(r) != "This form can't be sent from here" {
					t.Errorf("h1 = %q", heading(r))
				}
			})
		}
		if n := len(f.bookingsOf(f.repairs)); n != 3 {
			t.Errorf("calendar has %d bookings, want 3, one for each accepted request", n)
		}
	})
}

func TestBookBodyLimits(t *testing.T) {
	eachStore(t, manyTries, func(t *testing.T, f *fixture) {
		form := f.form(f.repairs, chicagoAt(t, 3, 9, 9, 0))
		form.Set("notes", strings.Repeat("x", 17<<10))
		r := f.post(pagePath, form)
		if r.status != http.StatusRequestEntityTooLarge {
			t.Errorf("large form: status %d, want 413", r.status)
		}
		if got := heading(r); got != "That form was too long" {
			t.Errorf("large form: h1 = %q", got)
		}
		back := find(r.doc, func(n *html.Node) bool { return n.Data == "a" && text(n) == "Back to the booking page" })
		if len(back) != 1 || attr(back[0], "href") != "acme-plumbing" {
			t.Error("large form: no link back to the booking page")
		}

		req := httptest.NewRequest(http.MethodPost, pagePath, strings.NewReader("name=%zz"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if r := f.serve(req); r.status != http.StatusBadRequest || heading(r) != "We couldn't read that form" {
			t.Errorf("malformed form: status %d, h1 %q, want 400", r.status, heading(r))
		}
		if n := len(f.bookingsOf(f.repairs)); n != 0 {
			t.Errorf("calendar has %d bookings, want none", n)
		}
	})
}

func TestBookRateLimitPerAddress(t *testing.T) {
	opts := bookingpage.Options{PerAddress: bookingpage.Limit{Burst: 2, Every: time.Hour}}
	eachStore(t, opts, func(t *testing.T, f *fixture) {
		for i := range 2 {
			form := f.form(f.repairs, chicagoAt(t, 3, 9, 9, 0))
			form.Del("name")
			if r := f.post(pagePath, form); r.status != http.StatusUnprocessableEntity {
				t.Fatalf("submit %d: status %d, want 422 (invalid forms count too)", i+1, r.status)
			}
		}
		r := f.post(pagePath, f.form(f.repairs, chicagoAt(t, 3, 9, 9, 0)))
		if r.status != http.StatusTooManyRequests {
			t.Fatalf("third submit: status %d, want 429", r.status)
		}
		if got := r.header.Get("Retry-After"); got != "3601" {
			t.Errorf("Retry-After = %q, want 3601", got)
		}
		if !strings.Contains(text(r.doc), "Please wait 60 minutes, then try again.") {
			t.Errorf("page does not say how long to wait:\n%s", text(r.doc))
		}

		// Another client is not affected.
		req := postRequest(pagePath, f.form(f.repairs, chicagoAt(t, 3, 9, 9, 0)))
		req.RemoteAddr = "198.51.100.7:4000"
		if r := f.serve(req); r.status != http.StatusOK {
			t.Errorf("another address: status %d, want 200", r.status)
		}

		f.clock.Advance(time.Hour)
		if r := f.post(pagePath, f.form(f.repairs, chicagoAt(t, 3, 9, 10, 0))); r.status != http.StatusOK {
			t.Errorf("an hour later: status %d, want 200", r.status)
		}
	})
}

func TestBookRateLimitPerPhone(t *testing.T) {
	opts := bookingpage.Options{PerPhone: bookingpage.Limit{Burst: 1, Every: 10 * time.Minute}}
	eachStore(t, opts, func(t *testing.T, f *fixture) {
		if r := f.post(pagePath, f.form(f.repairs, chicagoAt(t, 3, 9, 9, 0))); r.status != http.StatusOK {
			t.Fatalf("first booking: status %d", r.status)
		}
		// The same number written another way is the same phone.
		form := f.form(f.repairs, chicagoAt(t, 3, 9, 10, 0))
		form.Set("phone", "+1 202 555 0143")
		r := f.post(pagePath, form)
		if r.status != http.StatusTooManyRequests {
			t.Fatalf("second booking for the phone: status %d, want 429", r.status)
		}
		if got := r.header.Get("Retry-After"); got != "601" {
			t.Errorf("Retry-After = %q, want 601", got)
		}
		if !strings.Contains(text(r.doc), "Call or text (312) 555-0199 to book.") {
			t.Errorf("page does not offer the business's number:\n%s", text(r.doc))
		}

		form.Set("phone", "+12025550150")
		if r := f.post(pagePath, form); r.status != http.StatusOK {
			t.Errorf("another phone: status %d, want 200", r.status)
		}
		if n := len(f.bookingsOf(f.repairs)); n != 2 {
			t.Errorf("calendar has %d bookings, want 2", n)
		}
	})
}
