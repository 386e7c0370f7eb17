-- name: ListInbox :many
-- Lists a business's conversations that have texts, newest first, after the cursor (before_at,
-- before_id) when before_id is not 0.
SELECT conversations.id, conversations.contact_id, conversations.unread, conversations.last_message_at,
    conversations.assigned_user_id, contacts.e164, contacts.first_name, contacts.last_name,
    contacts.opted_out_at,
    CAST(coalesce((SELECT messages.body FROM messages WHERE messages.conversation_id = conversations.id
        ORDER BY messages.id DESC LIMIT 1), '') AS TEXT) AS last_body
FROM conversations
JOIN contacts ON contacts.id = conversations.contact_id
WHERE conversations.business_id = sqlc.arg(business_id) AND conversations.last_message_at IS NOT NULL
  AND (CAST(sqlc.arg(before_id) AS BIGINT) = 0 OR conversations.last_message_at < sqlc.arg(before_at)
    OR (conversations.last_message_at = sqlc.arg(before_at) AND conversations.id < CAST(sqlc.arg(before_id) AS BIGINT)))
ORDER BY conversations.last_message_at DESC, conversations.id DESC
LIMIT sqlc.arg(max_rows);

-- name: ListInboxUnread :many
-- Lists ListInbox's conversations that have unread texts.
SELECT conversations.id, conversations.contact_id, conversations.unread, conversations.last_message_at,
    conversations.assigned_user_id, contacts.e164, contacts.first_name, contacts.last_name,
    contacts.opted_out_at,
    CAST(coalesce((SELECT messages.body FROM messages WHERE messages.conversation_id = conversations.id
        ORDER BY messages.id DESC LIMIT 1), '') AS TEXT) AS last_body
FROM conversations
JOIN contacts ON contacts.id = conversations.contact_id
WHERE conversations.business_id = sqlc.arg(business_id) AND conversations.last_message_at IS NOT NULL
  AND conversations.unread > 0
  AND (CAST(sqlc.arg(before_id) AS BIGINT) = 0 OR conversations.last_message_at < sqlc.arg(before_at)
    OR (conversations.last_message_at = sqlc.arg(before_at) AND conversations.id < CAST(sqlc.arg(before_id) AS BIGINT)))
ORDER BY conversations.last_message_at DESC, conversations.id DESC
LIMIT sqlc.arg(max_rows);

-- name: ListInboxAssigned :many
-- Lists ListInbox's conversations assigned to one user.
SELECT conversations.id, conversations.contact_id, conversations.unread, conversations.last_message_at,
    conversations.assigned_user_id, contacts.e164, contacts.first_name, contacts.last_name,
    contacts.opted_out_at,
    CAST(coalesce((SELECT messages.body FROM messages WHERE messages.conversation_id = conversations.id
        ORDER BY messages.id DESC LIMIT 1), '') AS TEXT) AS last_body
FROM conversations
JOIN contacts ON contacts.id = conversations.contact_id
WHERE conversations.business_id = sqlc.arg(business_id) AND conversations.last_message_at IS NOT NULL
  AND conversations.assigned_user_id = sqlc.arg(assigned_user_id)
  AND (CAST(sqlc.arg(before_id) AS BIGINT) = 0 OR conversations.last_message_at < sqlc.arg(before_at)
    OR (conversations.last_message_at = sqlc.arg(before_at) AND conversations.id < CAST(sqlc.arg(before_id) AS BIGINT)))
ORDER BY conversations.last_message_at DESC, conversations.id DESC
LIMIT sqlc.arg(max_rows);

-- name: SearchInbox :many
-- Lists ListInbox's conversations whose contact's number matches the digits pattern or whose name
-- matches the name pattern. Both are LIKE patterns with \ as escape, and "" matches nothing. The
-- contacts are found first, by a scan of the business's contacts alone, so that a rare match does
-- not walk every conversation in inbox order.
SELECT conversations.id, conversations.contact_id, conversations.unread, conversations.last_message_at,
    conversations.assigned_user_id, contacts.e164, contacts.first_name, contacts.last_name,
    contacts.opted_out_at,
    CAST(coalesce((SELECT messages.body FROM messages WHERE messages.conversation_id = conversations.id
        ORDER BY messages.id DESC LIMIT 1), '') AS TEXT) AS last_body
