package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/textback/textback/internal/store/dbsqlc"
)

// More typed ids, for the dashboard's accounts.
type (
	AgencyID  int64 // a row of agencies
	UserID    int64 // a row of users
	SessionID int64 // a row of sessions
)

// Role is what a membership lets a user do.
type Role string

const (
	RoleAgencyAdmin Role = "agency-admin" // every business of one agency, settings included
	RoleOwner       Role = "owner"        // one business, settings included
	RoleStaff       Role = "staff"        // one business's inbox, contacts and calls, without settings
)

// Roles lists the roles in the order the command line shows them.
var Roles = []Role{RoleAgencyAdmin, RoleOwner, RoleStaff}

// ParseRole returns the role named s, or an error that lists the roles.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return "", fmt.Errorf("invalid role %q: use %s", s, strings.Join(names, ", "))
}

// rank orders roles by what they allow, so that the stronger of two grants wins.
func (r Role) rank() int {
	switch r {
	case RoleAgencyAdmin:
		return 3
	case RoleOwner:
		return 2
	case RoleStaff:
		return 1
	}
	return 0
}

// CanEditSettings reports whether the role may change a business's settings.
func (r Role) CanEditSettings() bool { return r == RoleOwner || r == RoleAgencyAdmin }

// Agency is a company that runs several businesses.
type Agency struct {
	ID   AgencyID
	Name string
}

// User is a person who signs in to the dashboard.
type User struct {
	ID           UserID
	Email        string
	PasswordHash string
	LastLoginAt  time.Time
	CreatedAt    time.Time
}

// ErrExists is returned when a row to insert clashes with a unique key.
var ErrExists = errors.New("already exists")

// UpsertAgency returns the agency named name, creating it when missing.
func (o ops) UpsertAgency(ctx context.Context, name string) (Agency, error) {
	row, err := o.q.UpsertAgency(ctx, dbsqlc.UpsertAgencyParams{Name: name, CreatedAt: o.Now()})
	if err != nil {
		return Agency{}, fmt.Errorf("upsert agency %q: %w", name, err)
	}
	return Agency{ID: AgencyID(row.ID), Name: row.Name}, nil
}

// SetBusinessAgency makes the business part of the agency; agency 0 detaches it.
func (o ops) SetBusinessAgency(ctx context.Context, business BusinessID, agency AgencyID) error {
	n, err := o.q.SetBusinessAgency(ctx, dbsqlc.SetBusinessAgencyParams{
		ID: int64(business), AgencyID: nullInt(int64(agency)), UpdatedAt: o.Now(),
	})
	if err != nil {
		return fmt.Errorf("set agency of business %d: %w", business, err)
	}
	if n == 0 {
		return fmt.Errorf("set agency of business %d: %w", business, ErrNotFound)
	}
	return nil
}

// InsertUser creates a user. It returns an error wrapping ErrExists when the email is taken.
func (o ops) InsertUser(ctx context.Context, email, passwordHash string) (User, error) {
	if _, err := o.q.GetUserByEmail(ctx, email); err == nil {
		return User{}, fmt.Errorf("create user %s: %w", email, ErrExists)
	}
	row, err := o.q.InsertUser(ctx, dbsqlc.InsertUserParams{Email: email, PasswordHash: passwordHash, CreatedAt: o.Now()})
	if err != nil {
		return User{}, fmt.Errorf("create user %s: %w", email, err)
	}
	return userFromRow(row), nil
}

// GetUser returns the user with id, or an error wrapping ErrNotFound.
func (o ops) GetUser(ctx context.Context, id UserID) (User, error) {
	row, err := o.q.GetUser(ctx, int64(id))
	if err != nil {
		return User{}, notFound(err, "get user %d", id)
	}
	return userFromRow(row), nil
}

// GetUserByEmail returns the user with the email address, or an error wrapping ErrNotFound.
// Addresses are stored in lower case, so email must be too.
func (o ops) GetUserByEmail(ctx context.Context, email string) (User, error) {
	row, err := o.q.GetUserByEmail(ctx, email)
	if err != nil {
		return User{}, notFound(err, "get user %s", email)
	}
	return userFromRow(row), nil
}

