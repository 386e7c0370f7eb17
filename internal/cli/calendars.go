package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"text/tabwriter"

	"github.com/textback/textback/internal/config"
	"github.com/textback/textback/internal/store"
)

// calendarRow is one calendar as the calendars command prints it.
type calendarRow struct {
	Slug     string `json:"slug"`
	Name     string `json:"name"`
	TimeZone string `json:"time_zone"`
	// Bookable is false for a calendar without hours, which offers no slots.
	Bookable bool   `json:"bookable"`
	FeedURL  string `json:"feed_url"`
}

// calendarList is the calendars command's JSON output.
type calendarList struct {
	Business       string        `json:"business"`
	BookingPageURL string        `json:"booking_page_url"`
	Calendars      []calendarRow `json:"calendars"`
}

func runCalendars(ctx context.Context, args []string, streams IO) error {
	var cfg config.Config
	fs := newFlags("calendars", "--business slug [--rotate-feed calendar-slug] [--json]", streams)
	if err := cfg.Register(fs, streams.Env, "addr", "db", "public-url"); err != nil {
		return err
	}
	cfg.LogLevel, cfg.LogFormat = "warn", "text"
	slug := fs.String("business", "", "the business whose calendars to list (its slug; required)")
	rotate := fs.String("rotate-feed", "", "give the calendar with this slug a new feed URL; "+
		"the old URL stops working at once")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *slug == "" {
		fs.Usage()
		return errors.New("missing --business: name the business, such as --business acme-plumbing")
	}
	if err := cfg.Finish(); err != nil {
		return err
	}
	s, err := openExisting(ctx, cfg, streams)
	if err != nil {
		return err
	}
	defer s.Close()
	b, err := businessBySlug(ctx, s, *slug)
	if err != nil {
		return err
	}
	if *rotate != "" {
		return rotateFeed(ctx, s, b, *rotate, cfg.PublicURL, *asJSON, streams.Stdout)
	}
	calendars, err := s.ListCalendars(ctx, b.ID)
	if err != nil {
		return err
	}
	list := calendarList{
		Business: b.Slug, BookingPageURL: bookingPageURL(cfg.PublicURL, b.Slug), Calendars: []calendarRow{},
	}
	for _, c := range calendars {
		list.Calendars = append(list.Calendars, rowOf(c, cfg.PublicURL))
	}
	if *asJSON {
		return printJSON(streams.Stdout, list)
	}
	return printCalendars(streams.Stdout, list)
}

func printCalendars(w io.Writer, list calendarList) error {
	if len(list.Calendars) == 0 {
		_, err := fmt.Fprintf(w, "%s has no calendars: declare them under calendars in textback.yaml "+
			"and run textback apply\n", list.Business)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SLUG\tNAME\tTIME ZONE\tBOOKABLE\tFEED URL")
	for _, r := range list.Calendars {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Slug, r.Name, r.TimeZone, yesNo(r.Bookable), r.FeedURL)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\nbooking page: %s\n"+
		"Anyone with a feed URL can read that calendar's bookings: share it only with the people who "+
		"work the calendar.\n", list.BookingPageURL)
	return err
}

// rotateFeed gives the business's calendar with slug a new feed token and prints its new URL.
func rotateFeed(
	ctx context.Context, s *store.Store, b store.Business, slug, publicURL string, asJSON bool, w io.Writer,
) error {
	cal, err := s.GetCalendarBySlug(ctx, b.ID, slug)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("unknown calendar %q: %s has no calendar with that slug; "+
			"run textback calendars --business %s to list them", slug, b.Slug, b.Slug)
	}
	if err != nil {
		return err
	}
	cal, err = s.RotateCalendarFeedToken(ctx, b.ID, cal.ID)
	if err != nil {
		return err
	}
	row := rowOf(cal, publicURL)
	if asJSON {
		return printJSON(w, row)
	}
	_, err = fmt.Fprintf(w, "new feed URL of %s: %s\n"+
		"The old URL no longer works: subscribe again with the new one.\n", row.Slug, row.FeedURL)
	return err
}

func rowOf(c store.Calendar, publicURL string) calendarRow {
	return calendarRow{
		Slug: c.Slug, Name: c.Name, TimeZone: c.TimeZone, Bookable: c.Bookable(), FeedURL: feedURL(publicURL, c.FeedToken),
	}
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// feedURL returns the URL of the feed with token under publicURL, at the path that serve routes
// to the feed.
func feedURL(publicURL, token string) string {
	return publicURL + "/calendars/" + url.PathEscape(token) + ".ics"
}

// bookingPageURL returns the URL of the business's booking page under publicURL.
func bookingPageURL(publicURL, slug string) string {
	return publicURL + "/book/" + url.PathEscape(slug)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no (no hours)"
}
