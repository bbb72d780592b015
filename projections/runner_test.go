package projections_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/internal/testkit"
	"github.com/predmet/predmet/projections"
)

// RequireExact fails unless the projections built by r hold exactly what the log says, and count as
// many events applied as the log holds for them.
func RequireExact(tb testing.TB, r *projections.Runner, store domain.EventStore, folds *streamFolds, tc *typeCounts) {
	tb.Helper()
	lag := r.Lag(context.Background())
	if folds != nil {
		folds.RequireMatchesLog(tb, store)
		n, _ := MatchingEvents(tb, store, folds.prefix)
		if got := lag["stream_folds"].EventsApplied; got != uint64(n) {
			tb.Errorf("stream_folds applied %d events, want %d", got, n)
		}
	}
	if tc != nil {
		tc.RequireMatchesLog(tb, store)
		n, _ := MatchingEvents(tb, store, "")
		if got := lag["type_counts"].EventsApplied; got != uint64(n) {
			tb.Errorf("type_counts applied %d events, want %d", got, n)
		}
	}
	if tb.Failed() {
		tb.FailNow()
	}
}

// liveSchema returns what the live database's schema holds, by type and name.
func liveSchema(tb testing.TB, db *sql.DB) map[string]string {
	tb.Helper()
	rows, err := db.Query(`SELECT type, name, coalesce(sql, '') FROM sqlite_schema`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var typ, name, sql string
		if err := rows.Scan(&typ, &name, &sql); err != nil {
			tb.Fatal(err)
		}
		out[typ+" "+name] = sql
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// waitBoth waits until both test projections have caught up with the log.
func waitBoth(tb testing.TB, r *projections.Runner, store domain.EventStore) {
	tb.Helper()
	WaitCaughtUp(tb, r, "stream_folds", caseEventsEnd(tb, store))
	WaitCaughtUp(tb, r, "type_counts", LastPosition(tb, store))
}

// requireNoScratch fails if anything but the live database is in the directory of path.
func requireNoScratch(tb testing.TB, path string) {
	tb.Helper()
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range entries {
		if name := e.Name(); strings.Contains(name, ".rebuild-") || strings.Contains(name, ".check-") {
			tb.Errorf("scratch file %s left behind", name)
		}
	}
}

// appendWhile appends cases numbered from first, one after the other, until stop is closed; done is
// closed when it has stopped.
func appendWhile(tb testing.TB, store domain.EventStore, first int, stop <-chan struct{}) (done <-chan struct{}) {
	ch := make(chan struct{})
	go func() {
		defer close(ch)
		for i := first; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			testCase{n: i, steps: 1 + i%3}.Append(tb, store, 0)
		}
	}()
	return ch
}

func TestRunner_CatchUpThenLive(t *testing.T) {
	store := testkit.MustOpenStore(t)
	cases := someCases(0, 60)
	appendAll(t, store, cases)

	folds, tc := newStreamFolds(domain.CaseStreamPrefix), newTypeCounts()
	r := MustOpenRunner(t, "", store, folds, tc)
	r.BatchSize, r.CatchUpBatchSize = 7, 40
	Start(t, r)
	waitBoth(t, r, store)
	RequireExact(t, r, store, folds, tc)

	// Live: new cases, and old cases moving on.
	for i := range cases {
		if cases[i].steps < 3 && i%2 == 0 {
			from := cases[i].steps
			cases[i].steps = 3
			cases[i].Append(t, store, from)
		}
	}
	for _, c := range someCases(60, 40) {
		c.Append(t, store, 0)
		time.Sleep(time.Millisecond)
	}
	waitBoth(t, r, store)
	RequireExact(t, r, store, folds, tc)
}

func TestRunner_Batches(t *testing.T) {
	t.Run("BigWhileCatchingUp", func(t *testing.T) {
		// Catching up, a Batcher flushes once per full batch, not once per event.
		store := testkit.MustOpenStore(t)
		appendAll(t, store, someCases(0, 300))
		n, _ := MatchingEvents(t, store, "")
		folds := newStreamFolds("")
		r := MustOpenRunner(t, "", store, folds)
		r.CatchUpBatchSize, r.CommitEvery = 50, time.Minute
		Start(t, r)
		WaitCaughtUp(t, r, "stream_folds", LastPosition(t, store))
		flushes, _ := folds.counts()
		if want := (n + 49) / 50; flushes != want {
			t.Fatalf("%d flushes for %d events in batches of 50, want %d", flushes, n, want)
		}
		folds.RequireMatchesLog(t, store)

		// Live, a lone event is applied at once, in a batch of its own.
		last := appendEvents(t, store, "other-stream", 0, &domain.CaseDeadlinePassed{})
		WaitCaughtUp(t, r, "stream_folds", last)
		if got, _ := folds.counts(); got != flushes+1 {
			t.Fatalf("%d flushes after one live event, want %d", got, flushes+1)
		}
	})

	t.Run("CommittedWhileCatchingUp", func(t *testing.T) {
		// A slow log is still committed every CommitEvery while the projection catches up.
		base := testkit.MustOpenStore(t)
		appendAll(t, base, someCases(0, 300))
		store := &slowStore{EventStore: base, delay: 500 * time.Microsecond}
		folds := newStreamFolds("")
		r := MustOpenRunner(t, "", store, folds)
		r.CommitEvery = 20 * time.Millisecond
		Start(t, r)
		info := WaitCaughtUp(t, r, "stream_folds", LastPosition(t, store))
		flushes, _ := folds.counts()
		if flushes < 5 || uint64(flushes) >= info.EventsApplied {
			t.Fatalf("%d flushes for %d events read in about %s, want one every 20 ms or so", flushes,
				info.EventsApplied, time.Duration(info.EventsApplied)*store.delay)
		}
		folds.RequireMatchesLog(t, store)
	})

	t.Run("DiscardAfterRollback", func(t *testing.T) {
		// A Batcher that fails halfway through events, with its memory already changed, ends up exact:
		// the runner makes it discard its memory after every rollback.
		store := testkit.MustOpenStore(t)
		appendAll(t, store, someCases(0, 150))
		folds := newStreamFolds("")
		rng := rand.New(rand.NewPCG(3, 4))
		var mu sync.Mutex
		failures := 0
		folds.setFail(func(domain.RecordedEvent) error {
			mu.Lock()
			defer mu.Unlock()
			if rng.IntN(40) == 0 {
				failures++
				return errPoison
			}
			return nil
		})
		r := MustOpenRunner(t, "", store, folds)
		r.CatchUpBatchSize = 30
		Start(t, r)
		more := someCases(150, 50)
		appendAll(t, store, more)
		WaitCaughtUp(t, r, "stream_folds", LastPosition(t, store))
		folds.RequireMatchesLog(t, store)
		mu.Lock()
		defer mu.Unlock()
		if _, discards := folds.counts(); failures == 0 || discards < failures {
			t.Fatalf("%d failures, %d discards: want some failures, each discarded", failures, discards)
		}
	})
}

// slowStore is an event store whose subscriptions deliver each message after a delay.
type slowStore struct {
	domain.EventStore
	delay time.Duration
}

func (s *slowStore) SubscribeAll(ctx context.Context, opts domain.SubscribeAllOptions) (domain.Subscription, error) {
	sub, err := s.EventStore.SubscribeAll(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &slowSubscription{Subscription: sub, delay: s.delay}, nil
}

type slowSubscription struct {
	domain.Subscription
	delay time.Duration
}

func (s *slowSubscription) Recv() (domain.SubscriptionMessage, error) {
	time.Sleep(s.delay)
	return s.Subscription.Recv()
}

func TestRunner_Rebuild(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		appendAll(t, store, someCases(0, 80))
		folds, tc := newStreamFolds(domain.CaseStreamPrefix), newTypeCounts()
		path := filepath.Join(t.TempDir(), "projections.db")
		r := MustOpenRunner(t, path, store, folds, tc)
		Start(t, r)
		waitBoth(t, r, store)
		before := folds.Folds(t)
		schema := liveSchema(t, folds.db)

		for range 2 {
			for _, name := range []string{"stream_folds", "type_counts"} {
				if err := r.Rebuild(t.Context(), name); err != nil {
					t.Fatal(err)
				}
			}
			// Rebuild returns once the new read model is in place, whole.
			RequireExact(t, r, store, folds, tc)
			if got := folds.Folds(t); !reflect.DeepEqual(got, before) {
				t.Fatal("the rebuilt read model differs from the one built live")
			}
			if got := liveSchema(t, folds.db); !reflect.DeepEqual(got, schema) {
				t.Fatalf("schema after Rebuild:\n%v\nwant\n%v", got, schema)
			}
			requireNoScratch(t, path)
		}
		// The projections carry on from the swapped checkpoints.
		appendAll(t, store, someCases(80, 20))
		waitBoth(t, r, store)
		RequireExact(t, r, store, folds, tc)
		if _, discards := folds.counts(); discards < 2 {
			t.Fatalf("%d discards after two rebuilds, want the projection's memory discarded at each swap", discards)
		}
	})

	t.Run("ReadersNeverSeeAPartialModel", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		appendAll(t, store, someCases(0, 200))
		folds, tc := newStreamFolds(domain.CaseStreamPrefix), newTypeCounts()
		r := MustOpenRunner(t, "", store, folds, tc)
		Start(t, r)
		waitBoth(t, r, store)

		stop := make(chan struct{})
		appended := appendWhile(t, store, 200, stop)
		// The readers: the number of events counted never goes down.
		var (
			wg    sync.WaitGroup
			mu    sync.Mutex
			drops []string
		)
		read := func(query string, db *sql.DB) {
			defer wg.Done()
			var prev int64
			for {
				select {
				case <-stop:
					return
				default:
				}
				var n int64
				err := db.QueryRow(query).Scan(&n)
				mu.Lock()
				if err != nil {
					drops = append(drops, fmt.Sprintf("%s: %v", query, err))
				} else if n < prev {
					drops = append(drops, fmt.Sprintf("%s went from %d to %d", query, prev, n))
				}
				mu.Unlock()
				if err != nil {
					return
				}
				prev = n
			}
		}
		wg.Add(2)
		go read(`SELECT coalesce(sum(n), 0) FROM type_counts`, tc.db)
		go read(`SELECT coalesce(sum(events), 0) FROM stream_folds`, folds.db)
		for i := range 6 {
			name := []string{"type_counts", "stream_folds"}[i%2]
			if err := r.Rebuild(t.Context(), name); err != nil {
				t.Fatal(err)
			}
		}
		close(stop)
		wg.Wait()
		<-appended
		for _, d := range drops {
			t.Error(d)
		}
		waitBoth(t, r, store)
		RequireExact(t, r, store, folds, tc)
	})

	t.Run("WhileAppending", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		appendAll(t, store, someCases(0, 30))
		folds, tc := newStreamFolds(domain.CaseStreamPrefix), newTypeCounts()
		r := MustOpenRunner(t, "", store, folds, tc)
		r.BatchSize, r.CatchUpBatchSize = 5, 20
		Start(t, r)

		stop := make(chan struct{})
		appended := appendWhile(t, store, 30, stop)
		for i := range 8 {
			name := []string{"stream_folds", "type_counts"}[i%2]
			if err := r.Rebuild(t.Context(), name); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Duration(rand.IntN(5)) * time.Millisecond)
		}
		close(stop)
		<-appended
		waitBoth(t, r, store)
		RequireExact(t, r, store, folds, tc)
	})

	t.Run("NotRunning", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		appendAll(t, store, someCases(0, 10))
		folds := newStreamFolds(domain.CaseStreamPrefix)
		r := MustOpenRunner(t, "", store, folds)
		stop := Start(t, r)
		WaitCaughtUp(t, r, "stream_folds", caseEventsEnd(t, store))
		stop()
		appendAll(t, store, someCases(10, 10))
		// Without Run, Rebuild still builds the whole read model and swaps it in.
		if err := r.Rebuild(t.Context(), "stream_folds"); err != nil {
			t.Fatal(err)
		}
		RequireExact(t, r, store, folds, nil)
		if info := r.Lag(t.Context())["stream_folds"]; info.Running {
			t.Fatalf("Lag = %+v after Rebuild without Run, want not running", info)
		}
		Start(t, r)
		appendAll(t, store, someCases(20, 10))
		WaitCaughtUp(t, r, "stream_folds", caseEventsEnd(t, store))
		RequireExact(t, r, store, folds, nil)
	})

	t.Run("ErrApply", func(t *testing.T) {
		// A copy that cannot be built leaves the live read model as it was, and running.
		store := testkit.MustOpenStore(t)
		appendAll(t, store, someCases(0, 20))
		events, err := store.ReadAll(t.Context(), domain.ReadAllOptions{})
		if err != nil {
			t.Fatal(err)
		}
		poison := events[len(events)/2]
		tc := newTypeCounts()
		tc.failCopies = func(e domain.RecordedEvent) error {
			if e.ID == poison.ID {
				return errPoison
			}
			return nil
		}
		path := filepath.Join(t.TempDir(), "projections.db")
		r := MustOpenRunner(t, path, store, tc)
		Start(t, r)
		WaitCaughtUp(t, r, "type_counts", LastPosition(t, store))
		if err := r.Rebuild(t.Context(), "type_counts"); !errors.Is(err, errPoison) {
			t.Fatalf("Rebuild: err = %v, want the poison event's", err)
		}
		requireNoScratch(t, path)
		tc.RequireMatchesLog(t, store)
		last := appendEvents(t, store, "other-stream", 0, &domain.CaseDeadlinePassed{})
		WaitCaughtUp(t, r, "type_counts", last)
		tc.RequireMatchesLog(t, store)
	})

	t.Run("ErrConflict", func(t *testing.T) {
		store := newGatedStore(testkit.MustOpenStore(t))
		appendAll(t, store, someCases(0, 10))
		r := MustOpenRunner(t, "", store, newTypeCounts(), newStreamFolds(""))
		open := store.closeGate()
		defer open()
		rebuilt := make(chan error, 1)
		go func() { rebuilt <- r.Rebuild(context.Background(), "type_counts") }()
		<-store.waiting
		if err := r.Rebuild(t.Context(), "type_counts"); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("second Rebuild: err = %v, want ECONFLICT", err)
		}
		if _, err := r.Check(t.Context(), "type_counts"); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("Check during Rebuild: err = %v, want ECONFLICT", err)
		}
		open()
		if err := <-rebuilt; err != nil {
			t.Fatal(err)
		}
		// Once done, another may start; and another projection never waited.
		if err := r.Rebuild(t.Context(), "type_counts"); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("ErrUnavailable", func(t *testing.T) {
		// Close stops a Rebuild under way, deletes its scratch database, and refuses new ones.
		store := newGatedStore(testkit.MustOpenStore(t))
		appendAll(t, store, someCases(0, 10))
		path := filepath.Join(t.TempDir(), "projections.db")
		r := MustOpenRunner(t, path, store, newTypeCounts())
		store.closeGate()
		rebuilt := make(chan error, 1)
		go func() { rebuilt <- r.Rebuild(context.Background(), "type_counts") }()
		<-store.waiting
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		if err := <-rebuilt; err == nil {
			t.Fatal("Rebuild succeeded after Close")
		}
		requireNoScratch(t, path)
		if err := r.Rebuild(t.Context(), "type_counts"); domain.ErrorCode(err) != domain.EUNAVAILABLE {
			t.Fatalf("Rebuild after Close: err = %v, want EUNAVAILABLE", err)
		}
		if _, err := r.Check(t.Context(), "type_counts"); domain.ErrorCode(err) != domain.EUNAVAILABLE {
			t.Fatalf("Check after Close: err = %v, want EUNAVAILABLE", err)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		r := MustOpenRunner(t, "", testkit.MustOpenStore(t), newTypeCounts())
		if err := r.Rebuild(t.Context(), "nope"); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("err = %v, want ENOTFOUND", err)
		}
	})
}

