package msgtemplate

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseFields(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		fields []string
	}{
		{"plain text", "Sorry we missed your call.", nil},
		{"empty", "", nil},
		{"one field", "Hi {first_name}", []string{"first_name"}},
		{"fallback", "Hi {first_name|there}", []string{"first_name"}},
		{"empty fallback", "Hi{first_name|}", []string{"first_name"}},
		{"section", "Hi[ {first_name}]!", []string{"first_name"}},
		{"order of first use", "{rep} {business} {rep}[ {booking_link}]", []string{"rep", "business", "booking_link"}},
		{"escapes", `\{business\} \[x\] \\`, nil},
		{"escapes in fallback", `{rep|\{a\}\[b\]\\}`, []string{"rep"}},
		{"pipe in fallback", "{rep|a|b}", []string{"rep"}},
		{"empty section", "a[]b", nil},
		{"non-ascii text", "¡Hola {first_name}! 👋", []string{"first_name"}},
		{"invalid utf8 text", "a\xffb {rep}", []string{"rep"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := Parse(tt.src, AllFields())
			if err != nil {
				t.Fatalf("Parse(%q) error = %v, want nil", tt.src, err)
			}
			if got := tmpl.Fields(); !slices.Equal(got, tt.fields) {
				t.Errorf("Parse(%q).Fields() = %q, want %q", tt.src, got, tt.fields)
			}
			if got := tmpl.Source(); got != tt.src {
				t.Errorf("Parse(%q).Source() = %q, want the input", tt.src, got)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		allowed []string
		target  error
		phrase  string
	}{
		{"unknown field", "Hi {frist_name}", AllFields(), ErrUnknownField,
			`"frist_name" at character 4: use one of first_name, business, rep, booking_link, next_open`},
		{"unknown field after text", "Hé {x}", []string{"business"}, ErrUnknownField,
			`"x" at character 4: use one of business`},
		{"no fields allowed", "{business}", nil, ErrUnknownField, "this template takes no fields"},
		{"field in section unknown", "a[ {nope}]", AllFields(), ErrUnknownField, `"nope" at character 4`},
		{"empty field", "Hi {}", AllFields(), ErrSyntax, "empty field name at character 4"},
		{"empty field with fallback", "Hi {|there}", AllFields(), ErrSyntax, "empty field name at character 4"},
		{"upper-case field", "{Business}", AllFields(), ErrSyntax, "invalid character 'B' in the field at character 1"},
		{"space in field", "{ business }", AllFields(), ErrSyntax, "invalid character ' ' in the field at character 1"},
		{"digit in field", "{rep2}", AllFields(), ErrSyntax, "invalid character '2'"},
		{"unclosed field", "Hi {business", AllFields(), ErrSyntax, "unclosed { at character 4"},
		{"unclosed fallback", "Hi {rep|Dana", AllFields(), ErrSyntax, "unclosed { at character 4"},
		{"nested brace", "{rep{business}}", AllFields(), ErrSyntax,
			"invalid character '{' in the field at character 1"},
		{"brace in fallback", "{rep|{business}}", AllFields(), ErrSyntax,
			"unescaped { at character 6 in the fallback of the field at character 1"},
		{"bracket in fallback", "{rep|[x]}", AllFields(), ErrSyntax, "unescaped [ at character 6"},
		{"unmatched close brace", "Hi }", AllFields(), ErrSyntax, "unmatched } at character 4"},
		{"unclosed section", "Hi [{rep} there", AllFields(), ErrSyntax, "unclosed [ at character 4"},
		{"unmatched close bracket", "Hi ]", AllFields(), ErrSyntax, "unmatched ] at character 4"},
		{"nested section", "[a [b] c]", AllFields(), ErrSyntax,
			"nested [ at character 4 inside the section opened at character 1"},
		{"unknown escape", `a\nb`, AllFields(), ErrSyntax, `unknown escape \n at character 2`},
		{"trailing backslash", `a\`, AllFields(), ErrSyntax, "unfinished escape at character 2"},
		{"position counts runes", "ñññ}", AllFields(), ErrSyntax, "unmatched } at character 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := Parse(tt.src, tt.allowed)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want an error", tt.src, tmpl)
			}
			if !errors.Is(err, tt.target) {
				t.Errorf("Parse(%q) error = %v, want it to wrap %v", tt.src, err, tt.target)
			}
			if !strings.Contains(err.Error(), tt.phrase) {
				t.Errorf("Parse(%q) error = %q, want it to contain %q", tt.src, err, tt.phrase)
			}
		})
	}
}

func TestFieldsIsCopy(t *testing.T) {
	tmpl, err := Parse("{rep} {business}", AllFields())
	if err != nil {
		t.Fatalf("Parse error = %v, want nil", err)
	}
	tmpl.Fields()[0] = "changed"
	if got := tmpl.Fields()[0]; got != FieldRep {
		t.Errorf("Fields()[0] after changing a returned slice = %q, want %q", got, FieldRep)
	}
}
