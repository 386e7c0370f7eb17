package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/textback/textback/internal/resource"
	"github.com/textback/textback/internal/store"
)

// cancelBooking cancels a booking or a hold through the booking service, which frees the slot
// and, for a booking, runs what follows from the cancellation in the same transaction.
func (a *API) cancelBooking(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id", "booking")
	if !ok {
		return
	}
	cancelled, changed, err := a.bookings.Cancel(r.Context(), businessOf(r.Context()), store.BookingID(id))
	switch {
	case errors.Is(err, store.ErrNotFound):
		notFound(w, "booking", id)
	case err != nil:
		a.internalError(w, r, err)
	case !changed:
		writeError(w, http.StatusConflict, codeConflict, fmt.Sprintf("booking %d is already %s", id, cancelled.State))
	default:
		writeJSON(w, http.StatusOK, resource.NewBooking(cancelled))
	}
}
