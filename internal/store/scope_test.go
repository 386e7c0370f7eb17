package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// tenantData is one business with a record of every kind the dashboard shows.
type tenantData struct {
	business store.Business
	contact  store.Contact
	conv     store.Conversation
	message  store.Message
	call     store.Call
	task     store.Task
	owner    store.User
}

// seedTenant creates business slug with its number, a caller, a conversation with one text, a
// call, a task, a delivery log entry, an alert and an owner.
func seedTenant(t *testing.T, s *store.Store, slug, number string) tenantData {
	t.Helper()
	ctx := context.Background()
	p, err := s.UpsertProvider(ctx, store.Provider{Name: "p-" + slug, Kind: "twilio", AccountSID: "AC" + slug, AuthToken: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.UpsertBusiness(ctx, store.Business{
		Slug: slug, Name: "Business " + slug, TimeZone: "America/Chicago", Region: "US",
		TextBack: store.TextBackSettings{Enabled: true, Window: time.Hour, Template: "Hi", AfterHoursTemplate: "Closed"},
	})
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.UpsertNumber(ctx, store.Number{BusinessID: b.ID, ProviderID: p.ID, E164: number, Mode: store.ModeDial,
		ForwardTo: "+13125550100", RingSeconds: 18, AnswerCheck: provider.AnswerCheckNone})
	if err != nil {
		t.Fatal(err)
	}
	d := tenantData{business: b}
	if d.contact, err = s.UpsertContact(ctx, b.ID, "+12025550143"); err != nil {
		t.Fatal(err)
	}
	if d.conv, err = s.EnsureConversation(ctx, b.ID, d.contact.ID); err != nil {
		t.Fatal(err)
	}
	if d.call, err = s.EnsureCall(ctx, store.NewCall{BusinessID: b.ID, NumberID: n.ID, ProviderID: p.ID,
		ProviderCallID: "CA" + slug, FromRaw: d.contact.E164, To: number, Handling: store.HandlingDial,
		AnswerCheck: provider.AnswerCheckNone, StartedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCallTextBack(ctx, d.call.ID, d.contact.ID, store.TextBackQueued, "", "missed: texted"); err != nil {
		t.Fatal(err)
	}
	d.message, _, err = s.InsertMessage(ctx, store.Message{
		BusinessID: b.ID, ContactID: d.contact.ID, ConversationID: d.conv.ID, NumberID: n.ID, ProviderID: p.ID,
		CallID: d.call.ID, Direction: store.Outbound, From: number, To: d.contact.E164, Body: "Hi from " + slug,
		Status: store.StatusSent, Purpose: store.PurposeTextBack, Automated: true,
		Details: store.MessageDetails{Trigger: "missed call CA" + slug}, IdempotencyKey: "m-" + slug,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.NoteInbound(ctx, d.conv.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.AddMessageEvent(ctx, d.message.ID, store.MessageEvent{Status: "delivered", ReceivedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertExchange(ctx, store.Exchange{ProviderID: p.ID, MessageID: d.message.ID, Method: "POST",
		URL: "https://api.example.com/" + slug, Status: 201, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if d.task, _, err = s.InsertTask(ctx, store.NewTask{BusinessID: b.ID, ContactID: d.contact.ID, Kind: store.TaskCallBack,
		Title: "Call back " + slug, Priority: "normal", DueAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.RaiseAlert(ctx, store.NewAlert{BusinessID: b.ID, ContactID: d.contact.ID, Kind: "reply",
		Priority: "normal", Summary: "Reply from " + slug, At: time.Now(), Window: time.Minute}); err != nil {
		t.Fatal(err)
	}
	if d.owner, err = s.InsertUser(ctx, "owner@"+slug+".example.com", "hash"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddMembership(ctx, store.Membership{UserID: d.owner.ID, BusinessID: b.ID, Role: store.RoleOwner}); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestOpenScopeNeedsMembership(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := seedTenant(t, s, "alpha", "+13125550101")
		b := seedTenant(t, s, "bravo", "+13125550102")
		c := seedTenant(t, s, "charlie", "+13125550103")

		sc, err := s.OpenScope(ctx, a.owner.ID, "alpha")
		if err != nil || sc.Business() != a.business.ID || sc.Role() != store.RoleOwner {
			t.Fatalf("owner opens own business: %+v %v", sc, err)
		}
		for _, slug := range []string{"bravo", "nosuch"} {
			if _, err := s.OpenScope(ctx, a.owner.ID, slug); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("owner of alpha opens %s: %v, want ErrNotFound", slug, err)
			}
		}

		agency, err := s.UpsertAgency(ctx, "North Agency")
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []store.BusinessID{a.business.ID, b.business.ID} {
			if err := s.SetBusinessAgency(ctx, id, agency.ID); err != nil {
				t.Fatal(err)
			}
		}
		admin, err := s.InsertUser(ctx, "admin@agency.example.com", "hash")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddMembership(ctx, store.Membership{UserID: admin.ID, AgencyID: agency.ID, Role: store.RoleAgencyAdmin}); err != nil {
			t.Fatal(err)
		}
		// The agency admin is also staff of bravo; the stronger role wins.
		if _, err := s.AddMembership(ctx, store.Membership{UserID: admin.ID, BusinessID: b.business.ID, Role: store.RoleStaff}); err != nil {
			t.Fatal(err)
		}
		list, err := s.ListUserBusinesses(ctx, admin.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Slug != "alpha" || list[1].Slug != "bravo" || list[1].Role != store.RoleAgencyAdmin {
			t.Errorf("agency admin's businesses = %+v, want alpha and bravo as agency-admin", list)
		}
		if _, err := s.OpenScope(ctx, admin.ID, "charlie"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("agency admin opens charlie, outside the agency: %v, want ErrNotFound", err)
		}
		sc, err = s.OpenScope(ctx, admin.ID, "bravo")
		if err != nil || sc.Role() != store.RoleAgencyAdmin {
			t.Errorf("agency admin opens bravo: role %s, %v", sc.Role(), err)
		}
		if err := s.SetBusinessAgency(ctx, b.business.ID, 0); err != nil {
			t.Fatal(err)
		}
		sc, err = s.OpenScope(ctx, admin.ID, "bravo")
		if err != nil || sc.Role() != store.RoleStaff {
			t.Errorf("after bravo left the agency, admin opens it: role %s, %v; want staff", sc.Role(), err)
		}
		_ = c
	})
}

// TestScopeIsolation guesses another business's ids through a scope: every read and change must
// find nothing, and leave the other business's data as it was.
func TestScopeIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := seedTenant(t, s, "alpha", "+13125550101")
		b := seedTenant(t, s, "bravo", "+13125550102")
		sc, err := s.OpenScope(ctx, a.owner.ID, "alpha")
		if err != nil {
			t.Fatal(err)
		}

		// The scope sees its own records...
		if _, _, err := sc.GetConversation(ctx, a.conv.ID); err != nil {
			t.Errorf("own conversation: %v", err)
		}
		if _, err := sc.GetMessage(ctx, a.message.ID); err != nil {
			t.Errorf("own message: %v", err)
		}
		// ...and none of bravo's.
		reads := map[string]func() error{
			"conversation": func() error { _, _, err := sc.GetConversation(ctx, b.conv.ID); return err },
			"contact":      func() error { _, err := sc.GetContact(ctx, b.contact.ID); return err },
			"call":         func() error { _, err := sc.GetCall(ctx, b.call.ID); return err },
			"call texts":   func() error { _, err := sc.CallMessages(ctx, b.call.ID); return err },
			"message":      func() error { _, err := sc.GetMessage(ctx, b.message.ID); return err },
			"conversation by contact": func() error {
				_, err := sc.ConversationByContact(ctx, b.contact.ID)
				return err
			},
		}
		for name, read := range reads {
			if err := read(); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("read bravo's %s through alpha: %v, want ErrNotFound", name, err)
			}
		}
		empties := map[string]func() (int, error){
			"conversation texts": func() (int, error) {
				m, err := sc.ConversationMessages(ctx, b.conv.ID, 100)
				return len(m), err
			},
			"delivery reports": func() (int, error) { e, err := sc.MessageEvents(ctx, b.message.ID); return len(e), err },
			"message log":      func() (int, error) { e, err := sc.MessageExchanges(ctx, b.message.ID); return len(e), err },
			"contact records": func() (int, error) {
				r, err := sc.ContactRecords(ctx, b.contact.ID)
				return len(r.Calls) + len(r.Messages) + len(r.Alerts) + len(r.Tasks) + len(r.Bookings), err
			},
		}
		for name, list := range empties {
			if n, err := list(); err != nil || n != 0 {
				t.Errorf("list bravo's %s through alpha: %d rows, %v; want none", name, n, err)
			}
		}
		lists := map[string]func() ([]string, error){
			"inbox": func() ([]string, error) {
				items, err := sc.ListInbox(ctx, store.InboxFilter{Limit: 50})
				return mapTo(items, func(i store.InboxItem) string { return i.LastBody }), err
			},
			"inbox search": func() ([]string, error) {
				items, err := sc.ListInbox(ctx, store.InboxFilter{Search: "5550143", Limit: 50})
				return mapTo(items, func(i store.InboxItem) string { return i.LastBody }), err
			},
			"calls": func() ([]string, error) {
				calls, err := sc.ListCalls(ctx, store.CallCursor{}, 50)
				return mapTo(calls, func(c store.Call) string { return c.ProviderCallID }), err
			},
			"tasks": func() ([]string, error) {
				tasks, err := sc.ListTasks(ctx, "open", 50)
				return mapTo(tasks, func(t store.Task) string { return t.Title }), err
			},
			"delivery log": func() ([]string, error) {
				log, err := sc.ListExchanges(ctx, 0, 50)
				return mapTo(log, func(e store.LoggedExchange) string { return e.URL }), err
			},
		}
		for name, list := range lists {
			got, err := list()
			if err != nil {
				t.Errorf("list %s: %v", name, err)
				continue
			}
			if len(got) != 1 || !strings.Contains(got[0], "alpha") {
				t.Errorf("alpha's %s = %q, want alpha's one row only", name, got)
			}
		}

		changes := map[string]func() error{
			"mark read":       func() error { return sc.MarkConversationRead(ctx, b.conv.ID) },
			"assign":          func() error { return sc.AssignConversation(ctx, b.conv.ID, a.owner.ID) },
			"assign to other": func() error { return sc.AssignConversation(ctx, a.conv.ID, b.owner.ID) },
			"complete task":   func() error { return sc.CompleteTask(ctx, b.task.ID) },
		}
		for name, change := range changes {
			if err := change(); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s on bravo's records through alpha: %v, want ErrNotFound", name, err)
			}
		}
		conv, err := s.GetConversation(ctx, b.business.ID, b.conv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if conv.Unread != 1 {
			t.Errorf("bravo's conversation unread = %d after alpha's attempts, want 1", conv.Unread)
		}
		tasks, err := s.ListTasks(ctx, b.business.ID, "open", 10)
		if err != nil || len(tasks) != 1 {
			t.Errorf("bravo's open tasks after alpha's attempts: %d, %v; want 1", len(tasks), err)
		}
		var assigned int
		if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM conversations WHERE assigned_user_id IS NOT NULL").Scan(&assigned); err != nil {
			t.Fatal(err)
		}
		if assigned != 0 {
			t.Errorf("%d conversations assigned after refused assignments", assigned)
		}
	})
}

func mapTo[T any](items []T, f func(T) string) []string {
	out := make([]string, len(items))
	for i, item := range items {
		out[i] = f(item)
	}
	return out
}

func TestInboxSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := seedTenant(t, s, "alpha", "+13125550101")
		if _, err := s.DB().ExecContext(ctx, "UPDATE contacts SET first_name = 'Morgan', last_name = 'O''Neil_5%'"); err != nil {
			t.Fatal(err)
		}
		sc, err := s.OpenScope(ctx, a.owner.ID, "alpha")
		if err != nil {
			t.Fatal(err)
		}
		cases := map[string]bool{
			"(202) 555-0143": true, "+1 202 555 0143": true, "202-555-0199": false, "5550143": true, "0143": true,
			"9999": false, "morgan": true, "MORGAN o'neil": true, "neil_5%": true, "neil_5x": false, "neil%": false,
			"12": false, "m": false,
		}
		for search, found := range cases {
			items, err := sc.ListInbox(ctx, store.InboxFilter{Search: search, Limit: 10})
			if err != nil {
				t.Fatalf("search %q: %v", search, err)
			}
			if got := len(items) == 1; got != found {
				t.Errorf("search %q found %d conversations, want found=%v", search, len(items), found)
			}
		}
	})
}
