package store

import "time"

// AIMode is the level of automation of AI replies to free-text messages.
type AIMode string

const (
	// AIOff sends no AI replies; free-text messages alert the team as before. It is the default.
	AIOff AIMode = "off"
	// AISuggest drafts a reply that a person approves in the dashboard before it is sent.
	AISuggest AIMode = "suggest"
	// AIAuto sends the reply at once through the outbound path.
	AIAuto AIMode = "auto"
)

// DefaultAITimeout bounds one model call when a business sets no timeout. A lead who waits longer
// than a few seconds is better served by a person, who is alerted when the call times out.
const DefaultAITimeout = 8 * time.Second

// AISettings are a business's AI reply settings and the knowledge its answers come from.
type AISettings struct {
	Mode AIMode `json:"mode,omitempty"`
	// Model is the OpenAI-compatible chat-completions server that handles what the local
	// classifier cannot. A zero Model means the local classifier alone.
	Model     AIModel   `json:"model"`
	Knowledge Knowledge `json:"knowledge"`
}

// Enabled reports whether the business wants AI replies, drafted or sent.
func (s AISettings) Enabled() bool {
	return s.Mode == AISuggest || s.Mode == AIAuto
}

// AIModel locates a chat-completions API. There is no default server: BaseURL must be set for a
// model to be used.
type AIModel struct {
	// BaseURL is the API's base, such as http://127.0.0.1:11434/v1 for a local Ollama; the
	// client appends /chat/completions.
	BaseURL string `json:"base_url,omitempty"`
	Name    string `json:"name,omitempty"`
	APIKey  string `json:"api_key,omitempty"`
	// Timeout bounds one call; zero means DefaultAITimeout.
	Timeout Duration `json:"timeout,omitempty"`
}

// Configured reports whether a model can be called.
func (m AIModel) Configured() bool { return m.BaseURL != "" && m.Name != "" }

// CallTimeout returns Timeout, or DefaultAITimeout when it is zero.
func (m AIModel) CallTimeout() time.Duration {
	if m.Timeout <= 0 {
		return DefaultAITimeout
	}
	return time.Duration(m.Timeout)
}

// Knowledge is what a business has written about itself for AI answers. Opening hours come from
// the business's hours, not from here.
type Knowledge struct {
	Services []KnowledgeService `json:"services,omitempty"`
	// ServiceArea describes where the business works, and Places lists towns or ZIP codes in it.
	ServiceArea string          `json:"service_area,omitempty"`
	Places      []string        `json:"places,omitempty"`
	Insurance   string          `json:"insurance,omitempty"`
	Payment     string          `json:"payment,omitempty"`
	Policies    []KnowledgeNote `json:"policies,omitempty"`
	FAQs        []KnowledgeNote `json:"faqs,omitempty"`
}

// KnowledgeService is one service the business offers. Price is free text such as "$150-$250"
// or "from $89", quoted to leads exactly as written.
type KnowledgeService struct {
	Name    string   `json:"name"`
	Aliases []string `json:"aliases,omitempty"`
	Price   string   `json:"price,omitempty"`
	Details string   `json:"details,omitempty"`
}

// KnowledgeNote is a policy (Title is its topic, such as "cancellation") or a question the
// business answers often (Title is the question).
type KnowledgeNote struct {
	Title  string `json:"title"`
	Answer string `json:"answer"`
}

// Empty reports whether k holds nothing.
func (k Knowledge) Empty() bool {
	return len(k.Services) == 0 && k.ServiceArea == "" && len(k.Places) == 0 && k.Insurance == "" &&
		k.Payment == "" && len(k.Policies) == 0 && len(k.FAQs) == 0
}
