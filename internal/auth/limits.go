package auth

import (
	"context"
	"fmt"
	"time"
)

// Limit is how many failed sign-ins are allowed within a window.
type Limit struct {
	Failures int
	Window   time.Duration
}

// Limits caps failed sign-ins per client address and per account.
type Limits struct {
	PerAddress Limit
	PerAccount Limit
}

// DefaultLimits allow a person a few typing mistakes, and slow guessing to a crawl: 5 failures per
// account and 20 per address in 15 minutes.
var DefaultLimits = Limits{
	PerAddress: Limit{Failures: 20, Window: 15 * time.Minute},
	PerAccount: Limit{Failures: 5, Window: 15 * time.Minute},
}

func (l Limits) longestWindow() time.Duration { return max(l.PerAddress.Window, l.PerAccount.Window) }

// Scopes of failed sign-ins in the store.
const (
	scopeAddress = "address"
	scopeAccount = "account"
)

// LockedError says that sign-in is refused for a while, and why.
type LockedError struct {
	// Account is true when the account has too many failures, false when the address has.
	Account bool
	// RetryAfter is how long until one more attempt is allowed.
	RetryAfter time.Duration
}

func (e *LockedError) Error() string {
	who := "from this address"
	if e.Account {
		who = "for this account"
	}
	minutes := int(e.RetryAfter.Round(time.Minute) / time.Minute)
	return fmt.Sprintf("too many failed sign-ins %s: try again in %d minute(s)", who, max(minutes, 1))
}

// checkLimits returns a *LockedError when the address or the account is over its limit.
func (s *Service) checkLimits(ctx context.Context, addr, email string) error {
	checks := []struct {
		scope, key string
		limit      Limit
	}{
		{scopeAddress, addr, s.limits.PerAddress},
		{scopeAccount, email, s.limits.PerAccount},
	}
	now := s.clock()
	for _, c := range checks {
		if c.key == "" || c.limit.Failures <= 0 {
			continue
		}
		failures, err := s.store.LoginFailures(ctx, c.scope, c.key, now.Add(-c.limit.Window), c.limit.Failures)
		if err != nil {
			return err
		}
		if len(failures) >= c.limit.Failures {
			// One more attempt is allowed once the oldest counted failure leaves the window.
			return &LockedError{Account: c.scope == scopeAccount, RetryAfter: failures[0].Add(c.limit.Window).Sub(now)}
		}
	}
	return nil
}

func (s *Service) recordFailure(ctx context.Context, addr, email string) error {
	now := s.clock()
	if addr != "" {
		if err := s.store.RecordLoginFailure(ctx, scopeAddress, addr, now); err != nil {
			return err
		}
	}
	if email != "" {
		return s.store.RecordLoginFailure(ctx, scopeAccount, email, now)
	}
	return nil
}
