package store_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

const (
	forgotten = "+12025550143" // the number whose data is deleted
	neighbour = "+12025550144" // another caller of the same business
)

func callSID(n int) string    { return fmt.Sprintf("CA%032d", n) }
func messageSID(n int) string { return fmt.Sprintf("SM%032d", n) }

// forgetFixture holds two businesses that share a caller, and the rows each test expects to
// survive a deletion.
type forgetFixture struct {
	s        *store.Store
	acme     store.Business
	other    store.Business
	provider store.Provider
	seq      int
}

func newForgetFixture(t *testing.T, s *store.Store) *forgetFixture {
	t.Helper()
	ctx := context.Background()
	f := &forgetFixture{s: s}
	var err error
	f.provider, err = s.UpsertProvider(ctx, store.Provider{Name: "twilio-main", Kind: "twilio", AccountSID: "AC1", AuthToken: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	for i, slug := range []string{"acme", "other"} {
		b, err := s.UpsertBusiness(ctx, store.Business{
			Slug: slug, Name: slug, TimeZone: "America/Chicago", Region: "US",
			TextBack: store.TextBackSettings{Enabled: true, Window: time.Hour, Template: "Hi", AfterHoursTemplate: "Closed"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertNumber(ctx, store.Number{
			BusinessID: b.ID, ProviderID: f.provider.ID, E164: fmt.Sprintf("+1312555019%d", i), Mode: store.ModeDial,
			ForwardTo: "+13125550100", RingSeconds: 18, AnswerCheck: provider.AnswerCheckNone,
		}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			f.acme = b
		} else {
			f.other = b
		}
	}
	return f
}

func (f *forgetFixture) numberOf(b store.Business) string {
	if b.ID == f.acme.ID {
		return "+13125550190"
	}
	return "+13125550191"
}

// call records a call from fromRaw with its webhooks, linked to the contact when one is given.
func (f *forgetFixture) call(t *testing.T, b store.Business, sid, fromRaw string, contact store.ContactID) store.Call {
	t.Helper()
	ctx := context.Background()
	c, err := f.s.EnsureCall(ctx, store.NewCall{
		BusinessID: b.ID, ProviderID: f.provider.ID, ProviderCallID: sid, FromRaw: fromRaw, To: f.numberOf(b),
		Handling: store.HandlingDial, AnswerCheck: provider.AnswerCheckNone, StartedAt: time.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if contact != 0 {
		if err := f.s.SetCallTextBack(ctx, c.ID, contact, store.TextBackQueued, "", "missed"); err != nil {
			t.Fatal(err)
		}
	}
	for _, key := range []string{"voice:" + sid, "status:" + sid + ":completed", "amd:" + sid + ":CL" + sid[2:]} {
		f.webhook(t, key)
	}
	return c
}

// text records a text of the business with the contact, and its webhook and delivery log entry.
func (f *forgetFixture) text(t *testing.T, b store.Business, contact store.Contact, call store.CallID, dir store.Direction) store.Message {
	t.Helper()
	ctx := context.Background()
	f.seq++
	sid := messageSID(f.seq)
	m := store.Message{
		BusinessID: b.ID, ContactID: contact.ID, ProviderID: f.provider.ID, CallID: call, Direction: dir,
		From: f.numberOf(b), To: contact.E164, Body: "hello", Status: store.StatusQueued,
		IdempotencyKey: fmt.Sprintf("test:%d", f.seq),
	}
	if dir == store.Inbound {
		m.From, m.To, m.Status = contact.E164, f.numberOf(b), store.StatusReceived
		m.IdempotencyKey = fmt.Sprintf("inbound:%d:%s", f.provider.ID, sid)
	}
	msg, _, err := f.s.InsertMessage(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if dir == store.Inbound {
		f.webhook(t, "sms:"+sid)
		return msg
	}
	if err := f.s.MarkMessageSent(ctx, msg.ID, sid, "queued"); err != nil {
		t.Fatal(err)
	}
	f.webhook(t, "sms-status:"+sid+":delivered")
	if err := f.s.InsertExchange(ctx, store.Exchange{
		ProviderID: f.provider.ID, MessageID: msg.ID, Method: "POST", URL: "http://127.0.0.1:1/Messages.json",
		Status: 201, CreatedAt: time.Now(),
	}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.InsertSandboxMessage(ctx, store.SandboxMessage{
		AccountSID: "AC1", SID: sid, From: m.From, To: m.To, Body: m.Body, CreatedAt: time.Now(),
	}); err != nil {
		t.Fatal(err)
	}
	return msg
}

// booking books the contact into the business's calendar at hour (UTC) on 2025-03-11, or holds
// the slot when held is set. The calendar is created when missing.
func (f *forgetFixture) booking(t *testing.T, b store.Business, contact store.ContactID, hour int, held bool) {
	t.Helper()
	ctx := context.Background()
	cal, err := f.s.GetCalendarBySlug(ctx, b.ID, "repairs")
	if errors.Is(err, store.ErrNotFound) {
		cal, err = f.s.UpsertCalendar(ctx, store.Calendar{
			BusinessID: b.ID, Slug: "repairs", Name: "Repairs", TimeZone: "America/Chicago",
			SlotLength: time.Hour, Horizon: 24 * time.Hour,
		})
	}
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 3, 11, hour, 0, 0, 0, time.UTC)
	r := store.SlotRequest{
		BusinessID: b.ID, CalendarID: cal.ID, ContactID: contact, Start: start, End: start.Add(time.Hour),
		HoldUntil: time.Now().Add(time.Hour), Source: store.BookingSourcePage, Name: "Pat Lee", Email: "pat@example.com",
	}
	err = f.s.InTx(ctx, func(tx *store.Tx) error {
		if held {
			_, _, err := tx.HoldSlot(ctx, r)
			return err
		}
		_, _, err := tx.BookSlot(ctx, r)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (f *forgetFixture) webhook(t *testing.T, key string) {
	t.Helper()
	_, _, err := f.s.InsertWebhook(context.Background(), store.Webhook{
		ProviderID: f.provider.ID, Route: "twilio/voice", EventKey: key, URL: "https://hooks.example.com/webhooks/twilio/voice",
		Header: http.Header{}, Body: []byte("CallSid=x"), ReceivedAt: time.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
}

// column returns the values of one text column of a table, sorted.
func column(t *testing.T, s *store.Store, query string) []string {
	t.Helper()
	rows, err := s.DB().QueryContext(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func TestForgetContact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newForgetFixture(t, s)
		x, err := s.UpsertContact(ctx, f.acme.ID, forgotten)
		if err != nil {
			t.Fatal(err)
		}
		y, err := s.UpsertContact(ctx, f.acme.ID, neighbour)
		if err != nil {
			t.Fatal(err)
		}
		xOther, err := s.UpsertContact(ctx, f.other.ID, forgotten)
		if err != nil {
			t.Fatal(err)
		}
		// The forgotten caller's data at acme: a call linked to the contact, a call whose caller
		// id only normalises to the number, a text back, an inbound text and a held text.
		linked := f.call(t, f.acme, callSID(1), forgotten, x.ID)
		f.call(t, f.acme, callSID(2), "(202) 555-0143", 0)
		f.text(t, f.acme, x, linked.ID, store.Outbound)
		f.text(t, f.acme, x, 0, store.Inbound)
		if _, _, err := s.InsertMessage(ctx, store.Message{
			BusinessID: f.acme.ID, ContactID: x.ID, Direction: store.Outbound, From: f.numberOf(f.acme), To: forgotten,
			Body: "held", Status: store.StatusHeld, HoldReason: "opted out",
		}); err != nil {
			t.Fatal(err)
		}
		// Everybody else's: the neighbour, a withheld caller, a call whose id starts with the
		// forgotten call's id, and the same caller at another business.
		f.call(t, f.acme, callSID(3), neighbour, y.ID)
		f.text(t, f.acme, y, 0, store.Outbound)
		f.call(t, f.acme, callSID(4), "Anonymous", 0)
		f.webhook(t, "voice:"+callSID(1)+"0")
		f.call(t, f.other, callSID(5), forgotten, xOther.ID)
		f.text(t, f.other, xOther, 0, store.Outbound)

		// A booking and a hold of the forgotten caller, and bookings of everybody else.
		f.booking(t, f.acme, x.ID, 9, false)
		f.booking(t, f.acme, x.ID, 11, true)
		f.booking(t, f.acme, y.ID, 13, false)
		f.booking(t, f.other, xOther.ID, 9, false)

		// Outbound webhook events about the forgotten caller, and one about the neighbour.
		for i, contact := range []store.ContactID{x.ID, x.ID, y.ID} {
			if _, err := s.InsertHookEvent(ctx, store.HookEvent{
				BusinessID: f.acme.ID, ContactID: contact, PublicID: fmt.Sprintf("evt_%d", i), Type: "message.received",
				Body: "{}", CreatedAt: time.Now(),
			}); err != nil {
				t.Fatal(err)
			}
		}

		res, err := s.ForgetContact(ctx, f.acme, forgotten)
		if err != nil {
			t.Fatalf("forget: %v", err)
		}
		want := store.ForgetResult{
			Contacts: 1, Calls: 2, Messages: 3, Webhooks: 8, ProviderExchanges: 1, SandboxMessages: 1, Bookings: 2,
			HookEvents: 2,
		}
		if res != want {
			t.Errorf("deleted %+v, want %+v", res, want)
		}

		if got := column(t, s, "SELECT e164 || '@' || CAST(business_id AS TEXT) FROM contacts"); !slices.Equal(got, []string{
			forgotten + "@" + fmt.Sprint(f.other.ID), neighbour + "@" + fmt.Sprint(f.acme.ID),
		}) {
			t.Errorf("contacts left: %v", got)
		}
		if got := column(t, s, "SELECT provider_call_id FROM calls"); !slices.Equal(got, []string{callSID(3), callSID(4), callSID(5)}) {
			t.Errorf("calls left: %v", got)
		}
		if got := column(t, s, "SELECT to_number FROM messages"); !slices.Equal(got, []string{forgotten, neighbour}) {
			t.Errorf("messages left (by recipient): %v", got)
		}
		wantWebhooks := []string{"voice:" + callSID(1) + "0", "sms-status:" + messageSID(3) + ":delivered",
			"sms-status:" + messageSID(4) + ":delivered"}
		for _, n := range []int{3, 4, 5} {
			wantWebhooks = append(wantWebhooks, "voice:"+callSID(n), "status:"+callSID(n)+":completed",
				"amd:"+callSID(n)+":CL"+callSID(n)[2:])
		}
		slices.Sort(wantWebhooks)
		if got := column(t, s, "SELECT event_key FROM webhooks"); !slices.Equal(got, wantWebhooks) {
			t.Errorf("webhooks left: %v", got)
		}
		if got := column(t, s, "SELECT to_number FROM sandbox_messages"); !slices.Equal(got, []string{forgotten, neighbour}) {
			t.Errorf("sandbox texts left (by recipient): %v", got)
		}
		wantBookings := []string{fmt.Sprint(y.ID), fmt.Sprint(xOther.ID)}
		slices.Sort(wantBookings)
		if got := column(t, s, "SELECT CAST(contact_id AS TEXT) FROM bookings"); !slices.Equal(got, wantBookings) {
			t.Errorf("bookings left (by contact): %v, want %v", got, wantBookings)
		}
		if got := column(t, s, "SELECT public_id FROM hook_events"); !slices.Equal(got, []string{"evt_2"}) {
			t.Errorf("webhook events left: %v, want the neighbour's", got)
		}
		var exchanges int
		if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM provider_exchanges").Scan(&exchanges); err != nil {
			t.Fatal(err)
		}
		if exchanges != 2 {
			t.Errorf("%d delivery log entries left, want the 2 of other people's texts", exchanges)
		}

		_, err = s.ForgetContact(ctx, f.acme, forgotten)
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second forget: error %v, want ErrNotFound", err)
		}
	})
}
