package bookingpage_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/textback/textback/internal/booking"
	"github.com/textback/textback/internal/bookingpage"
	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/server"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// pageNow is Thursday 2026-03-05 10:00 in Chicago (CST). Daylight-saving time starts on Sunday
// 2026-03-08, so the page's slots carry CST that week and CDT the next.
var pageNow = time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)

const (
	publicURL      = "https://hooks.example.com"
	businessNumber = "+13125550199"
	leadPhone      = "(202) 555-0143"
	leadE164       = "+12025550143"
	pagePath       = "/book/acme-plumbing"
	// tokenCookie is the name of the form token's cookie for an https public URL.
	tokenCookie = "__Host-textback-form"
	// anyToken is a well-formed form token. Any such token is valid when the cookie repeats it.
	anyToken = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

// fixture is a business with a repairs calendar, open 09:00-17:00 on weekdays in Chicago with
// 1-hour slots and an hour's notice, behind the server's routes.
type fixture struct {
	t        *testing.T
	s        *store.Store
	clock    *storetest.Clock
	bookings *booking.Service
	business store.Business
	repairs  store.Calendar
	handler  http.Handler
}

func weekdays(start, end int) hours.Week {
	var w hours.Week
	for d := time.Monday; d <= time.Friday; d++ {
		w[d] = []hours.Range{{Start: start, End: end}}
	}
	return w
}

// newFixture builds the fixture with opts for the pages. Store and Booking are filled in, and
// PublicURL when it is empty.
func newFixture(t *testing.T, s *store.Store, clock *storetest.Clock, opts bookingpage.Options) *fixture {
	t.Helper()
	ctx := context.Background()
	p, err := s.UpsertProvider(ctx, store.Provider{Name: "sandbox", Kind: "sandbox", AccountSID: "AC1", AuthToken: "t"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.UpsertBusiness(ctx, store.Business{
		Slug: "acme-plumbing", Name: "Acme Plumbing", TimeZone: "America/Chicago", Region: "US",
		TextBack: store.TextBackSettings{Enabled: true, Window: time.Hour, Template: "Hi", AfterHoursTemplate: "Closed"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertNumber(ctx, store.Number{
		BusinessID: b.ID, ProviderID: p.ID, E164: businessNumber, Mode: store.ModeDial, ForwardTo: "+13125550100",
		RingSeconds: 18, AnswerCheck: "none",
	}); err != nil {
		t.Fatal(err)
	}
	repairs, err := s.UpsertCalendar(ctx, store.Calendar{
		BusinessID: b.ID, Slug: "repairs", Name: "Repairs", TimeZone: "America/Chicago", Hours: weekdays(9*60, 17*60),
		SlotLength: time.Hour, MinNotice: time.Hour, Horizon: 30 * 24 * time.Hour, Address: "100 Main St, Chicago, IL",
	})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, s: s, clock: clock, business: b, repairs: repairs}
	f.bookings = booking.New(s, booking.Options{})
	opts.Store, opts.Booking = s, f.bookings
	if opts.PublicURL == "" {
		opts.PublicURL = publicURL
	}
	if opts.Clock == nil {
		opts.Clock = clock.Now
	}
	pages, err := bookingpage.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	f.handler = server.Routes(server.Handlers{
		Webhooks: http.NotFoundHandler(), Ready: func(context.Context) error { return nil },
		Booking: server.BookingHandlers{Page: pages.Page(), Submit: pages.Submit(), Assets: pages.Assets()},
	}, slog.New(slog.DiscardHandler))
	return f
}

// eachStore runs fn on both databases with a store whose clock starts at pageNow.
func eachStore(t *testing.T, opts bookingpage.Options, fn func(t *testing.T, f *fixture)) {
	storetest.EachWithClock(t, pageNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		fn(t, newFixture(t, s, clock, opts))
	})
}

// response is a served page.
type response struct {
	status int
	header http.Header
	body   string
	doc    *html.Node
}

func (f *fixture) serve(req *http.Request) response {
	f.t.Helper()
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	body, err := io.ReadAll(rec.Result().Body)
	if err != nil {
		f.t.Fatal(err)
	}
	doc, err := html.Parse(strings.NewReader(string(body)))
	if err != nil {
		f.t.Fatalf("parse page: %v", err)
	}
	return response{status: rec.Code, header: rec.Header(), body: string(body), doc: doc}
}

func (f *fixture) get(path string) response {
	f.t.Helper()
	return f.serve(httptest.NewRequest(http.MethodGet, path, nil))
}

// postRequest returns a POST of form to path with the browser cookie that carries the form's
// token, as a browser sends it from the same origin.
func postRequest(path string, form url.Values) *http.Request {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if token := form.Get("token"); token != "" {
		req.AddCookie(&http.Cookie{Name: tokenCookie, Value: token})
	}
	return req
}

// post submits form to path as a browser on the same origin does.
func (f *fixture) post(path string, form url.Values) response {
	f.t.Helper()
	return f.serve(postRequest(path, form))
}

// form returns a complete submission for the slot of cal at start, with the key and token of a
// fresh page.
func (f *fixture) form(cal store.Calendar, start time.Time) url.Values {
	f.t.Helper()
	page := f.get(pagePath)
	if page.status != http.StatusOK {
		f.t.Fatalf("GET %s: status %d", pagePath, page.status)
	}
	return url.Values{
		"key": {formKey(f.t, page)}, "token": {attr(input(f.t, page, "token"), "value")},
		"slot": {slotValue(cal, start)}, "name": {"Alex Doe"}, "phone": {leadPhone},
		"email": {"alex@example.com"}, "notes": {"The kitchen sink leaks."},
	}
}

// bookingsOf returns the business's bookings of the calendar, live or not.
func (f *fixture) bookingsOf(cal store.Calendar) []store.Booking {
	f.t.Helper()
	now := f.clock.Now()
	rows, err := f.s.ListLiveBookings(context.Background(), cal.ID, now.Add(-time.Hour), now.Add(60*24*time.Hour))
	if err != nil {
		f.t.Fatal(err)
	}
	return rows
}

func slotValue(cal store.Calendar, start time.Time) string {
	return fmt.Sprintf("%s/%d", cal.Slug, start.Unix())
}

// chicagoAt returns the instant of the wall-clock time in Chicago.
func chicagoAt(t *testing.T, month time.Month, day, hour, minute int) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	return time.Date(2026, month, day, hour, minute, 0, 0, loc).UTC()
}

// find returns the elements below n for which match is true, in document order.
func find(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			out = append(out, d)
		}
	}
	return out
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, name string) bool {
	return slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == name })
}

