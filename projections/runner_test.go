package projections_test

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/projections"
)

// someCases returns n cases numbered from first, with 1 to 3 steps.
func someCases(first, n int) []testCase {
	cases := make([]testCase, n)
	for i := range cases {
		cases[i] = testCase{n: first + i, steps: 1 + (first+i)%3}
	}
	return cases
}

// appendAll appends the events of cases and returns the position of the last.
func appendAll(tb testing.TB, store domain.EventStore, cases []testCase) domain.Position {
	tb.Helper()
	var last domain.Position
	for _, c := range cases {
		last = c.Append(tb, store, 0)
	}
	return last
}

// RequireExact fails unless the projections built by r hold exactly what the log says: the rows of
// cases, type counts equal to the log's, and event counts equal to the number of matching events.
func RequireExact(tb testing.TB, r *projections.Runner, store domain.EventStore, idx *projections.CaseIndex, tc *typeCounts, cases []testCase) {
	tb.Helper()
	RequireSameRows(tb, AllCases(tb, idx), ExpectedRows(tb, store, cases))
	lag := r.Lag(context.Background())
	nCase, _ := MatchingEvents(tb, store, domain.CaseStreamPrefix)
	if got := lag[projections.CaseIndexName].EventsApplied; got != uint64(nCase) {
		tb.Errorf("case_index applied %d events, want %d", got, nCase)
	}
	if tc != nil {
		nAll, byType := MatchingEvents(tb, store, "")
		if got := lag["type_counts"].EventsApplied; got != uint64(nAll) {
			tb.Errorf("type_counts applied %d events, want %d", got, nAll)
		}
		if got := tc.Counts(tb); !reflect.DeepEqual(got, byType) {
			tb.Errorf("type counts %v, want %v", got, byType)
		}
	}
}

func TestRunner_CatchUpThenLive(t *testing.T) {
	store := MustOpenStore(t)
	cases := someCases(0, 60)
	last := appendAll(t, store, cases)

	idx, tc := projections.NewCaseIndex(), newTypeCounts()
	r := MustOpenRunner(t, "", store, idx, tc)
	r.BatchSize = 7
	Start(t, r)
	WaitCaughtUp(t, r, projections.CaseIndexName, caseEventsEnd(t, store))
	WaitCaughtUp(t, r, "type_counts", last)
	RequireExact(t, r, store, idx, tc, cases)

	// Live: new cases, and old cases moving on.
	for i := range cases {
		if cases[i].steps < 3 && i%2 == 0 {
			from := cases[i].steps
			cases[i].steps = 3
			last = cases[i].Append(t, store, from)
		}
	}
	more := someCases(60, 40)
	for _, c := range more {
		last = c.Append(t, store, 0)
		time.Sleep(time.Millisecond)
	}
	cases = append(cases, more...)
	WaitCaughtUp(t, r, projections.CaseIndexName, caseEventsEnd(t, store))
	WaitCaughtUp(t, r, "type_counts", last)
	RequireExact(t, r, store, idx, tc, cases)
}

