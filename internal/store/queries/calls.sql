-- name: InsertCall :one
INSERT INTO calls (
    business_id, number_id, provider_id, provider_call_id, from_raw, to_number, forwarded_from,
    handling, answer_check, started_at, created_at, updated_at
) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
ON CONFLICT (provider_id, provider_call_id) DO NOTHING
RETURNING *;

-- name: GetCallByProviderCallID :one
SELECT * FROM calls WHERE provider_id = $1 AND provider_call_id = $2;

-- name: GetCall :one
SELECT * FROM calls WHERE id = $1;

-- name: SetCallStatus :exec
UPDATE calls SET call_status = $2, ended_at = $3, updated_at = $4 WHERE id = $1;

-- name: SetCallDialResult :exec
UPDATE calls SET dial_status = $2, dial_duration = $3, dial_ended_at = $4, updated_at = $4 WHERE id = $1;

-- name: SetCallAnsweredBy :exec
UPDATE calls SET answered_by = $2, updated_at = $3 WHERE id = $1;

-- name: SetCallScreenDigits :exec
UPDATE calls SET screen_digits = $2, updated_at = $3 WHERE id = $1;

-- name: DecideCall :execrows
-- Records the outcome once: the update matches only while the call is undecided.
UPDATE calls SET outcome = $2, outcome_reason = $3, decision = $4, decided_at = $5, updated_at = $5
WHERE id = $1 AND decided_at IS NULL;

-- name: SetCallTextBack :exec
UPDATE calls SET contact_id = $2, text_back = $3, text_back_reason = $4, decision = $5, updated_at = $6
WHERE id = $1;

-- name: ListRecentCalls :many
SELECT sqlc.embed(calls), businesses.slug AS business_slug
FROM calls JOIN businesses ON businesses.id = calls.business_id
ORDER BY calls.started_at DESC, calls.id DESC
LIMIT $1;

-- name: ListRecentCallsByBusiness :many
SELECT sqlc.embed(calls), businesses.slug AS business_slug
FROM calls JOIN businesses ON businesses.id = calls.business_id
WHERE calls.business_id = $1
ORDER BY calls.started_at DESC, calls.id DESC
LIMIT $2;

-- name: SetCallHandling :exec
UPDATE calls SET handling = $2, forwarded_from = $3, updated_at = $4 WHERE id = $1;
