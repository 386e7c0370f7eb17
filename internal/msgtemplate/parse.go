// Package msgtemplate parses and renders the SMS templates that textback sends after a missed call.
//
// A template is plain text with these additions:
//
//	{field}            inserts the value of field
//	{field|fallback}   inserts fallback when the value is empty or only whitespace
//	[ ... ]            an optional section, dropped whole when a field inside it without a fallback is empty
//	\{ \} \[ \] \\     a literal {, }, [, ] or backslash
//
// Field names are lowercase letters and underscores, and Parse accepts only the names it is given. Sections do
// not nest. Fallback text is literal text with the same escapes, and the first | in a field starts it.
//
// Render returns no error. It inserts values as they are, without reading template syntax in them, and then
// tidies the spaces that removed sections and empty fields left behind.
package msgtemplate

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

var (
	// ErrSyntax is the error that Parse wraps when a template is malformed.
	ErrSyntax = errors.New("invalid template")
	// ErrUnknownField is the error that Parse wraps when a template uses a field it was not allowed.
	ErrUnknownField = errors.New("unknown template field")
)

// Template is a parsed SMS template. It is safe for concurrent use.
type Template struct {
	source string
	nodes  []node
	fields []string
}

type nodeKind int

const (
	literalNode nodeKind = iota
	fieldNode
	sectionNode
)

// node is one piece of a template: literal text, a field, or an optional section of literals and fields.
type node struct {
	kind        nodeKind
	text        string // literalNode: the text with escapes resolved
	field       string // fieldNode: the field name
	fallback    string // fieldNode: the text used when the value is empty
	hasFallback bool   // fieldNode: whether the field has a fallback, even an empty one
	children    []node // sectionNode: the section's literals and fields
}

// Parse reads src as a template whose fields must be among allowed. A nil or empty allowed permits no fields.
//
// Errors wrap ErrUnknownField for a field that allowed does not list, and ErrSyntax for an unclosed or
// unmatched brace or bracket, a nested section, an empty or malformed field name, or an unknown escape.
// Each error gives the 1-based character position of the problem in src.
func Parse(src string, allowed []string) (*Template, error) {
	p := parser{src: src, char: 1, allowed: allowed}
	nodes, err := p.parse()
	if err != nil {
		return nil, err
	}

	t := &Template{source: src, nodes: nodes}
	t.fields = collectFields(nodes, nil)
	return t, nil
}

// Source returns the text the template was parsed from.
func (t *Template) Source() string { return t.source }

// Fields returns the distinct field names the template uses, in order of first use. The slice is a copy.
func (t *Template) Fields() []string { return slices.Clone(t.fields) }

func collectFields(nodes []node, fields []string) []string {
	for _, n := range nodes {
		switch n.kind {
		case fieldNode:
			if !slices.Contains(fields, n.field) {
				fields = append(fields, n.field)
			}
		case sectionNode:
			fields = collectFields(n.children, fields)
		}
	}
	return fields
}

// parser reads a template from left to right. offset is the byte offset of the next rune and char its
// 1-based position in runes, with each invalid UTF-8 byte counted as one rune.
type parser struct {
	src     string
	offset  int
	char    int
	allowed []string
}

// peek returns the next rune and its size in bytes, or size 0 at the end of the input.
func (p *parser) peek() (rune, int) {
	if p.offset >= len(p.src) {
		return 0, 0
	}
	return utf8.DecodeRuneInString(p.src[p.offset:])
}

func (p *parser) advance(size int) {
	p.offset += size
	p.char++
}

