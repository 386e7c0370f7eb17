// Package bookingpage serves a business's public booking page at /book/<business slug>. GET lists
// the free slots of the business's bookable calendars for the next DefaultDays days, grouped by
// local date in each calendar's zone. POST books the chosen slot for the name and phone number
// given, creating the contact from the number, and shows a confirmation.
//
// The pages are rendered on the server with html/template from embedded files and need no
// JavaScript. They load one stylesheet from textback itself and nothing else.
//
// A submission passes these checks before anything is booked:
//   - http.CrossOriginProtection rejects a POST that a browser sends from another origin, by its
//     Sec-Fetch-Site or Origin header.
//   - The form must carry the token that the page set in a cookie (a double-submit token). A page
//     on another site can neither read the cookie nor, with SameSite=Lax, make a browser send it
//     with a POST, so a forged form fails even in browsers that send neither header. Over HTTPS the
//     cookie's name has the __Host- prefix, which stops a sibling subdomain from setting it.
//   - The form body is limited to maxFormBytes.
//   - Submissions are rate-limited per client address and per phone number.
//   - The phone number must be valid, not opted out of the business's texts and not known to be
//     unable to receive texts.
//
// Each rendered form also carries a random key that becomes the booking's idempotency key, so a
// form sent twice, as by a double click, books once and shows the same confirmation both times.
//
// Double booking is prevented by the store, not here: of two submissions for one slot, one books
// and the other gets the form again with "That time was just taken" and the next free times.
//
// NOTE: the rate limits are kept in each process's memory, so each of several instances allows
// its own share. The client address is the connection's peer, or the last X-Forwarded-For entry
// when the peer is a loopback address (a proxy on the same machine). Behind a proxy on another
// machine every client has the proxy's address, so the per-address limit is shared by all of them.
package bookingpage

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/textback/textback/internal/booking"
	"github.com/textback/textback/internal/store"
)

// DefaultDays is how many days of slots the page lists, counted from now.
const DefaultDays = 14

// maxFormBytes bounds the body of a submission. The longest valid form, with every field at its
// maximum length in multi-byte characters and percent-encoded, stays under it.
const maxFormBytes = 16 << 10

// Rate limits by default. A person who mistypes a field or loses a slot to someone else submits
// a few times, while a script that tries to fill a calendar is held to a trickle.
var (
	// DefaultPerAddress lets one client address submit 10 times at once, then once every 2 minutes.
	DefaultPerAddress = Limit{Burst: 10, Every: 2 * time.Minute}
	// DefaultPerPhone lets one phone number book 5 times at once, then once every 10 minutes.
	DefaultPerPhone = Limit{Burst: 5, Every: 10 * time.Minute}
)

// Options configures the pages.
type Options struct {
	Store   *store.Store
	Booking *booking.Service
	Logger  *slog.Logger
	// PublicURL is textback's public base URL. Its origin is trusted by the cross-origin check,
	// for browsers that send an Origin header but no Sec-Fetch-Site, and an https URL makes the
	// token cookie Secure.
	PublicURL string
	// Days is how many days of slots the page lists; DefaultDays when zero.
	Days int
	// PerAddress and PerPhone limit submissions; DefaultPerAddress and DefaultPerPhone when zero.
	PerAddress, PerPhone Limit
	// Clock times the rate limits; time.Now when nil. Slots follow the store's clock.
	Clock func() time.Time
}

// Pages serves the booking pages.
type Pages struct {
	store     *store.Store
	bookings  *booking.Service
	log       *slog.Logger
	days      int
	addresses *limiter
	phones    *limiter
	tokens    tokenCookie
	views     *views
	submit    http.Handler
}

