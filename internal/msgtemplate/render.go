package msgtemplate

import (
	"slices"
	"strings"
)

// Render fills the template with values, keyed by field name. A missing key counts as an empty value, and a
// value that is only whitespace counts as empty too. Values are inserted byte for byte and never read as
// template syntax, so a name such as "{Bob}" stays as it is.
//
// Where a section was dropped or a field rendered as nothing, Render tidies the spaces of the template text
// around that spot. It removes spaces at the start or end of the text or of a line, removes the second of two
// space runs that meet, and removes a space before . , ! or ?. It never removes a character of an inserted
// value.
func (t *Template) Render(values map[string]string) string {
	var out renderer
	for _, n := range t.nodes {
		out.render(n, values)
	}
	return out.tidy()
}

// renderer collects the output bytes. fromValue marks each byte that an inserted value wrote, and gaps holds
// the byte offsets where a section was dropped or a field rendered as nothing.
type renderer struct {
	buf       []byte
	fromValue []bool
	gaps      []int
}

func (r *renderer) write(s string, fromValue bool) {
	r.buf = append(r.buf, s...)
	for range len(s) {
		r.fromValue = append(r.fromValue, fromValue)
	}
}

func (r *renderer) gap() {
	r.gaps = append(r.gaps, len(r.buf))
}

func (r *renderer) render(n node, values map[string]string) {
	switch n.kind {
	case literalNode:
		r.write(n.text, false)
	case fieldNode:
		value := values[n.field]
		switch {
		case !isEmpty(value):
			r.write(value, true)
		case n.fallback != "":
			r.write(n.fallback, false)
		default:
			r.gap()
		}
	case sectionNode:
		if slices.ContainsFunc(n.children, func(child node) bool {
			return child.kind == fieldNode && !child.hasFallback && isEmpty(values[child.field])
		}) {
			r.gap()
			return
		}
		for _, child := range n.children {
			r.render(child, values)
		}
	}
}

func isEmpty(value string) bool {
	return strings.TrimSpace(value) == ""
}

// tidy applies the space rules of Render at each gap and returns the text.
func (r *renderer) tidy() string {
	if len(r.gaps) == 0 {
		return string(r.buf)
	}
	deleted := make([]bool, len(r.buf))
	for _, g := range slices.Compact(r.gaps) {
		r.tidyGap(g, deleted)
	}

	out := make([]byte, 0, len(r.buf))
	for i, b := range r.buf {
		if !deleted[i] {
			out = append(out, b)
		}
	}
	return string(out)
}

// tidyGap removes template spaces around the gap at byte offset g. Bytes already marked in deleted count as
// gone, so that neighbouring gaps see each other's result.
func (r *renderer) tidyGap(g int, deleted []bool) {
	left := r.spacesBefore(g, deleted)
	right := r.spacesFrom(g, deleted)
	before := r.byteBefore(firstOr(left, g), deleted)
	after := r.byteFrom(lastOr(right, g-1)+1, deleted)

	lineStart := before < 0 || r.buf[before] == '\n'
	lineEnd := after >= len(r.buf) || r.buf[after] == '\n'
	switch {
	case lineStart:
		r.deleteTemplateSpaces(right, deleted)
	case lineEnd:
		r.deleteTemplateSpaces(left, deleted)
		r.deleteTemplateSpaces(right, deleted)
	case len(left) > 0 && len(right) > 0:
		if r.allTemplate(right) {
			r.deleteTemplateSpaces(right, deleted)
		} else {
			r.deleteTemplateSpaces(left, deleted)
		}
	}

	if after < len(r.buf) && strings.IndexByte(".,!?", r.buf[after]) >= 0 && r.allGone(right, deleted) {
		r.deleteTemplateSpaces(left, deleted)
	}
}

// spacesBefore returns the offsets of the spaces that end right before g, in ascending order.
func (r *renderer) spacesBefore(g int, deleted []bool) []int {
	var run []int
	for i := g - 1; i >= 0; i-- {
		if deleted[i] {
			continue
		}
		if r.buf[i] != ' ' {
			break
		}
		run = append(run, i)
	}
	slices.Reverse(run)
	return run
}

// spacesFrom returns the offsets of the spaces that start at g, in ascending order.
func (r *renderer) spacesFrom(g int, deleted []bool) []int {
	var run []int
	for i := g; i < len(r.buf); i++ {
		if deleted[i] {
			continue
		}
		if r.buf[i] != ' ' {
			break
		}
		run = append(run, i)
	}
	return run
}

// byteBefore returns the offset of the last byte before i that is not deleted, or -1.
func (r *renderer) byteBefore(i int, deleted []bool) int {
	i--
	for i >= 0 && deleted[i] {
		i--
	}
	return i
}

// byteFrom returns the offset of the first byte at or after i that is not deleted, or len(r.buf).
func (r *renderer) byteFrom(i int, deleted []bool) int {
	for i < len(r.buf) && deleted[i] {
		i++
	}
	return i
}

func (r *renderer) deleteTemplateSpaces(run []int, deleted []bool) {
	for _, i := range run {
		if !r.fromValue[i] {
			deleted[i] = true
		}
	}
}

func (r *renderer) allTemplate(run []int) bool {
	return !slices.ContainsFunc(run, func(i int) bool { return r.fromValue[i] })
}

func (r *renderer) allGone(run []int, deleted []bool) bool {
	return !slices.ContainsFunc(run, func(i int) bool { return !deleted[i] })
}

func firstOr(run []int, otherwise int) int {
	if len(run) == 0 {
		return otherwise
	}
	return run[0]
}

func lastOr(run []int, otherwise int) int {
	if len(run) == 0 {
		return otherwise
	}
	return run[len(run)-1]
}
