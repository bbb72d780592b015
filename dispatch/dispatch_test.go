package dispatch_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/predmet/predmet/dispatch"
	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/eventstore/kurrentdb"
	"github.com/predmet/predmet/eventstore/kurrentdb/kurrentdbtest"
	"github.com/predmet/predmet/internal/testkit"
)

// MustOpenCheckpoints opens a checkpoint file at path, closed when the test ends.
func MustOpenCheckpoints(tb testing.TB, path string) *dispatch.FileCheckpoints {
	tb.Helper()
	c, err := dispatch.OpenCheckpoints(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// deliveries records the deliveries started, in order; starting one twice is recorded twice.
type deliveries struct {
	mu  sync.Mutex
	ids []string
}

func (d *deliveries) Start(_ context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.ids = append(d.ids, id)
	return nil
}

func (d *deliveries) started() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.ids)
}

// lostSaves is a checkpoint file whose saves never reach the disk: a process that dies after it
// dispatched and before it saved.
type lostSaves struct{ dispatch.Checkpoints }

func (lostSaves) Save(context.Context, domain.Position) error { return nil }

// run runs d until the returned function stops it, which waits for Run to return.
func run(tb testing.TB, d *dispatch.Dispatcher) (stop func()) {
	tb.Helper()
	if d.Logger == nil {
		d.Logger = zaptest.NewLogger(tb, zaptest.Level(zap.WarnLevel))
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			tb.Errorf("Run = %v, want context.Canceled", err)
		}
	}
	tb.Cleanup(stop)
	return stop
}

