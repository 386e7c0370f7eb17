// Package auth signs users in to the dashboard: argon2id passwords, server-side sessions behind
// an HttpOnly cookie, a CSRF token per session, and limits on failed sign-ins per address and
// per account. It stores everything through the store, so that sessions and limits hold across
// several instances.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/textback/textback/internal/store"
)

// Session lifetimes.
const (
	// DefaultIdleTimeout ends a session nobody used for this long.
	DefaultIdleTimeout = 12 * time.Hour
	// DefaultAbsoluteTimeout ends every session this long after sign-in, used or not.
	DefaultAbsoluteTimeout = 7 * 24 * time.Hour
	// touchInterval is how stale last_seen_at may get before a request writes it again, so that
	// a busy session writes once a minute rather than once a request.
	touchInterval = time.Minute
)

// CookieName is the session cookie.
const CookieName = "textback_session"

// CSRFField is the form field that carries the session's CSRF token.
const CSRFField = "csrf_token"

// ErrInvalidLogin is returned for an unknown address or a wrong password; the two are not told
// apart.
var ErrInvalidLogin = errors.New("invalid email or password")

// Options configures New.
type Options struct {
	Store *store.Store
	// SecureCookies marks the cookie Secure, so browsers send it over HTTPS only. Set it when the
	// public URL is https.
	SecureCookies   bool
	IdleTimeout     time.Duration // defaults to DefaultIdleTimeout
	AbsoluteTimeout time.Duration // defaults to DefaultAbsoluteTimeout
	Limits          Limits        // defaults to DefaultLimits
	Clock           func() time.Time
	Logger          *slog.Logger
}

// Service signs users in and out and checks their requests. It is safe for concurrent use.
type Service struct {
	store    *store.Store
	secure   bool
	idle     time.Duration
	absolute time.Duration
	limits   Limits
	clock    func() time.Time
	log      *slog.Logger
}

// New returns a Service.
func New(opts Options) *Service {
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	if opts.AbsoluteTimeout <= 0 {
		opts.AbsoluteTimeout = DefaultAbsoluteTimeout
	}
	if opts.Limits == (Limits{}) {
		opts.Limits = DefaultLimits
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{store: opts.Store, secure: opts.SecureCookies, idle: opts.IdleTimeout,
		absolute: opts.AbsoluteTimeout, limits: opts.Limits, clock: opts.Clock, log: opts.Logger}
}

// SecureCookies reports whether cookies are marked Secure.
func (s *Service) SecureCookies() bool { return s.secure }

// NormalizeEmail returns the form addresses are stored and looked up in: trimmed, lower case.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Current is the signed-in user of a request.
type Current struct {
	User    store.User
	Session store.Session
}

// Login checks the email and password, and on success starts a session and sets its cookie. It
// returns a *LockedError while the address or the account has too many recent failures, and
// ErrInvalidLogin for a wrong address or password.
func (s *Service) Login(ctx context.Context, w http.ResponseWriter, addr, email, password string) (store.User, error) {
	email = NormalizeEmail(email)
	if err := s.checkLimits(ctx, addr, email); err != nil {
		return store.User{}, err
	}
	user, err := s.store.GetUserByEmail(ctx, email)
	hash := dummyHash()
	switch {
	case err == nil:
		hash = user.PasswordHash
	case !errors.Is(err, store.ErrNotFound):
		return store.User{}, err
	}
	ok, verifyErr := VerifyPassword(hash, password)
	if verifyErr != nil {
		s.log.Error("stored password hash unreadable", slog.Int64("user_id", int64(user.ID)),
			slog.String("error", verifyErr.Error()))
	}
	if err != nil || !ok {
		if err := s.recordFailure(ctx, addr, email); err != nil {
			return store.User{}, err
		}
		s.log.Info("sign-in failed", slog.String("address", addr))
		return store.User{}, ErrInvalidLogin
	}
	if err := s.store.ClearLoginFailures(ctx, scopeAccount, email); err != nil {
		return store.User{}, err
	}
	if err := s.start(ctx, w, user); err != nil {
		return store.User{}, err
	}
	s.log.Info("signed in", slog.Int64("user_id", int64(user.ID)))
	return user, nil
}

// start creates a session for user and sets its cookie.
func (s *Service) start(ctx context.Context, w http.ResponseWriter, user store.User) error {
	token, err := randomToken()
	if err != nil {
		return err
	}
	csrf, err := randomToken()
	if err != nil {
		return err
	}
	now := s.clock()
	if _, err := s.store.InsertSession(ctx, hashToken(token), store.Session{
		UserID: user.ID, CSRFToken: csrf, CreatedAt: now, ExpiresAt: now.Add(s.absolute),
	}); err != nil {
		return err
	}
	if err := s.store.NoteUserLogin(ctx, user.ID, now); err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(token, now.Add(s.absolute)))
	return nil
}

func (s *Service) cookie(value string, expires time.Time) *http.Cookie {
	c := &http.Cookie{
		Name: CookieName, Value: value, Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode,
	}
	if value == "" {
		c.MaxAge = -1
	} else {
		c.Expires = expires
	}
	return c
}

// Logout ends the request's session, if any, and clears the cookie.
func (s *Service) Logout(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
	http.SetCookie(w, s.cookie("", time.Time{}))
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		return nil
	}
	return s.store.DeleteSession(ctx, hashToken(c.Value))
}

// Authenticate returns the signed-in user of r, or ok false when r has no live session. A session
// past its idle or absolute expiry is deleted.
func (s *Service) Authenticate(ctx context.Context, r *http.Request) (Current, bool, error) {
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" || len(c.Value) > 128 {
		return Current{}, false, nil
	}
	hash := hashToken(c.Value)
	sess, err := s.store.GetSession(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return Current{}, false, nil
	}
	if err != nil {
		return Current{}, false, err
	}
	now := s.clock()
	if !now.Before(sess.ExpiresAt) || !now.Before(sess.LastSeenAt.Add(s.idle)) {
		return Current{}, false, s.store.DeleteSession(ctx, hash)
	}
	user, err := s.store.GetUser(ctx, sess.UserID)
	if err != nil {
		return Current{}, false, err
	}
	if now.Sub(sess.LastSeenAt) >= touchInterval {
		if err := s.store.TouchSession(ctx, sess.ID, now); err != nil {
			return Current{}, false, err
		}
		sess.LastSeenAt = now
	}
	return Current{User: user, Session: sess}, true, nil
}

// CheckCSRF reports whether the request's form carries the session's CSRF token.
func CheckCSRF(cur Current, r *http.Request) bool {
	got := r.PostFormValue(CSRFField)
	if got == "" {
		got = r.Header.Get("X-CSRF-Token")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(cur.Session.CSRFToken)) == 1
}

// PruneSessions deletes expired sessions and failed sign-ins that no limit counts any more.
func (s *Service) PruneSessions(ctx context.Context) error {
	now := s.clock()
	if _, err := s.store.DeleteExpiredSessions(ctx, now.Add(-s.idle)); err != nil {
		return err
	}
	_, err := s.store.DeleteLoginFailuresBefore(ctx, now.Add(-s.limits.longestWindow()))
	return err
}

// randomToken returns 32 random bytes in base64url, for session and CSRF tokens.
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make session token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// hashToken returns the hex SHA-256 of a session token, the form the store keeps. The token is 256
// random bits, so a fast hash is enough: there is nothing to guess.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
