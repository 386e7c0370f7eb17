package callflow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/textback/textback/internal/conversation"
	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/provider/pbx"
	"github.com/textback/textback/internal/store"
)

// orphanAttempts is how many times an event about a forwarded leg waits for its call's first
// webhook to be applied before it is set aside. The first webhook is usually applied within
// milliseconds; River's backoff makes five attempts span about two minutes.
const orphanAttempts = 5

// The fast lane retries an event whose call is not recorded yet this many times, this far apart.
const (
	fastLaneRetries    = 5
	fastLaneRetryDelay = 40 * time.Millisecond
)

// errCallNotSeen means an event refers to a call whose first webhook was not applied yet.
var errCallNotSeen = errors.New("call not recorded yet")

// notSeen reports whether err means the webhook refers to a call or text not recorded yet, which
// another webhook or a send in flight will record.
func notSeen(err error) bool {
	return errors.Is(err, errCallNotSeen) || errors.Is(err, conversation.ErrNotSeen)
}

// Process applies one stored webhook. It is idempotent: a webhook applied before is skipped, and
// applying the same event twice changes nothing.
func (p *Processor) Process(ctx context.Context, id store.WebhookID, attempt int) error {
	return p.process(ctx, id, attempt, 0)
}

// ProcessNow applies a webhook just stored, ahead of its job, and deletes that job in the same
// transaction when it succeeds.
func (p *Processor) ProcessNow(ctx context.Context, id store.WebhookID, job int64) error {
	return p.process(ctx, id, 0, job)
}

func (p *Processor) process(ctx context.Context, id store.WebhookID, attempt int, job int64) error {
	w, err := p.store.GetWebhook(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		// The webhook was deleted after its job was queued, for example by a privacy deletion.
		p.log.Info("webhook gone, nothing to apply", slog.Int64("webhook_id", int64(id)))
		return nil
	}
	if err != nil {
		return err
	}
	if !w.ProcessedAt.IsZero() {
		return nil
	}
	path, route := SplitRoute(w.Route)
	adapter, _, ok := p.webhooks.Webhook(path)
	if !ok {
		return p.setAside(ctx, w, "no adapter serves webhooks under "+path)
	}
	ev, err := adapter.Parse(provider.Webhook{
		Route: route, URL: w.URL, Header: w.Header, Body: w.Body, ReceivedAt: w.ReceivedAt,
	})
	if err != nil {
		return p.setAside(ctx, w, "unreadable: "+err.Error())
	}
	ev = ev.Clean()
	log := p.log.With(slog.Int64("webhook_id", int64(w.ID)), slog.String("event", string(ev.Type)),
		slog.String("call_sid", ev.CallID))
	var result string
	apply := func() error {
		return p.store.InTx(ctx, func(tx *store.Tx) error {
			// The fast lane and the webhook's job may both get here; the first to commit wins.
			current, err := tx.GetWebhook(ctx, w.ID)
			if err != nil || !current.ProcessedAt.IsZero() {
				result = "applied before"
				return err
			}
			result, err = p.apply(ctx, tx, w, ev)
			if err != nil {
				return err
			}
			return tx.MarkWebhookProcessed(ctx, w.ID, result)
		})
	}
	err = apply()
	// In the fast lane, an event about the forwarded leg can overtake the call's first webhook by
	// a few milliseconds; waiting briefly here saves a retry seconds later.
	for i := 0; attempt == 0 && i < fastLaneRetries && notSeen(err); i++ {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(fastLaneRetryDelay):
		}
		err = apply()
	}
	if notSeen(err) {
		if attempt < orphanAttempts {
			return err
		}
		return p.setAside(ctx, w, "it refers to a call or text textback never recorded: "+err.Error())
	}
	if err != nil {
		return fmt.Errorf("apply webhook %d (%s): %w", w.ID, ev.Key, err)
	}
	log.Debug("webhook applied", slog.String("result", result))
	return nil
}

// setAside marks a webhook that cannot be applied, keeping it for the operator.
func (p *Processor) setAside(ctx context.Context, w store.Webhook, why string) error {
	p.log.Warn("webhook not applied", slog.Int64("webhook_id", int64(w.ID)), slog.String("route", w.Route),
		slog.String("reason", why))
	return p.store.MarkWebhookProcessed(ctx, w.ID, "not applied: "+why)
}

