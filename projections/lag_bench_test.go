package projections_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/predmet/predmet/internal/testkit"
	"github.com/predmet/predmet/projections"
)

// BenchmarkLag measures how long an event takes from its append to being visible in the Casework read
// model, under a steady intake load: a case received every 5 ms (200 events a second, several times a
// municipality's busiest hour), each registered right after, while the runner follows the log live.
// It reports the 50th and 99th percentiles of the delay, for every event appended (b.N of them).
func BenchmarkLag(b *testing.B) {
	store := testkit.MustOpenStore(b)
	cw := projections.NewCasework(store, projections.CaseworkOptions{})
	r := MustOpenRunner(b, "", store, cw)
	Start(b, r)

	const every = 5 * time.Millisecond
	var (
		mu     sync.Mutex
		delays []time.Duration
		wg     sync.WaitGroup
	)
	// visible polls the read model until the case shows version rev+1, and records the delay.
	visible := func(id string, rev uint64, appended time.Time) {
		defer wg.Done()
		for {
			if c, err := cw.Get(context.Background(), id); err == nil && c.Version > rev {
				d := time.Since(appended)
				mu.Lock()
				delays = append(delays, d)
				mu.Unlock()
				return
			}
			time.Sleep(200 * time.Microsecond)
		}
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	n := 0
	for i := 0; i < b.N; i++ {
		<-tick.C
		// Even ticks receive a case, odd ticks register it.
		c, rev := testCase{n: 1_000_000 + n/2, steps: n%2 + 1}, n%2
		c.Append(b, store, rev)
		wg.Add(1)
		go visible(c.id(), uint64(rev), time.Now())
		n++
	}
	wg.Wait()
	slices.Sort(delays)
	at := func(q float64) float64 {
		return float64(delays[int(q*float64(len(delays)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
	b.ReportMetric(at(1), "max-ms")
}
