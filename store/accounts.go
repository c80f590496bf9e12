package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/voc-project/voc/store/internal/dbsqlc"
)

// Role is what a user may do. Roles are ordered: each includes the ones
// below it.
type Role string

// Roles, from least to most.
const (
	RoleViewer  Role = "viewer"  // reads and exports
	RoleAnalyst Role = "analyst" // uploads, runs analyses and edits
	RoleAdmin   Role = "admin"   // manages users, tokens, the audit log and River UI
)

// Rank orders roles: viewer 1, analyst 2, admin 3, anything else 0.
func (r Role) Rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleAnalyst:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// AtLeast reports whether r includes min.
func (r Role) AtLeast(min Role) bool { return r.Rank() >= min.Rank() && r.Rank() > 0 }

// ParseRole returns the role named s, or an error naming the valid ones.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if r.Rank() == 0 {
		return "", fmt.Errorf("role must be admin, analyst or viewer, got %q", s)
	}
	return r, nil
}

// User is an account. The password hash never leaves the store.
type User struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      Role      `json:"role" enum:"admin,analyst,viewer"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func userFromRow(r dbsqlc.User) User {
	return User{ID: r.ID, Email: r.Email, Name: r.Name, Role: Role(r.Role), Disabled: r.Disabled, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// NormalizeEmail lower-cases and trims an email; accounts are unique on it.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// UserCreate stores a user with an already hashed password. It returns
// ErrConflict when the email is taken.
func UserCreate(ctx context.Context, db DBTX, email, name string, role Role, passwordHash string) (User, error) {
	r, err := q(db).UserInsert(ctx, dbsqlc.UserInsertParams{Email: NormalizeEmail(email), Name: strings.TrimSpace(name),
		PasswordHash: passwordHash, Role: string(role)})
	if err != nil {
		return User{}, fmt.Errorf("insert user %q: %w", email, mapErr(err))
	}
	return userFromRow(r), nil
}

// UserGet returns a user, or ErrNotFound.
func UserGet(ctx context.Context, db DBTX, id int64) (User, error) {
	r, err := q(db).UserGetByID(ctx, id)
	if err != nil {
		return User{}, mapErr(err)
	}
	return userFromRow(r), nil
}

// UserCredentials returns the user of an email with their password hash, or
// ErrNotFound.
func UserCredentials(ctx context.Context, db DBTX, email string) (User, string, error) {
	r, err := q(db).UserGetByEmail(ctx, NormalizeEmail(email))
	if err != nil {
		return User{}, "", mapErr(err)
	}
	return userFromRow(r), r.PasswordHash, nil
}

// UserList returns every user, oldest first.
func UserList(ctx context.Context, db DBTX) ([]User, error) {
	rows, err := q(db).UserList(ctx)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	out := make([]User, len(rows))
	for i, r := range rows {
		out[i] = userFromRow(r)
	}
	return out, nil
}

// UserChange is a partial update of a user; nil fields are kept.
type UserChange struct {
	Name         *string
	Role         *Role
	Disabled     *bool
	PasswordHash *string
}

// ErrLastAdmin is returned when a change would leave no enabled admin user.
var ErrLastAdmin = errors.New("the change would leave no enabled admin user")

// UserUpdate applies a change and returns the user, or ErrNotFound, or
// ErrLastAdmin when it would demote or disable the last enabled admin.
// Disabling a user or changing their role or password ends their sessions.
// Run it in a transaction.
func UserUpdate(ctx context.Context, db DBTX, id int64, c UserChange) (User, error) {
	if err := q(db).UserLockAdmins(ctx); err != nil {
		return User{}, fmt.Errorf("lock admins: %w", err)
	}
	before, err := UserGet(ctx, db, id)
	if err != nil {
		return User{}, err
	}
	p := dbsqlc.UserUpdateParams{ID: id, Name: c.Name, Disabled: c.Disabled, PasswordHash: c.PasswordHash}
	if c.Role != nil {
		s := string(*c.Role)
		p.Role = &s
	}
	r, err := q(db).UserUpdate(ctx, p)
	if err != nil {
		return User{}, fmt.Errorf("update user %d: %w", id, mapErr(err))
	}
	after := userFromRow(r)
	if before.Role == RoleAdmin && !before.Disabled && (after.Role != RoleAdmin || after.Disabled) {
		n, err := q(db).UserCountActiveAdmins(ctx)
		if err != nil {
			return User{}, fmt.Errorf("count admins: %w", err)
		}
		if n == 0 {
			return User{}, ErrLastAdmin
		}
	}
	if after.Disabled != before.Disabled || after.Role != before.Role || c.PasswordHash != nil {
		if _, err := q(db).SessionDeleteForUser(ctx, &id); err != nil {
			return User{}, fmt.Errorf("end sessions of user %d: %w", id, err)
		}
	}
	return after, nil
}

// Identity is who a request acts as: a user (through a session or one of
// their tokens) or an installation token, with the role that applies.
type Identity struct {
	UserID  *int64 `json:"user_id,omitempty"`
	TokenID *int64 `json:"token_id,omitempty"`
	Email   string `json:"email,omitempty"`
	Name    string `json:"name"`
	Role    Role   `json:"role"`
}

// Label is a readable name of the identity for logs and the audit log.
func (i Identity) Label() string {
	switch {
	case i.UserID != nil:
		return fmt.Sprintf("user %d <%s>", *i.UserID, i.Email)
	case i.TokenID != nil:
		return fmt.Sprintf("token %d (%s)", *i.TokenID, i.Name)
	}
	return "anonymous"
}

// tokenRole is the role of a token without a user.
func tokenRole(admin bool) Role {
	if admin {
		return RoleAdmin
	}
	return RoleAnalyst
}

// IdentityForToken returns who an authenticated token acts as. A token of
// a user acts with the user's role; a disabled user's tokens give
// ErrNotFound.
func IdentityForToken(ctx context.Context, db DBTX, tokenID int64) (Identity, error) {
	r, err := q(db).TokenOwner(ctx, tokenID)
	if err != nil {
		return Identity{}, mapErr(err)
	}
	return tokenOwnerIdentity(r)
}

// TokenIdentity returns who the live token whose secret this is acts as,
// and notes its use, as TokenAuthenticate then IdentityForToken do but in
// one round trip; ErrNotFound when there is no such token or its user is
// disabled.
func TokenIdentity(ctx context.Context, db DBTX, secret string) (Identity, error) {
	r, err := q(db).TokenIdentityByHash(ctx, HashToken(secret))
	if err != nil {
		return Identity{}, mapErr(err)
	}
	return tokenOwnerIdentity(dbsqlc.TokenOwnerRow(r))
}

func tokenOwnerIdentity(r dbsqlc.TokenOwnerRow) (Identity, error) {
	id := r.ID
	if r.UserID == nil {
		return Identity{TokenID: &id, Name: r.Name, Role: tokenRole(r.IsAdmin)}, nil
	}
	if r.Disabled != nil && *r.Disabled {
		return Identity{}, ErrNotFound
	}
	return Identity{UserID: r.UserID, TokenID: &id, Email: deref(r.Email), Name: deref(r.UserName), Role: Role(deref(r.Role))}, nil
}

// OwnedToken is an API token with its owner.
type OwnedToken struct {
	Token
	UserID *int64 `json:"user_id,omitempty" doc:"the owner; absent for an installation token"`
}

// TokenCreateForUser stores a new token of a user and returns it.
func TokenCreateForUser(ctx context.Context, db DBTX, userID int64, name, secret string) (OwnedToken, error) {
	r, err := q(db).TokenInsertForUser(ctx, dbsqlc.TokenInsertForUserParams{Name: name, TokenHash: HashToken(secret), UserID: &userID})
	if err != nil {
		return OwnedToken{}, fmt.Errorf("insert token of user %d: %w", userID, mapErr(err))
	}
	return OwnedToken{Token: Token{ID: r.ID, Name: name, CreatedAt: r.CreatedAt}, UserID: &userID}, nil
}

// TokenListOwned returns the live tokens of a user, or of everyone when
// userID is nil.
func TokenListOwned(ctx context.Context, db DBTX, userID *int64) ([]OwnedToken, error) {
	out := []OwnedToken{}
	if userID == nil {
		rows, err := q(db).TokenListAll(ctx)
		if err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		for _, r := range rows {
			out = append(out, OwnedToken{Token: Token{ID: r.ID, Name: r.Name, IsAdmin: r.IsAdmin, CreatedAt: r.CreatedAt, LastUsedAt: r.LastUsedAt}, UserID: r.UserID})
		}
		return out, nil
	}
	rows, err := q(db).TokenListForUser(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("list tokens of user %d: %w", *userID, err)
	}
	for _, r := range rows {
		out = append(out, OwnedToken{Token: Token{ID: r.ID, Name: r.Name, IsAdmin: r.IsAdmin, CreatedAt: r.CreatedAt, LastUsedAt: r.LastUsedAt}, UserID: r.UserID})
	}
	return out, nil
}

// TokenRevokeOwned revokes a user's token; ErrNotFound when the user has no
// such live token.
func TokenRevokeOwned(ctx context.Context, db DBTX, userID, tokenID int64) error {
	n, err := q(db).TokenRevokeForUser(ctx, dbsqlc.TokenRevokeForUserParams{ID: tokenID, UserID: &userID})
	if err != nil {
		return fmt.Errorf("revoke token %d: %w", tokenID, err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// UserLanguages are the web app's languages a user can choose.
var UserLanguages = []string{"zh", "en"}

// UserLanguage returns the web app language a user chose, "" when none yet.
// It returns ErrNotFound for an unknown user.
func UserLanguage(ctx context.Context, db DBTX, userID int64) (string, error) {
	l, err := q(db).UserLanguageGet(ctx, userID)
	if err != nil {
		return "", mapErr(err)
	}
	if l == nil {
		return "", nil
	}
	return *l, nil
}

// UserSetLanguage remembers a user's web app language, one of
// UserLanguages. It returns ErrNotFound for an unknown user.
func UserSetLanguage(ctx context.Context, db DBTX, userID int64, lang string) error {
	n, err := q(db).UserLanguageSet(ctx, dbsqlc.UserLanguageSetParams{ID: userID, Language: &lang})
	if err != nil {
		return fmt.Errorf("set language of user %d: %w", userID, mapErr(err))
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