// apply records the event and, for call events, decides the call when it can.
func (p *Processor) apply(ctx context.Context, tx *store.Tx, w store.Webhook, ev provider.Event) (string, error) {
	switch ev.Type {
	case provider.CallIncoming, provider.CallDialEnded, provider.CallStatus:
		return p.applyCallerLeg(ctx, tx, w, ev)
	case provider.CallMachine, provider.CallScreened, provider.CallScreenPrompt:
		return p.applyForwardedLeg(ctx, tx, w, ev)
	case provider.CallMenuInput, provider.CallMenuDialEnded, provider.CallVoicemail:
		return p.applyMenuStep(ctx, tx, w, ev)
	case provider.CallRecording, provider.CallTranscription:
		return p.applyRecording(ctx, tx, w, ev)
	case provider.MessageInbound:
		return p.conv.Inbound(ctx, tx, w, ev)
	case provider.MessageStatus:
		return p.conv.Status(ctx, tx, w, ev)
	}
	return "", fmt.Errorf("unsupported event type %q", ev.Type)
}

// applyCallerLeg applies an event about the caller's leg, whose To is the business number.
func (p *Processor) applyCallerLeg(ctx context.Context, tx *store.Tx, w store.Webhook, ev provider.Event) (string, error) {
	if ev.Type == provider.CallStatus && ev.Status == "" {
		// A status report that says nothing textback uses (Telnyx reports media events this way).
		return "nothing to apply", nil
	}
	number, business, err := p.route(ctx, tx, ev.To)
	if errors.Is(err, store.ErrNotFound) {
		return "not applied: " + ev.To + " is not a configured number", nil
	}
	if err != nil {
		return "", err
	}
	handling := store.HandlingUnobserved
	switch ev.Type {
	case provider.CallIncoming:
		_, handling = Plan(business, number, ev, "")
	case provider.CallDialEnded:
		handling = store.HandlingDial
	}
	if ev.LegOnly {
		// The leg that rang the business's phone reported by itself, so the event completes a call
		// its caller's leg records and never starts one.
		_, err := tx.GetCallByProviderID(ctx, w.ProviderID, ev.CallID)
		if errors.Is(err, store.ErrNotFound) {
			return "", errCallNotSeen
		}
		if err != nil {
			return "", err
		}
	}
	answerCheck, startedAt := number.AnswerCheck, w.ReceivedAt
	if path, _ := SplitRoute(w.Route); path == pbx.Path {
		// A PBX reports the call once, after it ended. Its outcome is final, no answering-machine
		// or screening result follows, and the report gives the time of the call.
		handling, answerCheck, startedAt = HandlingPBX, provider.AnswerCheckNone, eventTime(ev, w)
	}
	call, err := tx.EnsureCall(ctx, store.NewCall{
		BusinessID:     business.ID,
		NumberID:       number.ID,
		ProviderID:     store.ProviderID(w.ProviderID),
		ProviderCallID: ev.CallID,
		FromRaw:        ev.From,
		To:             number.E164,
		ForwardedFrom:  ev.ForwardedFrom,
		Handling:       handling,
		AnswerCheck:    answerCheck,
		StartedAt:      startedAt,
	})
	if err != nil {
		return "", err
	}
	if err := tx.LockCall(ctx, call.ID); err != nil {
		return "", err
	}
	if ev.Type == provider.CallIncoming && handling != HandlingPBX {
		menu, err := p.startMenu(ctx, tx, w, ev, call, number, business)
		if err != nil {
			return "", err
		}
		if menu {
			handling = HandlingMenu
		}
	}
	// The call's first webhook is not always the first applied: a status callback can create the
	// record before the voice webhook that says how textback handled the call.
	if call.Handling != handling && (ev.Type == provider.CallIncoming ||
		ev.Type == provider.CallDialEnded && call.Handling == store.HandlingUnobserved) {
		forwardedFrom := call.ForwardedFrom
		if ev.ForwardedFrom != "" {
			forwardedFrom = ev.ForwardedFrom
		}
		if err := tx.SetCallHandling(ctx, call.ID, handling, forwardedFrom); err != nil {
			return "", err
		}
	}
	at := eventTime(ev, w)
	switch ev.Type {
	case provider.CallDialEnded:
		err = tx.SetCallDialResult(ctx, call.ID, ev.DialStatus, ev.DialDuration, at)
	case provider.CallStatus:
		if statusRank(ev.Status) < statusRank(call.CallStatus) {
			break
		}
		var ended time.Time
		if isFinalCallStatus(ev.Status) {
			ended = at
		}
		err = tx.SetCallStatus(ctx, call.ID, ev.Status, ended)
	}
	if err != nil {
		return "", err
	}
	return p.evaluate(ctx, tx, call.ID, number, business)
}

