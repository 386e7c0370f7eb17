package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/store/dbsqlc"
)

// Scope is one business as seen by one signed-in user. The dashboard reads and changes tenant
// data only through a Scope, and every query of a Scope names its business in the WHERE clause,
// so an id that belongs to another business is not found (ErrNotFound), whoever asks.
//
// A Scope can only be made by OpenScope, which checks the user's memberships; its fields are
// unexported so that no other code can point one at another business.
type Scope struct {
	store    *Store
	business BusinessID
	slug     string
	user     UserID
	role     Role
}

// OpenScope returns the scope of the business with slug for user: through a membership of the
// business, or an agency-admin membership of its agency. It returns an error wrapping ErrNotFound
// when there is no such business or the user may not open it, so that the two cannot be told
// apart.
func (s *Store) OpenScope(ctx context.Context, user UserID, slug string) (Scope, error) {
	rows, err := s.q.GetUserBusinessRoles(ctx, dbsqlc.GetUserBusinessRolesParams{UserID: int64(user), Slug: slug})
	if err != nil {
		return Scope{}, fmt.Errorf("open business %q for user %d: %w", slug, user, err)
	}
	if len(rows) == 0 {
		return Scope{}, fmt.Errorf("open business %q for user %d: %w", slug, user, ErrNotFound)
	}
	sc := Scope{store: s, business: BusinessID(rows[0].ID), slug: slug, user: user}
	for _, r := range rows {
		if role := Role(r.Role); role.rank() > sc.role.rank() {
			sc.role = role
		}
	}
	return sc, nil
}

// Business returns the id of the scope's business.
func (sc Scope) Business() BusinessID { return sc.business }

// Slug returns the slug of the scope's business.
func (sc Scope) Slug() string { return sc.slug }

// User returns the signed-in user.
func (sc Scope) User() UserID { return sc.user }

// Role returns the user's strongest role in the business.
func (sc Scope) Role() Role { return sc.role }

// GetBusiness returns the scope's business with its settings.
func (sc Scope) GetBusiness(ctx context.Context) (Business, error) {
	return sc.store.GetBusiness(ctx, sc.business)
}

// InboxFilter selects and pages the inbox.
type InboxFilter struct {
	UnreadOnly bool
	// AssignedTo keeps the conversations assigned to one user; 0 keeps all.
	AssignedTo UserID
	// Search keeps the conversations whose contact's number contains the digits of Search or
	// whose name contains Search, ignoring case.
	Search string
	// Before continues a listing after its last row; zero starts at the newest.
	Before InboxCursor
	Limit  int
}

// InboxCursor is the position of a conversation in the inbox order.
type InboxCursor struct {
	At time.Time
	ID ConversationID
}

// InboxItem is one row of the inbox.
type InboxItem struct {
	ID            ConversationID
	ContactID     ContactID
	Unread        int
	LastMessageAt time.Time
	AssignedTo    UserID
	E164          string
	FirstName     string
	LastName      string
	OptedOut      bool
	LastBody      string
}

// MaxInboxPage is the most rows one inbox page returns.
const MaxInboxPage = 200

