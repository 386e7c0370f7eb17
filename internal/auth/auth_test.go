package auth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/auth"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

var start = time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC)

const password = "correct horse battery"

// newService returns a service on s with a test user, dana@example.com.
func newService(t *testing.T, s *store.Store, clock *storetest.Clock, secure bool) (*auth.Service, store.User) {
	t.Helper()
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.InsertUser(context.Background(), "dana@example.com", hash)
	if err != nil {
		t.Fatal(err)
	}
	return auth.New(auth.Options{Store: s, SecureCookies: secure, Clock: clock.Now}), u
}

// login signs in and returns the session cookie.
func login(t *testing.T, svc *auth.Service, addr, email, pw string) (*http.Cookie, error) {
	t.Helper()
	rec := httptest.NewRecorder()
	if _, err := svc.Login(context.Background(), rec, addr, email, pw); err != nil {
		return nil, err
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == auth.CookieName {
			return c, nil
		}
	}
	t.Fatal("login set no session cookie")
	return nil, nil
}

// requestWith returns a request that carries the cookie.
func requestWith(c *http.Cookie) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/dashboard/", nil)
	if c != nil {
		r.AddCookie(c)
	}
	return r
}

func TestLoginSetsSecureCookie(t *testing.T) {
	storetest.EachWithClock(t, start, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		for _, secure := range []bool{false, true} {
			svc, _ := newService(t, s, clock, secure)
			c, err := login(t, svc, "192.0.2.1", " Dana@Example.com ", password)
			if err != nil {
				t.Fatalf("login: %v", err)
			}
			if !c.HttpOnly {
				t.Error("session cookie is not HttpOnly")
			}
			if c.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie SameSite = %v, want Lax", c.SameSite)
			}
			if c.Secure != secure {
				t.Errorf("session cookie Secure = %v, want %v", c.Secure, secure)
			}
			if len(c.Value) < 40 {
				t.Errorf("session token %q is too short to be random enough", c.Value)
			}
			var stored int
			if err := s.DB().QueryRowContext(context.Background(),
				"SELECT count(*) FROM sessions WHERE token_hash = $1", c.Value).Scan(&stored); err != nil {
				t.Fatal(err)
			}
			if stored != 0 {
				t.Error("the session token is stored as it is; only its hash may be")
			}
			if _, err := s.DB().ExecContext(context.Background(), "DELETE FROM users"); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestAuthenticateAndExpiry(t *testing.T) {
	storetest.EachWithClock(t, start, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		svc, u := newService(t, s, clock, false)
		c, err := login(t, svc, "192.0.2.1", "dana@example.com", password)
		if err != nil {
			t.Fatal(err)
		}
		cur, ok, err := svc.Authenticate(ctx, requestWith(c))
		if err != nil || !ok || cur.User.ID != u.ID {
			t.Fatalf("authenticate: %+v %v %v, want user %d", cur, ok, err, u.ID)
		}
		if cur.Session.CSRFToken == "" {
			t.Error("session has no CSRF token")
		}
		// Used every 11 hours for 165 hours, the session outlives the 12-hour idle timeout...
		for range 15 {
			clock.Advance(11 * time.Hour)
			if _, ok, err := svc.Authenticate(ctx, requestWith(c)); err != nil || !ok {
				t.Fatalf("session used every 11 h ended at %v: %v", clock.Now(), err)
			}
		}
		// ...but not the 7-day absolute timeout.
		clock.Advance(11 * time.Hour)
		if _, ok, err := svc.Authenticate(ctx, requestWith(c)); err != nil || ok {
			t.Errorf("session older than 7 days still valid (err %v)", err)
		}

		c, err = login(t, svc, "192.0.2.1", "dana@example.com", password)
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(12*time.Hour + time.Second)
		if _, ok, err := svc.Authenticate(ctx, requestWith(c)); err != nil || ok {
			t.Errorf("session idle for 12 h still valid (err %v)", err)
		}
		if _, ok, _ := svc.Authenticate(ctx, requestWith(&http.Cookie{Name: auth.CookieName, Value: "forged"})); ok {
			t.Error("a forged token authenticated")
		}
		if _, ok, _ := svc.Authenticate(ctx, requestWith(nil)); ok {
			t.Error("a request without a cookie authenticated")
		}
	})
}

func TestLogoutEndsSession(t *testing.T) {
	storetest.EachWithClock(t, start, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		svc, _ := newService(t, s, clock, false)
		c, err := login(t, svc, "192.0.2.1", "dana@example.com", password)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		if err := svc.Logout(ctx, rec, requestWith(c)); err != nil {
			t.Fatal(err)
		}
		cleared := false
		for _, rc := range rec.Result().Cookies() {
			cleared = cleared || (rc.Name == auth.CookieName && rc.MaxAge < 0)
		}
		if !cleared {
			t.Error("logout did not clear the cookie")
		}
		if _, ok, err := svc.Authenticate(ctx, requestWith(c)); err != nil || ok {
			t.Errorf("the old cookie still authenticates after logout (err %v)", err)
		}
	})
}

