package manifest

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/textback/textback/internal/msgtemplate"
	"github.com/textback/textback/internal/reply"
	"github.com/textback/textback/internal/store"
)

var (
	conversationKeys = []string{
		"help_text", "opt_out_reply", "opt_in_reply", "qualifying_question", "keywords", "manual_reply_pause",
		"limits", "email_fallback", "lookup_line_type",
	}
	qualifierKeys = []string{"question", "answers"}
	limitKeys     = []string{"per_hour", "per_day"}
)

// pauseRange is the range of manual_reply_pause.
var pauseRange = durationRange{min: time.Minute, max: 30 * 24 * time.Hour, text: "from 1m to 30d"}

// Limits on automated texts to one contact.
const (
	minContactLimit = 1
	maxContactLimit = 100
)

// minAnswers is the number of answers a qualifying question needs, because a question with one answer
// cannot tell callers apart.
const minAnswers = 2

// consentFields are the fields that the replies to HELP, STOP and START may use, since those replies are sent
// with only the business's name.
var consentFields = []string{msgtemplate.FieldBusiness}

// consentReplies are the conversation section's templates that reply to consent words, with the settings they
// set.
var consentReplies = []struct {
	key     string
	setting func(*store.Settings) *string
}{
	{"help_text", func(s *store.Settings) *string { return &s.HelpText }},
	{"opt_out_reply", func(s *store.Settings) *string { return &s.OptOutReply }},
	{"opt_in_reply", func(s *store.Settings) *string { return &s.OptInReply }},
}

// consentMeanings describes the meanings that reply.Classify gives consent words.
var consentMeanings = map[reply.Compliance]string{
	reply.OptOut: "an opt-out word, which opts the sender out of all texts",
	reply.OptIn:  "an opt-in word, which lets a sender who opted out get texts again",
	reply.Help:   "a help word, which textback answers with help_text",
}

// consentMeaning describes what a text consisting of word means for consent, as textback reads an inbound
// text, or returns false when word is not a consent word. optedOut is passed to reply.Classify, so that true
// counts YES as an opt-in word.
func consentMeaning(word string, optedOut bool) (string, bool) {
	reading := reply.Classify(word, optedOut)
	if reading.Compliance == reply.Review {
		return fmt.Sprintf("close to the opt-out word %s, so textback holds a text with it until a person has "+
			"read it", strings.ToUpper(reading.Matched)), true
	}
	meaning, ok := consentMeanings[reading.Compliance]
	return meaning, ok
}

// conversationSite contains what the business check needs from the conversation section once the text_back
// section has been checked.
type conversationSite struct {
	// templates are the SMS templates to report on after the text-back templates.
	templates []smsTemplate
	// questionNode and questionPath locate qualifying_question.question, when it is set.
	questionNode *yaml.Node
	questionPath string
}

// conversation validates the business's conversation section into b.Settings, which must hold
// store.DefaultSettings. It returns the section's SMS templates and the question's place in the file.
func (c *checker) conversation(business *mapping, b *Business) conversationSite {
	var site conversationSite
	m := c.mapping(business.values["conversation"], join(business.path, "conversation"), conversationKeys)
	if m == nil {
		return site
	}
	// Without a conversation section the mapping has no node, so warnings about the default templates point
	// at the business.
	if m.node == nil {
		m.node = business.at("conversation")
	}
	s := &b.Settings

	for _, r := range consentReplies {
		tmpl, ok := c.template(m, r.key, consentFields, "remove the key to use the default text")
		if tmpl != nil {
			*r.setting(s) = tmpl.Source()
		}
		if ok {
			site.templates = append(site.templates, m.sms(r.key, r.key, *r.setting(s)))
		}
	}

	keywords, replies, phrases := c.keywords(m)
	s.Keywords = keywords

	var qm *mapping
	s.Qualifier, qm = c.qualifier(m, phrases)
	if s.Qualifier.Question != "" {
		site.questionNode, site.questionPath = qm.at("question"), join(qm.path, "question")
	}
	site.templates = append(site.templates, replies...)

	s.ManualPause = store.Duration(c.duration(m, "manual_reply_pause", time.Duration(s.ManualPause), pauseRange))
	s.Limits = c.limits(m, s.Limits)
	s.EmailFallback = c.bool(m, "email_fallback", s.EmailFallback)
	s.LookupLineType = c.bool(m, "lookup_line_type", s.LookupLineType)
	return site
}

