package manifest

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/textback/textback/internal/msgtemplate"
	"github.com/textback/textback/internal/store"
)

var keywordKeys = []string{"word", "aliases", "reply", "alert", "task", "tag", "disabled"}

// maxKeywordLength is the maximum number of characters in a keyword or an alias.
const maxKeywordLength = 20

var (
	// keywordWord matches a keyword: one word of ASCII letters and digits.
	keywordWord = regexp.MustCompile(`^[A-Za-z0-9]+$`)
	// keywordAlias matches an alias: words of ASCII letters and digits separated by single spaces, as in
	// "CALL ME".
	keywordAlias = regexp.MustCompile(`^[A-Za-z0-9]+( [A-Za-z0-9]+)*$`)
)

// Alert priorities a keyword may raise.
var keywordAlerts = []string{"normal", "high"}

// fileKeyword is a keyword entry of the file with the places that errors about it point at.
type fileKeyword struct {
	store.Keyword
	disabled bool
	m        *mapping
	// phrases are the word and then each alias, and nodes and paths their places in the file.
	phrases []string
	nodes   []*yaml.Node
	paths   []string
}

// keywordOwner is the keyword that a word or alias invokes, for messages about conflicts.
type keywordOwner struct {
	word string
	// file is the entry that defines the keyword, or nil for a default keyword.
	file  *fileKeyword
	alias bool
	// i is the index of the phrase in file.phrases.
	i int
}

// describe names the owner's phrase, such as "the word of keyword TOW at line 12" or "an alias of the default
// keyword CALL".
func (o keywordOwner) describe() string {
	what := "the word of"
	if o.alias {
		what = "an alias of"
	}
	if o.file == nil {
		return fmt.Sprintf("%s the default keyword %s", what, o.word)
	}
	return fmt.Sprintf("%s keyword %s at line %d", what, o.word, o.file.nodes[o.i].Line)
}

// keywords validates the keywords list and merges it with store.DefaultKeywords: an entry with the word of a
// default keyword replaces it in place, or removes it with disabled: true, and other entries follow the
// defaults in file order. It returns the merged keywords, the SMS templates of their replies, and the word of
// the keyword that each word and alias invokes.
func (c *checker) keywords(m *mapping) ([]store.Keyword, []smsTemplate, map[string]string) {
	items, _ := c.sequence(m, "keywords")
	path := join(m.path, "keywords")
	var entries []*fileKeyword
	lines := map[string]int{}
	for i, item := range items {
		k := c.keyword(item, index(path, i))
		if k == nil || k.Word == "" {
			continue
		}
		if first, ok := lines[k.Word]; ok {
			c.errorf(k.nodes[0], k.paths[0], "duplicate keyword %s, first listed at line %d: keep one of them",
				k.Word, first)
			continue
		}
		lines[k.Word] = k.nodes[0].Line
		entries = append(entries, k)
	}

	merged := mergeKeywords(entries)
	c.checkPhrases(merged)

	out := make([]store.Keyword, 0, len(merged))
	var replies []smsTemplate
	phrases := map[string]string{}
	for _, k := range merged {
		out = append(out, k.Keyword)
		for _, phrase := range k.phrases {
			phrases[phrase] = k.Word
		}
		if k.Reply == "" {
			continue
		}
		name := "keyword " + k.Word + " reply"
		if k.m != nil {
			replies = append(replies, k.m.sms("reply", name, k.Reply))
		} else {
			replies = append(replies, smsTemplate{name: name, src: k.Reply, node: m.at("keywords"), path: path})
		}
	}
	return out, replies, phrases
}

// mergeKeywords returns the default keywords with entries merged in. Default keywords have a nil m.
func mergeKeywords(entries []*fileKeyword) []*fileKeyword {
	var merged []*fileKeyword
	replaced := map[string]bool{}
	for _, def := range store.DefaultKeywords() {
		k := &fileKeyword{Keyword: def, phrases: append([]string{def.Word}, def.Aliases...)}
		for _, e := range entries {
			if e.Word == def.Word {
				k = e
				replaced[e.Word] = true
			}
		}
		if !k.disabled {
			merged = append(merged, k)
		}
	}
	for _, e := range entries {
		if !replaced[e.Word] && !e.disabled {
			merged = append(merged, e)
		}
	}
	return merged
}

