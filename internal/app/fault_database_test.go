package app_test

import (
	"context"
	"database/sql"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/textback/textback/internal/provider/twilio/twiliotest"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// webhookRetries is how many times burstDuring sends a webhook that gets 503, as a provider
// configured to retry would.
const webhookRetries = 8

// burstDuring plays a missed call from each number, 20 ms apart, while fault runs. A webhook
// that gets 503 is sent again after half a second, as a provider retries. Any other status but
// 200 fails the test. It returns how many responses were 503.
func (h *harness) burstDuring(numbers []string, fault func()) int64 {
	h.t.Helper()
	var (
		wg       sync.WaitGroup
		rejected atomic.Int64
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		fault()
	}()
	for _, from := range numbers {
		sid := h.newCallSID()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, step := range []struct {
				route  string
				fields []string
			}{
				{"voice", []string{"CallStatus", "ringing"}},
				{"voice/dial", []string{"CallStatus", "in-progress", "DialCallStatus", "no-answer", "DialCallDuration", "0"}},
			} {
				form := h.callForm(sid, from, step.fields...)
				for attempt := 1; ; attempt++ {
					status, err := h.tryPost(h.app, step.route, form)
					if err == nil && status == http.StatusOK {
						break
					}
					if err != nil || status != http.StatusServiceUnavailable || attempt == webhookRetries {
						h.t.Errorf("call %s: %s webhook attempt %d answered %d, %v; want 200, or 503 to retry",
							sid, step.route, attempt, status, err)
						return
					}
					rejected.Add(1)
					time.Sleep(500 * time.Millisecond)
				}
			}
		}()
		time.Sleep(20 * time.Millisecond)
	}
	wg.Wait()
	return rejected.Load()
}

// faultNumbers creates n contacts in a zone where it is midday now and returns their numbers,
// starting at caller first.
func (h *harness) faultNumbers(first, n int) []string {
	zone := middayZone(time.Now())
	numbers := make([]string, n)
	for i := range numbers {
		numbers[i] = faultCaller(first + i)
		h.addContact(numbers[i], zone)
	}
	return numbers
}

// Another connection holding SQLite's write lock for three seconds, twice during a burst of
// missed calls, slows textback down but loses and doubles nothing.
func TestSQLiteLockedDuringBurst(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("holds the database for seconds and waits for follow-ups")
	}
	h := newHarnessWith(t, store.SQLite, live(faultSettings()))
	numbers := h.faultNumbers(10000, 100)
	locker, err := sql.Open("sqlite", "file:"+h.db+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = locker.Close() })

	start := time.Now()
	rejected := h.burstDuring(numbers, func() {
		for range 2 {
			time.Sleep(300 * time.Millisecond)
			if err := holdWriteLock(locker, 3*time.Second); err != nil {
				t.Errorf("hold the write lock: %v", err)
			}
		}
	})
	acked := time.Since(start)
	h.waitEveryText(numbers, 2, 90*time.Second)
	h.checkOneEach(numbers, faultFollowUp)
	t.Logf("%d missed calls acknowledged within %s (%d answers were 503); every text sent within %s",
		len(numbers), acked.Round(time.Millisecond), rejected, time.Since(start).Round(time.Millisecond))
}

// holdWriteLock takes SQLite's write lock on db and keeps it for d, as a second process writing
// a large change would.
func holdWriteLock(db *sql.DB, d time.Duration) error {
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	time.Sleep(d)
	_, err = conn.ExecContext(ctx, "ROLLBACK")
	return err
}

// PostgreSQL ending every connection of textback's database three times during a burst of missed
// calls, as a failover or an administrator would, loses and doubles nothing.
func TestPostgresBackendsTerminated(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("waits for follow-ups")
	}
	h := newHarnessWith(t, store.Postgres, live(faultSettings()))
	numbers := h.faultNumbers(20000, 100)
	ctx := context.Background()
	u, err := url.Parse(h.db)
	if err != nil {
		t.Fatal(err)
	}
	// pgx.Connect sends unknown URL parameters to the server, which rejects the pool's own.
	query := u.Query()
	query.Del("pool_max_conns")
	u.RawQuery = query.Encode()
	admin, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close(context.Background()) })

	var terminated int
	start := time.Now()
	rejected := h.burstDuring(numbers, func() {
		for range 3 {
			time.Sleep(400 * time.Millisecond)
			var n int
			err := admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
				WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&n)
			if err != nil {
				t.Errorf("terminate backends: %v", err)
			}
			terminated += n
		}
	})
	acked := time.Since(start)
	h.waitEveryText(numbers, 2, 90*time.Second)
	h.checkOneEach(numbers, faultFollowUp)
	if terminated == 0 {
		t.Error("no connection was terminated, so the test checked nothing")
	}
	t.Logf("%d connections terminated; %d missed calls acknowledged within %s (%d answers were 503); "+
		"every text sent within %s", terminated, len(numbers), acked.Round(time.Millisecond), rejected,
		time.Since(start).Round(time.Millisecond))
}

