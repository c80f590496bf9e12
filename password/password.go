// Package password hashes and checks account passwords with argon2id
// (RFC 9106), stored as PHC strings so the cost can be raised later without
// invalidating existing hashes.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Cost parameters: OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane).
const (
	memoryKiB = 19 * 1024
	passes    = 2
	lanes     = 1
	saltLen   = 16
	keyLen    = 32
)

// MinLength and MaxLength bound a password, in characters. The upper bound
// keeps hashing cheap to refuse rather than cheap to abuse.
const (
	MinLength = 10
	MaxLength = 256
)

// ErrMalformed is returned by Verify for a stored hash it cannot read.
var ErrMalformed = errors.New("malformed password hash")

// Check returns an error saying what is wrong with a new password, or nil.
func Check(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw):
		return errors.New("the password must be valid UTF-8")
	case n < MinLength:
		return fmt.Errorf("the password must have at least %d characters", MinLength)
	case n > MaxLength:
		return fmt.Errorf("the password must have at most %d characters", MaxLength)
	}
	return nil
}

// Hash returns the PHC string of pw with a fresh random salt.
func Hash(pw string) string {
	salt := make([]byte, saltLen)
	_, _ = rand.Read(salt) // crypto/rand.Read never fails on supported platforms
	key := argon2.IDKey([]byte(pw), salt, passes, memoryKiB, lanes, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, memoryKiB, passes, lanes,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// Verify reports whether pw matches the PHC string encoded; it returns
// ErrMalformed when encoded is not an argon2id hash it can read.
func Verify(pw, encoded string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrMalformed
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, ErrMalformed
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 {
		return false, ErrMalformed
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, ErrMalformed
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, ErrMalformed
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummy is a valid hash of a random password: verifying against it when an
// account does not exist costs as much as a real check, so response times
// do not tell which emails have accounts.
var dummy = Hash(base64.RawStdEncoding.EncodeToString([]byte("no such account")))

// Waste spends the time of one verification.
func Waste(pw string) { _, _ = Verify(pw, dummy) }
