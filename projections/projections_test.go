package projections_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/projections"
)

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

// skopje is the municipality's time zone; the test events use it so that read models must store UTC.
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

// typeCounts is a test projection that counts every event by type. It has no guard against applying an
// event twice: only the transactional checkpoint keeps its counts exact.
type typeCounts struct {
	db     *sql.DB
	schema string
	mu     sync.Mutex
	fail   func(domain.RecordedEvent) error
	// failCopies is the fail function of the projections New makes.
	failCopies func(domain.RecordedEvent) error
}

func newTypeCounts() *typeCounts {
	return &typeCounts{schema: `CREATE TABLE IF NOT EXISTS type_counts (type TEXT PRIMARY KEY, n INTEGER NOT NULL)`}
}

func (p *typeCounts) New() projections.Projection {
	p.mu.Lock()
	defer p.mu.Unlock()
	return &typeCounts{schema: p.schema, fail: p.failCopies}
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

// someCases returns n cases numbered from first, with 1 to 3 steps.
func someCases(first, n int) []testCase {
	cases := make([]testCase, n)
	for i := range cases {
		cases[i] = testCase{n: first + i, steps: 1 + (first+i)%3}
	}
	return cases
}

// appendAll appends the events of cases, a few cases at a time, and returns the position of the last.
func appendAll(tb testing.TB, store domain.EventStore, cases []testCase) domain.Position {
	tb.Helper()
	var (
		mu   sync.Mutex
		last domain.Position
		wg   sync.WaitGroup
		next = make(chan testCase)
	)
	for range 8 {
		wg.Go(func() {
			for c := range next {
				pos := c.Append(tb, store, 0)
				mu.Lock()
				if last.Less(pos) {
					last = pos
				}
				mu.Unlock()
			}
		})
	}
	for _, c := range cases {
		next <- c
	}
	close(next)
	wg.Wait()
	return last
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

// RequireCheckOK checks the named projection of r and fails unless its read model equals one
// recomputed from the log.
func RequireCheckOK(tb testing.TB, r *projections.Runner, name string) projections.CheckReport {
	tb.Helper()
	rep, err := r.Check(context.Background(), name)
	if err != nil {
		tb.Fatalf("Check(%s): %v", name, err)
	}
	if !rep.OK {
		b, _ := json.MarshalIndent(rep, "", "  ")
		tb.Fatalf("Check(%s) found differences:\n%s", name, b)
	}
	return rep
}

// fold is what streamFolds keeps of one stream.
type fold struct {
	Events int64  // events applied
	Last   int64  // the revision of the last (-1 before the first)
	Digest string // of the IDs and types of the events applied, in order
	// Skipped counts the events that Apply ignored as applied already. The runner never gives an event
	// twice to a projection whose memory agrees with its tables, so it stays 0 unless a Batcher's memory
	// outlives a rollback.
	Skipped int64
}

// next returns the fold after event e.
func (f fold) next(e domain.RecordedEvent) fold {
	h := sha256.Sum256([]byte(f.Digest + "\x00" + e.ID + "\x00" + e.Type))
	return fold{Events: f.Events + 1, Last: int64(e.Revision), Digest: hex.EncodeToString(h[:8]), Skipped: f.Skipped}
}

// streamFolds is a test projection with folded state that it keeps in memory across batches (a
// Batcher): a fold of every stream whose name starts with prefix ("" for all), read from its table on a
// miss, marked dirty by Apply and written by Flush.
type streamFolds struct {
	prefix string
	db     *sql.DB

	mu       sync.Mutex
	cache    map[string]fold
	dirty    map[string]bool
	fail     func(domain.RecordedEvent) error // consulted after an event is folded in memory
	flushes  int
	discards int
}

func newStreamFolds(prefix string) *streamFolds {
	return &streamFolds{prefix: prefix, cache: map[string]fold{}, dirty: map[string]bool{}}
}

var _ projections.Batcher = (*streamFolds)(nil)

func (p *streamFolds) Name() string     { return "stream_folds" }
func (p *streamFolds) Tables() []string { return []string{"stream_folds", "stream_fold_count"} }

// Schema has an index, and a trigger that counts the streams in a table of its own: a rebuild must keep
// the one and not fire the other on the rows it copies.
func (p *streamFolds) Schema() []string {
	return []string{
		`CREATE TABLE IF NOT EXISTS stream_folds (
			stream  TEXT PRIMARY KEY,
			events  INTEGER NOT NULL,
			last    INTEGER NOT NULL,
			digest  TEXT NOT NULL,
			skipped INTEGER NOT NULL
		)`,
		`CREATE INDEX IF NOT EXISTS stream_folds_events ON stream_folds (events, stream)`,
		`CREATE TABLE IF NOT EXISTS stream_fold_count (id INTEGER PRIMARY KEY, streams INTEGER NOT NULL)`,
		`CREATE TRIGGER IF NOT EXISTS stream_folds_new AFTER INSERT ON stream_folds BEGIN
			INSERT INTO stream_fold_count (id, streams) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET streams = streams + 1;
		END`,
	}
}
func (p *streamFolds) Filter() domain.SubscriptionFilter {
	if p.prefix == "" {
		return domain.SubscriptionFilter{}
	}
	return domain.SubscriptionFilter{StreamPrefixes: []string{p.prefix}}
}
func (p *streamFolds) Attach(db *sql.DB)           { p.db = db }
func (p *streamFolds) New() projections.Projection { return newStreamFolds(p.prefix) }

func (p *streamFolds) setFail(f func(domain.RecordedEvent) error) {
	p.mu.Lock()
	p.fail = f
	p.mu.Unlock()
}

func (p *streamFolds) Apply(ctx context.Context, tx *projections.Tx, e domain.RecordedEvent) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	f, ok := p.cache[e.Stream]
	if !ok {
		err := tx.QueryRowContext(ctx, `SELECT events, last, digest, skipped FROM stream_folds WHERE stream = ?`, e.Stream).
			Scan(&f.Events, &f.Last, &f.Digest, &f.Skipped)
		if errors.Is(err, sql.ErrNoRows) {
			f = fold{Last: -1}
		} else if err != nil {
			return err
		}
	}
	if int64(e.Revision) <= f.Last {
		f.Skipped++
	} else {
		f = f.next(e)
	}
	p.cache[e.Stream], p.dirty[e.Stream] = f, true
	if p.fail != nil {
		return p.fail(e) // with the event folded in memory already, as a projection failing halfway
	}
	return nil
}

func (p *streamFolds) Flush(ctx context.Context, tx *projections.Tx) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.flushes++
	for stream := range p.dirty {
		f := p.cache[stream]
		_, err := tx.ExecContext(ctx, `INSERT INTO stream_folds (stream, events, last, digest, skipped) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (stream) DO UPDATE SET events = excluded.events, last = excluded.last,
				digest = excluded.digest, skipped = excluded.skipped`,
			stream, f.Events, f.Last, f.Digest, f.Skipped)
		if err != nil {
			return err
		}
	}
	clear(p.dirty)
	return nil
}

