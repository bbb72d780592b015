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

// BenchmarkAction measures staff actions per second through the whole dev stack (HTTP, the update and
// its validator, the workflow deciding and appending at an exact revision, the case read back), with 8
// clients each acting on its own case, and the latency of one action. Each action reassigns the case
// to another sector. Run it with `go test -run '^$' -bench Action -benchtime 400x ./engine/`.
func BenchmarkAction(b *testing.B) {
	e := MustStartEngine(b, b.TempDir())
	defer e.Stop(b.Context())
	api := newAPIClient(b, e)
	const clients = 8
	ids := make([]string, clients)
	for i := range ids {
		v, res := api.open(petition(fmt.Sprintf("Дејства %d", i), time.Now().Add(-time.Hour)), "")
		if res.Status != http.StatusCreated {
			b.Fatalf("open: %d %s", res.Status, res.Body)
		}
		ids[i] = v.ID
	}
	var next atomic.Int64
	var mu sync.Mutex
	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				t0 := time.Now()
				res := api.do("POST", "/api/v1/cases/"+ids[c]+"/actions/assign", map[string]any{"sector": fmt.Sprintf("sector-%d", i)}, nil)
				d := time.Since(t0)
				if res.Status != http.StatusOK {
					b.Errorf("action %d: %d %s", i, res.Status, res.Body)
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
		b.ReportMetric(float64(n)/elapsed.Seconds(), "actions/s")
		b.ReportMetric(float64(latencies[n/2].Milliseconds()), "p50-ms")
		b.ReportMetric(float64(latencies[n*99/100].Milliseconds()), "p99-ms")
	}
}
