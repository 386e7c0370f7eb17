package assistant

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/textback/textback/internal/store"
)

// maxModelResponse caps how much of a model server's response is read. A classification answer
// is a few hundred bytes; anything near this size is a misbehaving server.
const maxModelResponse = 1 << 20

// maxAnswerTokens caps the model's answer. The JSON the prompt asks for fits in about 150 tokens.
const maxAnswerTokens = 300

// Model calls one OpenAI-compatible chat-completions API: POST {base_url}/chat/completions with
// the model name, the messages, temperature 0 and JSON output requested. It retries nothing,
// because a lead waiting on an answer is better served by a person than by a second attempt.
type Model struct {
	cfg      store.AIModel
	endpoint string
	client   *http.Client
}

// NewModel checks cfg and returns a Model that sends requests through client (nil means a client
// with no timeout of its own; every call still has cfg's timeout).
func NewModel(cfg store.AIModel, client *http.Client) (*Model, error) {
	endpoint, err := ChatEndpoint(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(cfg.Name) == "" {
		return nil, errors.New("model name is missing: set ai.model.name, such as llama3.1:8b")
	}
	if client == nil {
		client = &http.Client{}
	}
	return &Model{cfg: cfg, endpoint: endpoint, client: client}, nil
}

// ChatEndpoint returns the chat-completions URL under base, which must be an absolute http or
// https URL without a query or fragment.
func ChatEndpoint(base string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil {
		return "", fmt.Errorf("invalid model base_url %q: %w", base, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("invalid model base_url %q: use an http or https URL such as http://127.0.0.1:11434/v1", base)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("invalid model base_url %q: remove the query, fragment or user name; put the key "+
			"in api_key", base)
	}
	return strings.TrimRight(u.String(), "/") + "/chat/completions", nil
}

// Name returns the model's name.
func (m *Model) Name() string { return m.cfg.Name }

// ChatMessage is one message of a chat-completions request.
type ChatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Completion is a model's answer with what it cost.
type Completion struct {
	Content          string
	PromptTokens     int
	CompletionTokens int
	Elapsed          time.Duration
}

type chatRequest struct {
	Model          string         `json:"model"`
	Messages       []ChatMessage  `json:"messages"`
	Temperature    float64        `json:"temperature"`
	MaxTokens      int            `json:"max_tokens"`
	ResponseFormat map[string]any `json:"response_format"`
}

type chatResponse struct {
	Choices []struct {
		Message struct {
			Content string `json:"content"`
		} `json:"message"`
	} `json:"choices"`
	Usage struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
	Error *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// Complete sends messages and returns the first choice's content. It fails when the call takes
// longer than the configured timeout, the server answers with a status other than 200, or the
// body is not a chat-completions response with at least one choice.
func (m *Model) Complete(ctx context.Context, messages []ChatMessage) (Completion, error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, m.cfg.CallTimeout())
	defer cancel()
	body, err := json.Marshal(chatRequest{
		Model: m.cfg.Name, Messages: messages, MaxTokens: maxAnswerTokens,
		ResponseFormat: map[string]any{"type": "json_object"},
	})
	if err != nil {
		return Completion{}, fmt.Errorf("encode model request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.endpoint, bytes.NewReader(body))
	if err != nil {
		return Completion{}, fmt.Errorf("build model request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if m.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+m.cfg.APIKey)
	}
	resp, err := m.client.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return Completion{}, fmt.Errorf("call model %s: timed out after %s", m.cfg.Name, m.cfg.CallTimeout())
		}
		return Completion{}, fmt.Errorf("call model %s: %w", m.cfg.Name, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxModelResponse+1))
	if err != nil {
		return Completion{}, fmt.Errorf("read answer of model %s: %w", m.cfg.Name, err)
	}
	if len(raw) > maxModelResponse {
		return Completion{}, fmt.Errorf("read answer of model %s: larger than %d bytes", m.cfg.Name, maxModelResponse)
	}
	if resp.StatusCode != http.StatusOK {
		return Completion{}, fmt.Errorf("call model %s: status %d: %s", m.cfg.Name, resp.StatusCode, excerpt(raw))
	}
	var parsed chatResponse
	if err := json.Unmarshal(raw, &parsed); err != nil {
		return Completion{}, fmt.Errorf("read answer of model %s: not a chat-completions response: %w", m.cfg.Name, err)
	}
	if parsed.Error != nil {
		return Completion{}, fmt.Errorf("call model %s: %s", m.cfg.Name, parsed.Error.Message)
	}
	if len(parsed.Choices) == 0 {
		return Completion{}, fmt.Errorf("read answer of model %s: no choices", m.cfg.Name)
	}
	return Completion{
		Content: parsed.Choices[0].Message.Content, PromptTokens: parsed.Usage.PromptTokens,
		CompletionTokens: parsed.Usage.CompletionTokens, Elapsed: time.Since(start),
	}, nil
}

// excerpt shortens a response body for an error message.
func excerpt(b []byte) string {
	const limit = 200
	s := strings.TrimSpace(string(b))
	if len(s) > limit {
		return s[:limit] + "..."
	}
	return s
}
