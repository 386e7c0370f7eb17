package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/msgtemplate"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/provider/sandbox"
	"github.com/textback/textback/internal/store"
)

// Demo values: a sandbox account and a plumber open on weekdays and Saturday mornings.
const (
	DemoProvider   = "sandbox"
	DemoSlug       = "demo-plumbing"
	DemoNumber     = "+13125550199"
	DemoForwardTo  = "+13125550100"
	demoTimeZone   = "America/Chicago"
	demoRingSecs   = 18
	demoWindowDays = 1
)

// SeedDemo creates the sandbox provider and a demo business when the database has no business
// at all, so that a first run of textback shows the whole flow without any account. It does
// nothing on a database that has businesses.
func SeedDemo(ctx context.Context, s *store.Store, log *slog.Logger) error {
	n, err := s.CountBusinesses(ctx)
	if err != nil || n > 0 {
		return err
	}
	sid, err := sandbox.NewSID("AC")
	if err != nil {
		return err
	}
	token, err := sandbox.NewToken()
	if err != nil {
		return err
	}
	var week hours.Week
	for d := time.Monday; d <= time.Friday; d++ {
		week[d] = []hours.Range{{Start: 8 * 60, End: 18 * 60}}
	}
	week[time.Saturday] = []hours.Range{{Start: 9 * 60, End: 12 * 60}}
	err = s.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.UpsertProvider(ctx, store.Provider{Name: DemoProvider, Kind: sandbox.Kind, AccountSID: sid, AuthToken: token})
		if err != nil {
			return err
		}
		b, err := tx.UpsertBusiness(ctx, store.Business{
			Slug: DemoSlug, Name: "Demo Plumbing", TimeZone: demoTimeZone, Region: "US", RepName: "Dana", Hours: week,
			TextBack: store.TextBackSettings{
				Enabled:            true,
				Window:             demoWindowDays * 24 * time.Hour,
				Template:           msgtemplate.DefaultTextBack,
				AfterHoursTemplate: msgtemplate.DefaultAfterHours,
				MissedCallMessage:  msgtemplate.DefaultMissedCallMessage,
				ScreenPrompt:       msgtemplate.DefaultScreenPrompt,
			},
		})
		if err != nil {
			return err
		}
		_, err = tx.UpsertNumber(ctx, store.Number{
			BusinessID: b.ID, ProviderID: p.ID, E164: DemoNumber, Mode: store.ModeDial, ForwardTo: DemoForwardTo,
			RingSeconds: demoRingSecs, AnswerCheck: provider.AnswerCheckMachine,
		})
		return err
	})
	if err != nil {
		return err
	}
	log.Info("empty database: created the sandbox provider and a demo business",
		slog.String("business", DemoSlug), slog.String("number", DemoNumber))
	return nil
}
