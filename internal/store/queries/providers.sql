-- name: UpsertProvider :one
INSERT INTO providers (name, kind, account_sid, auth_token, api_base_url, public_key, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
ON CONFLICT (name) DO UPDATE SET
    kind = excluded.kind,
    account_sid = excluded.account_sid,
    auth_token = excluded.auth_token,
    api_base_url = excluded.api_base_url,
    public_key = excluded.public_key,
    updated_at = excluded.updated_at
RETURNING *;

-- name: GetProvider :one
SELECT * FROM providers WHERE id = $1;

-- name: GetProviderByName :one
SELECT * FROM providers WHERE name = $1;

-- name: ListProvidersByAccountSID :many
SELECT * FROM providers WHERE account_sid = $1 ORDER BY id;

-- name: ListProviders :many
SELECT * FROM providers ORDER BY name;
