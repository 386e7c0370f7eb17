package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// seedCall creates a provider, a business, a number and one call to it.
func seedCall(t *testing.T, s *store.Store) (store.Business, store.Call) {
	t.Helper()
	p, b, n := seed(t, s)
	call, err := s.EnsureCall(context.Background(), store.NewCall{
		BusinessID: b.ID, NumberID: n.ID, ProviderID: p.ID, ProviderCallID: "CA00000000000000000000000000000001",
		FromRaw: "+12025550143", To: n.E164, Handling: "menu", AnswerCheck: provider.AnswerCheckNone,
		StartedAt: time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	return b, call
}

func TestCallMenuStepsKeepFirstRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, call := seedCall(t, s)
		at := time.Date(2026, 3, 10, 16, 0, 5, 0, time.UTC)
		steps := []store.CallMenuStep{
			{CallID: call.ID, Step: 1, Menu: "main", Kind: store.StepPressed, Input: "2", Option: "2", Label: "emergency",
				Detail: "pressed 2 (emergency)", Next: store.NextDial, TextBack: "Reply URGENT", At: at,
				ExpectBy: at.Add(time.Minute)},
			{CallID: call.ID, Step: 0, Menu: "main", Kind: store.StepEntered, Detail: "menu main", Next: store.NextGather,
				At: at.Add(-5 * time.Second)},
		}
		for _, step := range steps {
			inserted, err := s.InsertCallMenuStep(ctx, step)
			if err != nil {
				t.Fatal(err)
			}
			if !inserted {
				t.Errorf("step %d not inserted", step.Step)
			}
		}
		again := steps[0]
		again.Detail = "pressed 3"
		inserted, err := s.InsertCallMenuStep(ctx, again)
		if err != nil {
			t.Fatal(err)
		}
		if inserted {
			t.Error("step 1 inserted twice")
		}
		got, err := s.ListCallMenuSteps(ctx, call.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("%d steps, want 2: %+v", len(got), got)
		}
		if got[0].Step != 0 || got[1].Step != 1 {
			t.Errorf("steps in order %d, %d, want 0, 1", got[0].Step, got[1].Step)
		}
		if got[1].Detail != "pressed 2 (emergency)" {
			t.Errorf("detail = %q, want the first record kept", got[1].Detail)
		}
		if got[1].TextBack != "Reply URGENT" || got[1].Next != store.NextDial || !got[1].ExpectBy.Equal(at.Add(time.Minute)) {
			t.Errorf("step read back as %+v", got[1])
		}
		if !got[0].ExpectBy.IsZero() {
			t.Errorf("expect_by of step 0 = %v, want zero", got[0].ExpectBy)
		}
	})
}

func TestVoicemailMergesWebhooks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b, call := seedCall(t, s)
		first, err := s.UpsertVoicemailRecording(ctx, store.VoicemailRecording{
			BusinessID: b.ID, CallID: call.ID, Step: 3, URL: "https://api.example.com/rec/RE1", Duration: 32 * time.Second,
			Transcribe: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		second, err := s.UpsertVoicemailRecording(ctx, store.VoicemailRecording{
			BusinessID: b.ID, CallID: call.ID, Step: 3, ID: "RE1", Status: "completed",
		})
		if err != nil {
			t.Fatal(err)
		}
		if second.ID != first.ID {
			t.Errorf("second webhook made voicemail %d, want %d", second.ID, first.ID)
		}
		if second.RecordingURL != "https://api.example.com/rec/RE1" || second.Duration != 32*time.Second {
			t.Errorf("URL and duration not kept: %+v", second)
		}
		if second.RecordingID != "RE1" || second.RecordingStatus != "completed" || !second.Transcribe {
			t.Errorf("recording id, status or transcribe not merged: %+v", second)
		}
		text, err := s.SetVoicemailTranscript(ctx, b.ID, call.ID, 3, "Water in the basement", "completed")
		if err != nil {
			t.Fatal(err)
		}
		if text.ID != first.ID || text.Transcript != "Water in the basement" || text.RecordingURL == "" {
			t.Errorf("transcript stored as %+v", text)
		}
		listed, err := s.ListVoicemailsByCall(ctx, call.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(listed) != 1 || listed[0].Transcript != "Water in the basement" {
			t.Errorf("listed %+v, want the one voicemail with its transcript", listed)
		}
	})
}

func TestClaimVoicemailAlertOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b, call := seedCall(t, s)
		vm, err := s.UpsertVoicemailRecording(ctx, store.VoicemailRecording{BusinessID: b.ID, CallID: call.ID, Step: 2})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 3, 10, 16, 1, 0, 0, time.UTC)
		first, err := s.ClaimVoicemailAlert(ctx, vm.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		second, err := s.ClaimVoicemailAlert(ctx, vm.ID, now.Add(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if !first || second {
			t.Errorf("claims = %v, %v, want true then false", first, second)
		}
		got, err := s.GetVoicemail(ctx, vm.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.AlertedAt.Equal(now) {
			t.Errorf("alerted at %v, want %v", got.AlertedAt, now)
		}
	})
}

func TestBusinessIVRRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, b, _ := seed(t, s)
		b.Settings = store.DefaultSettings()
		b.Settings.IVR = &store.IVR{
			Menu: "main", AfterHoursMenu: "closed", Speech: true,
			Closures:  []store.Closure{{From: "2026-12-24", To: "2026-12-26", Label: "Holidays"}},
			Voicemail: store.VoicemailSettings{MaxLength: 90, Transcribe: true},
			Menus: []store.Menu{{ID: "main", Prompt: "Press 1.", Timeout: 5, Replays: 2, Default: "1",
				Options: []store.MenuOption{{Key: "1", Label: "emergency", Words: []string{"emergency"},
					Action: store.ActionRing, Ring: []string{"+13125550100"}, RingOrder: store.RingInOrder, RingSeconds: 20,
					Then: "voicemail", TextBack: "Reply URGENT"}}}},
			Numbers: map[string]store.NumberMenus{"+13125550199": {Menu: "main"}},
		}
		if _, err := s.UpsertBusiness(ctx, b); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetBusiness(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		ivr := got.Settings.IVR
		if ivr == nil {
			t.Fatal("IVR not stored")
		}
		menu, ok := ivr.MenuByID("main")
		if !ok {
			t.Fatalf("menu main missing: %+v", ivr)
		}
		option, ok := menu.OptionByKey("1")
		if !ok || option.RingOrder != store.RingInOrder || option.Ring[0] != "+13125550100" || option.TextBack != "Reply URGENT" {
			t.Errorf("option read back as %+v", option)
		}
		if _, closed := ivr.ClosedOn("2026-12-25"); !closed {
			t.Error("2026-12-25 not closed")
		}
		if _, closed := ivr.ClosedOn("2026-12-27"); closed {
			t.Error("2026-12-27 closed")
		}
		if ivr.Numbers["+13125550199"].Menu != "main" || !ivr.Speech || ivr.Voicemail.MaxLength != 90 {
			t.Errorf("IVR read back as %+v", ivr)
		}
	})
}

func TestForgetDeletesMenuRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b, call := seedCall(t, s)
		if _, err := s.InsertCallMenuStep(ctx, store.CallMenuStep{CallID: call.ID, Step: 0, Menu: "main",
			Kind: store.StepEntered, Detail: "menu main", Next: store.NextGather, At: call.StartedAt}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertVoicemailRecording(ctx, store.VoicemailRecording{BusinessID: b.ID, CallID: call.ID,
			Step: 1, URL: "https://api.example.com/RE1"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetVoicemailTranscript(ctx, b.ID, call.ID, 1, "My address is 1 Main St", "completed"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ForgetContact(ctx, b, call.FromRaw); err != nil {
			t.Fatal(err)
		}
		var steps, voicemails int
		if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM call_menu_steps").Scan(&steps); err != nil {
			t.Fatal(err)
		}
		if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM voicemails").Scan(&voicemails); err != nil {
			t.Fatal(err)
		}
		if steps != 0 || voicemails != 0 {
			t.Errorf("after forgetting the caller: %d menu steps and %d voicemails, want none", steps, voicemails)
		}
	})
}
