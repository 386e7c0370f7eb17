package manifest

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/store"
)

// bookingCalendars is a calendars section for the booking tests; the defaults fixture has 15
// lines, so these start at line 16.
const bookingCalendars = `    calendars:
      - {slug: repairs, name: Repairs}
      - {slug: estimates, name: Estimates}
`

// bookingLine is the line of the first key under booking: in the booking tests.
const bookingLine = 20

func TestBookingEveryKey(t *testing.T) {
	f, err := parseWithBusinessKeys(t, bookingCalendars+`    conversation:
      qualifying_question:
        question: Is this for your home or a business?
        answers: {residential: [home, house], commercial: [business, office]}
    booking:
      enabled: true
      calendars: [repairs]
      slots: 2
      max_messages: 6
      reply_delay: 2m
      reminders: [2h, 1d]
      start_on_answers: [residential]
      confirmation_template: "Booked: {time} at {address|our shop}."
      reminder_template: "{business}: see you {time}."
      cancellation_template: "Cancelled: {time}. Reply BOOK to book again."
`)
	if err != nil {
		t.Fatalf("Parse error:\n%v", err)
	}
	if len(f.Warnings) != 0 {
		t.Errorf("Warnings = %v, want none", f.Warnings)
	}
	got := f.Businesses[0].Settings.Booking
	want := store.BookingSettings{
		Enabled: true, Calendars: []string{"repairs"}, Slots: 2, MaxMessages: 6,
		ReplyDelay:           store.Duration(2 * time.Minute),
		Reminders:            []store.Duration{store.Duration(24 * time.Hour), store.Duration(2 * time.Hour)},
		StartOnAnswers:       []string{"residential"},
		ConfirmationTemplate: "Booked: {time} at {address|our shop}.",
		ReminderTemplate:     "{business}: see you {time}.",
		CancellationTemplate: "Cancelled: {time}. Reply BOOK to book again.",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Booking = %+v\nwant %+v", got, want)
	}
	var names []string
	for _, r := range f.Businesses[0].Templates {
		if strings.HasPrefix(r.Name, "booking ") {
			names = append(names, r.Name)
		}
	}
	if want := []string{"booking confirmation", "booking reminder", "booking cancellation"}; !reflect.DeepEqual(names, want) {
		t.Errorf("booking template reports %v, want %v", names, want)
	}
}

func TestBookingDefaults(t *testing.T) {
	for _, lines := range []string{"", "    booking:\n", "    booking: {enabled: false}\n"} {
		f, err := parseWithBusinessKeys(t, lines)
		if err != nil {
			t.Fatalf("Parse with %q error:\n%v", lines, err)
		}
		if got, want := f.Businesses[0].Settings.Booking, store.DefaultSettings().Booking; !reflect.DeepEqual(got, want) {
			t.Errorf("Booking with %q = %+v, want the defaults %+v", lines, got, want)
		}
	}
	f, err := parseWithBusinessKeys(t, bookingCalendars+"    booking: {enabled: true, reminders: []}\n")
	if err != nil {
		t.Fatalf("Parse error:\n%v", err)
	}
	b := f.Businesses[0].Settings.Booking
	if b.Reminders == nil || len(b.Reminders) != 0 {
		t.Errorf("Reminders = %#v, want an empty list, which sends none", b.Reminders)
	}
	if b.Slots != 3 || b.MaxMessages != 10 || b.ReplyDelay != 0 {
		t.Errorf("Booking = %+v, want 3 slots, 10 texts and no delay by default", b)
	}
}

