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

func TestAIDraftApproveAndDiscard(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d, 1)
		b := signedIn(t, s, "owner@example.com")
		ctx := context.Background()
		biz := s.business(app.DemoSlug)
		c, err := s.store.UpsertContact(ctx, biz.ID, caller)
		if err != nil {
			t.Fatal(err)
		}
		conv, err := s.store.EnsureConversation(ctx, biz.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		numbers, err := s.store.ListNumbers(ctx, biz.ID)
		if err != nil || len(numbers) == 0 {
			t.Fatalf("numbers of the demo business: %v, %v", numbers, err)
		}
		var drafts []store.AIDraft
		for i, text := range []string{"how much for a drain", "do you do roofs"} {
			in, _, err := s.store.InsertMessage(ctx, store.Message{BusinessID: biz.ID, ContactID: c.ID,
				ConversationID: conv.ID, Direction: store.Inbound, From: caller, Body: text, Status: store.StatusReceived})
			if err != nil {
				t.Fatal(err)
			}
			draft, _, err := s.store.AddAIDraft(ctx, store.AIDraft{BusinessID: biz.ID, ContactID: c.ID, InboundID: in.ID,
				NumberID: numbers[0].ID,
				Body:     fmt.Sprintf("Draft reply %d.", i+1), Details: store.AIDetails{InboundID: int64(in.ID), Text: text,
					Intent: "question"}})
			if err != nil {
				t.Fatal(err)
			}
			drafts = append(drafts, draft)
		}
		convPage := fmt.Sprintf("/dashboard/%s/conversations/%d", app.DemoSlug, conv.ID)
		if _, page := b.get(s.url(convPage)); !strings.Contains(page, "Draft reply 1.") ||
			!strings.Contains(page, "Approve and send") {
			t.Errorf("conversation page does not offer the draft:\n%s", page)
		}
		approve := fmt.Sprintf("/dashboard/%s/drafts/%d/approve", app.DemoSlug, drafts[0].ID)
		if status, _ := b.post(s.url(approve), url.Values{}); status != http.StatusSeeOther {
			t.Fatalf("approve: %d", status)
		}
		discard := fmt.Sprintf("/dashboard/%s/drafts/%d/discard", app.DemoSlug, drafts[1].ID)
		if status, _ := b.post(s.url(discard), url.Values{}); status != http.StatusSeeOther {
			t.Fatalf("discard: %d", status)
		}
		if status, _ := b.post(s.url(approve), url.Values{}); status != http.StatusConflict {
			t.Errorf("second approval: status %d, want 409", status)
		}
		msgs, err := s.store.ListConversationMessages(ctx, conv.ID)
		if err != nil {
			t.Fatal(err)
		}
		var sent []store.Message
		for _, m := range msgs {
			if m.Purpose == store.PurposeAIReply {
				sent = append(sent, m)
			}
		}
		if len(sent) != 1 || !strings.HasPrefix(sent[0].Body, "Draft reply 1.") || sent[0].Details.AI == nil ||
			!strings.Contains(strings.Join(sent[0].Details.AI.Actions, ";"), "approved by staff owner@example.com") {
			t.Errorf("AI replies sent %+v, want the approved draft with its details", sent)
		}
		pending, _ := s.store.ListPendingAIDrafts(ctx, biz.ID, c.ID)
		if len(pending) != 0 {
			t.Errorf("pending drafts %+v after both were decided", pending)
		}
	})
}

func TestKnowledgePageSaves(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d, 1)
		b := signedIn(t, s, "owner@example.com")
		page := s.url("/dashboard/" + app.DemoSlug + "/knowledge")
		if status, body := b.get(page); status != http.StatusOK || !strings.Contains(body, "mode: &#34;off&#34;") {
			t.Fatalf("knowledge page: %d\n%s", status, body)
		}
		doc := "ai:\n  mode: suggest\n  knowledge:\n    services:\n      - {name: Drain cleaning, price: \"$$150-$$250\"}\n"
		if status, _ := b.post(page, url.Values{"document": {doc}}); status != http.StatusSeeOther {
			t.Fatalf("save: %d", status)
		}
		ai := s.business(app.DemoSlug).Settings.AI
		if ai.Mode != store.AISuggest || len(ai.Knowledge.Services) != 1 || ai.Knowledge.Services[0].Price != "$150-$250" {
			t.Errorf("stored AI settings %+v", ai)
		}
		status, body := b.post(page, url.Values{"document": {"ai:\n  mode: sometimes\n"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "invalid mode") {
			t.Errorf("invalid mode: %d, want 422 with the error", status)
		}
		if s.business(app.DemoSlug).Settings.AI.Mode != store.AISuggest {
			t.Error("a rejected save changed the mode")
		}
	})
}
