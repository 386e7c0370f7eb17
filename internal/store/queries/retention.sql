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

-- name: DeleteHookEventsBefore :execrows
-- Deletes up to batch_size outbound webhook events created before the cutoff, with their
-- deliveries and attempts, once no delivery of them is still pending.
DELETE FROM hook_events WHERE id IN (
    SELECT old.id FROM hook_events AS old
    WHERE old.created_at < sqlc.arg(cutoff)
      AND NOT EXISTS (
          SELECT 1 FROM hook_deliveries AS d WHERE d.event_id = old.id AND d.state = 'pending'
      )
    ORDER BY old.id LIMIT sqlc.arg(batch_size)
);
