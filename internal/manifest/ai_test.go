package manifest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/store"
)

func TestParseAISection(t *testing.T) {
	data := `
ai:
  mode: auto
  model: {base_url: "http://127.0.0.1:11434/v1", name: "llama3.1:8b", timeout: 5s}
  knowledge:
    services:
      - {name: Drain cleaning, aliases: [clog], price: "$$150-$$250"}
    places: [Evanston, Skokie]
    payment: Cards and checks.
    policies:
      - {topic: cancellation, answer: Cancel 4 hours ahead.}
    faqs:
      - {question: "Are you insured?", answer: "Yes."}
`
	s, err := ParseSections("dashboard", []byte(data), acmeIdentity)
	if err != nil {
		t.Fatalf("ParseSections: %v", err)
	}
	ai := s.Settings.AI
	if ai.Mode != store.AIAuto {
		t.Errorf("mode %q", ai.Mode)
	}
	if ai.Model.BaseURL != "http://127.0.0.1:11434/v1" || ai.Model.Name != "llama3.1:8b" ||
		time.Duration(ai.Model.Timeout) != 5*time.Second {
		t.Errorf("model %+v", ai.Model)
	}
	if len(ai.Knowledge.Services) != 1 || ai.Knowledge.Services[0].Price != "$150-$250" {
		t.Errorf("services %+v", ai.Knowledge.Services)
	}
	if len(ai.Knowledge.Policies) != 1 || ai.Knowledge.Policies[0].Title != "cancellation" {
		t.Errorf("policies %+v", ai.Knowledge.Policies)
	}
	if len(ai.Knowledge.FAQs) != 1 || len(ai.Knowledge.Places) != 2 {
		t.Errorf("faqs %+v places %+v", ai.Knowledge.FAQs, ai.Knowledge.Places)
	}
}

func TestParseAISectionErrors(t *testing.T) {
	cases := map[string]string{
		"ai:\n  mode: always\n":                                                     "invalid mode",
		"ai:\n  model: {name: x}\n":                                                 "missing base_url",
		"ai:\n  model: {base_url: \"127.0.0.1:1/v1\", name: x}\n":                   "invalid model base_url",
		"ai:\n  model: {base_url: \"http://127.0.0.1/v1\", name: x, timeout: 5m}\n": "out of range",
		"ai:\n  knowledge:\n    services: [{name: A}, {name: a}]\n":                 "duplicate service",
		"ai:\n  knowledge:\n    faqs: [{question: Q}]\n":                            "missing answer",
	}
	for data, want := range cases {
		_, err := ParseSections("dashboard", []byte(data), acmeIdentity)
		var issues Errors
		if !errors.As(err, &issues) || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseSections(%q) = %v, want an error with %q", data, err, want)
		}
	}
}

func TestAIDocumentRoundTrip(t *testing.T) {
	s, err := ParseSections("dashboard", []byte("ai:\n  mode: suggest\n  knowledge:\n    payment: Cash.\n"), acmeIdentity)
	if err != nil {
		t.Fatal(err)
	}
	doc := AIDocument(s.Settings.AI)
	if doc["mode"] != "suggest" || doc["knowledge"].(map[string]any)["payment"] != "Cash." {
		t.Errorf("document %v", doc)
	}
	if _, ok := AIDocument(store.AISettings{})["mode"]; !ok {
		t.Error("document of the zero settings has no mode")
	}
}
