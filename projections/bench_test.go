package projections_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/eventstore/sqlite"
	"github.com/predmet/predmet/projections"
)

// benchEventsEnv names the environment variable that sets how many events the benchmarks' log holds.
const benchEventsEnv = "PREDMET_BENCH_EVENTS"

// benchLogVersion changes whenever caseHistory does, so that a cached log is not reused.
const benchLogVersion = 1

// benchPlainEnv, set to 1, makes the benchmarks' log hold its personal data in clear, as logs written
// before sealing do; by default each case's receipt is sealed with its own key (domain.Codec), as
// intake writes it, so that a rebuild is measured over what it meets in production.
const benchPlainEnv = "PREDMET_BENCH_PLAIN"

// benchCaseProjection returns the case read model that BenchmarkRebuild rebuilds.
func benchCaseProjection(store domain.EventStore) projections.Projection {
	return projections.NewCasework(store, projections.CaseworkOptions{})
}

// BenchmarkRebuild rebuilds the case read model over a log of PREDMET_BENCH_EVENTS events (1,000,000
// by default) of realistic case histories: a scratch build from the start of the log, then the swap
// into the live database. It reports the events of the log processed per second (log-events/s), the
// events the projection selected and applied per second (events/s), both over the whole Rebuild; the
// same over the build alone (build-events/s); and the time the swap took.
//
// The log is written once, which takes about half a minute for 1,000,000 events, and kept in the
// temporary directory (predmet-projections-bench-v*-<events>.db, about 350 MB) for later runs.
func BenchmarkRebuild(b *testing.B) {
	store, n := benchLog(b)
	benchRebuild(b, store, n, benchCaseProjection(store))
}

// BenchmarkRebuildRunner rebuilds, over the same log, a projection that does next to nothing: the
// runner's own ceiling (reading the log, batching, checkpoints, scratch build and swap).
func BenchmarkRebuildRunner(b *testing.B) {
	store, n := benchLog(b)
	benchRebuild(b, store, n, &eventCount{})
}

// benchRebuild rebuilds p over a log of n events, b.N times, and reports the speed.
func benchRebuild(b *testing.B, store domain.EventStore, n int, p projections.Projection) {
	core, logs := observer.New(zapcore.InfoLevel)
	r, err := projections.OpenRunner(filepath.Join(b.TempDir(), "projections.db"), store, zap.New(core), p)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	var applied, swap, total time.Duration
	var events uint64
	for b.Loop() {
		if err := r.Rebuild(context.Background(), p.Name()); err != nil {
			b.Fatal(err)
		}
		var f map[string]any
		for _, e := range logs.TakeAll() {
			if e.Message == "Projection rebuilt." {
				f = e.ContextMap()
			}
		}
		if f == nil {
			b.Fatal("Rebuild did not log its times")
		}
		events = f["events"].(uint64)
		applied += f["build"].(time.Duration) + f["paused"].(time.Duration) - f["swap"].(time.Duration)
		swap += f["swap"].(time.Duration)
		total += f["total"].(time.Duration)
	}
	rebuilds := float64(b.N)
	b.ReportMetric(float64(n)*rebuilds/total.Seconds(), "log-events/s")
	b.ReportMetric(float64(events)*rebuilds/total.Seconds(), "events/s")
	b.ReportMetric(float64(events)*rebuilds/applied.Seconds(), "build-events/s")
	b.ReportMetric(swap.Seconds()*1000/rebuilds, "swap-ms")
	b.ReportMetric(float64(events), "events")
}

// eventCount is a projection that counts the events of the log, in memory, and writes the count once
// per batch.
type eventCount struct {
	n atomic.Int64
}

