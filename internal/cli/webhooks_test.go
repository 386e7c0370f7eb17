package cli_test

import (
	"strings"
	"testing"

	"github.com/textback/textback/internal/store"
)

func TestWebhooksCommands(t *testing.T) {
	target := seedDatabase(t, store.SQLite)
	code, _, stderr := run(t, "webhooks", "add", "--business", "acme", "--url", "http://127.0.0.1:9000/hook",
		"--events", "call.missed", "--db", target)
	if code != 1 || !strings.Contains(stderr, "not a public address") {
		t.Errorf("loopback url without the flag: exit %d, stderr %q; want 1 and a rejection", code, stderr)
	}
	code, stdout, stderr := run(t, "webhooks", "add", "--business", "acme", "--url", "http://127.0.0.1:9000/hook",
		"--events", "call.missed,booking.created", "--webhooks-allow-private", "--db", target)
	if code != 0 || !strings.Contains(stdout, "whsec_") {
		t.Fatalf("add: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, _ = run(t, "webhooks", "list", "--business", "acme", "--db", target)
	if code != 0 || !strings.Contains(stdout, "call.missed,booking.created") || strings.Contains(stdout, "whsec_") {
		t.Errorf("list: exit %d, stdout %q; want the events and no secret", code, stdout)
	}
	code, _, stderr = run(t, "webhooks", "add", "--business", "acme", "--url", "https://crm.example.com/h",
		"--events", "call.dropped", "--db", target)
	if code != 1 || !strings.Contains(stderr, `unknown event type "call.dropped"`) {
		t.Errorf("unknown event: exit %d, stderr %q", code, stderr)
	}
	code, stdout, _ = run(t, "webhooks", "remove", "--business", "acme", "--id", "1", "--db", target)
	if code != 0 || !strings.Contains(stdout, "removed") {
		t.Errorf("remove: exit %d, stdout %q", code, stdout)
	}
	code, _, stderr = run(t, "webhooks", "remove", "--business", "acme", "--id", "1", "--db", target)
	if code != 1 || !strings.Contains(stderr, "not found") {
		t.Errorf("second remove: exit %d, stderr %q", code, stderr)
	}
}
