package store_test

import (
	"context"
	"testing"

	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

func TestAIExamplesAndDrafts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b, c := seedOther(t, s)
		msg, _, err := s.InsertMessage(ctx, store.Message{BusinessID: b.ID, ContactID: c.ID, Direction: store.Inbound,
			From: c.E164, To: "+13125550199", Body: "do you do roofs", Status: store.StatusReceived})
		if err != nil {
			t.Fatal(err)
		}
		for _, intent := range []string{"question", "other"} {
			if _, err := s.AddAIExample(ctx, store.AIExample{BusinessID: b.ID, MessageID: msg.ID, Body: msg.Body,
				Intent: intent, CreatedBy: "owner@example.com"}); err != nil {
				t.Fatal(err)
			}
		}
		examples, err := s.ListAIExamples(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(examples) != 2 || examples[0].Intent != "other" {
			t.Errorf("examples %+v, want 2, newest first", examples)
		}

		details := store.AIDetails{InboundID: int64(msg.ID), Text: msg.Body, Intent: "question",
			Knowledge: []store.AIKnowledge{{ID: "faq:1", Text: "We do not do roofs."}}}
		d, inserted, err := s.AddAIDraft(ctx, store.AIDraft{BusinessID: b.ID, ContactID: c.ID, InboundID: msg.ID,
			Body: "We do not do roofs.", Details: details})
		if err != nil || !inserted {
			t.Fatalf("add draft: %v, inserted %v", err, inserted)
		}
		if _, again, err := s.AddAIDraft(ctx, store.AIDraft{BusinessID: b.ID, ContactID: c.ID, InboundID: msg.ID,
			Body: "x"}); err != nil || again {
			t.Errorf("second draft for one message: inserted %v, %v", again, err)
		}
		pending, err := s.ListPendingAIDrafts(ctx, b.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) != 1 || pending[0].Details.Knowledge[0].ID != "faq:1" {
			t.Errorf("pending drafts %+v", pending)
		}
		ok, err := s.DecideAIDraft(ctx, b.ID, d.ID, store.DraftDiscarded, "owner@example.com", 0)
		if err != nil || !ok {
			t.Fatalf("decide: %v, %v", ok, err)
		}
		if ok, _ := s.DecideAIDraft(ctx, b.ID, d.ID, store.DraftApproved, "x", 0); ok {
			t.Error("a decided draft was decided again")
		}
		got, err := s.GetAIDraft(ctx, b.ID, d.ID)
		if err != nil || got.State != store.DraftDiscarded {
			t.Errorf("draft %+v, %v", got, err)
		}
	})
}