func (p *eventCount) Name() string                      { return "event_count" }
func (p *eventCount) Tables() []string                  { return []string{"event_count"} }
func (p *eventCount) Filter() domain.SubscriptionFilter { return domain.SubscriptionFilter{} }
func (p *eventCount) Attach(*sql.DB)                    {}
func (p *eventCount) New() projections.Projection       { return &eventCount{} }
func (p *eventCount) Schema() []string {
	return []string{`CREATE TABLE IF NOT EXISTS event_count (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)`}
}
func (p *eventCount) Apply(context.Context, *projections.Tx, domain.RecordedEvent) error {
	p.n.Add(1)
	return nil
}
func (p *eventCount) Flush(ctx context.Context, tx *projections.Tx) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO event_count (id, n) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET n = excluded.n`, p.n.Load())
	return err
}
func (p *eventCount) Discard() {}

// benchLog returns an embedded event store holding at least PREDMET_BENCH_EVENTS events (1,000,000 by
// default) of case histories, and how many it holds. The log is built once and kept in the temporary
// directory for later runs.
func benchLog(b *testing.B) (*sqlite.Store, int) {
	b.Helper()
	want := 1_000_000
	if s := os.Getenv(benchEventsEnv); s != "" {
		var err error
		if want, err = strconv.Atoi(s); err != nil || want <= 0 {
			b.Fatalf("%s=%q is not a positive number", benchEventsEnv, s)
		}
	}
	name := fmt.Sprintf("predmet-projections-bench-v%d-%d.db", benchLogVersion, want)
	if os.Getenv(benchPlainEnv) != "1" {
		name = fmt.Sprintf("predmet-projections-bench-v%d-sealed-%d.db", benchLogVersion, want)
	}
	path := filepath.Join(os.TempDir(), name)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		start := time.Now()
		n := writeBenchLog(b, path+".partial", want)
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Rename(path+".partial"+suffix, path+suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
				b.Fatal(err)
			}
		}
		b.Logf("wrote %d events to %s in %s", n, path, time.Since(start).Round(time.Millisecond))
	} else if err != nil {
		b.Fatal(err)
	}
	store, err := sqlite.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	last := LastPosition(b, store)
	return store, int(last.Commit)
}

// writeBenchLog writes case histories to a new event store at path until it holds at least n events,
// each case's history in one append, from several goroutines, and the register's events in appends
// of many. It returns the number of events written.
func writeBenchLog(b *testing.B, path string, n int) int {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	store, err := sqlite.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := store.Close(); err != nil {
			b.Fatal(err)
		}
	}()
	ctx := context.Background()
	meta := domain.Metadata{UserID: "bench"}
	var codec *domain.Codec
	if os.Getenv(benchPlainEnv) != "1" {
		codec = &domain.Codec{Keys: newMemoryKeys()}
	}
	var (
		wg       sync.WaitGroup
		failed   atomic.Bool
		cases    = make(chan []domain.Event, 64)
		register = make(chan domain.Event, 1024)
	)
	fail := func(err error) {
		if failed.CompareAndSwap(false, true) {
			b.Error(err)
		}
	}
	for range 16 {
		wg.Go(func() {
			for events := range cases {
				id := events[0].(*domain.CaseReceived).CaseID
				stream := domain.CaseStream(id)
				if codec != nil {
					events[0].(*domain.CaseReceived).Person = "p-" + id
				}
				data, err := domain.EncodeEvents(stream, 0, meta, events...)
				if err == nil && codec != nil {
					err = codec.Seal(ctx, id, data)
				}
				if err == nil {
					_, err = store.Append(ctx, stream, domain.NoStream(), data...)
				}
				if err != nil {
					fail(err)
				}
			}
		})
	}
	registered := make(chan struct{})
	go func() {
		defer close(registered)
		stream := domain.RegisterStream("08", 2025)
		var next uint64
		var batch []domain.Event
		flush := func() {
			data, err := domain.EncodeEvents(stream, next, meta, batch...)
			if err == nil {
				_, err = store.Append(ctx, stream, domain.ExpectRevision(next), data...)
			}
			if err != nil {
				fail(err)
			}
			next += uint64(len(batch))
			batch = batch[:0]
		}
		for e := range register {
			if batch = append(batch, e); len(batch) == 1000 {
				flush()
			}
		}
		if len(batch) > 0 {
			flush()
		}
	}()

	total := 0
	rng := rand.New(rand.NewPCG(2026, 4))
	for i := 0; total < n && !failed.Load(); i++ {
		events := caseHistory(i, rng)
		cases <- events
		total += len(events)
		for _, e := range events {
			if r, ok := e.(*domain.CaseRegistered); ok {
				register <- &domain.ArchiveNumberAssigned{CaseID: caseID(i), ArchiveNumber: r.ArchiveNumber}
				total++
			}
		}
	}
	close(cases)
	wg.Wait()
	close(register)
	<-registered
	if failed.Load() {
		b.FailNow()
	}
	return total
}

// The sectors and officers of the benchmarks' cases.
var (
	benchSectors = []string{"urbanism", "communal_affairs", "finance", "education", "social_care", "environment",
		"culture", "sport", "local_economy", "legal_affairs", "inspection", "public_procurement"}
	benchKinds = []struct {
		kind   domain.CaseKind
		weight int
		clock  domain.Clock
	}{
		{domain.KindPetition, 40, domain.Clock{Length: 60, Unit: domain.CalendarDays}},
		{domain.KindProposal, 5, domain.Clock{Length: 60, Unit: domain.CalendarDays}},
		{domain.KindPublicInformation, 20, domain.Clock{Length: 20, Unit: domain.CalendarDays}},
		{domain.KindCitizenQuestion, 15, domain.Clock{Length: 15, Unit: domain.WorkingDays}},
		{domain.KindMediaQuery, 15, domain.Clock{Length: 48, Unit: domain.Hours}},
		{domain.KindWebsitePublication, 5, domain.Clock{Length: 5, Unit: domain.WorkingDays}},
	}
)

func caseID(n int) string { return fmt.Sprintf("b%07d", n) }

// caseHistory returns the events of the stream of case n, from its receipt to where it stands, drawn
// from rng in a mix like a municipality's: most cases answered and closed, some with requests for input
// to sectors (reminded, escalated, reassigned), clarifications, deadlines passed, forwarded or
// withdrawn cases, and a few still open. About 10 events a case.
func caseHistory(n int, rng *rand.Rand) []domain.Event {
	at := time.Date(2025, 1, 2, 8, 0, 0, 0, skopje).Add(time.Duration(n) * 5 * time.Minute)
	step := func(d time.Duration) time.Time {
		at = at.Add(d/2 + time.Duration(rng.Int64N(int64(d))))
		return at
	}
	w := rng.IntN(100)
	k := benchKinds[0]
	for _, c := range benchKinds {
		if w -= c.weight; w < 0 {
			k = c
			break
		}
	}
	id := caseID(n)
	received := at
	events := []domain.Event{&domain.CaseReceived{
		CaseID: id, Kind: k.kind, Channel: domain.Channels[rng.IntN(len(domain.Channels))],
		Language: domain.Languages[rng.IntN(len(domain.Languages))], ReceivedAt: received,
		Subject: "Subject", Text: "Text", Submitter: domain.Submitter{Name: "Submitter"},
	}}
	// The register's numbers follow the cases' order only roughly; they are unique.
	number := domain.ArchiveNumber{Unit: "08", Year: 2025, Number: n + 1, Sub: 1, Date: domain.DateOf(step(time.Hour), skopje)}
	due := received.AddDate(0, 0, k.clock.Length)
	if k.clock.Unit == domain.Hours {
		due = received.Add(time.Duration(k.clock.Length) * time.Hour)
	}
	events = append(events, &domain.CaseRegistered{ArchiveNumber: number, RegisteredAt: at, Deadline: domain.Deadline{
		Start: received, Clock: k.clock, DueAt: due, DueDate: domain.DateOf(due, skopje), DaysCounted: k.clock.Length,
	}})
	open := rng.IntN(100) < 6 // stops somewhere before its answer
	stopAt := 3 + rng.IntN(6)
	done := func() bool { return open && len(events) >= stopAt }

	sector := benchSectors[rng.IntN(len(benchSectors))]
	officer := fmt.Sprintf("officer%02d", rng.IntN(30))
	events = append(events, &domain.CaseAssigned{Officer: officer, Sector: sector, At: step(4 * time.Hour)})
	switch r := rng.IntN(100); {
	case r < 3:
		events = append(events, &domain.CaseForwarded{To: "Ministry", Document: next(&number, at), At: step(24 * time.Hour)})
		return events
	case r < 5:
		events = append(events, &domain.CaseWithdrawn{Reason: "withdrawn", At: step(48 * time.Hour)})
		return events
	}
	if k.kind == domain.KindPublicInformation && rng.IntN(5) == 0 && !done() {
		events = append(events,
			&domain.ClarificationRequested{Document: next(&number, at), RespondBy: at.AddDate(0, 0, 3), At: step(time.Hour)},
			&domain.ClarificationReceived{At: step(48 * time.Hour)})
	}
	for r := range rng.IntN(3) {
		if done() {
			return events
		}
		rid := fmt.Sprintf("r%d", r+1)
		reqSector := benchSectors[rng.IntN(len(benchSectors))]
		reqDue := step(time.Hour).AddDate(0, 0, 5)
		events = append(events, &domain.RequestOpened{Request: domain.Request{
			ID: rid, Kind: domain.RequestInput, Sector: reqSector, Required: true, RequestedAt: at,
			DueAt: reqDue, DueDate: domain.DateOf(reqDue, skopje), Status: domain.RequestIsOpen,
		}})
		for rem := range rng.IntN(3) {
			events = append(events, &domain.RequestReminded{RequestID: rid, Reminder: rem + 1, Sector: reqSector,
				Level: domain.LevelHead, NotificationID: domain.DeterministicID(id, rid, strconv.Itoa(rem)), At: step(24 * time.Hour)})
		}
		if rng.IntN(5) == 0 {
			events = append(events, &domain.RequestEscalated{RequestID: rid, Step: 1, Sector: reqSector,
				Level: domain.LevelSecretary, NotificationID: domain.DeterministicID(id, rid, "e1"), At: step(24 * time.Hour)})
		}
		if rng.IntN(10) == 0 {
			reqSector = benchSectors[rng.IntN(len(benchSectors))]
			reqDue = step(time.Hour).AddDate(0, 0, 5)
			events = append(events, &domain.RequestReassigned{RequestID: rid, Sector: reqSector, DueAt: reqDue,
				DueDate: domain.DateOf(reqDue, skopje), At: at})
		}
		if done() {
			return events
		}
		events = append(events, &domain.RequestAnswered{RequestID: rid, By: "head-" + reqSector, At: step(72 * time.Hour)})
	}
	if done() {
		return events
	}
	events = append(events, &domain.AnswerDrafted{By: officer, At: step(24 * time.Hour)})
	if k.kind == domain.KindPetition && rng.IntN(2) == 0 {
		events = append(events, &domain.AnswerApproved{By: "head", At: step(24 * time.Hour)})
	}
	late := rng.IntN(100) < 12
	if late {
		events = append(events, &domain.CaseDeadlinePassed{DueAt: due})
	}
	if done() {
		return events
	}
	outcome := domain.StatusAnswered
	if k.kind == domain.KindPublicInformation {
		outcome = []domain.Status{domain.StatusAnswered, domain.StatusAnswered, domain.StatusAnsweredInPart, domain.StatusRefused}[rng.IntN(4)]
	} else if k.kind == domain.KindWebsitePublication {
		outcome = domain.StatusPublished
	}
	var doc *domain.ArchiveNumber
	if outcome != domain.StatusPublished {
		d := next(&number, at)
		doc = &d
	}
	answered := step(24 * time.Hour)
	events = append(events, &domain.CaseAnswered{Outcome: outcome, Document: doc, At: answered, OnTime: !late})
	return append(events, &domain.CaseClosed{At: step(24 * time.Hour)})
}

// next returns the case's next outgoing document number.
func next(number *domain.ArchiveNumber, at time.Time) domain.ArchiveNumber {
	number.Sub++
	d := *number
	d.Date = domain.DateOf(at, skopje)
	return d
}
