-- name: InsertWebhook :one
INSERT INTO webhooks (provider_id, route, event_key, url, headers, body, received_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (provider_id, event_key) DO NOTHING
RETURNING id;

-- name: GetWebhook :one
SELECT * FROM webhooks WHERE id = $1;

-- name: MarkWebhookProcessed :exec
UPDATE webhooks SET processed_at = $2, result = $3 WHERE id = $1;

-- name: GetWebhookByEventKey :one
SELECT * FROM webhooks WHERE provider_id = $1 AND event_key = $2;