// text returns the text below n with runs of white space made single spaces.
func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func byTag(tag string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == tag }
}

func byID(id string) func(*html.Node) bool {
	return func(n *html.Node) bool { return attr(n, "id") == id }
}

// input returns the element with the name attribute, failing the test when there is none.
func input(t *testing.T, r response, name string) *html.Node {
	t.Helper()
	nodes := find(r.doc, func(n *html.Node) bool { return attr(n, "name") == name })
	if len(nodes) == 0 {
		t.Fatalf("page has no field %q:\n%s", name, r.body)
	}
	return nodes[0]
}

func formKey(t *testing.T, r response) string {
	t.Helper()
	return attr(input(t, r, "key"), "value")
}

// day is one day's fieldset: its legend and the labels of its slots.
type day struct {
	legend string
	slots  []string
}

// days returns the page's slot groups.
func days(r response) []day {
	var out []day
	for _, fs := range find(r.doc, func(n *html.Node) bool { return strings.Contains(attr(n, "class"), "day") }) {
		d := day{legend: text(find(fs, byTag("legend"))[0])}
		for _, l := range find(fs, byTag("label")) {
			d.slots = append(d.slots, text(l))
		}
		out = append(out, d)
	}
	return out
}

// checkedSlot returns the value of the checked slot radio, or "".
func checkedSlot(r response) string {
	for _, n := range find(r.doc, func(n *html.Node) bool { return attr(n, "name") == "slot" }) {
		if hasAttr(n, "checked") {
			return attr(n, "value")
		}
	}
	return ""
}

func slotValues(r response) []string {
	var out []string
	for _, n := range find(r.doc, func(n *html.Node) bool { return attr(n, "name") == "slot" }) {
		out = append(out, attr(n, "value"))
	}
	return out
}

