-- Pages of one business's rows in id order, for exports that must not hold a whole business in
-- memory. Each page starts after the last id of the page before.

-- name: ListContactsPage :many
SELECT * FROM contacts
WHERE business_id = sqlc.arg(business_id) AND id > sqlc.arg(after_id)
ORDER BY id
LIMIT sqlc.arg(page_size);

-- name: ListCallsPage :many
SELECT * FROM calls
WHERE business_id = sqlc.arg(business_id) AND id > sqlc.arg(after_id)
ORDER BY id
LIMIT sqlc.arg(page_size);

-- name: ListMessagesPage :many
SELECT * FROM messages
WHERE business_id = sqlc.arg(business_id) AND id > sqlc.arg(after_id)
ORDER BY id
LIMIT sqlc.arg(page_size);

-- name: ListConversationsPage :many
SELECT * FROM conversations
WHERE business_id = sqlc.arg(business_id) AND id > sqlc.arg(after_id)
ORDER BY id
LIMIT sqlc.arg(page_size);

-- name: ListTasksPage :many
SELECT * FROM tasks
WHERE business_id = sqlc.arg(business_id) AND id > sqlc.arg(after_id)
ORDER BY id
LIMIT sqlc.arg(page_size);

-- name: ListAlertsPage :many
SELECT * FROM alerts
WHERE business_id = sqlc.arg(business_id) AND id > sqlc.arg(after_id)
ORDER BY id
LIMIT sqlc.arg(page_size);

-- name: ListSequencesPage :many
SELECT * FROM sequences
WHERE business_id = sqlc.arg(business_id) AND id > sqlc.arg(after_id)
ORDER BY id
LIMIT sqlc.arg(page_size);
