-- Outbound webhooks: endpoints, the events sent to them, and each delivery and attempt.

-- name: InsertHookEndpoint :one
INSERT INTO hook_endpoints (business_id, url, events, secret, description, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $6)
RETURNING *;

-- name: GetHookEndpoint :one
SELECT * FROM hook_endpoints WHERE business_id = $1 AND id = $2;

-- name: ListHookEndpoints :many
SELECT * FROM hook_endpoints WHERE business_id = $1 ORDER BY id;

-- name: DeleteHookEndpoint :execrows
DELETE FROM hook_endpoints WHERE business_id = $1 AND id = $2;

-- name: InsertHookEvent :one
INSERT INTO hook_events (business_id, public_id, type, body, created_at, contact_id)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING *;

-- name: InsertHookDelivery :one
INSERT INTO hook_deliveries (event_id, endpoint_id, created_at, updated_at)
VALUES ($1, $2, $3, $3)
RETURNING *;

-- name: GetHookDelivery :one
-- Returns a delivery with its event and endpoint, for the worker that sends it.
SELECT sqlc.embed(hook_deliveries), sqlc.embed(hook_events), sqlc.embed(hook_endpoints)
FROM hook_deliveries
JOIN hook_events ON hook_events.id = hook_deliveries.event_id
JOIN hook_endpoints ON hook_endpoints.id = hook_deliveries.endpoint_id
WHERE hook_deliveries.id = $1;

-- name: FinishHookAttempt :exec
-- Counts an attempt and moves the delivery to its new state.
UPDATE hook_deliveries SET attempts = attempts + 1, state = $2, delivered_at = $3, updated_at = $4
WHERE id = $1;

-- name: InsertHookAttempt :one
INSERT INTO hook_attempts (delivery_id, attempt, status_code, error, response_excerpt, duration_ms, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING *;

-- name: ListHookDeliveries :many
-- Lists an endpoint's deliveries, newest first, with each event's type and public id.
SELECT sqlc.embed(hook_deliveries), hook_events.public_id AS event_public_id, hook_events.type AS event_type
FROM hook_deliveries JOIN hook_events ON hook_events.id = hook_deliveries.event_id
WHERE hook_deliveries.endpoint_id = sqlc.arg(endpoint_id)
  AND (CAST(sqlc.arg(before_id) AS BIGINT) = 0 OR hook_deliveries.id < CAST(sqlc.arg(before_id) AS BIGINT))
ORDER BY hook_deliveries.id DESC
LIMIT sqlc.arg(page_size);

-- name: ListHookAttempts :many
SELECT * FROM hook_attempts WHERE delivery_id = $1 ORDER BY id;