// notice returns the text of the page's notice, or "".
func notice(r response) string {
	nodes := find(r.doc, func(n *html.Node) bool { return strings.Contains(attr(n, "class"), "alert-notice") })
	if len(nodes) == 0 {
		return ""
	}
	return text(nodes[0])
}

func heading(r response) string {
	nodes := find(r.doc, byTag("h1"))
	if len(nodes) == 0 {
		return ""
	}
	return text(nodes[0])
}

var keyPattern = regexp.MustCompile(`^[A-Z2-7]{26}$`)

func TestPageListsSlotsByDay(t *testing.T) {
	eachStore(t, bookingpage.Options{}, func(t *testing.T, f *fixture) {
		r := f.get(pagePath)
		if r.status != http.StatusOK {
			t.Fatalf("status = %d, want 200:\n%s", r.status, r.body)
		}
		if got := r.header.Get("Content-Type"); got != "text/html; charset=utf-8" {
			t.Errorf("Content-Type = %q", got)
		}
		if got := r.header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control = %q, want no-store", got)
		}
		if got := heading(r); got != "Acme Plumbing" {
			t.Errorf("h1 = %q, want the business's name", got)
		}
		got := days(r)
		var legends []string
		for _, d := range got {
			legends = append(legends, d.legend)
		}
		wantLegends := []string{
			"Thursday, March 5", "Friday, March 6", "Monday, March 9", "Tuesday, March 10", "Wednesday, March 11",
			"Thursday, March 12", "Friday, March 13", "Monday, March 16", "Tuesday, March 17", "Wednesday, March 18",
			"Thursday, March 19",
		}
		if !slices.Equal(legends, wantLegends) {
			t.Fatalf("day legends = %v\nwant %v", legends, wantLegends)
		}
		// An hour's notice from 10:00 leaves 11:00 as the first slot, in CST before the change.
		wantFirst := []string{"11:00 AM CST", "12:00 PM CST", "1:00 PM CST", "2:00 PM CST", "3:00 PM CST", "4:00 PM CST"}
		if !slices.Equal(got[0].slots, wantFirst) {
			t.Errorf("first day's slots = %v, want %v", got[0].slots, wantFirst)
		}
		if got[2].slots[0] != "9:00 AM CDT" || len(got[2].slots) != 8 {
			t.Errorf("Monday's slots = %v, want 8 from 9:00 AM CDT", got[2].slots)
		}
		// 14 days from now ends on Thursday, March 19 at 11:00 CDT, so 9:00 and 10:00 are the last.
		if last := got[len(got)-1].slots; !slices.Equal(last, []string{"9:00 AM CDT", "10:00 AM CDT"}) {
			t.Errorf("last day's slots = %v, want 9:00 and 10:00 AM CDT", last)
		}
		if values := slotValues(r); values[0] != slotValue(f.repairs, chicagoAt(t, 3, 5, 11, 0)) {
			t.Errorf("first slot value = %q, want the repairs slot at 11:00 CST", values[0])
		}
		if key := formKey(t, r); !keyPattern.MatchString(key) {
			t.Errorf("form key = %q, want 26 base32 characters", key)
		}
		if other := formKey(t, f.get(pagePath)); other == formKey(t, r) {
			t.Error("two renders gave the same form key, want a new one each time")
		}
		if strings.Contains(r.body, "<script") {
			t.Error("page has a script, want none")
		}
		if strings.Contains(r.body, "Repairs") {
			t.Error("page names the only calendar, want calendar names only when there are several")
		}
	})
}

