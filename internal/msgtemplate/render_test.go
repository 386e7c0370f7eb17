package msgtemplate

import "testing"

func TestRender(t *testing.T) {
	full := map[string]string{
		FieldFirstName:   "Alexandra",
		FieldBusiness:    "Acme Plumbing",
		FieldRep:         "Dana",
		FieldBookingLink: "https://example.com/book/acme",
	}
	tests := []struct {
		name   string
		src    string
		values map[string]string
		want   string
	}{
		{"plain", "Hello.", nil, "Hello."},
		{"field", "Hi {first_name}.", full, "Hi Alexandra."},
		{"missing value", "Hi {first_name}.", nil, "Hi."},
		{"fallback used", "Hi {first_name|there}.", nil, "Hi there."},
		{"fallback unused", "Hi {first_name|there}.", full, "Hi Alexandra."},
		{"whitespace value is empty", "Hi {first_name|there}.", map[string]string{FieldFirstName: "  "}, "Hi there."},
		{"section kept", "Hi[ {first_name}], welcome", full, "Hi Alexandra, welcome"},
		{"section dropped", "Hi[ {first_name}], welcome", nil, "Hi, welcome"},
		{"section with fallback kept", "Hi[ {first_name|there}]!", nil, "Hi there!"},
		{"section without fields kept", "a[ b] c", nil, "a b c"},
		{"one empty field drops section", "[{rep} at ]{business}", map[string]string{FieldBusiness: "Acme"}, "Acme"},
		{"section with two fields", "x[ {rep} and {first_name}] y", map[string]string{FieldRep: "Dana"}, "x y"},
		{"collapse spaces", "Call us. [Book at {booking_link}.] Thanks", nil, "Call us. Thanks"},
		{"space before full stop", "We open [{next_open}].", nil, "We open."},
		{"space before comma", "Hi [{first_name}], ok", nil, "Hi, ok"},
		{"space before question mark", "Ready [{first_name}]?", nil, "Ready?"},
		{"space before exclamation", "Thanks [{first_name}] !", nil, "Thanks!"},
		{"gap at start", "[{first_name}, ]  hello", nil, "hello"},
		{"gap at end", "Bye [{rep}]", nil, "Bye"},
		{"gap at end with spaces", "Bye [{rep}]  ", nil, "Bye"},
		{"gap at line start", "Hi\n[{rep}] there", nil, "Hi\nthere"},
		{"gap at line end", "Hi [{rep}]\nthere", nil, "Hi\nthere"},
		{"adjacent gaps", "a [{rep}] [{first_name}] b", nil, "a b"},
		{"empty field mid text", "a {rep} b", nil, "a b"},
		{"empty fallback", "a {rep|} b", nil, "a b"},
		{"no gap keeps double space", "a  b {rep}", full, "a  b Dana"},
		{"value with braces stays", "Hi {first_name}", map[string]string{FieldFirstName: "{Bob} [x] \\"},
			"Hi {Bob} [x] \\"},
		{"value spaces kept", "Hi [{rep}] {first_name}", map[string]string{FieldFirstName: "  Al  "}, "Hi   Al  "},
		{"value space before punctuation", "{first_name}[{rep}].", map[string]string{FieldFirstName: "Al "}, "Al ."},
		{"value leading space after gap", "Hi [{rep}]{first_name}", map[string]string{FieldFirstName: " Al"}, "Hi Al"},
		{"value invalid utf8 kept", "{first_name}", map[string]string{FieldFirstName: "a\xffb"}, "a\xffb"},
		{"escapes rendered", `\{business\} \[x\] \\`, full, `{business} [x] \`},
		{"fallback escapes", `{rep|\{none\}}`, nil, "{none}"},
		{"pipe in fallback", "{rep|a|b}", nil, "a|b"},
		{"unused extra values", "Hi", map[string]string{"other": "x"}, "Hi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := Parse(tt.src, AllFields())
			if err != nil {
				t.Fatalf("Parse(%q) error = %v, want nil", tt.src, err)
			}
			if got := tmpl.Render(tt.values); got != tt.want {
				t.Errorf("Parse(%q).Render(%q) = %q, want %q", tt.src, tt.values, got, tt.want)
			}
		})
	}
}
