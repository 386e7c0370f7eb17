package reply

import (
	"strings"
	"testing"
)

// answerCase is one row of the MatchAnswer tables. want is the Value of the selected answer, or empty.
type answerCase struct {
	name string
	body string
	want string
}

func runAnswerCases(
	t *testing.T, match func(string, []Answer) (Answer, bool), answers []Answer, tests []answerCase,
) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := match(tt.body, answers)
			if ok != (tt.want != "") {
				t.Errorf("match(%q) ok = %v, want %v", tt.body, ok, tt.want != "")
			}
			if got.Value != tt.want {
				t.Errorf("match(%q) = %q, want %q", tt.body, got.Value, tt.want)
			}
		})
	}
}

func TestMatchAnswerYesNo(t *testing.T) {
	answers := []Answer{
		{Value: "yes", Words: []string{"yes", "y", "yep", "yeah", "sure", "ok", "okay"}},
		{Value: "no", Words: []string{"no", "n", "nope", "not really"}},
	}
	runAnswerCases(t, MatchAnswer, answers, []answerCase{
		{"yes", "Yes", "yes"},
		{"yes exclaim", "yes!", "yes"},
		{"y", "Y", "yes"},
		{"y exclaim", "Y!", "yes"},
		{"yep", "yep", "yes"},
		{"yes full stop", "Yes.", "yes"},
		{"yes please", "yes please", "yes"},
		{"yes thumbs up", "YES 👍", "yes"},
		{"sure", "Sure", "yes"},
		{"ok", "ok", "yes"},
		{"smart quotes", "“yes”", "yes"},
		{"yes in short reply", "yes that works for me", "yes"},
		{"no", "No", "no"},
		{"nope", "nope", "no"},
		{"no thanks", "no thanks", "no"},
		{"not really", "Not really", "no"},
		{"not really in reply", "not really, sorry", "no"},
		{"note is not no", "note: gate code 4411", ""},
		{"yesterday is not yes", "yesterday", ""},
		{"nothing is not no", "nothing", ""},
		{"yes but", "Yes but can it be 4?", ""},
		{"yes if", "yes if it is before noon", ""},
		{"maybe yes", "maybe yes", ""},
		{"yes or no", "yes or no", ""},
		{"both", "yes no", ""},
		{"sure not really", "sure, not really", ""},
		{"cant wait", "yes can't wait", ""},
		{"long reply", "yes I think that time should work for us", ""},
		{"seven words", "ok we will be home all day", ""},
		{"six words", "ok we will be home then", "yes"},
		{"empty", "", ""},
		{"emoji only", "👍", ""},
		{"invalid utf-8", "\xffyes\xfe", "yes"},
		{"very long", strings.Repeat("yes ", 10000), ""},
	})
}

func TestMatchAnswerWords(t *testing.T) {
	answers := []Answer{
		{Value: "morning", Words: []string{"morning", "am"}},
		{Value: "tomorrow morning", Words: []string{"tomorrow morning"}},
		{Value: "afternoon", Words: []string{"afternoon", "pm", "after lunch"}},
		{Value: "café", Words: []string{"Café"}},
		{Value: "emoji", Words: []string{"🚨", ""}},
	}
	runAnswerCases(t, MatchAnswer, answers, []answerCase{
		{"exact", "morning", "morning"},
		{"upper", "MORNING", "morning"},
		{"contained", "morning please", "morning"},
		{"longer match wins", "tomorrow morning please", "tomorrow morning"},
		{"longer exact", "Tomorrow morning!", "tomorrow morning"},
		{"phrase", "after lunch is best", "afternoon"},
		{"not inside word", "mornings are hard", ""},
		{"two answers", "morning or afternoon", ""},
		{"two answers without qualifier", "morning afternoon", ""},
		{"decomposed accent", "cafe\u0301", "café"},
		{"emoji word never matches", "🚨", ""},
		{"no words", "", ""},
	})
}

func TestMatchAnswerExactWinsOverContained(t *testing.T) {
	answers := []Answer{
		{Value: "plain", Words: []string{"yes"}},
		{Value: "polite", Words: []string{"yes please"}},
	}
	runAnswerCases(t, MatchAnswer, answers, []answerCase{
		{"exact polite", "Yes please!", "polite"},
		{"exact plain", "yes", "plain"},
		{"contained both", "yes please now", "polite"},
	})
}

func TestMatchAnswerAmbiguousExact(t *testing.T) {
	answers := []Answer{{Value: "a", Words: []string{"ok"}}, {Value: "b", Words: []string{"OK!"}}}
	runAnswerCases(t, MatchAnswer, answers, []answerCase{
		{"same word twice", "ok", ""},
		{"same word contained", "ok thanks", ""},
	})
}

func TestMatchAnswerNumbers(t *testing.T) {
	answers := []Answer{
		{Value: "tue 3pm", Words: []string{"tuesday"}},
		{Value: "wed 9am", Words: []string{"wednesday"}},
	}
	runAnswerCases(t, MatchNumberedAnswer, answers, []answerCase{
		{"digit", "1", "tue 3pm"},
		{"padded", " 1 ", "tue 3pm"},
		{"full stop", "1.", "tue 3pm"},
		{"hash", "#1", "tue 3pm"},
		{"keycap", "1️⃣", "tue 3pm"},
		{"option", "option 1", "tue 3pm"},
		{"please", "1 please", "tue 3pm"},
		{"second", "2!", "wed 9am"},
		{"word", "Wednesday works", "wed 9am"},
		{"twelve", "12", ""},
		{"either", "1 or 2", ""},
		{"both digits", "1 2", ""},
		{"not one", "not 1", ""},
		{"one does not work", "1 doesn't work", ""},
		{"out of range", "3", ""},
		{"zero", "0", ""},
		{"digit with word", "1st", ""},
	})
	runAnswerCases(t, MatchAnswer, answers, []answerCase{
		{"unnumbered digit", "1", ""},
		{"unnumbered word", "tuesday", "tue 3pm"},
	})
}

func TestMatchAnswerNoAnswers(t *testing.T) {
	if got, ok := MatchAnswer("yes", nil); ok {
		t.Errorf("MatchAnswer(%q, nil) = %q, want no match", "yes", got.Value)
	}
	if got, ok := MatchNumberedAnswer("1", nil); ok {
		t.Errorf("MatchNumberedAnswer(%q, nil) = %q, want no match", "1", got.Value)
	}
}
