-- name: FindOpenAlert :one
-- Returns the newest unresolved alert about a contact of a kind whose grouping window is still
-- open at now.
SELECT * FROM alerts
WHERE business_id = $1 AND contact_id = $2 AND kind = $3 AND resolved_at IS NULL AND window_until > sqlc.arg(now)
ORDER BY id DESC LIMIT 1;

-- name: InsertAlert :one
INSERT INTO alerts (
    business_id, contact_id, kind, priority, summary, detail, first_at, last_at, window_until, dedupe_key,
    created_at, updated_at
) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $7, $7)
ON CONFLICT (dedupe_key) DO NOTHING
RETURNING *;

-- name: AddAlertOccurrence :one
UPDATE alerts SET occurrences = occurrences + 1, last_at = sqlc.arg(at), priority = sqlc.arg(priority),
    detail = sqlc.arg(detail), updated_at = sqlc.arg(at)
WHERE id = sqlc.arg(id)
RETURNING *;

-- name: GetAlert :one
SELECT * FROM alerts WHERE id = $1;

-- name: MarkAlertUpdateSent :execrows
UPDATE alerts SET updates_sent = updates_sent + 1, updated_at = $2 WHERE id = $1 AND updates_sent = 0;

-- name: EscalateAlert :execrows
UPDATE alerts SET escalation_level = escalation_level + 1, updated_at = $3
WHERE id = $1 AND escalation_level = $2 AND resolved_at IS NULL;

-- name: ResolveContactAlerts :execrows
UPDATE alerts SET resolved_at = $3, updated_at = $3 WHERE business_id = $1 AND contact_id = $2 AND resolved_at IS NULL;

-- name: ListAlerts :many
SELECT * FROM alerts WHERE business_id = $1 ORDER BY id DESC LIMIT $2;

-- name: InsertAlertDelivery :one
INSERT INTO alert_deliveries (alert_id, channel, target, purpose, status, error, message_id, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
RETURNING *;

-- name: SetAlertDeliveryStatus :exec
UPDATE alert_deliveries SET status = $2, error = $3, updated_at = $4 WHERE id = $1;

-- name: ListAlertDeliveries :many
SELECT * FROM alert_deliveries WHERE alert_id = $1 ORDER BY id;

-- name: LatestSMSAlertTo :one
-- Returns the alert most recently texted to a team member's phone, for relaying their reply.
SELECT alerts.* FROM alert_deliveries
JOIN alerts ON alerts.id = alert_deliveries.alert_id
WHERE alerts.business_id = $1 AND alert_deliveries.channel = 'sms' AND alert_deliveries.target = $2
  AND alerts.contact_id IS NOT NULL
ORDER BY alert_deliveries.id DESC LIMIT 1;
