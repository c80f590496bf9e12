package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/voc-project/voc/store/internal/dbsqlc"
)

// Share is a share link of a report. Its token is never stored: only its
// SHA-256.
type Share struct {
	ID           int64      `json:"id"`
	ReportID     int64      `json:"report_id"`
	ExpiresAt    time.Time  `json:"expires_at"`
	Views        int64      `json:"views"`
	LastViewedAt *time.Time `json:"last_viewed_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
}

func shareFromRow(r dbsqlc.ReportShare) Share {
	return Share{ID: r.ID, ReportID: r.ReportID, ExpiresAt: r.ExpiresAt, Views: r.Views, LastViewedAt: r.LastViewedAt, CreatedAt: r.CreatedAt}
}

// NewShareToken returns a fresh share token: 256 random bits, URL-safe.
func NewShareToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

func shareHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// ShareCreate stores a share link of a report with the hash of token.
func ShareCreate(ctx context.Context, db DBTX, reportID int64, token string, expiresAt time.Time) (Share, error) {
	r, err := q(db).ShareInsert(ctx, dbsqlc.ShareInsertParams{ReportID: reportID, TokenHash: shareHash(token), ExpiresAt: expiresAt})
	if err != nil {
		return Share{}, fmt.Errorf("insert share of report %d: %w", reportID, mapErr(err))
	}
	return shareFromRow(r), nil
}

// ShareList returns a report's share links, newest first.
func ShareList(ctx context.Context, db DBTX, reportID int64) ([]Share, error) {
	rows, err := q(db).ShareListByReport(ctx, reportID)
	if err != nil {
		return nil, fmt.Errorf("list shares of report %d: %w", reportID, err)
	}
	out := make([]Share, len(rows))
	for i, r := range rows {
		out[i] = shareFromRow(r)
	}
	return out, nil
}

// ShareDelete revokes a share link by removing it; ErrNotFound when there
// is no such link.
func ShareDelete(ctx context.Context, db DBTX, id int64) error {
	n, err := q(db).ShareDelete(ctx, id)
	if err != nil {
		return fmt.Errorf("delete share %d: %w", id, err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// ShareByToken returns the share link a token opens, or ErrNotFound.
// Expiry is the caller's to judge.
func ShareByToken(ctx context.Context, db DBTX, token string) (Share, error) {
	r, err := q(db).ShareGetByTokenHash(ctx, shareHash(token))
	if err != nil {
		return Share{}, mapErr(err)
	}
	return shareFromRow(r), nil
}

// ShareCountView counts one view of a share link.
func ShareCountView(ctx context.Context, db DBTX, id int64) error {
	if err := q(db).ShareCountView(ctx, id); err != nil {
		return fmt.Errorf("count view of share %d: %w", id, err)
	}
	return nil
}
