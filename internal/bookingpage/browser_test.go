package bookingpage_test

import (
	"context"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/textback/textback/internal/booking"
	"github.com/textback/textback/internal/bookingpage"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// Environment variables of the browser tests.
const (
	// chromiumEnv names the browser to run, when it is not Debian's /usr/bin/chromium or a
	// chromium on PATH.
	chromiumEnv = "TEXTBACK_CHROMIUM"
	// artifactsEnv names the folder that the screenshots go to; each test's temporary folder
	// when it is unset.
	artifactsEnv = "TEXTBACK_TEST_ARTIFACTS"
)

// browserTimeout bounds one browser test, start of the browser included.
const browserTimeout = 90 * time.Second

// chromiumPath returns the browser to run, or skips the test (fails it when CI is set) when
// there is none.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if path := os.Getenv(chromiumEnv); path != "" {
		return path
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	storetest.RequireOrSkip(t, "Chromium not found: install Debian's chromium package (apt-get install chromium) "+
		"or set "+chromiumEnv+" to a Chromium or Chrome binary")
	return ""
}

// browser is a headless Chromium with one tab, and the booking pages served on a loopback port.
type browser struct {
	ctx  context.Context
	base string // the server's URL, such as http://127.0.0.1:41234
	f    *fixture
}

// eachBrowser runs fn on both databases in turn, each time with the pages of a fresh fixture
// served on 127.0.0.1 and a Chromium window the width of a phone.
func eachBrowser(t *testing.T, fn func(t *testing.T, b *browser)) {
	path := chromiumPath(t)
	storetest.EachWithClock(t, pageNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		base := "http://" + ln.Addr().String()
		f := newFixture(t, s, clock, bookingpage.Options{PublicURL: base})
		srv := httptest.NewUnstartedServer(f.handler)
		srv.Listener.Close()
		srv.Listener = ln
		srv.Start()
		t.Cleanup(srv.Close)

		ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
		t.Cleanup(cancel)
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.WindowSize(390, 844),
			// Resolve no host name but 127.0.0.1 and localhost, and turn off the features that call
			// outside hosts, so that Chromium's background requests go nowhere.
			chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-domain-reliability", true),
			chromedp.Flag("no-pings", true),
		)
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
		t.Cleanup(cancelAlloc)
		tabCtx, cancelTab := chromedp.NewContext(allocCtx)
		t.Cleanup(cancelTab)
		if err := chromedp.Do(tabCtx); err != nil {
			t.Fatalf("start Chromium %s: %v", path, err)
		}
		fn(t, &browser{ctx: tabCtx, base: base, f: f})
	})
}

// do runs the steps in the tab, failing the test with what it was doing.
func (b *browser) do(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// text returns the text of the first element that matches the CSS selector.
func (b *browser) text(t *testing.T, selector string) string {
	t.Helper()
	got, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(selector), chromedp.NodeVisible))
	if err != nil {
		t.Fatalf("read %s: %v", selector, err)
	}
	return strings.Join(strings.Fields(got), " ")
}

// pickSlot clicks the label of the slot of cal at start, as a person taps it.
func (b *browser) pickSlot(t *testing.T, cal store.Calendar, start time.Time) {
	t.Helper()
	radio := chromedp.CSS(`input[name="slot"][value="` + slotValue(cal, start) + `"]`)
	id, err := chromedp.Run(b.ctx, chromedp.AttributeValue(radio, "id"))
	if err != nil || !id.Exists {
		t.Fatalf("page has no slot %s: %v", slotValue(cal, start), err)
	}
	b.do(t, "pick slot", chromedp.Click(chromedp.CSS(`label[for="`+id.Value+`"]`), chromedp.NodeVisible))
	checked, err := chromedp.Run(b.ctx, chromedp.JavascriptAttribute[bool](radio, "checked"))
	if err != nil || !checked {
		t.Fatalf("slot %s is not checked after a click on its label (%v)", slotValue(cal, start), err)
	}
}

