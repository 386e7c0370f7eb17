package metrics_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/textback/textback/internal/jobs"
	"github.com/textback/textback/internal/metrics"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

type lagArgs struct{}

func (lagArgs) Kind() string { return "lag_test" }

func scrape(t *testing.T, h http.Handler, auth string) (int, string) {
	t.Helper()
	req := httptest.NewRequest("GET", "/metrics", nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Body)
	return rec.Code, string(body)
}

func TestMetricsExposition(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := jobs.Migrate(ctx, s, slog.New(slog.DiscardHandler)); err != nil {
			t.Fatal(err)
		}
		q, err := jobs.New(s, jobs.Options{})
		if err != nil {
			t.Fatal(err)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error {
			_, err := q.InsertTx(ctx, tx, lagArgs{}, &river.InsertOpts{ScheduledAt: time.Now().Add(-90 * time.Second)})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		m := metrics.New(jobs.NewLag(s), nil, nil)
		m.WebhookReceived("twilio", "call.incoming")
		m.WebhookReceived("twilio", "call.incoming")
		m.TextStatus(store.StatusSent)
		m.TextBackAccepted(300 * time.Millisecond)

		code, body := scrape(t, m.Handler(""), "")
		if code != http.StatusOK {
			t.Fatalf("scrape = %d", code)
		}
		for _, want := range []string{
			`textback_provider_webhooks_received_total{kind="call.incoming",provider="twilio"} 2`,
			`textback_texts_total{status="sent"} 1`,
			`textback_text_back_latency_seconds_bucket{le="0.5"} 1`,
			`textback_text_back_latency_seconds_count 1`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %q", want)
			}
		}
		var lag float64
		for _, line := range strings.Split(body, "\n") {
			if strings.HasPrefix(line, `textback_job_queue_lag_seconds{kind="lag_test"}`) {
				_, _ = fmtSscan(strings.Fields(line)[1], &lag)
			}
		}
		if lag < 85 || lag > 600 {
			t.Errorf("queue lag of a job due 90 s ago = %v s", lag)
		}
	})
}

func TestMetricsToken(t *testing.T) {
	m := metrics.New(nil, nil, nil)
	h := m.Handler("s3cret")
	if code, _ := scrape(t, h, ""); code != http.StatusUnauthorized {
		t.Errorf("no token = %d, want 401", code)
	}
	if code, _ := scrape(t, h, "Bearer wrong"); code != http.StatusUnauthorized {
		t.Errorf("wrong token = %d, want 401", code)
	}
	if code, _ := scrape(t, h, "Bearer s3cret"); code != http.StatusOK {
		t.Errorf("right token = %d, want 200", code)
	}
}

func TestLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "localhost:8080": true, "[::1]:8080": true,
		":8080": false, "0.0.0.0:8080": false, "10.0.0.2:8080": false, "bad": false,
	} {
		if got := metrics.Loopback(addr); got != want {
			t.Errorf("Loopback(%q) = %v, want %v", addr, got, want)
		}
	}
}

func fmtSscan(s string, v *float64) (int, error) {
	f, err := strconv.ParseFloat(s, 64)
	*v = f
	return 1, err
}
