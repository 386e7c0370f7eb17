package team

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/textback/textback/internal/msgtemplate"
	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/store"
)

// CannotText gives a lead whose number cannot take texts the same next step another way: an
// email when their address is known and the business allows it, a call-back task, and a team
// alert. nextStep is the text they would have received. It runs in tx.
func (s *Service) CannotText(
	ctx context.Context, tx *store.Tx, business store.Business, contact store.Contact, reason, nextStep, key string,
) error {
	now := s.clock()
	who := phone.Format(contact.E164, business.Region)
	if _, err := s.Raise(ctx, tx, Event{
		BusinessID: business.ID, ContactID: contact.ID, Kind: KindCannotText, Priority: High,
		Summary:   who + " can't receive texts; please call back",
		Detail:    reason,
		At:        now,
		DedupeKey: "cannot-text:" + key,
	}); err != nil {
		return err
	}
	if _, _, err := s.Task(ctx, tx, store.NewTask{
		BusinessID: business.ID, ContactID: contact.ID, Title: "Call back " + who + " (can't receive texts)",
		Source: "fallback: " + reason, DedupeKey: "cannot-text:" + key, DueAt: now,
	}); err != nil {
		return err
	}
	// The text's opt-out line is about texts; an email needs none of it.
	nextStep = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(nextStep), msgtemplate.OptOutSuffix))
	if contact.Email == "" || !business.Settings.EmailFallback || s.mailer == nil || nextStep == "" {
		return nil
	}
	return s.insert(ctx, tx, EmailLeadArgs{
		BusinessID: int64(business.ID), ContactID: int64(contact.ID), Body: nextStep, Key: key,
	}, time.Time{})
}

// Undeliverable is the outbound path's fallback: it runs after a text could not be delivered
// because its recipient cannot take texts.
func (s *Service) Undeliverable(ctx context.Context, msg store.Message, reason string) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		contact, err := tx.GetContact(ctx, msg.BusinessID, msg.ContactID)
		if err != nil || contact.Kind == store.KindStaff {
			return err
		}
		business, err := s.dir.Business(ctx, tx, msg.BusinessID)
		if err != nil {
			return err
		}
		return s.CannotText(ctx, tx, business, contact, reason, msg.Body, fmt.Sprintf("message:%d", msg.ID))
	})
}

// EmailLeadArgs is the job that emails a lead the next step their text would have carried.
type EmailLeadArgs struct {
	BusinessID int64  `json:"business_id"`
	ContactID  int64  `json:"contact_id"`
	Body       string `json:"body"`
	Key        string `json:"key"`
}

// Kind names the job in River.
func (EmailLeadArgs) Kind() string { return "email_lead" }

type emailLeadWorker struct {
	river.WorkerDefaults[EmailLeadArgs]
	s *Service
}

func (w *emailLeadWorker) Work(ctx context.Context, job *river.Job[EmailLeadArgs]) error {
	s := w.s
	if s.mailer == nil {
		return nil
	}
	contact, err := s.store.GetContact(ctx, store.BusinessID(job.Args.BusinessID), store.ContactID(job.Args.ContactID))
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil || contact.Email == "" || contact.OptedOut() {
		return err
	}
	business, err := s.dir.Business(ctx, s.store, contact.BusinessID)
	if err != nil {
		return err
	}
	subject := "Sorry we missed your call - " + business.Name
	if err := s.mailer.Send(ctx, []string{contact.Email}, subject, job.Args.Body); err != nil {
		return fmt.Errorf("email lead %d: %w", contact.ID, err)
	}
	s.log.Info("fallback email sent", slog.Int64("business_id", job.Args.BusinessID), slog.Int64("contact_id", job.Args.ContactID))
	return nil
}