// screenshot saves the whole page as a PNG named name in the artifacts folder and logs its path.
func (b *browser) screenshot(t *testing.T, name string) {
	t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := os.Getenv(artifactsEnv)
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := strings.NewReplacer("/", "-", " ", "-").Replace(t.Name()) + "-" + name + ".png"
	path := filepath.Join(dir, file)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

func TestBrowserBooksSlot(t *testing.T) {
	eachBrowser(t, func(t *testing.T, b *browser) {
		f := b.f
		start := chicagoAt(t, 3, 9, 14, 0)
		b.do(t, "open the booking page",
			chromedp.Navigate(b.base+pagePath),
			chromedp.WaitVisible(chromedp.CSS("form.booking-form")),
		)
		if got := b.text(t, "h1"); got != "Acme Plumbing" {
			t.Errorf("h1 = %q, want the business's name", got)
		}
		if got := b.text(t, "fieldset.day legend"); got != "Thursday, March 5" {
			t.Errorf("first day = %q, want Thursday, March 5", got)
		}
		b.screenshot(t, "page")

		b.pickSlot(t, f.repairs, start)
		b.do(t, "fill in and send the form",
			chromedp.SendKeys(chromedp.ID("name"), "Alex Doe"),
			chromedp.SendKeys(chromedp.ID("phone"), leadPhone),
			chromedp.Click(chromedp.CSS(`button[type="submit"]`), chromedp.NodeVisible),
			chromedp.WaitVisible(chromedp.CSS("dl.summary")),
		)
		if got := b.text(t, "h1"); got != "You're booked" {
			t.Errorf("h1 = %q, want You're booked", got)
		}
		summary := b.text(t, "dl.summary")
		for _, want := range []string{"Monday, March 9, 2026 at 2:00 PM CDT", "Alex Doe", "(202) 555-0143"} {
			if !strings.Contains(summary, want) {
				t.Errorf("confirmation %q lacks %q", summary, want)
			}
		}
		b.screenshot(t, "confirmation")

		rows := f.bookingsOf(f.repairs)
		if len(rows) != 1 {
			t.Fatalf("calendar has %d bookings, want 1", len(rows))
		}
		got := rows[0]
		if !got.Start.Equal(start) || got.State != store.BookingBooked || got.Source != store.BookingSourcePage ||
			got.Name != "Alex Doe" {
			t.Errorf("booking = %s %s from %s for %q, want a page booking at %s for Alex Doe",
				got.Start, got.State, got.Source, got.Name, start)
		}
		contact, err := f.s.GetContact(context.Background(), f.business.ID, got.ContactID)
		if err != nil || contact.E164 != leadE164 {
			t.Errorf("booking's contact = %q (%v), want %s", contact.E164, err, leadE164)
		}
	})
}

// A slot booked by someone else while the page was open gives the form again with a notice, the
// details kept, and the next free times.
func TestBrowserTakenSlot(t *testing.T) {
	eachBrowser(t, func(t *testing.T, b *browser) {
		f := b.f
		start := chicagoAt(t, 3, 9, 9, 0)
		b.do(t, "open the booking page",
			chromedp.Navigate(b.base+pagePath),
			chromedp.WaitVisible(chromedp.CSS("form.booking-form")),
		)
		b.pickSlot(t, f.repairs, start)

		ctx := context.Background()
		other, err := f.s.UpsertContact(ctx, f.business.ID, "+12025550170")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.bookings.Book(ctx, booking.BookRequest{
			BusinessID: f.business.ID, ContactID: other.ID, Calendar: f.repairs, Start: start,
			Source: store.BookingSourcePage,
		}); err != nil {
			t.Fatalf("other lead's booking: %v", err)
		}

		b.do(t, "fill in and send the form",
			chromedp.SendKeys(chromedp.ID("name"), "Alex Doe"),
			chromedp.SendKeys(chromedp.ID("phone"), leadPhone),
			chromedp.Click(chromedp.CSS(`button[type="submit"]`), chromedp.NodeVisible),
			chromedp.WaitVisible(chromedp.CSS(".alert-notice")),
		)
		if got := b.text(t, ".alert-notice"); !strings.HasPrefix(got,
			"That time was just taken. Pick another time. The next free times: Thu Mar 5, 11:00 AM CST") {
			t.Errorf("notice = %q", got)
		}
		for id, want := range map[string]string{"name": "Alex Doe", "phone": leadPhone} {
			got, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.ID(id)))
			if err != nil || got != want {
				t.Errorf("%s = %q (%v), want %q kept", id, got, err, want)
			}
		}
		b.screenshot(t, "taken")
		if n := len(f.bookingsOf(f.repairs)); n != 1 {
			t.Errorf("calendar has %d bookings, want 1", n)
		}
	})
}
