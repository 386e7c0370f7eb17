package manifest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// parseFixture parses a file under testdata with its base name as the file name in issues.
func parseFixture(t *testing.T, path string) (*File, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", path))
	if err != nil {
		t.Fatal(err)
	}
	return Parse(filepath.Base(path), data, lookupTestEnv)
}

// issuesOf returns the issues of a Parse error, failing the test when err is not Errors.
func issuesOf(t *testing.T, err error) Errors {
	t.Helper()
	var issues Errors
	if !errors.As(err, &issues) {
		t.Fatalf("error = %v (%T), want Errors", err, err)
	}
	return issues
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		file     string
		position string // line:column, or line alone when the YAML parser gives no column
		path     string
		phrase   string
	}{
		{"unknown-key", "16:9", "businesses[0].numbers[0].ring_second",
			`unknown key "ring_second": allowed keys are number, provider, mode, forward_to, ring_seconds`},
		{"unknown-top-key", "1:1", "version", `unknown key "version": allowed keys are providers, businesses`},
		{"duplicate-key", "4:5", "providers[0].kind", `duplicate key "kind", first set at line 3`},
		{"bad-zone", "9:16", "businesses[0].time_zone", `unknown time_zone "America/Chicag"`},
		{"local-zone", "9:16", "businesses[0].time_zone", "depends on the server's settings"},
		{"missing-zone", "7:5", "businesses[0].time_zone", "missing time_zone"},
		{"bad-number", "13:17", "businesses[0].numbers[0].number", `invalid phone number "+1312555019"`},
		{"number-extension", "13:17", "businesses[0].numbers[0].number", "has the extension 12"},
		{"unknown-provider", "14:19", "businesses[0].numbers[0].provider",
			`unknown provider "twilio-mian": declare it under providers, or use one of twilio-main`},
		{"missing-env", "5:17", "providers[0].auth_token", "environment variable TWILIO_TOKEN is not set"},
		{"bad-env-name", "5:17", "providers[0].auth_token", `invalid environment variable name "TWILIO-TOKEN"`},
		{"unclosed-env", "5:17", "providers[0].auth_token", "unclosed ${"},
		{"duplicate-slug", "16:11", "businesses[1].slug", `duplicate slug "acme-plumbing", first used at line 7`},
		{"duplicate-number", "22:17", "businesses[1].numbers[0].number",
			"duplicate number +13125550199, first listed at line 13"},
		{"duplicate-provider", "6:11", "providers[1].name",
			`duplicate provider name "twilio-main", first declared at line 2`},
		{"bad-window", "17:15", "businesses[0].text_back.window", `invalid window "24 hours"`},
		{"window-too-long", "17:15", "businesses[0].text_back.window", `window "31d" is out of range`},
		{"window-too-short", "17:15", "businesses[0].text_back.window", `window "30s" is out of range`},
		{"bad-hours", "11:12", "businesses[0].hours.mon", `invalid time "8"`},
		{"hours-overlap", "11:12", "businesses[0].hours.mon", "must not overlap"},
		{"unknown-day", "11:7", "businesses[0].hours.funday", `unknown day "funday"`},
		{"duplicate-day", "12:7", "businesses[0].hours.monday", "Monday is set twice, first at line 11"},
		{"bad-template-field", "17:17", "businesses[0].text_back.template",
			`unknown template field "frist_name" at character 4: use one of first_name, business`},
		{"template-syntax", "17:29", "businesses[0].text_back.after_hours_template", "unclosed [ at character 3"},
		{"empty-template", "17:17", "businesses[0].text_back.template", "template is empty"},
		{"screen-prompt-field", "17:22", "businesses[0].text_back.screen_prompt",
			`unknown template field "rep" at character 10: use one of business`},
		{"missed-call-field", "17:28", "businesses[0].text_back.missed_call_message",
			`unknown template field "first_name"`},
		{"enabled-not-bool", "17:16", "businesses[0].text_back.enabled", `invalid value "yes": use true or false`},
		{"empty-auth-token", "5:17", "providers[0].auth_token",
			"auth_token is empty, so the provider's webhooks could not be verified"},
		{"missing-auth-token", "2:5", "providers[0].auth_token", "missing auth_token"},
		{"auth-token-characters", "5:17", "providers[0].auth_token", "must contain only letters and digits"},
		{"bad-account-sid", "4:18", "providers[0].account_sid", `invalid account_sid "AC123"`},
		{"bad-kind", "3:11", "providers[0].kind", `unknown kind "plivo": use twilio or sandbox`},
		{"bad-provider-name", "2:11", "providers[0].name", `invalid name "Twilio_Main"`},
		{"api-base-url-query", "6:19", "providers[0].api_base_url", "remove the query"},
		{"api-base-url-relative", "6:19", "providers[0].api_base_url", "expected an absolute http or https URL"},
		{"bad-slug", "7:11", "businesses[0].slug", `invalid slug "Acme Plumbing"`},
		{"missing-name", "7:5", "businesses[0].name", "missing name"},
		{"bad-region", "10:13", "businesses[0].region", `invalid region "USA"`},
		{"bad-booking-url", "10:18", "businesses[0].booking_url", `invalid booking_url "example.com/book"`},
		{"forwarded-with-forward-to", "16:21", "businesses[0].numbers[0].forward_to",
			"forward_to is not allowed in forwarded mode"},
		{"forwarded-with-ring", "16:23", "businesses[0].numbers[0].ring_seconds",
			"ring_seconds is not allowed in forwarded mode"},
		{"ring-too-short", "16:23", "businesses[0].numbers[0].ring_seconds",
			`invalid ring_seconds "3": use a whole number of seconds from 5 to 60`},
		{"ring-not-number", "16:23", "businesses[0].numbers[0].ring_seconds", `invalid ring_seconds "18s"`},
		{"missing-forward-to", "13:9", "businesses[0].numbers[0].forward_to", "missing forward_to"},
		{"forward-to-self", "15:21", "businesses[0].numbers[0].forward_to", "is the number itself"},
		{"forward-to-loop", "24:21", "businesses[1].numbers[0].forward_to",
			"forward_to +13125550199 is a textback number listed at line 13"},
		{"bad-mode", "15:15", "businesses[0].numbers[0].mode", `unknown mode "voicemail"`},
		{"bad-answer-check", "16:23", "businesses[0].numbers[0].answer_check", `unknown answer_check "human"`},
		{"numbers-not-list", "12:14", "businesses[0].numbers", "expected a list"},
		{"no-numbers", "12:14", "businesses[0].numbers", "no numbers"},
		{"no-businesses", "6:13", "businesses", "no businesses"},
		{"yaml-syntax", "3", "", "invalid YAML: did not find expected '-' indicator"},
		{"yaml-tab", "3", "", "invalid YAML: found a tab character"},
		{"second-document", "16:1", "", "a second YAML document starts here"},
		{"empty-file", "1:1", "", "the file is empty"},
		{"not-a-mapping", "1:1", "", "expected a mapping of keys such as providers, businesses, found a list"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			name := tt.file + ".yaml"
			f, err := parseFixture(t, filepath.Join("invalid", name))
			if err == nil {
				t.Fatalf("Parse(%s) = %+v, want an error", name, f)
			}
			if f != nil {
				t.Errorf("Parse(%s) returned a File with its error, want nil", name)
			}
			issues := issuesOf(t, err)
			if len(issues) != 1 {
				t.Fatalf("Parse(%s) gave %d issues, want 1:\n%v", name, len(issues), err)
			}
			issue := issues[0]
			if issue.File != name {
				t.Errorf("File = %q, want %q", issue.File, name)
			}
			position := fmt.Sprintf("%d:%d", issue.Line, issue.Column)
			if issue.Column == 0 {
				position = fmt.Sprint(issue.Line)
			}
			if position != tt.position {
				t.Errorf("position = %s, want %s (%v)", position, tt.position, issue)
			}
			if issue.Path != tt.path {
				t.Errorf("Path = %q, want %q", issue.Path, tt.path)
			}
			if !strings.Contains(issue.Message, tt.phrase) {
				t.Errorf("Message = %q, want it to contain %q", issue.Message, tt.phrase)
			}
			prefix := name + ":" + tt.position + ": "
			if tt.path != "" {
				prefix += tt.path + ": "
			}
			if !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("Error() = %q, want it to start with %q", err, prefix)
			}
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	_, err := parseFixture(t, "many-problems.yaml")
	issues := issuesOf(t, err)
	want := []struct {
		position string
		path     string
		phrase   string
	}{
		{"4:18", "providers[0].account_sid", "invalid account_sid"},
		{"5:17", "providers[0].auth_token", "auth_token is empty"},
		{"9:16", "businesses[0].time_zone", "unknown time_zone"},
		{"10:5", "businesses[0].colour", `unknown key "colour"`},
		{"13:12", "businesses[0].hours.tue", "the end must be after the start"},
		{"16:19", "businesses[0].numbers[0].provider", "unknown provider"},
		{"18:23", "businesses[0].numbers[0].ring_seconds", "invalid ring_seconds"},
		{"20:15", "businesses[0].text_back.window", "invalid window"},
		{"21:17", "businesses[0].text_back.template", "unknown template field"},
	}
	if len(issues) != len(want) {
		t.Fatalf("got %d issues, want %d:\n%v", len(issues), len(want), err)
	}
	for i, w := range want {
		issue := issues[i]
		if got := fmt.Sprintf("%d:%d", issue.Line, issue.Column); got != w.position {
			t.Errorf("issue %d position = %s, want %s", i, got, w.position)
		}
		if issue.Path != w.path {
			t.Errorf("issue %d path = %q, want %q", i, issue.Path, w.path)
		}
		if !strings.Contains(issue.Message, w.phrase) {
			t.Errorf("issue %d message = %q, want it to contain %q", i, issue.Message, w.phrase)
		}
	}
	if got := strings.Count(err.Error(), "\n") + 1; got != len(want) {
		t.Errorf("Error() has %d lines, want one per issue", got)
	}
}

