package dashboard_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/app"
	"github.com/textback/textback/internal/store"
)

func TestSignIn(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d, 1)
		b := newBrowser(t)

		status, body := b.get(s.url("/dashboard/demo-plumbing/inbox"))
		if status != http.StatusSeeOther || !strings.Contains(body, "Location: /login?next=%2Fdashboard%2Fdemo-plumbing%2Finbox") {
			t.Errorf("signed-out inbox: %d %q, want a redirect to /login with next", status, firstLine(body))
		}
		status, body = b.login(s, "owner@example.com", "wrong password!")
		if status != http.StatusUnauthorized || !strings.Contains(body, "Invalid email or password.") {
			t.Errorf("wrong password: %d, want 401 with a message", status)
		}
		status, body = b.login(s, "Owner@Example.com", password)
		if status != http.StatusSeeOther || !strings.Contains(body, "Location: /dashboard/") {
			t.Fatalf("login: %d %q, want a redirect to /dashboard/", status, firstLine(body))
		}
		status, body = b.get(s.url("/dashboard/"))
		if status != http.StatusSeeOther || !strings.Contains(body, "Location: /dashboard/demo-plumbing/inbox") {
			t.Errorf("home of a one-business user: %d %q, want its inbox", status, firstLine(body))
		}

		// Every POST needs the session's CSRF token.
		for _, token := range []string{"", "forged"} {
			status, _ = b.post(s.url("/logout"), url.Values{"csrf_token": {token}})
			if status != http.StatusForbidden {
				t.Errorf("logout with CSRF token %q: %d, want 403", token, status)
			}
		}
		if status, _ = b.get(s.url("/dashboard/demo-plumbing/inbox")); status != http.StatusOK {
			t.Fatalf("inbox after refused logouts: %d, want 200", status)
		}
		status, _ = b.post(s.url("/logout"), url.Values{})
		if status != http.StatusSeeOther {
			t.Errorf("logout: %d, want 303", status)
		}
		if status, _ = b.get(s.url("/dashboard/demo-plumbing/inbox")); status != http.StatusSeeOther {
			t.Errorf("inbox after logout: %d, want a redirect to sign in", status)
		}
	})
}

func TestSignInLockout(t *testing.T) {
	s := newSite(t, store.SQLite, 1)
	b := newBrowser(t)
	for i := range 5 {
		if status, _ := b.login(s, "owner@example.com", "wrong password!"); status != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d, want 401", i+1, status)
		}
	}
	status, body := b.login(s, "owner@example.com", password)
	if status != http.StatusTooManyRequests {
		t.Errorf("right password after 5 failures: %d, want 429", status)
	}
	if !strings.Contains(body, "Too many failed sign-ins for this account") || !strings.Contains(body, "try again in 15 minutes") {
		t.Errorf("lockout page does not explain the lockout:\n%s", body)
	}
}

func TestLoginRejectsForeignForm(t *testing.T) {
	s := newSite(t, store.SQLite, 1)
	b := newBrowser(t)
	status, _ := b.post(s.url("/login"), url.Values{"login_token": {"made-up"}, "email": {"owner@example.com"},
		"password": {password}})
	if status != http.StatusForbidden {
		t.Errorf("login without the form's token: %d, want 403", status)
	}
	b = newBrowser(t)
	status, body := b.login(s, "owner@example.com", password)
	if status != http.StatusSeeOther {
		t.Fatalf("login: %d", status)
	}
	_ = body
	for _, next := range []string{"https://evil.example.com/", "//evil.example.com/x", "/dashboard/../login"} {
		b := newBrowser(t)
		_, page := b.get(s.url("/login?next=" + url.QueryEscape(next)))
		token := loginTokenField.FindStringSubmatch(page)[1]
		status, body := b.post(s.url("/login"), url.Values{"login_token": {token}, "email": {"owner@example.com"},
			"password": {password}, "next": {next}})
		if status != http.StatusSeeOther || !strings.HasPrefix(body, "Location: /dashboard/") || strings.Contains(firstLine(body), "evil") {
			t.Errorf("login with next %q: %d %q, want a redirect inside the dashboard", next, status, firstLine(body))
		}
	}
}

var (
	conversationLink = regexp.MustCompile(`/dashboard/demo-plumbing/conversations/(\d+)`)
	messageLink      = regexp.MustCompile(`/dashboard/demo-plumbing/messages/(\d+)`)
)

