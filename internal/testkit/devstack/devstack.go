// Package devstack starts predmet's whole embedded dev stack for end-to-end tests: Temporal and its Web UI
// on SQLite, the event store, the worker, the projections and the API, in the test's process on free
// ports. It is apart from testkit because it links the Temporal server, which the other tests need not
// wait for.
package devstack

import (
	"context"
	"strings"
	"sync"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/predmet/predmet/engine"
	"github.com/predmet/predmet/internal/testkit"
)

// SampleDirectory is the organisation directory a stack starts with unless its test names another: the
// sample one in deploy/directory.
var SampleDirectory = testkit.Path("deploy/directory/example.json")

// startAttempts is how often a start is tried when a port the embedded Temporal picked was taken by
// someone else before its server could bind it.
const startAttempts = 3

// Stack is a running dev stack. Its engine's methods are at hand; Stop stops it.
type Stack struct {
	*engine.Engine
	// Dir is the data directory, which outlives the stack: start another on it with MustStartIn.
	Dir string

	stopOnce sync.Once
}

// MustStart starts a dev stack in a fresh data directory in tb's temporary directory: every port a free
// one, the sample organisation directory, the embedded default otherwise, then each change applied to
// the config. The stack stops when tb ends, if it has not been stopped before.
func MustStart(tb testing.TB, change ...func(*engine.Config)) *Stack {
	tb.Helper()
	return MustStartIn(tb, tb.TempDir(), change...)
}

// MustStartIn is MustStart on the data directory dir: a stack started again on what a stopped one left.
func MustStartIn(tb testing.TB, dir string, change ...func(*engine.Config)) *Stack {
	tb.Helper()
	cfg := engine.DefaultConfig()
	cfg.DataDir = dir
	cfg.APIAddr = "127.0.0.1:0"
	cfg.TemporalPort = 0
	cfg.UIPort = 0
	cfg.DirectoryFile = SampleDirectory
	for _, f := range change {
		f(&cfg)
	}
	logger := zaptest.NewLogger(tb, zaptest.Level(zap.WarnLevel))
	var e *engine.Engine
	var err error
	for range startAttempts {
		// Port 0 makes the embedded Temporal pick free ports, which it holds until just before its
		// services bind them; another process (another test binary) may take one in that instant.
		if e, err = engine.Start(context.Background(), cfg, logger); err == nil || !strings.Contains(err.Error(), "address already in use") {
			break
		}
		tb.Logf("start the dev stack again: %v", err)
	}
	if err != nil {
		tb.Fatalf("start the dev stack: %v", err)
	}
	s := &Stack{Engine: e, Dir: dir}
	tb.Cleanup(s.Stop)
	return s
}

// Stop stops every part of the stack and closes its databases; calls after the first do nothing.
func (s *Stack) Stop() {
	s.stopOnce.Do(func() { s.Engine.Stop(context.Background()) })
}