// applyForwardedLeg applies an event about the forwarded leg; its call is found by the parent
// call id that textback put in the callback URL.
func (p *Processor) applyForwardedLeg(ctx context.Context, tx *store.Tx, w store.Webhook, ev provider.Event) (string, error) {
	call, err := tx.GetCallByProviderID(ctx, w.ProviderID, ev.CallID)
	if errors.Is(err, store.ErrNotFound) {
		return "", errCallNotSeen
	}
	if err != nil {
		return "", err
	}
	if err := tx.LockCall(ctx, call.ID); err != nil {
		return "", err
	}
	switch ev.Type {
	case provider.CallMachine:
		err = tx.SetCallAnsweredBy(ctx, call.ID, ev.AnsweredBy)
	case provider.CallScreened:
		err = tx.SetCallScreenDigits(ctx, call.ID, ev.Digits)
	case provider.CallScreenPrompt:
		return "screening prompt played", nil
	}
	if err != nil {
		return "", err
	}
	number, err := p.dir.Number(ctx, tx, call.NumberID)
	if err != nil {
		return "", err
	}
	business, err := p.dir.Business(ctx, tx, call.BusinessID)
	if err != nil {
		return "", err
	}
	return p.evaluate(ctx, tx, call.ID, number, business)
}

// route finds the business number a call or text was addressed to.
func (p *Processor) route(ctx context.Context, tx *store.Tx, to string) (store.Number, store.Business, error) {
	n, err := phone.Parse(to, "US")
	if err != nil {
		return store.Number{}, store.Business{}, fmt.Errorf("route %q: %w", to, store.ErrNotFound)
	}
	return p.dir.Route(ctx, tx, n.E164)
}

// evaluate decides the call when the facts allow, queues its text back when it was missed, and
// otherwise schedules a decision at the deadline the facts give.
func (p *Processor) evaluate(
	ctx context.Context, tx *store.Tx, id store.CallID, number store.Number, business store.Business,
) (string, error) {
	call, err := tx.GetCall(ctx, id)
	if err != nil {
		return "", err
	}
	if !call.DecidedAt.IsZero() {
		return "recorded; call already decided: " + call.Decision, nil
	}
	facts, err := p.facts(ctx, tx, call, number)
	if err != nil {
		return "", err
	}
	v := Classify(facts, p.clock())
	switch v.Outcome {
	case store.OutcomePending:
		if v.DecideBy.IsZero() {
			return "recorded; waiting for the call to end", nil
		}
		opts := DecideCallArgs{}.InsertOpts()
		opts.ScheduledAt = v.DecideBy
		args := DecideCallArgs{CallID: int64(call.ID)}
		if call.Handling == HandlingMenu {
			args.Deadline = v.DecideBy.Unix()
		}
		if _, err := p.queue.InsertTx(ctx, tx, args, &opts); err != nil {
			return "", err
		}
		return "recorded; deciding by " + v.DecideBy.UTC().Format(time.RFC3339), nil
	case store.OutcomeAnswered:
		decision := "answered: " + v.Explain
		if _, err := tx.DecideCall(ctx, call.ID, store.OutcomeAnswered, v.Reason, decision); err != nil {
			return "", err
		}
		p.log.Info("call answered", slog.Int64("business_id", int64(business.ID)), slog.String("call_sid", call.ProviderCallID),
			slog.String("reason", v.Reason))
		return decision, nil
	}
	decision := "missed: " + v.Explain
	decided, err := tx.DecideCall(ctx, call.ID, store.OutcomeMissed, v.Reason, decision)
	if err != nil || !decided {
		return decision, err
	}
	record, err := p.textBack(ctx, tx, call, number, business, decision)
	if err != nil {
		return "", err
	}
	if err := p.alertMissed(ctx, tx, call.ID, number, business, v); err != nil {
		return "", err
	}
	if err := p.events.CallMissed(ctx, tx, call.ID); err != nil {
		return "", err
	}
	return record, nil
}

