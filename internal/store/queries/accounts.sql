-- name: UpsertAgency :one
INSERT INTO agencies (name, created_at, updated_at) VALUES ($1, $2, $2)
ON CONFLICT (name) DO UPDATE SET updated_at = agencies.updated_at
RETURNING *;

-- name: GetAgency :one
SELECT * FROM agencies WHERE id = $1;

-- name: SetBusinessAgency :execrows
UPDATE businesses SET agency_id = $2, updated_at = $3 WHERE id = $1;

-- name: InsertUser :one
INSERT INTO users (email, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $3)
RETURNING *;

-- name: GetUser :one
SELECT * FROM users WHERE id = $1;

-- name: GetUserByEmail :one
SELECT * FROM users WHERE email = $1;

-- name: SetUserPassword :exec
UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1;

-- name: NoteUserLogin :exec
UPDATE users SET last_login_at = $2 WHERE id = $1;

-- name: InsertMembership :execrows
INSERT INTO memberships (user_id, business_id, agency_id, role, created_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT DO NOTHING;

-- name: ListMemberships :many
SELECT * FROM memberships WHERE user_id = $1 ORDER BY id;

-- name: ListUserBusinesses :many
-- Lists the businesses a user may open, each with the role that grants it: a business membership,
-- or an agency-admin membership of the business's agency. A business reached both ways appears
-- twice; the caller keeps the stronger role.
SELECT businesses.id, businesses.slug, businesses.name, memberships.role
FROM memberships
JOIN businesses ON businesses.id = memberships.business_id
WHERE memberships.user_id = sqlc.arg(user_id)
UNION ALL
SELECT businesses.id, businesses.slug, businesses.name, memberships.role
FROM memberships
JOIN businesses ON businesses.agency_id = memberships.agency_id
WHERE memberships.user_id = sqlc.arg(user_id)
ORDER BY slug;

-- name: GetUserBusinessRoles :many
-- Returns the roles that give a user access to one business, by slug: none when the user may not
-- open it.
SELECT businesses.id, memberships.role
FROM memberships
JOIN businesses ON businesses.id = memberships.business_id
WHERE memberships.user_id = sqlc.arg(user_id) AND businesses.slug = sqlc.arg(slug)
UNION ALL
SELECT businesses.id, memberships.role
FROM memberships
JOIN businesses ON businesses.agency_id = memberships.agency_id
WHERE memberships.user_id = sqlc.arg(user_id) AND businesses.slug = sqlc.arg(slug);

-- name: InsertSession :one
INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
VALUES ($1, $2, $3, $4, $4, $5)
RETURNING *;

-- name: GetSession :one
SELECT * FROM sessions WHERE token_hash = $1;

-- name: TouchSession :exec
UPDATE sessions SET last_seen_at = $2 WHERE id = $1;

-- name: DeleteSession :exec
DELETE FROM sessions WHERE token_hash = $1;

-- name: DeleteUserSessions :execrows
DELETE FROM sessions WHERE user_id = $1;

-- name: DeleteExpiredSessions :execrows
DELETE FROM sessions WHERE expires_at <= sqlc.arg(now) OR last_seen_at <= sqlc.arg(idle_cutoff);

-- name: InsertLoginFailure :exec
INSERT INTO login_failures (scope, key, failed_at) VALUES ($1, $2, $3);

-- name: ListLoginFailures :many
-- Lists when one address or account failed to sign in after since, oldest first: their number
-- decides a lockout, and the oldest tells when it ends.
SELECT failed_at FROM login_failures
WHERE scope = $1 AND key = $2 AND failed_at > sqlc.arg(since)
ORDER BY failed_at
LIMIT sqlc.arg(max_rows);

-- name: ClearLoginFailures :exec
DELETE FROM login_failures WHERE scope = $1 AND key = $2;

-- name: DeleteLoginFailuresBefore :execrows
DELETE FROM login_failures WHERE failed_at < $1;
