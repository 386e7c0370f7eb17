package store_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// seed creates a provider, a business and a number.
func seed(t *testing.T, s *store.Store) (store.Provider, store.Business, store.Number) {
	t.Helper()
	ctx := context.Background()
	p, err := s.UpsertProvider(ctx, store.Provider{
		Name: "twilio-main", Kind: "twilio", AccountSID: "AC00000000000000000000000000000001", AuthToken: "secret",
	})
	if err != nil {
		t.Fatal(err)
	}
	week := hours.Week{}
	week[time.Monday] = []hours.Range{{Start: 8 * 60, End: 18 * 60}}
	b, err := s.UpsertBusiness(ctx, store.Business{
		Slug: "acme", Name: "Acme Plumbing", TimeZone: "America/Chicago", Region: "US", Hours: week,
		TextBack: store.TextBackSettings{Enabled: true, Window: 24 * time.Hour, Template: "Hi", AfterHoursTemplate: "Closed"},
	})
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.UpsertNumber(ctx, store.Number{
		BusinessID: b.ID, ProviderID: p.ID, E164: "+13125550199", Mode: store.ModeDial,
		ForwardTo: "+13125550100", RingSeconds: 18, AnswerCheck: provider.AnswerCheckMachine,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p, b, n
}

func TestUpsertRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		p, b, n := seed(t, s)
		got, err := s.GetBusinessBySlug(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != b.ID || got.TextBack.Window != 24*time.Hour || !got.TextBack.Enabled {
			t.Errorf("business read back as %+v, want id %d, 24h window, enabled", got, b.ID)
		}
		if len(got.Hours[time.Monday]) != 1 || got.Hours[time.Monday][0].End != 18*60 {
			t.Errorf("monday hours read back as %v, want 08:00-18:00", got.Hours[time.Monday])
		}
		again, err := s.UpsertProvider(ctx, store.Provider{Name: "twilio-main", Kind: "twilio", AccountSID: p.AccountSID, AuthToken: "new"})
		if err != nil {
			t.Fatal(err)
		}
		if again.ID != p.ID || again.AuthToken != "new" {
			t.Errorf("second upsert gave id %d token %q, want id %d token new", again.ID, again.AuthToken, p.ID)
		}
		num, err := s.GetNumberByE164(ctx, "+13125550199")
		if err != nil {
			t.Fatal(err)
		}
		if num.ID != n.ID || num.AnswerCheck != provider.AnswerCheckMachine {
			t.Errorf("number read back as %+v", num)
		}
		if _, err := s.GetNumberByE164(ctx, "+19999999999"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown number gave %v, want ErrNotFound", err)
		}
	})
}

func TestContactUpsertConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, b, _ := seed(t, s)
		var wg sync.WaitGroup
		ids := make([]store.ContactID, 20)
		errs := make([]error, 20)
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := s.UpsertContact(ctx, b.ID, "+12025550143")
				ids[i], errs[i] = c.ID, err
			}()
		}
		wg.Wait()
		for i := range ids {
			if errs[i] != nil {
				t.Fatalf("upsert %d: %v", i, errs[i])
			}
			if ids[i] != ids[0] {
				t.Errorf("upsert %d returned contact %d, want %d", i, ids[i], ids[0])
			}
		}
	})
}

func TestClaimTextBackWindow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, b, _ := seed(t, s)
		c, err := s.UpsertContact(ctx, b.ID, "+12025550143")
		if err != nil {
			t.Fatal(err)
		}
		start := time.Date(2026, 3, 11, 19, 0, 0, 0, time.UTC)
		var wg sync.WaitGroup
		wins := make(chan bool, 10)
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := s.ClaimTextBackWindow(ctx, b.ID, c.ID, start, 24*time.Hour)
				if err != nil {
					t.Error(err)
				}
				wins <- ok
			}()
		}
		wg.Wait()
		close(wins)
		won := 0
		for ok := range wins {
			if ok {
				won++
			}
		}
		if won != 1 {
			t.Errorf("%d of 10 concurrent claims succeeded, want 1", won)
		}
		if ok, _ := s.ClaimTextBackWindow(ctx, b.ID, c.ID, start.Add(23*time.Hour), 24*time.Hour); ok {
			t.Error("claim 23 h later succeeded inside a 24 h window")
		}
		if ok, _ := s.ClaimTextBackWindow(ctx, b.ID, c.ID, start.Add(24*time.Hour+time.Second), 24*time.Hour); !ok {
			t.Error("claim after the window expired failed")
		}
	})
}

func TestCallDecideOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		p, b, n := seed(t, s)
		nc := store.NewCall{
			BusinessID: b.ID, NumberID: n.ID, ProviderID: p.ID, ProviderCallID: "CA01", FromRaw: "+12025550143",
			To: n.E164, Handling: store.HandlingDial, AnswerCheck: provider.AnswerCheckNone, StartedAt: time.Now(),
		}
		c1, err := s.EnsureCall(ctx, nc)
		if err != nil {
			t.Fatal(err)
		}
		c2, err := s.EnsureCall(ctx, nc)
		if err != nil {
			t.Fatal(err)
		}
		if c1.ID != c2.ID {
			t.Errorf("second EnsureCall made call %d, want existing %d", c2.ID, c1.ID)
		}
		if err := s.SetCallScreenDigits(ctx, c1.ID, ""); err != nil {
			t.Fatal(err)
		}
		first, err := s.DecideCall(ctx, c1.ID, store.OutcomeMissed, "no-answer", "missed")
		if err != nil || !first {
			t.Fatalf("first decision: %v, %v", first, err)
		}
		second, err := s.DecideCall(ctx, c1.ID, store.OutcomeAnswered, "completed", "answered")
		if err != nil || second {
			t.Fatalf("second decision recorded: %v, %v", second, err)
		}
		got, err := s.GetCall(ctx, c1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Outcome != store.OutcomeMissed || !got.ScreenAnswered || got.ScreenDigits != "" {
			t.Errorf("call read back as outcome %s screen %v %q", got.Outcome, got.ScreenAnswered, got.ScreenDigits)
		}
		calls, err := s.ListRecentCalls(ctx, 0, 10)
		if err != nil || len(calls) != 1 || calls[0].BusinessSlug != "acme" {
			t.Errorf("recent calls = %+v, %v", calls, err)
		}
	})
}

func TestMessageIdempotencyAndClaim(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		p, b, n := seed(t, s)
		m := store.Message{
			BusinessID: b.ID, NumberID: n.ID, ProviderID: p.ID, Direction: store.Outbound, From: n.E164,
			To: "+12025550143", Body: "Hi", Status: store.StatusQueued, IdempotencyKey: "text-back:1",
			Details: store.MessageDetails{Values: map[string]string{"business": "Acme"}},
		}
		first, inserted, err := s.InsertMessage(ctx, m)
		if err != nil || !inserted {
			t.Fatalf("first insert: %v, %v", inserted, err)
		}
		dup, inserted, err := s.InsertMessage(ctx, m)
		if err != nil || inserted || dup.ID != first.ID {
			t.Fatalf("duplicate insert: inserted %v id %d err %v, want existing %d", inserted, dup.ID, err, first.ID)
		}
		if dup.Details.Values["business"] != "Acme" {
			t.Errorf("details read back as %+v", dup.Details)
		}
		now := s.Now()
		claimed, ok, err := s.ClaimMessage(ctx, first.ID, now.Add(-time.Minute))
		if err != nil || !ok || claimed.Attempts != 1 || claimed.Status != store.StatusSending {
			t.Fatalf("first claim: %+v %v %v", claimed, ok, err)
		}
		if _, ok, _ := s.ClaimMessage(ctx, first.ID, now.Add(-time.Minute)); ok {
			t.Error("a fresh claim was taken over")
		}
		if _, ok, _ := s.ClaimMessage(ctx, first.ID, now.Add(time.Minute)); !ok {
			t.Error("a stale claim was not taken over")
		}
		if err := s.MarkMessageSent(ctx, first.ID, "SM01", "queued"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.ClaimMessage(ctx, first.ID, now.Add(time.Hour)); ok {
			t.Error("a sent message was claimed")
		}
	})
}

func TestWebhookDedupe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		p, _, _ := seed(t, s)
		w := store.Webhook{
			ProviderID: p.ID, Route: "voice/status", EventKey: "status:CA01:no-answer", URL: "http://x/y",
			Header: map[string][]string{"X-Twilio-Signature": {"abc"}}, Body: []byte{0xff, 'a'}, ReceivedAt: time.Now(),
		}
		id, inserted, err := s.InsertWebhook(ctx, w)
		if err != nil || !inserted || id == 0 {
			t.Fatalf("first insert: %d %v %v", id, inserted, err)
		}
		if _, inserted, err := s.InsertWebhook(ctx, w); err != nil || inserted {
			t.Fatalf("duplicate insert: %v %v", inserted, err)
		}
		got, err := s.GetWebhook(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if string(got.Body) != string(w.Body) || got.Header.Get("X-Twilio-Signature") != "abc" {
			t.Errorf("webhook read back as %+v", got)
		}
	})
}

func TestPruneBefore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		p, _, _ := seed(t, s)
		old := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		recent := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		insert := func(key string, at time.Time, processed bool) {
			id, _, err := s.InsertWebhook(ctx, store.Webhook{
				ProviderID: p.ID, Route: "twilio/voice", EventKey: key, URL: "u", Header: map[string][]string{}, Body: []byte("b"), ReceivedAt: at,
			})
			if err != nil {
				t.Fatal(err)
			}
			if processed {
				if err := s.MarkWebhookProcessed(ctx, id, "done"); err != nil {
					t.Fatal(err)
				}
			}
		}
		insert("old-done", old, true)
		insert("old-pending", old, false)
		insert("recent-done", recent, true)
		if err := s.InsertExchange(ctx, store.Exchange{ProviderID: p.ID, Method: "POST", URL: "u", CreatedAt: old}); err != nil {
			t.Fatal(err)
		}
		res, err := s.PruneBefore(ctx, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if res.Webhooks != 1 || res.Exchanges != 1 {
			t.Errorf("pruned %+v, want 1 webhook and 1 delivery log entry", res)
		}
		for _, key := range []string{"old-pending", "recent-done"} {
			if _, inserted, err := s.InsertWebhook(ctx, store.Webhook{
				ProviderID: p.ID, Route: "r", EventKey: key, URL: "u", Header: map[string][]string{}, Body: []byte("b"), ReceivedAt: recent,
			}); err != nil || inserted {
				t.Errorf("webhook %s was pruned (re-insert succeeded: %v, %v)", key, inserted, err)
			}
		}
	})
}

