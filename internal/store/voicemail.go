package store

import (
	"context"
	"fmt"
	"time"

	"github.com/textback/textback/internal/store/dbsqlc"
)

// VoicemailID is a row of voicemails.
type VoicemailID int64

// Voicemail is a message that a caller left in a phone menu. The provider keeps the recording;
// textback stores its address and transcript.
type Voicemail struct {
	ID         VoicemailID
	BusinessID BusinessID
	CallID     CallID
	// Step is the menu step that recorded the message.
	Step        int
	RecordingID string
	// RecordingURL is the provider's address of the recording, empty until the provider reports it.
	RecordingURL string
	// RecordingStatus is the provider's status of the stored recording, such as "completed".
	RecordingStatus string
	Duration        time.Duration
	// Transcribe is true when a transcript was requested. Transcript and TranscriptStatus are
	// the provider's values.
	Transcribe       bool
	Transcript       string
	TranscriptStatus string
	// AlertedAt is when the team was alerted about the message, and zero until then.
	AlertedAt time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// VoicemailRecording is the part of a voicemail webhook that textback stores. Empty values leave
// the stored ones as they are.
type VoicemailRecording struct {
	BusinessID BusinessID
	CallID     CallID
	Step       int
	ID         string
	URL        string
	Status     string
	Duration   time.Duration
	Transcribe bool
}

// UpsertVoicemailRecording stores the recording's details from one webhook and returns the
// voicemail as stored.
func (o ops) UpsertVoicemailRecording(ctx context.Context, r VoicemailRecording) (Voicemail, error) {
	row, err := o.q.UpsertVoicemailRecording(ctx, dbsqlc.UpsertVoicemailRecordingParams{
		BusinessID:      int64(r.BusinessID),
		CallID:          int64(r.CallID),
		Step:            int32(r.Step),
		RecordingID:     r.ID,
		RecordingUrl:    r.URL,
		RecordingStatus: r.Status,
		DurationSeconds: int32(r.Duration / time.Second),
		Transcribe:      r.Transcribe,
		CreatedAt:       o.Now(),
	})
	if err != nil {
		return Voicemail{}, fmt.Errorf("record voicemail of call %d step %d: %w", r.CallID, r.Step, err)
	}
	return voicemailFromRow(row), nil
}

// SetVoicemailTranscript records the transcript of the voicemail of the call's step and returns
// the voicemail as stored. An empty transcript keeps the one stored.
func (o ops) SetVoicemailTranscript(
	ctx context.Context, business BusinessID, call CallID, step int, transcript, status string,
) (Voicemail, error) {
	row, err := o.q.SetVoicemailTranscript(ctx, dbsqlc.SetVoicemailTranscriptParams{
		BusinessID: int64(business), CallID: int64(call), Step: int32(step), Transcript: transcript,
		TranscriptStatus: status, CreatedAt: o.Now(),
	})
	if err != nil {
		return Voicemail{}, fmt.Errorf("record transcript of voicemail of call %d step %d: %w", call, step, err)
	}
	return voicemailFromRow(row), nil
}

// GetVoicemail returns the voicemail with id, or an error wrapping ErrNotFound.
func (o ops) GetVoicemail(ctx context.Context, id VoicemailID) (Voicemail, error) {
	row, err := o.q.GetVoicemail(ctx, int64(id))
	if err != nil {
		return Voicemail{}, notFound(err, "get voicemail %d", id)
	}
	return voicemailFromRow(row), nil
}

// ListVoicemailsByCall returns the call's voicemails in step order.
func (o ops) ListVoicemailsByCall(ctx context.Context, call CallID) ([]Voicemail, error) {
	rows, err := o.q.ListVoicemailsByCall(ctx, int64(call))
	if err != nil {
		return nil, fmt.Errorf("list voicemails of call %d: %w", call, err)
	}
	out := make([]Voicemail, len(rows))
	for i, row := range rows {
		out[i] = voicemailFromRow(row)
	}
	return out, nil
}

// ClaimVoicemailAlert marks the voicemail's alert as raised at now and reports whether this call
// did. Of two concurrent claims, one fails.
func (o ops) ClaimVoicemailAlert(ctx context.Context, id VoicemailID, now time.Time) (bool, error) {
	n, err := o.q.ClaimVoicemailAlert(ctx, dbsqlc.ClaimVoicemailAlertParams{ID: int64(id), AlertedAt: nullTime(now)})
	if err != nil {
		return false, fmt.Errorf("claim alert of voicemail %d: %w", id, err)
	}
	return n == 1, nil
}

func voicemailFromRow(row dbsqlc.Voicemail) Voicemail {
	return Voicemail{
		ID: VoicemailID(row.ID), BusinessID: BusinessID(row.BusinessID), CallID: CallID(row.CallID),
		Step: int(row.Step), RecordingID: row.RecordingID, RecordingURL: row.RecordingUrl,
		RecordingStatus: row.RecordingStatus, Duration: time.Duration(row.DurationSeconds) * time.Second,
		Transcribe: row.Transcribe, Transcript: row.Transcript, TranscriptStatus: row.TranscriptStatus,
		AlertedAt: timeOf(row.AlertedAt), CreatedAt: row.CreatedAt.UTC(), UpdatedAt: row.UpdatedAt.UTC(),
	}
}
