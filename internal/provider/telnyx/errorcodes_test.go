package telnyx

import (
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider"
)

func TestDescribeError(t *testing.T) {
	tests := []struct {
		code          string
		wantRecipient provider.RecipientState
		wantRetries   int
		wantSpacing   time.Duration
		wantAlert     bool
		wantPause     bool
	}{
		{"10005", provider.RecipientUnchanged, 0, 0, true, false},
		{"10009", provider.RecipientUnchanged, 0, 0, true, false},
		{"10010", provider.RecipientUnchanged, 0, 0, true, false},
		{"10011", provider.RecipientUnchanged, 1, 0, false, false},
		{"40001", provider.RecipientCannotText, 0, 0, false, false},
		{"40002", provider.RecipientUnchanged, 0, 0, true, false},
		{"40003", provider.RecipientUnchanged, 0, 0, true, true},
		{"40004", provider.RecipientUnchanged, 1, 0, false, false},
		{"40005", provider.RecipientUnchanged, 1, 0, false, false},
		{"40006", provider.RecipientUnchanged, 2, 30 * time.Minute, false, false},
		{"40008", provider.RecipientUnchanged, 1, 0, false, false},
		{"40010", provider.RecipientUnchanged, 0, 0, true, true},
		{"40012", provider.RecipientInvalid, 0, 0, false, false},
		{"40013", provider.RecipientUnchanged, 0, 0, true, true},
		{"40015", provider.RecipientUnchanged, 0, 0, true, false},
		{"40100", provider.RecipientUnchanged, 0, 0, true, true},
		{"40300", provider.RecipientOptedOut, 0, 0, false, false},
		{"40305", provider.RecipientUnchanged, 0, 0, true, false},
		{"40309", provider.RecipientUnchanged, 0, 0, true, false},
		{"40310", provider.RecipientInvalid, 0, 0, false, false},
		{"40318", provider.RecipientUnchanged, 1, 0, false, false},
		{"40329", provider.RecipientUnchanged, 0, 0, true, true},
		{"40333", provider.RecipientUnchanged, 0, 0, true, true},
		{"49999", provider.RecipientUnchanged, 1, 0, false, false},
		{"", provider.RecipientUnchanged, 1, 0, false, false},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.code] = true
		t.Run("code "+tt.code, func(t *testing.T) {
			got := New(Options{}).DescribeError(tt.code)
			if got.Meaning == "" {
				t.Errorf("DescribeError(%q) has no meaning", tt.code)
			}
			if got.Recipient != tt.wantRecipient {
				t.Errorf("DescribeError(%q).Recipient = %q, want %q", tt.code, got.Recipient, tt.wantRecipient)
			}
			if got.Retries != tt.wantRetries {
				t.Errorf("DescribeError(%q).Retries = %d, want %d", tt.code, got.Retries, tt.wantRetries)
			}
			if got.RetrySpacing != tt.wantSpacing {
				t.Errorf("DescribeError(%q).RetrySpacing = %v, want %v", tt.code, got.RetrySpacing, tt.wantSpacing)
			}
			if got.AlertOperator != tt.wantAlert {
				t.Errorf("DescribeError(%q).AlertOperator = %v, want %v", tt.code, got.AlertOperator, tt.wantAlert)
			}
			if got.PauseSender != tt.wantPause {
				t.Errorf("DescribeError(%q).PauseSender = %v, want %v", tt.code, got.PauseSender, tt.wantPause)
			}
		})
	}
	for code := range errorCodes {
		if !covered[code] {
			t.Errorf("error code %s has no test row", code)
		}
	}
}

func TestDescribeErrorUnknownNamesCode(t *testing.T) {
	if got := DescribeError("49999").Meaning; !strings.Contains(got, "49999") {
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
		if row.info.PauseSender && !row.info.AlertOperator {
			t.Errorf("error code %s pauses the sender without alerting the operator", code)
		}
	}
}
