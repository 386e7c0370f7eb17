package hooks

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/textback/textback/internal/store"
)

// Headers of every delivery.
const (
	// SignatureHeader carries "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">", keyed
	// with the endpoint's secret.
	SignatureHeader = "Textback-Signature"
	EventIDHeader   = "Textback-Event-Id"
	EventTypeHeader = "Textback-Event-Type"
)

// excerptBytes is how much of a response body the delivery log keeps: enough for an error
// message, too little to store whole pages.
const excerptBytes = 512

// RequestTimeout bounds one delivery attempt, connecting included. A receiver should answer at
// once and do its work later.
const RequestTimeout = 10 * time.Second

// RetryPolicy is how often and how long a delivery is retried.
type RetryPolicy struct {
	// MaxAttempts is how many attempts a delivery gets; DefaultRetry's when zero.
	MaxAttempts int
	// Base is the wait after the first failure. Each later wait doubles, up to Cap.
	Base time.Duration
	Cap  time.Duration
}

// DefaultRetry waits 30 s, 1 m, 2 m, … up to 6 h between attempts: 12 attempts span about
// 15 hours, long enough to outlast a receiver's deploy or a night-long outage.
var DefaultRetry = RetryPolicy{MaxAttempts: 12, Base: 30 * time.Second, Cap: 6 * time.Hour}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultRetry.MaxAttempts
	}
	if p.Base <= 0 {
		p.Base = DefaultRetry.Base
	}
	if p.Cap <= 0 {
		p.Cap = DefaultRetry.Cap
	}
	return p
}

// Backoff returns the wait after failed attempt number attempt (from 1).
func (p RetryPolicy) Backoff(attempt int) time.Duration {
	wait := p.Base
	for i := 1; i < attempt && wait < p.Cap; i++ {
		wait *= 2
	}
	return min(wait, p.Cap)
}

// Sign returns the signature header value for body sent at t with secret.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write([]byte("."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// Deliverer sends deliveries. It is safe for concurrent use.
type Deliverer struct {
	store  *store.Store
	client *http.Client
	policy URLPolicy
	retry  RetryPolicy
	clock  func() time.Time
	log    *slog.Logger
}

// DelivererOptions configures NewDeliverer.
type DelivererOptions struct {
	Store  *store.Store
	Policy URLPolicy
	Retry  RetryPolicy
	Clock  func() time.Time
	Logger *slog.Logger
	// Transport carries the requests; a transport whose dialer enforces Policy when nil.
	Transport http.RoundTripper
}

// NewDeliverer returns a Deliverer.
func NewDeliverer(opts DelivererOptions) *Deliverer {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Transport == nil {
		opts.Transport = opts.Policy.Transport()
	}
	client := &http.Client{
		Timeout:   RequestTimeout,
		Transport: opts.Transport,
		// A redirect could lead anywhere, a private address included: it counts as a failure.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &Deliverer{store: opts.Store, client: client, policy: opts.Policy, retry: opts.Retry.withDefaults(),
		clock: opts.Clock, log: opts.Logger}
}

// Register adds the delivery worker to workers.
func Register(workers *river.Workers, d *Deliverer) {
	river.AddWorker(workers, &deliverWorker{d: d})
}

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	d *Deliverer
}

func (w *deliverWorker) Timeout(*river.Job[DeliverArgs]) time.Duration { return 2 * RequestTimeout }

// NextRetry replaces River's default backoff (attempt⁴ seconds) with the delivery policy.
func (w *deliverWorker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	return time.Now().Add(w.d.retry.Backoff(job.Attempt))
}

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	return w.d.Deliver(ctx, store.HookDeliveryID(job.Args.DeliveryID), job.Attempt >= job.MaxAttempts)
}

// Deliver makes one attempt to deliver, logs it, and returns an error when the attempt failed
// and another should follow. lastAttempt marks the delivery failed instead.
func (d *Deliverer) Deliver(ctx context.Context, id store.HookDeliveryID, lastAttempt bool) error {
	delivery, event, endpoint, err := d.store.GetHookDelivery(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		// The endpoint was removed, and its deliveries with it.
		return nil
	}
	if err != nil {
		return err
	}
	if delivery.State != store.HookPending {
		return nil
	}
	log := d.log.With(slog.Int64("business_id", int64(event.BusinessID)), slog.Int64("endpoint_id", int64(endpoint.ID)),
		slog.String("event_id", event.PublicID), slog.Int("attempt", delivery.Attempts+1))
	attempt := d.post(ctx, endpoint, event)
	attempt.DeliveryID, attempt.Attempt = id, delivery.Attempts+1
	state := store.HookPending
	switch {
	case attempt.Error == "":
		state = store.HookDelivered
	case lastAttempt:
		state = store.HookFailed
	}
	if err := d.store.RecordHookAttempt(ctx, attempt, state); err != nil {
		return err
	}
	switch state {
	case store.HookDelivered:
		log.Info("webhook delivered", slog.Int("status", attempt.StatusCode))
		return nil
	case store.HookFailed:
		log.Warn("webhook delivery failed for good", slog.String("error", attempt.Error))
		return nil
	}
	log.Info("webhook delivery failed, will retry", slog.String("error", attempt.Error))
	return errors.New(attempt.Error)
}

// post sends the event to the endpoint once and describes the outcome. Error is empty only for
// a 2xx answer.
func (d *Deliverer) post(ctx context.Context, endpoint store.HookEndpoint, event store.HookEvent) store.HookAttempt {
	var out store.HookAttempt
	if err := d.policy.Check(endpoint.URL); err != nil {
		out.Error = err.Error()
		return out
	}
	body := []byte(event.Body)
	signature := Sign(endpoint.Secret, d.clock(), body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint.URL, strings.NewReader(event.Body))
	if err != nil {
		out.Error = "invalid request: " + err.Error()
		return out
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "textback-webhooks/1")
	req.Header.Set(SignatureHeader, signature)
	req.Header.Set(EventIDHeader, event.PublicID)
	req.Header.Set(EventTypeHeader, event.Type)
	redact := strings.NewReplacer(endpoint.Secret, "[redacted]", signature, "[redacted]")

	start := time.Now()
	res, err := d.client.Do(req)
	out.Duration = time.Since(start)
	if err != nil {
		out.Error = redact.Replace("request failed: " + err.Error())
		return out
	}
	defer res.Body.Close()
	excerpt, _ := io.ReadAll(io.LimitReader(res.Body, excerptBytes))
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	out.StatusCode = res.StatusCode
	out.ResponseExcerpt = redact.Replace(strings.ToValidUTF8(string(excerpt), "\uFFFD"))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		out.Error = fmt.Sprintf("endpoint answered %s", res.Status)
	}
	return out
}
