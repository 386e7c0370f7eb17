package app_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/store"
)

// hiddenField matches a hidden input of the booking form and captures its name and value.
var hiddenField = regexp.MustCompile(`<input type="hidden" name="(key|token)" value="([A-Z2-7]{26})">`)

// addCalendar gives the harness's business a calendar open 09:00-17:00 on weekdays in Chicago
// with 1-hour slots.
func addCalendar(t *testing.T, h *harness) store.Calendar {
	t.Helper()
	ctx := context.Background()
	b, err := h.store.GetBusinessBySlug(ctx, "acme-plumbing")
	if err != nil {
		t.Fatal(err)
	}
	var week hours.Week
	for d := time.Monday; d <= time.Friday; d++ {
		week[d] = []hours.Range{{Start: 9 * 60, End: 17 * 60}}
	}
	cal, err := h.store.UpsertCalendar(ctx, store.Calendar{
		BusinessID: b.ID, Slug: "repairs", Name: "Repairs", TimeZone: "America/Chicago", Hours: week,
		SlotLength: time.Hour, MinNotice: time.Hour, Horizon: 30 * 24 * time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// get fetches path from the first instance and returns the response with its body read.
func (h *harness) get(path string) (*http.Response, string) {
	h.t.Helper()
	resp, err := h.client.Get("http://" + h.app.Addr() + path)
	if err != nil {
		h.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	return resp, readAll(resp)
}

// The running server routes the booking page and the calendar feed: a lead books on the page,
// as a browser behind the TLS proxy would, and the booking shows up in the calendar's feed.
func TestBookingPageAndFeedRoutes(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		h := newHarness(t, d, numberSetup{})
		cal := addCalendar(t, h)

		page, body := h.get("/book/acme-plumbing")
		if page.StatusCode != http.StatusOK {
			t.Fatalf("GET booking page: status %d:\n%s", page.StatusCode, body)
		}
		if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("Content-Security-Policy = %q, want default-src 'none'", csp)
		}
		form := url.Values{}
		for _, m := range hiddenField.FindAllStringSubmatch(body, -1) {
			form.Set(m[1], m[2])
		}
		if form.Get("key") == "" || form.Get("token") == "" {
			t.Fatalf("page has no key or token field:\n%s", body)
		}
		var cookie *http.Cookie
		for _, c := range page.Cookies() {
			if c.Name == "__Host-textback-form" {
				cookie = c
			}
		}
		if cookie == nil {
			t.Fatalf("page sets no __Host-textback-form cookie: %q", page.Header.Values("Set-Cookie"))
		}

		// The harness's clock is Tuesday 10:00 in Chicago: Wednesday 09:00 is free.
		loc, err := time.LoadLocation("America/Chicago")
		if err != nil {
			t.Fatal(err)
		}
		start := time.Date(2026, 3, 11, 9, 0, 0, 0, loc)
		form.Set("slot", cal.Slug+"/"+strconv.FormatInt(start.Unix(), 10))
		form.Set("name", "Alex Doe")
		form.Set("phone", "(202) 555-0143")
		req, err := http.NewRequest(http.MethodPost, "http://"+h.app.Addr()+"/book/acme-plumbing",
			strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		// A browser behind the proxy sends the public origin, which differs from the Host header the
		// server receives.
		req.Header.Set("Origin", publicURL)
		req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
		resp, err := h.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		booked := readAll(resp)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(booked, "<h1>You're booked</h1>") {
			t.Fatalf("POST booking: status %d:\n%s", resp.StatusCode, booked)
		}
		if !strings.Contains(booked, "Wednesday, March 11, 2026 at 9:00 AM CDT") {
			t.Errorf("confirmation does not show the slot:\n%s", booked)
		}

		rows, err := h.store.ListLiveBookings(context.Background(), cal.ID, start.Add(-time.Hour), start.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].State != store.BookingBooked || rows[0].Source != store.BookingSourcePage ||
			!rows[0].Start.Equal(start) {
			t.Fatalf("bookings = %+v, want one page booking at %s", rows, start)
		}

		feed, ics := h.get("/calendars/" + cal.FeedToken + ".ics")
		if feed.StatusCode != http.StatusOK {
			t.Fatalf("GET feed: status %d", feed.StatusCode)
		}
		if got := feed.Header.Get("Content-Type"); got != "text/calendar; charset=utf-8" {
			t.Errorf("feed Content-Type = %q", got)
		}
		for _, want := range []string{"BEGIN:VCALENDAR", "SUMMARY:Alex Doe", "DTSTART:20260311T140000Z"} {
			if !strings.Contains(ics, want) {
				t.Errorf("feed lacks %q:\n%s", want, ics)
			}
		}
		if unknown, _ := h.get("/calendars/not-a-token.ics"); unknown.StatusCode != http.StatusNotFound {
			t.Errorf("unknown feed token: status %d, want 404", unknown.StatusCode)
		}
	})
}
