package api

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/textback/textback/internal/outbound"
	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/resource"
	"github.com/textback/textback/internal/store"
)

// maxTextLength is the longest body the API takes, in characters: Twilio's limit for one text.
const maxTextLength = 1600

// maxIdempotencyKey bounds a client's idempotency key.
const maxIdempotencyKey = 200

// sendRequest is the body of POST /api/v1/messages. Exactly one of ContactID and To names the
// recipient.
type sendRequest struct {
	ContactID      int64  `json:"contact_id"`
	To             string `json:"to"`
	Body           string `json:"body"`
	From           string `json:"from"`
	IdempotencyKey string `json:"idempotency_key"`
}

// sendMessage queues a text through the outbound path that every text takes. The checks there
// (opt-out, whether the number can take texts, review, a person handling the conversation, the
// per-contact limit, length) may hold it, which the response's status and hold_reason show;
// quiet hours delay it at send time.
func (a *API) sendMessage(w http.ResponseWriter, r *http.Request) {
	var req sendRequest
	if !decodeBody(w, r, maxBody, &req) {
		return
	}
	ctx := r.Context()
	business, err := a.store.GetBusiness(ctx, businessOf(ctx))
	if err != nil {
		a.internalError(w, r, err)
		return
	}
	if problem := checkSend(req); problem != "" {
		writeError(w, http.StatusUnprocessableEntity, codeValidation, problem)
		return
	}
	key := req.IdempotencyKey
	if key == "" {
		key, err = randomKey()
		if err != nil {
			a.internalError(w, r, err)
			return
		}
	}
	var msg store.Message
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		contact, err := a.recipient(r, tx, business, req)
		if err != nil {
			return err
		}
		from, err := a.sender(r, tx, business, contact, req.From)
		if err != nil {
			return err
		}
		msg, err = a.texts.Queue(ctx, tx, outbound.Request{
			BusinessID: business.ID, ContactID: contact.ID, NumberID: from, Body: req.Body, Purpose: store.PurposeAPI,
			SentBy:         "api key " + keyOf(ctx).Prefix,
			Details:        store.MessageDetails{Trigger: "REST API request with key " + keyOf(ctx).Prefix},
			IdempotencyKey: fmt.Sprintf("api:%d:%s", business.ID, key),
		})
		return err
	})
	var reqErr *requestError
	switch {
	case errors.As(err, &reqErr):
		writeError(w, reqErr.status, reqErr.code, reqErr.message)
	case err != nil:
		a.internalError(w, r, err)
	case msg.BusinessID != business.ID:
		// The idempotency keys of businesses never meet, since each carries its business id.
		a.internalError(w, r, fmt.Errorf("idempotency key %q returned message %d of business %d", key, msg.ID, msg.BusinessID))
	default:
		writeJSON(w, http.StatusCreated, resource.NewMessage(msg))
	}
}

// checkSend returns what is wrong with req, or "".
func checkSend(req sendRequest) string {
	switch {
	case (req.ContactID == 0) == (strings.TrimSpace(req.To) == ""):
		return "name the recipient with exactly one of contact_id and to"
	case req.ContactID < 0:
		return "invalid contact_id: use the id of a contact"
	case strings.TrimSpace(req.Body) == "":
		return "missing body: write the text to send"
	case !utf8.ValidString(req.Body) || utf8.RuneCountInString(req.Body) > maxTextLength:
		return fmt.Sprintf("invalid body: use at most %d characters of UTF-8 text", maxTextLength)
	case len(req.IdempotencyKey) > maxIdempotencyKey:
		return fmt.Sprintf("invalid idempotency_key: use at most %d bytes", maxIdempotencyKey)
	}
	return ""
}

// requestError is a problem with the request found inside a transaction, which rolls it back.
type requestError struct {
	status  int
	code    string
	message string
}

func (e *requestError) Error() string { return e.message }

// recipient returns the contact req names: by id, which must be the business's, or by number,
// created when new.
func (a *API) recipient(r *http.Request, tx *store.Tx, business store.Business, req sendRequest) (store.Contact, error) {
	if req.ContactID != 0 {
		c, err := tx.GetContact(r.Context(), business.ID, store.ContactID(req.ContactID))
		if errors.Is(err, store.ErrNotFound) {
			return c, &requestError{http.StatusNotFound, codeNotFound, fmt.Sprintf("contact %d not found", req.ContactID)}
		}
		return c, err
	}
	n, err := phone.Parse(req.To, business.Region)
	if err != nil {
		return store.Contact{}, &requestError{http.StatusUnprocessableEntity, codeValidation,
			fmt.Sprintf("invalid to %q: use a phone number such as +13125550143", req.To)}
	}
	return tx.UpsertContact(r.Context(), business.ID, n.E164)
}

// sender returns the business number the text goes from: the one req names, else the one the
// contact last texted with, else the business's first.
func (a *API) sender(r *http.Request, tx *store.Tx, business store.Business, contact store.Contact, from string) (store.NumberID, error) {
	ctx := r.Context()
	numbers, err := tx.ListNumbers(ctx, business.ID)
	if err != nil {
		return 0, err
	}
	if len(numbers) == 0 {
		return 0, &requestError{http.StatusUnprocessableEntity, codeValidation,
			"the business has no number to text from: add one to textback.yaml and run textback apply"}
	}
	if strings.TrimSpace(from) != "" {
		n, err := phone.Parse(from, business.Region)
		for _, number := range numbers {
			if err == nil && number.E164 == n.E164 {
				return number.ID, nil
			}
		}
		return 0, &requestError{http.StatusUnprocessableEntity, codeValidation,
			fmt.Sprintf("invalid from %q: use one of the business's numbers, or leave it out", from)}
	}
	last, err := tx.LatestNumberOfContact(ctx, business.ID, contact.ID)
	if err == nil {
		return last, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return 0, err
	}
	return numbers[0].ID, nil
}

func randomKey() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate idempotency key: %w", err)
	}
	return hex.EncodeToString(b), nil
}
