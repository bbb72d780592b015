package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/eventstore/eventstoretest"
	"github.com/predmet/predmet/eventstore/sqlite"
	"github.com/predmet/predmet/internal/testkit"
)

func TestConformance(t *testing.T) {
	eventstoretest.Run(t, func(tb testing.TB) domain.EventStore { return testkit.MustOpenStore(tb) })
}

func newEvents(n int) []domain.EventData {
	events := make([]domain.EventData, n)
	for i := range events {
		events[i] = domain.EventData{ID: uuid.NewString(), Type: "Test", Data: []byte(`{}`)}
	}
	return events
}

func TestReopen(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		ctx := t.Context()
		path := filepath.Join(t.TempDir(), "events.db")
		s, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		first := newEvents(3)
		res1, err := s.Append(ctx, "order-1", domain.NoStream(), first...)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}

		s = testkit.MustOpenStoreAt(t, path)
		got, err := s.ReadStream(ctx, "order-1", domain.ReadStreamOptions{})
		if err != nil || len(got) != 3 || got[2].ID != first[2].ID {
			t.Fatalf("after reopening, ReadStream = %d events, %v; want the 3 appended", len(got), err)
		}
		// A late retry is still recognised.
		if res, err := s.Append(ctx, "order-1", domain.NoStream(), first...); err != nil || res != res1 {
			t.Fatalf("retry after reopening = %+v, %v; want %+v", res, err, res1)
		}
		res2, err := s.Append(ctx, "order-2", domain.NoStream(), newEvents(1)...)
		if err != nil {
			t.Fatal(err)
		}
		if res2.Position.Commit != res1.Position.Commit+1 {
			t.Errorf("position after reopening = %v, want %d", res2.Position, res1.Position.Commit+1)
		}
		if _, err := s.Append(ctx, "order-1", domain.Exact(2), newEvents(1)...); err != nil {
			t.Errorf("append at the reopened stream's end: %v", err)
		}
	})
	t.Run("ErrNewerSchema", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "events.db")
		s := testkit.MustOpenStoreAt(t, path)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		setUserVersion(t, path, 99)
		if _, err := sqlite.Open(path); domain.ErrorCode(err) != domain.EINTERNAL {
			t.Fatalf("Open of a newer schema = %v, want EINTERNAL", err)
		}
	})
}

