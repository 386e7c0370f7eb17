package dashboard

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/store"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticDir embed.FS

// pageFiles are the templates rendered inside the layout, by name.
var pageFiles = []string{
	"login", "businesses", "error", "inbox", "conversation", "contact", "calls", "call", "messagedetail", "tasks",
	"settings", "analytics", "deliveries", "knowledge",
}

// views holds one template set per page: the layout with that page's "content".
type views struct {
	pages map[string]*template.Template
}

func loadViews() (*views, error) {
	base, err := template.New("layout.html").Funcs(templateFuncs).ParseFS(templateFiles, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse dashboard layout: %w", err)
	}
	v := &views{pages: map[string]*template.Template{}}
	for _, name := range pageFiles {
		t, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("parse dashboard page %s: %w", name, err)
		}
		if _, err := t.ParseFS(templateFiles, "templates/"+name+".html"); err != nil {
			return nil, fmt.Errorf("parse dashboard page %s: %w", name, err)
		}
		v.pages[name] = t
	}
	return v, nil
}

// staticPrefix is the path of the embedded assets.
const staticPrefix = "/dashboard/_static/"

// staticFiles serves the embedded stylesheet and script. They change only with the binary.
func staticFiles() http.Handler {
	sub, err := fs.Sub(staticDir, "static")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder
	}
	files := http.StripPrefix(staticPrefix, http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

var templateFuncs = template.FuncMap{
	"when":        formatWhen,
	"iso":         func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"phone":       func(region, e164 string) string { return phone.Format(e164, region) },
	"contactName": contactName,
	"snippet":     snippet,
	"statusText":  statusText,
	"delay":       formatDelay,
	"entry":       func(loc *time.Location, e store.LoggedExchange) exchangeView { return exchangeView{E: e, Loc: loc} },
	"num":         func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) },
}

// formatWhen writes t in the business's zone: the time alone today, with the date otherwise.
func formatWhen(loc *time.Location, t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	if loc == nil {
		loc = time.UTC
	}
	local := t.In(loc)
	now := time.Now().In(loc)
	if local.Year() == now.Year() && local.YearDay() == now.YearDay() {
		return local.Format("3:04 PM")
	}
	if local.Year() == now.Year() {
		return local.Format("Jan 2, 3:04 PM")
	}
	return local.Format("Jan 2 2006, 3:04 PM")
}

// contactName returns the contact's name, or their number when no name is known.
func contactName(region, first, last, e164 string) string {
	if name := strings.TrimSpace(first + " " + last); name != "" {
		return name
	}
	return phone.Format(e164, region)
}

// maxSnippet is how many characters of a text the inbox shows.
const maxSnippet = 120

func snippet(body string) string {
	body = strings.Join(strings.Fields(body), " ")
	if utf8.RuneCountInString(body) <= maxSnippet {
		return body
	}
	return string([]rune(body)[:maxSnippet-1]) + "…"
}

// statusText describes the status of a text in a few words.
func statusText(m store.Message) string {
	switch m.Status {
	case store.StatusReceived:
		return "received"
	case store.StatusHeld:
		return "held back"
	case store.StatusQueued, store.StatusSending:
		return "sending"
	}
	return string(m.Status)
}

// exchangeView is a delivery log entry with the zone its time is shown in.
type exchangeView struct {
	E   store.LoggedExchange
	Loc *time.Location
}

// page is the data of every template.
type page struct {
	Title  string
	User   store.User
	CSRF   string
	Scope  *scopeView
	Active string // the highlighted tab
	Flash  string
	Loc    *time.Location
	Region string
	Data   any
}

// scopeView is the business a page is about.
type scopeView struct {
	Slug    string
	Name    string
	Role    store.Role
	CanEdit bool
}

// render writes the page, or the named part of it (a template defined in the page's file) when
// part is not "". It renders into a buffer first, so that a template error never sends half a
// page.
func (d *Dashboard) render(w http.ResponseWriter, r *http.Request, status int, name, part string, p page) {
	t, ok := d.views.pages[name]
	if !ok {
		d.serverError(w, r, fmt.Errorf("no dashboard page %q", name))
		return
	}
	root := "layout"
	if part != "" {
		root = part
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, root, p); err != nil {
		d.serverError(w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// errorPage renders a page that describes what went wrong in plain words.
func (d *Dashboard) errorPage(w http.ResponseWriter, r *http.Request, status int, title, message string) {
	d.render(w, r, status, "error", "", page{Title: title, Data: message})
}

func (d *Dashboard) notFound(w http.ResponseWriter, r *http.Request) {
	d.errorPage(w, r, http.StatusNotFound, "Not found", "This page does not exist, or your account cannot see it.")
}

// serverError logs err and responds 500 without its details.
func (d *Dashboard) serverError(w http.ResponseWriter, r *http.Request, err error) {
	d.log.Error("dashboard request failed", slog.String("path", r.URL.Path), slog.String("error", err.Error()))
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write([]byte("Something went wrong on the server. It has been logged; try again in a moment.\n"))
}

// fail responds to a store error: 404 for ErrNotFound, 500 otherwise.
func (d *Dashboard) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		d.notFound(w, r)
		return
	}
	d.serverError(w, r, err)
}
