package callflow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/textback/textback/internal/ivr"
	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/team"
)

// TranscriptWait is how long after a voicemail's recording textback waits for its transcript
// before it alerts the team without one. It also bounds the wait for the recording callback after
// the caller finished the message.
// NOTE: neither provider states how long transcription takes. Two minutes is an estimate for
// messages of up to two minutes; a transcript that arrives later is still stored and listed.
const TranscriptWait = 2 * time.Minute

// VoicemailAlertArgs is the job that alerts the team about a voicemail whose transcript or
// recording callback did not arrive in time.
type VoicemailAlertArgs struct {
	VoicemailID int64 `json:"voicemail_id"`
	// Soon marks the job that waits stepWait for the call's earlier menu steps, which is unique
	// apart from the one that waits for the transcript.
	Soon bool `json:"soon,omitempty"`
}

// stepWait is how long a voicemail's alert waits for the call's earlier menu steps when their
// webhooks are applied after the voicemail's, so that the alert shows the caller's whole path.
const stepWait = 5 * time.Second

// Kind names the job in River.
func (VoicemailAlertArgs) Kind() string { return "voicemail_alert" }

// InsertOpts keeps one job per voicemail.
func (VoicemailAlertArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
		rivertype.JobStateRunning, rivertype.JobStateScheduled, rivertype.JobStateCompleted,
	}}}
}

type voicemailAlertWorker struct {
	river.WorkerDefaults[VoicemailAlertArgs]
	p *Processor
}

func (w *voicemailAlertWorker) Work(ctx context.Context, job *river.Job[VoicemailAlertArgs]) error {
	return w.p.store.InTx(ctx, func(tx *store.Tx) error {
		vm, err := tx.GetVoicemail(ctx, store.VoicemailID(job.Args.VoicemailID))
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := tx.LockCall(ctx, vm.CallID); err != nil {
			return err
		}
		_, err = w.p.alertVoicemail(ctx, tx, vm, true)
		return err
	})
}

// recordVoicemail stores the voicemail that the end of a Record reports, and schedules its alert
// for when the recording callback or the transcript does not arrive.
func (p *Processor) recordVoicemail(ctx context.Context, tx *store.Tx, call store.Call, b store.Business, ev provider.Event) error {
	if ev.RecordingURL == "" && ev.RecordingDuration == 0 {
		return nil
	}
	pos, err := ivr.ParsePosition(ev.State)
	if err != nil {
		return fmt.Errorf("voicemail of call %s: %w", call.ProviderCallID, err)
	}
	vm, err := tx.UpsertVoicemailRecording(ctx, store.VoicemailRecording{
		BusinessID: b.ID, CallID: call.ID, Step: pos.Step, ID: ev.RecordingID, URL: ev.RecordingURL,
		Duration: time.Duration(ev.RecordingDuration) * time.Second, Transcribe: transcribes(b),
	})
	if err != nil {
		return err
	}
	return p.scheduleVoicemailAlert(ctx, tx, vm)
}

// applyRecording stores what a recording or transcription callback reports of a voicemail, and
// alerts the team once the voicemail is complete.
func (p *Processor) applyRecording(ctx context.Context, tx *store.Tx, w store.Webhook, ev provider.Event) (string, error) {
	call, _, business, err := p.menuCall(ctx, tx, w, ev)
	if err != nil {
		return "", err
	}
	pos, err := ivr.ParsePosition(ev.State)
	if err != nil {
		return "not applied: " + err.Error(), nil
	}
	var vm store.Voicemail
	if ev.Type == provider.CallTranscription {
		vm, err = tx.SetVoicemailTranscript(ctx, business.ID, call.ID, pos.Step, ev.Transcript, ev.Status)
	} else {
		vm, err = tx.UpsertVoicemailRecording(ctx, store.VoicemailRecording{
			BusinessID: business.ID, CallID: call.ID, Step: pos.Step, ID: ev.RecordingID, URL: ev.RecordingURL,
			Status: ev.Status, Duration: time.Duration(ev.RecordingDuration) * time.Second, Transcribe: transcribes(business),
		})
	}
	if err != nil {
		return "", err
	}
	if ev.Type == provider.CallRecording && ev.Status != "completed" {
		return fmt.Sprintf("voicemail recording %s %s", ev.Status, ev.ErrorCode), nil
	}
	return p.alertVoicemail(ctx, tx, vm, false)
}

