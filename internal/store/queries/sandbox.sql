-- name: InsertSandboxMessage :exec
INSERT INTO sandbox_messages (account_sid, sid, from_number, to_number, body, created_at)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: FindSandboxMessage :one
SELECT sid FROM sandbox_messages
WHERE account_sid = $1 AND from_number = $2 AND to_number = $3 AND body = $4 AND created_at >= $5
ORDER BY id DESC LIMIT 1;

-- name: InsertProviderExchange :exec
INSERT INTO provider_exchanges (
    provider_id, message_id, method, url, request_body, status, response_body, error, duration_ms, created_at
) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);