func (p *streamFolds) Discard() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.discards++
	clear(p.cache)
	clear(p.dirty)
}

// counts returns how often Flush and Discard were called.
func (p *streamFolds) counts() (flushes, discards int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.flushes, p.discards
}

// Folds returns the rows of the read model.
func (p *streamFolds) Folds(tb testing.TB) map[string]fold {
	tb.Helper()
	rows, err := p.db.Query(`SELECT stream, events, last, digest, skipped FROM stream_folds`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	out := map[string]fold{}
	for rows.Next() {
		var s string
		var f fold
		if err := rows.Scan(&s, &f.Events, &f.Last, &f.Digest, &f.Skipped); err != nil {
			tb.Fatal(err)
		}
		out[s] = f
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// ExpectedFolds computes from the log what the read model of a streamFolds with prefix must hold.
func ExpectedFolds(tb testing.TB, store domain.EventStore, prefix string) map[string]fold {
	tb.Helper()
	events, err := store.ReadAll(context.Background(), domain.ReadAllOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]fold{}
	for _, e := range events {
		if strings.HasPrefix(e.Stream, prefix) {
			f, ok := out[e.Stream]
			if !ok {
				f = fold{Last: -1}
			}
			out[e.Stream] = f.next(e)
		}
	}
	return out
}

// RequireMatchesLog fails unless the read model holds what the log says.
func (p *streamFolds) RequireMatchesLog(tb testing.TB, store domain.EventStore) {
	tb.Helper()
	got, want := p.Folds(tb), ExpectedFolds(tb, store, p.prefix)
	if len(got) != len(want) {
		tb.Errorf("%d streams folded, want %d", len(got), len(want))
	}
	bad := 0
	for s, w := range want {
		if g := got[s]; g != w && bad < 5 {
			tb.Errorf("stream %s: got %+v, want %+v", s, g, w)
			bad++
		}
	}
	var streams int
	if err := p.db.QueryRow(`SELECT coalesce(sum(streams), 0) FROM stream_fold_count`).Scan(&streams); err != nil {
		tb.Fatal(err)
	} else if streams != len(want) {
		tb.Errorf("the trigger counted %d streams, want %d", streams, len(want))
	}
	if tb.Failed() {
		tb.FailNow()
	}
}

// RequireMatchesLog fails unless the read model holds what the log says.
func (p *typeCounts) RequireMatchesLog(tb testing.TB, store domain.EventStore) {
	tb.Helper()
	_, want := MatchingEvents(tb, store, "")
	if got := p.Counts(tb); !reflect.DeepEqual(got, want) {
		tb.Fatalf("type counts %v, want %v", got, want)
	}
}

// gatedStore is an event store whose new subscriptions wait, while the gate is closed, until it opens or
// their context ends.
type gatedStore struct {
	domain.EventStore
	mu      sync.Mutex
	gate    chan struct{} // nil while open
	waiting chan struct{} // receives once per subscription that waits
}

func newGatedStore(s domain.EventStore) *gatedStore {
	return &gatedStore{EventStore: s, waiting: make(chan struct{}, 100)}
}

// closeGate makes new subscriptions wait; the function returned opens it again.
func (s *gatedStore) closeGate() (open func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	gate := make(chan struct{})
	s.gate = gate
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			s.gate = nil
			s.mu.Unlock()
			close(gate)
		})
	}
}

func (s *gatedStore) SubscribeAll(ctx context.Context, opts domain.SubscribeAllOptions) (domain.Subscription, error) {
	s.mu.Lock()
	gate := s.gate
	s.mu.Unlock()
	if gate != nil {
		s.waiting <- struct{}{}
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, domain.Errorf(domain.EUNAVAILABLE, "gated: %v", ctx.Err())
		}
	}
	return s.EventStore.SubscribeAll(ctx, opts)
}
