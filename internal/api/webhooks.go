package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/textback/textback/internal/hooks"
	"github.com/textback/textback/internal/store"
)

// webhookEndpoint is the JSON of an endpoint. Its secret appears only in the response that
// created it.
type webhookEndpoint struct {
	ID          int64     `json:"id"`
	URL         string    `json:"url"`
	Events      []string  `json:"events"`
	Description string    `json:"description"`
	Secret      string    `json:"secret,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

func newWebhookEndpoint(e store.HookEndpoint) webhookEndpoint {
	return webhookEndpoint{
		ID: int64(e.ID), URL: e.URL, Events: e.Events, Description: e.Description, CreatedAt: e.CreatedAt,
	}
}

// webhookDelivery is the JSON of a delivery with its attempts.
type webhookDelivery struct {
	ID          int64            `json:"id"`
	EventID     string           `json:"event_id"`
	EventType   string           `json:"event_type"`
	State       string           `json:"state"`
	Attempts    int              `json:"attempts"`
	DeliveredAt *time.Time       `json:"delivered_at"`
	CreatedAt   time.Time        `json:"created_at"`
	AttemptLog  []webhookAttempt `json:"attempt_log"`
}

type webhookAttempt struct {
	Attempt         int       `json:"attempt"`
	StatusCode      int       `json:"status_code"`
	Error           string    `json:"error"`
	ResponseExcerpt string    `json:"response_excerpt"`
	DurationMS      int64     `json:"duration_ms"`
	CreatedAt       time.Time `json:"created_at"`
}

type webhookCreate struct {
	URL         string   `json:"url"`
	Events      []string `json:"events"`
	Description string   `json:"description"`
}

func (a *API) listWebhooks(w http.ResponseWriter, r *http.Request) {
	endpoints, err := a.store.ListHookEndpoints(r.Context(), businessOf(r.Context()))
	if err != nil {
		a.internalError(w, r, err)
		return
	}
	out := struct {
		Data []webhookEndpoint `json:"data"`
	}{Data: []webhookEndpoint{}}
	for _, e := range endpoints {
		out.Data = append(out.Data, newWebhookEndpoint(e))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) createWebhook(w http.ResponseWriter, r *http.Request) {
	var req webhookCreate
	if !decodeBody(w, r, maxBody, &req) {
		return
	}
	created, err := hooks.AddEndpoint(r.Context(), a.store, a.hookPolicy, hooks.NewEndpoint{
		BusinessID: businessOf(r.Context()), URL: req.URL, Events: req.Events, Description: req.Description,
	})
	var invalid *hooks.InvalidError
	if errors.As(err, &invalid) {
		writeError(w, http.StatusUnprocessableEntity, codeValidation, invalid.Error())
		return
	}
	if err != nil {
		a.internalError(w, r, err)
		return
	}
	view := newWebhookEndpoint(created)
	view.Secret = created.Secret
	writeJSON(w, http.StatusCreated, view)
}

func (a *API) getWebhook(w http.ResponseWriter, r *http.Request) {
	serveOne(a, w, r, "webhook", a.webhookByID, newWebhookEndpoint)
}

func (a *API) webhookByID(ctx context.Context, business store.BusinessID, id int64) (store.HookEndpoint, error) {
	return a.store.GetHookEndpoint(ctx, business, store.HookEndpointID(id))
}

func (a *API) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id", "webhook")
	if !ok {
		return
	}
	deleted, err := a.store.DeleteHookEndpoint(r.Context(), businessOf(r.Context()), store.HookEndpointID(id))
	switch {
	case err != nil:
		a.internalError(w, r, err)
	case !deleted:
		notFound(w, "webhook", id)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

func (a *API) listWebhookDeliveries(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id", "webhook")
	if !ok {
		return
	}
	p, ok := readPage(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	endpoint, err := a.webhookByID(ctx, businessOf(ctx), id)
	if errors.Is(err, store.ErrNotFound) {
		notFound(w, "webhook", id)
		return
	}
	if err != nil {
		a.internalError(w, r, err)
		return
	}
	rows, err := a.store.ListHookDeliveries(ctx, endpoint.ID, store.HookDeliveryID(p.before), p.limit+1)
	if err != nil {
		a.internalError(w, r, err)
		return
	}
	views := make([]webhookDelivery, 0, len(rows))
	for i, d := range rows {
		if i == p.limit {
			break
		}
		attempts, err := a.store.ListHookAttempts(ctx, d.ID)
		if err != nil {
			a.internalError(w, r, err)
			return
		}
		views = append(views, newWebhookDelivery(d, attempts))
	}
	if len(rows) > p.limit {
		views = append(views, webhookDelivery{ID: int64(rows[p.limit].ID)})
	}
	writeJSON(w, http.StatusOK, newList(views, p, func(d webhookDelivery) int64 { return d.ID },
		func(d webhookDelivery) webhookDelivery { return d }))
}

func newWebhookDelivery(d store.HookDelivery, attempts []store.HookAttempt) webhookDelivery {
	view := webhookDelivery{
		ID: int64(d.ID), EventID: d.EventPublicID, EventType: d.EventType, State: string(d.State), Attempts: d.Attempts,
		CreatedAt: d.CreatedAt, AttemptLog: []webhookAttempt{},
	}
	if !d.DeliveredAt.IsZero() {
		at := d.DeliveredAt
		view.DeliveredAt = &at
	}
	for _, at := range attempts {
		view.AttemptLog = append(view.AttemptLog, webhookAttempt{
			Attempt: at.Attempt, StatusCode: at.StatusCode, Error: at.Error, ResponseExcerpt: at.ResponseExcerpt,
			DurationMS: at.Duration.Milliseconds(), CreatedAt: at.CreatedAt,
		})
	}
	return view
}