func TestBookingErrors(t *testing.T) {
	tests := []struct {
		name, lines string
		line        int
		path        string
		phrase      string
	}{
		{"no calendars", "    booking:\n      enabled: true\n", 17, "businesses[0].booking.enabled",
			"booking is enabled but the business has no calendars"},
		{"unknown key", bookingCalendars + "    booking:\n      enable: true\n", bookingLine,
			"businesses[0].booking.enable", `unknown key "enable": allowed keys are enabled, calendars`},
		{"unknown calendar", bookingCalendars + "    booking:\n      calendars: [repairs, repair]\n", bookingLine,
			"businesses[0].booking.calendars[1]", `unknown calendar "repair": declare it under calendars, or use one ` +
				"of repairs, estimates"},
		{"calendar twice", bookingCalendars + "    booking:\n      calendars: [repairs, repairs]\n", bookingLine,
			"businesses[0].booking.calendars[1]", `calendar "repairs" is listed twice, first at line 20`},
		{"too many slots", bookingCalendars + "    booking:\n      slots: 9\n", bookingLine,
			"businesses[0].booking.slots", `invalid slots "9": use a whole number from 1 to 5`},
		{"too few texts", bookingCalendars + "    booking:\n      max_messages: 1\n", bookingLine,
			"businesses[0].booking.max_messages", "use a whole number from 3 to 50"},
		{"delay too long", bookingCalendars + "    booking:\n      reply_delay: 2h\n", bookingLine,
			"businesses[0].booking.reply_delay", `reply_delay "2h" is out of range: use 0, or from 1s to 1h`},
		{"bad reminder", bookingCalendars + "    booking:\n      reminders: [24h, tomorrow]\n", bookingLine,
			"businesses[0].booking.reminders[1]", `invalid reminder "tomorrow"`},
		{"reminder too soon", bookingCalendars + "    booking:\n      reminders: [5m]\n", bookingLine,
			"businesses[0].booking.reminders[0]", `reminder "5m" is out of range: use from 10m to 7d`},
		{"reminder twice", bookingCalendars + "    booking:\n      reminders: [1d, 24h]\n", bookingLine,
			"businesses[0].booking.reminders[1]", `reminder "24h" is listed twice`},
		{"reminders null", bookingCalendars + "    booking:\n      reminders:\n", bookingLine,
			"businesses[0].booking.reminders", "write reminders: [] to send none"},
		{"answers without question", bookingCalendars + "    booking:\n      start_on_answers: [home]\n", bookingLine,
			"businesses[0].booking.start_on_answers", "the business has no qualifying_question"},
		{"bad template field", bookingCalendars + "    booking:\n      reminder_template: \"See you {date}\"\n",
			bookingLine, "businesses[0].booking.reminder_template", `unknown template field "date"`},
		{"enabled not bool", bookingCalendars + "    booking:\n      enabled: yes please\n", bookingLine,
			"businesses[0].booking.enabled", `invalid value "yes please": use true or false`},
		{"not a mapping", bookingCalendars + "    booking: true\n", bookingLine - 1, "businesses[0].booking",
			"expected a mapping of keys such as enabled"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseWithBusinessKeys(t, tc.lines)
			if err == nil {
				t.Fatal("Parse succeeded, want an error")
			}
			issues := issuesOf(t, err)
			found := false
			for _, issue := range issues {
				if issue.Path == tc.path && issue.Line == tc.line && strings.Contains(issue.Message, tc.phrase) &&
					issue.File == "textback.yaml" {
					found = true
				}
			}
			if !found {
				t.Errorf("issues:\n%v\nwant textback.yaml:%d %s: %s", err, tc.line, tc.path, tc.phrase)
			}
		})
	}
}

func TestBookingWarnings(t *testing.T) {
	f, err := parseWithBusinessKeys(t, bookingCalendars+`    conversation:
      keywords:
        - {word: BOOK, reply: "Book at {booking_link|our site}"}
    booking:
      enabled: true
      confirmation_template: "You're booked with {business}."
`)
	if err != nil {
		t.Fatalf("Parse error:\n%v", err)
	}
	var messages []string
	for _, w := range f.Warnings {
		messages = append(messages, w.Path+": "+w.Message)
	}
	all := strings.Join(messages, "\n")
	for _, want := range []string{
		"businesses[0].booking.confirmation_template: the template does not use {time}",
		"businesses[0].booking.enabled: keyword BOOK is read before the booking bot",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings:\n%s\nwant %q", all, want)
		}
	}
}
