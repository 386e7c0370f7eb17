package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/team"
)

func aiSettings(mode store.AIMode, modelURL string) store.Settings {
	s := teamSettings(dana)
	s.AI = store.AISettings{Mode: mode, Knowledge: store.Knowledge{
		Services: []store.KnowledgeService{{Name: "Drain cleaning", Aliases: []string{"clog", "unclog"}, Price: "$150-$250"}},
	}}
	if modelURL != "" {
		s.AI.Model = store.AIModel{BaseURL: modelURL, Name: "fake", Timeout: store.Duration(200 * time.Millisecond)}
	}
	return s
}

// waitMessage waits for a message to the caller with purpose, and returns it.
func (h *harness) waitAIMessage(e164 string, purpose store.Purpose) store.Message {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range h.messagesWith(e164) {
			if m.Purpose == purpose {
				return m
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	var errs string
	_ = h.store.DB().QueryRowContext(context.Background(),
		"SELECT CAST(errors AS TEXT) FROM river_job WHERE kind = 'ai_reply' ORDER BY id DESC LIMIT 1").Scan(&errs)
	h.t.Fatalf("no %s message to %s; last ai_reply job errors: %s", purpose, e164, errs)
	return store.Message{}
}

func TestAIAutoAnswersQuestion(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, live(aiSettings(store.AIAuto, "")))
		result := h.textFrom(caller, "How much to unclog my kitchen sink?")
		if !strings.Contains(result, "AI reply scheduled") {
			t.Errorf("text applied as %q, want an AI reply scheduled", result)
		}
		m := h.waitAIMessage(caller, store.PurposeAIReply)
		if !strings.Contains(m.Body, "$150-$250") {
			t.Errorf("reply %q lacks the price from the knowledge", m.Body)
		}
		ai := m.Details.AI
		if ai == nil {
			t.Fatal("reply has no AI details")
		}
		if ai.Intent != "question" || len(ai.Readings) != 1 || ai.Readings[0].Classifier != "local" {
			t.Errorf("details %+v", ai)
		}
		if len(ai.Knowledge) != 1 || ai.Knowledge[0].ID != "service:drain-cleaning" {
			t.Errorf("knowledge used %+v", ai.Knowledge)
		}
		if !strings.Contains(m.Details.Trigger, "unclog") || ai.Text == "" {
			t.Errorf("trigger %q, text %q", m.Details.Trigger, ai.Text)
		}
	})
}

func TestAIStopNeverReachesAssistant(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, live(aiSettings(store.AIAuto, "")))
		result := h.textFrom(caller, "STOP")
		if strings.Contains(result, "AI") {
			t.Errorf("STOP applied as %q, want no AI reply", result)
		}
		if !h.contact(caller).OptedOut() {
			t.Error("STOP did not opt out")
		}
	})
}

func TestAIModelFailureAlertsTeam(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "overloaded", http.StatusServiceUnavailable)
		}))
		defer srv.Close()
		h := newHarnessWith(t, d, live(aiSettings(store.AIAuto, srv.URL+"/v1")))
		h.textFrom(caller, "the thing under the sink is making that noise again")
		m := h.waitAIMessage(caller, store.PurposeAIReply)
		if !strings.Contains(m.Body, "will follow up") {
			t.Errorf("reply %q, want the hand-off text", m.Body)
		}
		if m.Details.AI == nil || !strings.Contains(m.Details.AI.ModelError, "503") {
			t.Errorf("details lack the model error: %+v", m.Details.AI)
		}
		found := false
		for _, a := range h.alerts(team.KindReply) {
			if a.ContactID == h.contact(caller).ID {
				found = true
			}
		}
		if !found {
			t.Error("team not alerted")
		}
	})
}

func TestAISuggestDraftsReply(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, live(aiSettings(store.AISuggest, "")))
		h.textFrom(caller, "How much to unclog my kitchen sink?")
		c := h.contact(caller)
		deadline := time.Now().Add(10 * time.Second)
		var drafts []store.AIDraft
		for time.Now().Before(deadline) && len(drafts) == 0 {
			var err error
			if drafts, err = h.store.ListPendingAIDrafts(context.Background(), c.BusinessID, c.ID); err != nil {
				t.Fatal(err)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if len(drafts) != 1 || !strings.Contains(drafts[0].Body, "$150-$250") {
			t.Fatalf("drafts %+v, want one with the price", drafts)
		}
		for _, m := range h.messagesWith(caller) {
			if m.Purpose == store.PurposeAIReply {
				t.Errorf("reply %q sent without approval", m.Body)
			}
		}
	})
}