func TestIssueError(t *testing.T) {
	tests := []struct {
		name  string
		issue Issue
		want  string
	}{
		{"full", Issue{File: "textback.yaml", Line: 23, Column: 7, Path: "businesses[0].numbers[0].forward_to",
			Message: "missing forward_to"},
			"textback.yaml:23:7: businesses[0].numbers[0].forward_to: missing forward_to"},
		{"no column", Issue{File: "textback.yaml", Line: 3, Message: "invalid YAML"}, "textback.yaml:3: invalid YAML"},
		{"no position", Issue{File: "textback.yaml", Message: "empty"}, "textback.yaml: empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.issue.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}

	errs := Errors{tests[0].issue, tests[1].issue}
	if got, want := errs.Error(), tests[0].want+"\n"+tests[1].want; got != want {
		t.Errorf("Errors.Error() = %q, want %q", got, want)
	}
}

func TestExpand(t *testing.T) {
	env := func(name string) (string, bool) {
		value, ok := map[string]string{"A": "1", "EMPTY": "", "B_2": "x$y"}[name]
		return value, ok
	}
	tests := []struct {
		in, want string
	}{
		{"plain", "plain"},
		{"${A}", "1"},
		{"pre${A}post", "pre1post"},
		{"${A}${B_2}", "1x$y"},
		{"${EMPTY}", ""},
		{"$$", "$"},
		{"$${A}", "${A}"},
		{"$$$${A}", "$${A}"},
		{"$20", "$20"},
		{"cost $", "cost $"},
		{"$A", "$A"},
	}
	for _, tt := range tests {
		got, err := expand(tt.in, env)
		if err != nil {
			t.Errorf("expand(%q) error = %v, want nil", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("expand(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, in := range []string{"${MISSING}", "${", "${A", "${}", "${1A}", "${A-B}"} {
		if got, err := expand(in, env); err == nil {
			t.Errorf("expand(%q) = %q, want an error", in, got)
		}
	}
}

func readFixture(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", path))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestSyntaxErrorLine(t *testing.T) {
	tests := []struct {
		name string
		src  string
		line int
	}{
		{"indentation", "providers:\n  - name: a\n   kind: twilio\n", 3},
		{"tab", "providers:\n\t- name: a\n", 2},
		{"after multi-line string", "a: \"multi\n  line\"\nb: c: d\n", 3},
		{"unclosed flow list", "a: b\nc: [1, 2\nd: e\n", 2},
		{"unclosed quote", "a: 'x\n", 1},
		{"list after mapping", "key: value\n- item\n", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("textback.yaml", []byte(tt.src), lookupTestEnv)
			issues := issuesOf(t, err)
			if len(issues) != 1 {
				t.Fatalf("got %d issues, want 1: %v", len(issues), err)
			}
			if issues[0].Line != tt.line {
				t.Errorf("Line = %d, want %d (%v)", issues[0].Line, tt.line, issues[0])
			}
			if !strings.HasPrefix(issues[0].Message, "invalid YAML: ") {
				t.Errorf("Message = %q, want it to start with %q", issues[0].Message, "invalid YAML: ")
			}
		})
	}
}