FROM conversations
JOIN contacts ON contacts.id = conversations.contact_id
WHERE conversations.business_id = sqlc.arg(business_id) AND conversations.last_message_at IS NOT NULL
  AND conversations.contact_id IN (
    SELECT matched.id FROM contacts AS matched
    WHERE matched.business_id = sqlc.arg(business_id)
      AND ((CAST(sqlc.arg(digits) AS TEXT) <> '' AND matched.e164 LIKE CAST(sqlc.arg(digits) AS TEXT) ESCAPE '\')
        OR (CAST(sqlc.arg(name) AS TEXT) <> ''
          AND lower(matched.first_name || ' ' || matched.last_name) LIKE CAST(sqlc.arg(name) AS TEXT) ESCAPE '\')))
  AND (CAST(sqlc.arg(before_id) AS BIGINT) = 0 OR conversations.last_message_at < sqlc.arg(before_at)
    OR (conversations.last_message_at = sqlc.arg(before_at) AND conversations.id < CAST(sqlc.arg(before_id) AS BIGINT)))
ORDER BY conversations.last_message_at DESC, conversations.id DESC
LIMIT sqlc.arg(max_rows);

-- name: GetConversationByContact :one
SELECT * FROM conversations WHERE business_id = $1 AND contact_id = $2;

-- name: ListBusinessConversationMessages :many
-- Lists the newest max_rows texts of a conversation, newest first.
SELECT * FROM messages WHERE business_id = $1 AND conversation_id = $2 ORDER BY id DESC LIMIT sqlc.arg(max_rows);

-- name: MarkConversationRead :execrows
UPDATE conversations SET unread = 0 WHERE business_id = $1 AND id = $2;

-- name: AssignConversation :execrows
UPDATE conversations SET assigned_user_id = $3, updated_at = $4 WHERE business_id = $1 AND id = $2;

-- name: ListBusinessMembers :many
-- Lists the users who may open a business, with the role that lets them; a user reached both
-- through the business and through its agency appears twice.
SELECT users.id, users.email, memberships.role
FROM memberships JOIN users ON users.id = memberships.user_id
WHERE memberships.business_id = sqlc.arg(business_id)
UNION ALL
SELECT users.id, users.email, memberships.role
FROM memberships
JOIN users ON users.id = memberships.user_id
JOIN businesses ON businesses.agency_id = memberships.agency_id
WHERE businesses.id = sqlc.arg(business_id)
ORDER BY email;

-- name: ListBusinessTasks :many
SELECT tasks.*, coalesce(contacts.e164, '') AS contact_e164
FROM tasks LEFT JOIN contacts ON contacts.id = tasks.contact_id
WHERE tasks.business_id = $1 AND tasks.state = $2
ORDER BY tasks.due_at, tasks.id
LIMIT sqlc.arg(max_rows);

-- name: ListContactTasks :many
SELECT * FROM tasks WHERE business_id = $1 AND contact_id = $2 ORDER BY created_at DESC, id DESC LIMIT 200;

-- name: ListContactAlerts :many
SELECT * FROM alerts WHERE business_id = $1 AND contact_id = $2 ORDER BY first_at DESC, id DESC LIMIT 200;

-- name: ListContactCalls :many
SELECT * FROM calls WHERE business_id = $1 AND contact_id = $2 ORDER BY started_at DESC, id DESC LIMIT 200;

-- name: ListContactMessages :many
SELECT * FROM messages WHERE business_id = $1 AND contact_id = $2 ORDER BY id DESC LIMIT 500;

-- name: ListBusinessCalls :many
-- Lists a business's calls, newest first, after the cursor (before_at, before_id) when before_id
-- is not 0.
SELECT calls.*, coalesce(contacts.first_name, '') AS contact_first_name,
    coalesce(contacts.last_name, '') AS contact_last_name
FROM calls LEFT JOIN contacts ON contacts.id = calls.contact_id
WHERE calls.business_id = sqlc.arg(business_id)
  AND (CAST(sqlc.arg(before_id) AS BIGINT) = 0 OR calls.started_at < sqlc.arg(before_at)
    OR (calls.started_at = sqlc.arg(before_at) AND calls.id < CAST(sqlc.arg(before_id) AS BIGINT)))
ORDER BY calls.started_at DESC, calls.id DESC
LIMIT sqlc.arg(max_rows);

-- GetBusinessCall and GetBusinessMessage, which the dashboard also reads through, are in api.sql.

-- name: ListBusinessMessageEvents :many
SELECT message_events.* FROM message_events
JOIN messages ON messages.id = message_events.message_id
WHERE messages.business_id = $1 AND message_events.message_id = $2
ORDER BY message_events.id;

-- name: ListMessageExchanges :many
SELECT provider_exchanges.* FROM provider_exchanges
JOIN messages ON messages.id = provider_exchanges.message_id
WHERE messages.business_id = $1 AND provider_exchanges.message_id = $2
ORDER BY provider_exchanges.id;

-- name: ListBusinessExchanges :many
-- Lists the delivery log of a business's texts, newest first, below before_id when it is not 0.
SELECT provider_exchanges.*, messages.to_number, messages.purpose
FROM provider_exchanges
JOIN messages ON messages.id = provider_exchanges.message_id
WHERE messages.business_id = sqlc.arg(business_id)
  AND (CAST(sqlc.arg(before_id) AS BIGINT) = 0 OR provider_exchanges.id < CAST(sqlc.arg(before_id) AS BIGINT))
ORDER BY provider_exchanges.id DESC
LIMIT sqlc.arg(max_rows);

-- name: GetBusinessExchange :one
SELECT provider_exchanges.*, messages.to_number, messages.purpose
FROM provider_exchanges
JOIN messages ON messages.id = provider_exchanges.message_id
WHERE messages.business_id = $1 AND provider_exchanges.id = $2;

-- name: ListAnalyticsCalls :many
-- Lists a business's missed calls that started in [since, until), oldest first, with when their
-- text back was sent; a call whose text back was sent again appears once per text.
SELECT calls.id, calls.contact_id, calls.started_at, calls.decided_at, text_back.sent_at AS texted_at
FROM calls
LEFT JOIN messages AS text_back ON text_back.call_id = calls.id AND text_back.business_id = calls.business_id
  AND text_back.purpose = 'text_back' AND text_back.direction = 'outbound'
WHERE calls.business_id = sqlc.arg(business_id) AND calls.outcome = 'missed'
  AND calls.started_at >= sqlc.arg(since) AND calls.started_at < sqlc.arg(until)
ORDER BY calls.started_at, calls.id
LIMIT sqlc.arg(max_rows);

-- name: ListAnalyticsReplies :many
-- Lists when a business's contacts texted in [since, until), oldest first.
SELECT contact_id, created_at FROM messages
WHERE business_id = sqlc.arg(business_id) AND direction = 'inbound' AND contact_id IS NOT NULL
  AND created_at >= sqlc.arg(since) AND created_at < sqlc.arg(until)
ORDER BY created_at
LIMIT sqlc.arg(max_rows);

-- name: ListAnalyticsBookings :many
-- Lists a business's bookings made in [since, until) that are booked, oldest first.
SELECT contact_id, created_at FROM bookings
WHERE business_id = sqlc.arg(business_id) AND state = 'booked'
  AND created_at >= sqlc.arg(since) AND created_at < sqlc.arg(until)
ORDER BY created_at
LIMIT sqlc.arg(max_rows);

-- name: ListInboxByContact :many
-- Lists ListInbox's row of one contact, found through the contact's unique index.
SELECT conversations.id, conversations.contact_id, conversations.unread, conversations.last_message_at,
    conversations.assigned_user_id, contacts.e164, contacts.first_name, contacts.last_name,
    contacts.opted_out_at,
    CAST(coalesce((SELECT messages.body FROM messages WHERE messages.conversation_id = conversations.id
        ORDER BY messages.id DESC LIMIT 1), '') AS TEXT) AS last_body
FROM conversations
JOIN contacts ON contacts.id = conversations.contact_id
WHERE conversations.business_id = sqlc.arg(business_id) AND conversations.last_message_at IS NOT NULL
  AND contacts.business_id = sqlc.arg(business_id) AND contacts.e164 = sqlc.arg(e164);
