-- name: InsertTask :one
INSERT INTO tasks (business_id, contact_id, kind, title, owner, priority, source, dedupe_key, due_at, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
ON CONFLICT (dedupe_key) DO NOTHING
RETURNING *;

-- name: ListTasks :many
SELECT tasks.*, contacts.e164 AS contact_e164, businesses.slug AS business_slug
FROM tasks
JOIN businesses ON businesses.id = tasks.business_id
LEFT JOIN contacts ON contacts.id = tasks.contact_id
WHERE (CAST(sqlc.arg(business_id) AS BIGINT) = 0 OR tasks.business_id = CAST(sqlc.arg(business_id) AS BIGINT))
  AND (CAST(sqlc.arg(state) AS TEXT) = '' OR tasks.state = CAST(sqlc.arg(state) AS TEXT))
ORDER BY tasks.due_at, tasks.id
LIMIT sqlc.arg(max_rows);

-- name: CompleteTask :execrows
UPDATE tasks SET state = 'done', done_at = $3, updated_at = $3 WHERE business_id = $1 AND id = $2 AND state = 'open';

-- name: CountOpenTasks :one
SELECT count(*) FROM tasks WHERE business_id = $1 AND contact_id = $2 AND state = 'open' AND kind = $3;
