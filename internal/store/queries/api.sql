-- Queries of the REST API. Every one names the business, so that a key of one business can never
-- reach another's rows. Lists run newest first: a page holds rows with ids below before_id (0 for
-- the first page), and the next page starts below the last id of this one.

-- name: InsertAPIKey :one
INSERT INTO api_keys (business_id, agency_id, name, prefix, secret_hash, created_at)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING *;

-- name: GetAPIKeyByHash :one
SELECT * FROM api_keys WHERE secret_hash = $1;

-- name: ListAPIKeys :many
SELECT api_keys.*, coalesce(businesses.slug, '') AS business_slug
FROM api_keys LEFT JOIN businesses ON businesses.id = api_keys.business_id
ORDER BY api_keys.id;

-- name: RevokeAPIKey :execrows
UPDATE api_keys SET revoked_at = $2 WHERE prefix = $1 AND revoked_at IS NULL;

-- name: TouchAPIKey :exec
-- Records when a key was last used, at most once per stale_before interval, so that a busy key
-- does not write on every request.
UPDATE api_keys SET last_used_at = sqlc.arg(now)
WHERE id = sqlc.arg(id) AND (last_used_at IS NULL OR last_used_at < sqlc.arg(stale_before));

-- name: ListContactsNewest :many
-- Lists contacts, filtered by pattern (a LIKE pattern over the number, names and email, already
-- lower-case and escaped with \) unless it is empty.
SELECT * FROM contacts
WHERE business_id = sqlc.arg(business_id)
  AND (CAST(sqlc.arg(before_id) AS BIGINT) = 0 OR id < CAST(sqlc.arg(before_id) AS BIGINT))
  AND (CAST(sqlc.arg(pattern) AS TEXT) = ''
       OR lower(e164 || ' ' || first_name || ' ' || last_name || ' ' || email) LIKE CAST(sqlc.arg(pattern) AS TEXT) ESCAPE '\')
ORDER BY id DESC
LIMIT sqlc.arg(page_size);

-- name: UpdateContactProfile :one
UPDATE contacts SET first_name = $3, last_name = $4, tags = $5, updated_at = $6
WHERE business_id = $1 AND id = $2
RETURNING *;

-- name: ListConversationsNewest :many
SELECT * FROM conversations
WHERE business_id = sqlc.arg(business_id)
  AND (CAST(sqlc.arg(before_id) AS BIGINT) = 0 OR id < CAST(sqlc.arg(before_id) AS BIGINT))
ORDER BY id DESC
LIMIT sqlc.arg(page_size);

-- name: ListMessagesNewest :many
-- Lists texts, of one conversation unless conversation_id is 0.
SELECT * FROM messages
WHERE business_id = sqlc.arg(business_id)
  AND (CAST(sqlc.arg(conversation_id) AS BIGINT) = 0 OR conversation_id = CAST(sqlc.arg(conversation_id) AS BIGINT))
  AND (CAST(sqlc.arg(before_id) AS BIGINT) = 0 OR id < CAST(sqlc.arg(before_id) AS BIGINT))
ORDER BY id DESC
LIMIT sqlc.arg(page_size);

-- name: GetBusinessMessage :one
SELECT * FROM messages WHERE business_id = $1 AND id = $2;

-- name: ListCallsNewest :many
SELECT * FROM calls
WHERE business_id = sqlc.arg(business_id)
  AND (CAST(sqlc.arg(before_id) AS BIGINT) = 0 OR id < CAST(sqlc.arg(before_id) AS BIGINT))
ORDER BY id DESC
LIMIT sqlc.arg(page_size);

-- name: GetBusinessCall :one
SELECT * FROM calls WHERE business_id = $1 AND id = $2;

-- name: ListTasksNewest :many
-- Lists tasks, in one state unless state is empty.
SELECT * FROM tasks
WHERE business_id = sqlc.arg(business_id)
  AND (CAST(sqlc.arg(state) AS TEXT) = '' OR state = CAST(sqlc.arg(state) AS TEXT))
  AND (CAST(sqlc.arg(before_id) AS BIGINT) = 0 OR id < CAST(sqlc.arg(before_id) AS BIGINT))
ORDER BY id DESC
LIMIT sqlc.arg(page_size);

-- name: GetTask :one
SELECT * FROM tasks WHERE business_id = $1 AND id = $2;

-- name: ListBookingsNewest :many
-- Lists bookings, in one state unless state is empty.
SELECT * FROM bookings
WHERE business_id = sqlc.arg(business_id)
  AND (CAST(sqlc.arg(state) AS TEXT) = '' OR state = CAST(sqlc.arg(state) AS TEXT))
  AND (CAST(sqlc.arg(before_id) AS BIGINT) = 0 OR id < CAST(sqlc.arg(before_id) AS BIGINT))
ORDER BY id DESC
LIMIT sqlc.arg(page_size);
