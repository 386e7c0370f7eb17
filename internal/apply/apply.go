// Package apply writes a validated textback.yaml into the database. It upserts by name, slug and
// number, in one transaction, so running it again with the same file changes nothing and a
// failure leaves the database as it was.
//
// The file is the source of truth for every provider, business, number and calendar it lists: a
// setting it leaves out is written with its default, so a number listed without a pbx block loses
// its PBX webhook token and secret. Rows the file does not list are never changed.
package apply

import (
	"context"
	"errors"
	"fmt"

	"github.com/textback/textback/internal/broadcast"
	"github.com/textback/textback/internal/manifest"
	"github.com/textback/textback/internal/provider/sandbox"
	"github.com/textback/textback/internal/store"
)

// Result counts what a run wrote.
type Result struct {
	Providers  int
	Businesses int
	Numbers    int
	Calendars  int
}

// Apply upserts every provider, business, number and calendar of f into s.
func Apply(ctx context.Context, s *store.Store, f *manifest.File) (Result, error) {
	var res Result
	err := s.InTx(ctx, func(tx *store.Tx) error {
		if err := releaseWebhookTokens(ctx, tx, f); err != nil {
			return err
		}
		ids := map[string]store.ProviderID{}
		for _, p := range f.Providers {
			stored, err := upsertProvider(ctx, tx, p)
			if err != nil {
				return err
			}
			ids[p.Name] = stored.ID
			res.Providers++
		}
		for _, b := range f.Businesses {
			if err := upsertBusiness(ctx, tx, b, ids, &res); err != nil {
				return err
			}
		}
		// Running servers drop their cached settings once this commits.
		return broadcast.Publish(ctx, tx, broadcast.TopicSettings, f.Name)
	})
	if err != nil {
		return Result{}, fmt.Errorf("apply %s: %w", f.Name, err)
	}
	return res, nil
}

// upsertProvider stores p. A sandbox account declared without credentials keeps the ones it
// was given on an earlier run, or gets new random ones.
func upsertProvider(ctx context.Context, tx *store.Tx, p manifest.Provider) (store.Provider, error) {
	row := store.Provider{
		Name: p.Name, Kind: p.Kind, AccountSID: p.AccountSID, AuthToken: p.AuthToken, APIBaseURL: p.APIBaseURL,
		PublicKey: p.PublicKey,
	}
	if p.Kind == sandbox.Kind && (row.AccountSID == "" || row.AuthToken == "") {
		existing, err := tx.GetProviderByName(ctx, p.Name)
		switch {
		case err == nil && existing.Kind == sandbox.Kind:
			row.AccountSID = cmpOr(row.AccountSID, existing.AccountSID)
			row.AuthToken = cmpOr(row.AuthToken, existing.AuthToken)
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return store.Provider{}, err
		}
		if row.AccountSID == "" {
			if row.AccountSID, err = sandbox.NewSID("AC"); err != nil {
				return store.Provider{}, err
			}
		}
		if row.AuthToken == "" {
			if row.AuthToken, err = sandbox.NewToken(); err != nil {
				return store.Provider{}, err
			}
		}
	}
	return tx.UpsertProvider(ctx, row)
}

func upsertBusiness(ctx context.Context, tx *store.Tx, b manifest.Business, providers map[string]store.ProviderID, res *Result) error {
	stored, err := tx.UpsertBusiness(ctx, store.Business{
		Slug: b.Slug, Name: b.Name, TimeZone: b.TimeZone, Region: b.Region, RepName: b.RepName,
		BookingURL: b.BookingURL, Hours: b.Hours,
		TextBack: store.TextBackSettings{
			Enabled:            b.TextBack.Enabled,
			Window:             b.TextBack.Window,
			Template:           b.TextBack.Template,
			AfterHoursTemplate: b.TextBack.AfterHoursTemplate,
			MissedCallMessage:  b.TextBack.MissedCallMessage,
			ScreenPrompt:       b.TextBack.ScreenPrompt,
		},
		Settings: b.Settings,
	})
	if err != nil {
		return err
	}
	res.Businesses++
	for _, n := range b.Numbers {
		providerID, ok := providers[n.Provider]
		if !ok {
			return fmt.Errorf("number %s: provider %q is not declared", n.E164, n.Provider)
		}
		_, err := tx.UpsertNumber(ctx, store.Number{
			BusinessID: stored.ID, ProviderID: providerID, E164: n.E164, Mode: n.Mode, ForwardTo: n.ForwardTo,
			RingSeconds: n.RingSeconds, AnswerCheck: n.AnswerCheck, ProviderConfirmsOptOut: n.ProviderConfirmsOptOut,
			WebhookToken: n.WebhookToken, WebhookSecret: n.WebhookSecret,
		})
		if err != nil {
			return err
		}
		res.Numbers++
	}
	return upsertCalendars(ctx, tx, stored.ID, b.Calendars, res)
}

// upsertCalendars stores the business's calendars by slug. An existing calendar keeps its feed
// token, so that subscriptions to its feed keep working. A calendar the file no longer lists is
// left as it is, bookings and all.
func upsertCalendars(
	ctx context.Context, tx *store.Tx, business store.BusinessID, calendars []manifest.Calendar, res *Result,
) error {
	for _, c := range calendars {
		_, err := tx.UpsertCalendar(ctx, store.Calendar{
			BusinessID: business, Slug: c.Slug, Name: c.Name, TimeZone: c.TimeZone, Hours: c.Hours,
			SlotLength: c.SlotLength, BufferBefore: c.BufferBefore, BufferAfter: c.BufferAfter,
			MinNotice: c.MinNotice, Horizon: c.Horizon, MaxPerDay: c.MaxPerDay, Closures: c.Closures,
			Address: c.Address,
		})
		if err != nil {
			return fmt.Errorf("calendar %s (line %d): %w", c.Slug, c.Line, err)
		}
		res.Calendars++
	}
	return nil
}

// releaseWebhookTokens prepares the numbers of f for their PBX webhook tokens, which the store
// keeps unique. It rejects a token that a number outside f holds, because apply changes only the
// rows f lists. It then clears the stored token of each number of f whose token changes, so that
// two numbers of f can swap tokens in one run.
func releaseWebhookTokens(ctx context.Context, tx *store.Tx, f *manifest.File) error {
	listed := map[string]bool{}
	for _, b := range f.Businesses {
		for _, n := range b.Numbers {
			listed[n.E164] = true
		}
	}
	for _, b := range f.Businesses {
		for _, n := range b.Numbers {
			if n.WebhookToken == "" {
				continue
			}
			holder, err := tx.GetNumberByWebhookToken(ctx, n.WebhookToken)
			switch {
			case err == nil && !listed[holder.E164]:
				return fmt.Errorf("number %s (line %d): pbx token %q is already the token of number %s, which "+
					"the file does not list: choose another token, or list %s in the file without a pbx block "+
					"so that apply clears its token", n.E164, n.Line, n.WebhookToken, holder.E164, holder.E164)
			case err != nil && !errors.Is(err, store.ErrNotFound):
				return err
			}
		}
	}
	for _, b := range f.Businesses {
		for _, n := range b.Numbers {
			stored, err := tx.GetNumberByE164(ctx, n.E164)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if stored.WebhookToken == "" || stored.WebhookToken == n.WebhookToken {
				continue
			}
			stored.WebhookToken = ""
			if _, err := tx.UpsertNumber(ctx, stored); err != nil {
				return fmt.Errorf("release the pbx token of number %s: %w", n.E164, err)
			}
		}
	}
	return nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
