package store

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/store/dbsqlc"
	"github.com/textback/textback/internal/tz"
)

// Business is one tenant: a company with its numbers, hours and text-back settings.
type Business struct {
	ID         BusinessID
	Slug       string
	Name       string
	TimeZone   string // IANA zone, such as "America/Chicago"
	Region     string // ISO 3166 country for reading numbers written without a country code
	RepName    string
	BookingURL string
	Hours      hours.Week
	TextBack   TextBackSettings
	Settings   Settings
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// TextBackSettings is how a business answers missed calls.
type TextBackSettings struct {
	Enabled bool
	// Window is the time after a text back during which the same caller gets no other.
	Window             time.Duration
	Template           string
	AfterHoursTemplate string
	// MissedCallMessage is spoken to callers when nobody is rung or nobody answered.
	MissedCallMessage string
	// ScreenPrompt is spoken to the person who picks up a forwarded call when screening is on.
	ScreenPrompt string
}

// Location returns the business's time zone. A zone that no longer loads falls back to UTC; the
// configuration loader rejects unknown zones, so this only happens when the zone database changes.
func (b Business) Location() *time.Location {
	loc, err := tz.Load(b.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// UpsertBusiness creates the business with b's slug or updates it, and returns the stored row.
func (o ops) UpsertBusiness(ctx context.Context, b Business) (Business, error) {
	hoursJSON, err := json.Marshal(b.Hours)
	if err != nil {
		return Business{}, fmt.Errorf("upsert business %s: %w", b.Slug, err)
	}
	if reflect.ValueOf(b.Settings).IsZero() {
		b.Settings = DefaultSettings()
	}
	settingsJSON, err := json.Marshal(b.Settings)
	if err != nil {
		return Business{}, fmt.Errorf("upsert business %s: %w", b.Slug, err)
	}
	row, err := o.q.UpsertBusiness(ctx, dbsqlc.UpsertBusinessParams{
		Slug:                  b.Slug,
		Name:                  b.Name,
		TimeZone:              b.TimeZone,
		Region:                b.Region,
		RepName:               b.RepName,
		BookingUrl:            b.BookingURL,
		Hours:                 string(hoursJSON),
		TextBackEnabled:       b.TextBack.Enabled,
		TextBackWindowSeconds: int64(b.TextBack.Window / time.Second),
		TextBackTemplate:      b.TextBack.Template,
		AfterHoursTemplate:    b.TextBack.AfterHoursTemplate,
		MissedCallMessage:     b.TextBack.MissedCallMessage,
		ScreenPrompt:          b.TextBack.ScreenPrompt,
		Settings:              string(settingsJSON),
		CreatedAt:             o.Now(),
	})
	if err != nil {
		return Business{}, fmt.Errorf("upsert business %s: %w", b.Slug, err)
	}
	return businessFromRow(row)
}

// GetBusiness returns the business with id, or an error wrapping ErrNotFound.
func (o ops) GetBusiness(ctx context.Context, id BusinessID) (Business, error) {
	row, err := o.q.GetBusiness(ctx, int64(id))
	if err != nil {
		return Business{}, notFound(err, "get business %d", id)
	}
	return businessFromRow(row)
}

// GetBusinessBySlug returns the business with slug, or an error wrapping ErrNotFound.
func (o ops) GetBusinessBySlug(ctx context.Context, slug string) (Business, error) {
	row, err := o.q.GetBusinessBySlug(ctx, slug)
	if err != nil {
		return Business{}, notFound(err, "get business %q", slug)
	}
	return businessFromRow(row)
}

// ListBusinesses returns every business ordered by slug.
func (o ops) ListBusinesses(ctx context.Context) ([]Business, error) {
	rows, err := o.q.ListBusinesses(ctx)
	if err != nil {
		return nil, fmt.Errorf("list businesses: %w", err)
	}
	out := make([]Business, 0, len(rows))
	for _, row := range rows {
		b, err := businessFromRow(row)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// CountBusinesses returns how many businesses exist.
func (o ops) CountBusinesses(ctx context.Context) (int64, error) {
	n, err := o.q.CountBusinesses(ctx)
	if err != nil {
		return 0, fmt.Errorf("count businesses: %w", err)
	}
	return n, nil
}

func businessFromRow(row dbsqlc.Business) (Business, error) {
	b := Business{
		ID:         BusinessID(row.ID),
		Slug:       row.Slug,
		Name:       row.Name,
		TimeZone:   row.TimeZone,
		Region:     row.Region,
		RepName:    row.RepName,
		BookingURL: row.BookingUrl,
		TextBack: TextBackSettings{
			Enabled:            row.TextBackEnabled,
			Window:             time.Duration(row.TextBackWindowSeconds) * time.Second,
			Template:           row.TextBackTemplate,
			AfterHoursTemplate: row.AfterHoursTemplate,
			MissedCallMessage:  row.MissedCallMessage,
			ScreenPrompt:       row.ScreenPrompt,
		},
		CreatedAt: row.CreatedAt.UTC(),
		UpdatedAt: row.UpdatedAt.UTC(),
	}
	if err := json.Unmarshal([]byte(row.Hours), &b.Hours); err != nil {
		return Business{}, fmt.Errorf("read hours of business %s: %w", row.Slug, err)
	}
	if row.Settings == "{}" || row.Settings == "" {
		b.Settings = DefaultSettings()
		return b, nil
	}
	if err := json.Unmarshal([]byte(row.Settings), &b.Settings); err != nil {
		return Business{}, fmt.Errorf("read settings of business %s: %w", row.Slug, err)
	}
	b.Settings = b.Settings.withDefaults()
	return b, nil
}
