package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

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

// EnvTokenName names the token stored from VOC_ADMIN_TOKEN.
const EnvTokenName = "admin (VOC_ADMIN_TOKEN)"

// EnvTokenOutcome says what TokenEnsureFromEnv did.
type EnvTokenOutcome struct {
	// ID is the env token's id.
	ID int64
	// Created is true when the secret was new and is now an admin token.
	Created bool
	// Revoked is true when this secret was revoked earlier: it stays
	// revoked, and the variable grants nothing.
	Revoked bool
	// RevokedPrevious counts the earlier env-derived tokens now revoked.
	RevokedPrevious int64
}

// TokenEnsureFromEnv makes secret (the value of VOC_ADMIN_TOKEN) the one
// live env-derived admin token, in one transaction: it revokes the tokens
// that earlier values of the variable created, and never un-revokes this
// one if an admin revoked it. A secret that already belongs to a token not
// made from the variable is left as it is. It returns an error only when
// the database fails.
func TokenEnsureFromEnv(ctx context.Context, db DB, secret string) (EnvTokenOutcome, error) {
	var out EnvTokenOutcome
	err := InTx(ctx, db, func(tx pgx.Tx) error {
		hash := HashToken(secret)
		row, err := q(tx).TokenGetAnyByHash(ctx, hash)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			if out.ID, err = q(tx).TokenInsertFromEnv(ctx, dbsqlc.TokenInsertFromEnvParams{Name: EnvTokenName, TokenHash: hash}); err != nil {
				return fmt.Errorf("insert env admin token: %w", mapErr(err))
			}
			out.Created = true
		case err != nil:
			return fmt.Errorf("find env admin token: %w", err)
		default:
			out.ID, out.Revoked = row.ID, row.Revoked
		}
		if out.RevokedPrevious, err = q(tx).TokenRevokeFromEnvExcept(ctx, out.ID); err != nil {
			return fmt.Errorf("revoke previous env admin tokens: %w", err)
		}
		return nil
	})
	return out, err
}
