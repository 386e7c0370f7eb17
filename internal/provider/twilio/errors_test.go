package twilio

import (
	"strings"
	"testing"

	"github.com/textback/textback/internal/provider"
)

func TestDescribeError(t *testing.T) {
	tests := []struct {
		code          string
		wantRecipient provider.RecipientState
		wantRetries   int
		wantAlert     bool
		wantPause     bool
	}{
		{"21610", provider.RecipientOptedOut, 0, false, false},
		{"21614", provider.RecipientCannotText, 0, false, false},
		{"21612", provider.RecipientCannotText, 0, false, false},
		{"21211", provider.RecipientInvalid, 0, false, false},
		{"20003", provider.RecipientUnchanged, 0, true, false},
		{"21606", provider.RecipientUnchanged, 0, true, false},
		{"30003", provider.RecipientUnchanged, 2, false, false},
		{"30005", provider.RecipientCannotText, 0, false, false},
		{"30006", provider.RecipientCannotText, 0, false, false},
		{"30007", provider.RecipientUnchanged, 0, true, false},
		{"30008", provider.RecipientUnchanged, 1, false, false},
		{"30034", provider.RecipientUnchanged, 0, true, true},
		{"39999", provider.RecipientUnchanged, 1, false, false},
		{"", provider.RecipientUnchanged, 1, false, false},
	}
	for _, tt := range tests {
		t.Run("code "+tt.code, func(t *testing.T) {
			got := DescribeError(tt.code)
			if got.Meaning == "" {
				t.Errorf("DescribeError(%q) has no meaning", tt.code)
			}
			if got.Recipient != tt.wantRecipient {
				t.Errorf("DescribeError(%q).Recipient = %q, want %q", tt.code, got.Recipient, tt.wantRecipient)
			}
			if got.Retries != tt.wantRetries {
				t.Errorf("DescribeError(%q).Retries = %d, want %d", tt.code, got.Retries, tt.wantRetries)
			}
			if got.AlertOperator != tt.wantAlert {
				t.Errorf("DescribeError(%q).AlertOperator = %v, want %v", tt.code, got.AlertOperator, tt.wantAlert)
			}
			if got.PauseSender != tt.wantPause {
				t.Errorf("DescribeError(%q).PauseSender = %v, want %v", tt.code, got.PauseSender, tt.wantPause)
			}
		})
	}
}

func TestDescribeErrorUnknownNamesCode(t *testing.T) {
	if got := DescribeError("39999").Meaning; !strings.Contains(got, "39999") {
		t.Errorf("meaning of an unknown code = %q, want it to name the code", got)
	}
}

func TestErrorCodesConsistent(t *testing.T) {
	for code, row := range errorCodes {
		if row.info.Meaning == "" {
			t.Errorf("error code %s has no meaning", code)
		}
		if row.info.Recipient != provider.RecipientUnchanged && row.info.Retries != 0 {
			t.Errorf("error code %s changes the recipient but allows %d retries", code, row.info.Retries)
		}
		if row.info.RetrySpacing != 0 && row.info.Retries == 0 {
			t.Errorf("error code %s spaces retries by %v but allows none", code, row.info.RetrySpacing)
		}
	}
}
