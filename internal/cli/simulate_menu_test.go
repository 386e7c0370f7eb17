package cli_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSimulateMenuCall(t *testing.T) {
	target, addr := startApp(t)
	server := "http://" + addr
	applied := runMain(t, nil, "apply", "-f", filepath.Join("testdata", "ivr.yaml"), "--db", target)
	if applied.code != 0 {
		t.Fatalf("apply exit code = %d, stderr %q", applied.code, applied.stderr)
	}
	// A running server reads new settings within about a second.
	time.Sleep(1500 * time.Millisecond)

	rows := []struct {
		name, from, digits string
		want               []string
	}{
		{"voicemail after the ring", "+12025550161", "2", []string{
			"hears: Thanks for calling Menu Plumbing.",
			"hears: For an emergency, press 2. For more options, press 1.",
			"presses 2",
			"rings +13125550101 for 20 s",
			"nobody answers",
			"leaves a voicemail: \"Water is coming through the ceiling.\"",
			"decision: missed: menu main: pressed 2 (emergency) → rang +13125550101: no answer within 20 s → " +
				"voicemail → left a voicemail (12 s); texted (menu main option 2)",
			"text to +12025550161 [sent]: You pressed 2 for an emergency",
			"voicemail, 12 s: https://hooks.example.com/simulated-recordings/RE",
		}},
		{"two menus", "+12025550162", "1,3", []string{
			"presses 1",
			"hears: To get our booking link by text, press 3.",
			"presses 3",
			"the menu hangs up",
			"decision: missed: menu main: pressed 1 (more) → menu more → pressed 3 (booking) → booking link promised; " +
				"texted (menu more option 3)",
			"text to +12025550162 [sent]: Here's the link to book with Menu Plumbing: https://example.com/book/menu",
		}},
		{"speech", "+12025550163", "emergency", []string{"says \"emergency\"", "rings +13125550101"}},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			r := runMain(t, nil, "simulate", "call", "--from", row.from, "--digits", row.digits,
				"--message", "Water is coming through the ceiling.", "--server", server, "--public-url", publicURL,
				"--db", target)
			if r.code != 0 {
				t.Fatalf("exit code = %d, stderr %q, stdout %q", r.code, r.stderr, r.stdout)
			}
			for _, want := range row.want {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
				}
			}
		})
	}

	listed := runMain(t, nil, "calls", "--db", target, "--json")
	type voicemail struct {
		RecordingURL    string `json:"recording_url"`
		DurationSeconds int    `json:"duration_seconds"`
		Transcript      string `json:"transcript"`
	}
	var calls []struct {
		Voicemails []voicemail `json:"voicemails"`
	}
	if err := json.Unmarshal([]byte(listed.stdout), &calls); err != nil {
		t.Fatalf("calls --json output is not JSON: %v: %q", err, listed.stdout)
	}
	var voicemails []voicemail
	for _, call := range calls {
		voicemails = append(voicemails, call.Voicemails...)
	}
	if len(voicemails) != 2 {
		t.Fatalf("%d voicemails listed, want 2: %+v", len(voicemails), calls)
	}
	if voicemails[0].Transcript != "Water is coming through the ceiling." || voicemails[0].DurationSeconds != 12 {
		t.Errorf("voicemail = %+v", voicemails[0])
	}
	table := runMain(t, nil, "calls", "--db", target)
	if !strings.Contains(table.stdout, `voicemail, 12 s: https://hooks.example.com/simulated-recordings/`) ||
		!strings.Contains(table.stdout, `"Water is coming through the ceiling."`) {
		t.Errorf("calls table lacks the voicemail:\n%s", table.stdout)
	}
}

func TestSimulateInvalidDigits(t *testing.T) {
	target, addr := startApp(t)
	r := runMain(t, nil, "simulate", "call", "--from", "+12025550164", "--digits", "1,,3", "--server", "http://"+addr,
		"--public-url", publicURL, "--db", target)
	if r.code == 0 {
		t.Fatalf("exit code = 0 for --digits 1,,3, stdout %q", r.stdout)
	}
	if !strings.Contains(r.stderr, "invalid --digits \"1,,3\": an entry is empty") {
		t.Errorf("stderr = %q, want the invalid entry named", r.stderr)
	}
}
