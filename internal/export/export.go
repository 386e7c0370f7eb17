// Package export writes one business's data as a JSON document: the business with its settings
// and hours, its numbers and booking calendars, and its contacts, conversations, calls, texts,
// follow-up sequences, tasks, team alerts and bookings.
//
// Field names are snake_case and stable. Times are RFC 3339 in UTC, and a time that never
// happened is null. Providers appear by name and kind only: the document never contains an
// auth token. Rows are read in pages of PageSize rows and written as they
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

// PageSize is how many rows of one kind are read at once.
const PageSize = 2000

// Summary counts what Write wrote.
type Summary struct {
	Numbers       int
	Calendars     int
	Contacts      int
	Conversations int
	Calls         int
	Messages      int
	Sequences     int
	Tasks         int
	Alerts        int
	Bookings      int
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

	if sum.Contacts, err = writePages(out, "contacts", false,
		func(after store.ContactID) ([]store.Contact, error) {
			return s.ListContactsPage(ctx, b.ID, after, PageSize)
		},
		func(c store.Contact) (store.ContactID, any, error) { return c.ID, contactOf(c), nil }); err != nil {
		return sum, err
	}
	if sum.Conversations, err = writePages(out, "conversations", false,
		func(after store.ConversationID) ([]store.Conversation, error) {
			return s.ListConversationsPage(ctx, b.ID, after, PageSize)
		},
		func(c store.Conversation) (store.ConversationID, any, error) { return c.ID, conversationOf(c), nil }); err != nil {
		return sum, err
	}
	if sum.Calls, err = writePages(out, "calls", false,
		func(after store.CallID) ([]store.Call, error) { return s.ListCallsPage(ctx, b.ID, after, PageSize) },
		func(c store.Call) (store.CallID, any, error) {
			call := callOf(c, names[c.ProviderID])
			var err error
			call.Voicemails, err = voicemailsOf(ctx, s, c)
			return c.ID, call, err
		}); err != nil {
		return sum, err
	}
	if sum.Messages, err = writePages(out, "messages", false,
		func(after store.MessageID) ([]store.Message, error) {
			return s.ListMessagesPage(ctx, b.ID, after, PageSize)
		},
		func(m store.Message) (store.MessageID, any, error) {
			return m.ID, messageOf(m, names[m.ProviderID]), nil
		}); err != nil {
		return sum, err
	}
	if sum.Sequences, err = writePages(out, "follow_up_sequences", false,
		func(after store.SequenceID) ([]store.Sequence, error) {
			return s.ListSequencesPage(ctx, b.ID, after, PageSize)
		},
		func(q store.Sequence) (store.SequenceID, any, error) { return q.ID, sequenceOf(q), nil }); err != nil {
		return sum, err
	}
	if sum.Tasks, err = writePages(out, "tasks", false,
		func(after store.TaskID) ([]store.Task, error) { return s.ListTasksPage(ctx, b.ID, after, PageSize) },
		func(t store.Task) (store.TaskID, any, error) { return t.ID, taskOf(t), nil }); err != nil {
		return sum, err
	}
	if sum.Alerts, err = writePages(out, "alerts", false,
		func(after store.AlertID) ([]store.Alert, error) { return s.ListAlertsPage(ctx, b.ID, after, PageSize) },
		func(a store.Alert) (store.AlertID, any, error) {
			deliveries, err := s.ListAlertDeliveries(ctx, a.ID)
			return a.ID, alertOf(a, deliveries), err
		}); err != nil {
		return sum, err
	}
	if sum.Bookings, err = writePages(out, "bookings", true,
		func(after store.BookingID) ([]store.Booking, error) {
			return s.ListBookingsPage(ctx, b.ID, after, PageSize)
		},
		func(bk store.Booking) (store.BookingID, any, error) { return bk.ID, bookingOf(bk), nil }); err != nil {
		return sum, err
	}
	out.raw("}\n")
	if err := out.flush(); err != nil {
		return sum, fmt.Errorf("write export of business %s: %w", slug, err)
	}
	return sum, nil
}

// writePages writes the array field name from pages that list returns, each starting after the
// last id of the one before, with each row converted by convert. It returns how many rows it wrote.
func writePages[Row any, ID ~int64](
	out *jsonWriter, name string, last bool, list func(after ID) ([]Row, error),
	convert func(Row) (ID, any, error),
) (int, error) {
	out.beginArray(name)
	n := 0
	for after := ID(0); out.err == nil; {
		page, err := list(after)
		if err != nil {
			return n, err
		}
		for _, row := range page {
			rowID, v, err := convert(row)
			if err != nil {
				return n, err
			}
			out.element(v)
			after = rowID
		}
		n += len(page)
		if len(page) < PageSize {
			break
		}
	}
	out.endArray(last)
	return n, nil
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
