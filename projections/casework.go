package projections

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/predmet/predmet/domain"
)

// CaseworkName is the name of the Casework projection.
const CaseworkName = "casework"

// Defaults of CaseworkOptions.
const (
	// DefaultVeryOverdueDays is how many calendar days after its due date an open case (or request)
	// becomes very overdue, when the options set no threshold.
	DefaultVeryOverdueDays = 10
	// DefaultCaseworkCacheSize is how many case states Casework keeps in memory, when the options set no
	// size.
	DefaultCaseworkCacheSize = 100_000
)

// CaseworkOptions are the settings of a Casework projection.
type CaseworkOptions struct {
	// Location is the municipality's time zone, in which dates, months and the due-date tracker's days
	// are counted (Europe/Skopje if nil).
	Location *time.Location
	// VeryOverdueDays is the threshold of very overdue: an open case whose due date passed at least that
	// many calendar days ago (DefaultVeryOverdueDays, 10, if 0 or less).
	VeryOverdueDays int
	// CacheSize is the most case states kept in memory between events (DefaultCaseworkCacheSize if 0 or
	// less). A case whose state was evicted is folded again from its stream in the event store.
	CacheSize int
}

// Casework is the read side of the cases: one row per case (its kind, status, sector, officer, dates,
// deadline, outcome and what the statistics and the Agency's yearly report need), one row per request
// for input, and one row per reminder, escalation and overdue notice. It holds no personal data: no
// names, subjects or free text.
//
// It folds each case's events with domain.Case.Apply, the same fold as the case workflow's. The states
// of recently changed cases are kept in memory (a bounded LRU cache) and their rows are written once
// per batch, in Flush. On a cache miss the case is folded again from its own stream in the event store,
// so no state is stored in the tables: every column is a function of the events (and of the options),
// never of the time they were applied.
//
// Its read methods implement domain.ReadModels and are safe for concurrent use with Apply.
//
// Casework only puts together the parts that do the work, each in a file of its own: the applier
// (applier.go) folds the events and marks what changed, the cache (cache.go) holds the recent cases'
// states, the row writer (rows.go) writes what changed and keeps the due-date tallies (tallies.go), and
// the queries (queries.go, tracker.go, stats.go) answer domain.ReadModels.
type Casework struct {
	store   domain.EventStore
	opts    CaseworkOptions
	applier *caseApplier
	queries caseQueries
}

var (
	_ Projection        = (*Casework)(nil)
	_ Batcher           = (*Casework)(nil)
	_ Decoder           = (*Casework)(nil)
	_ domain.ReadModels = (*Casework)(nil)
)

// NewCasework returns the casework projection, to be passed to OpenRunner. It re-folds cases from store
// when their state is not in memory.
func NewCasework(store domain.EventStore, opts CaseworkOptions) *Casework {
	if opts.Location == nil {
		opts.Location = skopjeLocation()
	}
	if opts.VeryOverdueDays <= 0 {
		opts.VeryOverdueDays = DefaultVeryOverdueDays
	}
	if opts.CacheSize <= 0 {
		opts.CacheSize = DefaultCaseworkCacheSize
	}
	return &Casework{
		store:   store,
		opts:    opts,
		applier: newCaseApplier(store, opts.CacheSize, opts.Location),
		queries: caseQueries{loc: opts.Location, veryOverdueDays: opts.VeryOverdueDays},
	}
}

// skopjeLocation returns Europe/Skopje. The binary embeds the time zone database (time/tzdata), so
// that it cannot be missing.
func skopjeLocation() *time.Location {
	loc, err := time.LoadLocation("Europe/Skopje")
	if err != nil {
		panic("projections: " + err.Error())
	}
	return loc
}

// Options returns the projection's settings, with the defaults filled in.
func (w *Casework) Options() CaseworkOptions { return w.opts }

// Name implements Projection.
func (w *Casework) Name() string { return CaseworkName }

// Tables implements Projection.
func (w *Casework) Tables() []string {
	return []string{"cases", "case_requests", "case_notices", "case_due_sectors", "case_due_officers"}
}

