// Package segment calculates how an SMS body is encoded and into how many billed segments it splits.
//
// The user data of one SMS is 140 octets. In the GSM-7 alphabet (GSM 03.38) each character takes a 7-bit
// septet, so one message holds 160 septets. Any character outside that alphabet forces the whole body into
// UCS-2, where each character takes 16 bits, so one message holds 70 code units.
//
// A longer body is sent as a concatenated message. Each part then carries a 6-octet user data header with
// the concatenation reference, part count and part number, which leaves 134 octets. In GSM-7 the header is
// padded to a septet boundary (7 septets), so a part holds 153 septets. In UCS-2 a part holds 67 code units.
//
// Each part is encoded as a message of its own, so a part must not end inside a GSM-7 escape pair or a UTF-16
// surrogate pair. Such a pair moves whole to the next part, which can add a part.
package segment

import (
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Encoding is the character set an SMS body is sent in.
type Encoding string

const (
	// GSM7 is the GSM 03.38 default alphabet with its extension table, 7 bits per character.
	GSM7 Encoding = "GSM-7"
	// UCS2 is the 16-bit encoding used when any character is outside GSM-7. In practice it is sent as UTF-16,
	// so a character outside the Basic Multilingual Plane (most emoji) takes a surrogate pair.
	UCS2 Encoding = "UCS-2"
)

// Maximum units per message, for a body that fits one message and for each part of a concatenated one.
const (
	gsm7SingleLimit = 160
	gsm7PartLimit   = 153
	ucs2SingleLimit = 70
	ucs2PartLimit   = 67
)

// Result describes how a body is billed.
type Result struct {
	// Encoding is GSM7 when every character is in the basic or extension table, otherwise UCS2.
	Encoding Encoding
	// Units is septets for GSM-7, where an extension character counts 2, and UTF-16 code units for UCS-2.
	Units int
	// Segments is the number of messages the body is sent as. It is 0 only for the empty body.
	Segments int
	// NonGSM lists the characters that forced UCS-2, in body order. It is nil for GSM-7.
	NonGSM []Char
}

// Char is one character that is not in the GSM-7 alphabet, at its 0-based position counted in Unicode code
// points (runes).
type Char struct {
	// Index is the number of runes before this one, with each invalid UTF-8 byte counted as one rune.
	Index int
	// Rune is the character, or U+FFFD for an invalid UTF-8 byte.
	Rune rune
}

// Count returns the encoding, units and segment count of body as given, without normalizing it.
// Each byte of invalid UTF-8 counts as one U+FFFD, which forces UCS-2. The empty body is GSM-7 with 0
// units and 0 segments.
func Count(body string) Result {
	septets, codeUnits := 0, 0
	var nonGSM []Char

	index := 0
	for _, r := range body {
		width := gsm7Width(r)
		if width == 0 {
			nonGSM = append(nonGSM, Char{Index: index, Rune: r})
		}
		septets += width
		codeUnits += utf16.RuneLen(r)
		index++
	}

	if nonGSM == nil {
		return Result{Encoding: GSM7, Units: septets, Segments: countSegments(body, GSM7, septets)}
	}
	return Result{Encoding: UCS2, Units: codeUnits, Segments: countSegments(body, UCS2, codeUnits), NonGSM: nonGSM}
}

// Split divides body into the segments a handset reassembles, never splitting a GSM-7 escape pair or a UTF-16
// surrogate pair. Concatenating the parts gives back body, including any invalid UTF-8 bytes. A body of one
// segment returns one part, and the empty body returns nil. len(Split(body)) always equals
// Count(body).Segments.
func Split(body string) []string {
	result := Count(body)
	if result.Segments <= 1 {
		if body == "" {
			return nil
		}
		return []string{body}
	}

	parts := make([]string, 0, result.Segments)
	start := 0
	packParts(body, result.Encoding, func(offset int) {
		parts = append(parts, body[start:offset])
		start = offset
	})
	return append(parts, body[start:])
}

// countSegments returns the number of messages for body, which takes units in enc.
func countSegments(body string, enc Encoding, units int) int {
	singleLimit := gsm7SingleLimit
	if enc == UCS2 {
		singleLimit = ucs2SingleLimit
	}
	switch {
	case units == 0:
		return 0
	case units <= singleLimit:
		return 1
	}
	return packParts(body, enc, func(int) {}) + 1
}

// packParts starts a new part whenever the next rune would overflow the part limit of enc, calls cut with
// that rune's byte offset, and returns the number of cuts. Cutting only between runes keeps escape and
// surrogate pairs whole, because each pair encodes one rune.
func packParts(body string, enc Encoding, cut func(offset int)) int {
	limit := gsm7PartLimit
	if enc == UCS2 {
		limit = ucs2PartLimit
	}

	cuts, used := 0, 0
	for offset, r := range body {
		width := utf16.RuneLen(r)
		if enc == GSM7 {
			width = gsm7Width(r)
		}
		if used+width > limit {
			cut(offset)
			cuts++
			used = 0
		}
		used += width
	}
	return cuts
}

// Normalize returns body in NFC form with typographic punctuation mapped to GSM-7 look-alikes.
// It maps ’ ‘ → ', “ ” → ", – — → -, and … → ... (three full stops). The no-break space (U+00A0) and every
// other space separator (Unicode category Zs) become a plain space. Emoji, all other characters and invalid
// UTF-8 bytes are kept, so the result may still need UCS-2.
func Normalize(body string) string {
	composed := norm.NFC.String(body)
	if !strings.ContainsFunc(composed, needsMapping) {
		return composed
	}

	var b strings.Builder
	b.Grow(len(composed))
	for len(composed) > 0 {
		r, size := utf8.DecodeRuneInString(composed)
		if replacement, ok := lookAlike(r); ok {
			b.WriteString(replacement)
		} else {
			// Copy the original bytes so that an invalid byte stays as it was instead of becoming U+FFFD.
			b.WriteString(composed[:size])
		}
		composed = composed[size:]
	}
	// The replacements are ASCII characters that compose with no combining mark, so the result stays NFC.
	return b.String()
}

func needsMapping(r rune) bool {
	_, ok := lookAlike(r)
	return ok
}

// lookAlike returns the GSM-7 replacement for typographic punctuation and Unicode spaces.
func lookAlike(r rune) (string, bool) {
	switch r {
	case '\u2018', '\u2019':
		return "'", true
	case '\u201C', '\u201D':
		return `"`, true
	case '\u2013', '\u2014':
		return "-", true
	case '\u2026':
		return "...", true
	}
	if r != ' ' && unicode.Is(unicode.Zs, r) {
		return " ", true
	}
	return "", false
}
