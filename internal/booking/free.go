package booking

import (
	"context"
	"time"

	"github.com/textback/textback/internal/store"
)

// Free returns the free slots of the calendars that start in [from, to), by start, without holding
// any, as the booking page lists them. Calendars without hours are skipped. A time that is free in
// several calendars is returned once for each, with the calendars' order kept among equal starts.
// Minimum notice and horizons are counted from the store's clock.
func (s *Service) Free(ctx context.Context, calendars []store.Calendar, from, to time.Time) ([]Slot, error) {
	return s.candidates(ctx, calendars, s.store.Now(), from, to)
}
