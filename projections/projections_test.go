package projections_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/eventstore/sqlite"
	"github.com/predmet/predmet/projections"
)

// MustOpenStore opens an embedded event store in tb's temporary directory and closes it when tb ends.
func MustOpenStore(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(filepath.Join(tb.TempDir(), "events.db"))
	if err != nil {
		tb.Fatalf("open event store: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("close event store: %v", err)
		}
	})
	return s
}

// MustOpenRunner opens a runner on the database at path (a fresh one when path is empty), with settings
// quick enough for tests, and closes it when tb ends.
func MustOpenRunner(tb testing.TB, path string, store domain.EventStore, ps ...projections.Projection) *projections.Runner {
	tb.Helper()
	if path == "" {
		path = filepath.Join(tb.TempDir(), "projections.db")
	}
	r, err := projections.OpenRunner(path, store, nil, ps...)
	if err != nil {
		tb.Fatalf("OpenRunner: %v", err)
	}
	r.CheckpointEvery = 10 * time.Millisecond
	r.MinBackoff, r.MaxBackoff = time.Millisecond, 20*time.Millisecond
	tb.Cleanup(func() {
		if err := r.Close(); err != nil {
			tb.Errorf("close runner: %v", err)
		}
	})
	return r
}

// Start runs r until the returned function is called, which waits for Run to return.
func Start(tb testing.TB, r *projections.Runner) (stop func()) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				tb.Errorf("Run: %v", err)
			}
		})
	}
	tb.Cleanup(stop)
	return stop
}