func TestMissedCallPages(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d, 1)
		b := signedIn(t, s, "owner@example.com")
		call := s.missedCall(0, caller)

		status, inbox := b.get(s.url("/dashboard/demo-plumbing/inbox"))
		if status != http.StatusOK || !strings.Contains(inbox, callerShown) {
			t.Fatalf("inbox after a missed call: %d, want the caller %s:\n%s", status, callerShown, inbox)
		}
		for _, q := range []string{"0143", "202-555", "(202) 555-0143"} {
			_, found := b.get(s.url("/dashboard/demo-plumbing/inbox?q=" + url.QueryEscape(q)))
			if !strings.Contains(found, callerShown) {
				t.Errorf("search %q does not find the caller", q)
			}
		}
		if _, none := b.get(s.url("/dashboard/demo-plumbing/inbox?q=9999")); strings.Contains(none, callerShown) {
			t.Error("search 9999 finds the caller")
		}
		conv := conversationLink.FindStringSubmatch(inbox)
		if conv == nil {
			t.Fatal("inbox links to no conversation")
		}
		_, thread := b.get(s.url(conv[0]))
		if !strings.Contains(thread, "Sorry we missed your call") && !strings.Contains(thread, "missed") {
			t.Errorf("conversation does not show the text back:\n%s", thread)
		}
		msg := messageLink.FindStringSubmatch(thread)
		if msg == nil {
			t.Fatal("conversation links to no message details")
		}
		_, details := b.get(s.url(msg[0]))
		for _, want := range []string{"Checks on the way out", "opt_out", "passed", "missed call", "text_back",
			"Values filled in", "{business}", "Demo Plumbing"} {
			if !strings.Contains(details, want) {
				t.Errorf("message details lack %q", want)
			}
		}
		_, callPage := b.get(s.url(fmt.Sprintf("/dashboard/demo-plumbing/calls/%d", call.ID)))
		for _, want := range []string{"Decision record", template(call.Decision), "no-answer", "missed"} {
			if !strings.Contains(callPage, want) {
				t.Errorf("call page lacks %q", want)
			}
		}
		_, calls := b.get(s.url("/dashboard/demo-plumbing/calls"))
		if !strings.Contains(calls, callerShown) {
			t.Error("call log does not list the call")
		}
		_, contact := b.get(s.url(fmt.Sprintf("/dashboard/demo-plumbing/contacts/%d", call.ContactID)))
		for _, want := range []string{"Timeline", "Call", "Text out", "may be texted"} {
			if !strings.Contains(contact, want) {
				t.Errorf("contact page lacks %q", want)
			}
		}
	})
}

// template escapes s as html/template writes text.
func template(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "+", "&#43;").Replace(s)
}

func TestManualReply(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d, 1)
		b := signedIn(t, s, "owner@example.com")
		call := s.missedCall(0, caller)
		ctx := context.Background()
		sc, err := s.store.OpenScope(ctx, userID(t, s, "owner@example.com"), app.DemoSlug)
		if err != nil {
			t.Fatal(err)
		}
		conv, err := sc.ConversationByContact(ctx, call.ContactID)
		if err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/dashboard/demo-plumbing/conversations/%d", conv.ID)

		status, body := b.post(s.url(path+"/reply"), url.Values{"body": {"  "}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Write a reply before sending.") {
			t.Errorf("empty reply: %d, want 422 with a message", status)
		}
		status, body = b.post(s.url(path+"/reply"), url.Values{"body": {strings.Repeat("x", 1601)}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "too long") {
			t.Errorf("long reply: %d, want 422 with a message", status)
		}
		form := url.Values{"body": {"Hi, this is Dana. We can come at 3pm <b>today</b>."}, "key": {strings.Repeat("ab", 16)}}
		for range 2 { // a double submit sends one text
			if status, body = b.post(s.url(path+"/reply"), form); status != http.StatusSeeOther {
				t.Fatalf("reply: %d %s", status, firstLine(body))
			}
		}
		msgs, err := sc.ConversationMessages(ctx, conv.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		var replies []store.Message
		for _, m := range msgs {
			if m.Purpose == store.PurposeStaffReply {
				replies = append(replies, m)
			}
		}
		if len(replies) != 1 {
			t.Fatalf("%d manual replies stored, want 1", len(replies))
		}
		if replies[0].SentBy != "owner@example.com" || replies[0].Automated {
			t.Errorf("reply sent by %q, automated %v; want the owner, not automated", replies[0].SentBy, replies[0].Automated)
		}
		conv, err = sc.ConversationByContact(ctx, call.ContactID)
		if err != nil {
			t.Fatal(err)
		}
		if !conv.Paused(time.Now()) {
			t.Error("automation is not paused after a manual reply")
		}
		_, thread := b.get(s.url(path))
		if !strings.Contains(thread, "&lt;b&gt;today&lt;/b&gt;") || strings.Contains(thread, "<b>today</b>") {
			t.Error("the reply's markup is not escaped on the page")
		}
		if !strings.Contains(thread, "Automation paused until") {
			t.Error("conversation page does not say automation is paused")
		}
	})
}

