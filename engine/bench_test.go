package engine_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/eventstore/sqlite"
	"github.com/predmet/predmet/internal/testkit"
	"github.com/predmet/predmet/internal/testkit/devstack"
	"github.com/predmet/predmet/keystore"
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

// BenchmarkErasePerson measures the erasure of one person, by e-mail address, with 10,000 cases in the
// log: the request through the API, the person's cases found in the read models, their duty to keep
// checked on their streams, and the erasure workflow destroying their keys, purging the outbox and
// recording the erasure on each case. Each of the 10,000 cases has its own key and is closed (its
// workflow ended), and 20 people have 3 cases each; each iteration erases one of them. Run it with
// `go test -run '^$' -bench ErasePerson -benchtime 20x ./engine/`.
func BenchmarkErasePerson(b *testing.B) {
	const cases, people, perPerson = 10_000, 20, 3
	dir := b.TempDir()
	writeClosedCases(b, dir, cases, people, perPerson)
	e := devstack.MustStartIn(b, dir)
	api := newAPIClient(b, e)
	person := func(i int) string { return fmt.Sprintf("person%d@example.mk", i) }
	testkit.Eventually(b, 5*time.Minute, func() error {
		found, err := e.Casework().CasesOf(context.Background(), personID(b, e, person(people-1)))
		if err != nil || len(found) != perPerson {
			return fmt.Errorf("the read models hold %d cases of the last person (%v)", len(found), err)
		}
		return nil
	})
	if b.N > people {
		b.Fatalf("at most %d erasures: run with -benchtime %dx", people, people)
	}
	i := 0
	for b.Loop() {
		res := api.do("POST", "/api/v1/erasures", map[string]any{"email": person(i), "reason": "Asked on arrival.",
			"legalBasis": "Law on Personal Data Protection, art. 18", "override": "Benchmark."}, nil)
		if res.Status != http.StatusCreated || !strings.Contains(string(res.Body), `"done":true`) {
			b.Fatalf("erasure %d: %d %s", i, res.Status, res.Body)
		}
		i++
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/erasure")
}

// personID returns the pseudonym of the person with the given address in the stack's key store.
func personID(tb testing.TB, e *devstack.Stack, email string) string {
	id, err := e.Keys().PersonID(context.Background(), domain.NormaliseEmail(email))
	if err != nil {
		tb.Fatal(err)
	}
	return "p-" + id
}

// writeClosedCases writes n closed petitions, each sealed with its own key, into the event store and the
// key store of the data directory dir; the first people*perPerson belong, perPerson each, to the people
// person0@example.mk and on, the others each to someone else.
func writeClosedCases(tb testing.TB, dir string, n, people, perPerson int) {
	tb.Helper()
	store, err := sqlite.Open(filepath.Join(dir, "events.db"))
	if err != nil {
		tb.Fatal(err)
	}
	keys, err := keystore.OpenFile(filepath.Join(dir, "keys.db"))
	if err != nil {
		tb.Fatal(err)
	}
	defer keys.Close()
	codec := &domain.Codec{Keys: keys}
	ctx := context.Background()
	closed := time.Now().AddDate(-1, 0, 0)
	jobs := make(chan int)
	var wg sync.WaitGroup
	var failed atomic.Bool
	for range 8 {
		wg.Go(func() {
			for i := range jobs {
				id := domain.DeterministicID("bench-case", fmt.Sprint(i))
				email := fmt.Sprintf("other%d@example.mk", i)
				if i < people*perPerson {
					email = fmt.Sprintf("person%d@example.mk", i/perPerson)
				}
				sub := domain.Submitter{Name: "Име Презиме", Email: email, Address: "ул. Илинденска 5"}
				person, err := domain.PersonOf(ctx, keys, id, sub)
				if err != nil {
					tb.Error(err)
					failed.Store(true)
					continue
				}
				number := domain.ArchiveNumber{Unit: "07", Year: closed.Year(), Number: i + 1, Sub: 1, Date: domain.DateOf(closed, time.UTC)}
				data, err := domain.EncodeEvents(domain.CaseStream(id), 0, domain.Metadata{UserID: "bench"},
					&domain.CaseReceived{CaseID: id, Kind: domain.KindPetition, Channel: domain.ChannelEmail, Language: domain.Macedonian,
						ReceivedAt: closed.Add(-time.Hour), Subject: "Барање", Text: "Текст на барањето.", Submitter: sub, Person: person},
					&domain.CaseRegistered{ArchiveNumber: number, RegisteredAt: closed.Add(-time.Hour)},
					&domain.CaseWithdrawn{Reason: "withdrawn", At: closed})
				if err == nil {
					err = codec.Seal(ctx, id, data)
				}
				if err == nil {
					_, err = store.Append(ctx, domain.CaseStream(id), domain.NoStream(), data...)
				}
				if err != nil {
					tb.Error(err)
					failed.Store(true)
				}
			}
		})
	}
	for i := range n {
		if failed.Load() {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if failed.Load() {
		tb.FailNow()
	}
	if err := store.Close(); err != nil {
		tb.Fatal(err)
	}
}
