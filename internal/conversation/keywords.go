package conversation

import (
	"context"
	"fmt"
	"strings"

	"github.com/textback/textback/internal/msgtemplate"
	"github.com/textback/textback/internal/outbound"
	"github.com/textback/textback/internal/reply"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/team"
)

// matchKeyword finds the business keyword a text invokes.
func matchKeyword(body string, keywords []store.Keyword) (store.Keyword, bool) {
	list := make([]reply.Keyword, len(keywords))
	for i, k := range keywords {
		list[i] = reply.Keyword{Word: k.Word, Aliases: k.Aliases}
	}
	found, ok := reply.MatchKeyword(body, list)
	if !ok {
		return store.Keyword{}, false
	}
	for _, k := range keywords {
		if k.Word == found.Word {
			return k, true
		}
	}
	return store.Keyword{}, false
}

// matchAnswer finds the qualifying answer a reply gives.
func matchAnswer(body string, answers []store.QualifierAnswer) (string, bool) {
	list := make([]reply.Answer, len(answers))
	for i, a := range answers {
		list[i] = reply.Answer{Value: a.Value, Words: a.Words}
	}
	found, ok := reply.MatchAnswer(body, list)
	return found.Value, ok
}

// keyword runs a keyword's actions: tag, task, alert and reply, each when the keyword has it.
func (e *Engine) keyword(ctx context.Context, tx *store.Tx, in inbound, k store.Keyword) (string, error) {
	done := []string{"keyword " + k.Word}
	if k.Tag != "" {
		if err := tx.AddContactTag(ctx, in.business.ID, in.contact.ID, k.Tag); err != nil {
			return "", err
		}
		done = append(done, "tagged "+k.Tag)
	}
	priority := team.Normal
	if k.Alert == team.High {
		priority = team.High
	}
	if k.Task != "" {
		if _, _, err := e.team.Task(ctx, tx, store.NewTask{
			BusinessID: in.business.ID, ContactID: in.contact.ID, Title: k.Task + ": " + in.who, Priority: priority,
			Source: "keyword " + k.Word, DedupeKey: fmt.Sprintf("keyword:%d", in.msg.ID), DueAt: in.msg.CreatedAt,
		}); err != nil {
			return "", err
		}
		done = append(done, "task created")
	}
	if k.Alert != "" {
		if _, err := e.team.Raise(ctx, tx, team.Event{
			BusinessID: in.business.ID, ContactID: in.contact.ID, Kind: keywordKind(k.Word), Priority: priority,
			Summary: k.Word + " from " + in.who, Detail: quote(in.msg.Body), At: in.msg.CreatedAt,
			DedupeKey: fmt.Sprintf("keyword:%d", in.msg.ID),
		}); err != nil {
			return "", err
		}
		done = append(done, "team alerted")
	}
	if k.Reply != "" {
		values := map[string]string{msgtemplate.FieldBusiness: in.business.Name, msgtemplate.FieldRep: in.business.RepName,
			msgtemplate.FieldBookingLink: in.business.BookingURL}
		t, err := msgtemplate.Parse(k.Reply, msgtemplate.AllFields())
		if err != nil {
			return "", fmt.Errorf("render reply of keyword %s: %w", k.Word, err)
		}
		m, err := e.sender.Queue(ctx, tx, outbound.Request{
			BusinessID: in.business.ID, ContactID: in.contact.ID, NumberID: in.number.ID, Body: t.Render(values),
			Purpose: store.PurposeKeywordReply, TemplateName: "keyword " + k.Word,
			Details: store.MessageDetails{
				Trigger: fmt.Sprintf("keyword %s in text %d %q", k.Word, in.msg.ID, in.msg.Body), Template: k.Reply,
				Values: values,
			},
			IdempotencyKey: fmt.Sprintf("keyword-reply:%d", in.msg.ID),
		})
		if err != nil {
			return "", err
		}
		if m.Status == store.StatusHeld {
			done = append(done, "reply held: "+m.HoldReason)
		} else {
			done = append(done, "reply queued")
		}
	}
	return strings.Join(done, "; "), nil
}

// keywordKind names the alert kind of a keyword, so that URGENT and CALL alerts read as such.
func keywordKind(word string) string {
	switch strings.ToUpper(word) {
	case "URGENT":
		return team.KindUrgent
	case "CALL":
		return team.KindCallBack
	}
	return team.KindKeyword
}