// limits validates the per-contact limits on automated texts, starting from def.
func (c *checker) limits(parent *mapping, def store.Limits) store.Limits {
	m := c.mapping(parent.values["limits"], join(parent.path, "limits"), limitKeys)
	if m == nil {
		return def
	}
	limits := store.Limits{
		PerHour: c.integer(m, "per_hour", def.PerHour, minContactLimit, maxContactLimit),
		PerDay:  c.integer(m, "per_day", def.PerDay, minContactLimit, maxContactLimit),
	}
	if limits.PerDay >= limits.PerHour {
		return limits
	}
	// Point at the key the file sets, preferring per_day, since the other is a default.
	key := "per_day"
	if !m.has(key) {
		key = "per_hour"
	}
	c.errorf(m.at(key), join(m.path, key), "per_day %d is less than per_hour %d, so the hourly limit could never "+
		"be reached: set per_day to %d or more", limits.PerDay, limits.PerHour, limits.PerHour)
	return def
}

// qualifier validates the qualifying question and its answers, and returns them with the section's mapping.
// An absent or invalid section gives no question. keywords maps each keyword word and alias to its keyword.
func (c *checker) qualifier(parent *mapping, keywords map[string]string) (store.Qualifier, *mapping) {
	if !parent.has("qualifying_question") {
		return store.Qualifier{}, nil
	}
	m := c.mapping(parent.values["qualifying_question"], join(parent.path, "qualifying_question"), qualifierKeys)
	if m == nil {
		return store.Qualifier{}, nil
	}
	var q store.Qualifier
	if question, ok := c.required(m, "question", `the question the text back asks, such as "Is this for your `+
		`home or a business?"`); ok {
		q.Question = strings.TrimSpace(question)
	}
	q.Answers = c.answers(m, keywords)
	if q.Question == "" || len(q.Answers) < minAnswers {
		return store.Qualifier{}, m
	}
	return q, m
}

// answers validates the answers of a qualifying question: a mapping from each answer's value to the words that
// select it. No word may select two answers or be a consent word, and a word that starts with a keyword gets a
// warning.
func (c *checker) answers(m *mapping, keywords map[string]string) []store.QualifierAnswer {
	path := join(m.path, "answers")
	const example = "residential: [home, house] and commercial: [business, office]"
	n := resolve(m.values["answers"])
	switch {
	case isNull(n):
		c.errorf(m.at("answers"), path, "missing answers: list at least %d, each with the words that select it, "+
			"such as %s", minAnswers, example)
		return nil
	case n.Kind != yaml.MappingNode:
		c.errorf(n, path, "expected a mapping of answers to their words, such as %s, found %s", example, describe(n))
		return nil
	}

	var answers []store.QualifierAnswer
	values := map[string]int{}
	words := map[string]wordUse{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		keyNode, valueNode := n.Content[i], n.Content[i+1]
		value, ok := c.key(keyNode, path)
		if !ok {
			continue
		}
		answerPath := join(path, value)
		if first, ok := values[value]; ok {
			c.errorf(keyNode, answerPath, "answer %s is listed twice, first at line %d: keep one of them",
				quote(value), first)
			continue
		}
		values[value] = keyNode.Line
		if strings.TrimSpace(value) == "" {
			c.errorf(keyNode, answerPath, "an answer's value is empty: name it, such as residential")
			continue
		}
		answer := store.QualifierAnswer{Value: value, Words: c.answerWords(valueNode, answerPath, value, words, keywords)}
		if len(answer.Words) > 0 {
			answers = append(answers, answer)
		}
	}
	if len(values) < minAnswers {
		c.errorf(n, path, "answers lists %d, but a question needs at least %d: add answers such as %s",
			len(values), minAnswers, example)
	}
	return answers
}

