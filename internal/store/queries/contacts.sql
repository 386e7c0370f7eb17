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
-- Opts a contact out with what said so, in one statement; an earlier opt-out is kept as it was.
UPDATE contacts SET opted_out_at = sqlc.arg(at), opt_out_source = sqlc.arg(source), updated_at = sqlc.arg(at)
WHERE business_id = sqlc.arg(business_id) AND id = sqlc.arg(id) AND opted_out_at IS NULL;

-- name: ReleaseTextBackWindow :exec
-- Forgets the last text back, when it never reached the contact, so that the next missed call
-- is texted back again.
UPDATE contacts SET last_text_back_at = NULL, updated_at = $3 WHERE business_id = $1 AND id = $2;

-- name: SetContactSMSBlocked :exec
UPDATE contacts SET sms_blocked = $3, sms_blocked_at = $4, updated_at = $4
WHERE business_id = $1 AND id = $2;

-- name: SetContactTimeZone :exec
UPDATE contacts SET time_zone = $3, updated_at = $4
WHERE business_id = $1 AND id = $2;
