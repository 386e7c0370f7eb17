-- name: UpsertCalendar :one
-- Creates the calendar or updates its settings. An existing calendar keeps its feed token, so
-- that subscriptions to its feed keep working.
INSERT INTO calendars (
    business_id, slug, name, time_zone, hours, slot_seconds, buffer_before_seconds, buffer_after_seconds,
    min_notice_seconds, horizon_seconds, max_per_day, closures, address, feed_token, created_at, updated_at
) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
ON CONFLICT (business_id, slug) DO UPDATE SET
    name = excluded.name,
    time_zone = excluded.time_zone,
    hours = excluded.hours,
    slot_seconds = excluded.slot_seconds,
    buffer_before_seconds = excluded.buffer_before_seconds,
    buffer_after_seconds = excluded.buffer_after_seconds,
    min_notice_seconds = excluded.min_notice_seconds,
    horizon_seconds = excluded.horizon_seconds,
    max_per_day = excluded.max_per_day,
    closures = excluded.closures,
    address = excluded.address,
    updated_at = excluded.updated_at
RETURNING *;

-- name: GetCalendar :one
SELECT * FROM calendars WHERE business_id = $1 AND id = $2;

-- name: GetCalendarBySlug :one
SELECT * FROM calendars WHERE business_id = $1 AND slug = $2;

-- name: GetCalendarByFeedToken :one
SELECT * FROM calendars WHERE feed_token = $1;

-- name: ListCalendars :many
SELECT * FROM calendars WHERE business_id = $1 ORDER BY slug;

-- name: SetCalendarFeedToken :one
UPDATE calendars SET feed_token = $3, updated_at = $4 WHERE business_id = $1 AND id = $2
RETURNING *;

-- name: ExpireHolds :execrows
-- Marks the calendar's lapsed holds expired, which takes them out of the live-slot index.
UPDATE bookings SET state = 'expired', updated_at = sqlc.arg(now)
WHERE calendar_id = sqlc.arg(calendar_id) AND state = 'held' AND hold_expires_at <= sqlc.arg(now);

-- name: ReleaseContactHolds :execrows
UPDATE bookings SET state = 'expired', updated_at = sqlc.arg(now)
WHERE business_id = sqlc.arg(business_id) AND contact_id = sqlc.arg(contact_id) AND state = 'held';

-- name: CountOverlappingBookings :one
-- Counts the calendar's held and booked rows that overlap the open interval (after, before).
-- Callers run ExpireHolds first, so every held row counted is still valid.
SELECT count(*) FROM bookings
WHERE calendar_id = sqlc.arg(calendar_id) AND state IN ('held', 'booked')
  AND starts_at < sqlc.arg(before) AND ends_at > sqlc.arg(after);

-- name: CountBookingsStarting :one
-- Counts the calendar's held and booked rows that start in [window_start, window_end).
SELECT count(*) FROM bookings
WHERE calendar_id = sqlc.arg(calendar_id) AND state IN ('held', 'booked')
  AND starts_at >= sqlc.arg(window_start) AND starts_at < sqlc.arg(window_end);

-- name: InsertBooking :one
INSERT INTO bookings (
    business_id, calendar_id, contact_id, starts_at, ends_at, state, hold_expires_at, source,
    name, email, notes, idempotency_key, replaces_id, created_at, updated_at
) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
ON CONFLICT (idempotency_key) DO NOTHING
RETURNING *;

-- name: GetBooking :one
SELECT * FROM bookings WHERE business_id = $1 AND id = $2;

-- name: GetBookingByIdempotencyKey :one
SELECT * FROM bookings WHERE idempotency_key = $1;

-- name: ConfirmBooking :one
-- Turns a hold into a booking. A hold that lapsed is confirmed too: the caller has checked that
-- its slot is still free.
UPDATE bookings SET
    state = 'booked', hold_expires_at = NULL,
    name = sqlc.arg(name), email = sqlc.arg(email), notes = sqlc.arg(notes),
    idempotency_key = coalesce(sqlc.narg(idempotency_key), idempotency_key),
    updated_at = sqlc.arg(now)
WHERE business_id = sqlc.arg(business_id) AND id = sqlc.arg(id) AND state IN ('held', 'expired')
RETURNING *;

-- name: CancelBooking :one
UPDATE bookings SET state = 'cancelled', hold_expires_at = NULL, cancelled_at = sqlc.arg(now), updated_at = sqlc.arg(now)
WHERE business_id = sqlc.arg(business_id) AND id = sqlc.arg(id) AND state IN ('held', 'booked')
RETURNING *;

-- name: ListLiveBookings :many
-- Lists the calendar's bookings and valid holds that overlap [window_start, window_end).
SELECT * FROM bookings
WHERE calendar_id = sqlc.arg(calendar_id)
  AND (state = 'booked' OR (state = 'held' AND hold_expires_at > sqlc.arg(now)))
  AND starts_at < sqlc.arg(window_end) AND ends_at > sqlc.arg(window_start)
ORDER BY starts_at, id;

-- name: ListContactBookings :many
SELECT * FROM bookings WHERE business_id = $1 AND contact_id = $2 ORDER BY starts_at, id;

-- name: ListFeedBookings :many
-- Lists the calendar's bookings (not holds, not cancelled) that end after since, with the
-- contact's number.
SELECT sqlc.embed(bookings), contacts.e164 AS contact_e164
FROM bookings JOIN contacts ON contacts.id = bookings.contact_id
WHERE bookings.calendar_id = sqlc.arg(calendar_id) AND bookings.state = 'booked'
  AND bookings.ends_at > sqlc.arg(since)
ORDER BY bookings.starts_at, bookings.id;

-- name: ListBookingsPage :many
SELECT * FROM bookings
WHERE business_id = sqlc.arg(business_id) AND id > sqlc.arg(after_id)
ORDER BY id
LIMIT sqlc.arg(page_size);

-- name: DeleteContactBookings :execrows
DELETE FROM bookings WHERE business_id = $1 AND contact_id = $2;
