package sqlite_test

import (
	"testing"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/eventstore/eventstoretest"
	"github.com/predmet/predmet/internal/testkit"
)

func openBench(tb testing.TB) domain.EventStore { return testkit.MustOpenStore(tb) }

// BenchmarkAppendSingle appends one event per call, one call at a time, each synced to disk.
func BenchmarkAppendSingle(b *testing.B) { eventstoretest.BenchAppendSingle(b, openBench) }

// BenchmarkAppendConcurrent32 appends one event per call from 32 goroutines; group commit shares the syncs.
func BenchmarkAppendConcurrent32(b *testing.B) {
	eventstoretest.BenchAppendConcurrent(b, openBench, 32)
}

// BenchmarkCatchUpRead subscribes to a log of 100,000 events and reads it until caught up.
func BenchmarkCatchUpRead(b *testing.B) { eventstoretest.BenchCatchUp(b, openBench, 100_000) }
