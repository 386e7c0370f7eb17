package manifest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/textback/textback/internal/msgtemplate"
	"github.com/textback/textback/internal/segment"
)

// Sample values for the fields that vary per caller and per call, used to count segments.
const (
	sampleFirstName = "Alexandra"
	sampleNextOpen  = "Saturday at 10:30 AM"
)

// maxSegments is the number of segments above which a template gets a warning.
const maxSegments = 2

// report counts the segments of the SMS template src, which the text_back section sets at key or which is
// the default, and records warnings about its length, its alphabet and a missing booking link. name is the
// template's name in the report.
func (c *checker) report(m *mapping, key, name, src string, b *Business) TemplateReport {
	tmpl, err := msgtemplate.Parse(src, msgtemplate.AllFields())
	if err != nil {
		// textBack has parsed src already, or src is a default that the msgtemplate tests parse.
		return TemplateReport{Name: name}
	}
	rendered := strings.TrimSpace(tmpl.Render(map[string]string{
		msgtemplate.FieldFirstName:   sampleFirstName,
		msgtemplate.FieldBusiness:    b.Name,
		msgtemplate.FieldRep:         b.RepName,
		msgtemplate.FieldBookingLink: b.BookingURL,
		msgtemplate.FieldNextOpen:    sampleNextOpen,
	}))
	// The sender normalises the text and appends the opt-out instruction to a first text that has none.
	body := segment.Normalize(rendered)
	if body != "" && !msgtemplate.HasOptOutWording(body) {
		body += " " + msgtemplate.OptOutSuffix
	}
	count := segment.Count(body)
	report := TemplateReport{
		Name:     name,
		Encoding: count.Encoding,
		Segments: count.Segments,
		Units:    count.Units,
		NonGSM:   count.NonGSM,
	}

	node, path := m.at(key), join(m.path, key)
	if count.Segments > maxSegments {
		limit := 2 * 153
		if count.Encoding == segment.UCS2 {
			limit = 2 * 67
		}
		c.warnf(node, path, "with sample values and the opt-out text, this text is %s (%d %s units), "+
			"and each segment is billed as one SMS: shorten it to %d units, which fit in %s",
			segmentCount(count.Segments), count.Units, count.Encoding, limit, segmentCount(maxSegments))
	}
	if message := alphabetWarning(src, count); message != "" {
		c.warnf(node, path, "%s", message)
	}
	if m.has(key) && b.BookingURL == "" && slices.Contains(tmpl.Fields(), msgtemplate.FieldBookingLink) {
		c.warnf(node, path, "the template uses {booking_link} but booking_url is not set, so the text leaves out "+
			"the link and any optional section around it: set booking_url, or remove {booking_link}")
	}
	return report
}

// alphabetWarning describes the characters outside GSM-7 in the template src, or in the values inserted into
// it when src has none. It returns "" when the sent text is GSM-7 and src contains no such characters.
func alphabetWarning(src string, sent segment.Result) string {
	inSource := segment.Count(src).NonGSM
	if len(inSource) == 0 {
		if sent.Encoding == segment.GSM7 {
			return ""
		}
		return fmt.Sprintf("with sample values the text contains %s, inserted from the business's name, "+
			"rep_name or booking_url, so texts are sent as UCS-2 with 70 characters per segment instead of 160: "+
			"write those values in GSM-7 characters if possible", describeChars(sent.NonGSM, false))
	}

	message := "the template contains characters outside GSM-7: " + describeChars(inSource, true)
	if sent.Encoding == segment.UCS2 {
		return message + fmt.Sprintf(". Texts are sent as UCS-2 with 70 characters per segment instead of 160, "+
			"%s with sample values: replace or remove them", segmentCount(sent.Segments))
	}
	return message + ". textback replaces them before sending, so texts stay GSM-7: write the replacements " +
		"to make the template match what is sent"
}

// maxDescribedChars is the number of characters a warning lists before it counts the rest.
const maxDescribedChars = 10

// describeChars lists characters with their 0-based offsets, such as `'’' (U+2019) at offset 14`. With
// suggest, each character that segment.Normalize maps into GSM-7 names its replacement.
func describeChars(chars []segment.Char, suggest bool) string {
	more := len(chars) - maxDescribedChars
	chars = chars[:min(len(chars), maxDescribedChars)]
	parts := make([]string, len(chars))
	for i, ch := range chars {
		parts[i] = fmt.Sprintf("%q (U+%04X) at offset %d", ch.Rune, ch.Rune, ch.Index)
		if !suggest {
			continue
		}
		original := string(ch.Rune)
		if fixed := segment.Normalize(original); fixed != original && segment.Count(fixed).Encoding == segment.GSM7 {
			parts[i] += fmt.Sprintf(", use %q instead", fixed)
		}
	}
	if more > 0 {
		parts = append(parts, fmt.Sprintf("and %d more", more))
	}
	return strings.Join(parts, "; ")
}

// segmentCount writes n with the word segment, such as "1 segment" or "3 segments".
func segmentCount(n int) string {
	if n == 1 {
		return "1 segment"
	}
	return fmt.Sprintf("%d segments", n)
}