// New implements Projection: a fresh projection with the same store and options.
func (w *Casework) New() Projection { return NewCasework(w.store, w.opts) }

// Filter implements Projection: the case streams.
func (w *Casework) Filter() domain.SubscriptionFilter {
	return domain.SubscriptionFilter{StreamPrefixes: []string{domain.CaseStreamPrefix}}
}

// Attach implements Projection.
func (w *Casework) Attach(db *sql.DB) { w.queries.db = db }

// Schema implements Projection: SchemaTables, then SchemaIndexes. Instants are INTEGER nanoseconds since
// 1970 (UTC), dates INTEGER yyyymmdd and months INTEGER yyyymm, both in the projection's location; NULL
// is "not reached".
func (w *Casework) Schema() []string { return append(w.SchemaTables(), w.SchemaIndexes()...) }

// SchemaTables returns the statements that create the tables (with their primary keys, which Apply
// needs): what a scratch build must create first.
func (w *Casework) SchemaTables() []string {
	return []string{
		`CREATE TABLE IF NOT EXISTS cases (
			case_id          TEXT NOT NULL PRIMARY KEY,
			kind             TEXT NOT NULL,
			status           TEXT NOT NULL,
			sector           TEXT NOT NULL,
			officer          TEXT NOT NULL,
			channel          TEXT NOT NULL,
			language         TEXT NOT NULL,
			archive_number   TEXT,
			archive_key      TEXT,
			received_at      INTEGER,
			received_month   INTEGER,
			registered_at    INTEGER,
			due_at           INTEGER,
			due_date         INTEGER,
			open             INTEGER NOT NULL,
			suspended        INTEGER NOT NULL,
			outcome          TEXT,
			answered_at      INTEGER,
			answered_month   INTEGER,
			answer_days      REAL,
			on_time          INTEGER,
			closed_at        INTEGER,
			closed_month     INTEGER,
			extended_at      INTEGER,
			clarification_at INTEGER,
			clarification_expired_at INTEGER,
			deadlines_passed INTEGER NOT NULL,
			open_requests    INTEGER NOT NULL,
			version          INTEGER NOT NULL,
			updated_at       INTEGER NOT NULL,
			person           TEXT NOT NULL,
			erased           INTEGER NOT NULL
		)`,
		// The tallies of the open cases with a deadline by due date, per sector and per officer: what
		// the whole due-date tracker adds up without reading every open case.
		`CREATE TABLE IF NOT EXISTS case_due_sectors (
			sector    TEXT NOT NULL,
			suspended INTEGER NOT NULL,
			due_date  INTEGER NOT NULL,
			cases     INTEGER NOT NULL,
			PRIMARY KEY (sector, suspended, due_date)
		) WITHOUT ROWID`,
		`CREATE TABLE IF NOT EXISTS case_due_officers (
			officer   TEXT NOT NULL,
			suspended INTEGER NOT NULL,
			due_date  INTEGER NOT NULL,
			cases     INTEGER NOT NULL,
			PRIMARY KEY (officer, suspended, due_date)
		) WITHOUT ROWID`,
		`CREATE TABLE IF NOT EXISTS case_requests (
			case_id        TEXT NOT NULL,
			request_id     TEXT NOT NULL,
			case_kind      TEXT NOT NULL,
			archive_number TEXT,
			kind           TEXT NOT NULL,
			sector         TEXT NOT NULL,
			title          TEXT NOT NULL,
			required       INTEGER NOT NULL,
			status         TEXT NOT NULL,
			requested_at   INTEGER,
			due_at         INTEGER,
			due_date       INTEGER,
			generation     INTEGER NOT NULL,
			reminders      INTEGER NOT NULL,
			escalation     INTEGER NOT NULL,
			level          TEXT NOT NULL,
			answered_at    INTEGER,
			PRIMARY KEY (case_id, request_id)
		) WITHOUT ROWID`,
		`CREATE TABLE IF NOT EXISTS case_notices (
			case_id        TEXT NOT NULL,
			revision       INTEGER NOT NULL,
			id             TEXT NOT NULL,
			at             INTEGER NOT NULL,
			kind           TEXT NOT NULL,
			case_kind      TEXT NOT NULL,
			archive_number TEXT,
			request_id     TEXT NOT NULL,
			sector         TEXT NOT NULL,
			officer        TEXT NOT NULL,
			step           INTEGER NOT NULL,
			level          TEXT NOT NULL,
			PRIMARY KEY (case_id, revision)
		) WITHOUT ROWID`,
	}
}

