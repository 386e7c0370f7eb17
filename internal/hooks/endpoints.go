package hooks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/textback/textback/internal/store"
)

// maxDescription bounds an endpoint's description, in characters.
const maxDescription = 200

// NewEndpoint is an endpoint to register.
type NewEndpoint struct {
	BusinessID  store.BusinessID
	URL         string
	Events      []string
	Description string
}

// InvalidError is a registration that the rules reject; its message says what to change.
type InvalidError struct{ msg string }

func (e *InvalidError) Error() string { return e.msg }

// AddEndpoint checks e against policy, makes its signing secret and stores it. The returned
// endpoint carries the secret, which is not shown again by the API.
func AddEndpoint(ctx context.Context, s *store.Store, policy URLPolicy, e NewEndpoint) (store.HookEndpoint, error) {
	url := strings.TrimSpace(e.URL)
	if err := policy.Check(url); err != nil {
		return store.HookEndpoint{}, &InvalidError{err.Error()}
	}
	events, err := checkEvents(e.Events)
	if err != nil {
		return store.HookEndpoint{}, err
	}
	description := strings.TrimSpace(e.Description)
	if utf8.RuneCountInString(description) > maxDescription || strings.ContainsFunc(description, unicode.IsControl) {
		return store.HookEndpoint{}, &InvalidError{fmt.Sprintf("invalid description: use at most %d printable characters", maxDescription)}
	}
	secret, err := newSecret()
	if err != nil {
		return store.HookEndpoint{}, err
	}
	return s.InsertHookEndpoint(ctx, store.HookEndpoint{
		BusinessID: e.BusinessID, URL: url, Events: events, Secret: secret, Description: description,
	})
}

// checkEvents returns the event types without repeats, in the order of Types, or an error
// naming one that is not a type.
func checkEvents(events []string) ([]string, error) {
	if len(events) == 0 {
		return nil, &InvalidError{"missing events: list at least one of " + strings.Join(Types, ", ")}
	}
	for _, ev := range events {
		if !slices.Contains(Types, strings.TrimSpace(ev)) {
			return nil, &InvalidError{fmt.Sprintf("unknown event type %q: use %s", ev, strings.Join(Types, ", "))}
		}
	}
	out := []string{}
	for _, t := range Types {
		if slices.ContainsFunc(events, func(ev string) bool { return strings.TrimSpace(ev) == t }) {
			out = append(out, t)
		}
	}
	return out, nil
}

// newSecret returns a signing secret: "whsec_" and 64 hex digits.
func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate webhook secret: %w", err)
	}
	return "whsec_" + hex.EncodeToString(b), nil
}
