// Package deliverylog records every request textback makes to a provider's API, and the answer,
// so that an operator can see why a text did or did not go out. Secrets (auth tokens, the
// Authorization header) are removed before anything is stored.
package deliverylog

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/textback/textback/internal/store"
)

// maxStoredBody is how much of a request or response body the log keeps. Provider answers to a
// send are a few hundred bytes; the cap protects the database from an unexpected large answer.
const maxStoredBody = 16 << 10

// Recorder stores log entries.
type Recorder interface {
	InsertExchange(ctx context.Context, e store.Exchange) error
}

type contextKey struct{}

type subject struct {
	provider store.ProviderID
	message  store.MessageID
	secrets  []string
}

// WithSubject marks requests made with ctx as belonging to a provider account and a message, and
// names the secrets to remove from their record.
func WithSubject(ctx context.Context, p store.ProviderID, m store.MessageID, secrets []string) context.Context {
	return context.WithValue(ctx, contextKey{}, subject{provider: p, message: m, secrets: secrets})
}

// Transport records each exchange made with a context from WithSubject; other requests pass through
// unrecorded.
type Transport struct {
	Base     http.RoundTripper
	Recorder Recorder
	Log      *slog.Logger     // nil means slog.Default()
	Clock    func() time.Time // nil means time.Now
}

// RoundTrip sends req through Base and records the exchange.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	subj, ok := req.Context().Value(contextKey{}).(subject)
	if !ok {
		return t.Base.RoundTrip(req)
	}
	var reqBody []byte
	if req.Body != nil && req.GetBody != nil {
		if body, err := req.GetBody(); err == nil {
			reqBody, _ = io.ReadAll(io.LimitReader(body, maxStoredBody))
			_ = body.Close()
		}
	}
	start := t.now()
	resp, err := t.Base.RoundTrip(req)
	entry := store.Exchange{
		ProviderID:  subj.provider,
		MessageID:   subj.message,
		Method:      req.Method,
		URL:         redact(req.URL.String(), subj.secrets),
		RequestBody: redact(string(reqBody), subj.secrets),
		Duration:    t.now().Sub(start),
		CreatedAt:   start,
	}
	if err != nil {
		entry.Error = redact(err.Error(), subj.secrets)
	} else {
		entry.Status = resp.StatusCode
		body, readErr := io.ReadAll(io.LimitReader(resp.Body, maxStoredBody))
		rest := resp.Body
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), rest), rest}
		entry.ResponseBody = redact(string(body), subj.secrets)
		if readErr != nil {
			entry.Error = redact(readErr.Error(), subj.secrets)
		}
	}
	// The record must not outlive or fail the send: it gets its own short deadline.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(req.Context()), 2*time.Second)
	defer cancel()
	if recErr := t.Recorder.InsertExchange(ctx, entry); recErr != nil {
		log := t.Log
		if log == nil {
			log = slog.Default()
		}
		log.Warn("delivery log entry not stored", slog.Int64("message_id", int64(subj.message)),
			slog.String("error", recErr.Error()))
	}
	return resp, err
}

func (t *Transport) now() time.Time {
	if t.Clock == nil {
		return time.Now()
	}
	return t.Clock()
}

// redact replaces every secret in s. Secrets shorter than four characters are ignored: replacing
// them would garble the record without protecting anything.
func redact(s string, secrets []string) string {
	for _, secret := range secrets {
		if len(secret) < 4 {
			continue
		}
		s = strings.ReplaceAll(s, secret, "[redacted]")
	}
	return s
}