// The page is usable without seeing it: a language, a label for every field, and the slot radios
// grouped in fieldsets with legends.
func TestPageAccessibility(t *testing.T) {
	eachStore(t, bookingpage.Options{}, func(t *testing.T, f *fixture) {
		r := f.get(pagePath)
		if htmls := find(r.doc, byTag("html")); attr(htmls[0], "lang") != "en" {
			t.Errorf("html lang = %q, want en", attr(htmls[0], "lang"))
		}
		labels := map[string]bool{}
		for _, l := range find(r.doc, byTag("label")) {
			labels[attr(l, "for")] = true
		}
		fields := find(r.doc, func(n *html.Node) bool {
			return (n.Data == "input" && attr(n, "type") != "hidden") || n.Data == "textarea"
		})
		for _, n := range fields {
			if id := attr(n, "id"); id == "" || !labels[id] {
				t.Errorf("field %s (id %q) has no label", attr(n, "name"), id)
			}
		}
		for _, radio := range find(r.doc, func(n *html.Node) bool { return attr(n, "type") == "radio" }) {
			fieldset := radio.Parent
			for fieldset != nil && fieldset.Data != "fieldset" {
				fieldset = fieldset.Parent
			}
			if fieldset == nil || len(find(fieldset, byTag("legend"))) == 0 {
				t.Fatalf("radio %s is not in a fieldset with a legend", attr(radio, "id"))
			}
		}
		for _, name := range []string{"name", "phone"} {
			if !hasAttr(input(t, r, name), "required") {
				t.Errorf("field %s is not marked required", name)
			}
		}
		if got := attr(input(t, r, "phone"), "autocomplete"); got != "tel" {
			t.Errorf("phone autocomplete = %q, want tel", got)
		}
		links := find(r.doc, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "stylesheet" })
		if len(links) != 1 || !strings.HasPrefix(attr(links[0], "href"), "assets/booking.css?v=") {
			t.Errorf("stylesheet links = %d, want one to assets/booking.css?v=...", len(links))
		}
	})
}

func TestPageNamesCalendarsWhenSeveral(t *testing.T) {
	eachStore(t, bookingpage.Options{}, func(t *testing.T, f *fixture) {
		installs := f.repairs
		installs.ID, installs.Slug, installs.Name, installs.Hours = 0, "installs", "Installs", weekdays(15*60, 17*60)
		if _, err := f.s.UpsertCalendar(context.Background(), installs); err != nil {
			t.Fatal(err)
		}
		first := days(f.get(pagePath))[0]
		want := []string{
			"11:00 AM CST Repairs", "12:00 PM CST Repairs", "1:00 PM CST Repairs", "2:00 PM CST Repairs",
			"3:00 PM CST Installs", "3:00 PM CST Repairs", "4:00 PM CST Installs", "4:00 PM CST Repairs",
		}
		if !slices.Equal(first.slots, want) {
			t.Errorf("first day's slots = %v\nwant %v", first.slots, want)
		}
	})
}

// A calendar in another zone labels its slots in its own zone.
func TestPageLabelsInCalendarZone(t *testing.T) {
	eachStore(t, bookingpage.Options{}, func(t *testing.T, f *fixture) {
		f.repairs.TimeZone = "America/Denver"
		if _, err := f.s.UpsertCalendar(context.Background(), f.repairs); err != nil {
			t.Fatal(err)
		}
		first := days(f.get(pagePath))[0]
		if first.slots[0] != "10:00 AM MST" {
			t.Errorf("first slot = %q, want 10:00 AM MST, an hour's notice from 9:00 in Denver", first.slots[0])
		}
	})
}

func TestPageUnknownBusiness(t *testing.T) {
	eachStore(t, bookingpage.Options{}, func(t *testing.T, f *fixture) {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			req := postRequest("/book/no-such-business", url.Values{"name": {"x"}, "token": {anyToken}})
			req.Method = method
			r := f.serve(req)
			if r.status != http.StatusNotFound {
				t.Errorf("%s status = %d, want 404", method, r.status)
			}
			if got := heading(r); got != "We couldn't find that booking page" {
				t.Errorf("%s h1 = %q", method, got)
			}
			if got := r.header.Get("Content-Type"); got != "text/html; charset=utf-8" {
				t.Errorf("%s Content-Type = %q, want an HTML page", method, got)
			}
		}
	})
}

