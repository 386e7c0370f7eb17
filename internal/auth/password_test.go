package auth

import (
	"errors"
	"strings"
	"testing"
)

func TestPasswordRoundTrip(t *testing.T) {
	hash, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q does not start with the argon2id parameters", hash)
	}
	ok, err := VerifyPassword(hash, "correct horse battery")
	if err != nil || !ok {
		t.Errorf("right password: ok=%v err=%v, want true", ok, err)
	}
	ok, err = VerifyPassword(hash, "correct horse batterY")
	if err != nil || ok {
		t.Errorf("wrong password: ok=%v err=%v, want false", ok, err)
	}
	again, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if again == hash {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

func TestVerifyRejectsMalformedHash(t *testing.T) {
	hash, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(hash, "$")
	cases := map[string]string{
		"empty":          "",
		"bcrypt":         "$2a$10$abcdefghijklmnopqrstuu",
		"argon2i":        strings.Replace(hash, "argon2id", "argon2i", 1),
		"old version":    strings.Replace(hash, "v=19", "v=16", 1),
		"huge memory":    strings.Replace(hash, "m=19456", "m=99999999", 1),
		"zero passes":    strings.Replace(hash, "t=2", "t=0", 1),
		"bad salt":       strings.Join(append(parts[:4:4], "!!!", parts[5]), "$"),
		"missing key":    strings.Join(parts[:5], "$") + "$",
		"missing fields": "$argon2id$v=19",
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			ok, err := VerifyPassword(h, "correct horse battery")
			if ok || !errors.Is(err, ErrMalformedHash) {
				t.Errorf("VerifyPassword(%q) = %v, %v; want false, ErrMalformedHash", h, ok, err)
			}
		})
	}
}

func TestCheckPassword(t *testing.T) {
	cases := []struct {
		password string
		problem  string // "" for a valid password
	}{
		{"short", "too short"},
		{"exactly10!", ""},
		{strings.Repeat(" ", 12), "only spaces"},
		{strings.Repeat("a", MaxPasswordLength+1), "too long"},
		{"pässwörter-mit-umlaut", ""},
		{"bad\xffutf8-password", "UTF-8"},
	}
	for _, c := range cases {
		err := CheckPassword(c.password)
		switch {
		case c.problem == "" && err != nil:
			t.Errorf("CheckPassword(%q) = %v, want nil", c.password, err)
		case c.problem != "" && (err == nil || !strings.Contains(err.Error(), c.problem)):
			t.Errorf("CheckPassword(%q) = %v, want an error about %q", c.password, err, c.problem)
		}
	}
}
