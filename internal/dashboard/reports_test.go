package dashboard_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/provider/twilio"
	"github.com/textback/textback/internal/provider/twilio/twiliotest"
	"github.com/textback/textback/internal/simulate"
	"github.com/textback/textback/internal/store"
)

func TestAnalyticsPage(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d, 1)
		b := signedIn(t, s, "owner@example.com")
		s.missedCall(0, caller)
		s.missedCall(0, "+12025550144")

		status, page := b.get(s.url("/dashboard/demo-plumbing/analytics?days=7"))
		if status != http.StatusOK {
			t.Fatalf("analytics: %d", status)
		}
		for _, want := range []string{
			"Missed calls</span><strong>2</strong>", "Texted back</span><strong>2</strong>",
			"Reply rate</span><strong>0%</strong>", "<svg class=\"chart\"", "2 (100%)", "2 missed, 2 texted",
		} {
			if !strings.Contains(page, want) {
				t.Errorf("analytics page lacks %q", want)
			}
		}
		if strings.Contains(page, "Time to first text, median</span><strong>–") {
			t.Error("analytics page shows no time to first text")
		}
		if status, _ := b.get(s.url("/dashboard/demo-plumbing/analytics?days=abc")); status != http.StatusOK {
			t.Errorf("analytics with a bad period: %d, want the default period", status)
		}
	})
}

// TestDeliveryLogPage sends a text back through a fake Twilio API on 127.0.0.1 and reads its
// request on the delivery log page: no auth token may appear.
func TestDeliveryLogPage(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d, 1)
		ctx := context.Background()
		fake := twiliotest.New(t, twiliotest.WithoutContract())
		p, err := s.store.UpsertProvider(ctx, store.Provider{Name: "twilio-main", Kind: twilio.ProviderKind,
			AccountSID: fake.AccountSID, AuthToken: fake.AuthToken, APIBaseURL: fake.URL})
		if err != nil {
			t.Fatal(err)
		}
		demo := s.business("demo-plumbing")
		number, err := s.store.UpsertNumber(ctx, store.Number{BusinessID: demo.ID, ProviderID: p.ID, E164: "+13125550177",
			Mode: store.ModeDial, ForwardTo: "+13125550100", RingSeconds: 18, AnswerCheck: provider.AnswerCheckNone})
		if err != nil {
			t.Fatal(err)
		}
		sid, err := simulate.Call{Server: s.url(""), PublicURL: publicURL, Account: p.Account(), Number: number,
			From: caller, Outcome: simulate.NoAnswer, Client: &http.Client{Timeout: 10 * time.Second}, Log: io.Discard}.Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := simulate.Wait(ctx, s.store, p.ID, sid, 15*time.Second); err != nil {
			t.Fatal(err)
		}
		b := signedIn(t, s, "owner@example.com")
		var page string
		for deadline := time.Now().Add(10 * time.Second); ; {
			_, page = b.get(s.url("/dashboard/demo-plumbing/deliveries"))
			if strings.Contains(page, "Messages.json") || time.Now().After(deadline) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		for _, want := range []string{"POST", "Messages.json", "201", "text_back to " + callerShown, "text details"} {
			if !strings.Contains(page, want) {
				t.Errorf("delivery log lacks %q", want)
			}
		}
		if strings.Contains(page, fake.AuthToken) {
			t.Error("the delivery log shows the auth token")
		}
		if link := messageLink.FindString(page); link == "" {
			t.Error("delivery log links to no text")
		} else if status, details := b.get(s.url(link)); status != http.StatusOK || !strings.Contains(details, "Messages.json") {
			t.Errorf("text details of a sent text: %d, want its provider request", status)
		}

		// An entry stored with the token in it shows it redacted.
		msgs, err := s.store.ListRecentMessages(ctx, 1)
		if err != nil || len(msgs) == 0 {
			t.Fatal(msgs, err)
		}
		if err := s.store.InsertExchange(ctx, store.Exchange{ProviderID: p.ID, MessageID: msgs[0].ID, Method: "GET",
			URL: fake.URL + "/x?token=" + fake.AuthToken, ResponseBody: `{"token":"` + fake.AuthToken + `"}`,
			Status: 200, CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		_, page = b.get(s.url("/dashboard/demo-plumbing/deliveries"))
		if strings.Contains(page, fake.AuthToken) || !strings.Contains(page, "token=[redacted]") {
			t.Error("an old entry with the token in it is not redacted")
		}
	})
}