// alertVoicemail alerts the team about a voicemail once it has its recording and, when one was
// requested, its transcript, or at the deadline with whatever it has. It alerts once per voicemail.
func (p *Processor) alertVoicemail(ctx context.Context, tx *store.Tx, vm store.Voicemail, deadline bool) (string, error) {
	switch {
	case !vm.AlertedAt.IsZero():
		return "voicemail stored; the team was alerted before", nil
	case vm.RecordingURL == "":
		return "voicemail stored; waiting for its recording", p.scheduleVoicemailAlert(ctx, tx, vm)
	case vm.Transcribe && vm.Transcript == "" && vm.TranscriptStatus == "" && !deadline:
		return "voicemail stored; waiting for its transcript", p.scheduleVoicemailAlert(ctx, tx, vm)
	}
	steps, err := tx.ListCallMenuSteps(ctx, vm.CallID)
	if err != nil {
		return "", err
	}
	if !deadline && !stepsBefore(steps, vm.Step) {
		opts := VoicemailAlertArgs{}.InsertOpts()
		opts.ScheduledAt = p.clock().Add(stepWait)
		_, err := p.queue.InsertTx(ctx, tx, VoicemailAlertArgs{VoicemailID: int64(vm.ID), Soon: true}, &opts)
		return "voicemail stored; waiting for the call's earlier menu steps", err
	}
	claimed, err := tx.ClaimVoicemailAlert(ctx, vm.ID, p.clock())
	if err != nil || !claimed {
		return "voicemail stored; the team was alerted before", err
	}
	call, err := tx.GetCall(ctx, vm.CallID)
	if err != nil {
		return "", err
	}
	business, err := p.dir.Business(ctx, tx, call.BusinessID)
	if err != nil {
		return "", err
	}
	contact, err := p.callerContact(ctx, tx, call, business)
	if err != nil {
		return "", err
	}
	_, err = p.team.Raise(ctx, tx, team.Event{
		BusinessID: business.ID, ContactID: contact, Kind: team.KindVoicemail, Priority: team.Normal,
		Summary: fmt.Sprintf("Voicemail from %s (%d s)", phone.Format(call.FromRaw, business.Region),
			int(vm.Duration/time.Second)),
		Detail: voicemailDetail(vm, steps), At: p.clock(), DedupeKey: fmt.Sprintf("voicemail:%d", vm.ID),
	})
	if err != nil {
		return "", err
	}
	p.log.Info("voicemail alert raised", slog.Int64("business_id", int64(business.ID)),
		slog.String("call_sid", call.ProviderCallID))
	return "voicemail stored; team alerted", nil
}

// stepsBefore reports whether the menu steps before step are all recorded. Steps are numbered from
// 0 without gaps.
func stepsBefore(steps []store.CallMenuStep, step int) bool {
	return step == 0 || len(steps) >= step && steps[step-1].Step == step-1
}

// callerContact returns the contact of the call's caller: the one its text back recorded, or the
// caller's own when the voicemail is complete before the call is decided. A caller id that cannot
// be texted has no contact.
func (p *Processor) callerContact(ctx context.Context, tx *store.Tx, call store.Call, b store.Business) (store.ContactID, error) {
	if call.ContactID != 0 {
		return call.ContactID, nil
	}
	caller, why := phone.ClassifyCaller(call.FromRaw, b.Region)
	if why != phone.Textable {
		return 0, nil
	}
	contact, err := tx.UpsertContact(ctx, b.ID, caller.E164)
	return contact.ID, err
}

// voicemailDetail describes the voicemail for the team: the transcript, where to listen and the
// caller's path through the menu.
func voicemailDetail(vm store.Voicemail, steps []store.CallMenuStep) string {
	var lines []string
	switch {
	case vm.Transcript != "":
		lines = append(lines, fmt.Sprintf("%q", vm.Transcript))
	case vm.Transcribe:
		lines = append(lines, "No transcript yet.")
	}
	lines = append(lines, "Listen: "+vm.RecordingURL)
	if path := ivr.Path(steps); path != "" {
		lines = append(lines, path)
	}
	return strings.Join(lines, "\n")
}

// scheduleVoicemailAlert schedules the voicemail's alert at the deadline for its transcript.
func (p *Processor) scheduleVoicemailAlert(ctx context.Context, tx *store.Tx, vm store.Voicemail) error {
	opts := VoicemailAlertArgs{}.InsertOpts()
	opts.ScheduledAt = p.clock().Add(TranscriptWait)
	_, err := p.queue.InsertTx(ctx, tx, VoicemailAlertArgs{VoicemailID: int64(vm.ID)}, &opts)
	return err
}

// transcribes reports whether the business's menu asks for voicemail transcripts.
func transcribes(b store.Business) bool {
	return b.Settings.IVR != nil && b.Settings.IVR.Voicemail.Transcribe
}
