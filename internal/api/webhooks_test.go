package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

func TestAPIWebhooks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := writeEnv(t, s)
		res := e.c.do("POST", "/api/v1/webhooks", e.a.key, map[string]any{
			"url": "https://crm.example.com/textback", "events": []string{"booking.created", "call.missed", "call.missed"},
			"description": "CRM",
		}, true)
		if res.status != http.StatusCreated {
			t.Fatalf("create = %d %s", res.status, res.body)
		}
		var created struct {
			ID     int64    `json:"id"`
			Secret string   `json:"secret"`
			Events []string `json:"events"`
		}
		res.decode(t, &created)
		if !strings.HasPrefix(created.Secret, "whsec_") || strings.Join(created.Events, ",") != "call.missed,booking.created" {
			t.Errorf("created %+v, want a secret and the events once each", created)
		}
		path := fmt.Sprintf("/api/v1/webhooks/%d", created.ID)
		for _, p := range []string{"/api/v1/webhooks", path, path + "/deliveries"} {
			res := e.c.do("GET", p, e.a.key, nil, true)
			if res.status != http.StatusOK {
				t.Errorf("GET %s = %d %s", p, res.status, res.body)
			}
			if strings.Contains(string(res.body), created.Secret) {
				t.Errorf("GET %s shows the secret", p)
			}
		}
		for _, p := range []string{path, path + "/deliveries"} {
			if res := e.c.do("GET", p, e.b.key, nil, true); res.status != http.StatusNotFound {
				t.Errorf("GET %s with the other business's key = %d, want 404", p, res.status)
			}
		}
		if res := e.c.do("DELETE", path, e.b.key, nil, true); res.status != http.StatusNotFound {
			t.Errorf("DELETE with the other business's key = %d, want 404", res.status)
		}
		for name, body := range map[string]map[string]any{
			"loopback":    {"url": "http://127.0.0.1:9000/h", "events": []string{"call.missed"}},
			"private":     {"url": "https://10.1.2.3/h", "events": []string{"call.missed"}},
			"no events":   {"url": "https://crm.example.com/h", "events": []string{}},
			"bad event":   {"url": "https://crm.example.com/h", "events": []string{"call.dropped"}},
			"bad scheme":  {"url": "ftp://crm.example.com/h", "events": []string{"call.missed"}},
			"missing url": {"events": []string{"call.missed"}},
		} {
			res := e.c.do("POST", "/api/v1/webhooks", e.a.key, body, false)
			if res.status != http.StatusUnprocessableEntity {
				t.Errorf("%s: create = %d %s, want 422", name, res.status, res.body)
			}
		}
		if res := e.c.do("DELETE", path, e.a.key, nil, true); res.status != http.StatusNoContent {
			t.Errorf("DELETE = %d %s, want 204", res.status, res.body)
		}
		if res := e.c.do("GET", path, e.a.key, nil, true); res.status != http.StatusNotFound {
			t.Errorf("GET after DELETE = %d, want 404", res.status)
		}
	})
}
