package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/store/dbsqlc"
)

// ForgetResult counts the rows ForgetContact deleted, by table.
type ForgetResult struct {
	Contacts          int64
	Calls             int64
	Messages          int64
	Webhooks          int64
	ProviderExchanges int64
	SandboxMessages   int64
	Bookings          int64
	HookEvents        int64
}

// Total returns the number of rows deleted.
func (r ForgetResult) Total() int64 {
	return r.Contacts + r.Calls + r.Messages + r.Webhooks + r.ProviderExchanges + r.SandboxMessages + r.Bookings +
		r.HookEvents
}

// forgetPageSize is how many calls ForgetContact reads at once while looking for a caller id.
const forgetPageSize = 1000

// idChunk bounds the ids or patterns in one statement, far below SQLite's limit of 32766
// parameters.
const idChunk = 500

// ForgetContact deletes, in one transaction, everything business b stores about the phone
// number e164:
//   - the contact with that number.
//   - every call from it. Those are the calls linked to the contact, and the calls whose caller
//     id normalises to e164 in the business's region.
//   - every text to or from it, or caused by one of those calls, with its delivery log entries.
//   - the stored webhooks of those calls and texts. A webhook belongs to a call or text when the
//     provider's id for it is one colon-separated field of the webhook's event key, such as
//     "status:<CallSid>:busy".
//   - the sandbox provider's texts between the number and one of the business's numbers.
//   - the contact's bookings and holds, with the names, emails and notes given with them.
//   - the outbound webhook events about the contact, with their deliveries and attempt logs.
//
// It returns an error wrapping ErrNotFound, and deletes nothing, when the business stores
// nothing about the number. Jobs already queued for the deleted rows find them gone and end.
//
// The queries are written by hand because they take lists of ids, which sqlc cannot generate for
// PostgreSQL. They use only SQL that SQLite and PostgreSQL share.
func (s *Store) ForgetContact(ctx context.Context, b Business, e164 string) (ForgetResult, error) {
	var res ForgetResult
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		res, err = tx.forget(ctx, b, e164)
		if err != nil {
			return err
		}
		if res.Total() == 0 {
			return fmt.Errorf("no contact, call or text with that number: %w", ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return ForgetResult{}, fmt.Errorf("forget %s in business %s: %w", e164, b.Slug, err)
	}
	return res, nil
}

// rowRef is a call or text and the provider's id for it.
type rowRef struct {
	id         int64
	providerID int64
	sid        string // the provider's call or message id, "" when there is none
}

func (tx *Tx) forget(ctx context.Context, b Business, e164 string) (ForgetResult, error) {
	var res ForgetResult
	contactID := sql.NullInt64{}
	contact, err := tx.GetContactByE164(ctx, b.ID, e164)
	switch {
	case err == nil:
		contactID = sql.NullInt64{Int64: int64(contact.ID), Valid: true}
	case !errors.Is(err, ErrNotFound):
		return res, err
	}

	calls, err := tx.callsFrom(ctx, b, contactID, e164)
	if err != nil {
		return res, err
	}
	messages, err := tx.messagesOf(ctx, b.ID, contactID, e164, calls)
	if err != nil {
		return res, err
	}

	if res.Webhooks, err = tx.deleteWebhooksOf(ctx, append(calls, messages...)); err != nil {
		return res, err
	}
	messageIDs := idsOf(messages)
	if res.ProviderExchanges, err = tx.deleteByIDs(ctx, "provider_exchanges", "message_id", messageIDs); err != nil {
		return res, err
	}
	// Corrections quote the lead's words, so they go with the messages they were made on.
	if _, err = tx.deleteByIDs(ctx, "ai_examples", "message_id", messageIDs); err != nil {
		return res, err
	}
	if res.Messages, err = tx.deleteByIDs(ctx, "messages", "id", messageIDs); err != nil {
		return res, err
	}
	if res.Calls, err = tx.deleteByIDs(ctx, "calls", "id", idsOf(calls)); err != nil {
		return res, err
	}
	if contactID.Valid {
		res.Bookings, err = tx.q.DeleteContactBookings(ctx, dbsqlc.DeleteContactBookingsParams{
			BusinessID: int64(b.ID), ContactID: contactID.Int64,
		})
		if err != nil {
			return res, fmt.Errorf("delete bookings of contact %d: %w", contactID.Int64, err)
		}
		if res.HookEvents, err = tx.deleteByIDs(ctx, "hook_events", "contact_id", []int64{contactID.Int64}); err != nil {
			return res, err
		}
		if res.Contacts, err = tx.deleteByIDs(ctx, "contacts", "id", []int64{contactID.Int64}); err != nil {
			return res, err
		}
	}

	sandbox, err := tx.tx.ExecContext(ctx, `DELETE FROM sandbox_messages
		WHERE (to_number = $1 AND from_number IN (SELECT e164 FROM numbers WHERE business_id = $2))
		   OR (from_number = $1 AND to_number IN (SELECT e164 FROM numbers WHERE business_id = $2))`,
		e164, int64(b.ID))
	if err != nil {
		return res, fmt.Errorf("delete sandbox texts with %s: %w", e164, err)
	}
	if res.SandboxMessages, err = sandbox.RowsAffected(); err != nil {
		return res, fmt.Errorf("delete sandbox texts with %s: %w", e164, err)
	}
	return res, nil
}

// callsFrom returns the business's calls linked to the contact or whose caller id normalises to
// e164. Caller ids are kept as the provider sent them, so they are read page by page and
// normalised here.
func (tx *Tx) callsFrom(ctx context.Context, b Business, contactID sql.NullInt64, e164 string) ([]rowRef, error) {
	var out []rowRef
	normalised := map[string]bool{} // caller id as sent → whether it is e164
	for after := int64(0); ; {
		rows, err := tx.tx.QueryContext(ctx, `SELECT id, provider_id, provider_call_id, contact_id, from_raw
			FROM calls WHERE business_id = $1 AND id > $2 ORDER BY id LIMIT $3`, int64(b.ID), after, forgetPageSize)
		if err != nil {
			return nil, fmt.Errorf("find calls from %s: %w", e164, err)
		}
		n := 0
		for rows.Next() {
			var (
				ref     rowRef
				contact sql.NullInt64
				fromRaw string
			)
			if err := rows.Scan(&ref.id, &ref.providerID, &ref.sid, &contact, &fromRaw); err != nil {
				rows.Close()
				return nil, fmt.Errorf("find calls from %s: %w", e164, err)
			}
			n++
			after = ref.id
			match, seen := normalised[fromRaw]
			if !seen {
				number, err := phone.Parse(strings.TrimSpace(fromRaw), b.Region)
				match = err == nil && number.E164 == e164
				normalised[fromRaw] = match
			}
			if match || (contactID.Valid && contact == contactID) {
				out = append(out, ref)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("find calls from %s: %w", e164, err)
		}
		if n < forgetPageSize {
			return out, nil
		}
	}
}

// messagesOf returns the business's texts linked to the contact, sent to or from e164, or
// caused by one of calls.
func (tx *Tx) messagesOf(
	ctx context.Context, business BusinessID, contactID sql.NullInt64, e164 string, calls []rowRef,
) ([]rowRef, error) {
	seen := map[int64]bool{}
	var out []rowRef
	collect := func(query string, args ...any) error {
		rows, err := tx.tx.QueryContext(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("find texts with %s: %w", e164, err)
		}
		defer rows.Close()
		for rows.Next() {
			var (
				ref rowRef
				pid sql.NullInt64
				sid sql.NullString
				key sql.NullString
			)
			if err := rows.Scan(&ref.id, &pid, &sid, &key); err != nil {
				return fmt.Errorf("find texts with %s: %w", e164, err)
			}
			ref.providerID, ref.sid = pid.Int64, sid.String
			if ref.sid == "" {
				ref.sid = inboundMessageSID(key.String)
			}
			if !seen[ref.id] {
				seen[ref.id] = true
				out = append(out, ref)
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("find texts with %s: %w", e164, err)
		}
		return nil
	}
	err := collect(`SELECT id, provider_id, provider_message_id, idempotency_key FROM messages
		WHERE business_id = $1 AND (contact_id = $2 OR from_number = $3 OR to_number = $3)`,
		int64(business), contactID, e164)
	if err != nil {
		return nil, err
	}
	callIDs := idsOf(calls)
	for start := 0; start < len(callIDs); start += idChunk {
		chunk := callIDs[start:min(start+idChunk, len(callIDs))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		query := "SELECT id, provider_id, provider_message_id, idempotency_key FROM messages WHERE call_id IN (" +
			placeholders(1, len(chunk)) + ")"
		if err := collect(query, args...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// inboundKeyPrefix starts the idempotency key of an inbound text, which the call flow writes as
// "inbound:<provider id>:<provider message id>".
const inboundKeyPrefix = "inbound:"

// inboundMessageSID returns the provider's message id from an inbound text's idempotency key,
// or "". Inbound texts keep it only there, because their provider_message_id column is empty.
func inboundMessageSID(key string) string {
	if !strings.HasPrefix(key, inboundKeyPrefix) {
		return ""
	}
	rest := strings.TrimPrefix(key, inboundKeyPrefix)
	_, sid, ok := strings.Cut(rest, ":")
	if !ok {
		return ""
	}
	return sid
}

// deleteWebhooksOf deletes the webhooks whose event key has the provider id of one of refs as
// a whole colon-separated field, and returns how many it deleted.
func (tx *Tx) deleteWebhooksOf(ctx context.Context, refs []rowRef) (int64, error) {
	byProvider := map[int64][]string{}
	for _, r := range refs {
		if r.sid != "" && r.providerID != 0 {
			byProvider[r.providerID] = append(byProvider[r.providerID], r.sid)
		}
	}
	var total int64
	for providerID, sids := range byProvider {
		for start := 0; start < len(sids); start += idChunk / 2 {
			chunk := sids[start:min(start+idChunk/2, len(sids))]
			args := []any{providerID}
			conditions := make([]string, 0, 2*len(chunk))
			for _, sid := range chunk {
				escaped := escapeLike(sid)
				// The id is either the key's last field or followed by another one.
				args = append(args, "%:"+escaped, "%:"+escaped+":%")
				conditions = append(conditions,
					fmt.Sprintf(`event_key LIKE $%d ESCAPE '\'`, len(args)-1),
					fmt.Sprintf(`event_key LIKE $%d ESCAPE '\'`, len(args)))
			}
			res, err := tx.tx.ExecContext(ctx, "DELETE FROM webhooks WHERE provider_id = $1 AND ("+
				strings.Join(conditions, " OR ")+")", args...)
			if err != nil {
				return total, fmt.Errorf("delete webhooks of provider %d: %w", providerID, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return total, fmt.Errorf("delete webhooks of provider %d: %w", providerID, err)
			}
			total += n
		}
	}
	return total, nil
}

// deleteByIDs deletes the rows of table whose column holds one of ids, and returns how many it
// deleted. table and column are constants of this file, never input.
func (tx *Tx) deleteByIDs(ctx context.Context, table, column string, ids []int64) (int64, error) {
	var total int64
	for start := 0; start < len(ids); start += idChunk {
		chunk := ids[start:min(start+idChunk, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		res, err := tx.tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE "+column+" IN ("+placeholders(1, len(chunk))+")", args...)
		if err != nil {
			return total, fmt.Errorf("delete %s: %w", table, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, fmt.Errorf("delete %s: %w", table, err)
		}
		total += n
	}
	return total, nil
}

// placeholders returns "$first, $first+1, ..." for n parameters.
func placeholders(first, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("$%d", first+i)
	}
	return strings.Join(parts, ", ")
}

// escapeLike escapes the LIKE wildcards in s for a pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func idsOf(refs []rowRef) []int64 {
	ids := make([]int64, len(refs))
	for i, r := range refs {
		ids[i] = r.id
	}
	return ids
}
