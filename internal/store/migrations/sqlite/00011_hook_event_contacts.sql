-- +goose Up
-- The contact an outbound webhook event is about, so that forgetting a contact deletes the events
-- that carry their number and texts.
ALTER TABLE hook_events ADD COLUMN contact_id INTEGER REFERENCES contacts (id) ON DELETE CASCADE;
CREATE INDEX hook_events_contact ON hook_events (contact_id);

-- +goose Down
DROP INDEX hook_events_contact;
ALTER TABLE hook_events DROP COLUMN contact_id;
