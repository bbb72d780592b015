package projections

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
)

// The benchmarks of the Casework projection: what applying events costs (BenchmarkCaseworkApply), and
// how fast the queries answer over a read model of a million cases (BenchmarkReadModels).
//
//	go test -run '^$' -bench Casework -benchtime 1x ./projections/
//	go test -run '^$' -bench ReadModels -benchtime 200x ./projections/
//
// PREDMET_BENCH_CASES sets the number of cases of BenchmarkReadModels (1,000,000 by default) and
// PREDMET_BENCH_APPLY_EVENTS the number of events of BenchmarkCaseworkApply (500,000 by default). The
// filled database of BenchmarkReadModels is kept in the temporary directory, keyed by the schema and
// the number of cases, so that later runs reuse it.

// benchNow is the time the synthetic cases are spread around and the queries are asked at.
var benchNow = time.Date(2026, 5, 13, 12, 0, 0, 0, skopjeLocation())

// benchSectors and benchOfficers are the synthetic organisation: 12 sectors and 30 officers.
var (
	benchSectors  = []string{"urbanism", "communal", "finance", "legal", "culture", "education", "social", "environment", "economy", "sport", "health", "it"}
	benchOfficers = func() []string {
		out := make([]string, 30)
		for i := range out {
			out[i] = fmt.Sprintf("officer-%02d", i+1)
		}
		return out
	}()
	benchKinds = []domain.CaseKind{
		domain.KindPetition, domain.KindPetition, domain.KindPetition, domain.KindPetition, domain.KindProposal,
		domain.KindPublicInformation, domain.KindPublicInformation, domain.KindCitizenQuestion, domain.KindCitizenQuestion,
		domain.KindMediaQuery,
	}
)

// benchEvent is a synthetic event of a case, with when it was recorded.
type benchEvent struct {
	at time.Time
	ev domain.Event
}

