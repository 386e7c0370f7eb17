-- name: DeleteProcessedWebhooksBefore :execrows
-- Deletes up to batch_size applied webhooks received before the cutoff. Webhooks not yet applied
-- are kept whatever their age.
DELETE FROM webhooks WHERE id IN (
    SELECT old.id FROM webhooks AS old
    WHERE old.processed_at IS NOT NULL AND old.received_at < sqlc.arg(cutoff)
    ORDER BY old.id LIMIT sqlc.arg(batch_size)
);

-- name: DeleteExchangesBefore :execrows
DELETE FROM provider_exchanges WHERE id IN (
    SELECT old.id FROM provider_exchanges AS old
    WHERE old.created_at < sqlc.arg(cutoff) ORDER BY old.id LIMIT sqlc.arg(batch_size)
);

-- name: DeleteSandboxMessagesBefore :execrows
DELETE FROM sandbox_messages WHERE id IN (
    SELECT old.id FROM sandbox_messages AS old
    WHERE old.created_at < sqlc.arg(cutoff) ORDER BY old.id LIMIT sqlc.arg(batch_size)
);
