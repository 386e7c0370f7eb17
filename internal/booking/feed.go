package booking

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/textback/textback/internal/store"
)

// FeedHistory is how far back a feed lists bookings. Calendar apps delete events that leave a
// subscribed feed, so past appointments stay in it for a year.
const FeedHistory = 365 * 24 * time.Hour

// feedRefresh is the interval, as an iCalendar duration, at which the feed suggests that calendar
// apps fetch it again. Apps may fetch it less often.
const feedRefresh = "PT15M"

// feedHandler serves the iCalendar feed of one calendar.
type feedHandler struct {
	store *store.Store
	log   *slog.Logger
}

// NewFeedHandler returns the handler of calendar feeds. It serves GET and HEAD requests whose
// last path segment is "<feed token>.ics", as in /calendars/{token}.ics, with the calendar's
// bookings (not holds, not cancelled ones) that ended less than FeedHistory ago, as iCalendar
// events in UTC. An unknown token gets a bare 404. The token is the only credential, so the
// handler must be served over HTTPS and the token never logged.
func NewFeedHandler(s *store.Store, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &feedHandler{store: s, log: log}
}

func (h *feedHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}

	token, ok := strings.CutSuffix(path.Base(r.URL.Path), ".ics")
	if !ok || token == "" {
		http.NotFound(w, r)
		return
	}
	ctx := r.Context()
	cal, err := h.store.GetCalendarByFeedToken(ctx, token)
	if errors.Is(err, store.ErrNotFound) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		h.fail(w, err, 0)
		return
	}

	bookings, err := h.store.ListFeedBookings(ctx, cal.ID, h.store.Now().Add(-FeedHistory))
	if err != nil {
		h.fail(w, err, cal.ID)
		return
	}
	var body bytes.Buffer
	if err := WriteFeed(&body, cal, bookings); err != nil {
		h.fail(w, err, cal.ID)
		return
	}

	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Content-Length", fmt.Sprint(body.Len()))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body.Bytes())
}

func (h *feedHandler) fail(w http.ResponseWriter, err error, calendar store.CalendarID) {
	h.log.Error("calendar feed failed", slog.Int64("calendar_id", int64(calendar)), slog.String("error", err.Error()))
	http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
}

// WriteFeed writes the bookings as an iCalendar object (RFC 5545) with one VEVENT each:
//   - UID, the same for as long as the booking exists;
//   - DTSTART and DTEND in UTC;
//   - SUMMARY, the name given with the booking, or else the contact's number;
//   - LOCATION, the calendar's address;
//   - DESCRIPTION, with the number, email and notes.
//
// Lines end in CRLF and are folded at 75 octets.
func WriteFeed(w io.Writer, cal store.Calendar, bookings []store.FeedBooking) error {
	out := ics.NewCalendarFor("textback")
	out.SetProductId("-//textback//booking feed//EN")
	out.SetCalscale("GREGORIAN")
	out.SetName(clean(cal.Name))
	out.SetXWRCalName(clean(cal.Name))
	// The library's property name already carries ";VALUE=DURATION".
	out.SetRefreshInterval(feedRefresh)
	out.SetXPublishedTTL(feedRefresh)
	for _, b := range bookings {
		e := out.AddEvent(eventUID(b.Booking))
		e.SetDtStampTime(b.UpdatedAt)
		e.SetCreatedTime(b.CreatedAt)
		e.SetModifiedAt(b.UpdatedAt)
		e.SetStartAt(b.Start)
		e.SetEndAt(b.End)
		e.SetSummary(summaryOf(b))
		if cal.Address != "" {
			e.SetLocation(clean(cal.Address))
		}
		e.SetDescription(descriptionOf(b))
		e.SetStatus(ics.ObjectStatusConfirmed)
	}
	if err := out.SerializeTo(w, ics.WithNewLineWindows); err != nil {
		return fmt.Errorf("write feed of calendar %d: %w", cal.ID, err)
	}
	return nil
}

// eventUID names a booking's event. It stays the same while the booking exists; a rescheduled
// booking is a new booking, so its event is new too.
func eventUID(b store.Booking) string {
	return fmt.Sprintf("booking-%d-calendar-%d@textback", b.ID, b.CalendarID)
}

func summaryOf(b store.FeedBooking) string {
	if name := clean(b.Name); name != "" {
		return name
	}
	return b.ContactE164
}

func descriptionOf(b store.FeedBooking) string {
	lines := []string{"Phone: " + b.ContactE164}
	if b.Email != "" {
		lines = append(lines, "Email: "+clean(b.Email))
	}
	if b.Notes != "" {
		lines = append(lines, "Notes: "+clean(b.Notes))
	}
	switch b.Source {
	case store.BookingSourceSMS:
		lines = append(lines, "Booked by text message.")
	case store.BookingSourcePage:
		lines = append(lines, "Booked on the booking page.")
	}
	return strings.Join(lines, "\n")
}

// clean keeps line feeds and tabs but drops carriage returns and other control characters from
// text that leads typed, which the iCalendar writer would otherwise copy into the feed as they
// are.
func clean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}