func userID(t *testing.T, s *site, email string) store.UserID {
	t.Helper()
	u, err := s.store.GetUserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// TestTenantIsolationOverHTTP guesses the ids of the demo business's records as the owner of
// another business: every page and form must answer 404 and show nothing of them.
func TestTenantIsolationOverHTTP(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d, 1)
		ctx := context.Background()
		call := s.missedCall(0, caller)
		other, err := s.store.UpsertBusiness(ctx, store.Business{Slug: "other-co", Name: "Other Co",
			TimeZone: "America/Chicago", Region: "US",
			TextBack: store.TextBackSettings{Enabled: true, Window: time.Hour, Template: "Hi", AfterHoursTemplate: "Hi"}})
		if err != nil {
			t.Fatal(err)
		}
		s.addUser("intruder@example.com", store.Membership{BusinessID: other.ID, Role: store.RoleOwner})
		owner := signedIn(t, s, "owner@example.com")
		_, inbox := owner.get(s.url("/dashboard/demo-plumbing/inbox"))
		convID := conversationLink.FindStringSubmatch(inbox)[1]
		_, thread := owner.get(s.url("/dashboard/demo-plumbing/conversations/" + convID))
		msgID := messageLink.FindStringSubmatch(thread)[1]
		task, _, err := s.store.InsertTask(ctx, store.NewTask{BusinessID: s.business(app.DemoSlug).ID,
			ContactID: call.ContactID, Kind: store.TaskCallBack, Title: "Call back the lead", Priority: "normal",
			DueAt: time.Now()})
		if err != nil {
			t.Fatal(err)
		}

		intruder := signedIn(t, s, "intruder@example.com")
		ids := map[string]string{
			"conversations": convID, "contacts": fmt.Sprint(call.ContactID), "calls": fmt.Sprint(call.ID),
			"messages": msgID,
		}
		for _, base := range []string{"/dashboard/other-co/", "/dashboard/demo-plumbing/"} {
			for kind, id := range ids {
				status, body := intruder.get(s.url(base + kind + "/" + id))
				if status != http.StatusNotFound {
					t.Errorf("GET %s%s/%s as another tenant: %d, want 404", base, kind, id, status)
				}
				if strings.Contains(body, callerShown) || strings.Contains(body, "0143") {
					t.Errorf("GET %s%s/%s as another tenant shows the caller", base, kind, id)
				}
			}
		}
		for _, page := range []string{"inbox", "calls", "tasks", "events", "settings", "analytics", "deliveries"} {
			if status, _ := intruder.get(s.url("/dashboard/demo-plumbing/" + page)); status != http.StatusNotFound {
				t.Errorf("GET demo-plumbing's %s as another tenant: %d, want 404", page, status)
			}
		}
		posts := map[string]url.Values{
			"/conversations/" + convID + "/reply":  {"body": {"hello from another tenant"}},
			"/conversations/" + convID + "/assign": {"user_id": {"0"}},
			fmt.Sprintf("/tasks/%d/done", task.ID): {},
		}
		for _, base := range []string{"/dashboard/other-co", "/dashboard/demo-plumbing"} {
			for path, form := range posts {
				if status, _ := intruder.post(s.url(base+path), form); status != http.StatusNotFound {
					t.Errorf("POST %s%s as another tenant: %d, want 404", base, path, status)
				}
			}
		}
		if status, _ := intruder.post(s.url("/dashboard/demo-plumbing/settings"), url.Values{"hours_mon": {""}}); status != http.StatusNotFound {
			t.Errorf("POST demo-plumbing's settings as another tenant: %d, want 404", status)
		}
		if biz := s.business(app.DemoSlug); len(biz.Hours[time.Monday]) != 1 {
			t.Error("another tenant changed demo-plumbing's hours")
		}
		msgs, err := s.store.ListRecentMessages(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if strings.Contains(m.Body, "another tenant") {
				t.Errorf("a text from another tenant was stored: %+v", m)
			}
		}
		tasks, err := s.store.ListTasks(ctx, s.business(app.DemoSlug).ID, "open", 10)
		if err != nil || len(tasks) != 1 {
			t.Errorf("demo's open tasks after the attempts: %d, %v; want 1", len(tasks), err)
		}
	})
}

// TestLiveEventsAcrossInstances opens the inbox's event stream on one instance and plays a
// missed call on another: the stream must report the activity.
func TestLiveEventsAcrossInstances(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d, 2)
		b := signedIn(t, s, "owner@example.com")
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.urlOf(1, "/dashboard/demo-plumbing/events"), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := b.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("event stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		lines := make(chan string, 100)
		go func() {
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Wait for the stream to be subscribed before the call.
		for line := range lines {
			if line == ": connected" {
				break
			}
		}
		time.Sleep(300 * time.Millisecond) // let the instance's listener settle
		s.missedCall(0, caller)
		want := fmt.Sprintf("data: %d", s.business(app.DemoSlug).ID)
		deadline := time.After(10 * time.Second)
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					t.Fatal("event stream ended before any activity")
				}
				if line == want {
					return
				}
			case <-deadline:
				t.Fatal("no activity event on instance 1 within 10 s of a call on instance 0")
			}
		}
	})
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