// SchemaIndexes returns the statements that create the secondary indexes, which only the read methods
// use. Maintaining them costs about two thirds of the time of applying events, so a scratch build is
// about three times faster when it creates them once its tables are filled.
//
// Every index costs time on every write, so there are few: the orders the lists sort by and the filters
// the due-date tracker and the sector inboxes use. Those over open cases (or requests) only are partial,
// and the queries repeat their condition literally so that SQLite can use them. Filters without an index
// of their own (kind, channel, language) are answered by walking the list's order, which finds a page
// quickly for any value that is not rare; the statistics scan the table.
func (w *Casework) SchemaIndexes() []string {
	return []string{
		// The lists' orders, and the filters by status, sector and officer.
		`CREATE INDEX IF NOT EXISTS cases_received ON cases (received_at)`,
		`CREATE INDEX IF NOT EXISTS cases_due ON cases (due_at)`,
		`CREATE INDEX IF NOT EXISTS cases_updated ON cases (updated_at)`,
		`CREATE INDEX IF NOT EXISTS cases_archive ON cases (archive_key)`,
		`CREATE INDEX IF NOT EXISTS cases_status ON cases (status, received_at)`,
		`CREATE INDEX IF NOT EXISTS cases_sector ON cases (sector, received_at)`,
		`CREATE INDEX IF NOT EXISTS cases_officer ON cases (officer, received_at)`,
		// The due-date tracker: open cases only, each index holding what places a case in its bucket.
		`CREATE INDEX IF NOT EXISTS cases_open_due ON cases (due_at, due_date, suspended) WHERE open = 1`,
		`CREATE INDEX IF NOT EXISTS cases_open_received ON cases (received_at, due_at, due_date, suspended) WHERE open = 1`,
		`CREATE INDEX IF NOT EXISTS cases_open_sector ON cases (sector, due_at, officer, kind, suspended, due_date) WHERE open = 1`,
		`CREATE INDEX IF NOT EXISTS cases_open_officer ON cases (officer, due_at, sector, kind, suspended, due_date) WHERE open = 1`,
		`CREATE INDEX IF NOT EXISTS cases_open_kind ON cases (kind, due_at, sector, officer, suspended, due_date) WHERE open = 1`,
		`CREATE INDEX IF NOT EXISTS case_requests_sector ON case_requests (sector, status, due_at)`,
		`CREATE INDEX IF NOT EXISTS case_requests_open_due ON case_requests (due_at) WHERE status = 'open'`,
		`CREATE INDEX IF NOT EXISTS case_notices_at ON case_notices (at)`,
		`CREATE INDEX IF NOT EXISTS case_notices_sector ON case_notices (sector, at)`,
		// A person's cases (erasure, the submitter's copy) and the closed cases whose retention may
		// have passed (the nightly retention run).
		`CREATE INDEX IF NOT EXISTS cases_person ON cases (person) WHERE person <> ''`,
		`CREATE INDEX IF NOT EXISTS cases_closed_kept ON cases (kind, closed_at) WHERE erased = 0 AND closed_at IS NOT NULL`,
	}
}

// Apply implements Projection. It folds the event into the case's state and marks what changed, to be
// written by Flush; an event whose revision is below the case's version is skipped (already applied).
// Events of types this version of predmet does not know count towards the version and change nothing
// else.
func (w *Casework) Apply(ctx context.Context, tx *Tx, e domain.RecordedEvent) error {
	ev, err := w.Decode(e)
	if err != nil {
		return err
	}
	return w.ApplyDecoded(ctx, tx, e, ev)
}