func TestRunner_Rebuild(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		store := MustOpenStore(t)
		cases := someCases(0, 80)
		last := appendAll(t, store, cases)
		idx, tc := projections.NewCaseIndex(), newTypeCounts()
		r := MustOpenRunner(t, "", store, idx, tc)
		Start(t, r)
		WaitCaughtUp(t, r, projections.CaseIndexName, caseEventsEnd(t, store))
		WaitCaughtUp(t, r, "type_counts", last)
		before := AllCases(t, idx)

		for range 3 {
			if err := r.Rebuild(t.Context(), projections.CaseIndexName); err != nil {
				t.Fatal(err)
			}
			if err := r.Rebuild(t.Context(), "type_counts"); err != nil {
				t.Fatal(err)
			}
			WaitCaughtUp(t, r, projections.CaseIndexName, caseEventsEnd(t, store))
			WaitCaughtUp(t, r, "type_counts", last)
			RequireSameRows(t, AllCases(t, idx), before)
			RequireExact(t, r, store, idx, tc, cases)
		}
	})

	t.Run("WhileAppending", func(t *testing.T) {
		store := MustOpenStore(t)
		cases := someCases(0, 30)
		appendAll(t, store, cases)
		idx, tc := projections.NewCaseIndex(), newTypeCounts()
		r := MustOpenRunner(t, "", store, idx, tc)
		r.BatchSize = 5
		Start(t, r)

		more := someCases(30, 60)
		done := make(chan struct{})
		go func() {
			defer close(done)
			for _, c := range more {
				c.Append(t, store, 0)
			}
		}()
		for i := 0; ; i++ {
			name := projections.CaseIndexName
			if i%2 == 1 {
				name = "type_counts"
			}
			if err := r.Rebuild(t.Context(), name); err != nil {
				t.Fatal(err)
			}
			select {
			case <-done:
			default:
				time.Sleep(time.Duration(rand.IntN(5)) * time.Millisecond)
				continue
			}
			break
		}
		last := LastPosition(t, store)
		WaitCaughtUp(t, r, projections.CaseIndexName, caseEventsEnd(t, store))
		WaitCaughtUp(t, r, "type_counts", last)
		RequireExact(t, r, store, idx, tc, append(cases, more...))
	})

	t.Run("NotRunning", func(t *testing.T) {
		store := MustOpenStore(t)
		cases := someCases(0, 10)
		appendAll(t, store, cases)
		idx := projections.NewCaseIndex()
		r := MustOpenRunner(t, "", store, idx)
		stop := Start(t, r)
		WaitCaughtUp(t, r, projections.CaseIndexName, caseEventsEnd(t, store))
		stop()
		if err := r.Rebuild(t.Context(), projections.CaseIndexName); err != nil {
			t.Fatal(err)
		}
		if rows := AllCases(t, idx); len(rows) != 0 {
			t.Fatalf("%d rows after Rebuild, want 0", len(rows))
		}
		Start(t, r)
		WaitCaughtUp(t, r, projections.CaseIndexName, caseEventsEnd(t, store))
		RequireExact(t, r, store, idx, nil, cases)
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		r := MustOpenRunner(t, "", MustOpenStore(t), projections.NewCaseIndex())
		if err := r.Rebuild(t.Context(), "nope"); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("err = %v, want ENOTFOUND", err)
		}
	})
}

