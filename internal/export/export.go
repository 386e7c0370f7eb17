// Package export writes one business's data as a JSON document: the business with its settings
// and hours, its numbers and booking calendars, and its contacts, calls, texts and bookings.
//
// Field names are snake_case and stable. Times are RFC 3339 in UTC, and a time that never
// happened is null. Providers appear by name and kind only: the document never contains an
// auth token. Contacts, calls and texts are read in pages of PageSize rows and written as they
// are read, so a large business never sits in memory whole. The pages are not read in one
// transaction, so rows written while an export runs may or may not appear in it.
package export

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/textback/textback/internal/store"
)

// Format names this document layout. A change that removes or renames a field gets a new one.
const Format = "textback-export/1"

// PageSize is how many contacts, calls, texts or bookings are read at once.
const PageSize = 2000

// Summary counts what Write wrote.
type Summary struct {
	Numbers   int
	Calendars int
	Contacts  int
	Calls     int
	Messages  int
	Bookings  int
}

// Write writes the export of the business with slug to w as indented JSON. It returns an error
// wrapping store.ErrNotFound when no business has that slug, before writing anything.
func Write(ctx context.Context, s *store.Store, slug string, w io.Writer) (Summary, error) {
	var sum Summary
	b, err := s.GetBusinessBySlug(ctx, slug)
	if err != nil {
		return sum, err
	}
	providers, err := s.ListProviders(ctx)
	if err != nil {
		return sum, err
	}
	names := make(map[store.ProviderID]store.Provider, len(providers))
	for _, p := range providers {
		names[p.ID] = p
	}
	numbers, err := s.ListNumbers(ctx, b.ID)
	if err != nil {
		return sum, err
	}
	out := &jsonWriter{w: bufio.NewWriter(w)}
	out.raw("{\n")
	out.field("format", Format, false)
	out.field("exported_at", s.Now(), false)
	out.field("business", businessOf(b), false)
	exported := make([]Number, len(numbers))
	for i, n := range numbers {
		exported[i] = numberOf(n, names[n.ProviderID])
	}
	out.field("numbers", exported, false)
	sum.Numbers = len(numbers)
	calendars, err := s.ListCalendars(ctx, b.ID)
	if err != nil {
		return sum, err
	}
	exportedCalendars := make([]Calendar, len(calendars))
	for i, c := range calendars {
		exportedCalendars[i] = calendarOf(c)
	}
	out.field("calendars", exportedCalendars, false)
	sum.Calendars = len(calendars)

	out.beginArray("contacts")
	for after := store.ContactID(0); out.err == nil; {
		page, err := s.ListContactsPage(ctx, b.ID, after, PageSize)
		if err != nil {
			return sum, err
		}
		for _, c := range page {
			out.element(contactOf(c))
			after = c.ID
		}
		sum.Contacts += len(page)
		if len(page) < PageSize {
			break
		}
	}
	out.endArray(false)

	out.beginArray("calls")
	for after := store.CallID(0); out.err == nil; {
		page, err := s.ListCallsPage(ctx, b.ID, after, PageSize)
		if err != nil {
			return sum, err
		}
		for _, c := range page {
			call := callOf(c, names[c.ProviderID])
			if call.Voicemails, err = voicemailsOf(ctx, s, c); err != nil {
				return sum, err
			}
			out.element(call)
			after = c.ID
		}
		sum.Calls += len(page)
		if len(page) < PageSize {
			break
		}
	}
	out.endArray(false)

	out.beginArray("messages")
	for after := store.MessageID(0); out.err == nil; {
		page, err := s.ListMessagesPage(ctx, b.ID, after, PageSize)
		if err != nil {
			return sum, err
		}
		for _, m := range page {
			out.element(messageOf(m, names[m.ProviderID]))
			after = m.ID
		}
		sum.Messages += len(page)
		if len(page) < PageSize {
			break
		}
	}
	out.endArray(false)

	out.beginArray("bookings")
	for after := store.BookingID(0); out.err == nil; {
		page, err := s.ListBookingsPage(ctx, b.ID, after, PageSize)
		if err != nil {
			return sum, err
		}
		for _, booking := range page {
			out.element(bookingOf(booking))
			after = booking.ID
		}
		sum.Bookings += len(page)
		if len(page) < PageSize {
			break
		}
	}
	out.endArray(true)
	out.raw("}\n")
	if err := out.flush(); err != nil {
		return sum, fmt.Errorf("write export of business %s: %w", slug, err)
	}
	return sum, nil
}

// jsonWriter writes a top-level JSON object field by field, indented by two spaces per level
// as json.MarshalIndent would. It keeps the first error and ignores later writes.
type jsonWriter struct {
	w        *bufio.Writer
	err      error
	elements int // elements written to the open array
}

func (j *jsonWriter) raw(s string) {
	if j.err == nil {
		_, j.err = j.w.WriteString(s)
	}
}

func (j *jsonWriter) value(v any, prefix string) {
	if j.err != nil {
		return
	}
	b, err := json.MarshalIndent(v, prefix, "  ")
	if err != nil {
		j.err = err
		return
	}
	_, j.err = j.w.Write(b)
}

// field writes one field of the top-level object. With last set it leaves out the trailing comma.
func (j *jsonWriter) field(name string, v any, last bool) {
	j.raw("  " + quote(name) + ": ")
	j.value(v, "  ")
	j.raw(separator(last))
}

func (j *jsonWriter) beginArray(name string) {
	j.raw("  " + quote(name) + ": [")
	j.elements = 0
}

func (j *jsonWriter) element(v any) {
	if j.elements > 0 {
		j.raw(",")
	}
	j.raw("\n    ")
	j.value(v, "    ")
	j.elements++
}

func (j *jsonWriter) endArray(last bool) {
	if j.elements > 0 {
		j.raw("\n  ")
	}
	j.raw("]" + separator(last))
}

func (j *jsonWriter) flush() error {
	if j.err != nil {
		return j.err
	}
	return j.w.Flush()
}

func separator(last bool) string {
	if last {
		return "\n"
	}
	return ",\n"
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// utc returns t in UTC, or nil for the zero time so that it is written as null.
func utc(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// voicemailsOf returns the voicemails of a call that a phone menu answered; other calls have none.
func voicemailsOf(ctx context.Context, s *store.Store, c store.Call) ([]Voicemail, error) {
	if c.Handling != store.HandlingMenu {
		return nil, nil
	}
	voicemails, err := s.ListVoicemailsByCall(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	out := make([]Voicemail, len(voicemails))
	for i, v := range voicemails {
		out[i] = voicemailOf(v)
	}
	return out, nil
}
