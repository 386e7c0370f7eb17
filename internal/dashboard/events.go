package dashboard

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/textback/textback/internal/store"
)

// maxStreams bounds the event streams open at once on one instance; each holds a connection and
// a goroutine.
const maxStreams = 2000

// heartbeat is how often an idle stream sends a comment, so that proxies keep it open and a
// closed browser is noticed.
const heartbeat = 25 * time.Second

// hub fans activity broadcasts out to the open event streams of each business.
type hub struct {
	mu     sync.Mutex
	subs   map[store.BusinessID]map[chan struct{}]struct{}
	count  int
	closed chan struct{}
}

func newHub() *hub {
	return &hub{subs: map[store.BusinessID]map[chan struct{}]struct{}{}, closed: make(chan struct{})}
}

// subscribe returns a channel that receives a value after each activity of business, and ok false
// when too many streams are open. Activity that arrives while a value waits is merged into it.
func (h *hub) subscribe(business store.BusinessID) (chan struct{}, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.count >= maxStreams {
		return nil, false
	}
	ch := make(chan struct{}, 1)
	if h.subs[business] == nil {
		h.subs[business] = map[chan struct{}]struct{}{}
	}
	h.subs[business][ch] = struct{}{}
	h.count++
	return ch, true
}

func (h *hub) unsubscribe(business store.BusinessID, ch chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[business][ch]; ok {
		delete(h.subs[business], ch)
		h.count--
	}
	if len(h.subs[business]) == 0 {
		delete(h.subs, business)
	}
}

// notify wakes the streams of the business named by payload, or every stream for an empty or
// unreadable payload, since messages may have been missed.
func (h *hub) notify(payload string) {
	id, err := strconv.ParseInt(payload, 10, 64)
	h.mu.Lock()
	defer h.mu.Unlock()
	for business, subs := range h.subs {
		if err == nil && business != store.BusinessID(id) {
			continue
		}
		for ch := range subs {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}
}

func (h *hub) close() { close(h.closed) }

// events streams "activity" server-sent events while the business's calls or texts change. The
// page's script then reloads the parts of the page marked data-live.
func (d *Dashboard) events(w http.ResponseWriter, r *http.Request, req request) {
	ch, ok := d.hub.subscribe(req.scope.Business())
	if !ok {
		w.Header().Set("Retry-After", "30")
		http.Error(w, "too many live connections; the page still works when reloaded", http.StatusServiceUnavailable)
		return
	}
	defer d.hub.unsubscribe(req.scope.Business(), ch)
	rc := http.NewResponseController(w)
	// The server's write timeout suits pages, not a stream that stays open.
	if err := rc.SetWriteDeadline(time.Time{}); err != nil {
		d.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write([]byte("retry: 3000\n: connected\n\n")); err != nil {
		return
	}
	_ = rc.Flush()
	ticker := time.NewTicker(heartbeat)
	defer ticker.Stop()
	for {
		var msg string
		select {
		case <-r.Context().Done():
			return
		case <-d.hub.closed:
			return
		case <-ch:
			msg = "event: activity\ndata: " + strconv.FormatInt(int64(req.scope.Business()), 10) + "\n\n"
		case <-ticker.C:
			msg = ": heartbeat\n\n"
		}
		if _, err := w.Write([]byte(msg)); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}
