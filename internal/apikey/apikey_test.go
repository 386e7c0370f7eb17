package apikey

import (
	"strings"
	"testing"
)

func TestNewKeyShape(t *testing.T) {
	k, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Secret) != Length {
		t.Errorf("key length = %d, want %d", len(k.Secret), Length)
	}
	if !WellFormed(k.Secret) {
		t.Errorf("new key %q is not well formed", k.Secret)
	}
	if !strings.HasPrefix(k.Secret, k.Prefix) || len(k.Prefix) != PrefixLength {
		t.Errorf("prefix %q is not the first %d characters of %q", k.Prefix, PrefixLength, k.Secret)
	}
	if k.Hash != Hash(k.Secret) || len(k.Hash) != 64 {
		t.Errorf("hash %q is not the hex SHA-256 of the key", k.Hash)
	}
	if strings.Contains(k.Hash, k.Secret[len(Scheme):]) {
		t.Error("hash contains the key")
	}
}

func TestNewKeysDiffer(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		k, err := New()
		if err != nil {
			t.Fatal(err)
		}
		if seen[k.Secret] {
			t.Fatalf("key %s generated twice", k.Prefix)
		}
		seen[k.Secret] = true
	}
}

func TestWellFormedRejects(t *testing.T) {
	good, err := New()
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"empty":        "",
		"no scheme":    "xxx_" + good.Secret[len(Scheme):],
		"short":        good.Secret[:Length-1],
		"long":         good.Secret + "a",
		"upper case":   Scheme + strings.ToUpper(good.Secret[len(Scheme):]),
		"digit 1":      good.Secret[:Length-1] + "1",
		"bearer space": good.Secret[:Length-1] + " ",
	}
	for name, s := range cases {
		if WellFormed(s) {
			t.Errorf("%s: WellFormed(%q) = true, want false", name, s)
		}
	}
}
