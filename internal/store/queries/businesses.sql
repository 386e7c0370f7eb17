-- name: UpsertBusiness :one
INSERT INTO businesses (
    slug, name, time_zone, region, rep_name, booking_url, hours,
    text_back_enabled, text_back_window_seconds, text_back_template, after_hours_template,
    missed_call_message, screen_prompt, settings, created_at, updated_at
) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
ON CONFLICT (slug) DO UPDATE SET
    name = excluded.name,
    time_zone = excluded.time_zone,
    region = excluded.region,
    rep_name = excluded.rep_name,
    booking_url = excluded.booking_url,
    hours = excluded.hours,
    text_back_enabled = excluded.text_back_enabled,
    text_back_window_seconds = excluded.text_back_window_seconds,
    text_back_template = excluded.text_back_template,
    after_hours_template = excluded.after_hours_template,
    missed_call_message = excluded.missed_call_message,
    screen_prompt = excluded.screen_prompt,
    settings = excluded.settings,
    updated_at = excluded.updated_at
RETURNING *;

-- name: GetBusiness :one
SELECT * FROM businesses WHERE id = $1;

-- name: GetBusinessBySlug :one
SELECT * FROM businesses WHERE slug = $1;

-- name: ListBusinesses :many
SELECT * FROM businesses ORDER BY slug;

-- name: CountBusinesses :one
SELECT count(*) FROM businesses;
