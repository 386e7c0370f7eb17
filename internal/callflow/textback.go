package callflow

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/msgtemplate"
	"github.com/textback/textback/internal/outbound"
	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/store"
)

// Reasons a missed call gets no text back, recorded on the call.
const (
	SkipDisabled    = "disabled"     // the business turned text back off
	SkipOwnPhone    = "own-phone"    // the caller is the business's own phone
	SkipOptedOut    = "opted-out"    // the caller asked not to be texted
	SkipCannotText  = "cannot-text"  // the caller's number cannot receive texts
	SkipWindow      = "window"       // the caller was texted back within the window
	SkipHeld        = "held"         // a check on the outbound path held the text
	SkipUnreachable = "not-textable" // the caller id is withheld, invalid, a short code or not a phone
)

// textBack queues the text back for a missed call, or records why there is none.
func (p *Processor) textBack(
	ctx context.Context, tx *store.Tx, call store.Call, number store.Number, business store.Business, decision string,
) (string, error) {
	log := p.log.With(slog.Int64("business_id", int64(business.ID)), slog.String("call_sid", call.ProviderCallID))
	skip := func(contact store.ContactID, reason, why string) (string, error) {
		record := decision + "; not texted: " + why
		log.Info("missed call not texted", slog.String("reason", reason))
		return record, tx.SetCallTextBack(ctx, call.ID, contact, store.TextBackSkipped, reason, record)
	}
	if !business.TextBack.Enabled {
		return skip(0, SkipDisabled, "text back is turned off for this business")
	}
	caller, why := phone.ClassifyCaller(call.FromRaw, business.Region)
	if why != phone.Textable {
		return skip(0, SkipUnreachable, fmt.Sprintf("caller id %q is %s", call.FromRaw, why))
	}
	if caller.E164 == number.ForwardTo || caller.E164 == number.E164 {
		return skip(0, SkipOwnPhone, "the call came from the business's own phone")
	}
	contact, err := tx.UpsertContact(ctx, business.ID, caller.E164)
	if err != nil {
		return "", err
	}
	if contact.OptedOut() {
		return skip(contact.ID, SkipOptedOut, "caller opted out")
	}
	if contact.SMSBlocked != "" {
		// No text is attempted: the lead gets the next step by email when possible, and the team a
		// call-back task and an alert.
		_, tmpl, values := p.compose(business, contact, call.StartedAt, p.clock())
		if err := p.team.CannotText(ctx, tx, business, contact, contact.SMSBlocked, tmpl.Render(values),
			fmt.Sprintf("call:%d", call.ID)); err != nil {
			return "", err
		}
		return skip(contact.ID, SkipCannotText, "caller's number cannot receive texts ("+contact.SMSBlocked+
			"); call-back task created and team alerted")
	}
	now := p.clock()
	choice, chose, err := p.menuChoice(ctx, tx, call)
	if err != nil {
		return "", err
	}
	if chose && choice.Requested {
		// The caller asked for this text in the menu, so it goes even within the window.
		if err := tx.SetContactTextBackAt(ctx, business.ID, contact.ID, now); err != nil {
			return "", err
		}
	} else {
		claimed, err := tx.ClaimTextBackWindow(ctx, business.ID, contact.ID, now, business.TextBack.Window)
		if err != nil {
			return "", err
		}
		if !claimed {
			ago := now.Sub(contact.LastTextBackAt).Round(time.Minute)
			return skip(contact.ID, SkipWindow, "caller was texted back "+describeAgo(ago))
		}
	}
	name, tmpl, values := p.compose(business, contact, call.StartedAt, now)
	if chose {
		name, tmpl = p.menuTemplate(business, choice, name, tmpl)
	}
	asked := values[msgtemplate.FieldQuestion] != "" && usesField(tmpl, msgtemplate.FieldQuestion)
	msg, err := p.sender.Queue(ctx, tx, outbound.Request{
		BusinessID:   business.ID,
		ContactID:    contact.ID,
		NumberID:     number.ID,
		CallID:       call.ID,
		Body:         tmpl.Render(values),
		Purpose:      store.PurposeTextBack,
		TemplateName: name,
		Details: store.MessageDetails{
			Trigger:  "missed call " + call.ProviderCallID + " (" + decision + ")",
			Template: tmpl.Source(),
			Values:   values,
		},
		IdempotencyKey: fmt.Sprintf("text-back:call:%d", call.ID),
	})
	if err != nil {
		return "", err
	}
	if msg.Status == store.StatusHeld {
		return skip(contact.ID, SkipHeld, msg.HoldReason)
	}
	if asked {
		if err := tx.SetConversationAwaiting(ctx, msg.ConversationID, store.AwaitingQualifier); err != nil {
			return "", err
		}
	}
	if p.followups != nil {
		if err := p.followups.Start(ctx, tx, business, contact.ID, call); err != nil {
			return "", err
		}
	}
	record := decision + "; texted (" + name + ")"
	return record, tx.SetCallTextBack(ctx, call.ID, contact.ID, store.TextBackQueued, name, record)
}

// compose picks the business-hours or after-hours template for a call that started at start and
// fills in its values.
func (p *Processor) compose(
	b store.Business, c store.Contact, start, now time.Time,
) (string, *msgtemplate.Template, map[string]string) {
	loc := b.Location()
	name, src, def := "text_back", b.TextBack.Template, msgtemplate.DefaultTextBack
	values := map[string]string{
		msgtemplate.FieldFirstName:   c.FirstName,
		msgtemplate.FieldBusiness:    b.Name,
		msgtemplate.FieldRep:         b.RepName,
		msgtemplate.FieldBookingLink: b.BookingURL,
		msgtemplate.FieldQuestion:    b.Settings.Qualifier.Question,
	}
	if !b.Hours.IsOpen(start, loc) {
		name, src, def = "after_hours", b.TextBack.AfterHoursTemplate, msgtemplate.DefaultAfterHours
		if open, ok := b.Hours.NextOpen(now, loc); ok {
			// NOTE: next_open is described relative to now, when the text is queued. A text back
			// that quiet hours hold until morning (QuietHours.HoldInstantReplies) still reads, for
			// example, "tomorrow at 8:00 AM" when it goes out on the morning of that day.
			values[msgtemplate.FieldNextOpen] = hours.Describe(now, open, loc)
		}
	}
	if src == "" {
		src = def
	}
	t, err := msgtemplate.Parse(src, msgtemplate.AllFields())
	if err != nil {
		p.log.Error("stored template invalid, using the default", slog.Int64("business_id", int64(b.ID)),
			slog.String("template", name), slog.String("error", err.Error()))
		t, _ = msgtemplate.Parse(def, msgtemplate.AllFields())
	}
	return name, t, values
}

// usesField reports whether the template inserts field.
func usesField(t *msgtemplate.Template, field string) bool {
	for _, f := range t.Fields() {
		if f == field {
			return true
		}
	}
	return false
}

func describeAgo(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "less than a minute ago"
	case d < time.Hour:
		return fmt.Sprintf("%d minutes ago", int(d.Minutes()))
	default:
		return fmt.Sprintf("%.1f hours ago", d.Hours())
	}
}
