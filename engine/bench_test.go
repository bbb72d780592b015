package engine_test

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkIntake measures petitions registered per second through the whole dev stack (HTTP, the
// event store, update-with-start, the workflow numbering the case) with 16 concurrent clients, and the
// latency of one intake. Run it with `go test -run '^$' -bench Intake -benchtime 500x ./engine/`.
func BenchmarkIntake(b *testing.B) {
	e := MustStartEngine(b, b.TempDir())
	defer e.Stop(b.Context())
	api := newAPIClient(b, e)
	received := time.Now().Add(-time.Hour)

	const clients = 16
	var next atomic.Int64
	var mu sync.Mutex
	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				t0 := time.Now()
				_, res := api.open(petition(fmt.Sprintf("Оптоварување %d", i), received), fmt.Sprintf("bench-%d", i))
				d := time.Since(t0)
				if res.Status != http.StatusCreated {
					b.Errorf("intake %d: %d %s", i, res.Status, res.Body)
					return
				}
				mu.Lock()
				latencies = append(latencies, d)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	if n := len(latencies); n > 0 {
		b.ReportMetric(float64(n)/elapsed.Seconds(), "cases/s")
		b.ReportMetric(float64(latencies[n/2].Milliseconds()), "p50-ms")
		b.ReportMetric(float64(latencies[n*99/100].Milliseconds()), "p99-ms")
	}
}