// eventually polls f until it returns nil, and fails the test with its last error after a minute.
func eventually(tb testing.TB, f func() error) {
	tb.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// startedAll waits until d has started the deliveries of ids, in any order.
func startedAll(tb testing.TB, d *deliveries, ids ...string) {
	tb.Helper()
	eventually(tb, func() error {
		got := d.started()
		for _, id := range ids {
			if !slices.Contains(got, id) {
				return fmt.Errorf("deliveries started: %v; not %s", got, id)
			}
		}
		return nil
	})
}

// appendCase appends events to a case's stream.
func appendCase(tb testing.TB, store domain.EventStore, caseID string, events ...domain.Event) {
	tb.Helper()
	ctx := context.Background()
	stream := domain.CaseStream(caseID)
	var next uint64
	if standing, err := store.ReadStream(ctx, stream, domain.ReadStreamOptions{}); err == nil {
		next = uint64(len(standing))
	}
	data, err := domain.EncodeEvents(stream, next, domain.Metadata{CorrelationID: caseID}, events...)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := store.Append(ctx, stream, domain.ExpectRevision(next), data...); err != nil {
		tb.Fatal(err)
	}
}

// registered writes a case received, registered and assigned to an officer: an acknowledgement and an
// assignment notice are due. It returns the case's ID and the two notifications' IDs.
func registered(tb testing.TB, store domain.EventStore) (caseID string, ack, assignment string) {
	tb.Helper()
	caseID = uuid.NewString()
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	appendCase(tb, store, caseID,
		&domain.CaseReceived{CaseID: caseID, Kind: domain.KindPetition, Channel: domain.ChannelEmail, Language: domain.Macedonian, ReceivedAt: at},
		&domain.CaseRegistered{ArchiveNumber: domain.ArchiveNumber{Unit: "08", Year: 2026, Number: 1, Sub: 1}, RegisteredAt: at},
		&domain.CaseAssigned{Officer: "ana.petrovska", Sector: "urbanism", At: at},
	)
	return caseID, notificationFor(tb, store, caseID, 1), notificationFor(tb, store, caseID, 2)
}

// notificationFor returns the ID of the notification the case's event at revision calls for.
func notificationFor(tb testing.TB, store domain.EventStore, caseID string, revision uint64) string {
	tb.Helper()
	events, err := store.ReadStream(context.Background(), domain.CaseStream(caseID), domain.ReadStreamOptions{From: revision, Max: 1})
	if err != nil {
		tb.Fatal(err)
	}
	e, err := domain.DecodeEvent(events[0])
	if err != nil {
		tb.Fatal(err)
	}
	ns := domain.NotificationsFor(caseID, events[0].ID, e, events[0].Created)
	if len(ns) != 1 {
		tb.Fatalf("event %d of case %s calls for %d notifications", revision, caseID, len(ns))
	}
	return ns[0].ID
}

// queuedOnce checks that each notification's stream holds its NotificationQueued, once, and that the
// log holds want NotificationQueued events in all.
func queuedOnce(tb testing.TB, store domain.EventStore, want int, ids ...string) {
	tb.Helper()
	ctx := context.Background()
	for _, id := range ids {
		events, err := store.ReadStream(ctx, domain.NotificationStream(id), domain.ReadStreamOptions{})
		if err != nil {
			tb.Fatalf("notification %s: %v", id, err)
		}
		if len(events) != 1 || events[0].Type != domain.EventNotificationQueued {
			tb.Errorf("notification %s: %d events, want its NotificationQueued once", id, len(events))
		}
	}
	all, err := store.ReadAll(ctx, domain.ReadAllOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	for _, e := range all {
		if e.Type == domain.EventNotificationQueued {
			n++
		}
	}
	if n != want {
		tb.Errorf("%d notifications queued in the log, want %d", n, want)
	}
}

// stores open an empty log on each kind of event store the dispatcher runs on: the embedded SQLite
// store, and KurrentDB through its adapter and the official client (against kurrentdbtest's double of
// its gRPC API).
var stores = map[string]func(tb testing.TB) domain.EventStore{
	"SQLite": func(tb testing.TB) domain.EventStore { return testkit.MustOpenStore(tb) },
	"KurrentDB": func(tb testing.TB) domain.EventStore {
		tb.Helper()
		s, err := kurrentdb.Open(kurrentdbtest.MustStart(tb).URL())
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { s.Close() })
		return s
	},
}

func TestDispatcher(t *testing.T) {
	for name, open := range stores {
		t.Run(name, func(t *testing.T) { testDispatcher(t, open) })
	}
}

func testDispatcher(t *testing.T, openStore func(tb testing.TB) domain.EventStore) {
	t.Run("OK_QueuesWhatCaseEventsCallForAndStartsEveryDelivery", func(t *testing.T) {
		store := openStore(t)
		caseID, ack, assignment := registered(t, store)
		// A notification queued elsewhere (a workflow's reminder) is started too.
		reminder := domain.NotificationQueued{ID: uuid.NewString(), Kind: domain.NotifyReminder, CaseID: caseID, RequestID: "r1", Sector: "urbanism", Step: 1, At: time.Now()}
		if err := domain.QueueNotification(context.Background(), store, reminder); err != nil {
			t.Fatal(err)
		}
		d := &deliveries{}
		run(t, &dispatch.Dispatcher{Store: store, Deliveries: d, Checkpoints: MustOpenCheckpoints(t, filepath.Join(t.TempDir(), "dispatch.db"))})
		startedAll(t, d, ack, assignment, reminder.ID)
		queuedOnce(t, store, 3, ack, assignment, reminder.ID)

		// Live: the answer going out calls for the submitter's answer.
		appendCase(t, store, caseID, &domain.CaseAnswered{Outcome: domain.StatusAnswered, At: time.Now()})
		answer := notificationFor(t, store, caseID, 3)
		startedAll(t, d, answer)
		queuedOnce(t, store, 4, answer)
		if got := d.started(); len(got) != 4 {
			t.Errorf("deliveries started %v, want each of the 4 notifications once", got)
		}
	})

	t.Run("OK_RestartFromCheckpointDispatchesNothingTwice", func(t *testing.T) {
		store := openStore(t)
		path := filepath.Join(t.TempDir(), "dispatch.db")
		_, ack, assignment := registered(t, store)
		first := &deliveries{}
		stop := run(t, &dispatch.Dispatcher{Store: store, Deliveries: first, Checkpoints: MustOpenCheckpoints(t, path), CheckpointEvery: time.Hour})
		startedAll(t, first, ack, assignment)
		stop() // saves the checkpoint on the way out

		again := &deliveries{}
		run(t, &dispatch.Dispatcher{Store: store, Deliveries: again, Checkpoints: MustOpenCheckpoints(t, path)})
		// A new case after the restart: once its notifications are started, every event before it has
		// been passed, and none of them was dispatched again.
		_, ack2, assignment2 := registered(t, store)
		startedAll(t, again, ack2, assignment2)
		if got := again.started(); len(got) != 2 {
			t.Errorf("after the restart, deliveries started %v, want only the new case's two", got)
		}
		queuedOnce(t, store, 4, ack, assignment, ack2, assignment2)
	})

	t.Run("OK_CrashBetweenQueueAndCheckpointQueuesOnce", func(t *testing.T) {
		store := openStore(t)
		path := filepath.Join(t.TempDir(), "dispatch.db")
		_, ack, assignment := registered(t, store)
		crashed := &deliveries{}
		stop := run(t, &dispatch.Dispatcher{Store: store, Deliveries: crashed, Checkpoints: lostSaves{MustOpenCheckpoints(t, path)}})
		startedAll(t, crashed, ack, assignment)
		stop()
		if _, ok, err := MustOpenCheckpoints(t, path).Load(context.Background()); ok || err != nil {
			t.Fatalf("a checkpoint survived the crash (%v)", err)
		}

		// The next run dispatches the same events again: it queues nothing new and starts the same
		// deliveries again, which the deliveries ignore (one workflow ID per notification).
		again := &deliveries{}
		run(t, &dispatch.Dispatcher{Store: store, Deliveries: again, Checkpoints: MustOpenCheckpoints(t, path)})
		startedAll(t, again, ack, assignment)
		queuedOnce(t, store, 2, ack, assignment)
	})

	t.Run("OK_UpgradeOnAnOldLogDispatchesNoHistory", func(t *testing.T) {
		store := openStore(t)
		path := filepath.Join(t.TempDir(), "dispatch.db")
		registered(t, store)
		registered(t, store)
		all, err := store.ReadAll(context.Background(), domain.ReadAllOptions{})
		if err != nil {
			t.Fatal(err)
		}
		last := all[len(all)-1]
		// Three days later, a release with the dispatcher starts on this log without a checkpoint.
		later := last.Created.Add(72 * time.Hour)
		d := &deliveries{}
		run(t, &dispatch.Dispatcher{Store: store, Deliveries: d, Checkpoints: MustOpenCheckpoints(t, path), Now: func() time.Time { return later }})
		eventually(t, func() error {
			pos, ok, err := MustOpenCheckpoints(t, path).Load(context.Background())
			if err != nil || !ok || pos != last.Position {
				return fmt.Errorf("checkpoint %v (saved: %v, %v), want the last event's position %v", pos, ok, err, last.Position)
			}
			return nil
		})
		_, ack, assignment := registered(t, store)
		startedAll(t, d, ack, assignment)
		if got := d.started(); len(got) != 2 {
			t.Errorf("deliveries started %v, want only the new case's two", got)
		}
		queuedOnce(t, store, 2, ack, assignment)
	})

	t.Run("OK_FirstStartDispatchesTheLookback", func(t *testing.T) {
		store := openStore(t)
		_, oldAck, oldAssignment := registered(t, store)
		all, err := store.ReadAll(context.Background(), domain.ReadAllOptions{})
		if err != nil {
			t.Fatal(err)
		}
		boundary := all[len(all)-1].Created
		for !time.Now().After(boundary.Add(time.Microsecond)) {
			// The events of the next case must be recorded after the boundary, also as KurrentDB
			// records time (in ticks of 100 ns).
		}
		_, ack, assignment := registered(t, store)
		// The first case is just older than the lookback, the second within it.
		now := boundary.Add(time.Nanosecond + dispatch.DefaultLookback)
		d := &deliveries{}
		run(t, &dispatch.Dispatcher{Store: store, Deliveries: d, Checkpoints: MustOpenCheckpoints(t, filepath.Join(t.TempDir(), "dispatch.db")), Now: func() time.Time { return now }})
		startedAll(t, d, ack, assignment)
		if got := d.started(); slices.Contains(got, oldAck) || slices.Contains(got, oldAssignment) || len(got) != 2 {
			t.Errorf("deliveries started %v, want the second case's only", got)
		}
	})

	t.Run("OK_FreshLogDispatchedWhole", func(t *testing.T) {
		store := openStore(t)
		path := filepath.Join(t.TempDir(), "dispatch.db")
		d := &deliveries{}
		run(t, &dispatch.Dispatcher{Store: store, Deliveries: d, Checkpoints: MustOpenCheckpoints(t, path)})
		_, ack, assignment := registered(t, store)
		startedAll(t, d, ack, assignment)
		queuedOnce(t, store, 2, ack, assignment)
	})

	t.Run("OK_RetriesAFailedStart", func(t *testing.T) {
		store := openStore(t)
		_, ack, assignment := registered(t, store)
		d := &flaky{deliveries: deliveries{}, failures: 2}
		run(t, &dispatch.Dispatcher{Store: store, Deliveries: d, Checkpoints: MustOpenCheckpoints(t, filepath.Join(t.TempDir(), "dispatch.db"))})
		startedAll(t, &d.deliveries, ack, assignment)
		if got := d.started(); len(got) != 2 || got[0] != ack || got[1] != assignment {
			t.Errorf("deliveries started %v, want %s then %s, once each", got, ack, assignment)
		}
	})
}

// flaky fails its first starts, as Temporal does while it is unreachable.
type flaky struct {
	deliveries
	failures int
}

func (f *flaky) Start(ctx context.Context, id string) error {
	f.mu.Lock()
	if f.failures > 0 {
		f.failures--
		f.mu.Unlock()
		return errors.New("Temporal does not answer")
	}
	f.mu.Unlock()
	return f.deliveries.Start(ctx, id)
}

func TestFileCheckpoints(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dispatch.db")
	c := MustOpenCheckpoints(t, path)
	if _, ok, err := c.Load(ctx); ok || err != nil {
		t.Fatalf("a new file holds a checkpoint (%v)", err)
	}
	for _, pos := range []domain.Position{{Commit: 7, Prepare: 7}, {Commit: 1 << 40, Prepare: 1<<40 - 3}} {
		if err := c.Save(ctx, pos); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	pos, ok, err := MustOpenCheckpoints(t, path).Load(ctx)
	if err != nil || !ok || pos != (domain.Position{Commit: 1 << 40, Prepare: 1<<40 - 3}) {
		t.Errorf("Load = %v, %v, %v; want the last position saved", pos, ok, err)
	}
	if err := c.Save(ctx, domain.Position{Commit: 1 << 63}); err == nil {
		t.Error("a position beyond SQLite's integers was saved")
	}
	if _, err := dispatch.OpenCheckpoints(":memory:"); err == nil {
		t.Error("OpenCheckpoints took a memory database")
	}
}
