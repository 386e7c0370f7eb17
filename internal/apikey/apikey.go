// Package apikey makes and checks keys to the REST API.
//
// A key is "tbk_" followed by 40 lowercase base32 characters: 200 random bits, so that a single
// SHA-256 of it is safe to store and compare (no salt or slow hash is needed for a secret that
// cannot be guessed). Its first 12 characters are the prefix, stored in the clear to tell keys
// apart in listings.
package apikey

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"strings"
)

// Scheme starts every key, so that a leaked key is easy to recognise in code and logs.
const Scheme = "tbk_"

// PrefixLength is how many characters of a key, Scheme included, identify it.
const PrefixLength = len(Scheme) + 8

// randomBytes is the key's entropy: 25 bytes are exactly 40 base32 characters.
const randomBytes = 25

// Length is the length of a whole key.
const Length = len(Scheme) + randomBytes*8/5

var encoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// Key is a new key. Its secret is shown once, when it is created; only the prefix and hash are stored.
type Key struct {
	Secret string // the whole key
	Prefix string
	Hash   string // hex SHA-256 of Secret
}

// New returns a random key.
func New() (Key, error) {
	b := make([]byte, randomBytes)
	if _, err := rand.Read(b); err != nil {
		return Key{}, fmt.Errorf("generate api key: %w", err)
	}
	secret := Scheme + strings.ToLower(encoding.EncodeToString(b))
	return Key{Secret: secret, Prefix: secret[:PrefixLength], Hash: Hash(secret)}, nil
}

// Hash returns the hex SHA-256 of a key, as stored.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// WellFormed reports whether s has the shape of a key, so that a malformed one is rejected
// without a database lookup.
func WellFormed(s string) bool {
	if len(s) != Length || !strings.HasPrefix(s, Scheme) {
		return false
	}
	for _, r := range s[len(Scheme):] {
		if (r < 'a' || r > 'z') && (r < '2' || r > '7') {
			return false
		}
	}
	return true
}
