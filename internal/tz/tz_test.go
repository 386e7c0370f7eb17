package tz_test

import (
	"testing"

	"github.com/textback/textback/internal/tz"
)

func TestLoadCachesZone(t *testing.T) {
	first, err := tz.Load("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	second, err := tz.Load("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	if first != second {
		t.Error("second load returned a different location, want the cached one")
	}
	if first.String() != "America/Chicago" {
		t.Errorf("location name %q, want America/Chicago", first.String())
	}
}

func TestLoadUnknownZone(t *testing.T) {
	if _, err := tz.Load("Mars/Olympus_Mons"); err == nil {
		t.Error("unknown zone loaded without an error")
	}

	loc, err := tz.Load("UTC")
	if err != nil {
		t.Fatalf("load UTC: %v", err)
	}
	if loc.String() != "UTC" {
		t.Errorf("location name %q, want UTC", loc.String())
	}
}