func TestWrongPassword(t *testing.T) {
	storetest.EachWithClock(t, start, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		svc, _ := newService(t, s, clock, false)
		for _, c := range []struct{ email, pw string }{
			{"dana@example.com", "wrong password!"},
			{"nobody@example.com", password},
			{"", ""},
		} {
			if _, err := login(t, svc, "192.0.2.1", c.email, c.pw); !errors.Is(err, auth.ErrInvalidLogin) {
				t.Errorf("login(%q, %q) = %v, want ErrInvalidLogin", c.email, c.pw, err)
			}
		}
	})
}

func TestAccountLockout(t *testing.T) {
	storetest.EachWithClock(t, start, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		svc, _ := newService(t, s, clock, false)
		for i := range auth.DefaultLimits.PerAccount.Failures {
			// Each guess from another address, so that only the account limit applies.
			addr := fmt.Sprintf("192.0.2.%d", 10+i)
			if _, err := login(t, svc, addr, "dana@example.com", "wrong password!"); !errors.Is(err, auth.ErrInvalidLogin) {
				t.Fatalf("guess %d: %v", i+1, err)
			}
		}
		_, err := login(t, svc, "198.51.100.7", "dana@example.com", password)
		var locked *auth.LockedError
		if !errors.As(err, &locked) || !locked.Account {
			t.Fatalf("right password after 5 failures: %v, want an account lockout", err)
		}
		if !strings.Contains(err.Error(), "try again in 15 minute") {
			t.Errorf("lockout message %q does not say when to try again", err)
		}
		clock.Advance(15*time.Minute + time.Second)
		if _, err := login(t, svc, "198.51.100.7", "dana@example.com", password); err != nil {
			t.Errorf("login after the window: %v", err)
		}
	})
}

func TestAddressLockout(t *testing.T) {
	storetest.EachWithClock(t, start, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		svc, _ := newService(t, s, clock, false)
		for i := range auth.DefaultLimits.PerAddress.Failures {
			email := fmt.Sprintf("guess%d@example.com", i)
			if _, err := login(t, svc, "203.0.113.9", email, "whatever-password"); !errors.Is(err, auth.ErrInvalidLogin) {
				t.Fatalf("guess %d: %v", i+1, err)
			}
		}
		_, err := login(t, svc, "203.0.113.9", "dana@example.com", password)
		var locked *auth.LockedError
		if !errors.As(err, &locked) || locked.Account {
			t.Fatalf("login from a guessing address: %v, want an address lockout", err)
		}
		if _, err := login(t, svc, "198.51.100.7", "dana@example.com", password); err != nil {
			t.Errorf("login from another address: %v", err)
		}
	})
}

func TestCheckCSRF(t *testing.T) {
	cur := auth.Current{Session: store.Session{CSRFToken: "token-123"}}
	cases := map[string]struct {
		form url.Values
		want bool
	}{
		"right token": {url.Values{auth.CSRFField: {"token-123"}}, true},
		"wrong token": {url.Values{auth.CSRFField: {"token-124"}}, false},
		"no token":    {url.Values{}, false},
		"empty token": {url.Values{auth.CSRFField: {""}}, false},
	}
	for name, c := range cases {
		r := httptest.NewRequest(http.MethodPost, "/dashboard/x", strings.NewReader(c.form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if got := auth.CheckCSRF(cur, r); got != c.want {
			t.Errorf("%s: CheckCSRF = %v, want %v", name, got, c.want)
		}
	}
	empty := auth.Current{}
	r := httptest.NewRequest(http.MethodPost, "/dashboard/x", strings.NewReader(auth.CSRFField+"="))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if auth.CheckCSRF(empty, r) {
		t.Error("an empty token matched a session without one")
	}
}
