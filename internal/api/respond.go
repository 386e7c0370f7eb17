package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/textback/textback/internal/store"
)

// Error codes. Each is stable: clients may branch on it, while the message may change.
const (
	codeUnauthorized     = "unauthorized"           // no key, or an unknown or revoked one
	codeForbidden        = "forbidden"              // the key cannot be used for this request
	codeNotFound         = "not_found"              // no such path, or no such record in the key's business
	codeMethodNotAllowed = "method_not_allowed"     // the path exists, with other methods
	codeInvalidRequest   = "invalid_request"        // malformed JSON, unknown fields, bad query values
	codeValidation       = "validation_failed"      // well-formed input the business rules reject
	codeConflict         = "conflict"               // the record is not in a state that allows the change
	codeTooLarge         = "payload_too_large"      // the body exceeds the size limit
	codeMediaType        = "unsupported_media_type" // the body is not JSON
	codeRateLimited      = "rate_limited"           // the key made too many requests; see Retry-After
	codeInternal         = "internal_error"         // a failure on textback's side, logged with its cause
)

// errorBody is the JSON of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Details lists the individual problems of a rejected document, such as settings.
	Details []string `json:"details,omitempty"`
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// writeError writes an error response.
func writeError(w http.ResponseWriter, status int, code, message string, details ...string) {
	writeJSON(w, status, errorBody{Error: errorDetail{Code: code, Message: message, Details: details}})
}

// internalError logs err with the request and writes a 500 response that hides the cause.
func (a *API) internalError(w http.ResponseWriter, r *http.Request, err error) {
	a.log.Error("api request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.Int64("business_id", int64(businessOf(r.Context()))), slog.String("error", err.Error()))
	writeError(w, http.StatusInternalServerError, codeInternal, "internal error; the server log has the cause")
}

// notFound writes a 404 response for a record of the given kind.
func notFound(w http.ResponseWriter, kind string, id int64) {
	writeError(w, http.StatusNotFound, codeNotFound, fmt.Sprintf("%s %d not found", kind, id))
}

// decodeBody reads the JSON request body into v, rejecting unknown fields, trailing data, bodies
// over limit bytes and content types other than JSON. It writes the error response and returns
// false when the body is not acceptable.
func decodeBody(w http.ResponseWriter, r *http.Request, limit int64, v any) bool {
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, codeMediaType, "send the body as JSON with Content-Type: application/json")
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("unexpected data after the JSON value")
	}
	var tooLarge *http.MaxBytesError
	switch {
	case err == nil:
		return true
	case errors.As(err, &tooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, codeTooLarge, fmt.Sprintf("body too large: the limit is %d bytes", limit))
	default:
		writeError(w, http.StatusBadRequest, codeInvalidRequest, "invalid JSON body: "+err.Error())
	}
	return false
}

// pathID reads the path wildcard name as a positive id, writing a 404 when it is not one: an id
// that cannot exist is treated like one that does not.
func pathID(w http.ResponseWriter, r *http.Request, name, kind string) (int64, bool) {
	text := r.PathValue(name)
	id, err := strconv.ParseInt(text, 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusNotFound, codeNotFound, fmt.Sprintf("%s %q not found: ids are positive integers", kind, text))
		return 0, false
	}
	return id, true
}

// Page sizes of list endpoints.
const (
	defaultPageSize = 25
	maxPageSize     = 100
)

// page is the paging of a list request.
type page struct {
	limit  int
	before int64 // rows with ids below this; 0 for the newest
}

// listResponse is the JSON of every list endpoint.
type listResponse[T any] struct {
	Data []T `json:"data"`
	// NextCursor fetches the next page; null on the last page.
	NextCursor *string `json:"next_cursor"`
}

// readPage reads the limit and cursor query parameters, writing a 400 when they are invalid.
func readPage(w http.ResponseWriter, r *http.Request) (page, bool) {
	p := page{limit: defaultPageSize}
	q := r.URL.Query()
	if text := q.Get("limit"); text != "" {
		n, err := strconv.Atoi(text)
		if err != nil || n < 1 || n > maxPageSize {
			writeError(w, http.StatusBadRequest, codeInvalidRequest,
				fmt.Sprintf("invalid limit %q: use a whole number from 1 to %d", text, maxPageSize))
			return p, false
		}
		p.limit = n
	}
	if text := q.Get("cursor"); text != "" {
		before, ok := decodeCursor(text)
		if !ok {
			writeError(w, http.StatusBadRequest, codeInvalidRequest,
				fmt.Sprintf("invalid cursor %q: pass next_cursor from the previous page unchanged", text))
			return p, false
		}
		p.before = before
	}
	return p, true
}

// newList returns a list response for rows, which were read with one row more than the page
// size: that extra row only shows that another page exists.
func newList[R, T any](rows []R, p page, id func(R) int64, view func(R) T) listResponse[T] {
	out := listResponse[T]{Data: make([]T, 0, min(len(rows), p.limit))}
	for i, row := range rows {
		if i == p.limit {
			cursor := encodeCursor(id(rows[i-1]))
			out.NextCursor = &cursor
			break
		}
		out.Data = append(out.Data, view(row))
	}
	return out
}

// cursorPrefix versions the cursor, so that its form can change without old cursors being
// misread.
const cursorPrefix = "v1:"

func encodeCursor(before int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(before, 10)))
}

func decodeCursor(text string) (int64, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(text)
	if err != nil {
		return 0, false
	}
	number, ok := strings.CutPrefix(string(raw), cursorPrefix)
	if !ok {
		return 0, false
	}
	before, err := strconv.ParseInt(number, 10, 64)
	if err != nil || before <= 0 {
		return 0, false
	}
	return before, true
}

// getter reads one record of the request's business by id.
type getter[T any] func(ctx context.Context, business store.BusinessID, id int64) (T, error)

// serveOne responds to a GET of one record: the record's JSON, or 404 when the business has no
// record of kind with the path's id.
func serveOne[T, V any](a *API, w http.ResponseWriter, r *http.Request, kind string, get getter[T], view func(T) V) {
	id, ok := pathID(w, r, "id", kind)
	if !ok {
		return
	}
	record, err := get(r.Context(), businessOf(r.Context()), id)
	if errors.Is(err, store.ErrNotFound) {
		notFound(w, kind, id)
		return
	}
	if err != nil {
		a.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, view(record))
}

// servePage responds to a list request with rows, read with one more row than p's limit.
func servePage[T, V any](a *API, w http.ResponseWriter, r *http.Request, p page, rows []T, err error,
	id func(T) int64, view func(T) V,
) {
	if err != nil {
		a.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newList(rows, p, id, view))
}
