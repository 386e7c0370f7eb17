package dashboard

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/textback/textback/internal/auth"
	"github.com/textback/textback/internal/store"
)

// contentSecurityPolicy allows only the dashboard's own script, styles and requests, so that text
// a caller sent can never run as script even if escaping failed somewhere.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

func setHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("Cache-Control", "no-store")
}

// request is a signed-in request, with the business its path names when the route is scoped.
type request struct {
	cur   auth.Current
	scope store.Scope
	biz   store.Business
}

type userHandler func(w http.ResponseWriter, r *http.Request, req request)

// crossOrigin rejects state-changing requests that a browser marks as sent from another site, in
// addition to the CSRF token every form carries.
var crossOrigin = http.NewCrossOriginProtection()

// user runs next for a signed-in user, and sends others to the sign-in page. A POST must carry
// the session's CSRF token.
func (d *Dashboard) user(next userHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cur, ok, err := d.auth.Authenticate(r.Context(), r)
		if err != nil {
			d.serverError(w, r, err)
			return
		}
		if !ok {
			d.toLogin(w, r)
			return
		}
		if r.Method == http.MethodPost {
			if err := crossOrigin.Check(r); err != nil || !auth.CheckCSRF(cur, r) {
				d.errorPage(w, r, http.StatusForbidden, "Form expired",
					"This form was not sent from a page of this dashboard, or it has expired. Go back, reload the page and try again.")
				return
			}
		}
		next(w, r, request{cur: cur})
	})
}

// scoped runs next for a signed-in user who may open the business in the path, and responds 404
// to anyone else, whether or not the business exists.
func (d *Dashboard) scoped(next userHandler) http.Handler {
	return d.user(func(w http.ResponseWriter, r *http.Request, req request) {
		sc, err := d.store.OpenScope(r.Context(), req.cur.User.ID, r.PathValue("slug"))
		if err != nil {
			d.fail(w, r, err)
			return
		}
		biz, err := sc.GetBusiness(r.Context())
		if err != nil {
			d.fail(w, r, err)
			return
		}
		req.scope, req.biz = sc, biz
		next(w, r, req)
	})
}

// owner runs next only for roles that may change settings.
func (d *Dashboard) owner(next userHandler) userHandler {
	return func(w http.ResponseWriter, r *http.Request, req request) {
		if !req.scope.Role().CanEditSettings() {
			d.errorPage(w, r, http.StatusForbidden, "Owners only",
				"Only the business's owners and its agency's admins can change its settings.")
			return
		}
		next(w, r, req)
	}
}

// toLogin redirects a browser to the sign-in page, remembering where it was going. Requests
// made by the page's script get 401 instead.
func (d *Dashboard) toLogin(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Requested-With") != "" || r.Method != http.MethodGet {
		http.Error(w, "sign in again", http.StatusUnauthorized)
		return
	}
	http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
}

// page returns a page for req with the fields every page shares.
func (d *Dashboard) page(req request, title, active string, data any) page {
	p := page{Title: title, User: req.cur.User, CSRF: req.cur.Session.CSRFToken, Active: active, Data: data,
		Region: "US"}
	if req.biz.ID != 0 {
		p.Scope = &scopeView{Slug: req.biz.Slug, Name: req.biz.Name, Role: req.scope.Role(),
			CanEdit: req.scope.Role().CanEditSettings()}
		p.Loc, p.Region = req.biz.Location(), req.biz.Region
	}
	return p
}

// clientAddr returns the address sign-in limits count failures under: the peer's IP address, or
// its /64 network for IPv6, where one client often holds a whole network.
// NOTE: behind a reverse proxy every client shares the proxy's address, so the per-address
// limit then applies to all clients together.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if ip.To4() == nil {
		return (&net.IPNet{IP: ip.Mask(net.CIDRMask(64, 128)), Mask: net.CIDRMask(64, 128)}).String()
	}
	return ip.String()
}

// localPath returns next when it is a path of this dashboard, and /dashboard/ otherwise, so that
// a crafted sign-in link cannot send the user to another site.
func localPath(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" || u.User != nil || strings.Contains(next, `\`) {
		return "/dashboard/"
	}
	clean := path.Clean(u.Path)
	if !strings.HasPrefix(clean, "/dashboard/") {
		return "/dashboard/"
	}
	return (&url.URL{Path: clean, RawQuery: u.RawQuery}).RequestURI()
}

var errNoSender = errors.New("manual replies are not available: the dashboard runs without the outbound path")
