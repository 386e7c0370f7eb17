-- +goose Up
-- Telnyx signs webhooks with an Ed25519 key pair; its public key verifies them.
ALTER TABLE providers ADD COLUMN public_key TEXT NOT NULL DEFAULT '';
-- A PBX reports calls to /webhooks/pbx/<webhook_token>, signed with webhook_secret.
ALTER TABLE numbers ADD COLUMN webhook_token TEXT;
ALTER TABLE numbers ADD COLUMN webhook_secret TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX numbers_webhook_token ON numbers (webhook_token) WHERE webhook_token IS NOT NULL;

-- +goose Down
DROP INDEX numbers_webhook_token;
ALTER TABLE numbers DROP COLUMN webhook_secret;
ALTER TABLE numbers DROP COLUMN webhook_token;
ALTER TABLE providers DROP COLUMN public_key;