// SetUserPassword replaces the user's password hash.
func (o ops) SetUserPassword(ctx context.Context, id UserID, passwordHash string) error {
	err := o.q.SetUserPassword(ctx, dbsqlc.SetUserPasswordParams{ID: int64(id), PasswordHash: passwordHash, UpdatedAt: o.Now()})
	if err != nil {
		return fmt.Errorf("set password of user %d: %w", id, err)
	}
	return nil
}

// NoteUserLogin records a successful sign-in at t.
func (o ops) NoteUserLogin(ctx context.Context, id UserID, t time.Time) error {
	if err := o.q.NoteUserLogin(ctx, dbsqlc.NoteUserLoginParams{ID: int64(id), LastLoginAt: nullTime(t)}); err != nil {
		return fmt.Errorf("note sign-in of user %d: %w", id, err)
	}
	return nil
}

// Membership is one grant of a role to a user, in a business or an agency.
type Membership struct {
	UserID     UserID
	BusinessID BusinessID // 0 for an agency membership
	AgencyID   AgencyID   // 0 for a business membership
	Role       Role
}

// AddMembership grants m and reports whether it is new. An agency-admin membership names an
// agency; owner and staff memberships name a business.
func (o ops) AddMembership(ctx context.Context, m Membership) (bool, error) {
	if (m.Role == RoleAgencyAdmin) != (m.AgencyID != 0) || (m.AgencyID != 0) == (m.BusinessID != 0) {
		return false, fmt.Errorf("add membership of user %d: role %s needs %s", m.UserID, m.Role, roleTarget(m.Role))
	}
	n, err := o.q.InsertMembership(ctx, dbsqlc.InsertMembershipParams{
		UserID: int64(m.UserID), BusinessID: nullInt(int64(m.BusinessID)), AgencyID: nullInt(int64(m.AgencyID)),
		Role: string(m.Role), CreatedAt: o.Now(),
	})
	if err != nil {
		return false, fmt.Errorf("add membership of user %d: %w", m.UserID, err)
	}
	return n == 1, nil
}

func roleTarget(r Role) string {
	if r == RoleAgencyAdmin {
		return "an agency and no business"
	}
	return "a business and no agency"
}

// ListMemberships returns the user's memberships, oldest first.
func (o ops) ListMemberships(ctx context.Context, user UserID) ([]Membership, error) {
	rows, err := o.q.ListMemberships(ctx, int64(user))
	if err != nil {
		return nil, fmt.Errorf("list memberships of user %d: %w", user, err)
	}
	out := make([]Membership, len(rows))
	for i, r := range rows {
		out[i] = Membership{UserID: UserID(r.UserID), BusinessID: BusinessID(r.BusinessID.Int64),
			AgencyID: AgencyID(r.AgencyID.Int64), Role: Role(r.Role)}
	}
	return out, nil
}

// BusinessAccess is a business a user may open and the role that lets them.
type BusinessAccess struct {
	ID   BusinessID
	Slug string
	Name string
	Role Role
}

// ListUserBusinesses returns the businesses the user may open, by slug, each with the strongest
// role the user has there.
func (o ops) ListUserBusinesses(ctx context.Context, user UserID) ([]BusinessAccess, error) {
	rows, err := o.q.ListUserBusinesses(ctx, int64(user))
	if err != nil {
		return nil, fmt.Errorf("list businesses of user %d: %w", user, err)
	}
	var out []BusinessAccess
	for _, r := range rows {
		access := BusinessAccess{ID: BusinessID(r.ID), Slug: r.Slug, Name: r.Name, Role: Role(r.Role)}
		if n := len(out); n > 0 && out[n-1].ID == access.ID {
			if access.Role.rank() > out[n-1].Role.rank() {
				out[n-1].Role = access.Role
			}
			continue
		}
		out = append(out, access)
	}
	return out, nil
}

func userFromRow(row dbsqlc.User) User {
	return User{ID: UserID(row.ID), Email: row.Email, PasswordHash: row.PasswordHash,
		LastLoginAt: timeOf(row.LastLoginAt), CreatedAt: row.CreatedAt.UTC()}
}

