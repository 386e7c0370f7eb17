package dashboard_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// chromiumPaths are where Debian and other systems install Chromium.
var chromiumPaths = []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}

// newChromium starts headless Chromium with a phone-sized window that can reach only 127.0.0.1,
// and returns a tab. It skips the test when Chromium is not installed, unless CI is set.
func newChromium(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("TEXTBACK_CHROMIUM")
	if path == "" {
		for _, p := range chromiumPaths {
			if _, err := exec.LookPath(p); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		storetest.RequireOrSkip(t, "Chromium not found at "+strings.Join(chromiumPaths, ", ")+
			": install Debian's chromium, or set TEXTBACK_CHROMIUM")
		return nil
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.WindowSize(430, 932),
		// Nothing but the test server: every other host fails to resolve.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// The first run starts the browser; it must not carry a deadline, which would stop it.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium %s: %v", path, err)
	}
	return ctx
}

// artifactDir returns where screenshots go: TEXTBACK_TEST_ARTIFACTS, or a temporary folder.
func artifactDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("TEXTBACK_TEST_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

// screenshot saves a PNG of the whole page as name.png in dir.
func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// step runs actions with a time limit, failing the test with what was being done.
func step(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// waitFor polls a JavaScript condition until it is true. A poll that a navigation interrupts
// starts again on the new page.
func waitFor(t *testing.T, ctx context.Context, what, condition string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		pollCtx, cancel := context.WithTimeout(ctx, time.Second)
		_, err := chromedp.Run(pollCtx, chromedp.Poll[bool](condition, chromedp.WithPollingInterval(50*time.Millisecond)))
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func textOf(t *testing.T, ctx context.Context, selector string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(selector)))
	if err != nil {
		t.Fatalf("read %s: %v", selector, err)
	}
	return text
}

// TestBrowserInbox drives the dashboard in headless Chromium as an owner would on a phone: sign
// in, watch a missed call appear in the inbox without reloading, open its decision record, reply
// by hand, and edit a template while its segment count follows.
func TestBrowserInbox(t *testing.T) {
	ctx := newChromium(t)
	dir := artifactDir(t)
	s := newSite(t, store.SQLite, 1)

	step(t, ctx, "sign in",
		chromedp.Navigate(s.url("/dashboard/")),
		chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), "owner@example.com"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password),
		chromedp.Click(chromedp.CSS(`form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#inbox-list`)),
	)
	if text := textOf(t, ctx, "#inbox-list"); !strings.Contains(text, "No conversations yet") {
		t.Errorf("new inbox shows %q, want it empty", text)
	}
	screenshot(t, ctx, dir, "inbox-empty")

	// Mark this page load: a reload would lose the mark.
	step(t, ctx, "mark the page", chromedp.Evaluate[chromedp.Void](`window.loadMark = 42`))
	waitFor(t, ctx, "wait for the event stream", `document.documentElement.getAttribute("data-live") === "connected"`)
	s.missedCall(0, caller)
	waitFor(t, ctx, "the missed call appears live", `document.querySelector("#inbox-list").innerText.includes("`+callerShown+`")`)
	if mark, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.loadMark || 0`)); err != nil || mark != 42 {
		t.Errorf("the page reloaded to show the call (mark %d, %v), want a live update", mark, err)
	}
	screenshot(t, ctx, dir, "inbox")

	step(t, ctx, "open the conversation",
		chromedp.Click(chromedp.CSS(`#inbox-list a`)),
		chromedp.WaitVisible(chromedp.CSS(`#thread`)),
	)
	conversationURL, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
	if err != nil {
		t.Fatal(err)
	}
	step(t, ctx, "open the text details",
		chromedp.Click(chromedp.CSS(`#thread .msg.outbound a`)),
		chromedp.WaitVisible(chromedp.CSS(`table.checks`)),
	)
	screenshot(t, ctx, dir, "message-details")
	step(t, ctx, "open the decision record",
		chromedp.Click(chromedp.CSS(`main dl a[href*="/calls/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.decision`)),
	)
	if text := textOf(t, ctx, ".decision"); !strings.Contains(text, "missed") || !strings.Contains(text, "no-answer") {
		t.Errorf("decision record reads %q, want a missed call with no-answer", text)
	}
	screenshot(t, ctx, dir, "call-decision")

	step(t, ctx, "back to the conversation", chromedp.Navigate(conversationURL),
		chromedp.WaitVisible(chromedp.CSS(`#reply-body`)))
	step(t, ctx, "type a reply", chromedp.SendKeys(chromedp.CSS(`#reply-body`), "Hi, this is Dana. We can come today at 3pm."))
	waitFor(t, ctx, "the reply's segment count", `document.querySelector("#reply-count").textContent.includes("1 segment")`)
	step(t, ctx, "send the reply", chromedp.Click(chromedp.CSS(`form.reply button[type="submit"]`)))
	// The page reloads after the reply, with an empty reply box.
	waitFor(t, ctx, "the reply in the thread", `document.querySelector("#reply-body").value === "" && `+
		`document.querySelector("#thread").innerText.includes("We can come today at 3pm")`)
	if text := textOf(t, ctx, "main"); !strings.Contains(text, "Automation paused until") {
		t.Error("after a manual reply the page does not say automation is paused")
	}
	screenshot(t, ctx, dir, "conversation")

	step(t, ctx, "open the settings",
		chromedp.Navigate(s.url("/dashboard/demo-plumbing/settings")),
		chromedp.WaitVisible(chromedp.CSS(`#text-back-template`)),
	)
	before := textOf(t, ctx, "#text-back-count")
	if !strings.Contains(before, "GSM-7") {
		t.Errorf("text-back count before editing = %q, want a GSM-7 count", before)
	}
	step(t, ctx, "edit the template",
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#text-back-template").value = ""`),
		chromedp.SendKeys(chromedp.CSS(`#text-back-template`), "Sorry we missed you at {business} 😀 Reply here or book: {booking_link}"),
	)
	waitFor(t, ctx, "the count follows the edit", `document.querySelector("#text-back-count").textContent.includes("UCS-2")`)
	after := textOf(t, ctx, "#text-back-count")
	if after == before {
		t.Errorf("segment count stayed %q after the edit", after)
	}
	screenshot(t, ctx, dir, "settings")
	step(t, ctx, "save the settings",
		chromedp.Click(chromedp.CSS(`form.settings > button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if biz := s.business("demo-plumbing"); !strings.Contains(biz.TextBack.Template, "😀") {
		t.Errorf("saved template %q, want the edited text", biz.TextBack.Template)
	}

	step(t, ctx, "open the analytics", chromedp.Navigate(s.url("/dashboard/demo-plumbing/analytics")),
		chromedp.WaitVisible(chromedp.CSS(`svg.chart`)))
	screenshot(t, ctx, dir, "analytics")
	step(t, ctx, "open the call log", chromedp.Navigate(s.url("/dashboard/demo-plumbing/calls")),
		chromedp.WaitVisible(chromedp.CSS(`#call-list`)))
	screenshot(t, ctx, dir, "calls")
}
