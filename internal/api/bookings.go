package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/textback/textback/internal/resource"
	"github.com/textback/textback/internal/store"
)

func (a *API) listBookings(w http.ResponseWriter, r *http.Request) {
	p, ok := readPage(w, r)
	if !ok {
		return
	}
	state := store.BookingState(r.URL.Query().Get("state"))
	switch state {
	case "", store.BookingHeld, store.BookingBooked, store.BookingCancelled, store.BookingExpired:
	default:
		writeError(w, http.StatusBadRequest, codeInvalidRequest,
			"invalid state "+strconv.Quote(string(state))+": use held, booked, cancelled or expired")
		return
	}
	rows, err := a.store.ListBookingsNewest(r.Context(), businessOf(r.Context()), state, store.BookingID(p.before), p.limit+1)
	servePage(a, w, r, p, rows, err, func(b store.Booking) int64 { return int64(b.ID) }, resource.NewBooking)
}

func (a *API) getBooking(w http.ResponseWriter, r *http.Request) {
	serveOne(a, w, r, "booking", func(ctx context.Context, business store.BusinessID, id int64) (store.Booking, error) {
		return a.store.GetBooking(ctx, business, store.BookingID(id))
	}, resource.NewBooking)
}
