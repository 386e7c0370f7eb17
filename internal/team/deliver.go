package team

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/textback/textback/internal/alertsend"
	"github.com/textback/textback/internal/outbound"
	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/store"
)

// Delivery purposes: the first alert, its one update, and each escalation.
const (
	PurposeAlert      = "alert"
	PurposeUpdate     = "update"
	PurposeEscalation = "escalation"
)

// DeliverArgs is the job that tells the team about an alert.
type DeliverArgs struct {
	AlertID int64  `json:"alert_id"`
	Purpose string `json:"purpose"`
	// Level is the team member texted: 0 is the first on the list, each escalation adds one.
	Level int `json:"level"`
}

// Kind names the job in River.
func (DeliverArgs) Kind() string { return "deliver_alert" }

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	s *Service
}

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	return w.s.deliver(ctx, job.Args)
}

// deliver texts the team member at the args' level, emails the team and posts the webhook. Each
// channel is recorded, and a retry skips channels already delivered.
func (s *Service) deliver(ctx context.Context, args DeliverArgs) error {
	alert, err := s.store.GetAlert(ctx, store.AlertID(args.AlertID))
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	business, err := s.dir.Business(ctx, s.store, alert.BusinessID)
	if err != nil {
		return err
	}
	var contact store.Contact
	if alert.ContactID != 0 {
		if contact, err = s.store.GetContact(ctx, alert.BusinessID, alert.ContactID); err != nil {
			return err
		}
	}
	msg := s.compose(business, contact, alert, args)
	done, err := s.delivered(ctx, alert.ID, args.Purpose)
	if err != nil {
		return err
	}
	cfg := business.Settings.Alerts
	var errs []error
	if cfg.SMS && args.Level < len(business.Settings.Team) {
		member := business.Settings.Team[args.Level]
		if member.Phone != "" && !done["sms:"+member.Phone] {
			errs = append(errs, s.textStaff(ctx, business, alert, args, member, msg.sms))
		}
	}
	if cfg.Email && s.mailer != nil {
		for _, to := range emailTargets(business.Settings.Team, args) {
			if !done["email:"+to] {
				errs = append(errs, s.record(ctx, alert.ID, "email", to, args.Purpose, func() error {
					return s.mailer.SendAlert(ctx, []string{to}, msg.alert)
				}))
			}
		}
	}
	if cfg.Webhook.URL != "" && !done["webhook:"+cfg.Webhook.URL] {
		hook := alertsend.Webhook{URL: cfg.Webhook.URL, Secret: cfg.Webhook.Secret, Client: s.client}
		errs = append(errs, s.record(ctx, alert.ID, "webhook", cfg.Webhook.URL, args.Purpose, func() error {
			return hook.Send(ctx, msg.alert)
		}))
	}
	return errors.Join(errs...)
}

// emailTargets returns the addresses an alert goes to: the whole team for the alert and its
// update, the escalated member alone for an escalation.
func emailTargets(team []store.Staff, args DeliverArgs) []string {
	var out []string
	for i, m := range team {
		if m.Email == "" || args.Purpose == PurposeEscalation && i != args.Level {
			continue
		}
		out = append(out, m.Email)
	}
	return out
}

// delivered returns the channel:target pairs already delivered for the alert and purpose.
func (s *Service) delivered(ctx context.Context, id store.AlertID, purpose string) (map[string]bool, error) {
	list, err := s.store.ListAlertDeliveries(ctx, id)
	if err != nil {
		return nil, err
	}
	done := map[string]bool{}
	for _, d := range list {
		if d.Purpose == purpose && d.Status != "failed" {
			done[d.Channel+":"+d.Target] = true
		}
	}
	return done, nil
}

// record runs one external delivery and keeps its outcome. A failure that may pass is returned
// so that the job retries; a permanent one is kept and logged.
func (s *Service) record(ctx context.Context, id store.AlertID, channel, target, purpose string, send func() error) error {
	err := send()
	status, text := "sent", ""
	if err != nil {
		status, text = "failed", err.Error()
	}
	if _, recErr := s.store.AddAlertDelivery(ctx, store.AlertDelivery{
		AlertID: id, Channel: channel, Target: target, Purpose: purpose, Status: status, Error: text,
	}); recErr != nil {
		return errors.Join(err, recErr)
	}
	if err == nil {
		return nil
	}
	if alertsend.IsRetryable(err) {
		return fmt.Errorf("deliver alert %d by %s: %w", id, channel, err)
	}
	s.log.Warn("alert not delivered", slog.Int64("alert_id", int64(id)), slog.String("channel", channel),
		slog.String("error", err.Error()))
	return nil
}