// synthCase returns the history of the n-th synthetic case: about 95% answered and closed, the rest
// open with due dates spread around benchNow, a few of those suspended; with requests for input to the
// sectors, reminded and escalated. The text of the submission is long, as real ones are.
func synthCase(n int, rng *rand.Rand) (string, []benchEvent) {
	id := fmt.Sprintf("%08x-0000-4000-8000-%012x", n, n)
	kind := benchKinds[rng.IntN(len(benchKinds))]
	sector := benchSectors[rng.IntN(len(benchSectors))]
	officer := benchOfficers[rng.IntN(len(benchOfficers))]
	open := rng.IntN(100) < 5
	var received time.Time
	if open {
		received = benchNow.Add(-time.Duration(rng.IntN(80*24)) * time.Hour)
	} else {
		received = benchNow.Add(-time.Duration(100*24+rng.IntN(3*365*24)) * time.Hour)
	}
	days := 20 + rng.IntN(50)
	if kind == domain.KindMediaQuery {
		days = 2
	}
	due := received.AddDate(0, 0, days)
	dueDate := domain.DateOf(due, benchNow.Location())
	dueAt := dueDate.EndOfDayIn(benchNow.Location())
	number := domain.ArchiveNumber{Unit: "08", Year: received.Year(), Number: n + 1, Sub: 1, Date: domain.DateOf(received, benchNow.Location())}
	at := func(h int) time.Time { return received.Add(time.Duration(h) * time.Hour) }

	events := []benchEvent{
		{received, &domain.CaseReceived{CaseID: id, Kind: kind, Channel: domain.Channels[n%len(domain.Channels)],
			Language: domain.Languages[n%len(domain.Languages)], ReceivedAt: received, Subject: "Улично осветлување",
			Text: strings.Repeat("Барам информација за уличното осветлување. ", 14), Submitter: domain.Submitter{Name: "Ана Петровска", Email: "ana@example.mk", Phone: "+38970123456"}}},
		{at(1), &domain.CaseRegistered{ArchiveNumber: number, RegisteredAt: at(1), Deadline: domain.Deadline{
			Start: received, Clock: domain.Clock{Length: days, Unit: domain.CalendarDays}, DueAt: dueAt, DueDate: dueDate, DaysCounted: days}}},
		{at(20), &domain.CaseAssigned{Officer: officer, Sector: sector, At: at(20)}},
	}
	requests := rng.IntN(3)
	for r := 1; r <= requests; r++ {
		rid := domain.RequestID(r)
		rsector := benchSectors[rng.IntN(len(benchSectors))]
		var rdue time.Time
		if open {
			rdue = benchNow.Add(time.Duration(rng.IntN(40*24)-20*24) * time.Hour)
		} else {
			rdue = at(24 * (2 + r*3))
		}
		rdate := domain.DateOf(rdue, benchNow.Location())
		events = append(events,
			benchEvent{at(21 + r), &domain.RequestOpened{Request: domain.Request{ID: rid, Kind: domain.RequestInput, Sector: rsector,
				Required: true, RequestedAt: at(21 + r), DueAt: rdate.EndOfDayIn(benchNow.Location()), DueDate: rdate, Status: domain.RequestIsOpen}}},
			benchEvent{at(22 + r), &domain.RequestReminded{RequestID: rid, Reminder: 1, Sector: rsector, Level: domain.LevelHead,
				NotificationID: domain.NotificationID(id, rid, 0, domain.NotifyReminder, 1), At: at(22 + r)}},
		)
		if rng.IntN(3) == 0 {
			events = append(events, benchEvent{at(23 + r), &domain.RequestEscalated{RequestID: rid, Step: 1, Sector: rsector,
				Level: domain.LevelDeputy, NotificationID: domain.NotificationID(id, rid, 0, domain.NotifyEscalation, 1), At: at(23 + r)}})
		}
		if !open {
			events = append(events, benchEvent{at(30 + r), &domain.RequestAnswered{RequestID: rid, By: "head-" + rsector, At: at(30 + r)}})
		}
	}
	if open {
		if rng.IntN(20) == 0 {
			events = append(events, benchEvent{at(40), &domain.DeadlineChanged{
				Change: domain.ClockChange{Kind: domain.ClockSuspended, Source: domain.SourceCase, At: at(40)},
				Deadline: domain.Deadline{Start: received, Clock: domain.Clock{Length: days, Unit: domain.CalendarDays},
					DueAt: dueAt, DueDate: dueDate, Suspended: true, Changes: []domain.ClockChange{{Kind: domain.ClockSuspended, Source: domain.SourceCase, At: at(40)}}},
			}})
		}
		return id, events
	}
	answered := at(24 * (5 + rng.IntN(days)))
	document := number
	document.Sub = 2
	events = append(events,
		benchEvent{answered.Add(-2 * time.Hour), &domain.AnswerDrafted{By: officer, At: answered.Add(-2 * time.Hour)}},
		benchEvent{answered.Add(-time.Hour), &domain.AnswerApproved{By: "head", At: answered.Add(-time.Hour)}},
		benchEvent{answered, &domain.CaseAnswered{Outcome: domain.StatusAnswered, Document: &document, At: answered, OnTime: !answered.After(dueAt)}},
		benchEvent{answered.Add(24 * time.Hour), &domain.CaseClosed{At: answered.Add(24 * time.Hour)}},
	)
	return id, events
}

// synthLog returns the recorded events of n synthetic cases as a log would hold them: the cases
// interleaved, a window of them active at a time (PREDMET_BENCH_WINDOW, 1,000 by default; 1 appends
// each case's history whole), each event encoded in JSON.
func synthLog(tb testing.TB, cases int) ([]domain.RecordedEvent, map[string][]domain.RecordedEvent) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	streams := make(map[string][]domain.RecordedEvent, cases)
	var log []domain.RecordedEvent
	window := envInt(tb, "PREDMET_BENCH_WINDOW", 1000)
	pending := make([][]domain.RecordedEvent, 0, window)
	pos := uint64(0)
	meta := domain.Metadata{UserID: "bench"}
	for n := 0; n < cases || len(pending) > 0; {
		for len(pending) < window && n < cases {
			id, events := synthCase(n, rng)
			stream := domain.CaseStream(id)
			evs := make([]domain.Event, len(events))
			for i, e := range events {
				evs[i] = e.ev
			}
			data, err := domain.EncodeEvents(stream, 0, meta, evs...)
			if err != nil {
				tb.Fatal(err)
			}
			recs := make([]domain.RecordedEvent, len(data))
			for i, d := range data {
				recs[i] = domain.RecordedEvent{Stream: stream, ID: d.ID, Type: d.Type, ContentType: d.ContentType,
					Revision: uint64(i), Data: d.Data, Metadata: d.Metadata, Created: events[i].at.UTC()}
			}
			streams[stream] = recs
			pending = append(pending, recs)
			n++
		}
		// Take the next event of a random active case.
		i := rng.IntN(len(pending))
		e := pending[i][0]
		pos++
		e.Position = domain.Position{Commit: pos, Prepare: pos}
		log = append(log, e)
		if pending[i] = pending[i][1:]; len(pending[i]) == 0 {
			pending[i] = pending[len(pending)-1]
			pending = pending[:len(pending)-1]
		}
	}
	return log, streams
}

