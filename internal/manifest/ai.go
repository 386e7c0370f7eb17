package manifest

import (
	"strings"
	"time"

	"github.com/textback/textback/internal/assistant"
	"github.com/textback/textback/internal/store"
)

var (
	aiKeys        = []string{"mode", "model", "knowledge"}
	aiModelKeys   = []string{"base_url", "name", "api_key", "timeout"}
	knowledgeKeys = []string{"services", "service_area", "places", "insurance", "payment", "policies", "faqs"}
	serviceKeys   = []string{"name", "aliases", "price", "details"}
	policyKeys    = []string{"topic", "answer"}
	faqKeys       = []string{"question", "answer"}
)

// aiTimeoutRange is the range of ai.model.timeout: long enough for a small local model, short
// enough that a lead is not kept waiting before a person is alerted.
var aiTimeoutRange = durationRange{min: 500 * time.Millisecond, max: 60 * time.Second, text: "from 500ms to 60s"}

// ai validates the business's ai section: the mode, the model and the knowledge base.
func (c *checker) ai(business *mapping) store.AISettings {
	var settings store.AISettings
	m := c.mapping(business.values["ai"], join(business.path, "ai"), aiKeys)
	if m == nil {
		return settings
	}
	if mode, ok := c.string(m, "mode"); ok {
		switch v := store.AIMode(strings.TrimSpace(mode)); v {
		case store.AIOff:
			// The zero mode is off, so that a business without an ai section compares equal
			// to the defaults.
		case store.AISuggest, store.AIAuto:
			settings.Mode = v
		default:
			c.errorf(m.at("mode"), join(m.path, "mode"), "invalid mode %s: use off, suggest or auto", quote(mode))
		}
	}
	settings.Model = c.aiModel(m)
	settings.Knowledge = c.knowledge(m)
	return settings
}

// aiModel validates ai.model. Both base_url and name are needed; there is no default server.
func (c *checker) aiModel(parent *mapping) store.AIModel {
	var model store.AIModel
	m := c.mapping(parent.values["model"], join(parent.path, "model"), aiModelKeys)
	if m == nil || m.node == nil {
		return model
	}
	base, _ := c.required(m, "base_url", "the API's base URL, such as http://127.0.0.1:11434/v1 for Ollama")
	if base != "" {
		if _, err := assistant.ChatEndpoint(base); err != nil {
			c.errorf(m.at("base_url"), join(m.path, "base_url"), "%v", err)
		} else {
			model.BaseURL = strings.TrimSpace(base)
		}
	}
	if name, ok := c.required(m, "name", "the model to request, such as llama3.1:8b"); ok {
		model.Name = strings.TrimSpace(name)
	}
	model.APIKey, _ = c.string(m, "api_key")
	model.Timeout = store.Duration(c.duration(m, "timeout", store.DefaultAITimeout, aiTimeoutRange))
	return model
}

// knowledge validates ai.knowledge.
func (c *checker) knowledge(parent *mapping) store.Knowledge {
	var k store.Knowledge
	m := c.mapping(parent.values["knowledge"], join(parent.path, "knowledge"), knowledgeKeys)
	if m == nil {
		return k
	}
	items, _ := c.sequence(m, "services")
	seen := map[string]bool{}
	for i, item := range items {
		sm := c.mapping(item, index(join(m.path, "services"), i), serviceKeys)
		if sm == nil {
			continue
		}
		name, ok := c.required(sm, "name", "the service's name, such as Drain cleaning")
		if !ok {
			continue
		}
		key := strings.ToLower(strings.TrimSpace(name))
		if seen[key] {
			c.errorf(sm.at("name"), join(sm.path, "name"), "duplicate service %s: list each service once", quote(name))
			continue
		}
		seen[key] = true
		s := store.KnowledgeService{Name: strings.TrimSpace(name), Aliases: c.stringList(sm, "aliases")}
		s.Price, _ = c.string(sm, "price")
		s.Details, _ = c.string(sm, "details")
		k.Services = append(k.Services, s)
	}
	k.ServiceArea, _ = c.string(m, "service_area")
	k.Places = c.stringList(m, "places")
	k.Insurance, _ = c.string(m, "insurance")
	k.Payment, _ = c.string(m, "payment")
	k.Policies = c.notes(m, "policies", "topic", policyKeys)
	k.FAQs = c.notes(m, "faqs", "question", faqKeys)
	return k
}

// notes validates a list of {titleKey, answer} entries, both required.
func (c *checker) notes(parent *mapping, key, titleKey string, keys []string) []store.KnowledgeNote {
	items, _ := c.sequence(parent, key)
	var out []store.KnowledgeNote
	for i, item := range items {
		m := c.mapping(item, index(join(parent.path, key), i), keys)
		if m == nil {
			continue
		}
		title, ok1 := c.required(m, titleKey, "what the entry is about")
		answer, ok2 := c.required(m, "answer", "the text sent to a lead who asks")
		if ok1 && ok2 {
			out = append(out, store.KnowledgeNote{Title: strings.TrimSpace(title), Answer: strings.TrimSpace(answer)})
		}
	}
	return out
}

// stringList returns the values of a list of single values at key.
func (c *checker) stringList(m *mapping, key string) []string {
	items, _ := c.sequence(m, key)
	var out []string
	for i, item := range items {
		if v, ok := c.scalar(item, index(join(m.path, key), i)); ok && strings.TrimSpace(v) != "" {
			out = append(out, strings.TrimSpace(v))
		}
	}
	return out
}

// AIDocument returns the ai section as ParseSettings reads it, without the API key, which the
// caller may add, as with the alert webhook's secret.
func AIDocument(s store.AISettings) map[string]any {
	doc := map[string]any{"mode": string(orOff(s.Mode))}
	if s.Model.Configured() {
		doc["model"] = map[string]any{"base_url": s.Model.BaseURL, "name": s.Model.Name,
			"timeout": durationText(s.Model.CallTimeout())}
	}
	k := s.Knowledge
	if k.Empty() {
		return doc
	}
	kd := map[string]any{}
	if len(k.Services) > 0 {
		var services []map[string]any
		for _, sv := range k.Services {
			entry := map[string]any{"name": sv.Name}
			if len(sv.Aliases) > 0 {
				entry["aliases"] = sv.Aliases
			}
			if sv.Price != "" {
				entry["price"] = sv.Price
			}
			if sv.Details != "" {
				entry["details"] = sv.Details
			}
			services = append(services, entry)
		}
		kd["services"] = services
	}
	for key, value := range map[string]string{"service_area": k.ServiceArea, "insurance": k.Insurance, "payment": k.Payment} {
		if value != "" {
			kd[key] = value
		}
	}
	if len(k.Places) > 0 {
		kd["places"] = k.Places
	}
	if len(k.Policies) > 0 {
		kd["policies"] = notesDocument(k.Policies, "topic")
	}
	if len(k.FAQs) > 0 {
		kd["faqs"] = notesDocument(k.FAQs, "question")
	}
	doc["knowledge"] = kd
	return doc
}

func notesDocument(notes []store.KnowledgeNote, titleKey string) []map[string]any {
	out := make([]map[string]any, len(notes))
	for i, n := range notes {
		out[i] = map[string]any{titleKey: n.Title, "answer": n.Answer}
	}
	return out
}

func orOff(m store.AIMode) store.AIMode {
	if m == "" {
		return store.AIOff
	}
	return m
}
