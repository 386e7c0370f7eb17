package dashboard

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/textback/textback/internal/assistant"
	"github.com/textback/textback/internal/store"
)

// DraftApprover sends an AI draft that a person approved, in tx.
type DraftApprover interface {
	Approve(ctx context.Context, tx *store.Tx, business store.Business, id int64, by string) (store.Message, error)
}

// approveDraft sends a pending AI draft as written, through the outbound path.
func (d *Dashboard) approveDraft(w http.ResponseWriter, r *http.Request, req request) {
	d.decideDraft(w, r, req, true)
}

// discardDraft marks a pending AI draft as not to be sent.
func (d *Dashboard) discardDraft(w http.ResponseWriter, r *http.Request, req request) {
	d.decideDraft(w, r, req, false)
}

func (d *Dashboard) decideDraft(w http.ResponseWriter, r *http.Request, req request, approve bool) {
	id, ok := pathID(r)
	if !ok {
		d.notFound(w, r)
		return
	}
	if approve && d.drafts == nil {
		d.errorPage(w, r, http.StatusServiceUnavailable, "Not available", "This server cannot send AI drafts.")
		return
	}
	ctx := r.Context()
	by := "staff " + req.cur.User.Email
	var draft store.AIDraft
	err := d.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if draft, err = tx.GetAIDraft(ctx, req.biz.ID, id); err != nil {
			return err
		}
		if approve {
			_, err = d.drafts.Approve(ctx, tx, req.biz, id, by)
			return err
		}
		decided, err := tx.DecideAIDraft(ctx, req.biz.ID, id, store.DraftDiscarded, by, 0)
		if err == nil && !decided {
			err = assistant.ErrDraftDecided
		}
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		d.notFound(w, r)
		return
	}
	if errors.Is(err, assistant.ErrDraftDecided) {
		d.errorPage(w, r, http.StatusConflict, "Already decided", "Someone approved or discarded this draft already.")
		return
	}
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	d.log.Info("AI draft decided", slog.Int64("business_id", int64(req.biz.ID)), slog.Int64("draft_id", id),
		slog.Bool("approved", approve), slog.Int64("user_id", int64(req.cur.User.ID)))
	conv, err := d.store.EnsureConversation(ctx, req.biz.ID, draft.ContactID)
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/dashboard/"+req.scope.Slug()+"/conversations/"+strconv.FormatInt(int64(conv.ID), 10),
		http.StatusSeeOther)
}
