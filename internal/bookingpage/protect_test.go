package bookingpage_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/textback/textback/internal/bookingpage"
)

// cookieNamed returns the cookie with name that the response sets, or nil.
func cookieNamed(r response, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestPageSetsTokenCookie(t *testing.T) {
	eachStore(t, bookingpage.Options{}, func(t *testing.T, f *fixture) {
		r := f.get(pagePath)
		cookie := cookieNamed(r, tokenCookie)
		if cookie == nil {
			t.Fatalf("page sets no %s cookie; Set-Cookie = %q", tokenCookie, r.header.Values("Set-Cookie"))
		}
		if got := attr(input(t, r, "token"), "value"); got != cookie.Value {
			t.Errorf("form token = %q, want the cookie's %q", got, cookie.Value)
		}
		if !keyPattern.MatchString(cookie.Value) {
			t.Errorf("token = %q, want 26 base32 characters", cookie.Value)
		}
		if !cookie.Secure || !cookie.HttpOnly {
			t.Errorf("cookie Secure = %t, HttpOnly = %t, want both", cookie.Secure, cookie.HttpOnly)
		}
		if cookie.SameSite != http.SameSiteLaxMode {
			t.Errorf("cookie SameSite = %v, want Lax", cookie.SameSite)
		}
		if cookie.Path != "/" || cookie.Domain != "" {
			t.Errorf("cookie Path = %q, Domain = %q, want / and none, as __Host- requires", cookie.Path, cookie.Domain)
		}
		if cookie.MaxAge != 0 || !cookie.Expires.IsZero() {
			t.Errorf("cookie MaxAge = %d, Expires = %v, want a session cookie", cookie.MaxAge, cookie.Expires)
		}

		// A browser that has the cookie keeps its token, so that forms in other tabs stay valid.
		req := httptest.NewRequest(http.MethodGet, pagePath, nil)
		req.AddCookie(&http.Cookie{Name: tokenCookie, Value: cookie.Value})
		again := f.serve(req)
		if got := attr(input(t, again, "token"), "value"); got != cookie.Value {
			t.Errorf("second page token = %q, want the cookie's %q", got, cookie.Value)
		}
		if got := again.header.Values("Set-Cookie"); len(got) != 0 {
			t.Errorf("second page sets cookies %q, want none", got)
		}
	})
}

func TestPageTokenCookieOverHTTP(t *testing.T) {
	eachStore(t, bookingpage.Options{PublicURL: "http://127.0.0.1:8080"}, func(t *testing.T, f *fixture) {
		r := f.get(pagePath)
		cookie := cookieNamed(r, "textback-form")
		if cookie == nil {
			t.Fatalf("page sets no textback-form cookie; Set-Cookie = %q", r.header.Values("Set-Cookie"))
		}
		if cookie.Secure {
			t.Error("cookie is Secure over http, want a cookie the browser sends back")
		}
		form := f.form(f.repairs, chicagoAt(t, 3, 9, 9, 0))
		req := postRequest(pagePath, form)
		req.Header.Del("Cookie")
		req.AddCookie(&http.Cookie{Name: "textback-form", Value: form.Get("token")})
		if got := f.serve(req); got.status != http.StatusOK {
			t.Errorf("POST with the http cookie: status %d, want 200:\n%s", got.status, text(got.doc))
		}
	})
}

// A form whose token does not match the browser's cookie is rejected before anything is read
// from the database or booked.
func TestBookRejectsBadToken(t *testing.T) {
	tests := []struct {
		name   string
		token  string // the form's field
		cookie string // the cookie's value, or "" for no cookie
	}{
		{"no cookie", anyToken, ""},
		{"no field", "", anyToken},
		{"other token", anyToken, "ZYXWVUTSRQPONMLKJIHGFEDCBA"},
		{"malformed equal values", "x", "x"},
		{"lower case", strings.ToLower(anyToken), strings.ToLower(anyToken)},
	}
	eachStore(t, manyTries, func(t *testing.T, f *fixture) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				form := f.form(f.repairs, chicagoAt(t, 3, 9, 9, 0))
				form.Set("token", tt.token)
				req := postRequest(pagePath, form)
				req.Header.Del("Cookie")
				if tt.cookie != "" {
					req.AddCookie(&http.Cookie{Name: tokenCookie, Value: tt.cookie})
				}
				r := f.serve(req)
				if r.status != http.StatusForbidden {
					t.Fatalf("status = %d, want 403:\n%s", r.status, text(r.doc))
				}
				if got := heading(r); got != "This form has expired" {
					t.Errorf("h1 = %q", got)
				}
				back := find(r.doc, func(n *html.Node) bool { return n.Data == "a" && text(n) == "Back to the booking page" })
				if len(back) != 1 || attr(back[0], "href") != "acme-plumbing" {
					t.Error("no link back to the booking page")
				}
			})
		}
		if n := len(f.bookingsOf(f.repairs)); n != 0 {
			t.Errorf("calendar has %d bookings, want none", n)
		}
		if _, err := f.s.GetContactByE164(context.Background(), f.business.ID, leadE164); err == nil {
			t.Error("a rejected form created the contact")
		}
	})
}

