package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/textback/textback/internal/store/dbsqlc"
)

// Webhook is a provider request kept exactly as received, before it is acknowledged.
type Webhook struct {
	ID          WebhookID
	ProviderID  ProviderID
	Route       string
	EventKey    string
	URL         string
	Header      http.Header
	Body        []byte
	ReceivedAt  time.Time
	ProcessedAt time.Time
	Result      string
}

// InsertWebhook stores w unless a webhook with the same provider and event key exists. It
// returns the new id and true, or 0 and false for a duplicate delivery.
func (o ops) InsertWebhook(ctx context.Context, w Webhook) (WebhookID, bool, error) {
	header, err := json.Marshal(w.Header)
	if err != nil {
		return 0, false, fmt.Errorf("store webhook %s: %w", w.EventKey, err)
	}
	id, err := o.q.InsertWebhook(ctx, dbsqlc.InsertWebhookParams{
		ProviderID: int64(w.ProviderID),
		Route:      w.Route,
		EventKey:   w.EventKey,
		Url:        w.URL,
		Headers:    string(header),
		Body:       w.Body,
		ReceivedAt: ts(w.ReceivedAt),
	})
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store webhook %s: %w", w.EventKey, err)
	}
	return WebhookID(id), true, nil
}

// GetWebhook returns the webhook with id, or an error wrapping ErrNotFound.
func (o ops) GetWebhook(ctx context.Context, id WebhookID) (Webhook, error) {
	row, err := o.q.GetWebhook(ctx, int64(id))
	if err != nil {
		return Webhook{}, notFound(err, "get webhook %d", id)
	}
	w := Webhook{
		ID:          WebhookID(row.ID),
		ProviderID:  ProviderID(row.ProviderID),
		Route:       row.Route,
		EventKey:    row.EventKey,
		URL:         row.Url,
		Body:        row.Body,
		ReceivedAt:  row.ReceivedAt.UTC(),
		ProcessedAt: timeOf(row.ProcessedAt),
		Result:      row.Result,
	}
	if err := json.Unmarshal([]byte(row.Headers), &w.Header); err != nil {
		return Webhook{}, fmt.Errorf("read headers of webhook %d: %w", id, err)
	}
	return w, nil
}

// MarkWebhookProcessed records that the webhook was applied and what came of it.
func (o ops) MarkWebhookProcessed(ctx context.Context, id WebhookID, result string) error {
	err := o.q.MarkWebhookProcessed(ctx, dbsqlc.MarkWebhookProcessedParams{
		ID: int64(id), ProcessedAt: nullTime(o.Now()), Result: result,
	})
	if err != nil {
		return fmt.Errorf("mark webhook %d processed: %w", id, err)
	}
	return nil
}

// GetWebhookByEventKey returns the provider's webhook with the event key, or an error wrapping
// ErrNotFound.
func (o ops) GetWebhookByEventKey(ctx context.Context, provider ProviderID, eventKey string) (Webhook, error) {
	row, err := o.q.GetWebhookByEventKey(ctx, dbsqlc.GetWebhookByEventKeyParams{
		ProviderID: int64(provider), EventKey: eventKey,
	})
	if err != nil {
		return Webhook{}, notFound(err, "get webhook %s", eventKey)
	}
	return o.GetWebhook(ctx, WebhookID(row.ID))
}

// WebhookReceivedAt returns when the provider's webhook with the event key was first received,
// or an error wrapping ErrNotFound.
func (o ops) WebhookReceivedAt(ctx context.Context, provider ProviderID, eventKey string) (time.Time, error) {
	row, err := o.q.GetWebhookByEventKey(ctx, dbsqlc.GetWebhookByEventKeyParams{
		ProviderID: int64(provider), EventKey: eventKey,
	})
	if err != nil {
		return time.Time{}, notFound(err, "get webhook %s", eventKey)
	}
	return row.ReceivedAt.UTC(), nil
}
