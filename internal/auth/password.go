package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters of new hashes. Verification reads the parameters stored in each hash, so
// raising these later keeps old passwords working.
const (
	argonMemoryKiB = 19 * 1024 // 19 MiB
	argonPasses    = 2
	argonThreads   = 1
	argonSaltBytes = 16
	argonKeyBytes  = 32
)

// Password length rules, in characters. The maximum bounds the work of one hash.
const (
	MinPasswordLength = 10
	MaxPasswordLength = 256
)

// ErrMalformedHash is returned for a stored hash that is not an argon2id PHC string.
var ErrMalformedHash = errors.New("malformed password hash")

// CheckPassword returns an error that says what is wrong with a new password, or nil.
func CheckPassword(password string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return errors.New("invalid password: it is not valid UTF-8 text")
	case n < MinPasswordLength:
		return fmt.Errorf("password too short: use at least %d characters", MinPasswordLength)
	case n > MaxPasswordLength:
		return fmt.Errorf("password too long: use at most %d characters", MaxPasswordLength)
	case strings.TrimSpace(password) == "":
		return errors.New("invalid password: it is only spaces")
	}
	return nil
}

// HashPassword returns the argon2id hash of password in PHC string form:
// $argon2id$v=19$m=<KiB>,t=<passes>,p=<threads>$<salt>$<key>, base64 without padding.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltBytes)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonPasses, argonMemoryKiB, argonThreads, argonKeyBytes)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonPasses,
		argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var b64 = base64.RawStdEncoding

// Limits on the parameters read from a stored hash, so that a tampered row cannot make one
// verification take minutes or gigabytes.
const (
	maxStoredMemoryKiB = 1 << 20 // 1 GiB
	maxStoredPasses    = 20
)

// VerifyPassword reports whether password matches hash, comparing in constant time. It returns
// ErrMalformedHash for a hash it cannot read.
func VerifyPassword(hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false, ErrMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, ErrMalformedHash
	}
	var memory, passes uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &passes, &threads); err != nil {
		return false, ErrMalformedHash
	}
	if memory == 0 || memory > maxStoredMemoryKiB || passes == 0 || passes > maxStoredPasses || threads == 0 {
		return false, ErrMalformedHash
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) == 0 {
		return false, ErrMalformedHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, ErrMalformedHash
	}
	got := argon2.IDKey([]byte(password), salt, passes, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is verified when a sign-in names an unknown account, so that the answer takes as long
// as for a known one and does not reveal which addresses have accounts.
// It is made on first use, since hashing at start-up would slow every command.
var dummyHash = sync.OnceValue(func() string {
	h, err := HashPassword("textback-dummy-password")
	if err != nil {
		// crypto/rand does not fail on supported platforms.
		panic(err)
	}
	return h
})
