-- +goose Up
-- What the booking bot remembers about a conversation, as JSON: the slots it offered, what it
-- asked, how many texts it sent. See store.BookingBot.
ALTER TABLE conversations ADD COLUMN booking_bot TEXT NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE conversations DROP COLUMN booking_bot;
