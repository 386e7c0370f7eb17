package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/textback/textback/internal/store"
)

// zones finds and keeps each business's time zone, so that listings show times as the business
// reads them. A business that cannot be read shows UTC.
type zones struct {
	store *store.Store
	known map[store.BusinessID]*time.Location
}

func newZones(s *store.Store) *zones {
	return &zones{store: s, known: map[store.BusinessID]*time.Location{}}
}

// of returns the time zone of the business with id.
func (z *zones) of(ctx context.Context, id store.BusinessID) *time.Location {
	if loc, ok := z.known[id]; ok {
		return loc
	}
	loc := time.UTC
	if b, err := z.store.GetBusiness(ctx, id); err == nil {
		loc = b.Location()
	}
	z.known[id] = loc
	return loc
}

// optionalTime is a time for JSON output that is omitted when zero.
func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// textRow is the state of one text in a listing.
type textRow struct {
	Status       store.MessageStatus `json:"status"`
	ErrorCode    string              `json:"error_code,omitempty"`
	ErrorMessage string              `json:"error_message,omitempty"`
}

// callRow is one call as `textback calls --json` prints it.
type callRow struct {
	ID             int64      `json:"id"`
	Business       string     `json:"business"`
	ProviderCallID string     `json:"provider_call_id"`
	From           string     `json:"from"`
	To             string     `json:"to"`
	ForwardedFrom  string     `json:"forwarded_from,omitempty"`
	StartedAt      time.Time  `json:"started_at"`
	Outcome        string     `json:"outcome"`
	OutcomeReason  string     `json:"outcome_reason,omitempty"`
	TextBack       string     `json:"text_back"`
	TextBackReason string     `json:"text_back_reason,omitempty"`
	Decision       string     `json:"decision"`
	DecidedAt      *time.Time `json:"decided_at,omitempty"`
	// Text is the text back the call queued, with its delivery state, when it queued one.
	Text *textRow `json:"text,omitempty"`
	// Voicemails are the messages the caller left in the phone menu.
	Voicemails []voicemailRow `json:"voicemails,omitempty"`
}

// voicemailRow is one voicemail of a call as `textback calls --json` prints it.
type voicemailRow struct {
	RecordingURL    string     `json:"recording_url,omitempty"`
	DurationSeconds int        `json:"duration_seconds"`
	Transcript      string     `json:"transcript,omitempty"`
	AlertedAt       *time.Time `json:"alerted_at,omitempty"`
}

// voicemailsOf returns the voicemails the caller of call left in the phone menu.
func voicemailsOf(ctx context.Context, s *store.Store, call store.Call) ([]voicemailRow, error) {
	voicemails, err := s.ListVoicemailsByCall(ctx, call.ID)
	if err != nil {
		return nil, fmt.Errorf("read the voicemails of call %s: %w", call.ProviderCallID, err)
	}
	rows := make([]voicemailRow, 0, len(voicemails))
	for _, vm := range voicemails {
		rows = append(rows, voicemailRow{
			RecordingURL: vm.RecordingURL, DurationSeconds: int(vm.Duration / time.Second), Transcript: vm.Transcript,
			AlertedAt: optionalTime(vm.AlertedAt),
		})
	}
	return rows, nil
}

// describe returns the voicemail in one line for a table.
func (r voicemailRow) describe() string {
	line := fmt.Sprintf("voicemail, %d s: %s", r.DurationSeconds, orNone(r.RecordingURL, "(recording not received yet)"))
	if r.Transcript != "" {
		line += fmt.Sprintf(" %q", r.Transcript)
	}
	return line
}

func orNone(value, none string) string {
	if value == "" {
		return none
	}
	return value
}

// taskRow is one task as `textback tasks --json` prints it.
type taskRow struct {
	ID        int64      `json:"id"`
	Business  string     `json:"business"`
	Contact   string     `json:"contact"`
	Kind      string     `json:"kind"`
	Title     string     `json:"title"`
	Owner     string     `json:"owner,omitempty"`
	Priority  string     `json:"priority"`
	State     string     `json:"state"`
	Source    string     `json:"source,omitempty"`
	DueAt     time.Time  `json:"due_at"`
	DoneAt    *time.Time `json:"done_at,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
}

func newTaskRow(t store.Task) taskRow {
	return taskRow{
		ID: int64(t.ID), Business: t.BusinessSlug, Contact: t.ContactE164, Kind: t.Kind, Title: t.Title, Owner: t.Owner,
		Priority: t.Priority, State: t.State, Source: t.Source, DueAt: t.DueAt, DoneAt: optionalTime(t.DoneAt),
		CreatedAt: t.CreatedAt,
	}
}

// textBackOf returns the state of the text back that call queued, or nil when it queued none.
func textBackOf(ctx context.Context, s *store.Store, call store.Call) (*textRow, error) {
	msgs, err := s.ListMessagesByCall(ctx, call.ID)
	if err != nil {
		return nil, fmt.Errorf("read the text back of call %s: %w", call.ProviderCallID, err)
	}
	for _, m := range msgs {
		if m.Purpose == store.PurposeTextBack {
			return &textRow{Status: m.Status, ErrorCode: m.ErrorCode, ErrorMessage: m.ErrorMessage}, nil
		}
	}
	return nil, nil
}

// describe returns the text's state in a few words for a table, such as "failed (30003: Unreachable
// destination handset)".
func (r *textRow) describe() string {
	if r == nil {
		return "-"
	}
	detail := r.ErrorMessage
	if r.ErrorCode != "" && detail != "" {
		detail = r.ErrorCode + ": " + detail
	} else if r.ErrorCode != "" {
		detail = r.ErrorCode
	}
	const maxDetail = 60
	if len([]rune(detail)) > maxDetail {
		detail = string([]rune(detail)[:maxDetail-3]) + "..."
	}
	if detail == "" {
		return string(r.Status)
	}
	return string(r.Status) + " (" + detail + ")"
}
