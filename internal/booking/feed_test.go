package booking_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/textback/textback/internal/booking"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// feedFixture books two slots of the calendar (one with a name, one without), holds a third and
// cancels a fourth, and serves the feeds on a test server at /calendars/.
type feedFixture struct {
	*fixture
	server  *httptest.Server
	named   store.Booking
	unnamed store.Booking
}

func newFeedFixture(t *testing.T, s *store.Store, clock *storetest.Clock) *feedFixture {
	t.Helper()
	ctx := context.Background()
	f := &feedFixture{fixture: newFixture(t, s, clock, nil)}
	pat := f.contact(t, "+12025550143")
	sam := f.contact(t, "+12025550144")

	var err error
	f.named, _, err = f.svc.Book(ctx, booking.BookRequest{
		BusinessID: f.b.ID, ContactID: pat.ID, Calendar: f.cal, Start: local(t, 3, 11, 10), Source: store.BookingSourcePage,
		Name: "Pat Lee", Email: "pat@example.com",
		Notes: "Leaking tap under the kitchen sink; the water is off, ring the side door, the dog is friendly",
	})
	if err != nil {
		t.Fatal(err)
	}
	if f.unnamed, _, err = f.book(sam, local(t, 3, 11, 14), store.BookingSourceSMS, ""); err != nil {
		t.Fatal(err)
	}
	f.offer(t, f.contact(t, "+12025550145"), booking.OfferRequest{Count: 1})

	dropped, _, err := f.book(sam, local(t, 3, 12, 9), store.BookingSourcePage, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.Cancel(ctx, f.b.ID, dropped.ID); err != nil {
		t.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.Handle("/calendars/", booking.NewFeedHandler(s, nil))
	f.server = httptest.NewServer(mux)
	t.Cleanup(f.server.Close)
	return f
}

func (f *feedFixture) get(t *testing.T, method, path string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, f.server.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := f.server.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func TestFeedListsBookings(t *testing.T) {
	storetest.EachWithClock(t, serviceNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		f := newFeedFixture(t, s, clock)
		resp, body := f.get(t, http.MethodGet, "/calendars/"+f.cal.FeedToken+".ics")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d, want 200:\n%s", resp.StatusCode, body)
		}
		if got := resp.Header.Get("Content-Type"); got != "text/calendar; charset=utf-8" {
			t.Errorf("Content-Type %q, want text/calendar", got)
		}

		// Calendar apps expect CRLF line ends and lines folded at 75 octets.
		if !strings.HasSuffix(body, "END:VCALENDAR\r\n") {
			t.Errorf("feed does not end with END:VCALENDAR and CRLF:\n%q", body[max(0, len(body)-40):])
		}
		lines := strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n")
		for _, line := range lines {
			if len(line) > 75 {
				t.Errorf("line of %d octets, want at most 75: %q", len(line), line)
			}
			if strings.ContainsAny(line, "\r\n") {
				t.Errorf("line with a bare CR or LF: %q", line)
			}
		}
		folded := slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, " ") })
		if !folded {
			t.Error("no folded line, want the long DESCRIPTION folded")
		}

		cal, err := ics.ParseCalendar(strings.NewReader(body))
		if err != nil {
			t.Fatalf("parse the feed: %v", err)
		}
		events := cal.Events()
		if len(events) != 2 {
			t.Fatalf("feed has %d events, want the 2 bookings (no hold, no cancellation)", len(events))
		}
		checkEvent(t, events[0], f.named, "Pat Lee", f.cal.Address)
		checkEvent(t, events[1], f.unnamed, "+12025550144", f.cal.Address)
		description := events[0].GetProperty(ics.ComponentPropertyDescription).Value
		for _, want := range []string{
			"Phone: +12025550143", "Email: pat@example.com", "Notes: Leaking tap", "the dog is friendly",
		} {
			if !strings.Contains(description, want) {
				t.Errorf("description %q does not contain %q", description, want)
			}
		}

		_, again := f.get(t, http.MethodGet, "/calendars/"+f.cal.FeedToken+".ics")
		if again != body {
			t.Error("a second fetch differs from the first, want stable UIDs and stamps")
		}
	})
}

