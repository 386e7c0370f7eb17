package msgtemplate

import (
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	seeds := []string{
		DefaultTextBack, DefaultAfterHours, DefaultMissedCallMessage, DefaultScreenPrompt,
		"", "{", "}", "[", "]", `\`, `\{`, "{}", "{|}", "[[]]", "[{rep}", "{rep|", "{rep|[}",
		"a [{rep}] [{first_name}] b", "Hi\n[{rep}] there", "{first_name}[{rep}].", "\xff{rep}\xfe",
	}
	for _, seed := range seeds {
		f.Add(seed, "Alexandra", "")
	}

	single, err := Parse("{first_name}", AllFields())
	if err != nil {
		f.Fatalf("Parse({first_name}) error = %v, want nil", err)
	}

	f.Fuzz(func(t *testing.T, src, first, rep string) {
		tmpl, err := Parse(src, AllFields())
		if err != nil {
			return
		}
		if tmpl.Source() != src {
			t.Fatalf("Parse(%q).Source() = %q, want the input", src, tmpl.Source())
		}
		for _, field := range tmpl.Fields() {
			if !strings.Contains(src, "{"+field) {
				t.Fatalf("Parse(%q).Fields() contains %q, which the source does not use", src, field)
			}
		}

		values := map[string]string{FieldFirstName: first, FieldRep: rep, FieldBusiness: "Acme {x} [y]"}
		tmpl.Render(values)
		tmpl.Render(nil)

		// A value is inserted whole, so a template that is one field renders as that value.
		if strings.TrimSpace(first) != "" {
			if got := single.Render(values); got != first {
				t.Fatalf("Render of {first_name} with %q = %q, want the value unchanged", first, got)
			}
		}
	})
}
