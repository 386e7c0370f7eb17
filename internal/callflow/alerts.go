package callflow

import (
	"context"
	"fmt"

	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/team"
)

// alertMissed tells the team about a missed call once its text back is decided: always when the
// caller could not be texted or the phone setup needs fixing, otherwise when the business wants
// alerts on every missed call. Repeated calls from one caller add to one alert.
func (p *Processor) alertMissed(
	ctx context.Context, tx *store.Tx, id store.CallID, number store.Number, business store.Business, v Verdict,
) error {
	call, err := tx.GetCall(ctx, id)
	if err != nil {
		return err
	}
	at := call.StartedAt.In(business.Location()).Format("3:04 PM")
	if setup := setupProblem(call, number, v); setup != "" {
		if _, err := p.team.Raise(ctx, tx, team.Event{
			BusinessID: business.ID, Kind: team.KindSetup, Priority: team.High, Summary: setup,
			Detail: "Call " + call.ProviderCallID + " at " + at, At: call.StartedAt,
			DedupeKey: fmt.Sprintf("setup:%d", call.ID),
		}); err != nil {
			return err
		}
	}
	ev := team.Event{
		BusinessID: business.ID, ContactID: call.ContactID, Kind: team.KindMissedCall, Priority: team.Normal,
		At: call.StartedAt, Detail: call.Decision, DedupeKey: fmt.Sprintf("missed:%d", call.ID),
	}
	who := phone.Format(call.FromRaw, business.Region)
	switch call.TextBackReason {
	case SkipUnreachable:
		ev.Summary = "Missed call from a withheld or unknown number at " + at + "; no text sent"
	case SkipOptedOut:
		ev.Summary = "Missed call from " + who + ", who opted out of texts; please call back"
	case SkipCannotText, SkipOwnPhone, SkipDisabled:
		// The fallback alerted already, the business called itself, or texting is off on purpose.
		return nil
	default:
		if !business.Settings.Alerts.MissedCalls {
			return nil
		}
		ev.Summary = "Missed call from " + who
		if call.TextBack == store.TextBackQueued {
			ev.Summary += "; texted back"
		}
	}
	_, err = p.team.Raise(ctx, tx, ev)
	return err
}

// setupProblem describes a missed call that points at the phone setup, or returns "".
func setupProblem(call store.Call, number store.Number, v Verdict) string {
	switch {
	case v.Reason == "failed":
		return "The phone textback rings, " + number.ForwardTo + ", could not be reached"
	case number.Mode == store.ModeDial && call.Handling == store.HandlingNoDial && call.ForwardedFrom != "":
		return "Your phone " + number.ForwardTo + " is forwarding every call to textback, so it never rings first: " +
			"check its call forwarding settings"
	}
	return ""
}
