package ivr

import (
	"slices"
	"strings"
	"unicode"

	"github.com/textback/textback/internal/store"
)

// keyWords are the spoken names of the keys, so that a caller may say "two" for option 2.
var keyWords = map[string]string{
	"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
	"eight": "8", "nine": "9", "star": "*",
}

// matchSpeech returns the option of menu that the caller's words choose: the only option with one
// of its words, or its key, among them. Words that choose no option, or several, choose none.
func matchSpeech(menu store.Menu, speech string) (store.MenuOption, bool) {
	said := normalizedWords(speech)
	var matches []store.MenuOption
	for _, option := range menu.Options {
		if saysOption(said, option) {
			matches = append(matches, option)
		}
	}
	if len(matches) != 1 {
		return store.MenuOption{}, false
	}
	return matches[0], true
}

// saysOption reports whether the words said contain one of option's words, as whole words, or
// its key.
func saysOption(said []string, option store.MenuOption) bool {
	for _, phrase := range option.Words {
		if containsRun(said, normalizedWords(phrase)) {
			return true
		}
	}
	for _, word := range said {
		if word == option.Key || keyWords[word] == option.Key {
			return true
		}
	}
	return false
}

// containsRun reports whether words contains run as consecutive words.
func containsRun(words, run []string) bool {
	if len(run) == 0 {
		return false
	}
	for i := 0; i+len(run) <= len(words); i++ {
		if slices.Equal(words[i:i+len(run)], run) {
			return true
		}
	}
	return false
}

// normalizedWords splits text into lowercase words of letters and digits, dropping punctuation.
func normalizedWords(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '*'
	})
}

// hints returns the words of menu's options, which help the provider's speech recognition.
func hints(menu store.Menu) []string {
	var out []string
	for _, option := range menu.Options {
		out = append(out, option.Words...)
	}
	return out
}