// Session is a signed-in browser. The cookie carries a random token; only its hash is stored.
type Session struct {
	ID         SessionID
	UserID     UserID
	CSRFToken  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// InsertSession stores a new session under the hash of its token.
func (o ops) InsertSession(ctx context.Context, tokenHash string, s Session) (Session, error) {
	row, err := o.q.InsertSession(ctx, dbsqlc.InsertSessionParams{
		TokenHash: tokenHash, UserID: int64(s.UserID), CsrfToken: s.CSRFToken, CreatedAt: ts(s.CreatedAt),
		ExpiresAt: ts(s.ExpiresAt),
	})
	if err != nil {
		return Session{}, fmt.Errorf("create session of user %d: %w", s.UserID, err)
	}
	return sessionFromRow(row), nil
}

// GetSession returns the session stored under tokenHash, or an error wrapping ErrNotFound. It does
// not check expiry.
func (o ops) GetSession(ctx context.Context, tokenHash string) (Session, error) {
	row, err := o.q.GetSession(ctx, tokenHash)
	if err != nil {
		return Session{}, notFound(err, "get session")
	}
	return sessionFromRow(row), nil
}

// TouchSession records that the session was used at t.
func (o ops) TouchSession(ctx context.Context, id SessionID, t time.Time) error {
	if err := o.q.TouchSession(ctx, dbsqlc.TouchSessionParams{ID: int64(id), LastSeenAt: ts(t)}); err != nil {
		return fmt.Errorf("touch session %d: %w", id, err)
	}
	return nil
}

// DeleteSession ends the session stored under tokenHash; ending a missing session is no error.
func (o ops) DeleteSession(ctx context.Context, tokenHash string) error {
	if err := o.q.DeleteSession(ctx, tokenHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of the user and returns how many there were.
func (o ops) DeleteUserSessions(ctx context.Context, user UserID) (int64, error) {
	n, err := o.q.DeleteUserSessions(ctx, int64(user))
	if err != nil {
		return 0, fmt.Errorf("delete sessions of user %d: %w", user, err)
	}
	return n, nil
}

// DeleteExpiredSessions removes sessions past their absolute expiry or idle since idleCutoff.
func (o ops) DeleteExpiredSessions(ctx context.Context, idleCutoff time.Time) (int64, error) {
	n, err := o.q.DeleteExpiredSessions(ctx, dbsqlc.DeleteExpiredSessionsParams{Now: o.Now(), IdleCutoff: ts(idleCutoff)})
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return n, nil
}

func sessionFromRow(row dbsqlc.Session) Session {
	return Session{ID: SessionID(row.ID), UserID: UserID(row.UserID), CSRFToken: row.CsrfToken,
		CreatedAt: row.CreatedAt.UTC(), LastSeenAt: row.LastSeenAt.UTC(), ExpiresAt: row.ExpiresAt.UTC()}
}

// RecordLoginFailure records a failed sign-in of key (an address or an account) at t.
func (o ops) RecordLoginFailure(ctx context.Context, scope, key string, t time.Time) error {
	if err := o.q.InsertLoginFailure(ctx, dbsqlc.InsertLoginFailureParams{Scope: scope, Key: key, FailedAt: ts(t)}); err != nil {
		return fmt.Errorf("record failed sign-in: %w", err)
	}
	return nil
}

// LoginFailures returns when key failed to sign in after since, oldest first, at most limit.
func (o ops) LoginFailures(ctx context.Context, scope, key string, since time.Time, limit int) ([]time.Time, error) {
	rows, err := o.q.ListLoginFailures(ctx, dbsqlc.ListLoginFailuresParams{
		Scope: scope, Key: key, Since: ts(since), MaxRows: int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("count failed sign-ins: %w", err)
	}
	for i := range rows {
		rows[i] = rows[i].UTC()
	}
	return rows, nil
}

// ClearLoginFailures forgets the failed sign-ins of key.
func (o ops) ClearLoginFailures(ctx context.Context, scope, key string) error {
	if err := o.q.ClearLoginFailures(ctx, dbsqlc.ClearLoginFailuresParams{Scope: scope, Key: key}); err != nil {
		return fmt.Errorf("clear failed sign-ins: %w", err)
	}
	return nil
}

// DeleteLoginFailuresBefore removes failed sign-ins older than t, which no limit counts any more.
func (o ops) DeleteLoginFailuresBefore(ctx context.Context, t time.Time) (int64, error) {
	n, err := o.q.DeleteLoginFailuresBefore(ctx, ts(t))
	if err != nil {
		return 0, fmt.Errorf("delete old failed sign-ins: %w", err)
	}
	return n, nil
}