// Outbound webhook events older than the cutoff are pruned with their deliveries once none of
// those is pending.
func TestPruneHookEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, b, _ := seed(t, s)
		endpoint, err := s.InsertHookEndpoint(ctx, store.HookEndpoint{
			BusinessID: b.ID, URL: "https://crm.example.com/hook", Events: []string{"call.missed"}, Secret: "s",
		})
		if err != nil {
			t.Fatal(err)
		}
		old := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		recent := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		event := func(id string, at time.Time, state store.HookDeliveryState) {
			e, err := s.InsertHookEvent(ctx, store.HookEvent{
				BusinessID: b.ID, PublicID: id, Type: "call.missed", Body: "{}", CreatedAt: at,
			})
			if err != nil {
				t.Fatal(err)
			}
			d, err := s.InsertHookDelivery(ctx, e.ID, endpoint.ID)
			if err != nil {
				t.Fatal(err)
			}
			if state != store.HookPending {
				err := s.RecordHookAttempt(ctx, store.HookAttempt{DeliveryID: d.ID, Attempt: 1, StatusCode: 200}, state)
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		event("evt_old_delivered", old, store.HookDelivered)
		event("evt_old_failed", old, store.HookFailed)
		event("evt_old_pending", old, store.HookPending)
		event("evt_recent", recent, store.HookDelivered)

		res, err := s.PruneBefore(ctx, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if res.HookEvents != 2 {
			t.Errorf("pruned %d webhook events, want the 2 old ones no longer being delivered", res.HookEvents)
		}
		var left []string
		rows, err := s.DB().QueryContext(ctx, "SELECT public_id FROM hook_events ORDER BY public_id")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			left = append(left, id)
		}
		if want := []string{"evt_old_pending", "evt_recent"}; !slices.Equal(left, want) {
			t.Errorf("events left %v, want %v", left, want)
		}
	})
}

func TestSettingsKeepEmptyKeywords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		settings := store.DefaultSettings()
		settings.Keywords = []store.Keyword{}
		b, err := s.UpsertBusiness(ctx, store.Business{Slug: "quiet", Name: "Quiet", TimeZone: "UTC", Region: "US",
			TextBack: store.TextBackSettings{Window: time.Hour, Template: "Hi", AfterHoursTemplate: "Hi"}, Settings: settings})
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Settings.Keywords) != 0 {
			t.Errorf("keywords read back as %+v, want none: the business turned them all off", b.Settings.Keywords)
		}
	})
}

func TestCredentialsRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		p, b, _ := seed(t, s)
		p.PublicKey = "base64publickey"
		if _, err := s.UpsertProvider(ctx, p); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetProvider(ctx, p.ID)
		if err != nil || got.PublicKey != "base64publickey" {
			t.Errorf("provider public key read back as %q (%v)", got.PublicKey, err)
		}
		n, err := s.UpsertNumber(ctx, store.Number{
			BusinessID: b.ID, ProviderID: p.ID, E164: "+13125550198", Mode: store.ModeForwarded, RingSeconds: 18,
			AnswerCheck: "none", WebhookToken: "tok123", WebhookSecret: "secret456", ProviderConfirmsOptOut: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		byToken, err := s.GetNumberByWebhookToken(ctx, "tok123")
		if err != nil || byToken.ID != n.ID || byToken.WebhookSecret != "secret456" || !byToken.ProviderConfirmsOptOut {
			t.Errorf("number by token read back as %+v (%v)", byToken, err)
		}
	})
}

func TestSetContactTimeZone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, b, _ := seed(t, s)
		c, err := s.UpsertContact(ctx, b.ID, "+12025550143")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetContactTimeZone(ctx, b.ID, c.ID, "America/Denver"); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetContact(ctx, b.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.TimeZone != "America/Denver" {
			t.Errorf("time zone %q, want America/Denver", got.TimeZone)
		}

		if err := s.SetContactTimeZone(ctx, b.ID, c.ID, "Mountain Time"); err == nil {
			t.Error("zone \"Mountain Time\" was accepted, want an invalid time zone error")
		}
		if err := s.SetContactTimeZone(ctx, b.ID, c.ID, ""); err != nil {
			t.Fatal(err)
		}
		got, err = s.GetContact(ctx, b.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.TimeZone != "" {
			t.Errorf("time zone %q after clearing, want empty", got.TimeZone)
		}
	})
}