func (p *parser) parse() ([]node, error) {
	var (
		top          []node
		section      []node
		inSection    bool
		sectionStart int
		literal      strings.Builder
	)
	// flush moves the pending literal text into the section or the top level, whichever is open.
	flush := func() {
		if literal.Len() == 0 {
			return
		}
		n := node{kind: literalNode, text: literal.String()}
		literal.Reset()
		if inSection {
			section = append(section, n)
		} else {
			top = append(top, n)
		}
	}

	for {
		r, size := p.peek()
		if size == 0 {
			break
		}
		position := p.char
		switch r {
		case '\\':
			escaped, err := p.escape()
			if err != nil {
				return nil, err
			}
			literal.WriteRune(escaped)
		case '{':
			flush()
			field, err := p.field()
			if err != nil {
				return nil, err
			}
			if inSection {
				section = append(section, field)
			} else {
				top = append(top, field)
			}
		case '}':
			return nil, fmt.Errorf("%w: unmatched } at character %d: write \\} for a literal brace",
				ErrSyntax, position)
		case '[':
			if inSection {
				return nil, fmt.Errorf("%w: nested [ at character %d inside the section opened at character %d: "+
					"sections do not nest, so close the first with ] or write \\[ for a literal bracket",
					ErrSyntax, position, sectionStart)
			}
			flush()
			p.advance(size)
			inSection, sectionStart = true, position
		case ']':
			if !inSection {
				return nil, fmt.Errorf("%w: unmatched ] at character %d: write \\] for a literal bracket",
					ErrSyntax, position)
			}
			flush()
			p.advance(size)
			top = append(top, node{kind: sectionNode, children: section})
			section, inSection = nil, false
		default:
			// Copy the bytes rather than the rune so that invalid UTF-8 stays as it was.
			literal.WriteString(p.src[p.offset : p.offset+size])
			p.advance(size)
		}
	}

	if inSection {
		return nil, fmt.Errorf("%w: unclosed [ at character %d: add ] to end the section or write \\[ for a "+
			"literal bracket", ErrSyntax, sectionStart)
	}
	flush()
	return top, nil
}

// escape reads a backslash and the character after it, and returns that character.
func (p *parser) escape() (rune, error) {
	position := p.char
	p.advance(1)
	r, size := p.peek()
	switch {
	case size == 0:
		return 0, fmt.Errorf("%w: unfinished escape at character %d: write \\\\ for a literal backslash",
			ErrSyntax, position)
	case strings.ContainsRune(`{}[]\`, r):
		p.advance(size)
		return r, nil
	}
	return 0, fmt.Errorf("%w: unknown escape \\%s at character %d: only \\{ \\} \\[ \\] and \\\\ are escapes, "+
		"so write \\\\ for a literal backslash", ErrSyntax, p.src[p.offset:p.offset+size], position)
}

// field reads a field from its opening brace to its closing brace.
func (p *parser) field() (node, error) {
	open := p.char
	p.advance(1)

	nameStart := p.offset
	for {
		r, size := p.peek()
		switch {
		case size == 0:
			return node{}, unclosedField(open)
		case r == '|' || r == '}':
			name := p.src[nameStart:p.offset]
			if name == "" {
				return node{}, fmt.Errorf("%w: empty field name at character %d: write a field such as "+
					"{business}, or \\{ for a literal brace", ErrSyntax, open)
			}
			if !slices.Contains(p.allowed, name) {
				return node{}, p.unknownField(name, open)
			}
			p.advance(size)
			if r == '}' {
				return node{kind: fieldNode, field: name}, nil
			}
			fallback, err := p.fallback(open)
			if err != nil {
				return node{}, err
			}
			return node{kind: fieldNode, field: name, fallback: fallback, hasFallback: true}, nil
		case (r < 'a' || r > 'z') && r != '_':
			return node{}, fmt.Errorf("%w: invalid character %q in the field at character %d: field names use "+
				"lowercase letters and underscores, and a field ends with }", ErrSyntax, r, open)
		}
		p.advance(size)
	}
}

// fallback reads the fallback text of the field that opened at character open, up to and including its
// closing brace.
func (p *parser) fallback(open int) (string, error) {
	var text strings.Builder
	for {
		r, size := p.peek()
		if size == 0 {
			return "", unclosedField(open)
		}
		position := p.char
		switch r {
		case '\\':
			escaped, err := p.escape()
			if err != nil {
				return "", err
			}
			text.WriteRune(escaped)
			continue
		case '}':
			p.advance(size)
			return text.String(), nil
		case '{', '[', ']':
			return "", fmt.Errorf("%w: unescaped %c at character %d in the fallback of the field at character %d: "+
				"write \\%c for a literal %c", ErrSyntax, r, position, open, r, r)
		}
		text.WriteString(p.src[p.offset : p.offset+size])
		p.advance(size)
	}
}

func unclosedField(open int) error {
	return fmt.Errorf("%w: unclosed { at character %d: add } to end the field or write \\{ for a literal brace",
		ErrSyntax, open)
}

func (p *parser) unknownField(name string, open int) error {
	if len(p.allowed) == 0 {
		return fmt.Errorf("%w %q at character %d: this template takes no fields, so write \\{ for a literal brace",
			ErrUnknownField, name, open)
	}
	return fmt.Errorf("%w %q at character %d: use one of %s", ErrUnknownField, name, open,
		strings.Join(p.allowed, ", "))
}
