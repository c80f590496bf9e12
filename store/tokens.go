package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/voc-project/voc/store/internal/dbsqlc"
)

// Token is an API token's metadata; the secret itself is never stored.
type Token struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	IsAdmin    bool       `json:"is_admin"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// HashToken returns the SHA-256 of a bearer token. Tokens are high-entropy
// random strings, so a fast hash is enough; the database never sees the
// secret.
func HashToken(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// NewTokenSecret returns a fresh random token ("voc_" + 64 hex digits).
func NewTokenSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return "voc_" + hex.EncodeToString(b)
}

// TokenCreate stores the hash of secret under name. Creating a token whose
// secret already exists updates its admin flag and un-revokes it.
func TokenCreate(ctx context.Context, db DBTX, name, secret string, admin bool) (int64, error) {
	id, err := q(db).TokenInsert(ctx, dbsqlc.TokenInsertParams{Name: name, TokenHash: HashToken(secret), IsAdmin: admin})
	if err != nil {
		return 0, fmt.Errorf("insert token %q: %w", name, mapErr(err))
	}
	return id, nil
}

// TokenAuthenticate returns the live token whose secret this is, or
// ErrNotFound.
func TokenAuthenticate(ctx context.Context, db DBTX, secret string) (Token, error) {
	row, err := q(db).TokenGetByHash(ctx, HashToken(secret))
	if err != nil {
		return Token{}, mapErr(err)
	}
	if err := q(db).TokenTouch(ctx, row.ID); err != nil {
		return Token{}, fmt.Errorf("touch token %d: %w", row.ID, err)
	}
	return Token{ID: row.ID, Name: row.Name, IsAdmin: row.IsAdmin, CreatedAt: row.CreatedAt, LastUsedAt: row.LastUsedAt}, nil
}

// TokenList returns all live tokens.
func TokenList(ctx context.Context, db DBTX) ([]Token, error) {
	rows, err := q(db).TokenList(ctx)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	out := make([]Token, len(rows))
	for i, r := range rows {
		out[i] = Token{ID: r.ID, Name: r.Name, IsAdmin: r.IsAdmin, CreatedAt: r.CreatedAt, LastUsedAt: r.LastUsedAt}
	}
	return out, nil
}

// TokenRevoke revokes a token; it returns ErrNotFound when there is no live
// token with that id.
func TokenRevoke(ctx context.Context, db DBTX, id int64) error {
	n, err := q(db).TokenRevoke(ctx, id)
	if err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