// checkPhrases records an error for each word or alias that invokes more than one keyword, or that one
// keyword lists twice. Only the file's entries can conflict, so the error points at one of them.
func (c *checker) checkPhrases(keywords []*fileKeyword) {
	owners := map[string]keywordOwner{}
	for _, k := range keywords {
		for i, phrase := range k.phrases {
			owner := keywordOwner{word: k.Word, alias: i > 0, i: i}
			if k.m != nil {
				owner.file = k
			}
			first, ok := owners[phrase]
			if !ok {
				owners[phrase] = owner
				continue
			}
			// Report at the phrase that the file lists, the later one where both are.
			at, other := owner, first
			if at.file == nil {
				at, other = first, owner
			}
			if at.file == nil {
				// Two default keywords share a phrase, which the file cannot fix.
				continue
			}
			fix := "remove it from one of them"
			if other.file == nil {
				fix = fmt.Sprintf("remove it here, or disable %s with {word: %s, disabled: true}", other.word,
					other.word)
			}
			c.errorf(at.file.nodes[at.i], at.file.paths[at.i], "%s is also %s: a word or alias may invoke only "+
				"one keyword, so %s", quote(phrase), other.describe(), fix)
		}
	}
}

// keyword validates one keyword entry. It returns nil when the entry is not a mapping, and an entry with an
// empty Word when the word is missing or invalid.
func (c *checker) keyword(n *yaml.Node, path string) *fileKeyword {
	m := c.mapping(n, path, keywordKeys)
	if m == nil {
		return nil
	}
	k := &fileKeyword{m: m}
	if word, ok := c.required(m, "word", "one word of letters and digits, such as TOW"); ok {
		k.Word = c.keywordPhrase(m.at("word"), join(path, "word"), word, false)
	}
	if k.Word != "" {
		k.phrases, k.nodes, k.paths = []string{k.Word}, []*yaml.Node{m.at("word")}, []string{join(path, "word")}
	}
	k.aliases(c, m)

	if tmpl, ok := c.template(m, "reply", msgtemplate.AllFields(), "remove the key to send no reply"); ok &&
		tmpl != nil {
		k.Reply = tmpl.Source()
	}
	if alert, ok := c.string(m, "alert"); ok {
		k.Alert = strings.TrimSpace(alert)
		if !slices.Contains(keywordAlerts, k.Alert) {
			c.errorf(m.at("alert"), join(path, "alert"), "unknown alert %s: use normal or high, or remove the key "+
				"to alert nobody", quote(alert))
			k.Alert = ""
		}
	}
	if task, ok := c.string(m, "task"); ok {
		k.Task = strings.TrimSpace(task)
	}
	if tag, ok := c.string(m, "tag"); ok {
		k.Tag = strings.TrimSpace(tag)
	}
	k.disabled = c.bool(m, "disabled", false)

	if k.Word != "" && !k.disabled && k.Reply == "" && k.Alert == "" && k.Task == "" && k.Tag == "" &&
		!m.has("reply") && !m.has("alert") {
		c.warnf(m.at("word"), join(path, "word"), "keyword %s has no reply, alert, task or tag, so a text that "+
			"starts with it gets no answer and alerts nobody: add one of them, or set disabled: true", k.Word)
	}
	return k
}

// aliases validates the entry's aliases and adds them to its phrases.
func (k *fileKeyword) aliases(c *checker, m *mapping) {
	items, _ := c.sequence(m, "aliases")
	path := join(m.path, "aliases")
	for i, item := range items {
		itemPath := index(path, i)
		raw, ok := c.scalar(item, itemPath)
		if !ok {
			if isNull(item) {
				c.errorf(item, itemPath, "alias is empty: remove it, or write a word such as TOWING")
			}
			continue
		}
		alias := c.keywordPhrase(resolve(item), itemPath, raw, true)
		if alias == "" {
			continue
		}
		k.Aliases = append(k.Aliases, alias)
		if k.Word != "" {
			k.phrases = append(k.phrases, alias)
			k.nodes = append(k.nodes, resolve(item))
			k.paths = append(k.paths, itemPath)
		}
	}
}

// keywordPhrase validates a keyword's word, or with alias an alias, and returns it in upper case. It returns ""
// after recording an error when the text is not 1 to maxKeywordLength letters and digits (with single spaces
// between words in an alias), or when textback reads it as a consent word.
func (c *checker) keywordPhrase(n *yaml.Node, path, raw string, alias bool) string {
	text := strings.TrimSpace(raw)
	what, pattern, rule := "keyword", keywordWord, "one word of letters A to Z and digits"
	if alias {
		what, pattern, rule = "alias", keywordAlias, "letters A to Z and digits, with single spaces between words"
		text = strings.Join(strings.Fields(text), " ")
	}
	if !pattern.MatchString(text) || len(text) > maxKeywordLength {
		c.errorf(n, path, "invalid %s %s: use %s, at most %d characters, such as TOW", what, quote(raw), rule,
			maxKeywordLength)
		return ""
	}
	text = strings.ToUpper(text)
	if meaning, ok := consentMeaning(text, true); ok {
		c.errorf(n, path, "%s %s is %s. textback reads consent words before keywords, so this %s would never "+
			"run: choose another word", what, text, meaning, what)
		return ""
	}
	return text
}
