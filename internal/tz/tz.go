// Package tz loads IANA time zones once per process.
package tz

import (
	"sync"
	"time"
)

// loaded caches the locations Load found, keyed by name, because time.LoadLocation opens, reads
// and parses the zone file on every call, and the hot paths load a zone for every call and text.
var loaded sync.Map

// Load returns the location named name, as time.LoadLocation does, from a process-wide cache.
// Zone data read at first use stays in effect until the process restarts.
func Load(name string) (*time.Location, error) {
	if loc, ok := loaded.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	loaded.Store(name, loc)
	return loc, nil
}
