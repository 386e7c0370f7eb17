-- name: InsertAIExample :one
INSERT INTO ai_examples (business_id, message_id, body, intent, note, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING *;

-- name: ListAIExamples :many
SELECT * FROM ai_examples WHERE business_id = $1 ORDER BY id DESC LIMIT sqlc.arg(max_rows);

-- name: InsertAIDraft :one
INSERT INTO ai_drafts (business_id, contact_id, inbound_id, number_id, body, details, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (inbound_id) DO NOTHING
RETURNING *;

-- name: GetAIDraft :one
SELECT * FROM ai_drafts WHERE business_id = $1 AND id = $2;

-- name: ListPendingAIDrafts :many
SELECT * FROM ai_drafts WHERE business_id = $1 AND contact_id = $2 AND state = 'pending' ORDER BY id;

-- name: DecideAIDraft :execrows
UPDATE ai_drafts SET state = $3, decided_by = $4, message_id = $5, decided_at = $6
WHERE business_id = $1 AND id = $2 AND state = 'pending';
