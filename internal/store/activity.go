package store

import (
	"context"
	"strconv"
)

// ActivityTopic is the broadcast topic that names a business whose calls or texts changed, so
// that open dashboards refresh. Its payload is the business id in decimal.
const ActivityTopic = "activity"

// activity collects the businesses a transaction recorded calls or texts for.
type activity struct {
	businesses []BusinessID
}

// noteActivity marks business as changed by the transaction, when o belongs to one; changes made
// outside a transaction publish nothing.
func (o ops) noteActivity(business BusinessID) {
	if o.activity == nil || business == 0 {
		return
	}
	for _, b := range o.activity.businesses {
		if b == business {
			return
		}
	}
	o.activity.businesses = append(o.activity.businesses, business)
}

// publishActivity broadcasts one activity message per changed business, delivered when tx
// commits.
func (tx *Tx) publishActivity(ctx context.Context) error {
	for _, b := range tx.activity.businesses {
		if err := tx.Broadcast(ctx, ActivityTopic, strconv.FormatInt(int64(b), 10)); err != nil {
			return err
		}
	}
	return nil
}
