package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/voc-project/voc/store/internal/dbsqlc"
)

// Session kinds: how the session secret travels.
const (
	SessionCookie = "cookie" // the web app's HttpOnly cookie
	SessionBearer = "bearer" // an access_token (the browser extension's login)
)

// NewSessionSecret returns a fresh session secret: 256 random bits,
// prefixed so it is told apart from API tokens ("voc_").
func NewSessionSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return "vocs_" + base64.RawURLEncoding.EncodeToString(b)
}

// SessionCreate stores a session of a user (or, with tokenID, of an API
// token) under the hash of secret, expiring after ttl.
func SessionCreate(ctx context.Context, db DBTX, secret, kind string, userID, tokenID *int64, clientAddr string, ttl time.Duration) (time.Time, error) {
	exp := time.Now().Add(ttl)
	err := q(db).SessionInsert(ctx, dbsqlc.SessionInsertParams{IDHash: HashToken(secret), Kind: kind, UserID: userID,
		TokenID: tokenID, ClientAddr: clientAddr, ExpiresAt: exp})
	if err != nil {
		return time.Time{}, fmt.Errorf("insert session: %w", err)
	}
	return exp, nil
}

// SessionIdentity returns who a live session of a kind acts as, or
// ErrNotFound when it is unknown, expired, or its user is disabled or its
// token revoked.
func SessionIdentity(ctx context.Context, db DBTX, secret, kind string) (Identity, error) {
	r, err := q(db).SessionGet(ctx, dbsqlc.SessionGetParams{IDHash: HashToken(secret), Kind: kind})
	if err != nil {
		return Identity{}, mapErr(err)
	}
	var id Identity
	switch {
	case r.UserID != nil:
		if deref(r.Disabled) {
			return Identity{}, ErrNotFound
		}
		id = Identity{UserID: r.UserID, Email: deref(r.Email), Name: deref(r.UserName), Role: Role(deref(r.Role))}
	case r.TokenID != nil:
		if r.TokenRevokedAt != nil {
			return Identity{}, ErrNotFound
		}
		// The token may belong to a user; its role is the user's.
		if id, err = IdentityForToken(ctx, db, *r.TokenID); err != nil {
			return Identity{}, err
		}
	default:
		return Identity{}, ErrNotFound
	}
	if err := q(db).SessionTouch(ctx, r.IDHash); err != nil {
		return Identity{}, fmt.Errorf("touch session: %w", err)
	}
	return id, nil
}

// SessionDelete ends a session; it reports whether there was one.
func SessionDelete(ctx context.Context, db DBTX, secret string) (bool, error) {
	n, err := q(db).SessionDelete(ctx, HashToken(secret))
	if err != nil {
		return false, fmt.Errorf("delete session: %w", err)
	}
	return n > 0, nil
}

// SessionDeleteExpired removes expired sessions and returns how many.
func SessionDeleteExpired(ctx context.Context, db DBTX) (int64, error) {
	n, err := q(db).SessionDeleteExpired(ctx)
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return n, nil
}

// Throttle is the login throttling policy: from Threshold failures within
// Window on one key, each failure locks the key for Base doubled per
// further failure, at most Cap.
type Throttle struct {
	Window    time.Duration
	Threshold int
	Base      time.Duration
	Cap       time.Duration
}

// ThrottleLockedUntil returns the latest lock of the keys, or the zero time
// when none is locked.
func ThrottleLockedUntil(ctx context.Context, db DBTX, keys []string) (time.Time, error) {
	var t *time.Time
	err := db.QueryRow(ctx, `SELECT max(locked_until) FROM login_throttle WHERE key = ANY($1) AND locked_until > now()`, keys).Scan(&t)
	if err != nil {
		return time.Time{}, fmt.Errorf("read login throttle: %w", err)
	}
	return deref(t), nil
}

// ThrottleFail counts a failed login against a key and returns its
// failures in the current window and the lock it now has (zero: none).
func ThrottleFail(ctx context.Context, db DBTX, key string, p Throttle) (int, time.Time, error) {
	// fresh: the count restarts when the window since the first failure
	// has passed.
	const sql = `
INSERT INTO login_throttle AS lt (key, failures, first_failed, last_failed, locked_until)
VALUES ($1, 1, now(), now(), CASE WHEN $2::int <= 1 THEN now() + $3::float8 * interval '1 second' END)
ON CONFLICT (key) DO UPDATE SET
    failures     = CASE WHEN lt.first_failed < now() - $5::float8 * interval '1 second' THEN 1 ELSE lt.failures + 1 END,
    first_failed = CASE WHEN lt.first_failed < now() - $5::float8 * interval '1 second' THEN now() ELSE lt.first_failed END,
    last_failed  = now(),
    locked_until = (SELECT CASE WHEN n >= $2::int
                     THEN now() + least($4::float8, $3::float8 * power(2, least(30, n - $2::int))) * interval '1 second' END
                   FROM (SELECT CASE WHEN lt.first_failed < now() - $5::float8 * interval '1 second' THEN 1 ELSE lt.failures + 1 END AS n) c)
RETURNING failures, locked_until`
	var n int
	var until *time.Time
	err := db.QueryRow(ctx, sql, key, p.Threshold, p.Base.Seconds(), p.Cap.Seconds(), p.Window.Seconds()).Scan(&n, &until)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("count failed login: %w", err)
	}
	return n, deref(until), nil
}

// ThrottleClear forgets the failures of a key (after a successful login).
func ThrottleClear(ctx context.Context, db DBTX, key string) error {
	if _, err := db.Exec(ctx, `DELETE FROM login_throttle WHERE key = $1`, key); err != nil {
		return fmt.Errorf("clear login throttle: %w", err)
	}
	return nil
}