func TestPageWithoutBookableCalendars(t *testing.T) {
	eachStore(t, bookingpage.Options{}, func(t *testing.T, f *fixture) {
		f.repairs.Hours = hours.Week{}
		if _, err := f.s.UpsertCalendar(context.Background(), f.repairs); err != nil {
			t.Fatal(err)
		}
		r := f.get(pagePath)
		if r.status != http.StatusOK {
			t.Errorf("status = %d, want 200", r.status)
		}
		if got := heading(r); got != "Online booking isn't available" {
			t.Errorf("h1 = %q", got)
		}
		for _, want := range []string{"Acme Plumbing doesn't take bookings online.", "Call or text (312) 555-0199 to book."} {
			if !strings.Contains(text(r.doc), want) {
				t.Errorf("page lacks %q:\n%s", want, text(r.doc))
			}
		}
		links := find(r.doc, func(n *html.Node) bool { return attr(n, "href") == "tel:"+businessNumber })
		if len(links) != 1 {
			t.Errorf("page has %d tel: links to the business, want 1", len(links))
		}
		if len(find(r.doc, byTag("form"))) != 0 {
			t.Error("page has a form, want none")
		}

		post := f.post(pagePath, url.Values{"name": {"Alex"}, "token": {anyToken}})
		if post.status != http.StatusConflict || heading(post) != "Online booking isn't available" {
			t.Errorf("POST status = %d, h1 %q, want 409 and the same page", post.status, heading(post))
		}
	})
}

func TestPageNoFreeSlots(t *testing.T) {
	eachStore(t, bookingpage.Options{}, func(t *testing.T, f *fixture) {
		f.repairs.Closures = []store.Closure{{From: "2026-03-01", To: "2026-03-31", Label: "Renovation"}}
		if _, err := f.s.UpsertCalendar(context.Background(), f.repairs); err != nil {
			t.Fatal(err)
		}
		r := f.get(pagePath)
		if r.status != http.StatusOK {
			t.Errorf("status = %d, want 200", r.status)
		}
		if !strings.Contains(text(r.doc), "No free times in the next 14 days") {
			t.Errorf("page lacks the no-free-times heading:\n%s", text(r.doc))
		}
		if len(find(r.doc, byTag("form"))) != 0 {
			t.Error("page has a form, want none")
		}
	})
}

// A database failure gives the error page, not a half-rendered one.
func TestPageDatabaseError(t *testing.T) {
	eachStore(t, bookingpage.Options{}, func(t *testing.T, f *fixture) {
		if err := f.s.Close(); err != nil {
			t.Fatal(err)
		}
		r := f.get(pagePath)
		if r.status != http.StatusInternalServerError {
			t.Errorf("status = %d, want 500", r.status)
		}
		if got := heading(r); got != "Something went wrong" {
			t.Errorf("h1 = %q", got)
		}
	})
}

func TestPageSecurityHeaders(t *testing.T) {
	eachStore(t, bookingpage.Options{}, func(t *testing.T, f *fixture) {
		r := f.get(pagePath)
		csp := r.header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "style-src 'self'", "form-action 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("Content-Security-Policy = %q, want it to contain %q", csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "script-src") {
			t.Errorf("Content-Security-Policy = %q, want no inline styles and no scripts", csp)
		}
		if strings.Contains(r.body, "style=") || strings.Contains(r.body, "<style") {
			t.Error("page has inline styles, which the policy blocks")
		}
		for header, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
			"Referrer-Policy": "same-origin"} {
			if got := r.header.Get(header); got != want {
				t.Errorf("%s = %q, want %q", header, got, want)
			}
		}
	})
}

func TestStylesheet(t *testing.T) {
	eachStore(t, bookingpage.Options{}, func(t *testing.T, f *fixture) {
		links := find(f.get(pagePath).doc, func(n *html.Node) bool { return attr(n, "rel") == "stylesheet" })
		href := "/book/" + attr(links[0], "href")
		r := f.get(href)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s status = %d", href, r.status)
		}
		if got := r.header.Get("Content-Type"); got != "text/css; charset=utf-8" {
			t.Errorf("Content-Type = %q", got)
		}
		if got := r.header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("Cache-Control of the current version = %q", got)
		}
		if !strings.Contains(r.body, ":focus-visible") {
			t.Error("stylesheet has no focus style")
		}
		if got := f.get("/book/assets/booking.css?v=old").header.Get("Cache-Control"); got != "no-cache" {
			t.Errorf("Cache-Control of another version = %q, want no-cache", got)
		}

		req := httptest.NewRequest(http.MethodGet, href, nil)
		req.Header.Set("If-None-Match", r.header.Get("ETag"))
		if got := f.serve(req).status; got != http.StatusNotModified {
			t.Errorf("status with If-None-Match = %d, want 304", got)
		}
		if got := f.get("/book/assets/other.css").status; got != http.StatusNotFound {
			t.Errorf("unknown asset status = %d, want 404", got)
		}
	})
}
