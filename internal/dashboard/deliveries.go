package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/textback/textback/internal/store"
)

// deliveryPage is how many delivery log entries one page shows.
const deliveryPage = 50

type deliveriesData struct {
	Entries []store.LoggedExchange
	Next    string
}

// deliveries lists the requests textback made to providers for the business's texts, newest
// first. Secrets were removed when each entry was stored. The business's current provider tokens
// are removed again here, in case an entry was stored without that redaction.
func (d *Dashboard) deliveries(w http.ResponseWriter, r *http.Request, req request) {
	var before store.ExchangeID
	if id, err := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64); err == nil && id > 0 {
		before = store.ExchangeID(id)
	}
	ctx := r.Context()
	entries, err := req.scope.ListExchanges(ctx, before, deliveryPage+1)
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	data := deliveriesData{}
	if len(entries) > deliveryPage {
		entries = entries[:deliveryPage]
		data.Next = fmt.Sprintf("/dashboard/%s/deliveries?before=%d", req.scope.Slug(), entries[len(entries)-1].ID)
	}
	secrets, err := d.providerSecrets(ctx, req.biz.ID)
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	for i := range entries {
		redactExchange(&entries[i], secrets)
	}
	data.Entries = entries
	d.render(w, r, http.StatusOK, "deliveries", "", d.page(req, "Delivery log", "deliveries", data))
}

// providerSecrets returns the auth tokens of the provider accounts of the business's numbers.
func (d *Dashboard) providerSecrets(ctx context.Context, business store.BusinessID) ([]string, error) {
	numbers, err := d.store.ListNumbers(ctx, business)
	if err != nil {
		return nil, err
	}
	seen := map[store.ProviderID]bool{}
	var secrets []string
	for _, n := range numbers {
		if seen[n.ProviderID] {
			continue
		}
		seen[n.ProviderID] = true
		p, err := d.store.GetProvider(ctx, n.ProviderID)
		if err != nil {
			return nil, err
		}
		secrets = append(secrets, p.AuthToken)
	}
	return secrets, nil
}

// redactExchange replaces every secret of four or more characters in the entry's text.
func redactExchange(e *store.LoggedExchange, secrets []string) {
	for _, s := range secrets {
		if len(s) < 4 {
			continue
		}
		for _, field := range []*string{&e.URL, &e.RequestBody, &e.ResponseBody, &e.Error} {
			*field = strings.ReplaceAll(*field, s, "[redacted]")
		}
	}
}
