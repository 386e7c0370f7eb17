-- name: InsertCallMenuStep :execrows
-- Records one step of a call's path through a menu; a step recorded before is kept as it was.
INSERT INTO call_menu_steps (
    call_id, step, menu, kind, input, option_key, label, detail, next_action, text_back, requested,
    occurred_at, expect_by, created_at
) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
ON CONFLICT (call_id, step) DO NOTHING;

-- name: ListCallMenuSteps :many
SELECT * FROM call_menu_steps WHERE call_id = $1 ORDER BY step;

-- name: UpsertVoicemailRecording :one
-- Records what the provider said of a voicemail's recording. A value left empty keeps the one
-- stored, because the end of the recording and the stored recording arrive in separate webhooks.
INSERT INTO voicemails (
    business_id, call_id, step, recording_id, recording_url, recording_status, duration_seconds, transcribe,
    created_at, updated_at
) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
ON CONFLICT (call_id, step) DO UPDATE SET
    recording_id = CASE WHEN excluded.recording_id <> '' THEN excluded.recording_id ELSE voicemails.recording_id END,
    recording_url = CASE WHEN excluded.recording_url <> '' THEN excluded.recording_url ELSE voicemails.recording_url END,
    recording_status = CASE WHEN excluded.recording_status <> '' THEN excluded.recording_status
        ELSE voicemails.recording_status END,
    duration_seconds = CASE WHEN excluded.duration_seconds > 0 THEN excluded.duration_seconds
        ELSE voicemails.duration_seconds END,
    transcribe = CASE WHEN excluded.transcribe THEN excluded.transcribe ELSE voicemails.transcribe END,
    updated_at = excluded.updated_at
RETURNING *;

-- name: SetVoicemailTranscript :one
INSERT INTO voicemails (
    business_id, call_id, step, transcribe, transcript, transcript_status, created_at, updated_at
) VALUES ($1, $2, $3, TRUE, $4, $5, $6, $6)
ON CONFLICT (call_id, step) DO UPDATE SET
    transcribe = TRUE,
    transcript = CASE WHEN excluded.transcript <> '' THEN excluded.transcript ELSE voicemails.transcript END,
    transcript_status = excluded.transcript_status,
    updated_at = excluded.updated_at
RETURNING *;

-- name: GetVoicemail :one
SELECT * FROM voicemails WHERE id = $1;

-- name: ListVoicemailsByCall :many
SELECT * FROM voicemails WHERE call_id = $1 ORDER BY step;

-- name: ClaimVoicemailAlert :execrows
-- Reports the voicemail's alert as raised, once: the update matches only the first time.
UPDATE voicemails SET alerted_at = $2, updated_at = $2 WHERE id = $1 AND alerted_at IS NULL;

-- name: SetContactTextBackAt :exec
-- Records a text back that the caller asked for, which starts the text-back window like any other.
UPDATE contacts SET last_text_back_at = $3, updated_at = $3 WHERE business_id = $1 AND id = $2;