// ListInbox returns the business's conversations that have texts, newest first. It applies at
// most one filter: Search first, then UnreadOnly, then AssignedTo.
func (sc Scope) ListInbox(ctx context.Context, f InboxFilter) ([]InboxItem, error) {
	limit := int32(min(max(f.Limit, 1), MaxInboxPage))
	before := nullTime(f.Before.At)
	beforeID := int64(f.Before.ID)
	var rows []dbsqlc.ListInboxRow
	var err error
	exact, isNumber := sc.searchNumber(ctx, f.Search)
	switch {
	case isNumber:
		var found []dbsqlc.ListInboxByContactRow
		if f.Before.ID == 0 {
			found, err = sc.store.q.ListInboxByContact(ctx, dbsqlc.ListInboxByContactParams{
				BusinessID: int64(sc.business), E164: exact,
			})
		}
		for _, r := range found {
			rows = append(rows, dbsqlc.ListInboxRow(r))
		}
	case strings.TrimSpace(f.Search) != "":
		digits, name := searchPatterns(f.Search)
		var found []dbsqlc.SearchInboxRow
		found, err = sc.store.q.SearchInbox(ctx, dbsqlc.SearchInboxParams{
			BusinessID: int64(sc.business), Digits: digits, Name: name, BeforeID: beforeID, BeforeAt: before, MaxRows: limit,
		})
		for _, r := range found {
			rows = append(rows, dbsqlc.ListInboxRow(r))
		}
	case f.UnreadOnly:
		var found []dbsqlc.ListInboxUnreadRow
		found, err = sc.store.q.ListInboxUnread(ctx, dbsqlc.ListInboxUnreadParams{
			BusinessID: int64(sc.business), BeforeID: beforeID, BeforeAt: before, MaxRows: limit,
		})
		for _, r := range found {
			rows = append(rows, dbsqlc.ListInboxRow(r))
		}
	case f.AssignedTo != 0:
		var found []dbsqlc.ListInboxAssignedRow
		found, err = sc.store.q.ListInboxAssigned(ctx, dbsqlc.ListInboxAssignedParams{
			BusinessID: int64(sc.business), AssignedUserID: nullInt(int64(f.AssignedTo)), BeforeID: beforeID,
			BeforeAt: before, MaxRows: limit,
		})
		for _, r := range found {
			rows = append(rows, dbsqlc.ListInboxRow(r))
		}
	default:
		rows, err = sc.store.q.ListInbox(ctx, dbsqlc.ListInboxParams{
			BusinessID: int64(sc.business), BeforeID: beforeID, BeforeAt: before, MaxRows: limit,
		})
	}
	if err != nil {
		return nil, fmt.Errorf("list inbox of business %d: %w", sc.business, err)
	}
	out := make([]InboxItem, len(rows))
	for i, r := range rows {
		out[i] = InboxItem{
			ID: ConversationID(r.ID), ContactID: ContactID(r.ContactID), Unread: int(r.Unread),
			LastMessageAt: timeOf(r.LastMessageAt), AssignedTo: UserID(r.AssignedUserID.Int64), E164: r.E164,
			FirstName: r.FirstName, LastName: r.LastName, OptedOut: r.OptedOutAt.Valid, LastBody: r.LastBody,
		}
	}
	return out, nil
}

// searchNumber returns the search as an E.164 number when it is a whole valid phone number in the
// business's region, which the contacts' unique index finds at once.
func (sc Scope) searchNumber(ctx context.Context, search string) (string, bool) {
	search = strings.TrimSpace(search)
	if search == "" || strings.ContainsFunc(search, unicode.IsLetter) {
		return "", false
	}
	region := "US"
	if b, err := sc.store.GetBusiness(ctx, sc.business); err == nil {
		region = b.Region
	}
	n, err := phone.Parse(search, region)
	if err != nil {
		return "", false
	}
	return n.E164, true
}

// searchPatterns returns the LIKE patterns of a search: the digits it contains, matched anywhere
// in a number, and the whole text in lower case, matched anywhere in a name. A pattern is "" when
// the search gives it nothing to match, and a name search needs at least two characters.
func searchPatterns(search string) (digits, name string) {
	search = strings.TrimSpace(search)
	var d strings.Builder
	for _, r := range search {
		if r >= '0' && r <= '9' {
			d.WriteRune(r)
		}
	}
	if d.Len() >= 3 {
		digits = "%" + d.String() + "%"
	}
	if strings.ContainsFunc(search, unicode.IsLetter) && len([]rune(search)) >= 2 {
		name = "%" + escapeLike(strings.ToLower(strings.Join(strings.Fields(search), " "))) + "%"
	}
	return digits, name
}