func TestClose(t *testing.T) {
	t.Run("EndsSubscriptions", func(t *testing.T) {
		s, err := sqlite.Open(filepath.Join(t.TempDir(), "events.db"))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		sub, err := s.SubscribeAll(ctx, domain.SubscribeAllOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if m, err := sub.Recv(); err != nil || !m.CaughtUp {
			t.Fatalf("first message on an empty store = %+v, %v; want CaughtUp", m, err)
		}
		errc := make(chan error, 1)
		go func() {
			_, err := sub.Recv()
			errc <- err
		}()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := <-errc; domain.ErrorCode(err) != domain.EUNAVAILABLE {
			t.Errorf("Recv after Close = %v, want EUNAVAILABLE", err)
		}
		if err := sub.Close(); err != nil {
			t.Errorf("subscription Close after store Close: %v", err)
		}
	})
	t.Run("LeavesNoGoroutines", func(t *testing.T) {
		before := runtime.NumGoroutine()
		s, err := sqlite.Open(filepath.Join(t.TempDir(), "events.db"))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		var subs []domain.Subscription
		for range 3 {
			sub, err := s.SubscribeAll(ctx, domain.SubscribeAllOptions{})
			if err != nil {
				t.Fatal(err)
			}
			subs = append(subs, sub)
		}
		if _, err := s.Append(ctx, "order-1", domain.NoStream(), newEvents(5)...); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReadAll(ctx, domain.ReadAllOptions{}); err != nil {
			t.Fatal(err)
		}
		_ = subs[0].Close() // closed; subs[1] ends with its context; subs[2] with the store
		cancel()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > before {
			t.Errorf("%d goroutines after Close, %d before Open", n, before)
		}
	})
	t.Run("ErrUnavailableAfterClose", func(t *testing.T) {
		s, err := sqlite.Open(filepath.Join(t.TempDir(), "events.db"))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		ctx := t.Context()
		_, err = s.Append(ctx, "order-1", domain.Any(), newEvents(1)...)
		requireCode(t, err, domain.EUNAVAILABLE)
		_, err = s.ReadStream(ctx, "order-1", domain.ReadStreamOptions{})
		requireCode(t, err, domain.EUNAVAILABLE)
		_, err = s.ReadAll(ctx, domain.ReadAllOptions{})
		requireCode(t, err, domain.EUNAVAILABLE)
		_, err = s.SubscribeAll(ctx, domain.SubscribeAllOptions{})
		requireCode(t, err, domain.EUNAVAILABLE)
	})
	t.Run("WaitsForAppends", func(t *testing.T) {
		// Appends racing with Close either commit or fail with EUNAVAILABLE; the committed ones survive.
		path := filepath.Join(t.TempDir(), "events.db")
		s, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			appended int
		)
		for g := range 8 {
			wg.Go(func() {
				for i := range 20 {
					_, err := s.Append(context.Background(), "order", domain.Any(), newEvents(1)...)
					if err != nil {
						if domain.ErrorCode(err) != domain.EUNAVAILABLE {
							t.Errorf("goroutine %d append %d: %v", g, i, err)
						}
						return
					}
					mu.Lock()
					appended++
					mu.Unlock()
				}
			})
		}
		time.Sleep(5 * time.Millisecond)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		s = testkit.MustOpenStoreAt(t, path)
		got, err := s.ReadAll(t.Context(), domain.ReadAllOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != appended {
			t.Errorf("%d events survived, %d appends succeeded", len(got), appended)
		}
	})
}

func TestSubscribeAll(t *testing.T) {
	t.Run("CheckpointsReachTheLastScannedEvent", func(t *testing.T) {
		// Stronger than the conformance suite: here checkpoints are positions of this log, so a sparse
		// subscription's checkpoint catches up with the last event it skipped, while catching up and live.
		s := testkit.MustOpenStore(t)
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		noise := func() domain.Position {
			var res domain.AppendResult
			for range 10 {
				var err error
				if res, err = s.Append(ctx, "noise", domain.Any(), newEvents(10)...); err != nil {
					t.Fatal(err)
				}
			}
			return res.Position
		}
		last := noise()
		sub, err := s.SubscribeAll(ctx, domain.SubscribeAllOptions{
			Filter:             domain.SubscriptionFilter{StreamPrefixes: []string{"wanted"}},
			CheckpointInterval: 16,
		})
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Close()
		var checkpoints int
		waitFor := func(pos domain.Position) {
			t.Helper()
			for {
				m, err := sub.Recv()
				if err != nil {
					t.Fatal(err)
				}
				if m.Event != nil {
					t.Fatalf("received %s, which the filter does not match", m.Event.Stream)
				}
				if m.Checkpoint != nil {
					checkpoints++
					if !m.Checkpoint.Less(pos) {
						return
					}
				}
			}
		}
		waitFor(last)
		if checkpoints < 100/16 {
			t.Errorf("%d checkpoints while scanning 100 events at interval 16", checkpoints)
		}
		waitFor(noise())
	})
	t.Run("CheckpointEveryIntervalWhenAllMatch", func(t *testing.T) {
		s := testkit.MustOpenStore(t)
		if _, err := s.Append(t.Context(), "order", domain.NoStream(), newEvents(10)...); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		sub, err := s.SubscribeAll(ctx, domain.SubscribeAllOptions{CheckpointInterval: 4})
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Close()
		var got []string
		for {
			m, err := sub.Recv()
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case m.Event != nil:
				got = append(got, "e"+m.Event.Position.String())
			case m.Checkpoint != nil:
				got = append(got, "c"+m.Checkpoint.String())
			}
			if m.CaughtUp {
				break
			}
		}
		want := []string{"e1/1", "e2/2", "e3/3", "e4/4", "c4/4", "e5/5", "e6/6", "e7/7", "e8/8", "c8/8", "e9/9", "e10/10"}
		if len(got) != len(want) {
			t.Fatalf("messages = %v, want %v", got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("messages = %v, want %v", got, want)
			}
		}
	})
}

func setUserVersion(t *testing.T, path string, v int) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("PRAGMA user_version = " + strconv.Itoa(v)); err != nil {
		t.Fatal(err)
	}
}

func requireCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := domain.ErrorCode(err); got != code {
		t.Fatalf("error %v has code %q, want %q", err, got, code)
	}
}
