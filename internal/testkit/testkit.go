// Package testkit holds the helpers that predmet's tests share: an embedded event store, an activity
// test environment, polling for a condition, a headless Chromium and the writer of replay histories.
// The whole dev stack for end-to-end tests is started by its subpackage devstack.
package testkit

import (
	"path/filepath"
	"runtime"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Skopje on machines without a time-zone database

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/eventstore/sqlite"
	"github.com/predmet/predmet/keystore"
)

// Skopje is the municipality's location, Europe/Skopje.
var Skopje = mustLoadLocation("Europe/Skopje")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// MustOpenStore opens an embedded event store in a fresh file in tb's temporary directory and closes it
// when tb ends.
func MustOpenStore(tb testing.TB, opts ...sqlite.Option) *sqlite.Store {
	tb.Helper()
	return MustOpenStoreAt(tb, filepath.Join(tb.TempDir(), "events.db"), opts...)
}

// MustOpenStoreAt opens the embedded event store in the file at path, creating it if it is missing, and
// closes it when tb ends.
func MustOpenStoreAt(tb testing.TB, path string, opts ...sqlite.Option) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(path, opts...)
	if err != nil {
		tb.Fatalf("open event store: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("close event store: %v", err)
		}
	})
	return s
}

// Eventually calls f until it returns nil, and fails tb with f's last error if that has not happened
// within the given time. It looks again after 10 ms at first, then less and less often, at most every
// 200 ms: a condition that holds soon is seen soon, and a long wait does not keep the machine busy.
func Eventually(tb testing.TB, within time.Duration, f func() error) {
	tb.Helper()
	deadline := time.Now().Add(within)
	pause := 10 * time.Millisecond
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("not within %s: %v", within, err)
		}
		time.Sleep(pause)
		pause = min(2*pause, 200*time.Millisecond)
	}
}

// Path returns the absolute path of a file of the repository given relative to its root, e.g.
// "deploy/directory/example.json", wherever the test runs.
func Path(rel string) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		panic("testkit: no caller information")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", filepath.FromSlash(rel))
}

// MustOpenKeys opens a key store (keystore.File) in a fresh directory of tb's and closes it when tb
// ends.
func MustOpenKeys(tb testing.TB) *keystore.File {
	tb.Helper()
	ks, err := keystore.OpenFile(filepath.Join(tb.TempDir(), "keys", "keys.db"))
	if err != nil {
		tb.Fatalf("open key store: %v", err)
	}
	tb.Cleanup(func() { ks.Close() })
	return ks
}

// MustOpenCodec returns a codec that seals personal data with a fresh key store (MustOpenKeys).
func MustOpenCodec(tb testing.TB) *domain.Codec {
	tb.Helper()
	return &domain.Codec{Keys: MustOpenKeys(tb)}
}
