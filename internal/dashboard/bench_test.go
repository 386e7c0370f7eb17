package dashboard_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/auth"
	"github.com/textback/textback/internal/dashboard"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// benchConversations is the size of the inbox the benchmark renders.
const benchConversations = 100_000

// BenchmarkInboxPage renders the inbox of a business with 100,000 conversations through the
// dashboard's handler, session check and template included, on each database: the first page,
// the unread and assigned filters, and searches by a whole number, part of a number and a name.
func BenchmarkInboxPage(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			s := storetest.Open(b, d)
			slug, user := seedInbox(b, s, benchConversations)
			svc := auth.New(auth.Options{Store: s})
			dash, err := dashboard.New(dashboard.Options{Store: s, Auth: svc})
			if err != nil {
				b.Fatal(err)
			}
			rec := httptest.NewRecorder()
			if _, err := svc.Login(context.Background(), rec, "127.0.0.1", user, password); err != nil {
				b.Fatal(err)
			}
			cookie := rec.Result().Cookies()[0]
			for _, c := range []struct{ name, query, want string }{
				{"all", "", "Text 99999"},
				{"unread", "?filter=unread", "Text 99980"},
				{"mine", "?filter=mine", "Text 99950"},
				{"whole number", "?q=%28202%29+555-0099", "Text 99<"},
				{"partial number", "?q=555-0099", "Text 99<"},
				{"name", "?q=morgan", "Morgan"},
			} {
				b.Run(c.name, func(b *testing.B) {
					req := httptest.NewRequest(http.MethodGet, "/dashboard/"+slug+"/inbox"+c.query, nil)
					req.AddCookie(cookie)
					for b.Loop() {
						rec := httptest.NewRecorder()
						dash.ServeHTTP(rec, req)
						if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), c.want) {
							b.Fatalf("inbox%s: %d, want 200 with %q", c.query, rec.Code, c.want)
						}
					}
				})
			}
		})
	}
}

// seedInbox creates a business with n conversations, one text each, and its owner. Every 20th
// conversation is unread, every 50th is assigned to the owner, and every 10th contact has a
// name. It returns the business's slug and the owner's email.
func seedInbox(b *testing.B, s *store.Store, n int) (string, string) {
	b.Helper()
	ctx := context.Background()
	biz, err := s.UpsertBusiness(ctx, store.Business{Slug: "busy-plumbing", Name: "Busy Plumbing",
		TimeZone: "America/Chicago", Region: "US",
		TextBack: store.TextBackSettings{Enabled: true, Window: time.Hour, Template: "Hi", AfterHoursTemplate: "Hi"}})
	if err != nil {
		b.Fatal(err)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		b.Fatal(err)
	}
	owner, err := s.InsertUser(ctx, "owner@example.com", hash)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.AddMembership(ctx, store.Membership{UserID: owner.ID, BusinessID: biz.ID, Role: store.RoleOwner}); err != nil {
		b.Fatal(err)
	}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const batch = 500
	names := []string{"Morgan", "Avery", "Jordan", "Riley", "Casey"}
	err = s.InTx(ctx, func(tx *store.Tx) error {
		db := tx.SQL()
		for first := 0; first < n; first += batch {
			last := min(first+batch, n)
			var contacts, convs, msgs []string
			var cArgs, vArgs, mArgs []any
			for i := first; i < last; i++ {
				at := start.Add(time.Duration(i) * time.Minute)
				id := int64(i + 1)
				firstName, lastName := "", ""
				if i%10 == 0 {
					firstName, lastName = names[(i/10)%len(names)], fmt.Sprintf("Lee%d", i)
				}
				e164 := fmt.Sprintf("+1202%07d", 5550000+i)
				contacts = append(contacts, placeholders(len(cArgs), 7))
				cArgs = append(cArgs, id, int64(biz.ID), e164, firstName, lastName, at, at)
				unread, assigned := 0, any(nil)
				if i%20 == 0 {
					unread = 1
				}
				if i%50 == 0 {
					assigned = int64(owner.ID)
				}
				convs = append(convs, placeholders(len(vArgs), 8))
				vArgs = append(vArgs, id, int64(biz.ID), id, unread, at, assigned, at, at)
				msgs = append(msgs, placeholders(len(mArgs), 11))
				mArgs = append(mArgs, id, int64(biz.ID), id, id, "inbound", e164, "+13125550199", fmt.Sprintf("Text %d", i),
					"received", at, at)
			}
			inserts := []struct {
				head string
				rows []string
				args []any
			}{
				{"INSERT INTO contacts (id, business_id, e164, first_name, last_name, created_at, updated_at) VALUES ",
					contacts, cArgs},
				{"INSERT INTO conversations (id, business_id, contact_id, unread, last_message_at, assigned_user_id, " +
					"created_at, updated_at) VALUES ", convs, vArgs},
				{"INSERT INTO messages (id, business_id, contact_id, conversation_id, direction, from_number, to_number, " +
					"body, status, created_at, updated_at) VALUES ", msgs, mArgs},
			}
			for _, ins := range inserts {
				if _, err := db.ExecContext(ctx, ins.head+strings.Join(ins.rows, ", "), ins.args...); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("seed %d conversations: %v", n, err)
	}
	return biz.Slug, owner.Email
}

// placeholders returns "($k+1, ..., $k+n)".
func placeholders(k, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("$%d", k+i+1)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
