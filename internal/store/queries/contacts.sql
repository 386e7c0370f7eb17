-- name: UpsertContact :one
INSERT INTO contacts (business_id, e164, created_at, updated_at)
VALUES ($1, $2, $3, $3)
ON CONFLICT (business_id, e164) DO UPDATE SET updated_at = contacts.updated_at
RETURNING *;

-- name: GetContact :one
SELECT * FROM contacts WHERE business_id = $1 AND id = $2;

-- name: GetContactByE164 :one
SELECT * FROM contacts WHERE business_id = $1 AND e164 = $2;

-- name: ClaimTextBackWindow :execrows
-- Claims the contact's text-back window atomically: the update matches only when no text back
-- went out after the cutoff, so two concurrent claims for one contact cannot both succeed.
UPDATE contacts SET last_text_back_at = sqlc.arg(now), updated_at = sqlc.arg(now)
WHERE business_id = sqlc.arg(business_id) AND id = sqlc.arg(id)
  AND (last_text_back_at IS NULL OR last_text_back_at <= sqlc.arg(cutoff));

-- name: SetContactOptedOut :exec
UPDATE contacts SET opted_out_at = $3, updated_at = $3
WHERE business_id = $1 AND id = $2 AND opted_out_at IS NULL;

-- name: SetContactSMSBlocked :exec
UPDATE contacts SET sms_blocked = $3, sms_blocked_at = $4, updated_at = $4
WHERE business_id = $1 AND id = $2;
