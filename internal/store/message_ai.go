package store

// AIDetails records how an AI reply or draft was made, for the owner to check and correct.
type AIDetails struct {
	// InboundID is the lead's message that triggered it, and Text that message's body.
	InboundID int64  `json:"inbound_id"`
	Text      string `json:"text"`
	Mode      AIMode `json:"mode"`
	// Readings are each classifier's intent and confidence, local first.
	Readings []AIReading `json:"readings"`
	// Intent is the intent acted on.
	Intent   string              `json:"intent"`
	Entities map[string][]string `json:"entities,omitempty"`
	// Knowledge lists the entries the reply quotes or the model cited.
	Knowledge []AIKnowledge `json:"knowledge,omitempty"`
	// Prompt is every message sent to the model and ModelAnswer its raw answer; both are empty
	// when no model was called.
	Prompt      []AIPromptMessage `json:"prompt,omitempty"`
	ModelAnswer string            `json:"model_answer,omitempty"`
	ModelError  string            `json:"model_error,omitempty"`
	// Rejected says why the model's own wording was not used.
	Rejected         string   `json:"rejected,omitempty"`
	Actions          []string `json:"actions,omitempty"`
	ElapsedMS        int64    `json:"elapsed_ms"`
	PromptTokens     int      `json:"prompt_tokens,omitempty"`
	CompletionTokens int      `json:"completion_tokens,omitempty"`
}

// AIReading is one classifier's reading of a message.
type AIReading struct {
	Classifier string  `json:"classifier"` // "local" or "model"
	Intent     string  `json:"intent"`
	Confidence float64 `json:"confidence"`
	Rule       string  `json:"rule,omitempty"`
}

// AIKnowledge is a knowledge entry as it was when used.
type AIKnowledge struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// AIPromptMessage is one chat message sent to a model.
type AIPromptMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}