func checkEvent(t *testing.T, e *ics.VEvent, b store.Booking, summary, location string) {
	t.Helper()
	if got, want := e.Id(), fmt.Sprintf("booking-%d-calendar-%d@textback", b.ID, b.CalendarID); got != want {
		t.Errorf("UID %q, want %q", got, want)
	}
	start, err := e.GetStartAt()
	if err != nil || !start.Equal(b.Start) {
		t.Errorf("DTSTART %s (%v), want %s", start, err, b.Start)
	}
	end, err := e.GetEndAt()
	if err != nil || !end.Equal(b.End) {
		t.Errorf("DTEND %s (%v), want %s", end, err, b.End)
	}
	if raw := e.GetProperty(ics.ComponentPropertyDtStart).Value; !strings.HasSuffix(raw, "Z") {
		t.Errorf("DTSTART %q is not in UTC", raw)
	}
	if got := e.GetProperty(ics.ComponentPropertySummary).Value; got != summary {
		t.Errorf("SUMMARY %q, want %q", got, summary)
	}
	if got := e.GetProperty(ics.ComponentPropertyLocation).Value; got != location {
		t.Errorf("LOCATION %q, want %q", got, location)
	}
	if got := e.GetProperty(ics.ComponentPropertyStatus).Value; got != "CONFIRMED" {
		t.Errorf("STATUS %q, want CONFIRMED", got)
	}
}

func TestFeedUnknownToken(t *testing.T) {
	storetest.EachWithClock(t, serviceNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		f := newFeedFixture(t, s, clock)
		for _, path := range []string{
			"/calendars/NOSUCHTOKEN.ics",
			"/calendars/" + f.cal.FeedToken, // without .ics
			"/calendars/.ics",
		} {
			resp, body := f.get(t, http.MethodGet, path)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: status %d, want 404", path, resp.StatusCode)
			}
			if strings.Contains(body, "calendar") || strings.Contains(body, "NOSUCHTOKEN") {
				t.Errorf("GET %s: 404 body %q gives details", path, body)
			}
		}
	})
}

func TestFeedMethods(t *testing.T) {
	storetest.EachWithClock(t, serviceNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		f := newFeedFixture(t, s, clock)
		path := "/calendars/" + f.cal.FeedToken + ".ics"
		resp, body := f.get(t, http.MethodHead, path)
		if resp.StatusCode != http.StatusOK || body != "" {
			t.Errorf("HEAD: status %d with %d bytes, want 200 and no body", resp.StatusCode, len(body))
		}
		if resp.ContentLength <= 0 {
			t.Errorf("HEAD: Content-Length %d, want the feed's length", resp.ContentLength)
		}
		resp, _ = f.get(t, http.MethodPost, path)
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("POST: status %d, Allow %q; want 405 and GET, HEAD", resp.StatusCode, resp.Header.Get("Allow"))
		}
	})
}

// Text that leads type goes into the feed as text: line breaks cannot start new properties.
func TestWriteFeedEscapesText(t *testing.T) {
	cal := store.Calendar{ID: 1, Name: "Repairs; north", Address: "1 Main St, Suite 2"}
	start := time.Date(2025, 3, 11, 15, 0, 0, 0, time.UTC)
	b := store.FeedBooking{
		Booking: store.Booking{
			ID: 7, CalendarID: 1, Start: start, End: start.Add(time.Hour), State: store.BookingBooked,
			Name:  "Pat\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Injected",
			Notes: "line one\nline two, with a comma; and a semicolon\\",
		},
		ContactE164: "+12025550143",
	}
	var out strings.Builder
	if err := booking.WriteFeed(&out, cal, []store.FeedBooking{b}); err != nil {
		t.Fatal(err)
	}
	parsed, err := ics.ParseCalendar(strings.NewReader(out.String()))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, out.String())
	}
	events := parsed.Events()
	if len(events) != 1 {
		t.Fatalf("%d events, want 1:\n%s", len(events), out.String())
	}
	summary := events[0].GetProperty(ics.ComponentPropertySummary).Value
	if summary != "Pat\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:Injected" {
		t.Errorf("SUMMARY read back as %q", summary)
	}
	if got := events[0].GetProperty(ics.ComponentPropertyLocation).Value; got != "1 Main St, Suite 2" {
		t.Errorf("LOCATION read back as %q", got)
	}
	desc := events[0].GetProperty(ics.ComponentPropertyDescription).Value
	if !strings.Contains(desc, "line one\nline two, with a comma; and a semicolon\\") {
		t.Errorf("DESCRIPTION read back as %q", desc)
	}
	lines := strings.Split(out.String(), "\r\n")
	if n := len(slices.DeleteFunc(lines, func(l string) bool { return l != "BEGIN:VEVENT" })); n != 1 {
		t.Errorf("feed has %d BEGIN:VEVENT lines, want 1:\n%s", n, out.String())
	}
	if !slices.Contains(strings.Split(out.String(), "\r\n"), "REFRESH-INTERVAL;VALUE=DURATION:PT15M") {
		t.Errorf("feed has no REFRESH-INTERVAL line of 15 minutes:\n%s", out.String())
	}
}
