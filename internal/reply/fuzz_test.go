package reply

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// maxFuzzBytes is the longest input that FuzzClassify checks.
const maxFuzzBytes = 2048

// FuzzClassify checks invariants of Classify, Normalize, MatchKeyword and MatchNumberedAnswer on any input. Run it
// with a short -fuzzminimizetime such as 2s, because minimising each new input for the default 60s can stall
// the run for most of its time.
func FuzzClassify(f *testing.F) {
	for _, seed := range []string{
		"STOP", " stop ", "Stop.", "STOP!!", "stop 😡", "StopAll", "STOP ALL", "Stop. Thank you", "S T O P", "st0p",
		"ＳＴＯＰ", "Please stop texting me", "Cancel my appointment", "end of the driveway, blue house", "YES",
		"yes please", "START", "UNSTOP", "help?", "help me book", "STOP 12345", "take me off your list", "1️⃣", "#1",
		"not 1", "yes but can it be 4?", "don’t text me", "\xff\xfe", "ST\xffOP", "", "   ", "cafe\u0301",
		"ΟΔΟΣ", "URGENT - basement flooding", "tow please", "urgently",
		// Replies to a question or a list of slots, as leads write them.
		"1.", "1 please", "option 1", "2!", "Two", "the 2nd one", "12", "1 or 2", "either", "1 doesn't work",
		"3pm", "3 pm tue", "tmrw 3", "Can we do Thursday?", "Y", "yep", "YES 👍", "Sure", "ok", "nope",
		"no thanks", "Not really", "note: gate code 4411", "Can you stop by at 3 tomorrow?",
		"We need to stop the leak before Friday", "Stop please", "unsubscribe", "optout", "revoke",
	} {
		f.Add(seed)
	}
	keywords := []Keyword{{Word: "URGENT", Aliases: []string{"emergency"}}, {Word: "TOW"}, {Word: "STOP"}}
	answers := []Answer{
		{Value: "yes", Words: []string{"yes", "sure"}},
		{Value: "no", Words: []string{"no", "not really"}},
	}

	f.Fuzz(func(t *testing.T, body string) {
		// Longer inputs only slow the fuzzer down, and runtime on long texts has its own tests. An SMS body
		// rarely exceeds a few concatenated segments.
		if len(body) > maxFuzzBytes {
			return
		}
		out := Classify(body, false)
		in := Classify(body, true)

		if !knownCompliance(out.Compliance) {
			t.Fatalf("Classify(%q, false).Compliance = %q, want a declared value", body, out.Compliance)
		}
		if (out.Compliance == None) != (out.Matched == "") {
			t.Fatalf("Classify(%q, false) = %+v, want Matched empty exactly when Compliance is None", body, out)
		}
		if out.Normalized != Normalize(body) {
			t.Fatalf("Classify(%q, false).Normalized = %q, want %q", body, out.Normalized, Normalize(body))
		}
		if !utf8.ValidString(out.Normalized) || !utf8.ValidString(out.Matched) {
			t.Fatalf("Classify(%q, false) = %+v, want valid UTF-8", body, out)
		}
		if out != in && !(out.Compliance == None && in.Compliance == OptIn && in.Matched == "YES") {
			t.Fatalf("Classify(%q) = %+v opted in but %+v opted out, want a difference only for YES", body, out, in)
		}
		if again := Normalize(out.Normalized); again != out.Normalized {
			t.Fatalf("Normalize(%q) = %q, want it unchanged", out.Normalized, again)
		}
		if isASCII(body) {
			if upper := Classify(strings.ToUpper(body), false); upper.Compliance != out.Compliance {
				t.Fatalf("Classify(%q) = %q but upper case gives %q", body, out.Compliance, upper.Compliance)
			}
			if padded := Classify(" \t"+body+"\n ", false); padded.Compliance != out.Compliance {
				t.Fatalf("Classify(%q) = %q but padded gives %q", body, out.Compliance, padded.Compliance)
			}
		}

		if k, ok := MatchKeyword(body, keywords); ok {
			if in.Compliance != None {
				t.Fatalf("MatchKeyword(%q) = %q for a %q message, want no match", body, k.Word, in.Compliance)
			}
			if k.Word == "STOP" {
				t.Fatalf("MatchKeyword(%q) = STOP, want compliance keywords skipped", body)
			}
		}
		if a, ok := MatchNumberedAnswer(body, answers); ok && a.Value == "" {
			t.Fatalf("MatchNumberedAnswer(%q) = %+v, want an answer from the list", body, a)
		}
	})
}

func knownCompliance(c Compliance) bool {
	switch c {
	case None, OptOut, OptIn, Help, Review:
		return true
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
