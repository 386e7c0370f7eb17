package dashboard

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/textback/textback/internal/msgtemplate"
	"github.com/textback/textback/internal/segment"
	"github.com/textback/textback/internal/store"
)

// sampleFirstName fills {first_name} when a template's length is counted; a long name gives a
// count that real names rarely exceed.
const sampleFirstName = "Alexandra"

// segmentSummary describes how a text is billed, such as "42 characters · GSM-7 · 1 segment".
// A template (kind "template") is counted with the business's own values filled in, as the
// outbound path would send it; other text is counted as typed, after the same normalisation.
func segmentSummary(biz store.Business, kind, text string) string {
	body := text
	if kind == "template" {
		tmpl, err := msgtemplate.Parse(text, msgtemplate.AllFields())
		if err != nil {
			return "Not counted: " + err.Error()
		}
		body = tmpl.Render(map[string]string{
			msgtemplate.FieldFirstName:   sampleFirstName,
			msgtemplate.FieldBusiness:    biz.Name,
			msgtemplate.FieldRep:         biz.RepName,
			msgtemplate.FieldBookingLink: biz.BookingURL,
			msgtemplate.FieldNextOpen:    "tomorrow at 8:00 AM",
			msgtemplate.FieldQuestion:    biz.Settings.Qualifier.Question,
		})
	}
	body = segment.Normalize(strings.TrimSpace(body))
	count := segment.Count(body)
	segments := "segments"
	if count.Segments == 1 {
		segments = "segment"
	}
	units := "characters"
	if count.Encoding == segment.GSM7 {
		units = "GSM-7 units"
	}
	return fmt.Sprintf("%d %s · %s · %d %s", count.Units, units, count.Encoding, count.Segments, segments)
}

// segments returns the page script's live count of a textarea. It changes nothing, but is a POST
// so that long text fits, and carries the CSRF token like every POST.
func (d *Dashboard) segments(w http.ResponseWriter, r *http.Request, req request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	text := r.PostFormValue("text")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte(segmentSummary(req.biz, r.PostFormValue("kind"), text)))
}