// A number that opted out of the business's texts, or cannot receive texts, gets a message on the
// phone field, and nothing is booked.
func TestBookNumberThatCannotBeTexted(t *testing.T) {
	eachStore(t, manyTries, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		lead, err := f.s.UpsertContact(ctx, f.business.ID, leadE164)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.OptOutContact(ctx, f.business.ID, lead.ID, "STOP", pageNow); err != nil {
			t.Fatal(err)
		}
		r := f.post(pagePath, f.form(f.repairs, chicagoAt(t, 3, 9, 9, 0)))
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("opted-out number: status %d, want 422:\n%s", r.status, text(r.doc))
		}
		want := "This number has opted out of texts from us, so we can't confirm a booking to it. " +
			"Text START to (312) 555-0199 to opt back in, enter another number, or call that number to book."
		if got := fieldError(r, "phone"); got != want {
			t.Errorf("phone error = %q\nwant %q", got, want)
		}
		if got := attr(input(t, r, "phone"), "aria-invalid"); got != "true" {
			t.Errorf("phone aria-invalid = %q, want true", got)
		}

		landline, err := f.s.UpsertContact(ctx, f.business.ID, "+12025550160")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.SetContactSMSBlocked(ctx, f.business.ID, landline.ID, "landline", pageNow); err != nil {
			t.Fatal(err)
		}
		form := f.form(f.repairs, chicagoAt(t, 3, 9, 9, 0))
		form.Set("phone", "(202) 555-0160")
		r = f.post(pagePath, form)
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("landline: status %d, want 422", r.status)
		}
		if got := fieldError(r, "phone"); got != "This number can't receive texts. Enter a mobile number." {
			t.Errorf("landline phone error = %q", got)
		}
		if n := len(f.bookingsOf(f.repairs)); n != 0 {
			t.Errorf("calendar has %d bookings, want none", n)
		}
	})
}

// A slot taken between showing the page and sending the form gives the form again with the next
// free times, and the lead's details kept.
func TestBookTakenSlotShowsNextTimes(t *testing.T) {
	eachStore(t, manyTries, func(t *testing.T, f *fixture) {
		start := chicagoAt(t, 3, 9, 9, 0)
		mine := f.form(f.repairs, start)
		theirs := f.form(f.repairs, start)
		theirs.Set("phone", "+12025550170")
		if r := f.post(pagePath, theirs); r.status != http.StatusOK {
			t.Fatalf("first lead: status %d", r.status)
		}
		r := f.post(pagePath, mine)
		if r.status != http.StatusConflict {
			t.Fatalf("second lead: status %d, want 409:\n%s", r.status, text(r.doc))
		}
		var times []string
		for _, li := range find(r.doc, func(n *html.Node) bool {
			return n.Data == "li" && strings.Contains(attr(n.Parent, "class"), "next-times")
		}) {
			times = append(times, text(li))
		}
		want := []string{"Thu Mar 5, 11:00 AM CST", "Thu Mar 5, 12:00 PM CST", "Thu Mar 5, 1:00 PM CST"}
		if !slices.Equal(times, want) {
			t.Errorf("next free times = %v, want %v", times, want)
		}
		if !strings.HasPrefix(notice(r), "That time was just taken. Pick another time.") {
			t.Errorf("notice = %q", notice(r))
		}
		for _, name := range []string{"name", "phone", "email", "key", "token"} {
			if got := attr(input(t, r, name), "value"); got != mine.Get(name) {
				t.Errorf("%s = %q, want %q", name, got, mine.Get(name))
			}
		}
		if n := len(f.bookingsOf(f.repairs)); n != 1 {
			t.Errorf("calendar has %d bookings, want 1", n)
		}
	})
}

// What leads type is stored as typed and escaped wherever a page shows it.
func TestBookEscapesInput(t *testing.T) {
	eachStore(t, bookingpage.Options{}, func(t *testing.T, f *fixture) {
		form := f.form(f.repairs, chicagoAt(t, 3, 9, 9, 0))
		form.Set("name", `O'Brien & "Sons"`)
		form.Set("notes", "Pipe < 1 inch & leaking")
		r := f.post(pagePath, form)
		if r.status != http.StatusOK {
			t.Fatalf("status %d:\n%s", r.status, text(r.doc))
		}
		if !strings.Contains(r.body, "O&#39;Brien &amp; &#34;Sons&#34;") {
			t.Errorf("confirmation does not show the name escaped:\n%s", r.body)
		}
		rows := f.bookingsOf(f.repairs)
		if len(rows) != 1 {
			t.Fatalf("calendar has %d bookings, want 1", len(rows))
		}
		if rows[0].Name != `O'Brien & "Sons"` || rows[0].Notes != "Pipe < 1 inch & leaking" {
			t.Errorf("stored name %q, notes %q, want them as typed", rows[0].Name, rows[0].Notes)
		}
	})
}
