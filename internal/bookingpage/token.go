package bookingpage

import (
	"crypto/subtle"
	"net/http"
)

// Names of the cookie that carries the form token. Browsers accept a __Host- cookie only when it
// is Secure, has Path=/ and no Domain, so no other host can set or replace it.
const (
	tokenCookieName       = "textback-form"
	secureTokenCookieName = "__Host-textback-form"
)

// tokenCookie issues and checks the double-submit token: a random value that the page stores in
// a cookie and repeats in a hidden field of its form. A POST is accepted only when both are
// present and equal.
type tokenCookie struct {
	name   string
	secure bool
}

func newTokenCookie(secure bool) tokenCookie {
	if secure {
		return tokenCookie{name: secureTokenCookieName, secure: true}
	}
	return tokenCookie{name: tokenCookieName}
}

// issue returns the browser's token, reusing the one its cookie carries so that forms open in
// several tabs stay valid, or sets a cookie with a new one.
func (c tokenCookie) issue(w http.ResponseWriter, r *http.Request) string {
	if token, ok := c.read(r); ok {
		return token
	}
	token := newKey()
	// A session cookie: it ends when the browser closes, and carries nothing about the visitor.
	http.SetCookie(w, &http.Cookie{
		Name: c.name, Value: token, Path: "/", HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode,
	})
	return token
}

// valid reports whether the form's token equals the one in the request's cookie.
func (c tokenCookie) valid(r *http.Request, formToken string) bool {
	cookie, ok := c.read(r)
	if !ok || !formKey.MatchString(formToken) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(cookie), []byte(formToken)) == 1
}

// read returns the token in the request's cookie when it is well formed.
func (c tokenCookie) read(r *http.Request) (string, bool) {
	cookie, err := r.Cookie(c.name)
	if err != nil || !formKey.MatchString(cookie.Value) {
		return "", false
	}
	return cookie.Value, true
}
