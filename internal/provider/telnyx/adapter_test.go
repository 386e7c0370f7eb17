package telnyx

import (
	"slices"
	"testing"

	"github.com/textback/textback/internal/provider"
)

func TestKind(t *testing.T) {
	if got := New(Options{}).Kind(); got != "telnyx" {
		t.Errorf("Kind() = %q, want telnyx", got)
	}
}

func TestSecrets(t *testing.T) {
	tests := []struct {
		name string
		acct provider.Account
		want []string
	}{
		{"API key", provider.Account{AuthToken: "KEY_secret", PublicKey: "cHVibGlj"}, []string{"KEY_secret"}},
		{"no API key", provider.Account{PublicKey: "cHVibGlj"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := New(Options{}).Secrets(tt.acct); !slices.Equal(got, tt.want) {
				t.Errorf("Secrets() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOptionalInterfaces(t *testing.T) {
	var adapter provider.Adapter = New(Options{})
	if _, ok := adapter.(provider.MessageFinder); ok {
		t.Errorf("the adapter implements MessageFinder, but Telnyx offers no list of sent texts to search")
	}
	if _, ok := adapter.(provider.ErrorDescriber); !ok {
		t.Errorf("the adapter does not implement ErrorDescriber")
	}
}
