package conversation

import (
	"context"
	"fmt"

	"github.com/textback/textback/internal/msgtemplate"
	"github.com/textback/textback/internal/outbound"
	"github.com/textback/textback/internal/reply"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/team"
)

// optOut opts the contact out at once and confirms once. A contact already opted out gets
// nothing, so repeated STOPs never get repeated confirmations.
func (e *Engine) optOut(ctx context.Context, tx *store.Tx, in inbound, r reply.Reading) (string, error) {
	if in.contact.OptedOut() {
		return "opt-out repeated; nothing sent", nil
	}
	if err := tx.OptOutContact(ctx, in.business.ID, in.contact.ID, "keyword "+r.Matched, in.msg.CreatedAt); err != nil {
		return "", err
	}
	if err := e.events.ContactOptedOut(ctx, tx, in.business.ID, in.contact.ID); err != nil {
		return "", err
	}
	if _, err := e.team.Raise(ctx, tx, team.Event{
		BusinessID: in.business.ID, ContactID: in.contact.ID, Kind: team.KindOptedOut, Priority: team.Normal,
		Summary: in.who + " opted out of texts", Detail: quote(in.msg.Body), At: in.msg.CreatedAt,
		DedupeKey: fmt.Sprintf("opt-out:%d", in.msg.ID),
	}); err != nil {
		return "", err
	}
	if in.number.ProviderConfirmsOptOut {
		return "opted out; the provider confirms", nil
	}
	if err := e.confirm(ctx, tx, in, store.PurposeOptOutConfirm, in.business.Settings.OptOutReply, "opt-out"); err != nil {
		return "", err
	}
	return "opted out; confirmation queued", nil
}

// optIn lets an opted-out contact be texted again and confirms it.
func (e *Engine) optIn(ctx context.Context, tx *store.Tx, in inbound, r reply.Reading) (string, error) {
	if !in.contact.OptedOut() {
		return "opt-in word from a subscribed contact; nothing to do", nil
	}
	if err := tx.SetContactOptedIn(ctx, in.business.ID, in.contact.ID); err != nil {
		return "", err
	}
	if in.contact.ReviewReason != "" {
		if err := tx.SetContactReview(ctx, in.business.ID, in.contact.ID, ""); err != nil {
			return "", err
		}
	}
	if in.number.ProviderConfirmsOptOut {
		return "opted in (" + r.Matched + "); the provider confirms", nil
	}
	if err := e.confirm(ctx, tx, in, store.PurposeOptInConfirm, in.business.Settings.OptInReply, "opt-in"); err != nil {
		return "", err
	}
	return "opted in (" + r.Matched + "); confirmation queued", nil
}

// help answers HELP or INFO with the business's help text.
func (e *Engine) help(ctx context.Context, tx *store.Tx, in inbound) (string, error) {
	if err := e.confirm(ctx, tx, in, store.PurposeHelp, in.business.Settings.HelpText, "help"); err != nil {
		return "", err
	}
	return "help text queued", nil
}

// review holds automation for a contact whose text may be an opt-out that rules cannot confirm,
// and asks a person to look.
func (e *Engine) review(ctx context.Context, tx *store.Tx, in inbound, r reply.Reading) (string, error) {
	reason := fmt.Sprintf("possible opt-out %q", r.Matched)
	if err := tx.SetContactReview(ctx, in.business.ID, in.contact.ID, reason); err != nil {
		return "", err
	}
	if _, err := e.team.Raise(ctx, tx, team.Event{
		BusinessID: in.business.ID, ContactID: in.contact.ID, Kind: team.KindReview, Priority: team.High,
		Summary: in.who + " may want to opt out; automated texts are held until someone checks",
		Detail:  quote(in.msg.Body), At: in.msg.CreatedAt, DedupeKey: fmt.Sprintf("review:%d", in.msg.ID),
	}); err != nil {
		return "", err
	}
	return "held for review: " + reason, nil
}

// confirm queues a compliance reply rendered from a template that may name the business.
func (e *Engine) confirm(ctx context.Context, tx *store.Tx, in inbound, purpose store.Purpose, src, key string) error {
	t, err := msgtemplate.Parse(src, []string{msgtemplate.FieldBusiness})
	if err != nil {
		return fmt.Errorf("render %s reply of business %s: %w", key, in.business.Slug, err)
	}
	_, err = e.sender.Queue(ctx, tx, outbound.Request{
		BusinessID: in.business.ID, ContactID: in.contact.ID, NumberID: in.number.ID,
		Body:    t.Render(map[string]string{msgtemplate.FieldBusiness: in.business.Name}),
		Purpose: purpose,
		Details: store.MessageDetails{
			Trigger: fmt.Sprintf("text %d %q", in.msg.ID, in.msg.Body), Template: src,
			Values: map[string]string{msgtemplate.FieldBusiness: in.business.Name},
		},
		IdempotencyKey: fmt.Sprintf("%s:%d", key, in.msg.ID),
	})
	return err
}