// memStreams is an event store that only reads streams, from memory: what a re-fold needs.
type memStreams struct {
	domain.EventStore
	streams map[string][]domain.RecordedEvent
}

func (m memStreams) ReadStream(_ context.Context, stream string, opts domain.ReadStreamOptions) ([]domain.RecordedEvent, error) {
	events, ok := m.streams[stream]
	if !ok {
		return nil, domain.Errorf(domain.ENOTFOUND, "no stream %s", stream)
	}
	events = events[min(opts.From, uint64(len(events))):]
	if opts.Max > 0 && uint64(len(events)) > opts.Max {
		events = events[:opts.Max]
	}
	return events, nil
}

// openBenchDB opens (creating) a database file for writing with the pragmas of a scratch build.
func openBenchDB(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	q := url.Values{"_pragma": {"journal_mode(WAL)", "synchronous(OFF)", "cache_size(-65536)", "busy_timeout(5000)"}, "_txlock": {"immediate"}}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		tb.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	tb.Cleanup(func() { db.Close() })
	return db
}

// createTables creates the tables of p in db.
func createTables(tb testing.TB, db *sql.DB, p Projection) {
	tb.Helper()
	for _, s := range p.Schema() {
		if _, err := db.Exec(s); err != nil {
			tb.Fatal(err)
		}
	}
}

// envInt reads a positive number from the environment, or def.
func envInt(tb testing.TB, name string, def int) int {
	tb.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		tb.Fatalf("%s=%q is not a positive number", name, s)
	}
	return n
}

// BenchmarkCaseworkApply measures what the projection costs per event: decoding, the fold and the
// writes of its Flush, in batches of 5,000 events in one transaction each, over a file database with the
// pragmas of a scratch build. It reports ns/event, events/s, and cpu-ns/event (the process's CPU time,
// which the load of a shared machine inflates less than the time elapsed). Indexed creates every index
// first, as Schema does; IndexesAfter creates the tables alone and the indexes once they are filled, as
// a scratch build could (the time to create them is counted).
func BenchmarkCaseworkApply(b *testing.B) {
	n := envInt(b, "PREDMET_BENCH_APPLY_EVENTS", 500_000)
	log, streams := synthLog(b, n/8)
	b.Logf("%d events of %d cases", len(log), len(streams))
	for _, bm := range []struct {
		name  string
		after bool
	}{{"Indexed", false}, {"IndexesAfter", true}} {
		b.Run(bm.name, func(b *testing.B) { benchApply(b, log, streams, bm.after) })
	}
}

