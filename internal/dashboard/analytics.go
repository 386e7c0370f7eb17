package dashboard

import (
	"fmt"
	"net/http"
	"time"

	"github.com/textback/textback/internal/analytics"
)

// analyticsMaxRows bounds each list one report reads.
const analyticsMaxRows = 50000

// periods are the report lengths the page offers, in days.
var periods = []int{7, 30, 90}

type analyticsData struct {
	Days         int
	Periods      []int
	Report       analytics.Report
	ReplyRate    string
	Chart        barChart
	Funnel       []funnelStep
	FunnelHeight int
}

// barChart is a daily chart of missed and texted calls, laid out for an SVG of Width x Height.
type barChart struct {
	Width, Height int
	Bars          []bar
	Max           int
	Labels        []axisLabel
}

type bar struct {
	X, W             float64
	MissedY, MissedH float64
	TextedY, TextedH float64
	Title            string
}

type axisLabel struct {
	X    float64
	Text string
}

// funnelStep is one bar of the funnel chart, laid out in an SVG 640 wide.
type funnelStep struct {
	Label   string
	Count   int
	Percent string
	// Y and TextY place the bar and its text; BarWidth is its share of 400 units, which leaves
	// room for the count written at CountX.
	Y, TextY, BarWidth, CountX float64
	Opacity                    string
}

// funnelRow is the height of one funnel step.
const funnelRow = 34

func (d *Dashboard) analytics(w http.ResponseWriter, r *http.Request, req request) {
	days := 30
	for _, p := range periods {
		if r.URL.Query().Get("days") == fmt.Sprint(p) {
			days = p
		}
	}
	loc := req.biz.Location()
	now := d.clock().In(loc)
	until := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, loc)
	since := until.AddDate(0, 0, -days)
	facts, err := req.scope.AnalyticsFacts(r.Context(), since, until, analytics.FollowWindow, analyticsMaxRows)
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	report := analytics.Compute(facts, since, until, loc)
	data := analyticsData{Days: days, Periods: periods, Report: report,
		ReplyRate: fmt.Sprintf("%.0f%%", 100*report.ReplyRate()), Chart: dailyChart(report), Funnel: funnel(report)}
	data.FunnelHeight = len(data.Funnel) * funnelRow
	d.render(w, r, http.StatusOK, "analytics", "", d.page(req, "Analytics", "analytics", data))
}

// dailyChart lays out one bar pair per day: missed calls behind, texted calls in front.
func dailyChart(r analytics.Report) barChart {
	c := barChart{Width: 640, Height: 200}
	const top, bottom = 10.0, 24.0
	for _, day := range r.Days {
		c.Max = max(c.Max, day.Missed)
	}
	scale := 0.0
	if c.Max > 0 {
		scale = (float64(c.Height) - top - bottom) / float64(c.Max)
	}
	n := max(len(r.Days), 1)
	step := float64(c.Width) / float64(n)
	base := float64(c.Height) - bottom
	for i, day := range r.Days {
		x := float64(i) * step
		b := bar{X: x + step*0.1, W: step * 0.8,
			MissedH: float64(day.Missed) * scale, TextedH: float64(day.Texted) * scale,
			Title: fmt.Sprintf("%s: %d missed, %d texted", day.Date.Format("Mon Jan 2"), day.Missed, day.Texted)}
		b.MissedY, b.TextedY = base-b.MissedH, base-b.TextedH
		c.Bars = append(c.Bars, b)
		if i%max(n/7, 1) == 0 {
			// The label is centred on its bar, but never cut off at the chart's left edge.
			c.Labels = append(c.Labels, axisLabel{X: max(x+step/2, 20), Text: day.Date.Format("Jan 2")})
		}
	}
	return c
}

func funnel(r analytics.Report) []funnelStep {
	steps := []funnelStep{
		{Label: "Missed calls", Count: r.Missed},
		{Label: "Texted back", Count: r.Texted},
		{Label: "Replied", Count: r.Replied},
		{Label: "Booked", Count: r.Booked},
	}
	opacities := []string{"0.4", "0.6", "0.8", "1"}
	for i := range steps {
		s := &steps[i]
		s.Y, s.TextY, s.Opacity = float64(i*funnelRow+4), float64(i*funnelRow+22), opacities[i]
		if r.Missed > 0 {
			share := float64(s.Count) / float64(r.Missed)
			s.BarWidth = 400 * share
			s.Percent = fmt.Sprintf("%.0f%%", 100*share)
		}
		s.CountX = 156 + s.BarWidth
	}
	return steps
}

// formatDelay writes a time to first text for people: "350 ms", "4.2 s", "1 min 5 s", or "–"
// for none.
func formatDelay(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%d min %d s", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%.1f h", d.Hours())
}
