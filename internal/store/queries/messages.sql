-- name: InsertMessage :one
INSERT INTO messages (
    business_id, contact_id, number_id, provider_id, call_id, direction, from_number, to_number,
    body, encoding, segments, status, hold_reason, purpose, template, details, idempotency_key,
    conversation_id, automated, sent_by, provider_message_id, created_at, updated_at
) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22)
ON CONFLICT (idempotency_key) DO NOTHING
RETURNING *;

-- name: GetMessage :one
SELECT * FROM messages WHERE id = $1;

-- name: GetMessageByIdempotencyKey :one
SELECT * FROM messages WHERE idempotency_key = $1;

-- name: ClaimMessage :one
-- Moves a message to sending and counts the attempt. Only one sender can hold a message: the
-- update matches a queued message, or a sending one whose previous claim started before stale_before and
-- so belongs to a sender that died.
UPDATE messages SET status = 'sending', attempts = attempts + 1, sending_since = sqlc.arg(now), updated_at = sqlc.arg(now)
WHERE id = sqlc.arg(id)
  AND (status = 'queued' OR (status = 'sending' AND sending_since <= sqlc.arg(stale_before)))
RETURNING *;

-- name: MarkMessageSent :exec
UPDATE messages SET status = 'sent', provider_message_id = $2, provider_status = $3, sent_at = $4,
    error_code = '', error_message = '', updated_at = $4
WHERE id = $1;

-- name: MarkMessageQueued :exec
UPDATE messages SET status = 'queued', error_code = $2, error_message = $3, updated_at = $4
WHERE id = $1;

-- name: MarkMessageFailed :exec
UPDATE messages SET status = $2, error_code = $3, error_message = $4, hold_reason = $5, updated_at = $6
WHERE id = $1;

-- name: ListMessagesByCall :many
SELECT * FROM messages WHERE call_id = $1 ORDER BY id;

-- name: ListRecentMessages :many
SELECT * FROM messages ORDER BY created_at DESC, id DESC LIMIT $1;

-- name: CountOutbound :one
-- Counts texts to a contact that were not held back: those that may have reached them (not failed
-- or undelivered), and the automated ones created at or after hour_start and day_start. The
-- outbound path uses the counts to find the first text of a thread and for the per-contact limit
-- on automated texts.
SELECT
    CAST(coalesce(sum(CASE WHEN status NOT IN ('failed', 'undelivered') THEN 1 ELSE 0 END), 0) AS BIGINT) AS reached,
    CAST(coalesce(sum(CASE WHEN automated AND created_at >= sqlc.arg(hour_start) THEN 1 ELSE 0 END), 0) AS BIGINT) AS last_hour,
    CAST(coalesce(sum(CASE WHEN automated AND created_at >= sqlc.arg(day_start) THEN 1 ELSE 0 END), 0) AS BIGINT) AS last_day
FROM messages
WHERE business_id = $1 AND contact_id = $2 AND direction = 'outbound' AND status <> 'held';

-- name: RecentAutomatedSent :many
-- Lists when the automated texts that went to a contact at or after since were created, oldest
-- first, leaving out the text with id exclude_id. State rules cap these per 24 hours.
SELECT created_at FROM messages
WHERE business_id = sqlc.arg(business_id) AND contact_id = sqlc.arg(contact_id) AND direction = 'outbound'
  AND automated AND status IN ('sending', 'sent', 'delivered', 'undelivered')
  AND created_at >= sqlc.arg(since) AND id <> sqlc.arg(exclude_id)
ORDER BY created_at
LIMIT 100;