// Decide decides a call whose deadline for missing facts has come.
func (p *Processor) Decide(ctx context.Context, id store.CallID) error {
	return p.decide(ctx, id, true)
}

// decideAtDeadline decides a call that a menu answered at one of its deadlines. A call still pending
// has a later deadline, which a job of its own covers, so this job ends.
func (p *Processor) decideAtDeadline(ctx context.Context, id store.CallID) error {
	return p.decide(ctx, id, false)
}

// decide decides the call when its facts allow. A call still pending is looked at again at its next
// deadline when snooze is set.
func (p *Processor) decide(ctx context.Context, id store.CallID, snooze bool) error {
	var snoozeUntil time.Time
	gone := false
	err := p.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockCall(ctx, id); err != nil {
			return err
		}
		call, err := tx.GetCall(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			gone = true
			return nil
		}
		if err != nil || !call.DecidedAt.IsZero() {
			return err
		}
		number, err := p.dir.Number(ctx, tx, call.NumberID)
		if err != nil {
			return err
		}
		business, err := p.dir.Business(ctx, tx, call.BusinessID)
		if err != nil {
			return err
		}
		facts, err := p.facts(ctx, tx, call, number)
		if err != nil {
			return err
		}
		if v := Classify(facts, p.clock()); v.Outcome == store.OutcomePending {
			snoozeUntil = v.DecideBy
			return nil
		}
		_, err = p.evaluate(ctx, tx, id, number, business)
		return err
	})
	if err != nil {
		return fmt.Errorf("decide call %d: %w", id, err)
	}
	if gone {
		p.log.Info("call gone, nothing to decide", slog.Int64("call_id", int64(id)))
		return nil
	}
	if !snoozeUntil.IsZero() && snooze {
		return river.JobSnooze(max(time.Until(snoozeUntil), time.Second))
	}
	return nil
}

// facts returns what textback knows about the call for its decision, with its menu steps when a
// menu answered it.
func (p *Processor) facts(ctx context.Context, tx *store.Tx, c store.Call, n store.Number) (Facts, error) {
	f := p.factsOf(c, n)
	if c.Handling != HandlingMenu {
		return f, nil
	}
	steps, err := tx.ListCallMenuSteps(ctx, c.ID)
	if err != nil {
		return Facts{}, err
	}
	f.Menu = menuFacts(steps)
	return f, nil
}

func (p *Processor) factsOf(c store.Call, n store.Number) Facts {
	return Facts{
		Handling:     c.Handling,
		AnswerCheck:  c.AnswerCheck,
		CallStatus:   c.CallStatus,
		DialStatus:   c.DialStatus,
		DialDuration: c.DialDuration,
		AnsweredBy:   c.AnsweredBy,
		Screened:     c.ScreenAnswered,
		Digits:       c.ScreenDigits,
		RingSeconds:  n.RingSeconds,
		DialEndedAt:  c.DialEndedAt,
		EndedAt:      c.EndedAt,
		ResultWait:   p.wait,
	}
}

// callStatusRanks orders call statuses so that a status callback that arrives late never replaces
// a later one. Unanswered endings outrank "completed", because a platform that reports both for
// one call reports the unanswered one as the more specific.
var callStatusRanks = map[string]int{
	"queued": 1, "initiated": 1, "ringing": 2, "in-progress": 3,
	"completed": 4, "busy": 5, "no-answer": 5, "failed": 5, "canceled": 5,
}

// statusRank returns the rank of a call status; unknown statuses rank lowest.
func statusRank(status string) int { return callStatusRanks[status] }

func isFinalCallStatus(status string) bool { return statusRank(status) >= statusRank("completed") }

// eventTime is when the provider says the event happened, or when it was received.
func eventTime(ev provider.Event, w store.Webhook) time.Time {
	if !ev.OccurredAt.IsZero() {
		return ev.OccurredAt
	}
	return w.ReceivedAt
}