func TestRunner_Check(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		appendAll(t, store, someCases(0, 50))
		folds, tc := newStreamFolds(domain.CaseStreamPrefix), newTypeCounts()
		path := filepath.Join(t.TempDir(), "projections.db")
		r := MustOpenRunner(t, path, store, folds, tc)
		Start(t, r)
		waitBoth(t, r, store)
		rep := RequireCheckOK(t, r, "stream_folds")
		n, _ := MatchingEvents(t, store, domain.CaseStreamPrefix)
		streams := len(ExpectedFolds(t, store, domain.CaseStreamPrefix))
		want := []projections.TableDiff{
			{Table: "stream_folds", LiveRows: int64(streams), RecomputedRows: int64(streams)},
			{Table: "stream_fold_count", LiveRows: 1, RecomputedRows: 1},
		}
		if rep.EventsApplied != uint64(n) || rep.EventsRecomputed != uint64(n) || !reflect.DeepEqual(rep.Tables, want) {
			t.Fatalf("report %+v, want %d events on both sides and tables %+v", rep, n, want)
		}
		if lag := r.Lag(t.Context())["stream_folds"]; lag.Checkpoint != rep.Checkpoint {
			t.Fatalf("checked at %s, the projection is at %s", rep.Checkpoint, lag.Checkpoint)
		}
		requireNoScratch(t, path)
	})

	t.Run("ReportsDifferences", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		appendAll(t, store, someCases(0, 30))
		path := filepath.Join(t.TempDir(), "projections.db")
		tc := newTypeCounts()
		r := MustOpenRunner(t, path, store, tc)
		Start(t, r)
		WaitCaughtUp(t, r, "type_counts", LastPosition(t, store))
		RequireCheckOK(t, r, "type_counts")

		// Damage the live read model: one row changed, one deleted, one added.
		_, byType := MatchingEvents(t, store, "")
		db := MustOpenWriter(t, path)
		for _, q := range []string{
			`UPDATE type_counts SET n = n + 1 WHERE type = 'CaseReceived'`,
			`DELETE FROM type_counts WHERE type = 'CaseRegistered'`,
			`INSERT INTO type_counts (type, n) VALUES ('Forged', 7)`,
		} {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		rep, err := r.Check(t.Context(), "type_counts")
		if err != nil {
			t.Fatal(err)
		}
		row := func(typ string, n int) map[string]any { return map[string]any{"type": typ, "n": int64(n)} }
		want := []projections.TableDiff{{
			Table: "type_counts", LiveRows: int64(len(byType)), RecomputedRows: int64(len(byType)),
			OnlyLive: 2, OnlyRecomputed: 2,
			LiveSamples:       []map[string]any{row("CaseReceived", byType["CaseReceived"]+1), row("Forged", 7)},
			RecomputedSamples: []map[string]any{row("CaseReceived", byType["CaseReceived"]), row("CaseRegistered", byType["CaseRegistered"])},
		}}
		if rep.OK || !reflect.DeepEqual(rep.Tables, want) {
			t.Fatalf("report OK=%v tables %+v, want not OK and %+v", rep.OK, rep.Tables, want)
		}
		// What a supervisor reads from the endpoint.
		b, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Projection string `json:"projection"`
			OK         bool   `json:"ok"`
			Tables     []struct {
				Table       string           `json:"table"`
				OnlyLive    int              `json:"onlyLive"`
				LiveSamples []map[string]any `json:"liveSamples"`
			} `json:"tables"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Projection != "type_counts" || doc.OK || len(doc.Tables) != 1 || doc.Tables[0].OnlyLive != 2 ||
			doc.Tables[0].LiveSamples[1]["type"] != "Forged" {
			t.Fatalf("JSON report %s", b)
		}
	})

	t.Run("AtTheLiveCheckpoint", func(t *testing.T) {
		// A live projection stuck behind the log is compared where it is, not with the whole log.
		store := testkit.MustOpenStore(t)
		appendAll(t, store, someCases(0, 30))
		events, err := store.ReadAll(t.Context(), domain.ReadAllOptions{})
		if err != nil {
			t.Fatal(err)
		}
		mid := len(events) / 2
		tc := newTypeCounts()
		tc.setFail(func(e domain.RecordedEvent) error {
			if e.ID == events[mid].ID {
				return errPoison
			}
			return nil
		})
		r := MustOpenRunner(t, "", store, tc)
		Start(t, r)
		waitFor(t, func() bool {
			info := r.Lag(t.Context())["type_counts"]
			return info.LastError != "" && info.Checkpoint == events[mid-1].Position
		})
		rep := RequireCheckOK(t, r, "type_counts")
		if rep.Checkpoint != events[mid-1].Position || rep.EventsRecomputed != uint64(mid) {
			t.Fatalf("checked %d events at %s, want %d at %s", rep.EventsRecomputed, rep.Checkpoint, mid, events[mid-1].Position)
		}
		tc.setFail(nil)
		WaitCaughtUp(t, r, "type_counts", LastPosition(t, store))
		RequireCheckOK(t, r, "type_counts")
	})

	t.Run("WhileAppending", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		appendAll(t, store, someCases(0, 30))
		folds, tc := newStreamFolds(domain.CaseStreamPrefix), newTypeCounts()
		r := MustOpenRunner(t, "", store, folds, tc)
		r.BatchSize, r.CatchUpBatchSize = 5, 20
		Start(t, r)
		stop := make(chan struct{})
		appended := appendWhile(t, store, 30, stop)
		for range 3 {
			reports, err := r.CheckAll(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, rep := range reports {
				names = append(names, rep.Projection)
				if !rep.OK {
					t.Fatalf("Check found differences: %+v", rep)
				}
			}
			if !slices.Equal(names, []string{"stream_folds", "type_counts"}) {
				t.Fatalf("CheckAll checked %v", names)
			}
		}
		close(stop)
		<-appended
		waitBoth(t, r, store)
		RequireExact(t, r, store, folds, tc)
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		r := MustOpenRunner(t, "", testkit.MustOpenStore(t), newTypeCounts())
		if _, err := r.Check(t.Context(), "nope"); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("err = %v, want ENOTFOUND", err)
		}
	})
}

// waitFor waits until cond holds.
func waitFor(tb testing.TB, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatal("condition not met in 30 s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestRunner_Resubscribe(t *testing.T) {
	store := &flakyStore{EventStore: testkit.MustOpenStore(t), every: 13}
	appendAll(t, store, someCases(0, 50))
	folds, tc := newStreamFolds(domain.CaseStreamPrefix), newTypeCounts()
	r := MustOpenRunner(t, "", store, folds, tc)
	r.BatchSize, r.CatchUpBatchSize = 4, 10
	Start(t, r)
	appendAll(t, store, someCases(50, 50))
	waitBoth(t, r, store)
	RequireExact(t, r, store, folds, tc)
	store.mu.Lock()
	defer store.mu.Unlock()
	if store.fails == 0 {
		t.Fatal("no subscription failed")
	}
}

func TestRunner_Lag(t *testing.T) {
	store := newGatedStore(testkit.MustOpenStore(t))
	appendAll(t, store, someCases(0, 20))
	lastCase := caseEventsEnd(t, store)
	// End the log with events that the projection does not select.
	for i := range 100 {
		appendEvents(t, store, "other-stream", uint64(i), &domain.CaseDeadlinePassed{})
	}
	last := LastPosition(t, store)
	nAll, _ := MatchingEvents(t, store, "")
	nCase, _ := MatchingEvents(t, store, domain.CaseStreamPrefix)

	folds := newStreamFolds(domain.CaseStreamPrefix)
	r := MustOpenRunner(t, "", store, folds)
	t.Run("BeforeRun", func(t *testing.T) {
		info := r.Lag(t.Context())["stream_folds"]
		if info.Running || info.CaughtUp || info.LastInLog != last || info.EventsBehind != uint64(nAll) ||
			info.EventsBehindCapped || info.SecondsBehind <= 0 || info.EventsApplied != 0 {
			t.Fatalf("Lag = %+v, want %d events behind, the oldest seconds ago", info, nAll)
		}
	})

	t.Run("Capped", func(t *testing.T) {
		r.LagScanLimit = 25
		defer func() { r.LagScanLimit = 0 }()
		info := r.Lag(t.Context())["stream_folds"]
		if info.EventsBehind != 25 || !info.EventsBehindCapped {
			t.Fatalf("Lag = %+v, want 25 events behind, capped", info)
		}
	})

	Start(t, r)
	t.Run("CaughtUp", func(t *testing.T) {
		info := WaitCaughtUp(t, r, "stream_folds", lastCase)
		if !info.Running || info.LastApplied != lastCase || info.LastInLog != last || info.LastError != "" {
			t.Fatalf("Lag = %+v, want running, last applied %s, last in log %s", info, lastCase, last)
		}
		if info.EventsApplied != uint64(nCase) {
			t.Fatalf("EventsApplied = %d, want %d", info.EventsApplied, nCase)
		}
	})

	t.Run("CheckpointPassesSkippedEvents", func(t *testing.T) {
		// The store sends checkpoints while the filter skips the tail; the runner stores them, and then
		// nothing is behind.
		waitFor(t, func() bool {
			info := r.Lag(t.Context())["stream_folds"]
			return info.Checkpoint == last && info.EventsBehind == 0 && info.SecondsBehind == 0
		})
	})

	t.Run("Behind", func(t *testing.T) {
		// A projection stuck on an event reports how many events it is behind, and since when.
		tc := newTypeCounts()
		stuck := MustOpenRunner(t, "", store, tc)
		tc.setFail(func(e domain.RecordedEvent) error {
			if e.Position == last {
				return errPoison
			}
			return nil
		})
		Start(t, stuck)
		waitFor(t, func() bool {
			info := stuck.Lag(t.Context())["type_counts"]
			return info.LastError != "" && !info.CaughtUp && info.LastApplied.Less(last)
		})
		info := stuck.Lag(t.Context())["type_counts"]
		if info.EventsBehind != 1 || info.SecondsBehind <= 0 || info.EventsApplied != uint64(nAll-1) {
			t.Fatalf("Lag = %+v, want 1 event behind for some time, %d applied", info, nAll-1)
		}
	})

	t.Run("Rebuilding", func(t *testing.T) {
		open := store.closeGate()
		defer open()
		rebuilt := make(chan error, 1)
		go func() { rebuilt <- r.Rebuild(context.Background(), "stream_folds") }()
		<-store.waiting
		info := r.Lag(t.Context())["stream_folds"]
		if p := info.Rebuilding; p == nil || p.Purpose != "rebuild" || p.Phase != projections.PhaseBuilding ||
			p.EventsApplied != 0 || p.StartedAt.IsZero() || !info.Running {
			t.Fatalf("Lag = %+v, rebuilding %+v: want a rebuild starting while the live projection runs", info, info.Rebuilding)
		}
		open()
		if err := <-rebuilt; err != nil {
			t.Fatal(err)
		}
		info = r.Lag(t.Context())["stream_folds"]
		if info.Rebuilding != nil || info.EventsApplied != uint64(nCase) || info.Checkpoint.Less(lastCase) {
			t.Fatalf("Lag after Rebuild = %+v, want the copy's %d events and no rebuild", info, nCase)
		}
	})
}

func TestRunner_ApplyError(t *testing.T) {
	store := testkit.MustOpenStore(t)
	appendAll(t, store, someCases(0, 30))
	events, err := store.ReadAll(t.Context(), domain.ReadAllOptions{})
	if err != nil {
		t.Fatal(err)
	}
	poison := events[len(events)/2]

	folds, tc := newStreamFolds(domain.CaseStreamPrefix), newTypeCounts()
	tc.setFail(func(e domain.RecordedEvent) error {
		if e.ID == poison.ID {
			return errPoison
		}
		return nil
	})
	r := MustOpenRunner(t, "", store, folds, tc)
	Start(t, r)
	// The other projection is not held up.
	WaitCaughtUp(t, r, "stream_folds", caseEventsEnd(t, store))

	// The failing one stops right before the poison event, with the events before it committed.
	waitFor(t, func() bool {
		info := r.Lag(t.Context())["type_counts"]
		return info.LastError != "" && info.LastApplied == events[len(events)/2-1].Position
	})
	if info := r.Lag(t.Context())["type_counts"]; info.EventsApplied != uint64(len(events)/2) {
		t.Fatalf("EventsApplied = %d, want %d", info.EventsApplied, len(events)/2)
	}

	tc.setFail(nil)
	waitBoth(t, r, store)
	RequireExact(t, r, store, folds, tc)
	if info := r.Lag(t.Context())["type_counts"]; info.LastError != "" {
		t.Fatalf("LastError = %q after recovery", info.LastError)
	}
}

func TestOpenRunner(t *testing.T) {
	t.Run("KeepsCheckpoint", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		last := appendAll(t, store, someCases(0, 10))
		path := filepath.Join(t.TempDir(), "projections.db")
		r := MustOpenRunner(t, path, store, newTypeCounts())
		stop := Start(t, r)
		WaitCaughtUp(t, r, "type_counts", last)
		stop()
		r.Close()

		tc := newTypeCounts()
		r = MustOpenRunner(t, path, store, tc)
		n, _ := MatchingEvents(t, store, "")
		if got := r.Lag(t.Context())["type_counts"]; got.EventsApplied != uint64(n) || got.Checkpoint != last || got.EventsBehind != 0 {
			t.Fatalf("Lag after reopening = %+v, want %d events applied up to %s", got, n, last)
		}
		tc.RequireMatchesLog(t, store)
	})

	t.Run("SchemaChangeRebuilds", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		last := appendAll(t, store, someCases(0, 10))
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
		tc.RequireMatchesLog(t, store)
	})

	t.Run("DeletesScratchFiles", func(t *testing.T) {
		// What a crash during a Rebuild or Check leaves behind goes at the next start.
		path := filepath.Join(t.TempDir(), "projections.db")
		for _, f := range []string{path + ".rebuild-type_counts", path + ".check-type_counts", path + ".check-type_counts-journal"} {
			if err := os.WriteFile(f, []byte("half a database"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		MustOpenRunner(t, path, testkit.MustOpenStore(t), newTypeCounts())
		requireNoScratch(t, path)
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		path := filepath.Join(t.TempDir(), "projections.db")
		for name, ps := range map[string][]projections.Projection{
			"Duplicate": {newTypeCounts(), newTypeCounts()},
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
		r := MustOpenRunner(t, "", testkit.MustOpenStore(t), newTypeCounts())
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