func benchApply(b *testing.B, log []domain.RecordedEvent, streams map[string][]domain.RecordedEvent, indexesAfter bool) {
	ctx := context.Background()
	const batch = 5000
	var elapsed, cpu time.Duration
	for range b.N {
		b.StopTimer()
		db := openBenchDB(b, filepath.Join(b.TempDir(), "casework.db"))
		w := NewCasework(memStreams{streams: streams}, CaseworkOptions{})
		schema := w.Schema()
		if indexesAfter {
			schema = w.SchemaTables()
		}
		for _, s := range schema {
			if _, err := db.Exec(s); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		start, cpuStart := time.Now(), cpuTime(b)
		for i := 0; i < len(log); i += batch {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			ptx := NewTx(tx)
			for _, e := range log[i:min(i+batch, len(log))] {
				if err := w.Apply(ctx, ptx, e); err != nil {
					b.Fatal(err)
				}
			}
			if err := w.Flush(ctx, ptx); err != nil {
				b.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
		if indexesAfter {
			for _, s := range w.SchemaIndexes() {
				if _, err := db.Exec(s); err != nil {
					b.Fatal(err)
				}
			}
		}
		elapsed += time.Since(start)
		cpu += cpuTime(b) - cpuStart
	}
	perEvent := float64(elapsed.Nanoseconds()) / float64(b.N*len(log))
	b.ReportMetric(perEvent, "ns/event")
	b.ReportMetric(1e9/perEvent, "events/s")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*len(log)), "cpu-ns/event")
}

// cpuTime returns the CPU time the process has used, which a shared machine's load does not inflate as
// it does the time elapsed.
func cpuTime(tb testing.TB) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// BenchmarkCaseworkDecode measures decoding and folding alone, without SQLite.
func BenchmarkCaseworkDecode(b *testing.B) {
	log, _ := synthLog(b, 10_000)
	entries := map[string]*caseEntry{}
	b.ResetTimer()
	for i := range b.N {
		e := log[i%len(log)]
		ev, err := decodeCaseEvent(e)
		if err != nil {
			b.Fatal(err)
		}
		en := entries[e.Stream]
		if en == nil || e.Revision == 0 {
			en = &caseEntry{id: e.Stream}
			entries[e.Stream] = en
		}
		en.fold(e, ev, true)
		en.requests, en.notices = en.requests[:0], en.notices[:0]
	}
}

// fillReadModel fills a read model with n synthetic cases, folding their events (without JSON) and
// writing the rows as Flush does, in one transaction.
func fillReadModel(tb testing.TB, db *sql.DB, w *Casework, n int) {
	tb.Helper()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	ptx := NewTx(tx)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range n {
		id, events := synthCase(i, rng)
		en := &caseEntry{id: id}
		for rev, e := range events {
			en.fold(domain.RecordedEvent{ID: domain.EventID(domain.CaseStream(id), uint64(rev)), Revision: uint64(rev), Created: e.at.UTC()}, e.ev, true)
		}
		if err := w.applier.rows.write(ctx, ptx, en); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		tb.Fatal(err)
	}
}

// benchReadModel returns a Casework attached to a read model of n synthetic cases, built once and kept
// in the temporary directory under a name that changes with the schema.
func benchReadModel(b *testing.B, n int) *Casework {
	b.Helper()
	w := NewCasework(nil, CaseworkOptions{})
	h := sha256.New()
	for _, s := range w.Schema() {
		h.Write([]byte(s))
	}
	fmt.Fprintf(h, "synth v1 %d", n)
	path := filepath.Join(os.TempDir(), "predmet-casework-bench-"+hex.EncodeToString(h.Sum(nil)[:8])+".db")
	if _, err := os.Stat(path); err != nil {
		b.Logf("building %s with %d cases", path, n)
		start := time.Now()
		tmp := path + ".building"
		os.Remove(tmp)
		db := openBenchDB(b, tmp)
		createTables(b, db, w)
		fillReadModel(b, db, w, n)
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
		b.Logf("built in %s", time.Since(start).Round(time.Second))
	}
	q := url.Values{"_pragma": {"query_only(1)", "busy_timeout(5000)"}}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	w.Attach(db)
	return w
}

// BenchmarkReadModels measures the latency of the supervisors' queries over a read model of a million
// cases (PREDMET_BENCH_CASES), reporting the median and the 99th percentile of each.
func BenchmarkReadModels(b *testing.B) {
	w := benchReadModel(b, envInt(b, "PREDMET_BENCH_CASES", 1_000_000))
	ctx := context.Background()
	yes := true
	for _, bm := range []struct {
		name  string
		query func() (int, error)
	}{
		{"DueBoard", func() (int, error) {
			board, err := w.DueBoard(ctx, domain.DueBoardQuery{Now: benchNow})
			return board.Totals.Open, err
		}},
		{"DueBoardBySector", func() (int, error) {
			board, err := w.DueBoard(ctx, domain.DueBoardQuery{Now: benchNow, Sectors: benchSectors[:1], Sort: domain.Sort{Field: "overdue"}})
			return board.Totals.Open, err
		}},
		{"CasesDefault", func() (int, error) {
			p, err := w.Cases(ctx, domain.CaseQuery{Now: benchNow})
			return len(p.Items), err
		}},
		{"CasesBySector", func() (int, error) {
			p, err := w.Cases(ctx, domain.CaseQuery{Now: benchNow, Sectors: benchSectors[3:4]})
			return len(p.Items), err
		}},
		{"CasesOverdue", func() (int, error) {
			p, err := w.Cases(ctx, domain.CaseQuery{Now: benchNow, Buckets: []domain.DueBucket{domain.DueOverdue, domain.DueVeryOverdue}})
			return len(p.Items), err
		}},
		{"CasesOverdueByDue", func() (int, error) {
			p, err := w.Cases(ctx, domain.CaseQuery{Now: benchNow, Buckets: []domain.DueBucket{domain.DueOverdue}, Sort: domain.Sort{Field: "dueAt"}})
			return len(p.Items), err
		}},
		{"CasesByOfficerByDue", func() (int, error) {
			p, err := w.Cases(ctx, domain.CaseQuery{Now: benchNow, Officers: benchOfficers[7:8], Open: &yes, Sort: domain.Sort{Field: "dueAt"}})
			return len(p.Items), err
		}},
		{"CasesByOfficerAll", func() (int, error) {
			p, err := w.Cases(ctx, domain.CaseQuery{Now: benchNow, Officers: benchOfficers[7:8]})
			return len(p.Items), err
		}},
		{"CasesKindStatus", func() (int, error) {
			p, err := w.Cases(ctx, domain.CaseQuery{Now: benchNow, Kinds: []domain.CaseKind{domain.KindPublicInformation}, Statuses: []domain.Status{domain.StatusClosed}})
			return len(p.Items), err
		}},
		{"CasesPage50", func() (int, error) {
			p, err := w.Cases(ctx, domain.CaseQuery{Now: benchNow, Sectors: benchSectors[3:4], Offset: 5000, Limit: 100})
			return len(p.Items), err
		}},
		{"RequestsInbox", func() (int, error) {
			p, err := w.Requests(ctx, domain.RequestQuery{Now: benchNow, Sectors: benchSectors[5:6]})
			return len(p.Items), err
		}},
		{"RequestsOverdue", func() (int, error) {
			p, err := w.Requests(ctx, domain.RequestQuery{Now: benchNow, Buckets: []domain.DueBucket{domain.DueOverdue, domain.DueVeryOverdue}})
			return len(p.Items), err
		}},
		{"Notices", func() (int, error) {
			p, err := w.Notices(ctx, domain.NoticeQuery{Sectors: benchSectors[2:3]})
			return len(p.Items), err
		}},
	} {
		b.Run(bm.name, func(b *testing.B) {
			latencies := make([]time.Duration, 0, b.N)
			rows := 0
			for range b.N {
				start := time.Now()
				n, err := bm.query()
				latencies = append(latencies, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				rows = n
			}
			slices.Sort(latencies)
			ms := func(p float64) float64 {
				return float64(latencies[min(len(latencies)-1, int(float64(len(latencies))*p))].Microseconds()) / 1000
			}
			b.ReportMetric(ms(0.5), "p50-ms")
			b.ReportMetric(ms(0.99), "p99-ms")
			b.ReportMetric(float64(rows), "rows")
		})
	}
}

// BenchmarkStatistics measures the statistics and the Agency's report over the same read model: reports,
// not dashboards, so without a latency target.
func BenchmarkStatistics(b *testing.B) {
	w := benchReadModel(b, envInt(b, "PREDMET_BENCH_CASES", 1_000_000))
	ctx := context.Background()
	b.Run("YearByKindMonth", func(b *testing.B) {
		for range b.N {
			if _, err := w.Statistics(ctx, domain.StatsQuery{From: time.Date(2025, 1, 1, 0, 0, 0, 0, benchNow.Location()),
				To: time.Date(2026, 1, 1, 0, 0, 0, 0, benchNow.Location()), GroupBy: []string{"kind", "month"}}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("FOIReport", func(b *testing.B) {
		for range b.N {
			if _, err := w.FOIReport(ctx, 2025); err != nil {
				b.Fatal(err)
			}
		}
	})
}
