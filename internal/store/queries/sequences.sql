-- name: StartSequence :one
INSERT INTO sequences (business_id, contact_id, call_id, number_id, started_at, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $5, $5)
ON CONFLICT (business_id, contact_id) WHERE state = 'active' DO NOTHING
RETURNING *;

-- name: GetSequence :one
SELECT * FROM sequences WHERE id = $1;

-- name: StopSequences :execrows
-- Stops the contact's running sequence for good.
UPDATE sequences SET state = 'stopped', stop_reason = $3, ended_at = $4, updated_at = $4
WHERE business_id = $1 AND contact_id = $2 AND state = 'active';

-- name: AdvanceSequence :execrows
-- Records that a step went out; it matches once per step, so a retried step never counts twice.
UPDATE sequences SET steps_sent = sqlc.arg(next_step), updated_at = sqlc.arg(updated_at)
WHERE id = sqlc.arg(id) AND state = 'active' AND steps_sent = sqlc.arg(step);

-- name: FinishSequence :exec
UPDATE sequences SET state = 'done', ended_at = $2, updated_at = $2 WHERE id = $1 AND state = 'active';

-- name: ListSequences :many
SELECT * FROM sequences WHERE business_id = $1 AND contact_id = $2 ORDER BY id;

-- name: HoldQueuedFollowUps :execrows
-- Holds the contact's follow-up texts that wait to be sent, such as those waiting for quiet hours
-- to end, because their sequence stopped.
UPDATE messages SET status = 'held', hold_reason = $3, updated_at = $4
WHERE business_id = $1 AND contact_id = $2 AND purpose = 'follow_up' AND status = 'queued';
