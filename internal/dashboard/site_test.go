package dashboard_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/app"
	"github.com/textback/textback/internal/auth"
	"github.com/textback/textback/internal/config"
	"github.com/textback/textback/internal/simulate"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// publicURL is what the test servers believe providers call; simulated webhooks are signed for it
// and sent to the listener.
const publicURL = "http://127.0.0.1:8080"

const (
	password = "correct horse battery"
	caller   = "+12025550143"
	// callerShown is caller as the dashboard writes it.
	callerShown = "(202) 555-0143"
)

// site is running textback instances on one fresh database, seeded with the demo business and an
// owner of it.
type site struct {
	t     testing.TB
	apps  []*app.App
	store *store.Store
	db    string
}

// eachDatabase runs fn once per database.
func eachDatabase(t *testing.T, fn func(t *testing.T, d store.Dialect)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, d) })
	}
}

// newSite starts instances textback processes on one database with the demo business, whose
// owner is owner@example.com.
func newSite(t testing.TB, d store.Dialect, instances int) *site {
	t.Helper()
	ctx := context.Background()
	cfg := config.Config{Addr: "127.0.0.1:0", DB: storetest.Target(t, d), PublicURL: publicURL}
	s := &site{t: t, db: cfg.DB}
	for i := range instances {
		log := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
		a, err := app.New(ctx, cfg, app.Options{NoDemo: i > 0, ResultWait: time.Second, Logger: log})
		if err != nil {
			t.Fatalf("new app: %v", err)
		}
		if err := a.Start(ctx); err != nil {
			t.Fatalf("start app: %v", err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := a.Stop(ctx); err != nil {
				t.Errorf("stop app: %v", err)
			}
		})
		s.apps = append(s.apps, a)
	}
	s.store = s.apps[0].Store()
	s.addUser("owner@example.com", store.Membership{BusinessID: s.business(app.DemoSlug).ID, Role: store.RoleOwner})
	return s
}

// testLog writes log lines to the test's log, so that a failure shows what the servers logged.
type testLog struct{ t testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// url returns the address of path on instance 0.
func (s *site) url(path string) string { return s.urlOf(0, path) }

func (s *site) urlOf(i int, path string) string { return "http://" + s.apps[i].Addr() + path }

func (s *site) business(slug string) store.Business {
	s.t.Helper()
	b, err := s.store.GetBusinessBySlug(context.Background(), slug)
	if err != nil {
		s.t.Fatal(err)
	}
	return b
}

// addUser creates a user with password and the membership m.
func (s *site) addUser(email string, m store.Membership) store.User {
	s.t.Helper()
	ctx := context.Background()
	hash, err := auth.HashPassword(password)
	if err != nil {
		s.t.Fatal(err)
	}
	u, err := s.store.InsertUser(ctx, email, hash)
	if err != nil {
		s.t.Fatal(err)
	}
	m.UserID = u.ID
	if _, err := s.store.AddMembership(ctx, m); err != nil {
		s.t.Fatal(err)
	}
	return u
}

// missedCall plays a call from from to the demo number that nobody answers, on instance i, and
// waits for its decision.
func (s *site) missedCall(i int, from string) store.Call {
	s.t.Helper()
	ctx := context.Background()
	number, err := s.store.GetNumberByE164(ctx, app.DemoNumber)
	if err != nil {
		s.t.Fatal(err)
	}
	prov, err := s.store.GetProvider(ctx, number.ProviderID)
	if err != nil {
		s.t.Fatal(err)
	}
	sid, err := simulate.Call{
		Server: s.urlOf(i, ""), PublicURL: publicURL, Account: prov.Account(), Number: number, From: from,
		Outcome: simulate.NoAnswer, Client: &http.Client{Timeout: 10 * time.Second}, Log: io.Discard,
	}.Run(ctx)
	if err != nil {
		s.t.Fatalf("simulate call: %v", err)
	}
	call, _, err := simulate.Wait(ctx, s.store, prov.ID, sid, 15*time.Second)
	if err != nil {
		s.t.Fatalf("wait for the decision: %v", err)
	}
	return call
}

// browser is an HTTP client with a cookie jar that does not follow redirects.
type browser struct {
	t      testing.TB
	client *http.Client
	csrf   string
}

func newBrowser(t testing.TB) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, client: &http.Client{
		Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// get fetches u and returns the status and body.
func (b *browser) get(u string) (int, string) {
	b.t.Helper()
	resp, err := b.client.Get(u)
	if err != nil {
		b.t.Fatalf("GET %s: %v", u, err)
	}
	return readResponse(b.t, resp)
}

// post sends form to u, with the session's CSRF token unless form sets csrf_token itself.
func (b *browser) post(u string, form url.Values) (int, string) {
	b.t.Helper()
	if _, ok := form["csrf_token"]; !ok && b.csrf != "" {
		form = cloneForm(form)
		form.Set("csrf_token", b.csrf)
	}
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("POST %s: %v", u, err)
	}
	return readResponse(b.t, resp)
}

func readResponse(t testing.TB, resp *http.Response) (int, string) {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		return resp.StatusCode, "Location: " + loc + "\n" + string(body)
	}
	return resp.StatusCode, string(body)
}

func cloneForm(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

var (
	loginTokenField = regexp.MustCompile(`name="login_token" value="([^"]+)"`)
	csrfMeta        = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)
)

// login signs in on the site's instance 0 and returns the status of the answer.
func (b *browser) login(s *site, email, pw string) (int, string) {
	b.t.Helper()
	_, page := b.get(s.url("/login"))
	m := loginTokenField.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatalf("login page has no login token:\n%s", page)
	}
	status, body := b.post(s.url("/login"), url.Values{"login_token": {m[1]}, "email": {email}, "password": {pw}})
	if status == http.StatusSeeOther {
		b.loadCSRF(s)
	}
	return status, body
}

// loadCSRF reads the session's CSRF token from a dashboard page.
func (b *browser) loadCSRF(s *site) {
	b.t.Helper()
	_, page := b.get(s.url("/dashboard/" + app.DemoSlug + "/tasks"))
	if m := csrfMeta.FindStringSubmatch(page); m != nil {
		b.csrf = m[1]
		return
	}
	// A user of another business: read it from the page /dashboard/ leads to.
	_, page = b.get(s.url("/dashboard/"))
	if loc, ok := strings.CutPrefix(firstLine(page), "Location: "); ok {
		_, page = b.get(s.url(loc))
	}
	if m := csrfMeta.FindStringSubmatch(page); m != nil {
		b.csrf = m[1]
	}
}

// signedIn returns a browser signed in as email.
func signedIn(t testing.TB, s *site, email string) *browser {
	t.Helper()
	b := newBrowser(t)
	if status, body := b.login(s, email, password); status != http.StatusSeeOther {
		t.Fatalf("login as %s: status %d\n%s", email, status, body)
	}
	if b.csrf == "" {
		t.Fatalf("no CSRF token found after signing in as %s", email)
	}
	return b
}
