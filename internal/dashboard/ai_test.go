package dashboard_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/textback/textback/internal/app"
	"github.com/textback/textback/internal/store"
)

func TestAIReplyDetailsAndCorrection(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d, 1)
		b := signedIn(t, s, "owner@example.com")
		ctx := context.Background()
		biz := s.business(app.DemoSlug)
		c, err := s.store.UpsertContact(ctx, biz.ID, caller)
		if err != nil {
			t.Fatal(err)
		}
		in, _, err := s.store.InsertMessage(ctx, store.Message{BusinessID: biz.ID, ContactID: c.ID,
			Direction: store.Inbound, From: caller, Body: "can u come thurs", Status: store.StatusReceived})
		if err != nil {
			t.Fatal(err)
		}
		ai := &store.AIDetails{InboundID: int64(in.ID), Text: in.Body, Mode: store.AIAuto, Intent: "question",
			Readings: []store.AIReading{{Classifier: "local", Intent: "question", Confidence: 0.55, Rule: "ends with a question mark"},
				{Classifier: "model", Intent: "question", Confidence: 0.8}},
			Knowledge:   []store.AIKnowledge{{ID: "hours", Text: "Our hours: Mon-Fri 8am-5pm."}},
			Prompt:      []store.AIPromptMessage{{Role: "system", Content: "You read text messages"}},
			ModelAnswer: `{"intent":"question"}`, PromptTokens: 120, CompletionTokens: 9, ElapsedMS: 42,
			Actions: []string{"reply queued"}}
		out, _, err := s.store.InsertMessage(ctx, store.Message{BusinessID: biz.ID, ContactID: c.ID,
			Direction: store.Outbound, To: caller, Body: "Our hours: Mon-Fri 8am-5pm.", Status: store.StatusSent,
			Purpose: store.PurposeAIReply, Automated: true, Details: store.MessageDetails{Trigger: "text", AI: ai}})
		if err != nil {
			t.Fatal(err)
		}
		page := fmt.Sprintf("/dashboard/%s/messages/%d", app.DemoSlug, out.ID)
		status, body := b.get(s.url(page))
		if status != http.StatusOK {
			t.Fatalf("details page: %d", status)
		}
		for _, want := range []string{"AI reply", "ends with a question mark", "0.55", "model", "hours",
			"You read text messages", "120 in the prompt", "42 ms", "reply queued", "Correct it"} {
			if !strings.Contains(body, want) {
				t.Errorf("details page lacks %q", want)
			}
		}
		status, _ = b.post(s.url(page+"/correct"), url.Values{"intent": {"book"}, "wrong": {"1"}, "note": {"wants a visit"}})
		if status != http.StatusSeeOther {
			t.Fatalf("correction: %d, want a redirect to the details", status)
		}
		examples, err := s.store.ListAIExamples(ctx, biz.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(examples) != 1 || examples[0].Intent != "book" || examples[0].Body != "can u come thurs" ||
			!strings.Contains(examples[0].Note, "wrong") || examples[0].CreatedBy != "owner@example.com" {
			t.Errorf("examples %+v", examples)
		}
		if status, _ := b.post(s.url(page+"/correct"), url.Values{"intent": {"nonsense"}}); status != http.StatusUnprocessableEntity {
			t.Errorf("invalid intent: status %d, want 422", status)
		}
	})
}