// WaitCaughtUp waits until the named projection has caught up and processed the log up to pos.
func WaitCaughtUp(tb testing.TB, r *projections.Runner, name string, pos domain.Position) projections.LagInfo {
	tb.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		info := r.Lag(context.Background())[name]
		if info.CaughtUp && !info.Checkpoint.Less(pos) {
			return info
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s did not catch up with %s: %+v", name, pos, info)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// LastPosition returns the position of the last event in the log.
func LastPosition(tb testing.TB, store domain.EventStore) domain.Position {
	tb.Helper()
	events, err := store.ReadAll(context.Background(), domain.ReadAllOptions{Direction: domain.Backwards, Max: 1})
	if err != nil {
		tb.Fatal(err)
	} else if len(events) == 0 {
		return domain.Position{}
	}
	return events[0].Position
}

// skopje is the municipality's time zone; the test events use it so that the index must store UTC.
var skopje = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Skopje")
	if err != nil {
		return time.FixedZone("CEST", 2*3600)
	}
	return loc
}()

// testCase describes the events of one case in the tests: steps 1 (received), 2 (registered) or
// 3 (deadline passed).
type testCase struct {
	n     int
	steps int
}

func (c testCase) id() string { return fmt.Sprintf("c%05d", c.n) }

func (c testCase) receivedAt() time.Time {
	return time.Date(2026, 3, 1, 9, 0, 0, 0, skopje).Add(time.Duration(c.n) * time.Hour)
}

func (c testCase) registeredAt() time.Time { return c.receivedAt().Add(10 * time.Minute) }

func (c testCase) dueAt() time.Time {
	return time.Date(2026, 5, 1, 23, 59, 59, 0, skopje).Add(time.Duration(c.n%50) * 24 * time.Hour)
}

func (c testCase) kind() domain.CaseKind {
	if c.n%4 == 3 {
		return "complaint"
	}
	return domain.KindPetition
}

func (c testCase) archiveNumber() domain.ArchiveNumber {
	return domain.ArchiveNumber{Unit: "08", Year: 2026, Number: c.n + 1, Sub: 1, Date: domain.DateOf(c.registeredAt(), skopje)}
}

// event returns the case's event at revision rev (0, 1 or 2).
func (c testCase) event(rev int) domain.Event {
	switch rev {
	case 0:
		sector := ""
		if c.n%3 == 0 {
			sector = "urbanism"
		}
		return &domain.CaseReceived{
			CaseID: c.id(), Kind: c.kind(), Channel: domain.Channels[c.n%len(domain.Channels)],
			Language: domain.Languages[c.n%len(domain.Languages)], ReceivedAt: c.receivedAt(),
			Subject: "Subject of " + c.id(), Text: "A long text.", Sector: sector,
			Submitter: domain.Submitter{Name: "Ana Petrovska", Email: "ana@example.mk"},
		}
	case 1:
		return &domain.CaseRegistered{
			ArchiveNumber: c.archiveNumber(), RegisteredAt: c.registeredAt(),
			Deadline: domain.Deadline{Start: c.receivedAt(), Clock: domain.Clock{Length: 60, Unit: domain.CalendarDays},
				DueAt: c.dueAt(), DueDate: domain.DateOf(c.dueAt(), skopje), DaysCounted: 60},
		}
	default:
		return &domain.CaseDeadlinePassed{DueAt: c.dueAt()}
	}
}

// Append appends the case's events from revision from to its steps, and the register's event when the
// case is registered, one append each. It returns the position of the last event.
func (c testCase) Append(tb testing.TB, store domain.EventStore, from int) domain.Position {
	tb.Helper()
	var last domain.Position
	for rev := from; rev < c.steps; rev++ {
		last = appendEvents(tb, store, domain.CaseStream(c.id()), uint64(rev), c.event(rev))
		if rev == 1 {
			last = appendEvents(tb, store, domain.RegisterStream("08", 2026), uint64(c.n),
				&domain.ArchiveNumberAssigned{CaseID: c.id(), ArchiveNumber: c.archiveNumber()})
		}
	}
	return last
}

func appendEvents(tb testing.TB, store domain.EventStore, stream string, next uint64, events ...domain.Event) domain.Position {
	tb.Helper()
	data, err := domain.EncodeEvents(stream, next, domain.Metadata{UserID: "test"}, events...)
	if err != nil {
		tb.Fatal(err)
	}
	res, err := store.Append(context.Background(), stream, domain.Any(), data...)
	if err != nil {
		tb.Fatalf("append to %s: %v", stream, err)
	}
	return res.Position
}

// ExpectedRow is the row the index should hold for the case, given the event it was last updated by.
func (c testCase) ExpectedRow(updated time.Time) projections.CaseRow {
	r := projections.CaseRow{
		ID: c.id(), Kind: c.kind(), Status: domain.StatusReceived, Channel: domain.Channels[c.n%len(domain.Channels)],
		Language: domain.Languages[c.n%len(domain.Languages)], ReceivedAt: c.receivedAt().UTC(),
		Version: uint64(c.steps), UpdatedAt: updated.UTC(),
	}
	if c.n%3 == 0 {
		r.Sector = "urbanism"
	}
	if c.steps >= 2 {
		r.Status = domain.StatusRegistered
		r.ArchiveNumber = c.archiveNumber().String()
		r.RegisteredAt = c.registeredAt().UTC()
		r.DueAt = c.dueAt().UTC()
	}
	r.Overdue = c.steps >= 3
	return r
}

// AllCases lists every row of the index, page by page.
func AllCases(tb testing.TB, idx *projections.CaseIndex) []projections.CaseRow {
	tb.Helper()
	var all []projections.CaseRow
	for {
		page, err := idx.List(context.Background(), projections.CaseFilter{Limit: projections.MaxListLimit, Offset: len(all)})
		if err != nil {
			tb.Fatal(err)
		}
		all = append(all, page...)
		if len(page) < projections.MaxListLimit {
			return all
		}
	}
}

// RequireSameRows fails unless got and want hold the same rows, in any order.
func RequireSameRows(tb testing.TB, got, want []projections.CaseRow) {
	tb.Helper()
	index := func(rows []projections.CaseRow) map[string]projections.CaseRow {
		m := make(map[string]projections.CaseRow, len(rows))
		for _, r := range rows {
			m[r.ID] = r
		}
		return m
	}
	g, w := index(got), index(want)
	if len(g) != len(got) {
		tb.Fatalf("duplicate case IDs in %d rows", len(got))
	}
	bad := 0
	for id, wr := range w {
		if gr, ok := g[id]; !ok {
			tb.Errorf("case %s missing", id)
			bad++
		} else if !reflect.DeepEqual(gr, wr) {
			tb.Errorf("case %s:\n got %+v\nwant %+v", id, gr, wr)
			bad++
		}
		if bad > 5 {
			break
		}
	}
	for id := range g {
		if _, ok := w[id]; !ok {
			tb.Errorf("unexpected case %s", id)
		}
	}
	if tb.Failed() {
		tb.FailNow()
	}
}

// MatchingEvents counts the events of the log whose stream starts with prefix ("" for all), by type.
func MatchingEvents(tb testing.TB, store domain.EventStore, prefix string) (int, map[string]int) {
	tb.Helper()
	events, err := store.ReadAll(context.Background(), domain.ReadAllOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	n, byType := 0, map[string]int{}
	for _, e := range events {
		if strings.HasPrefix(e.Stream, prefix) {
			n++
			byType[e.Type]++
		}
	}
	return n, byType
}

// typeCounts is a test projection that counts every event by type. Unlike CaseIndex it has no guard
// against applying an event twice: only the transactional checkpoint keeps its counts exact.
type typeCounts struct {
	db     *sql.DB
	schema string
	mu     sync.Mutex
	fail   func(domain.RecordedEvent) error
}

func newTypeCounts() *typeCounts {
	return &typeCounts{schema: `CREATE TABLE IF NOT EXISTS type_counts (type TEXT PRIMARY KEY, n INTEGER NOT NULL)`}
}

func (p *typeCounts) Name() string                      { return "type_counts" }
func (p *typeCounts) Tables() []string                  { return []string{"type_counts"} }
func (p *typeCounts) Schema() []string                  { return []string{p.schema} }
func (p *typeCounts) Filter() domain.SubscriptionFilter { return domain.SubscriptionFilter{} }
func (p *typeCounts) Attach(db *sql.DB)                 { p.db = db }

func (p *typeCounts) setFail(f func(domain.RecordedEvent) error) {
	p.mu.Lock()
	p.fail = f
	p.mu.Unlock()
}

func (p *typeCounts) Apply(ctx context.Context, tx *projections.Tx, e domain.RecordedEvent) error {
	p.mu.Lock()
	fail := p.fail
	p.mu.Unlock()
	if fail != nil {
		if err := fail(e); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO type_counts (type, n) VALUES (?, 1)
		ON CONFLICT (type) DO UPDATE SET n = n + 1`, e.Type)
	return err
}

func (p *typeCounts) Counts(tb testing.TB) map[string]int {
	tb.Helper()
	rows, err := p.db.Query(`SELECT type, n FROM type_counts`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var t string
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			tb.Fatal(err)
		}
		out[t] = n
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// flakyStore is the embedded store whose subscriptions fail now and then, as a remote store's would.
type flakyStore struct {
	domain.EventStore
	mu    sync.Mutex
	count int // messages delivered, over all subscriptions
	every int // a subscription fails at every every-th message
	fails int
}

func (s *flakyStore) SubscribeAll(ctx context.Context, opts domain.SubscribeAllOptions) (domain.Subscription, error) {
	s.mu.Lock()
	s.count++
	fail := s.count%7 == 0
	s.mu.Unlock()
	if fail {
		return nil, domain.Errorf(domain.EUNAVAILABLE, "flaky: cannot subscribe")
	}
	sub, err := s.EventStore.SubscribeAll(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &flakySubscription{Subscription: sub, store: s}, nil
}

type flakySubscription struct {
	domain.Subscription
	store *flakyStore
}

func (s *flakySubscription) Recv() (domain.SubscriptionMessage, error) {
	s.store.mu.Lock()
	s.store.count++
	fail := s.store.count%s.store.every == 0
	if fail {
		s.store.fails++
	}
	s.store.mu.Unlock()
	if fail {
		return domain.SubscriptionMessage{}, domain.Errorf(domain.EUNAVAILABLE, "flaky: connection lost")
	}
	return s.Subscription.Recv()
}

var errPoison = errors.New("poison event")

// MustOpenWriter opens a second writable handle on the database at path, for driving Apply by hand.
func MustOpenWriter(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)&_txlock=immediate")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}
