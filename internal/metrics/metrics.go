// Package metrics exposes textback's Prometheus metrics at GET /metrics:
//
//   - textback_provider_webhooks_received_total{provider, kind}: provider webhooks stored, by
//     provider path (twilio, telnyx, pbx, ...) and event kind (call.incoming, message.status, ...,
//     or "unreadable");
//   - textback_texts_total{status}: texts that reached each status (queued, held, sent, failed,
//     delivered, undelivered, received);
//   - textback_job_queue_lag_seconds{kind}: the age of the oldest job of each kind that is due and
//     waits for a worker, read from the database on each scrape;
//   - textback_text_back_latency_seconds: from the decision that a call was missed to the
//     provider's acceptance of its text back.
//
// The counters and the histogram count what this process did; sum them over instances. The lag
// is the same on every instance, since all share the queue.
package metrics

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/textback/textback/internal/store"
)

// LagSource reports the oldest due job of each kind; *jobs.Queue is one.
type LagSource interface {
	OldestAvailable(ctx context.Context) (map[string]time.Time, error)
}

// scrapeTimeout bounds the database read of one scrape.
const scrapeTimeout = 5 * time.Second

// Metrics holds textback's metrics. A nil *Metrics records nothing, so components built without
// metrics need no checks.
type Metrics struct {
	registry *prometheus.Registry
	webhooks *prometheus.CounterVec
	texts    *prometheus.CounterVec
	textBack prometheus.Histogram
}

// New returns the metrics, with the queue lag read from lag and Go's runtime metrics.
func New(lag LagSource, clock func() time.Time, log *slog.Logger) *Metrics {
	if clock == nil {
		clock = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "textback_provider_webhooks_received_total",
			Help: "Provider webhooks stored, by provider and event kind.",
		}, []string{"provider", "kind"}),
		texts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "textback_texts_total",
			Help: "Texts that reached each status.",
		}, []string{"status"}),
		// The buckets span the fast lane's usual tens of milliseconds to the minutes of a
		// provider outage retried by the queue.
		textBack: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "textback_text_back_latency_seconds",
			Help:    "Seconds from a missed call's decision to the provider's acceptance of its text back.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300},
		}),
	}
	m.registry.MustRegister(m.webhooks, m.texts, m.textBack,
		&lagCollector{source: lag, clock: clock, log: log},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// WebhookReceived counts a stored provider webhook.
func (m *Metrics) WebhookReceived(provider, kind string) {
	if m != nil {
		m.webhooks.WithLabelValues(provider, kind).Inc()
	}
}

// TextStatus counts a text that reached status.
func (m *Metrics) TextStatus(status store.MessageStatus) {
	if m != nil {
		m.texts.WithLabelValues(string(status)).Inc()
	}
}

// TextBackAccepted observes the time from a missed call's decision to its text back's acceptance.
func (m *Metrics) TextBackAccepted(latency time.Duration) {
	if m != nil {
		m.textBack.Observe(latency.Seconds())
	}
}

// Handler serves the metrics in Prometheus's text format. With a token, a request must carry
// "Authorization: Bearer <token>"; without one, the handler serves everyone, so it must only be
// mounted on a server bound to loopback.
func (m *Metrics) Handler(token string) http.Handler {
	serve := promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
	if token == "" {
		return serve
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="textback metrics"`)
			http.Error(w, "unauthorized: send Authorization: Bearer <the --metrics-token value>", http.StatusUnauthorized)
			return
		}
		serve.ServeHTTP(w, r)
	})
}

// Loopback reports whether addr, a listen address (host:port), accepts connections from this
// machine only. An empty host listens on every interface.
func Loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// lagCollector reads the queue lag from the database on each scrape.
type lagCollector struct {
	source LagSource
	clock  func() time.Time
	log    *slog.Logger
}

var lagDesc = prometheus.NewDesc("textback_job_queue_lag_seconds",
	"Seconds since the oldest due job of each kind became due; 0 when none is due.", []string{"kind"}, nil)

func (c *lagCollector) Describe(ch chan<- *prometheus.Desc) { ch <- lagDesc }

func (c *lagCollector) Collect(ch chan<- prometheus.Metric) {
	if c.source == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	oldest, err := c.source.OldestAvailable(ctx)
	if err != nil {
		c.log.Warn("read job queue lag failed", slog.String("error", err.Error()))
		ch <- prometheus.NewInvalidMetric(lagDesc, err)
		return
	}
	now := c.clock()
	for kind, at := range oldest {
		ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, max(now.Sub(at).Seconds(), 0), kind)
	}
}