// Decode implements Decoder: the event without personal data, nil for an event of another stream or of
// a type this version does not know. It touches no state, so the runner runs it beside ApplyDecoded.
func (w *Casework) Decode(e domain.RecordedEvent) (any, error) {
	if !strings.HasPrefix(e.Stream, domain.CaseStreamPrefix) {
		return nil, nil
	}
	ev, err := decodeCaseEvent(e)
	if err != nil || ev == nil {
		return nil, err
	}
	return ev, nil
}

// ApplyDecoded implements Decoder: Apply with the event Decode returned.
func (w *Casework) ApplyDecoded(ctx context.Context, tx *Tx, e domain.RecordedEvent, decoded any) error {
	ev, _ := decoded.(domain.Event)
	return w.applier.apply(ctx, tx, e, ev)
}

// Flush implements Batcher: it writes the rows of every case changed since the last Flush.
func (w *Casework) Flush(ctx context.Context, tx *Tx) error { return w.applier.flush(ctx, tx) }

// Discard implements Batcher: it forgets every case state and every row not yet written.
func (w *Casework) Discard() { w.applier.discard() }

// Get returns the case with the given ID, placed on the due-date tracker at the current time. It returns
// ENOTFOUND for a case not (yet) in the read model.
func (w *Casework) Get(ctx context.Context, id string) (domain.CaseSummary, error) {
	return w.queries.get(ctx, id)
}

// Cases implements domain.ReadModels. Rows without a due date (or archive number) come last when sorted
// by it, in either direction.
func (w *Casework) Cases(ctx context.Context, q domain.CaseQuery) (domain.Page[domain.CaseSummary], error) {
	return w.queries.cases(ctx, q)
}

// Requests implements domain.ReadModels: by default the open requests, soonest due first.
func (w *Casework) Requests(ctx context.Context, q domain.RequestQuery) (domain.Page[domain.RequestSummary], error) {
	return w.queries.requests(ctx, q)
}

// Notices implements domain.ReadModels: by default the newest first.
func (w *Casework) Notices(ctx context.Context, q domain.NoticeQuery) (domain.Page[domain.NoticeSummary], error) {
	return w.queries.notices(ctx, q)
}

// DueBoard implements domain.ReadModels: the open cases with a deadline (programmes run none and are not
// counted), by bucket, in total, per sector and per officer. It returns EINVALID for an unknown sort.
func (w *Casework) DueBoard(ctx context.Context, q domain.DueBoardQuery) (domain.DueBoard, error) {
	return w.queries.dueBoard(ctx, q)
}

// Statistics implements domain.ReadModels. A case counts as opened in the month it was received, as
// answered (and on time or not) in the month its answer went out, and as closed in the month it ended
// in any way. Rows come ordered by kind, sector and month. The median and the 90th percentile are
// interpolated linearly between the closest ranks (the method of Excel's PERCENTILE.INC and R's
// default, type 7): the p-th percentile of n sorted values x[0..n-1] is x[h] at h = (n-1)p, between the
// neighbouring values when h is fractional. It returns EINVALID for an unknown grouping or a range
// that ends before it starts.
func (w *Casework) Statistics(ctx context.Context, q domain.StatsQuery) ([]domain.StatsRow, error) {
	return w.queries.statistics(ctx, q)
}

// FOIReport implements domain.ReadModels over the cases of kind public_information, with the year's
// bounds in the projection's location. What happened in the year (received, answered, ended, extended,
// clarification asked or expired) is counted by when it happened; CarriedOver and Unresolved are the
// requests neither answered nor ended at the year's start and end. It returns EINVALID for a year
// before FirstFOIYear or after the current one.
func (w *Casework) FOIReport(ctx context.Context, year int) (domain.FOIReport, error) {
	return w.queries.foiReport(ctx, year)
}
