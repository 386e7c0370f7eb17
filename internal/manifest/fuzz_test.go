package manifest

import (
	"os"
	"path/filepath"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"testdata/*.yaml", "testdata/*/*.yaml"} {
		paths, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, path := range paths {
			data, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("providers: &p\n  - *p\n"))
	f.Add([]byte("providers:\n  - {name: x, kind: sandbox}\nbusinesses:\n  - <<: {slug: a}\n"))
	f.Add([]byte("providers:\n  - {name: x, kind: sandbox}\nbusinesses:\n  - slug: a\n    name: A\n" +
		"    time_zone: UTC\n    numbers: [{number: \"+13125550199\", provider: x, forward_to: \"+13125550100\"}]\n" +
		"    conversation:\n      keywords: [{word: &w TOW, aliases: [*w, CALL ME]}, {word: CALL, disabled: true}]\n" +
		"      qualifying_question: {question: Q, answers: {a: &words [x, y], b: *words}}\n" +
		"    team: [{name: D, phone: \"+13125550100\"}, {name: E, email: e@example.com}]\n" +
		"    alerts: {escalate_after: 0, webhook: {url: \"http://localhost:1/x\"}}\n"))

	f.Add([]byte("providers:\n  - {name: t, kind: &k telnyx, api_key: K_1, public_key: AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=}\n" +
		"  - {name: u, kind: *k, auth_token: x}\n" +
		"  - {name: s, kind: signalwire, project_id: 00000000-0000-4000-8000-000000000001, api_token: P, " +
		"space_url: \"http://localhost:1\"}\n" +
		"businesses:\n  - slug: a\n    name: A\n    time_zone: UTC\n" +
		"    numbers: [{number: \"+13125550199\", provider: t, mode: forwarded, pbx: {token: &t tok_acme_main_line, " +
		"secret: ${PBX_SECRET}}}, {number: \"+13125550198\", provider: s, mode: forwarded, pbx: {token: *t, secret: x}}]\n"))

	f.Add([]byte("providers:\n  - {name: x, kind: sandbox}\nbusinesses:\n  - slug: a\n    name: A\n    time_zone: UTC\n" +
		"    numbers: [{number: \"+13125550199\", provider: x, forward_to: \"+13125550100\"}]\n" +
		"    follow_ups: [{after: &d 3h, template: &t \"Hi {first_name|there}. Reply STOP to opt out.\"}, " +
		"{after: 1d, template: *t}, {after: *d, template: *t}, ~, {}]\n" +
		"    quiet_hours: {start: &s \"09:00\", end: *s, instant_replies: wait}\n"))

	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("textback.yaml", data, lookupTestEnv)
		if err != nil {
			issues := issuesOf(t, err)
			if len(issues) == 0 {
				t.Fatalf("Parse returned an empty Errors")
			}
			if file != nil {
				t.Fatalf("Parse returned a File with its error")
			}
			return
		}
		if file == nil {
			t.Fatalf("Parse returned neither a File nor an error")
		}
	})
}
