package engine_test

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/predmet/predmet/internal/testkit/devstack"
)

// BenchmarkIntake measures petitions registered per second through the whole dev stack (HTTP, the
// event store, update-with-start, the workflow numbering the case) with 16 concurrent clients, and the
// latency of one intake. Run it with `go test -run '^$' -bench Intake -benchtime 500x ./engine/`.
func BenchmarkIntake(b *testing.B) {
	e := devstack.MustStart(b)
	api := newAPIClient(b, e)
	received := time.Now().Add(-time.Hour)
	measure(b, 16, "cases/s", func(_, i int) {
		_, res := api.open(petition(fmt.Sprintf("Оптоварување %d", i), received), fmt.Sprintf("bench-%d", i))
		if res.Status != http.StatusCreated {
			b.Errorf("intake %d: %d %s", i, res.Status, res.Body)
		}
	})
}

// BenchmarkAction measures staff actions per second through the whole dev stack (HTTP, the update and
// its validator, the workflow deciding and appending at an exact revision, the case read back), with 8
// clients each acting on its own case, and the latency of one action. Each action reassigns the case
// to another sector. Run it with `go test -run '^$' -bench Action -benchtime 400x ./engine/`.
func BenchmarkAction(b *testing.B) {
	e := devstack.MustStart(b)
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
	measure(b, clients, "actions/s", func(client, i int) {
		res := api.do("POST", "/api/v1/cases/"+ids[client]+"/actions/assign", map[string]any{"sector": fmt.Sprintf("sector-%d", i)}, nil)
		if res.Status != http.StatusOK {
			b.Errorf("action %d: %d %s", i, res.Status, res.Body)
		}
	})
}

// measure runs b.N calls of call spread over clients concurrent goroutines and reports the calls per
// second under unit and the p50 and p99 latency. A call that fails (reports an error) stops its client.
func measure(b *testing.B, clients int, unit string, call func(client, i int)) {
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
				if i > int64(b.N) || b.Failed() {
					return
				}
				t0 := time.Now()
				call(c, int(i))
				d := time.Since(t0)
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
		b.ReportMetric(float64(n)/elapsed.Seconds(), unit)
		b.ReportMetric(float64(latencies[n/2].Milliseconds()), "p50-ms")
		b.ReportMetric(float64(latencies[n*99/100].Milliseconds()), "p99-ms")
	}
}
