package bookingpage

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/textback/textback/internal/booking"
	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/store"
)

// Notices of a form shown again without a booking.
const (
	noticeTaken   = "That time was just taken. Pick another time."
	noticeGone    = "That time is no longer available. Pick another time."
	noticeUsed    = "This form was already used for another booking. Pick a time and send it again."
	noticeStopped = "That booking was cancelled. Pick a time and send the form again."
)

// bookedPage is the data of booked.html.
type bookedPage struct {
	Title    string
	Business string
	Name     string
	When     string
	// Calendar names the calendar when the business has several, and is "" otherwise.
	Calendar string
	Address  string
	Phone    string // the lead's number as people write it
	Contact  *contactView
}

func (p *Pages) serveSubmit(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("business")
	// The address limit comes first, before the form or the database is read.
	if ok, wait := p.addresses.allow(clientAddress(r)); !ok {
		p.tooMany(w, r, businessInfo{Business: store.Business{Slug: slug}}, wait)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			p.views.message(w, http.StatusRequestEntityTooLarge, tooLargePage(slug))
			return
		}
		p.views.message(w, http.StatusBadRequest, badFormPage(slug))
		return
	}
	v := readForm(r)
	if !p.tokens.valid(r, v.Token) {
		p.log.Warn("booking page rejected a form without a valid token", slog.String("path", r.URL.Path))
		p.views.message(w, http.StatusForbidden, badTokenPage(slug))
		return
	}
	b, ok := p.business(w, r)
	if !ok {
		return
	}
	if len(b.Calendars) == 0 {
		p.views.message(w, http.StatusConflict, unavailablePage(b))
		return
	}
	sub, errs := validate(&v, b)
	if errs.Any() {
		p.renderForm(w, r, b, http.StatusUnprocessableEntity, v, errs, formNotice{})
		return
	}
	if ok, wait := p.phones.allow(sub.E164); !ok {
		p.tooMany(w, r, b, wait)
		return
	}
	contact, ok := p.contact(w, r, b, v, sub)
	if !ok {
		return
	}
	p.book(w, r, b, v, sub, contact)
}

// contact returns the business's contact with the submission's number, creating it when missing.
// When the number has opted out of the business's texts, or is known not to receive texts, it
// writes the form again with the reason and returns false: the booking's confirmation and
// reminders go by text.
func (p *Pages) contact(
	w http.ResponseWriter, r *http.Request, b businessInfo, v formValues, sub submission,
) (store.Contact, bool) {
	ctx := r.Context()
	existing, err := p.store.GetContactByE164(ctx, b.ID, sub.E164)
	switch {
	case errors.Is(err, store.ErrNotFound):
		created, err := p.store.UpsertContact(ctx, b.ID, sub.E164)
		if err != nil {
			p.fail(w, r, err, b.ID)
			return store.Contact{}, false
		}
		return created, true
	case err != nil:
		p.fail(w, r, err, b.ID)
		return store.Contact{}, false
	}
	var message string
	switch {
	case existing.OptedOut():
		message = optedOutMessage(b)
	case existing.SMSBlocked != "":
		message = "This number can't receive texts. Enter a mobile number."
	default:
		return existing, true
	}
	p.log.Info("booking page rejected a number that cannot be texted", slog.Int64("business_id", int64(b.ID)),
		slog.Int64("contact_id", int64(existing.ID)))
	p.renderForm(w, r, b, http.StatusUnprocessableEntity, v, formErrors{Phone: message}, formNotice{})
	return store.Contact{}, false
}

// optedOutMessage returns the phone field's message for a number that opted out of the business's
// texts, with the ways left to book.
func optedOutMessage(b businessInfo) string {
	const stopped = "This number has opted out of texts from us, so we can't confirm a booking to it."
	if b.Number == "" {
		return stopped + " Enter another number, or call us to book."
	}
	return stopped + " Text START to " + phone.Format(b.Number, b.Region) +
		" to opt back in, enter another number, or call that number to book."
}

