package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

func TestListPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newForgetFixture(t, s)
		// Rows of the two businesses interleave, so that a page must skip the other's ids.
		var want []store.ContactID
		for i := range 5 {
			for _, b := range []store.Business{f.acme, f.other} {
				c, err := s.UpsertContact(ctx, b.ID, fmt.Sprintf("+1202555010%d", i))
				if err != nil {
					t.Fatal(err)
				}
				call, err := s.EnsureCall(ctx, store.NewCall{
					BusinessID: b.ID, ProviderID: f.provider.ID, ProviderCallID: fmt.Sprintf("CA%d-%d", b.ID, i),
					FromRaw: c.E164, To: f.numberOf(b), Handling: store.HandlingDial,
					AnswerCheck: provider.AnswerCheckNone, StartedAt: time.Now(),
				})
				if err != nil {
					t.Fatal(err)
				}
				if _, _, err := s.InsertMessage(ctx, store.Message{
					BusinessID: b.ID, ContactID: c.ID, CallID: call.ID, Direction: store.Outbound,
					From: f.numberOf(b), To: c.E164, Body: "hi", Status: store.StatusQueued,
				}); err != nil {
					t.Fatal(err)
				}
				if b.ID == f.acme.ID {
					want = append(want, c.ID)
				}
			}
		}

		var contacts []store.ContactID
		pages := 0
		for after := store.ContactID(0); ; pages++ {
			page, err := s.ListContactsPage(ctx, f.acme.ID, after, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page {
				if c.BusinessID != f.acme.ID {
					t.Errorf("contact %d of business %d listed for business %d", c.ID, c.BusinessID, f.acme.ID)
				}
				contacts = append(contacts, c.ID)
				after = c.ID
			}
			if len(page) < 2 {
				break
			}
		}
		if fmt.Sprint(contacts) != fmt.Sprint(want) {
			t.Errorf("contacts read in pages: %v, want %v", contacts, want)
		}
		if pages != 2 {
			t.Errorf("read %d full pages of 2, want 2", pages)
		}

		calls, err := s.ListCallsPage(ctx, f.acme.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(calls) != 5 {
			t.Fatalf("read %d calls of acme, want 5", len(calls))
		}
		for i := 1; i < len(calls); i++ {
			if calls[i].ID <= calls[i-1].ID || calls[i].BusinessID != f.acme.ID {
				t.Errorf("call %d (business %d) follows call %d; want acme's calls in id order",
					calls[i].ID, calls[i].BusinessID, calls[i-1].ID)
			}
		}
		rest, err := s.ListCallsPage(ctx, f.acme.ID, calls[2].ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(rest) != 2 {
			t.Fatalf("read %d calls after %d, want 2", len(rest), calls[2].ID)
		}
		if rest[0].ID != calls[3].ID {
			t.Errorf("calls after %d start at %d, want %d", calls[2].ID, rest[0].ID, calls[3].ID)
		}
		messages, err := s.ListMessagesPage(ctx, f.other.ID, 0, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(messages) != 3 {
			t.Fatalf("first page of other's messages has %d, want 3", len(messages))
		}
		for i, m := range messages {
			if m.BusinessID != f.other.ID {
				t.Errorf("message %d of business %d listed for business %d", m.ID, m.BusinessID, f.other.ID)
			}
			if i > 0 && m.ID <= messages[i-1].ID {
				t.Errorf("message %d follows %d: not in id order", m.ID, messages[i-1].ID)
			}
		}
	})
}