// textStaff texts a team member through the outbound path, from the business's first number, so
// that their reply comes back to textback and is relayed to the lead.
func (s *Service) textStaff(
	ctx context.Context, business store.Business, alert store.Alert, args DeliverArgs, member store.Staff, body string,
) error {
	staffPhone, err := phone.Parse(member.Phone, business.Region)
	if err != nil {
		return s.record(ctx, alert.ID, "sms", member.Phone, args.Purpose, func() error { return err })
	}
	numbers, err := s.store.ListNumbers(ctx, business.ID)
	if err != nil || len(numbers) == 0 {
		return errors.Join(err, s.record(ctx, alert.ID, "sms", member.Phone, args.Purpose, func() error {
			return errors.New("the business has no number to text from")
		}))
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		staff, err := tx.UpsertContact(ctx, business.ID, staffPhone.E164)
		if err != nil {
			return err
		}
		if staff.Kind != store.KindStaff {
			if err := tx.SetContactKind(ctx, business.ID, staff.ID, store.KindStaff); err != nil {
				return err
			}
		}
		m, err := s.sender.Queue(ctx, tx, outbound.Request{
			BusinessID: business.ID, ContactID: staff.ID, NumberID: numbers[0].ID, Body: body,
			Purpose:        store.PurposeTeamAlert,
			Details:        store.MessageDetails{Trigger: fmt.Sprintf("alert %d (%s, %s)", alert.ID, alert.Kind, args.Purpose)},
			IdempotencyKey: fmt.Sprintf("alert:%d:%s:%d:sms", alert.ID, args.Purpose, args.Level),
		})
		if err != nil {
			return err
		}
		status := "sent"
		if m.Status == store.StatusHeld {
			status = "failed"
		}
		_, err = tx.AddAlertDelivery(ctx, store.AlertDelivery{
			AlertID: alert.ID, Channel: "sms", Target: staffPhone.E164, Purpose: args.Purpose, Status: status,
			Error: m.HoldReason, MessageID: m.ID,
		})
		return err
	})
}

// message is an alert in each channel's form.
type message struct {
	sms   string
	alert alertsend.Alert
}

// compose writes the alert for people. The text to staff ends by saying that a reply reaches
// the lead, because that is how a team member answers from their phone.
func (s *Service) compose(business store.Business, contact store.Contact, alert store.Alert, args DeliverArgs) message {
	who := "(no caller id)"
	if contact.E164 != "" {
		who = phone.Format(contact.E164, business.Region)
	}
	summary := alert.Summary
	switch args.Purpose {
	case PurposeUpdate:
		summary = fmt.Sprintf("Update: %s, %d times in %s", alert.Summary, alert.Occurrences,
			roundDuration(alert.LastAt.Sub(alert.FirstAt)))
	case PurposeEscalation:
		summary = fmt.Sprintf("No reply yet to %s: %s", who, alert.Summary)
	}
	lines := []string{business.Name + ": " + summary}
	if alert.Detail != "" {
		lines = append(lines, alert.Detail)
	}
	if contact.E164 != "" {
		lines = append(lines, "Reply to this text to answer "+who+".")
	}
	prefix := ""
	if alert.Priority == High {
		prefix = "URGENT "
	}
	return message{
		sms: prefix + strings.Join(lines, "\n"),
		alert: alertsend.Alert{
			ID: int64(alert.ID), Business: business.Name, Kind: alert.Kind, Priority: alert.Priority,
			Summary: summary, Detail: alert.Detail, Contact: contact.E164, At: alert.LastAt,
		},
	}
}

func roundDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "under a minute"
	case d < 2*time.Minute:
		return "1 minute"
	case d < time.Hour:
		return fmt.Sprintf("%d minutes", int(d.Minutes()))
	}
	return fmt.Sprintf("%.1f hours", d.Hours())
}