// book books the submission and writes the confirmation, or the form again when the slot is gone.
func (p *Pages) book(
	w http.ResponseWriter, r *http.Request, b businessInfo, v formValues, sub submission, contact store.Contact,
) {
	booked, created, err := p.bookings.Book(r.Context(), booking.BookRequest{
		BusinessID: b.ID, ContactID: contact.ID, Calendar: sub.Calendar, Start: sub.Start,
		Source: store.BookingSourcePage, Name: sub.Name, Email: sub.Email, Notes: sub.Notes,
		IdempotencyKey: sub.Key, Calendars: b.Calendars,
	})
	if taken, ok := errors.AsType[*booking.TakenError](err); ok {
		p.log.Info("booking page slot was taken", slog.Int64("business_id", int64(b.ID)),
			slog.Int64("contact_id", int64(contact.ID)))
		p.renderForm(w, r, b, http.StatusConflict, v, formErrors{}, takenNotice(taken))
		return
	}
	switch {
	case errors.Is(err, booking.ErrNotASlot):
		p.renderForm(w, r, b, http.StatusConflict, v, formErrors{}, formNotice{Text: noticeGone})
		return
	case err != nil:
		p.fail(w, r, err, b.ID)
		return
	}
	if !created {
		// The form's key was used before: by this very submission sent twice, or by an earlier
		// use of the same form, such as after the back button.
		if notice := replayNotice(booked, b, contact, sub); notice != "" {
			v.Key = newKey()
			p.renderForm(w, r, b, http.StatusConflict, v, formErrors{}, formNotice{Text: notice})
			return
		}
	} else {
		p.log.Info("booked on the booking page", slog.Int64("business_id", int64(b.ID)),
			slog.Int64("contact_id", int64(contact.ID)), slog.Int64("booking_id", int64(booked.ID)))
	}
	p.renderBooked(w, b, booked, sub)
}

// takenNotice lists the next free times that the booking service found for a slot taken
// meanwhile.
func takenNotice(taken *booking.TakenError) formNotice {
	notice := formNotice{Text: noticeTaken}
	for _, alt := range taken.Alternatives {
		notice.NextTimes = append(notice.NextTimes, alt.Slot.Label())
	}
	return notice
}

// replayNotice returns "" when booked, the booking made earlier with the submission's key, is the
// booking the submission requests. Otherwise it returns why the form is shown again.
func replayNotice(booked store.Booking, b businessInfo, contact store.Contact, sub submission) string {
	switch {
	case booked.BusinessID != b.ID || booked.ContactID != contact.ID ||
		booked.CalendarID != sub.Calendar.ID || !booked.Start.Equal(sub.Start):
		return noticeUsed
	case booked.State != store.BookingBooked:
		return noticeStopped
	}
	return ""
}

// renderBooked writes the confirmation of booked.
func (p *Pages) renderBooked(w http.ResponseWriter, b businessInfo, booked store.Booking, sub submission) {
	page := bookedPage{
		Title: "Booked with " + b.Name, Business: b.Name, Name: booked.Name,
		Address: sub.Calendar.Address, Phone: phone.Format(sub.E164, b.Region), Contact: contactOf(b),
	}
	slot, err := booking.SlotOf(sub.Calendar, booked)
	if err != nil {
		// The calendar's zone loaded a moment ago to check the slot, so this does not happen.
		slot = booking.Slot{Start: booked.Start, Location: time.UTC}
	}
	page.When = slot.Start.In(slot.Location).Format(bookedLayout)
	if len(b.Calendars) > 1 {
		page.Calendar = sub.Calendar.Name
	}
	p.views.render(w, http.StatusOK, bookedTemplate, page)
}

// tooMany writes the page for a rate-limited submission, with a Retry-After header.
func (p *Pages) tooMany(w http.ResponseWriter, r *http.Request, b businessInfo, wait time.Duration) {
	p.log.Warn("booking page rate-limited a submission", slog.String("path", r.URL.Path),
		slog.Int64("business_id", int64(b.ID)))
	w.Header().Set("Retry-After", strconv.Itoa(int(wait.Round(time.Second)/time.Second)+1))
	p.views.message(w, http.StatusTooManyRequests, tooManyPage(b, wait))
}