// PostgreSQL becoming unreachable for two seconds during a burst of missed calls (every open
// connection cut, new ones refused) loses and doubles nothing.
func TestPostgresUnreachableDuringBurst(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("waits for follow-ups")
	}
	proxy, target := proxiedPostgres(t)
	opts := live(faultSettings())
	opts.db = target
	h := newHarnessWith(t, store.Postgres, opts)
	numbers := h.faultNumbers(30000, 100)

	start := time.Now()
	rejected := h.burstDuring(numbers, func() {
		time.Sleep(500 * time.Millisecond)
		proxy.cut(2 * time.Second)
	})
	acked := time.Since(start)
	h.waitEveryText(numbers, 2, 90*time.Second)
	h.checkOneEach(numbers, faultFollowUp)
	t.Logf("database unreachable for 2 s; %d missed calls acknowledged within %s (%d answers were 503); "+
		"every text sent within %s", len(numbers), acked.Round(time.Millisecond), rejected,
		time.Since(start).Round(time.Millisecond))
}

// proxiedPostgres creates a PostgreSQL database and returns a proxy to its server and the
// database's URL through that proxy.
func proxiedPostgres(t *testing.T) (*tcpProxy, string) {
	t.Helper()
	u, err := url.Parse(storetest.Target(t, store.Postgres))
	if err != nil {
		t.Fatal(err)
	}
	proxy := startTCPProxy(t, u.Host)
	u.Host = proxy.addr
	return proxy, u.String()
}

// tcpProxy forwards connections from a port on 127.0.0.1 to a backend, and can cut them.
type tcpProxy struct {
	t       testing.TB
	addr    string
	backend string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

// startTCPProxy listens on 127.0.0.1 and forwards every connection to backend until the test ends.
func startTCPProxy(t testing.TB, backend string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{t: t, addr: ln.Addr().String(), backend: backend, conns: map[net.Conn]bool{}}
	p.serve(ln)
	t.Cleanup(func() {
		p.mu.Lock()
		if p.ln != nil {
			_ = p.ln.Close()
		}
		p.mu.Unlock()
		p.closeAll()
		p.wg.Wait()
	})
	return p
}

// serve accepts on ln in the background.
func (p *tcpProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", p.backend)
			if err != nil {
				_ = client.Close()
				continue
			}
			p.track(client, server)
			p.wg.Add(2)
			go p.pipe(client, server)
			go p.pipe(server, client)
		}
	}()
}

func (p *tcpProxy) track(conns ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range conns {
		p.conns[c] = true
	}
}

// pipe copies from src to dst, then closes both.
func (p *tcpProxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	_, _ = io.Copy(dst, src)
	_ = dst.Close()
	_ = src.Close()
}

func (p *tcpProxy) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		_ = c.Close()
	}
	p.conns = map[net.Conn]bool{}
}

// cut closes every open connection and refuses new ones for d, then listens on the same port again.
func (p *tcpProxy) cut(d time.Duration) {
	p.down()
	time.Sleep(d)
	p.up()
}

// down closes every open connection and refuses new ones until up.
func (p *tcpProxy) down() {
	p.mu.Lock()
	_ = p.ln.Close()
	p.ln = nil
	p.mu.Unlock()
	p.closeAll()
}

// up listens on the proxy's port again after down.
func (p *tcpProxy) up() {
	var (
		ln  net.Listener
		err error
	)
	for range 50 {
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		p.t.Errorf("listen on %s again: %v", p.addr, err)
		return
	}
	p.serve(ln)
}

// A text the provider accepted while the database became unreachable is recorded as sent once
// the database is back, within seconds. It is neither left claimed until the claim expires nor
// sent a second time.
func TestSentTextRecordedAfterDatabaseOutage(t *testing.T) {
	t.Parallel()
	proxy, target := proxiedPostgres(t)
	opts := live(faultSettings())
	opts.settings.FollowUps = []store.FollowUpStep{}
	opts.db = target
	h := newHarnessWith(t, store.Postgres, opts)
	h.fake.Fail(func(n int, _ url.Values) *twiliotest.Fault {
		if n == 1 {
			// The database goes away while the provider accepts the text back.
			proxy.down()
			time.AfterFunc(3*time.Second, proxy.up)
		}
		return nil
	})

	start := time.Now()
	h.missedCall(h.newCallSID(), caller)
	var msg store.Message
	deadline := time.Now().Add(15 * time.Second)
	for msg.Status != store.StatusSent {
		if time.Now().After(deadline) {
			t.Fatalf("text back is %q 15 s after the call, want sent", msg.Status)
		}
		time.Sleep(100 * time.Millisecond)
		msgs, err := h.store.ListRecentMessages(context.Background(), 10)
		if err == nil && len(msgs) == 1 {
			msg = msgs[0]
		}
	}
	t.Logf("text back recorded as sent %s after the call", time.Since(start).Round(time.Millisecond))
	if msg.ProviderStatus == "found" {
		t.Error("text back was recorded by a later attempt that found it at the provider, want the sending attempt")
	}
	if sent := h.waitSentTo(caller, 1); len(sent) != 1 {
		t.Errorf("caller got %d texts, want 1: %q", len(sent), bodies(sent))
	}
}
