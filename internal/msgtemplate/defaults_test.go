package msgtemplate

import (
	"fmt"
	"strings"
	"testing"

	"github.com/textback/textback/internal/segment"
)

// sampleValues are realistic values for every field. The tests drop them one subset at a time.
var sampleValues = map[string]string{
	FieldFirstName:   "Alexandra",
	FieldBusiness:    "Acme Plumbing",
	FieldRep:         "Dana",
	FieldBookingLink: "https://example.com/book/acme",
	FieldNextOpen:    "tomorrow at 8:00 AM",
}

// optionalFields are the fields a business or caller may leave empty.
var optionalFields = []string{FieldFirstName, FieldRep, FieldBookingLink, FieldNextOpen}

// valueSubsets returns sampleValues with every subset of optionalFields removed, keyed by a description.
func valueSubsets() map[string]map[string]string {
	subsets := map[string]map[string]string{}
	for mask := range 1 << len(optionalFields) {
		values := map[string]string{FieldBusiness: sampleValues[FieldBusiness]}
		var missing []string
		for i, field := range optionalFields {
			if mask&(1<<i) != 0 {
				missing = append(missing, field)
				continue
			}
			values[field] = sampleValues[field]
		}
		subsets[fmt.Sprintf("without %v", missing)] = values
	}
	return subsets
}

func TestDefaultsRender(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		values map[string]string
		want   string
	}{
		{"text back full", DefaultTextBack, sampleValues,
			"Hi Alexandra, this is Dana at Acme Plumbing. Sorry we missed your call! How can we help? " +
				"Book online: https://example.com/book/acme"},
		{"text back bare", DefaultTextBack, map[string]string{FieldBusiness: "Acme Plumbing"},
			"Hi, this is Acme Plumbing. Sorry we missed your call! How can we help?"},
		{"after hours full", DefaultAfterHours, sampleValues,
			"Hi Alexandra, this is Dana at Acme Plumbing. Sorry we missed your call. We're closed right now and " +
				"open again tomorrow at 8:00 AM. How can we help? Book online: https://example.com/book/acme"},
		{"after hours bare", DefaultAfterHours, map[string]string{FieldBusiness: "Acme Plumbing"},
			"Hi, this is Acme Plumbing. Sorry we missed your call. We're closed right now. " +
				"How can we help?"},
		{"screen prompt", DefaultScreenPrompt, sampleValues, "Call for Acme Plumbing. Press 1 to take it."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := Parse(tt.src, AllFields())
			if err != nil {
				t.Fatalf("Parse error = %v, want nil", err)
			}
			if got := tmpl.Render(tt.values); got != tt.want {
				t.Errorf("Render = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDefaultsFitTwoSegments(t *testing.T) {
	for name, src := range map[string]string{"text back": DefaultTextBack, "after hours": DefaultAfterHours} {
		tmpl, err := Parse(src, AllFields())
		if err != nil {
			t.Fatalf("Parse(%s) error = %v, want nil", name, err)
		}
		for subset, values := range valueSubsets() {
			body := tmpl.Render(values) + " " + OptOutSuffix
			count := segment.Count(body)
			if count.Encoding != segment.GSM7 {
				t.Errorf("%s %s: encoding = %s, want GSM-7 (characters %v)", name, subset, count.Encoding, count.NonGSM)
			}
			if count.Segments > 2 {
				t.Errorf("%s %s: %d segments for %q, want at most 2", name, subset, count.Segments, body)
			}
			if strings.Contains(body, "  ") || strings.Contains(body, " .") || strings.Contains(body, " ,") {
				t.Errorf("%s %s: body %q has a stray space", name, subset, body)
			}
			if strings.Contains(body, "{") || strings.Contains(body, "[") {
				t.Errorf("%s %s: body %q has template syntax left in it", name, subset, body)
			}
		}
	}
}

func TestDefaultsAskOneQuestion(t *testing.T) {
	for name, src := range map[string]string{"text back": DefaultTextBack, "after hours": DefaultAfterHours} {
		if got := strings.Count(src, "?"); got != 1 {
			t.Errorf("%s has %d question marks, want 1", name, got)
		}
	}
}

func TestDefaultsHaveNoOptOut(t *testing.T) {
	defaults := map[string]string{
		"text back":    DefaultTextBack,
		"after hours":  DefaultAfterHours,
		"missed call":  DefaultMissedCallMessage,
		"screen":       DefaultScreenPrompt,
		"opt-out text": OptOutSuffix,
	}
	for name, text := range defaults {
		want := name == "opt-out text"
		if got := HasOptOutWording(text); got != want {
			t.Errorf("HasOptOutWording(%s) = %v, want %v", name, got, want)
		}
		if got := strings.Contains(strings.ToLower(text), "stop"); got != want {
			t.Errorf("%s mentions stop = %v, want %v", name, got, want)
		}
	}
}

func TestSpokenDefaults(t *testing.T) {
	if _, err := Parse(DefaultMissedCallMessage, nil); err != nil {
		t.Errorf("Parse(DefaultMissedCallMessage, nil) error = %v, want nil", err)
	}
	tmpl, err := Parse(DefaultScreenPrompt, []string{FieldBusiness})
	if err != nil {
		t.Fatalf("Parse(DefaultScreenPrompt, business) error = %v, want nil", err)
	}
	if got := tmpl.Fields(); len(got) != 1 || got[0] != FieldBusiness {
		t.Errorf("DefaultScreenPrompt fields = %q, want [business]", got)
	}
}

func TestTextBackFitsOneSegment(t *testing.T) {
	tmpl, err := Parse(DefaultTextBack, AllFields())
	if err != nil {
		t.Fatalf("Parse error = %v, want nil", err)
	}
	body := tmpl.Render(sampleValues) + " " + OptOutSuffix
	if got := segment.Count(body).Segments; got != 1 {
		t.Errorf("DefaultTextBack with every sample value and the opt-out suffix is %d segments, want 1: %q",
			got, body)
	}
}
