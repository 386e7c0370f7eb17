package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/export"
	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

const authToken = "auth-token-that-must-never-leave"

// seedBusiness creates acme with a number, a contact, a screened call and its text back, and a
// second business whose rows must not appear in acme's export.
func seedBusiness(t *testing.T, s *store.Store) store.Business {
	t.Helper()
	ctx := context.Background()
	p, err := s.UpsertProvider(ctx, store.Provider{
		Name: "twilio-main", Kind: "twilio", AccountSID: "AC00000000000000000000000000000001", AuthToken: authToken,
	})
	if err != nil {
		t.Fatal(err)
	}
	var week hours.Week
	week[time.Monday] = []hours.Range{{Start: 8 * 60, End: 18 * 60}}
	var acme store.Business
	for _, slug := range []string{"acme", "other"} {
		b, err := s.UpsertBusiness(ctx, store.Business{
			Slug: slug, Name: "Acme Plumbing", TimeZone: "America/Chicago", Region: "US", RepName: "Dana",
			BookingURL: "https://example.com/book", Hours: week,
			TextBack: store.TextBackSettings{Enabled: true, Window: 24 * time.Hour, Template: "Hi {{.RepName}}", AfterHoursTemplate: "Closed"},
		})
		if err != nil {
			t.Fatal(err)
		}
		e164 := "+13125550199"
		if slug == "other" {
			e164 = "+13125550198"
		}
		n, err := s.UpsertNumber(ctx, store.Number{
			BusinessID: b.ID, ProviderID: p.ID, E164: e164, Mode: store.ModeDial, ForwardTo: "+13125550100",
			RingSeconds: 18, AnswerCheck: provider.AnswerCheckScreen,
		})
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.UpsertContact(ctx, b.ID, "+12025550143")
		if err != nil {
			t.Fatal(err)
		}
		call, err := s.EnsureCall(ctx, store.NewCall{
			BusinessID: b.ID, NumberID: n.ID, ProviderID: p.ID, ProviderCallID: "CA-" + slug, FromRaw: "+12025550143",
			To: n.E164, Handling: store.HandlingDial, AnswerCheck: provider.AnswerCheckScreen,
			StartedAt: time.Date(2026, 3, 10, 10, 0, 0, 0, time.FixedZone("CST", -6*3600)),
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetCallScreenDigits(ctx, call.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DecideCall(ctx, call.ID, store.OutcomeMissed, "no-keypress", "missed: nobody pressed 1"); err != nil {
			t.Fatal(err)
		}
		msg, _, err := s.InsertMessage(ctx, store.Message{
			BusinessID: b.ID, ContactID: c.ID, NumberID: n.ID, ProviderID: p.ID, CallID: call.ID, Direction: store.Outbound,
			From: n.E164, To: c.E164, Body: "Sorry we missed your call", Status: store.StatusQueued, Purpose: store.PurposeTextBack,
			Details: store.MessageDetails{Trigger: "missed call CA-" + slug, Checks: []store.Check{{Name: "opt_out", Passed: true, Detail: "not opted out"}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.MarkMessageSent(ctx, msg.ID, "SM-"+slug, "queued"); err != nil {
			t.Fatal(err)
		}
		cal, err := s.UpsertCalendar(ctx, store.Calendar{
			BusinessID: b.ID, Slug: "repairs", Name: "Repairs", TimeZone: "America/Chicago", Hours: week,
			SlotLength: time.Hour, BufferAfter: 15 * time.Minute, Horizon: 30 * 24 * time.Hour,
			Closures: []store.Closure{{From: "2026-12-24", To: "2026-12-26", Label: "Christmas"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Date(2026, 3, 16, 15, 0, 0, 0, time.UTC)
		err = s.InTx(ctx, func(tx *store.Tx) error {
			_, _, err := tx.BookSlot(ctx, store.SlotRequest{
				BusinessID: b.ID, CalendarID: cal.ID, ContactID: c.ID, Start: start, End: start.Add(time.Hour),
				Source: store.BookingSourcePage, Name: "Pat Lee", Email: "pat@example.com", Notes: "Leaking tap",
			})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.EnsureConversation(ctx, b.ID, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.InsertTask(ctx, store.NewTask{
			BusinessID: b.ID, ContactID: c.ID, Kind: store.TaskCallBack, Title: "Call back", Priority: "high",
			Source: "keyword URGENT", DueAt: start,
		}); err != nil {
			t.Fatal(err)
		}
		alert, _, err := s.RaiseAlert(ctx, store.NewAlert{
			BusinessID: b.ID, ContactID: c.ID, Kind: "missed_call", Priority: "normal", Summary: "Missed call",
			At: start, Window: time.Hour,
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddAlertDelivery(ctx, store.AlertDelivery{
			AlertID: alert.ID, Channel: "sms", Target: "+13125550100", Purpose: "alert", Status: "sent",
		}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.StartSequence(ctx, b.ID, c.ID, call.ID, n.ID, start); err != nil {
			t.Fatal(err)
		}
		if slug == "acme" {
			acme = b
		}
	}
	return acme
}

func TestWriteContents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b := seedBusiness(t, s)
		var out bytes.Buffer
		sum, err := export.Write(ctx, s, b.Slug, &out)
		if err != nil {
			t.Fatalf("write: %v", err)
		}
		want := export.Summary{
			Numbers: 1, Calendars: 1, Contacts: 1, Conversations: 1, Calls: 1, Messages: 1, Sequences: 1, Tasks: 1,
			Alerts: 1, Bookings: 1,
		}
		if sum != want {
			t.Errorf("summary %+v, want one of each", sum)
		}
		text := out.String()
		if strings.Contains(text, authToken) {
			t.Errorf("export contains the provider's auth token")
		}
		if strings.Contains(text, "auth_token") {
			t.Errorf("export has an auth_token field")
		}
		cal, err := s.GetCalendarBySlug(ctx, b.ID, "repairs")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(text, cal.FeedToken) || strings.Contains(text, "feed_token") {
			t.Errorf("export contains the calendar's feed token")
		}
		var compact, indented bytes.Buffer
		if err := json.Compact(&compact, out.Bytes()); err != nil {
			t.Fatalf("export is not valid JSON: %v\n%s", err, text)
		}
		if err := json.Indent(&indented, compact.Bytes(), "", "  "); err != nil {
			t.Fatal(err)
		}
		if indented.String()+"\n" != text {
			t.Errorf("export is not indented by two spaces per level:\n%s", text)
		}
		for _, key := range regexp.MustCompile(`"([^"]+)":`).FindAllStringSubmatch(text, -1) {
			if !regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)*$`).MatchString(key[1]) {
				t.Errorf("field name %q is not snake_case", key[1])
			}
		}
		for _, stamp := range regexp.MustCompile(`"\d{4}-\d\d-\d\dT[^"]*"`).FindAllString(text, -1) {
			var parsed time.Time
			if err := json.Unmarshal([]byte(stamp), &parsed); err != nil || !strings.HasSuffix(stamp, `Z"`) {
				t.Errorf("time %s is not RFC 3339 in UTC (%v)", stamp, err)
			}
		}

		var doc export.Document
		if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
			t.Fatalf("decode export: %v", err)
		}
		if doc.Format != export.Format {
			t.Errorf("format %q, want %q", doc.Format, export.Format)
		}
		if len(doc.Tasks) != 1 || doc.Tasks[0].Title != "Call back" || doc.Tasks[0].DoneAt != nil {
			t.Errorf("tasks %+v, want the open call-back task", doc.Tasks)
		}
		if len(doc.Alerts) != 1 || len(doc.Alerts[0].Deliveries) != 1 || doc.Alerts[0].Deliveries[0].Target != "+13125550100" {
			t.Errorf("alerts %+v, want the missed-call alert with its delivery", doc.Alerts)
		}
		if len(doc.Sequences) != 1 || doc.Sequences[0].State != store.SequenceActive {
			t.Errorf("follow-up sequences %+v, want one running", doc.Sequences)
		}
		if len(doc.Conversations) != 1 || doc.Conversations[0].ContactID != doc.Contacts[0].ID {
			t.Errorf("conversations %+v, want the contact's one", doc.Conversations)
		}
		if doc.Business.Slug != "acme" {
			t.Errorf("business %q, want acme", doc.Business.Slug)
		}
		if doc.Business.TextBack.WindowSeconds != 86400 {
			t.Errorf("text-back window %d s, want 86400", doc.Business.TextBack.WindowSeconds)
		}
		if got := hours.FormatDay(doc.Business.Hours[time.Monday]); got != "08:00-18:00" {
			t.Errorf("monday hours exported as %s, want 08:00-18:00", got)
		}
		if len(doc.Numbers) != 1 {
			t.Fatalf("numbers: %+v, want acme's one number", doc.Numbers)
		}
		if doc.Numbers[0].E164 != "+13125550199" {
			t.Errorf("number %s, want +13125550199", doc.Numbers[0].E164)
		}
		if doc.Numbers[0].Provider == nil || doc.Numbers[0].Provider.Name != "twilio-main" {
			t.Errorf("number's provider %+v, want twilio-main", doc.Numbers[0].Provider)
		}
		if len(doc.Contacts) != 1 {
			t.Fatalf("contacts: %+v, want acme's one contact", doc.Contacts)
		}
		if doc.Contacts[0].E164 != "+12025550143" {
			t.Errorf("contact %s, want +12025550143", doc.Contacts[0].E164)
		}
		if doc.Contacts[0].OptedOutAt != nil {
			t.Errorf("contact opted out at %v, want null", doc.Contacts[0].OptedOutAt)
		}
		if len(doc.Calls) != 1 {
			t.Fatalf("calls: %+v, want acme's one call", doc.Calls)
		}
		call := doc.Calls[0]
		if call.ProviderCallID != "CA-acme" {
			t.Errorf("call %s, want CA-acme", call.ProviderCallID)
		}
		if call.Outcome != "missed" {
			t.Errorf("call outcome %s, want missed", call.Outcome)
		}
		if call.ScreenDigits == nil || *call.ScreenDigits != "" {
			t.Errorf("screen digits %v, want an empty string for a screening with no key pressed", call.ScreenDigits)
		}
		if call.EndedAt != nil {
			t.Errorf("ended at %v, want null for a call with no end recorded", call.EndedAt)
		}
		if !call.StartedAt.Equal(time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC)) {
			t.Errorf("started at %s, want 16:00 UTC", call.StartedAt)
		}
		if len(doc.Messages) != 1 {
			t.Fatalf("messages: %+v, want acme's one text", doc.Messages)
		}
		msg := doc.Messages[0]
		if msg.ProviderMessageID != "SM-acme" {
			t.Errorf("text %s, want SM-acme", msg.ProviderMessageID)
		}
		if msg.CallID == nil || *msg.CallID != call.ID {
			t.Errorf("text's call id %v, want %d", msg.CallID, call.ID)
		}
		if msg.Details.Trigger != "missed call CA-acme" {
			t.Errorf("text's trigger %q, want the missed call", msg.Details.Trigger)
		}
		if len(msg.Details.Checks) != 1 || msg.Details.Checks[0].Name != "opt_out" {
			t.Errorf("text's checks %+v, want the opt_out check", msg.Details.Checks)
		}
		if len(doc.Calendars) != 1 {
			t.Fatalf("calendars: %+v, want acme's one calendar", doc.Calendars)
		}
		if got := doc.Calendars[0]; got.Slug != "repairs" || got.SlotSeconds != 3600 || got.BufferAfterSeconds != 900 {
			t.Errorf("calendar exported as %+v", got)
		}
		if cl := doc.Calendars[0].Closures; len(cl) != 1 || cl[0].From != "2026-12-24" || cl[0].Label != "Christmas" {
			t.Errorf("closures exported as %+v", cl)
		}
		if len(doc.Bookings) != 1 {
			t.Fatalf("bookings: %+v, want acme's one booking", doc.Bookings)
		}
		booking := doc.Bookings[0]
		if booking.CalendarID != doc.Calendars[0].ID || booking.ContactID != doc.Contacts[0].ID {
			t.Errorf("booking of calendar %d and contact %d, want the exported ones", booking.CalendarID, booking.ContactID)
		}
		if booking.State != "booked" || booking.Name != "Pat Lee" || booking.Notes != "Leaking tap" {
			t.Errorf("booking exported as %+v", booking)
		}
		if !booking.StartsAt.Equal(time.Date(2026, 3, 16, 15, 0, 0, 0, time.UTC)) || booking.HoldExpiresAt != nil {
			t.Errorf("booking starts %s, hold until %v; want 15:00 UTC and null", booking.StartsAt, booking.HoldExpiresAt)
		}
	})
}

func TestWritePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b := seedBusiness(t, s)
		err := s.InTx(ctx, func(tx *store.Tx) error {
			for i := range export.PageSize {
				if _, err := tx.UpsertContact(ctx, b.ID, fmt.Sprintf("+1415555%04d", i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		sum, err := export.Write(ctx, s, b.Slug, &out)
		if err != nil {
			t.Fatalf("write: %v", err)
		}
		var doc export.Document
		if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
			t.Fatalf("decode export: %v", err)
		}
		want := export.PageSize + 1
		if len(doc.Contacts) != want {
			t.Errorf("exported %d contacts, want %d", len(doc.Contacts), want)
		}
		if sum.Contacts != want {
			t.Errorf("summary counts %d contacts, want %d", sum.Contacts, want)
		}
		for i := 1; i < len(doc.Contacts); i++ {
			if doc.Contacts[i].ID <= doc.Contacts[i-1].ID {
				t.Fatalf("contact %d follows %d: not in id order", doc.Contacts[i].ID, doc.Contacts[i-1].ID)
			}
		}
	})
}

func TestWriteUnknownBusiness(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	var out bytes.Buffer
	_, err := export.Write(context.Background(), s, "nobody", &out)
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("error %v, want ErrNotFound", err)
	}
	if out.Len() != 0 {
		t.Errorf("wrote %d bytes for an unknown business, want none", out.Len())
	}
}
