package bookingpage

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/textback/textback/internal/phone"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed assets/booking.css
var stylesheet []byte

// stylesheetName is the stylesheet's file name under /book/assets/.
const stylesheetName = "booking.css"

// Page templates, each rendered inside templates/layout.html.
const (
	formTemplate    = "book.html"
	bookedTemplate  = "booked.html"
	messageTemplate = "message.html"
)

// views renders the pages and serves the stylesheet.
type views struct {
	pages map[string]*template.Template
	// stylesheetURL is relative to /book/<business>, and carries a hash of the stylesheet so that
	// browsers may cache it for as long as it does not change.
	stylesheetURL string
	version       string
	log           *slog.Logger
}

func newViews(log *slog.Logger) (*views, error) {
	sum := sha256.Sum256(stylesheet)
	v := &views{pages: map[string]*template.Template{}, version: hex.EncodeToString(sum[:6]), log: log}
	v.stylesheetURL = "assets/" + stylesheetName + "?v=" + v.version
	funcs := template.FuncMap{"stylesheet": func() string { return v.stylesheetURL }}
	for _, name := range []string{formTemplate, bookedTemplate, messageTemplate} {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/"+name)
		if err != nil {
			return nil, fmt.Errorf("parse booking page template %s: %w", name, err)
		}
		v.pages[name] = t
	}
	return v, nil
}

// render writes the page with status. It renders into a buffer first, so that a template error
// becomes a plain 500 instead of half a page.
func (v *views) render(w http.ResponseWriter, status int, name string, data any) {
	var body bytes.Buffer
	if err := v.pages[name].ExecuteTemplate(&body, "layout", data); err != nil {
		v.log.Error("render booking page failed", slog.String("template", name), slog.String("error", err.Error()))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// Pages carry a fresh idempotency key each time, and may repeat what a lead typed.
	h.Set("Cache-Control", "no-store")
	// The server's no-referrer policy makes browsers send "Origin: null" with the form's POST,
	// which the cross-origin check rejects from browsers that send no Sec-Fetch-Site, such as
	// Safari before 16.4. same-origin sends the real origin to textback and no referrer elsewhere.
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Length", strconv.Itoa(body.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(body.Bytes())
}

// message writes a page of text without a form.
func (v *views) message(w http.ResponseWriter, status int, page messagePage) {
	v.render(w, status, messageTemplate, page)
}

// serveAsset serves the stylesheet. A request that names the current version may be cached for
// a year, because a changed stylesheet gets a new URL.
func (v *views) serveAsset(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("file") != stylesheetName {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/css; charset=utf-8")
	h.Set("ETag", `"`+v.version+`"`)
	if r.URL.Query().Get("v") == v.version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, stylesheetName, time.Time{}, bytes.NewReader(stylesheet))
}

// contactView is a business's number with links that call and text it.
type contactView struct {
	Display string // as people write it in the business's region, such as (312) 555-0199
	// Tel and SMS are tel: and sms: links. They are built from a stored E.164 number, so they are
	// marked safe for html/template, which otherwise replaces URLs of schemes other than http,
	// https and mailto.
	Tel template.URL
	SMS template.URL
}

// contactOf returns the links to a business's number, or nil when it has none.
func contactOf(b businessInfo) *contactView {
	if b.Number == "" {
		return nil
	}
	return &contactView{Display: phone.Format(b.Number, b.Region), Tel: template.URL("tel:" + b.Number),
		SMS: template.URL("sms:" + b.Number)}
}

// messagePage is a page with a heading and a few sentences.
type messagePage struct {
	Title   string
	Heading string
	Text    []string
	// Contact, when set, offers to call or text the business instead.
	Contact *contactView
	// Back, when set, links back to the booking page, relative to the current one.
	Back string
}

func notFoundPage() messagePage {
	return messagePage{Title: "Page not found", Heading: "We couldn't find that booking page",
		Text: []string{"Check the link you were given, or ask the business for a new one."}}
}

func errorPage() messagePage {
	return messagePage{Title: "Something went wrong", Heading: "Something went wrong",
		Text: []string{"We couldn't finish that. Please try again in a minute."}}
}

func crossOriginPage(slug string) messagePage {
	return messagePage{Title: "Form rejected", Heading: "This form can't be sent from here",
		Text: []string{"Open the booking page itself and send the form from there."}, Back: slug}
}

func badTokenPage(slug string) messagePage {
	return messagePage{Title: "Form rejected", Heading: "This form has expired",
		Text: []string{
			"Open the booking page again and send the form from there.",
			"The page needs cookies turned on in your browser to check that the form is its own.",
		}, Back: slug}
}

func badFormPage(slug string) messagePage {
	return messagePage{Title: "Form rejected", Heading: "We couldn't read that form",
		Text: []string{"Go back to the booking page and try again."}, Back: slug}
}

func tooLargePage(slug string) messagePage {
	return messagePage{Title: "Form too long", Heading: "That form was too long",
		Text: []string{"Shorten your notes and try again."}, Back: slug}
}

func tooManyPage(b businessInfo, wait time.Duration) messagePage {
	minutes := int((wait + time.Minute - 1) / time.Minute)
	unit := "minutes"
	if minutes == 1 {
		unit = "minute"
	}
	return messagePage{Title: "Too many tries", Heading: "Too many tries",
		Text:    []string{fmt.Sprintf("Please wait %d %s, then try again.", minutes, unit)},
		Contact: contactOf(b), Back: b.Slug}
}

func unavailablePage(b businessInfo) messagePage {
	text := []string{b.Name + " doesn't take bookings online."}
	return messagePage{Title: "Book with " + b.Name, Heading: "Online booking isn't available",
		Text: text, Contact: contactOf(b)}
}