// wordUse records which answer a word selects and where it is listed.
type wordUse struct {
	answer string
	line   int
}

// answerWords validates the list of words that select answer. words maps each word already listed for the
// question, in the form reply.Normalize gives it, to its use. keywords maps keyword words and aliases to their
// keyword.
func (c *checker) answerWords(
	n *yaml.Node, path, answer string, words map[string]wordUse, keywords map[string]string,
) []string {
	n = resolve(n)
	switch {
	case isNull(n):
		c.errorf(n, path, "no words for answer %s: list at least one, such as [home, house]", quote(answer))
		return nil
	case n.Kind != yaml.SequenceNode:
		c.errorf(n, path, "expected a list of words such as [home, house], found %s", describe(n))
		return nil
	case len(n.Content) == 0:
		c.errorf(n, path, "no words for answer %s: list at least one, such as [home, house]", quote(answer))
		return nil
	}

	var out []string
	for i, item := range n.Content {
		itemPath := index(path, i)
		raw, ok := c.scalar(item, itemPath)
		if !ok {
			if isNull(item) {
				c.errorf(item, itemPath, "word is empty: remove it, or write a word such as home")
			}
			continue
		}
		word := strings.Join(strings.Fields(raw), " ")
		node := resolve(item)
		if !strings.ContainsFunc(word, isLetterOrDigit) {
			c.errorf(node, itemPath, "word %s has no letters or digits, so no reply can select it: use a word "+
				"such as home", quote(raw))
			continue
		}
		if meaning, ok := consentMeaning(word, false); ok {
			c.errorf(node, itemPath, "word %s is %s. textback reads consent words before answers, so it could "+
				"never select %s: use another word", quote(word), meaning, quote(answer))
			continue
		}
		normalized := reply.Normalize(word)
		if first, ok := words[normalized]; ok {
			c.errorf(node, itemPath, "word %s is already listed for answer %s at line %d: a word may select only "+
				"one answer, so remove one of them", quote(word), quote(first.answer), first.line)
			continue
		}
		words[normalized] = wordUse{answer: answer, line: node.Line}
		out = append(out, word)
		if keyword, ok := startingKeyword(word, keywords); ok {
			c.warnf(node, itemPath, "word %s starts with keyword %s, and textback reads keywords before answers, "+
				"so a reply of %s runs the keyword and does not select %s: use another word, or change the "+
				"keyword", quote(word), keyword, quote(word), quote(answer))
		}
	}
	return out
}

// startingKeyword returns the keyword whose word or alias starts word, compared word by word in upper case as
// keywords are matched.
func startingKeyword(word string, keywords map[string]string) (string, bool) {
	fields := strings.Fields(strings.ToUpper(word))
	for n := len(fields); n > 0; n-- {
		if keyword, ok := keywords[strings.Join(fields[:n], " ")]; ok {
			return keyword, true
		}
	}
	return "", false
}

func isLetterOrDigit(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// checkQuestionAsked warns when the business has a qualifying question that neither text-back template asks.
func (c *checker) checkQuestionAsked(b *Business, site conversationSite) {
	if b.Settings.Qualifier.Question == "" {
		return
	}
	for _, src := range []string{b.TextBack.Template, b.TextBack.AfterHoursTemplate} {
		tmpl, err := msgtemplate.Parse(src, msgtemplate.AllFields())
		if err == nil && slices.Contains(tmpl.Fields(), msgtemplate.FieldQuestion) {
			return
		}
	}
	c.warnf(site.questionNode, site.questionPath, "neither text_back template nor after_hours_template uses "+
		"{question}, so the question is never asked and no reply is read as an answer: add {question} to a "+
		"template, or remove qualifying_question")
}
