package dashboard

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/textback/textback/internal/auth"
)

// loginCookie carries a random value that the sign-in form repeats, so that another site cannot
// sign a browser in to an account of its choosing.
const loginCookie = "textback_login"

type loginData struct {
	Token, Next, Email, Error string
}

func (d *Dashboard) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, ok, err := d.auth.Authenticate(r.Context(), r); err == nil && ok {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	d.renderLogin(w, r, http.StatusOK, loginData{Next: localPath(r.URL.Query().Get("next"))})
}

// renderLogin renders the sign-in form with a fresh login token.
func (d *Dashboard) renderLogin(w http.ResponseWriter, r *http.Request, status int, data loginData) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		d.serverError(w, r, err)
		return
	}
	data.Token = base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: data.Token, Path: "/login", HttpOnly: true,
		Secure: r.TLS != nil || d.auth.SecureCookies(), SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	d.render(w, r, status, "login", "", page{Title: "Sign in", Data: data})
}

func (d *Dashboard) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	email, password := r.PostFormValue("email"), r.PostFormValue("password")
	data := loginData{Next: localPath(r.PostFormValue("next")), Email: email}
	cookie, err := r.Cookie(loginCookie)
	token := r.PostFormValue("login_token")
	if err := crossOrigin.Check(r); err != nil || cookie == nil || token == "" ||
		subtle.ConstantTimeCompare([]byte(cookie.Value), []byte(token)) != 1 {
		data.Error = "The sign-in form expired. Try again."
		d.renderLogin(w, r, http.StatusForbidden, data)
		return
	}
	_, err = d.auth.Login(r.Context(), w, clientAddr(r), email, password)
	var locked *auth.LockedError
	switch {
	case errors.As(err, &locked):
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(locked.RetryAfter.Seconds()))))
		data.Error = lockedMessage(locked)
		d.renderLogin(w, r, http.StatusTooManyRequests, data)
	case errors.Is(err, auth.ErrInvalidLogin):
		data.Error = "Invalid email or password."
		d.renderLogin(w, r, http.StatusUnauthorized, data)
	case err != nil:
		d.serverError(w, r, err)
	default:
		if err := d.auth.PruneSessions(r.Context()); err != nil {
			d.log.Warn("expired sessions not pruned", slog.String("error", err.Error()))
		}
		http.SetCookie(w, &http.Cookie{Name: loginCookie, Path: "/login", MaxAge: -1})
		http.Redirect(w, r, data.Next, http.StatusSeeOther)
	}
}

func (d *Dashboard) logout(w http.ResponseWriter, r *http.Request, _ request) {
	if err := d.auth.Logout(r.Context(), w, r); err != nil {
		d.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// lockedMessage explains to the person whose sign-in was rejected why, and for how long.
func lockedMessage(e *auth.LockedError) string {
	who := "from your network"
	if e.Account {
		who = "for this account"
	}
	minutes := max(int(math.Ceil(e.RetryAfter.Minutes())), 1)
	wait := fmt.Sprintf("%d minutes", minutes)
	if e.RetryAfter <= time.Minute {
		wait = "a minute"
	}
	return fmt.Sprintf("Too many failed sign-ins %s. For your security, sign-in is paused: try again in %s.", who, wait)
}
