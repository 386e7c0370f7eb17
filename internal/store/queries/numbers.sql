-- name: UpsertNumber :one
INSERT INTO numbers (
    business_id, provider_id, e164, mode, forward_to, ring_seconds, answer_check, provider_confirms_opt_out,
    webhook_token, webhook_secret, created_at, updated_at
) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
ON CONFLICT (e164) DO UPDATE SET
    business_id = excluded.business_id,
    provider_id = excluded.provider_id,
    mode = excluded.mode,
    forward_to = excluded.forward_to,
    ring_seconds = excluded.ring_seconds,
    answer_check = excluded.answer_check,
    provider_confirms_opt_out = excluded.provider_confirms_opt_out,
    webhook_token = excluded.webhook_token,
    webhook_secret = excluded.webhook_secret,
    updated_at = excluded.updated_at
RETURNING *;

-- name: GetNumberByE164 :one
SELECT * FROM numbers WHERE e164 = $1;

-- name: GetNumber :one
SELECT * FROM numbers WHERE id = $1;

-- name: ListNumbersByBusiness :many
SELECT * FROM numbers WHERE business_id = $1 ORDER BY e164;

-- name: GetNumberByWebhookToken :one
SELECT * FROM numbers WHERE webhook_token = $1;
