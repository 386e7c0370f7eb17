package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/textback/textback/internal/export"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

func TestWriteVoicemails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b := seedBusiness(t, s)
		numbers, err := s.ListNumbers(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		call, err := s.EnsureCall(ctx, store.NewCall{
			BusinessID: b.ID, NumberID: numbers[0].ID, ProviderID: numbers[0].ProviderID, ProviderCallID: "CA-menu",
			FromRaw: "+12025550144", To: numbers[0].E164, Handling: store.HandlingMenu,
			AnswerCheck: provider.AnswerCheckNone, StartedAt: time.Date(2026, 3, 10, 17, 0, 0, 0, time.UTC),
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertVoicemailRecording(ctx, store.VoicemailRecording{
			BusinessID: b.ID, CallID: call.ID, Step: 3, URL: "https://api.example.com/RE1", Status: "completed",
			Duration: 32 * time.Second,
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetVoicemailTranscript(ctx, b.ID, call.ID, 3, "Water everywhere", "completed"); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if _, err := export.Write(ctx, s, b.Slug, &out); err != nil {
			t.Fatalf("write: %v", err)
		}
		var doc export.Document
		if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
			t.Fatalf("read the export: %v", err)
		}
		var found *export.Call
		for i := range doc.Calls {
			if doc.Calls[i].ProviderCallID == "CA-menu" {
				found = &doc.Calls[i]
			} else if len(doc.Calls[i].Voicemails) != 0 {
				t.Errorf("call %s has voicemails %+v, want none", doc.Calls[i].ProviderCallID, doc.Calls[i].Voicemails)
			}
		}
		if found == nil {
			t.Fatal("the menu call is not exported")
		}
		if len(found.Voicemails) != 1 {
			t.Fatalf("voicemails = %+v, want 1", found.Voicemails)
		}
		vm := found.Voicemails[0]
		if vm.RecordingURL != "https://api.example.com/RE1" || vm.DurationSeconds != 32 || vm.Transcript != "Water everywhere" {
			t.Errorf("voicemail = %+v", vm)
		}
	})
}