// TestRunner_Crash stops the runner at random moments while events are appended, reopens it on the same
// database each time, and checks that in the end nothing was skipped and nothing applied twice.
func TestRunner_Crash(t *testing.T) {
	store := MustOpenStore(t)
	path := filepath.Join(t.TempDir(), "projections.db")

	// The appender opens cases and moves earlier ones on, until told to stop.
	var (
		mu    sync.Mutex
		cases []testCase
		stop  atomic.Bool
		done  = make(chan struct{})
	)
	go func() {
		defer close(done)
		rng := rand.New(rand.NewPCG(1, 2))
		for i := 0; !stop.Load() || i < 50; i++ {
			mu.Lock()
			if len(cases) > 0 && rng.IntN(3) == 0 {
				j := rng.IntN(len(cases))
				if c := &cases[j]; c.steps < 3 {
					from := c.steps
					c.steps++
					c.Append(t, store, from)
				}
			}
			c := testCase{n: len(cases), steps: 1 + rng.IntN(3)}
			c.Append(t, store, 0)
			cases = append(cases, c)
			mu.Unlock()
		}
	}()

	rounds := 12
	if testing.Short() {
		rounds = 4
	}
	for round := range rounds {
		idx, tc := projections.NewCaseIndex(), newTypeCounts()
		r, err := projections.OpenRunner(path, store, nil, idx, tc)
		if err != nil {
			t.Fatal(err)
		}
		r.BatchSize = 1 + rand.IntN(40)
		r.CheckpointEvery = time.Duration(rand.IntN(5)) * time.Millisecond
		ctx, cancel := context.WithCancel(context.Background())
		ran := make(chan error, 1)
		go func() { ran <- r.Run(ctx) }()
		if round%4 == 2 {
			time.Sleep(time.Duration(rand.IntN(20)) * time.Millisecond)
			if err := r.Rebuild(context.Background(), projections.CaseIndexName); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(time.Duration(rand.IntN(60)) * time.Millisecond)
		cancel()
		if err := <-ran; err != nil {
			t.Fatal(err)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	<-done
	if t.Failed() {
		t.FailNow()
	}
	last := LastPosition(t, store)

	// The survivor, restarted once more, must equal a projection built in one go.
	idx, tc := projections.NewCaseIndex(), newTypeCounts()
	r := MustOpenRunner(t, path, store, idx, tc)
	Start(t, r)
	WaitCaughtUp(t, r, projections.CaseIndexName, caseEventsEnd(t, store))
	WaitCaughtUp(t, r, "type_counts", last)
	RequireExact(t, r, store, idx, tc, cases)

	freshIdx, freshTC := projections.NewCaseIndex(), newTypeCounts()
	fresh := MustOpenRunner(t, "", store, freshIdx, freshTC)
	Start(t, fresh)
	WaitCaughtUp(t, fresh, projections.CaseIndexName, caseEventsEnd(t, store))
	WaitCaughtUp(t, fresh, "type_counts", last)
	RequireSameRows(t, AllCases(t, idx), AllCases(t, freshIdx))
	if got, want := tc.Counts(t), freshTC.Counts(t); !reflect.DeepEqual(got, want) {
		t.Errorf("type counts %v, fresh %v", got, want)
	}
	t.Logf("%d cases, %d events", len(cases), last.Commit)
}

func TestRunner_Resubscribe(t *testing.T) {
	store := &flakyStore{EventStore: MustOpenStore(t), every: 13}
	cases := someCases(0, 50)
	appendAll(t, store, cases)
	idx, tc := projections.NewCaseIndex(), newTypeCounts()
	r := MustOpenRunner(t, "", store, idx, tc)
	r.BatchSize = 4
	Start(t, r)
	more := someCases(50, 50)
	for _, c := range more {
		c.Append(t, store, 0)
	}
	last := LastPosition(t, store)
	WaitCaughtUp(t, r, projections.CaseIndexName, caseEventsEnd(t, store))
	WaitCaughtUp(t, r, "type_counts", last)
	RequireExact(t, r, store, idx, tc, append(cases, more...))
	store.mu.Lock()
	defer store.mu.Unlock()
	if store.fails == 0 {
		t.Fatal("no subscription failed")
	}
}

func TestRunner_Lag(t *testing.T) {
	store := MustOpenStore(t)
	cases := someCases(0, 20)
	appendAll(t, store, cases)
	lastCase := caseEventsEnd(t, store)
	// End the log with events that the case index does not select.
	for i := range 100 {
		appendEvents(t, store, "other-stream", uint64(i), &domain.CaseDeadlinePassed{})
	}
	last := LastPosition(t, store)

	idx := projections.NewCaseIndex()
	r := MustOpenRunner(t, "", store, idx)
	t.Run("BeforeRun", func(t *testing.T) {
		info := r.Lag(t.Context())[projections.CaseIndexName]
		want := projections.LagInfo{LastInLog: last}
		if info != want {
			t.Fatalf("Lag = %+v, want %+v", info, want)
		}
	})

	Start(t, r)
	t.Run("CaughtUp", func(t *testing.T) {
		info := WaitCaughtUp(t, r, projections.CaseIndexName, lastCase)
		if !info.Running || info.LastApplied != lastCase || info.LastInLog != last || info.SecondsBehind != 0 || info.LastError != "" {
			t.Fatalf("Lag = %+v, want running, last applied %s, last in log %s", info, lastCase, last)
		}
		n, _ := MatchingEvents(t, store, domain.CaseStreamPrefix)
		if info.EventsApplied != uint64(n) {
			t.Fatalf("EventsApplied = %d, want %d", info.EventsApplied, n)
		}
	})

	t.Run("CheckpointPassesSkippedEvents", func(t *testing.T) {
		// The store sends checkpoints while the filter skips the tail; the runner stores them.
		deadline := time.Now().Add(30 * time.Second)
		for {
			info := r.Lag(t.Context())[projections.CaseIndexName]
			if lastCase.Commit+32 <= info.Checkpoint.Commit {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("Lag = %+v, want a checkpoint past %s", info, lastCase)
			}
			time.Sleep(5 * time.Millisecond)
		}
	})

	t.Run("Behind", func(t *testing.T) {
		// A projection stuck on an event reports how old the last event it applied is.
		tc := newTypeCounts()
		stuck := MustOpenRunner(t, "", store, tc)
		tc.setFail(func(e domain.RecordedEvent) error {
			if e.Position == last {
				return errPoison
			}
			return nil
		})
		Start(t, stuck)
		deadline := time.Now().Add(30 * time.Second)
		for {
			info := stuck.Lag(t.Context())["type_counts"]
			if info.LastError != "" && info.SecondsBehind > 0 && !info.CaughtUp && info.LastApplied.Less(last) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("Lag = %+v, want an error and seconds behind", info)
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
}

// caseEventsEnd returns the position of the last event in a case stream.
func caseEventsEnd(tb testing.TB, store domain.EventStore) domain.Position {
	tb.Helper()
	events, err := store.ReadAll(context.Background(), domain.ReadAllOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	var last domain.Position
	for _, e := range events {
		if strings.HasPrefix(e.Stream, domain.CaseStreamPrefix) {
			last = e.Position
		}
	}
	return last
}

func TestRunner_ApplyError(t *testing.T) {
	store := MustOpenStore(t)
	cases := someCases(0, 30)
	last := appendAll(t, store, cases)
	events, err := store.ReadAll(t.Context(), domain.ReadAllOptions{})
	if err != nil {
		t.Fatal(err)
	}
	poison := events[len(events)/2]

	idx, tc := projections.NewCaseIndex(), newTypeCounts()
	tc.setFail(func(e domain.RecordedEvent) error {
		if e.ID == poison.ID {
			return errPoison
		}
		return nil
	})
	r := MustOpenRunner(t, "", store, idx, tc)
	Start(t, r)
	// The other projection is not held up.
	WaitCaughtUp(t, r, projections.CaseIndexName, caseEventsEnd(t, store))

	// The failing one stops right before the poison event, with the events before it committed.
	deadline := time.Now().Add(30 * time.Second)
	for {
		info := r.Lag(t.Context())["type_counts"]
		if info.LastError != "" && info.LastApplied == events[len(events)/2-1].Position {
			if info.EventsApplied != uint64(len(events)/2) {
				t.Fatalf("EventsApplied = %d, want %d", info.EventsApplied, len(events)/2)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Lag = %+v, want stopped before %s", info, poison.Position)
		}
		time.Sleep(5 * time.Millisecond)
	}

	tc.setFail(nil)
	WaitCaughtUp(t, r, "type_counts", last)
	RequireExact(t, r, store, idx, tc, cases)
	if info := r.Lag(t.Context())["type_counts"]; info.LastError != "" {
		t.Fatalf("LastError = %q after recovery", info.LastError)
	}
}

func TestOpenRunner(t *testing.T) {
	t.Run("KeepsCheckpoint", func(t *testing.T) {
		store := MustOpenStore(t)
		cases := someCases(0, 10)
		last := appendAll(t, store, cases)
		path := filepath.Join(t.TempDir(), "projections.db")
		r := MustOpenRunner(t, path, store, newTypeCounts())
		stop := Start(t, r)
		WaitCaughtUp(t, r, "type_counts", last)
		stop()
		r.Close()

		tc := newTypeCounts()
		r = MustOpenRunner(t, path, store, tc)
		n, byType := MatchingEvents(t, store, "")
		if got := r.Lag(t.Context())["type_counts"]; got.EventsApplied != uint64(n) || got.Checkpoint != last {
			t.Fatalf("Lag after reopening = %+v, want %d events applied up to %s", got, n, last)
		}
		if got := tc.Counts(t); !reflect.DeepEqual(got, byType) {
			t.Fatalf("counts %v, want %v", got, byType)
		}
	})

	t.Run("SchemaChangeRebuilds", func(t *testing.T) {
		store := MustOpenStore(t)
		cases := someCases(0, 10)
		last := appendAll(t, store, cases)
		path := filepath.Join(t.TempDir(), "projections.db")
		r := MustOpenRunner(t, path, store, newTypeCounts())
		stop := Start(t, r)
		WaitCaughtUp(t, r, "type_counts", last)
		stop()
		r.Close()

		tc := newTypeCounts()
		tc.schema = `CREATE TABLE IF NOT EXISTS type_counts (type TEXT PRIMARY KEY, n INTEGER NOT NULL, note TEXT)`
		r = MustOpenRunner(t, path, store, tc)
		if got := r.Lag(t.Context())["type_counts"]; got.EventsApplied != 0 || got.Checkpoint != (domain.Position{}) {
			t.Fatalf("Lag after a schema change = %+v, want a fresh start", got)
		}
		if got := tc.Counts(t); len(got) != 0 {
			t.Fatalf("counts %v after a schema change, want none", got)
		}
		Start(t, r)
		WaitCaughtUp(t, r, "type_counts", last)
		if _, byType := MatchingEvents(t, store, ""); !reflect.DeepEqual(tc.Counts(t), byType) {
			t.Fatalf("counts %v, want %v", tc.Counts(t), byType)
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		store := MustOpenStore(t)
		path := filepath.Join(t.TempDir(), "projections.db")
		for name, ps := range map[string][]projections.Projection{
			"Duplicate": {projections.NewCaseIndex(), projections.NewCaseIndex()},
			"BadName":   {namedProjection{Projection: newTypeCounts(), name: "Bad-Name"}},
		} {
			t.Run(name, func(t *testing.T) {
				if _, err := projections.OpenRunner(path, store, nil, ps...); domain.ErrorCode(err) != domain.EINVALID {
					t.Fatalf("err = %v, want EINVALID", err)
				}
			})
		}
		if _, err := projections.OpenRunner(path, nil, nil); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("nil store: err = %v, want EINVALID", err)
		}
	})

	t.Run("ErrRunning", func(t *testing.T) {
		r := MustOpenRunner(t, "", MustOpenStore(t), newTypeCounts())
		Start(t, r)
		time.Sleep(10 * time.Millisecond)
		if err := r.Run(t.Context()); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("second Run: err = %v, want ECONFLICT", err)
		}
	})
}

type namedProjection struct {
	projections.Projection
	name string
}

func (p namedProjection) Name() string { return p.name }

// BenchmarkRebuild rebuilds the case index over a log of about 100,000 events (b.N times) and reports
// the events applied per second.
func BenchmarkRebuild(b *testing.B) {
	store := MustOpenStore(b)
	const nCases = 40000 // 1 to 3 events each, plus the register's: 100,000 events
	var wg sync.WaitGroup
	work := make(chan testCase)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				c.Append(b, store, 0)
			}
		}()
	}
	for _, c := range someCases(0, nCases) {
		work <- c
	}
	close(work)
	wg.Wait()
	last := caseEventsEnd(b, store)
	n, _ := MatchingEvents(b, store, domain.CaseStreamPrefix)

	idx := projections.NewCaseIndex()
	r := MustOpenRunner(b, "", store, idx)
	Start(b, r)
	WaitCaughtUp(b, r, projections.CaseIndexName, last)
	start := time.Now()
	rebuilds := 0
	for b.Loop() {
		if err := r.Rebuild(context.Background(), projections.CaseIndexName); err != nil {
			b.Fatal(err)
		}
		WaitCaughtUp(b, r, projections.CaseIndexName, last)
		rebuilds++
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(n*rebuilds)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(n), "events")
	if got := r.Lag(context.Background())[projections.CaseIndexName].EventsApplied; got != uint64(n) {
		b.Fatalf("applied %d events, want %d", got, n)
	}
}
