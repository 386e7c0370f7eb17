-- name: EnsureConversation :one
INSERT INTO conversations (business_id, contact_id, created_at, updated_at)
VALUES ($1, $2, $3, $3)
ON CONFLICT (business_id, contact_id) DO UPDATE SET updated_at = conversations.updated_at
RETURNING *;

-- name: GetConversation :one
SELECT * FROM conversations WHERE business_id = $1 AND id = $2;

-- name: NoteInbound :exec
UPDATE conversations SET unread = unread + 1, last_message_at = sqlc.arg(at), last_inbound_at = sqlc.arg(at),
    updated_at = sqlc.arg(at)
WHERE id = $1;

-- name: NoteOutbound :exec
UPDATE conversations SET last_message_at = sqlc.arg(at), updated_at = sqlc.arg(at) WHERE id = $1;

-- name: NoteHumanReply :exec
-- Records a reply a person wrote, which pauses automation until paused_until and marks the
-- conversation read.
UPDATE conversations SET last_human_reply_at = sqlc.arg(at), last_message_at = sqlc.arg(at), unread = 0,
    automation_paused_until = sqlc.arg(paused_until), updated_at = sqlc.arg(at)
WHERE id = $1;

-- name: SetConversationAwaiting :exec
UPDATE conversations SET awaiting = $2, updated_at = $3 WHERE id = $1;

-- name: SetContactOptedIn :exec
UPDATE contacts SET opted_out_at = NULL, opt_out_source = '', updated_at = $3
WHERE business_id = $1 AND id = $2;

-- name: SetContactOptOutSource :exec
UPDATE contacts SET opt_out_source = $3, updated_at = $4 WHERE business_id = $1 AND id = $2;

-- name: SetContactReview :exec
UPDATE contacts SET review_reason = $3, updated_at = $4 WHERE business_id = $1 AND id = $2;

-- name: SetContactQualifier :exec
UPDATE contacts SET qualifier = $3, updated_at = $4 WHERE business_id = $1 AND id = $2;

-- name: SetContactTags :exec
UPDATE contacts SET tags = $3, updated_at = $4 WHERE business_id = $1 AND id = $2;

-- name: SetContactKind :exec
UPDATE contacts SET kind = $3, updated_at = $4 WHERE business_id = $1 AND id = $2;

-- name: SetContactLineType :exec
UPDATE contacts SET line_type = $3, line_type_checked_at = $4, updated_at = $4 WHERE business_id = $1 AND id = $2;

-- name: GetMessageByProviderID :one
SELECT * FROM messages WHERE provider_id = $1 AND provider_message_id = $2;

-- name: SetMessageStatus :exec
UPDATE messages SET status = $2, provider_status = $3, error_code = $4, error_message = $5, updated_at = $6
WHERE id = $1;

-- name: InsertMessageEvent :exec
INSERT INTO message_events (message_id, status, error_code, meaning, received_at) VALUES ($1, $2, $3, $4, $5);

-- name: ListMessageEvents :many
SELECT * FROM message_events WHERE message_id = $1 ORDER BY id;

-- name: ListConversationMessages :many
SELECT * FROM messages WHERE conversation_id = $1 ORDER BY id;

-- name: LatestNumberOfContact :one
-- Returns the business number of the newest text to or from a contact, which a relayed reply is
-- sent from.
SELECT number_id FROM messages
WHERE business_id = $1 AND contact_id = $2 AND number_id IS NOT NULL
ORDER BY id DESC LIMIT 1;

-- name: SetConversationBookingBot :exec
UPDATE conversations SET booking_bot = $2, updated_at = $3 WHERE id = $1;