// GetConversation returns the business's conversation with id and its contact.
func (sc Scope) GetConversation(ctx context.Context, id ConversationID) (Conversation, Contact, error) {
	conv, err := sc.store.GetConversation(ctx, sc.business, id)
	if err != nil {
		return Conversation{}, Contact{}, err
	}
	contact, err := sc.store.GetContact(ctx, sc.business, conv.ContactID)
	if err != nil {
		return Conversation{}, Contact{}, err
	}
	return conv, contact, nil
}

// ConversationByContact returns the business's conversation with the contact, or an error
// wrapping ErrNotFound when they have none.
func (sc Scope) ConversationByContact(ctx context.Context, contact ContactID) (Conversation, error) {
	row, err := sc.store.q.GetConversationByContact(ctx, dbsqlc.GetConversationByContactParams{
		BusinessID: int64(sc.business), ContactID: int64(contact),
	})
	if err != nil {
		return Conversation{}, notFound(err, "get conversation with contact %d", contact)
	}
	return conversationFromRow(row), nil
}

// ConversationMessages returns the newest limit texts of the business's conversation, oldest
// first.
func (sc Scope) ConversationMessages(ctx context.Context, id ConversationID, limit int) ([]Message, error) {
	rows, err := sc.store.q.ListBusinessConversationMessages(ctx, dbsqlc.ListBusinessConversationMessagesParams{
		BusinessID: int64(sc.business), ConversationID: nullInt(int64(id)), MaxRows: int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("list texts of conversation %d: %w", id, err)
	}
	msgs, err := messagesFromRows(rows)
	if err != nil {
		return nil, err
	}
	for i, j := 0, len(msgs)-1; i < j; i, j = i+1, j-1 {
		msgs[i], msgs[j] = msgs[j], msgs[i]
	}
	return msgs, nil
}

// MarkConversationRead clears the conversation's unread count.
func (sc Scope) MarkConversationRead(ctx context.Context, id ConversationID) error {
	n, err := sc.store.q.MarkConversationRead(ctx, dbsqlc.MarkConversationReadParams{BusinessID: int64(sc.business), ID: int64(id)})
	if err != nil {
		return fmt.Errorf("mark conversation %d read: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("mark conversation %d read: %w", id, ErrNotFound)
	}
	return nil
}

// Member is a user who may open the business.
type Member struct {
	ID    UserID
	Email string
	Role  Role
}

// ListMembers returns the users who may open the business, by email, each with their strongest
// role.
func (sc Scope) ListMembers(ctx context.Context) ([]Member, error) {
	rows, err := sc.store.q.ListBusinessMembers(ctx, nullInt(int64(sc.business)))
	if err != nil {
		return nil, fmt.Errorf("list users of business %d: %w", sc.business, err)
	}
	var out []Member
	seen := map[UserID]int{}
	for _, r := range rows {
		m := Member{ID: UserID(r.ID), Email: r.Email, Role: Role(r.Role)}
		if i, ok := seen[m.ID]; ok {
			if m.Role.rank() > out[i].Role.rank() {
				out[i].Role = m.Role
			}
			continue
		}
		seen[m.ID] = len(out)
		out = append(out, m)
	}
	return out, nil
}

// AssignConversation assigns the conversation to a user who may open the business, or to nobody
// (user 0).
func (sc Scope) AssignConversation(ctx context.Context, id ConversationID, user UserID) error {
	if user != 0 {
		members, err := sc.ListMembers(ctx)
		if err != nil {
			return err
		}
		found := false
		for _, m := range members {
			found = found || m.ID == user
		}
		if !found {
			return fmt.Errorf("assign conversation %d to user %d: %w", id, user, ErrNotFound)
		}
	}
	n, err := sc.store.q.AssignConversation(ctx, dbsqlc.AssignConversationParams{
		BusinessID: int64(sc.business), ID: int64(id), AssignedUserID: nullInt(int64(user)), UpdatedAt: sc.store.Now(),
	})
	if err != nil {
		return fmt.Errorf("assign conversation %d: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("assign conversation %d: %w", id, ErrNotFound)
	}
	return nil
}
