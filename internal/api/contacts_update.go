package api

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/textback/textback/internal/resource"
	"github.com/textback/textback/internal/store"
)

// Limits on what a contact update may set.
const (
	maxNameLength = 100
	maxTags       = 20
	maxTagLength  = 40
)

// contactUpdate is the body of PATCH /api/v1/contacts/{id}. A field left out keeps its value.
type contactUpdate struct {
	FirstName *string   `json:"first_name"`
	LastName  *string   `json:"last_name"`
	Tags      *[]string `json:"tags"`
}

func (a *API) updateContact(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id", "contact")
	if !ok {
		return
	}
	var req contactUpdate
	if !decodeBody(w, r, maxBody, &req) {
		return
	}
	ctx := r.Context()
	business := businessOf(ctx)
	var updated store.Contact
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.GetContact(ctx, business, store.ContactID(id))
		if err != nil {
			return err
		}
		profile, problem := applyContactUpdate(c, req)
		if problem != "" {
			return &requestError{http.StatusUnprocessableEntity, codeValidation, problem}
		}
		updated, err = tx.UpdateContactProfile(ctx, business, c.ID, profile)
		return err
	})
	var reqErr *requestError
	switch {
	case errors.Is(err, store.ErrNotFound):
		notFound(w, "contact", id)
	case errors.As(err, &reqErr):
		writeError(w, reqErr.status, reqErr.code, reqErr.message)
	case err != nil:
		a.internalError(w, r, err)
	default:
		writeJSON(w, http.StatusOK, resource.NewContact(updated))
	}
}

// applyContactUpdate returns c's profile with req applied, names trimmed and tags trimmed with
// repeats removed, or what is wrong with req.
func applyContactUpdate(c store.Contact, req contactUpdate) (store.ContactProfile, string) {
	p := store.ContactProfile{FirstName: c.FirstName, LastName: c.LastName, Tags: c.Tags}
	for _, field := range []struct {
		name  string
		value *string
		dst   *string
	}{{"first_name", req.FirstName, &p.FirstName}, {"last_name", req.LastName, &p.LastName}} {
		if field.value == nil {
			continue
		}
		v := strings.TrimSpace(*field.value)
		if !printable(v) || utf8.RuneCountInString(v) > maxNameLength {
			return p, fmt.Sprintf("invalid %s: use at most %d printable characters", field.name, maxNameLength)
		}
		*field.dst = v
	}
	if req.Tags == nil {
		return p, ""
	}
	if len(*req.Tags) > maxTags {
		return p, fmt.Sprintf("invalid tags: give at most %d", maxTags)
	}
	tags := []string{}
	for _, tag := range *req.Tags {
		t := strings.TrimSpace(tag)
		if t == "" || !printable(t) || utf8.RuneCountInString(t) > maxTagLength {
			return p, fmt.Sprintf("invalid tag %q: use 1 to %d printable characters", tag, maxTagLength)
		}
		if !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	p.Tags = tags
	return p, ""
}

// printable reports whether s is valid UTF-8 without control characters.
func printable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
}
