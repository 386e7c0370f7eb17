package telnyx

import (
	"encoding/json"
	"testing"

	"github.com/textback/textback/internal/provider"
)

func TestClassifyStatus(t *testing.T) {
	tests := []struct {
		name          string
		status        int
		code          string
		wantKind      provider.SendErrorKind
		wantRecipient provider.RecipientState
	}{
		{"rate limited", 429, "", provider.Retryable, provider.RecipientUnchanged},
		{"rate limited with code", 429, "40300", provider.Retryable, provider.RecipientUnchanged},
		{"server error", 500, "40300", provider.Unknown, provider.RecipientUnchanged},
		{"opted out", 400, "40300", provider.Permanent, provider.RecipientOptedOut},
		{"opted out as 422", 422, "40300", provider.Permanent, provider.RecipientOptedOut},
		{"delivery code in a request error", 400, "40006", provider.Permanent, provider.RecipientUnchanged},
		{"retryable code", 400, "40318", provider.Retryable, provider.RecipientUnchanged},
		{"unknown code", 400, "12345", provider.Permanent, provider.RecipientUnchanged},
		{"redirect", 302, "", provider.Unknown, provider.RecipientUnchanged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, recipient := classifyStatus(tt.status, tt.code)
			if kind != tt.wantKind {
				t.Errorf("classifyStatus(%d, %q) kind = %q, want %q", tt.status, tt.code, kind, tt.wantKind)
			}
			if recipient != tt.wantRecipient {
				t.Errorf("classifyStatus(%d, %q) recipient = %q, want %q", tt.status, tt.code, recipient,
					tt.wantRecipient)
			}
		})
	}
}

func TestErrorCodeValue(t *testing.T) {
	tests := []struct {
		json    string
		want    string
		wantErr bool
	}{
		{`"40300"`, "40300", false},
		{`40300`, "40300", false},
		{`null`, "", false},
		{`{}`, "", true},
		{`true`, "", true},
	}
	for _, tt := range tests {
		var got errorCodeValue
		err := json.Unmarshal([]byte(tt.json), &got)
		if (err != nil) != tt.wantErr {
			t.Errorf("decode %s: error %v, want error %v", tt.json, err, tt.wantErr)
		}
		if string(got) != tt.want {
			t.Errorf("decode %s = %q, want %q", tt.json, got, tt.want)
		}
	}
}

func TestErrorFields(t *testing.T) {
	tests := []struct {
		name        string
		body        string
		wantCode    string
		wantMessage string
	}{
		{"title and detail", `{"errors":[{"code":"10009","title":"Authentication failed","detail":"Check the key."}]}`,
			"10009", "Authentication failed: Check the key."},
		{"detail repeats title", `{"errors":[{"code":"1","title":"Same","detail":"Same"}]}`, "1", "Same"},
		{"detail only", `{"errors":[{"code":"1","detail":"Only detail"}]}`, "1", "Only detail"},
		{"first of two", `{"errors":[{"code":"1","title":"First"},{"code":"2","title":"Second"}]}`, "1", "First"},
		{"no errors", `{"errors":[]}`, "", `{"errors":[]}`},
		{"not JSON", `Bad Gateway`, "", "Bad Gateway"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, message := errorFields([]byte(tt.body))
			if code != tt.wantCode {
				t.Errorf("code = %q, want %q", code, tt.wantCode)
			}
			if message != tt.wantMessage {
				t.Errorf("message = %q, want %q", message, tt.wantMessage)
			}
		})
	}
}
