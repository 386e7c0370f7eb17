package manifest

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/textback/textback/internal/msgtemplate"
	"github.com/textback/textback/internal/segment"
)

// Sample values for the fields that vary per caller and per call, used to count segments.
const (
	sampleFirstName = "Alexandra"
	sampleNextOpen  = "Saturday at 10:30 AM"
	sampleTime      = "Tue Mar 11, 3:00 PM CDT"
	sampleAddress   = "1200 W Washington Blvd, Chicago, IL"
	sampleCalendar  = "Repairs"
)

// maxSegments is the number of segments above which a template gets a warning.
const maxSegments = 2

// smsTemplate is an SMS template to report on, with the place in the file that warnings about it point at.
type smsTemplate struct {
	// name is the template's name in the report, such as "text_back" or "keyword TOW reply".
	name string
	src  string
	node *yaml.Node
	path string
	// written is true when the file sets the template, and false for a default.
	written bool
	// followsTextBack is true for a follow-up. It goes after a text back that may have reached the lead, so
	// the sender normally adds no opt-out line to it.
	followsTextBack bool
}

// report counts the segments of the SMS template t and records warnings about its length, its alphabet and a
// missing booking link. The template must parse with every field, as every template that reaches it has.
func (c *checker) report(t smsTemplate, b *Business) TemplateReport {
	tmpl, err := msgtemplate.Parse(t.src, slices.Concat(msgtemplate.AllFields(), msgtemplate.BookingFields()))
	if err != nil {
		// The caller has parsed t.src already, or t.src is a default that the msgtemplate or store tests parse.
		return TemplateReport{Name: t.name}
	}
	rendered := strings.TrimSpace(tmpl.Render(map[string]string{
		msgtemplate.FieldFirstName:   sampleFirstName,
		msgtemplate.FieldBusiness:    b.Name,
		msgtemplate.FieldRep:         b.RepName,
		msgtemplate.FieldBookingLink: b.BookingURL,
		msgtemplate.FieldNextOpen:    sampleNextOpen,
		msgtemplate.FieldQuestion:    b.Settings.Qualifier.Question,
		msgtemplate.FieldTime:        sampleTime,
		msgtemplate.FieldAddress:     sampleAddress,
		msgtemplate.FieldCalendar:    sampleCalendar,
	}))
	// The sender normalises the text and appends the opt-out instruction to a first text that has none.
	body := segment.Normalize(rendered)
	if body != "" && !t.followsTextBack && !msgtemplate.HasOptOutWording(body) {
		body += " " + msgtemplate.OptOutSuffix
	}
	count := segment.Count(body)
	report := TemplateReport{
		Name:     t.name,
		Encoding: count.Encoding,
		Segments: count.Segments,
		Units:    count.Units,
		NonGSM:   count.NonGSM,
	}

	if count.Segments > maxSegments {
		limit := 2 * 153
		if count.Encoding == segment.UCS2 {
			limit = 2 * 67
		}
		with := "with sample values and the opt-out text"
		if t.followsTextBack {
			with = "with sample values"
		}
		c.warnf(t.node, t.path, "%s, this text is %s (%d %s units), and each segment is billed as one SMS: "+
			"shorten it to %d units, which fit in %s", with, segmentCount(count.Segments), count.Units,
			count.Encoding, limit, segmentCount(maxSegments))
	}
	if message := alphabetWarning(t.src, count); message != "" {
		c.warnf(t.node, t.path, "%s", message)
	}
	if t.written && b.BookingURL == "" && slices.Contains(tmpl.Fields(), msgtemplate.FieldBookingLink) {
		c.warnf(t.node, t.path, "the template uses {booking_link} but booking_url is not set, so the text leaves "+
			"out the link and any optional section around it: set booking_url, or remove {booking_link}")
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
			"rep_name, booking_url or qualifying question, so texts are sent as UCS-2 with 70 characters per "+
			"segment instead of 160: write those values in GSM-7 characters if possible",
			describeChars(sent.NonGSM, false))
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
