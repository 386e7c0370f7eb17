package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// seedOther creates a second business with one contact, so that tests can check a query never
// returns another business's rows.
func seedOther(t *testing.T, s *store.Store) (store.Business, store.Contact) {
	t.Helper()
	ctx := context.Background()
	b, err := s.UpsertBusiness(ctx, store.Business{
		Slug: "other", Name: "Other Co", TimeZone: "America/New_York", Region: "US",
		TextBack: store.TextBackSettings{Enabled: true, Window: time.Hour, Template: "Hi", AfterHoursTemplate: "Closed"},
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.UpsertContact(ctx, b.ID, "+12025550100")
	if err != nil {
		t.Fatal(err)
	}
	return b, c
}

func TestListContactsNewest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, b, _ := seed(t, s)
		seedOther(t, s)
		var ids []store.ContactID
		for _, n := range []string{"+12025550141", "+12025550142", "+12025550143"} {
			c, err := s.UpsertContact(ctx, b.ID, n)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
		}
		if _, err := s.UpdateContactProfile(ctx, b.ID, ids[1], store.ContactProfile{
			FirstName: "Ana_Maria", LastName: "O'Neil", Tags: []string{"vip"},
		}); err != nil {
			t.Fatal(err)
		}

		page, err := s.ListContactsNewest(ctx, b.ID, "", 0, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) != 2 || page[0].ID != ids[2] || page[1].ID != ids[1] {
			t.Fatalf("first page = %v, want the two newest contacts %v", contactIDs(page), ids[1:])
		}
		page, err = s.ListContactsNewest(ctx, b.ID, "", page[1].ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) != 1 || page[0].ID != ids[0] {
			t.Errorf("second page = %v, want [%d]", contactIDs(page), ids[0])
		}

		for search, want := range map[string]int{
			"ana_maria": 1, // case folded, _ taken literally
			"ana%":      0, // % taken literally
			"a_a":       0,
			"o'neil":    1,
			"555014":    3,
			"5550100":   0, // the other business's contact
		} {
			got, err := s.ListContactsNewest(ctx, b.ID, search, 0, 10)
			if err != nil {
				t.Fatalf("search %q: %v", search, err)
			}
			if len(got) != want {
				t.Errorf("search %q found %d contacts, want %d", search, len(got), want)
			}
		}
	})
}

func contactIDs(cs []store.Contact) []store.ContactID {
	out := make([]store.ContactID, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func TestUpdateContactProfileOtherBusiness(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, b, _ := seed(t, s)
		_, theirs := seedOther(t, s)
		_, err := s.UpdateContactProfile(ctx, b.ID, theirs.ID, store.ContactProfile{FirstName: "X"})
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("update of another business's contact gave %v, want ErrNotFound", err)
		}
		got, err := s.GetContact(ctx, theirs.BusinessID, theirs.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.FirstName != "" {
			t.Errorf("other business's contact renamed to %q", got.FirstName)
		}
	})
}

func TestBusinessScopedReads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		p, b, n := seed(t, s)
		other, theirs := seedOther(t, s)
		call, err := s.EnsureCall(ctx, store.NewCall{
			BusinessID: other.ID, ProviderID: p.ID, ProviderCallID: "CA1", FromRaw: theirs.E164, To: n.E164,
			Handling: store.HandlingDial, AnswerCheck: provider.AnswerCheckNone, StartedAt: time.Now(),
		})
		if err != nil {
			t.Fatal(err)
		}
		conv, err := s.EnsureConversation(ctx, other.ID, theirs.ID)
		if err != nil {
			t.Fatal(err)
		}
		msg, _, err := s.InsertMessage(ctx, store.Message{
			BusinessID: other.ID, ContactID: theirs.ID, ConversationID: conv.ID, Direction: store.Inbound,
			From: theirs.E164, To: n.E164, Body: "hi", Status: store.StatusReceived,
		})
		if err != nil {
			t.Fatal(err)
		}
		task, _, err := s.InsertTask(ctx, store.NewTask{
			BusinessID: other.ID, ContactID: theirs.ID, Kind: store.TaskCallBack, Title: "Call", Priority: "normal",
			DueAt: time.Now(),
		})
		if err != nil {
			t.Fatal(err)
		}

		if _, err := s.GetBusinessCall(ctx, b.ID, call.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("call of another business: %v, want ErrNotFound", err)
		}
		if _, err := s.GetBusinessMessage(ctx, b.ID, msg.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("message of another business: %v, want ErrNotFound", err)
		}
		if _, err := s.GetTask(ctx, b.ID, task.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("task of another business: %v, want ErrNotFound", err)
		}
		if got, err := s.GetBusinessCall(ctx, other.ID, call.ID); err != nil || got.ID != call.ID {
			t.Errorf("own call: %v, %v", got.ID, err)
		}
		if got, err := s.GetBusinessMessage(ctx, other.ID, msg.ID); err != nil || got.ID != msg.ID {
			t.Errorf("own message: %v, %v", got.ID, err)
		}
		if got, err := s.GetTask(ctx, other.ID, task.ID); err != nil || got.ID != task.ID {
			t.Errorf("own task: %v, %v", got.ID, err)
		}

		calls, err := s.ListCallsNewest(ctx, b.ID, 0, 10)
		if err != nil || len(calls) != 0 {
			t.Errorf("calls of the first business = %d, %v; want none", len(calls), err)
		}
		convs, err := s.ListConversationsNewest(ctx, b.ID, 0, 10)
		if err != nil || len(convs) != 0 {
			t.Errorf("conversations of the first business = %d, %v; want none", len(convs), err)
		}
		msgs, err := s.ListMessagesNewest(ctx, b.ID, 0, 0, 10)
		if err != nil || len(msgs) != 0 {
			t.Errorf("texts of the first business = %d, %v; want none", len(msgs), err)
		}
		msgs, err = s.ListMessagesNewest(ctx, other.ID, conv.ID, 0, 10)
		if err != nil || len(msgs) != 1 {
			t.Errorf("texts of the conversation = %d, %v; want 1", len(msgs), err)
		}
		open, err := s.ListTasksNewest(ctx, other.ID, "open", 0, 10)
		if err != nil || len(open) != 1 {
			t.Errorf("open tasks = %d, %v; want 1", len(open), err)
		}
		done, err := s.ListTasksNewest(ctx, other.ID, "done", 0, 10)
		if err != nil || len(done) != 0 {
			t.Errorf("done tasks = %d, %v; want none", len(done), err)
		}
		bookings, err := s.ListBookingsNewest(ctx, other.ID, "", 0, 10)
		if err != nil || len(bookings) != 0 {
			t.Errorf("bookings = %d, %v; want none", len(bookings), err)
		}
	})
}