// New returns the booking pages. It fails when PublicURL is set but is not an absolute URL.
func New(opts Options) (*Pages, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Days <= 0 {
		opts.Days = DefaultDays
	}
	if opts.PerAddress == (Limit{}) {
		opts.PerAddress = DefaultPerAddress
	}
	if opts.PerPhone == (Limit{}) {
		opts.PerPhone = DefaultPerPhone
	}
	v, err := newViews(opts.Logger)
	if err != nil {
		return nil, err
	}
	p := &Pages{
		store: opts.Store, bookings: opts.Booking, log: opts.Logger, days: opts.Days,
		addresses: newLimiter(opts.PerAddress, opts.Clock), phones: newLimiter(opts.PerPhone, opts.Clock),
		views: v,
	}

	protection := http.NewCrossOriginProtection()
	if opts.PublicURL != "" {
		u, err := url.Parse(opts.PublicURL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("booking page: invalid public URL %q: use an absolute URL such as "+
				"https://hooks.example.com", opts.PublicURL)
		}
		if err := protection.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, fmt.Errorf("booking page: trust origin of %q: %w", opts.PublicURL, err)
		}
		p.tokens = newTokenCookie(u.Scheme == "https")
	} else {
		p.tokens = newTokenCookie(false)
	}
	protection.SetDenyHandler(http.HandlerFunc(p.crossOrigin))
	p.submit = protection.Handler(http.HandlerFunc(p.serveSubmit))
	return p, nil
}

// Page returns the handler of GET /book/{business}.
func (p *Pages) Page() http.Handler { return http.HandlerFunc(p.servePage) }

// Submit returns the handler of POST /book/{business}.
func (p *Pages) Submit() http.Handler { return p.submit }

// Assets returns the handler of GET /book/assets/{file}.
func (p *Pages) Assets() http.Handler { return http.HandlerFunc(p.views.serveAsset) }

// business returns the business named by the path, its bookable calendars and its first number,
// or writes the page for an unknown business or an error and returns false.
func (p *Pages) business(w http.ResponseWriter, r *http.Request) (businessInfo, bool) {
	ctx := r.Context()
	b, err := p.store.GetBusinessBySlug(ctx, r.PathValue("business"))
	if errors.Is(err, store.ErrNotFound) {
		p.views.message(w, http.StatusNotFound, notFoundPage())
		return businessInfo{}, false
	}
	if err != nil {
		p.fail(w, r, err, 0)
		return businessInfo{}, false
	}
	info := businessInfo{Business: b}
	calendars, err := p.store.ListCalendars(ctx, b.ID)
	if err != nil {
		p.fail(w, r, err, b.ID)
		return businessInfo{}, false
	}
	for _, c := range calendars {
		if c.Bookable() {
			info.Calendars = append(info.Calendars, c)
		}
	}
	numbers, err := p.store.ListNumbers(ctx, b.ID)
	if err != nil {
		p.fail(w, r, err, b.ID)
		return businessInfo{}, false
	}
	if len(numbers) > 0 {
		info.Number = numbers[0].E164
	}
	return info, true
}

// businessInfo is a business with what its booking page shows.
type businessInfo struct {
	store.Business
	// Calendars are the business's bookable calendars, ordered by slug.
	Calendars []store.Calendar
	// Number is the business's first number in E.164 form, to call or text, or "".
	Number string
}

// calendar returns the bookable calendar with slug.
func (b businessInfo) calendar(slug string) (store.Calendar, bool) {
	for _, c := range b.Calendars {
		if c.Slug == slug {
			return c, true
		}
	}
	return store.Calendar{}, false
}

// fail logs err and writes the error page.
func (p *Pages) fail(w http.ResponseWriter, r *http.Request, err error, business store.BusinessID) {
	p.log.Error("booking page failed", slog.String("path", r.URL.Path), slog.Int64("business_id", int64(business)),
		slog.String("error", err.Error()))
	p.views.message(w, http.StatusInternalServerError, errorPage())
}

// crossOrigin writes the page for a submission that a browser sent from another origin.
func (p *Pages) crossOrigin(w http.ResponseWriter, r *http.Request) {
	p.log.Warn("booking page rejected a cross-origin request", slog.String("path", r.URL.Path))
	p.views.message(w, http.StatusForbidden, crossOriginPage(r.PathValue("business")))
}
