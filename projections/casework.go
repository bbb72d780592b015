package projections

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	jsoniter "github.com/json-iterator/go"
	"math"
	"slices"
	"strings"
	"sync"
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
type Casework struct {
	store domain.EventStore
	opts  CaseworkOptions
	db    *sql.DB

	mu    sync.Mutex
	cache caseCache
	dirty []*caseEntry // the entries changed since the last Flush, each once

	// fresh is whether the cases table held no row when it was first read after the state in memory was
	// last discarded (known tells whether it was read since): then a case neither in the cache nor in
	// evicted has no rows, and loading it reads nothing, which makes a build from the start of the log
	// faster.
	known, fresh bool
	evicted      map[string]struct{} // while fresh, the cases written and then dropped from the cache
}

// maxEvicted is the most cases that Casework remembers as dropped from its cache after a fresh start:
// beyond that, it reads the tables to load any case not in its cache.
const maxEvicted = 1 << 20

var (
	_ Projection        = (*Casework)(nil)
	_ Batcher           = (*Casework)(nil)
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
	w := &Casework{store: store, opts: opts}
	w.cache.init(opts.CacheSize)
	return w
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
func (w *Casework) Attach(db *sql.DB) { w.db = db }

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
			updated_at       INTEGER NOT NULL
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
	}
}

// caseEntry is a case's state in memory: its fold, and what of it the tables do not hold yet.
type caseEntry struct {
	id string
	c  domain.Case // without personal data
	// outcome is the status the answer went out with (the fold keeps it only until the case closes).
	outcome domain.Status
	// updated is when the last applied event was recorded.
	updated time.Time

	dirty    bool     // the cases row must be written
	requests []int    // indexes in c.Requests of the request rows to write
	notices  []notice // rows of case_notices to insert

	// written and writtenRequests are the values of the case's rows in the tables (nil for none).
	written         []any
	writtenRequests [][]any

	prev, next *caseEntry // the LRU list
}

// notice is a row of case_notices.
type notice struct {
	revision uint64
	domain.NoticeSummary
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
	id, ok := strings.CutPrefix(e.Stream, domain.CaseStreamPrefix)
	if !ok {
		return nil
	}
	ev, _ := decoded.(domain.Event)
	w.mu.Lock()
	defer w.mu.Unlock()
	en := w.cache.get(id)
	if en != nil && e.Revision < en.c.Version {
		return nil
	}
	var err error
	if en != nil && e.Revision > en.c.Version {
		// A gap: what is in memory is not the prefix of this event. Fold the case again.
		if en.dirty {
			if err := w.write(ctx, tx, en); err != nil {
				return err
			}
			w.dropDirty(en)
		}
		w.drop(en)
		en = nil
	}
	if en == nil {
		if en, err = w.load(ctx, tx, id, e.Revision); err != nil || en == nil {
			return err
		}
		if err := w.admit(ctx, tx, en); err != nil {
			return err
		}
	}
	if e.Revision < en.c.Version {
		return nil
	}
	w.fold(en, e, ev, true)
	if !en.dirty {
		en.dirty = true
		w.dirty = append(w.dirty, en)
	}
	return nil
}

// load returns the state of case id just before the event at revision rev, or nil when the tables show
// that event already applied. It reads the case's rows, which its next writes change, and, for a case
// seen before, folds its stream's events before rev from the event store.
func (w *Casework) load(ctx context.Context, tx *Tx, id string, rev uint64) (*caseEntry, error) {
	stored, err := w.mayBeStored(ctx, tx, id)
	if err != nil {
		return nil, fmt.Errorf("case %s: read: %w", id, err)
	}
	if rev == 0 {
		// A new case, unless its first event was applied already.
		if stored {
			var n int
			err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases WHERE case_id = ?`, id).Scan(&n)
			if err != nil || n > 0 {
				return nil, err
			}
		}
		en := &caseEntry{id: id}
		en.c.ID = id
		return en, nil
	}
	var row []any
	if stored {
		if row, err = casesTable.read(ctx, tx, id); err != nil {
			return nil, fmt.Errorf("case %s: read: %w", id, err)
		}
	}
	if row != nil && rev < uint64(row[colVersion].(int64)) {
		return nil, nil
	}
	en := &caseEntry{id: id, written: row}
	en.c.ID = id
	events, err := w.store.ReadStream(ctx, domain.CaseStream(id), domain.ReadStreamOptions{Max: rev})
	if err != nil {
		return nil, fmt.Errorf("case %s: re-fold: %w", id, err)
	}
	if uint64(len(events)) != rev {
		return nil, fmt.Errorf("case %s: re-fold: read %d events before revision %d", id, len(events), rev)
	}
	for _, r := range events {
		ev, err := decodeCaseEvent(r)
		if err != nil {
			return nil, err
		}
		w.fold(en, r, ev, false)
	}
	if row != nil && len(en.c.Requests) > 0 {
		rows, err := tx.QueryContext(ctx, `SELECT request_id, `+strings.Join(requestsTable.cols, ", ")+
			` FROM case_requests WHERE case_id = ?`, id)
		if err != nil {
			return nil, fmt.Errorf("case %s: read requests: %w", id, err)
		}
		written := map[string][]any{}
		err = scanAll(rows, func(rows *sql.Rows) error {
			var rid string
			vals := make([]any, len(requestsTable.cols))
			dst := []any{&rid}
			for i := range vals {
				dst = append(dst, &vals[i])
			}
			if err := rows.Scan(dst...); err != nil {
				return err
			}
			written[rid] = vals
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("case %s: read requests: %w", id, err)
		}
		en.writtenRequests = make([][]any, len(en.c.Requests))
		for i, r := range en.c.Requests {
			en.writtenRequests[i] = written[r.ID]
		}
	}
	// Write whatever differs from the tables: nothing, unless the tables lag behind the stream.
	for i := range en.c.Requests {
		en.markRequest(i)
	}
	return en, nil
}

// mayBeStored reports whether the tables may hold rows of case id, which is not in the cache: false only
// when the cases table was empty when first read after the last Discard and the case has not been
// dropped from the cache since.
func (w *Casework) mayBeStored(ctx context.Context, tx *Tx, id string) (bool, error) {
	if !w.known {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM cases)`).Scan(&exists); err != nil {
			return true, err
		}
		w.known, w.fresh, w.evicted = true, exists == 0, nil
	}
	if !w.fresh {
		return true, nil
	}
	_, ok := w.evicted[id]
	return ok, nil
}

// drop removes en, written, from the cache, remembering that the tables may hold its rows.
func (w *Casework) drop(en *caseEntry) {
	w.cache.remove(en)
	if !w.fresh {
		return
	}
	if len(w.evicted) >= maxEvicted {
		w.fresh, w.evicted = false, nil
		return
	}
	if w.evicted == nil {
		w.evicted = make(map[string]struct{})
	}
	w.evicted[en.id] = struct{}{}
}

// admit puts en in the cache, first writing and evicting the least recently used entry if the cache is
// full.
func (w *Casework) admit(ctx context.Context, tx *Tx, en *caseEntry) error {
	if w.cache.full() {
		old := w.cache.oldest()
		if old.dirty {
			if err := w.write(ctx, tx, old); err != nil {
				return err
			}
			w.dropDirty(old)
		}
		w.drop(old)
	}
	w.cache.add(en)
	return nil
}

// dropDirty removes en from the list of dirty entries.
func (w *Casework) dropDirty(en *caseEntry) {
	for i, d := range w.dirty {
		if d == en {
			w.dirty = append(w.dirty[:i], w.dirty[i+1:]...)
			return
		}
	}
}

// fold applies one event to en with domain.Case.Apply; with track set it also marks the rows the event
// changes. ev is nil for an event type this version does not know.
func (w *Casework) fold(en *caseEntry, e domain.RecordedEvent, ev domain.Event, track bool) {
	c := &en.c
	if ev != nil {
		c.Apply(ev)
	}
	c.ID = en.id
	c.Version = e.Revision + 1
	c.Subject, c.Text, c.Submitter = "", "", domain.Submitter{}
	en.updated = e.Created

	mark := func(requestID string) {
		for i := range c.Requests {
			if c.Requests[i].ID == requestID {
				en.markRequest(i)
			}
		}
	}
	switch ev := ev.(type) {
	case *domain.CaseAnswered:
		en.outcome = ev.Outcome
	case *domain.CaseRegistered:
		if track {
			for i := range c.Requests {
				en.markRequest(i)
			}
		}
	case *domain.RequestOpened:
		if track {
			en.markRequest(len(c.Requests) - 1)
		}
	case *domain.RequestAnswered:
		if track {
			mark(ev.RequestID)
		}
	case *domain.RequestCancelled:
		if track {
			mark(ev.RequestID)
		}
	case *domain.RequestReassigned:
		if track {
			mark(ev.RequestID)
		}
	case *domain.RequestReminded:
		if track {
			mark(ev.RequestID)
			en.notices = append(en.notices, w.notice(en, e, domain.NoticeReminder, ev.NotificationID, ev.At,
				ev.RequestID, ev.Sector, ev.Reminder, ev.Level))
		}
	case *domain.RequestEscalated:
		if track {
			mark(ev.RequestID)
			en.notices = append(en.notices, w.notice(en, e, domain.NoticeEscalation, ev.NotificationID, ev.At,
				ev.RequestID, ev.Sector, ev.Step, ev.Level))
		}
	case *domain.CaseDeadlinePassed:
		if track {
			en.notices = append(en.notices, w.notice(en, e, domain.NoticeOverdue, ev.NotificationID, e.Created,
				"", c.Sector, c.DeadlinesPassed, domain.LevelOfficer))
		}
	}
}

// markRequest marks the i-th request's row to be written.
func (en *caseEntry) markRequest(i int) {
	if i < 0 {
		return
	}
	for _, j := range en.requests {
		if j == i {
			return
		}
	}
	en.requests = append(en.requests, i)
}

// notice returns the notice recorded by event e of the case. A notice without a notification (an overdue
// case of the first release) takes the event's ID; one without a sector, the request's.
func (w *Casework) notice(en *caseEntry, e domain.RecordedEvent, kind domain.NoticeKind, id string, at time.Time,
	requestID, sector string, step int, level domain.EscalationLevel) notice {
	c := &en.c
	if id == "" {
		id = e.ID
	}
	if sector == "" && requestID != "" {
		if r, ok := c.RequestByID(requestID); ok {
			sector = r.Sector
		}
	}
	n := notice{revision: e.Revision, NoticeSummary: domain.NoticeSummary{
		ID: id, At: at.UTC(), Kind: kind, CaseID: en.id, CaseKind: c.Kind, RequestID: requestID,
		Sector: sector, Officer: c.Officer, Step: step, Level: level,
	}}
	if c.ArchiveNumber != nil {
		n.ArchiveNumber = c.ArchiveNumber.String()
	}
	return n
}

// Flush implements Batcher: it writes the rows of every case changed since the last Flush.
func (w *Casework) Flush(ctx context.Context, tx *Tx) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, en := range w.dirty {
		if err := w.write(ctx, tx, en); err != nil {
			w.dirty = w.dirty[i:]
			return err
		}
	}
	clear(w.dirty)
	w.dirty = w.dirty[:0]
	return nil
}

// Discard implements Batcher: it forgets every case state and every row not yet written.
func (w *Casework) Discard() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cache.init(w.opts.CacheSize)
	clear(w.dirty)
	w.dirty = w.dirty[:0]
	w.known, w.fresh, w.evicted = false, false, nil
}

// rowTable writes the rows of one table: a new row with an INSERT, a changed one with an UPDATE of the
// columns that changed only, so that SQLite updates only the indexes over them.
type rowTable struct {
	name    string
	keys    []string // the primary key's columns
	cols    []string // the other columns, at most 64
	insert  string
	updates sync.Map // uint64 (the changed columns) -> string
}

// newRowTable returns the writer of table name.
func newRowTable(name string, keys, cols []string) *rowTable {
	all := append(append([]string{}, keys...), cols...)
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = c + " = excluded." + c
	}
	return &rowTable{
		name: name, keys: keys, cols: cols,
		insert: "INSERT INTO " + name + " (" + strings.Join(all, ", ") + ") VALUES (?" + strings.Repeat(", ?", len(all)-1) +
			") ON CONFLICT (" + strings.Join(keys, ", ") + ") DO UPDATE SET " + strings.Join(set, ", "),
	}
}

// read returns the values of the row of cases with the given ID, as write takes them, or nil for none.
func (t *rowTable) read(ctx context.Context, tx *Tx, id string) ([]any, error) {
	vals := make([]any, len(t.cols))
	dst := make([]any, len(vals))
	for i := range vals {
		dst[i] = &vals[i]
	}
	err := tx.QueryRowContext(ctx, `SELECT `+strings.Join(t.cols, ", ")+` FROM `+t.name+` WHERE `+t.keys[0]+` = ?`, id).Scan(dst...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return vals, nil
}

// index returns the position of column col among the table's other columns.
func (t *rowTable) index(col string) int {
	i := slices.Index(t.cols, col)
	if i < 0 {
		panic("projections: no column " + col + " in " + t.name)
	}
	return i
}

// update returns the UPDATE of the columns in mask.
func (t *rowTable) update(mask uint64) string {
	if q, ok := t.updates.Load(mask); ok {
		return q.(string)
	}
	var set, where []string
	for i, c := range t.cols {
		if mask&(1<<i) != 0 {
			set = append(set, c+" = ?")
		}
	}
	for _, k := range t.keys {
		where = append(where, k+" = ?")
	}
	q := "UPDATE " + t.name + " SET " + strings.Join(set, ", ") + " WHERE " + strings.Join(where, " AND ")
	t.updates.Store(mask, q)
	return q
}

// write writes the row with key and values vals, given the values old it was last written with (nil for
// a row not in the table).
func (t *rowTable) write(ctx context.Context, tx *Tx, key, vals, old []any) error {
	if old == nil {
		_, err := tx.ExecContext(ctx, t.insert, append(append(make([]any, 0, len(key)+len(vals)), key...), vals...)...)
		return err
	}
	var mask uint64
	args := make([]any, 0, len(vals)+len(key))
	for i, v := range vals {
		if v != old[i] {
			mask |= 1 << i
			args = append(args, v)
		}
	}
	if mask == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, t.update(mask), append(args, key...)...)
	return err
}

// The tables of Casework, their columns in the order of the values that caseRow, requestRow and write
// return.
var (
	casesTable = newRowTable("cases", []string{"case_id"}, []string{"kind", "status", "sector", "officer", "channel",
		"language", "archive_number", "archive_key", "received_at", "received_month", "registered_at", "due_at", "due_date",
		"open", "suspended", "outcome", "answered_at", "answered_month", "answer_days", "on_time", "closed_at",
		"closed_month", "extended_at", "clarification_at", "clarification_expired_at", "deadlines_passed",
		"open_requests", "version", "updated_at"})
	requestsTable = newRowTable("case_requests", []string{"case_id", "request_id"}, []string{"case_kind",
		"archive_number", "kind", "sector", "title", "required", "status", "requested_at", "due_at", "due_date",
		"generation", "reminders", "escalation", "level", "answered_at"})
	noticesTable = newRowTable("case_notices", []string{"case_id", "revision"}, []string{"id", "at", "kind",
		"case_kind", "archive_number", "request_id", "sector", "officer", "step", "level"})
)

// caseRow returns the values of the case's row in cases, as casesTable orders them.
func (w *Casework) caseRow(en *caseEntry) []any {
	c := &en.c
	loc := w.opts.Location
	var archive, archiveKey any
	if c.ArchiveNumber != nil {
		archive = c.ArchiveNumber.String()
		archiveKey = fmt.Sprintf("%04d/%s/%010d", c.ArchiveNumber.Year, c.ArchiveNumber.Unit, c.ArchiveNumber.Number)
	}
	var registered time.Time
	if c.RegisteredAt != nil {
		registered = *c.RegisteredAt
	}
	var dueAt time.Time
	var dueDate domain.Date
	var suspended bool
	var extendedAt, clarificationAt time.Time
	if d := c.Deadline; d != nil {
		dueAt, dueDate, suspended = d.DueAt, d.DueDate, d.Suspended
		for _, ch := range d.Changes {
			switch {
			case ch.Kind == domain.ClockExtended && extendedAt.IsZero():
				extendedAt = ch.At
			case ch.Kind == domain.ClockSuspended && ch.Source == domain.SourceClarification && clarificationAt.IsZero():
				clarificationAt = ch.At
			}
		}
	}
	open := isOpen(c)
	var outcome, answerDays, onTime any
	var answeredAt, closedAt, expiredAt time.Time
	if c.AnsweredAt != nil {
		answeredAt = *c.AnsweredAt
		outcome = string(en.outcome)
		answerDays = answeredAt.Sub(c.ReceivedAt).Hours() / 24
	}
	if c.OnTime != nil {
		onTime = boolInt(*c.OnTime)
	}
	if c.ClosedAt != nil {
		closedAt = *c.ClosedAt
	}
	if c.ClarificationExpiredAt != nil {
		expiredAt = *c.ClarificationExpiredAt
	}
	openRequests := 0
	for i := range c.Requests {
		if c.Requests[i].Status == domain.RequestIsOpen {
			openRequests++
		}
	}
	return []any{string(c.Kind), string(c.Status), c.Sector, c.Officer, string(c.Channel), string(c.Language), archive,
		archiveKey, nanos(c.ReceivedAt), month(c.ReceivedAt, loc), nanos(registered), nanos(dueAt), dateInt(dueDate),
		boolInt(open), boolInt(open && suspended), outcome, nanos(answeredAt), month(answeredAt, loc), answerDays, onTime,
		nanos(closedAt), month(closedAt, loc), nanos(extendedAt), nanos(clarificationAt), nanos(expiredAt),
		int64(c.DeadlinesPassed), int64(openRequests), int64(c.Version), en.updated.UnixNano()}
}

// requestRow returns the values of the i-th request's row in case_requests, as requestsTable orders them.
func (en *caseEntry) requestRow(i int) []any {
	c := &en.c
	r := &c.Requests[i]
	var archive any
	if c.ArchiveNumber != nil {
		archive = c.ArchiveNumber.String()
	}
	var answered time.Time
	if r.AnsweredAt != nil {
		answered = *r.AnsweredAt
	}
	return []any{string(c.Kind), archive, string(r.Kind), r.Sector, r.Title, boolInt(r.Required), string(r.Status),
		nanos(r.RequestedAt), nanos(r.DueAt), dateInt(r.DueDate), int64(r.Generation), int64(r.Reminders),
		int64(r.Escalation), string(r.Level), nanos(answered)}
}

// dueKey is where an open case with a deadline counts in the tallies of the due-date tracker.
type dueKey struct {
	sector, officer    string
	suspended, dueDate int64
}

// The positions in a row of cases of the columns of dueKey.
var (
	colSector    = casesTable.index("sector")
	colOfficer   = casesTable.index("officer")
	colDueAt     = casesTable.index("due_at")
	colDueDate   = casesTable.index("due_date")
	colOpen      = casesTable.index("open")
	colSuspended = casesTable.index("suspended")
	colVersion   = casesTable.index("version")
)

// dueKeyOf returns the tally key of a row of cases (as caseRow returns it), if it counts.
func dueKeyOf(row []any) (dueKey, bool) {
	if row == nil || row[colOpen] != int64(1) || row[colDueAt] == nil || row[colDueDate] == nil {
		return dueKey{}, false
	}
	return dueKey{sector: row[colSector].(string), officer: row[colOfficer].(string),
		suspended: row[colSuspended].(int64), dueDate: row[colDueDate].(int64)}, true
}

// tally moves a case in the tallies of the due-date tracker from where its row old counted to where its
// row now counts (either nil for none).
func tally(ctx context.Context, tx *Tx, old, now []any) error {
	from, wasCounted := dueKeyOf(old)
	to, counts := dueKeyOf(now)
	if wasCounted == counts && from == to {
		return nil
	}
	for _, t := range []struct{ table, col string }{{"case_due_sectors", "sector"}, {"case_due_officers", "officer"}} {
		key := func(k dueKey) []any {
			if t.col == "sector" {
				return []any{k.sector, k.suspended, k.dueDate}
			}
			return []any{k.officer, k.suspended, k.dueDate}
		}
		if wasCounted {
			where := ` WHERE ` + t.col + ` = ? AND suspended = ? AND due_date = ?`
			res, err := tx.ExecContext(ctx, `UPDATE `+t.table+` SET cases = cases - 1`+where+` AND cases > 1`, key(from)...)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				if _, err := tx.ExecContext(ctx, `DELETE FROM `+t.table+where, key(from)...); err != nil {
					return err
				}
			}
		}
		if counts {
			_, err := tx.ExecContext(ctx, `INSERT INTO `+t.table+` (`+t.col+`, suspended, due_date, cases) VALUES (?, ?, ?, 1)
				ON CONFLICT DO UPDATE SET cases = cases + 1`, key(to)...)
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// boolInt renders a boolean as SQLite does.
func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// write writes the rows of en that changed and marks it clean.
func (w *Casework) write(ctx context.Context, tx *Tx, en *caseEntry) error {
	if en.c.Version > math.MaxInt64 {
		return fmt.Errorf("case %s: version %d does not fit an SQLite integer", en.id, en.c.Version)
	}
	row := w.caseRow(en)
	if err := casesTable.write(ctx, tx, []any{en.id}, row, en.written); err != nil {
		return fmt.Errorf("case %s: write: %w", en.id, err)
	}
	if err := tally(ctx, tx, en.written, row); err != nil {
		return fmt.Errorf("case %s: tally: %w", en.id, err)
	}
	en.written = row
	for _, i := range en.requests {
		r := &en.c.Requests[i]
		vals := en.requestRow(i)
		var old []any
		if i < len(en.writtenRequests) {
			old = en.writtenRequests[i]
		}
		if err := requestsTable.write(ctx, tx, []any{en.id, r.ID}, vals, old); err != nil {
			return fmt.Errorf("case %s: write request %s: %w", en.id, r.ID, err)
		}
		for len(en.writtenRequests) <= i {
			en.writtenRequests = append(en.writtenRequests, nil)
		}
		en.writtenRequests[i] = vals
	}
	for _, n := range en.notices {
		var archive any
		if n.ArchiveNumber != "" {
			archive = n.ArchiveNumber
		}
		vals := []any{n.ID, n.At.UnixNano(), string(n.Kind), string(n.CaseKind), archive, n.RequestID, n.Sector,
			n.Officer, int64(n.Step), string(n.Level)}
		if err := noticesTable.write(ctx, tx, []any{en.id, int64(n.revision)}, vals, nil); err != nil {
			return fmt.Errorf("case %s: write notice %s: %w", en.id, n.ID, err)
		}
	}
	en.dirty = false
	en.requests = en.requests[:0]
	clear(en.notices)
	en.notices = en.notices[:0]
	return nil
}

// isOpen reports whether the case's clock matters: registered, not answered and not ended.
func isOpen(c *domain.Case) bool {
	return c.RegisteredAt != nil && c.AnsweredAt == nil && !domain.IsTerminal(c.Status)
}

// receivedFields are the fields of CaseReceived that are not personal data: the projection decodes only
// those, so that the submitter, subject and text never reach its memory.
type receivedFields struct {
	CaseID     string          `json:"caseId"`
	Kind       domain.CaseKind `json:"kind"`
	Channel    domain.Channel  `json:"channel"`
	Language   domain.Language `json:"language"`
	ReceivedAt time.Time       `json:"receivedAt"`
	Sector     string          `json:"sector,omitempty"`
}

// decodeCaseEvent decodes a case stream's event: nil for a type this version does not know.
func decodeCaseEvent(e domain.RecordedEvent) (domain.Event, error) {
	if e.Type == domain.EventCaseReceived {
		var f receivedFields
		if err := fastJSON.Unmarshal(e.Data, &f); err != nil {
			return nil, domain.Errorf(domain.EINTERNAL, "Cannot decode %s at %s@%d: %v.", e.Type, e.Stream, e.Revision, err)
		}
		return &domain.CaseReceived{CaseID: f.CaseID, Kind: f.Kind, Channel: f.Channel, Language: f.Language,
			ReceivedAt: f.ReceivedAt, Sector: f.Sector}, nil
	}
	ev, ok := domain.NewEvent(e.Type)
	if !ok {
		return nil, nil
	}
	if err := fastJSON.Unmarshal(e.Data, ev); err != nil {
		return nil, domain.Errorf(domain.EINTERNAL, "Cannot decode %s at %s@%d: %v.", e.Type, e.Stream, e.Revision, err)
	}
	return ev, nil
}

// fastJSON decodes events as encoding/json does (its struct tags, Unmarshaler and TextUnmarshaler
// methods), about twice as fast: decoding is a third of a rebuild's work.
var fastJSON = jsoniter.ConfigCompatibleWithStandardLibrary

// nanos renders an instant for an INTEGER column: NULL for the zero time.
func nanos(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// fromNanos reads an instant written by nanos, in UTC: the zero time for NULL.
func fromNanos(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}

// dateInt renders a date as the INTEGER yyyymmdd: NULL for the zero date.
func dateInt(d domain.Date) any {
	if d.IsZero() {
		return nil
	}
	return dateKey(d)
}

// dateKey is the yyyymmdd of d.
func dateKey(d domain.Date) int64 { return int64(d.Year)*10000 + int64(d.Month)*100 + int64(d.Day) }

// fromDateInt reads a date written by dateInt.
func fromDateInt(n sql.NullInt64) domain.Date {
	if !n.Valid {
		return domain.Date{}
	}
	return domain.Date{Year: int(n.Int64 / 10000), Month: time.Month(n.Int64 / 100 % 100), Day: int(n.Int64 % 100)}
}

// month renders the month of t in loc as the INTEGER yyyymm: NULL for the zero time.
func month(t time.Time, loc *time.Location) any {
	if t.IsZero() {
		return nil
	}
	return monthKey(t, loc)
}

// monthKey is the yyyymm of t in loc.
func monthKey(t time.Time, loc *time.Location) int64 {
	y, m, _ := t.In(loc).Date()
	return int64(y)*100 + int64(m)
}

// caseCache is a bounded map of case states that evicts the least recently used.
type caseCache struct {
	size  int
	byID  map[string]*caseEntry
	head  caseEntry // sentinel: head.next is the most recently used, head.prev the least
	count int
}

func (c *caseCache) init(size int) {
	c.size = max(size, 1)
	c.byID = make(map[string]*caseEntry, min(c.size, 1<<16))
	c.head.next, c.head.prev = &c.head, &c.head
	c.count = 0
}

// get returns the entry of id, now the most recently used, or nil.
func (c *caseCache) get(id string) *caseEntry {
	en := c.byID[id]
	if en != nil && c.head.next != en {
		c.unlink(en)
		c.pushFront(en)
	}
	return en
}

func (c *caseCache) full() bool { return c.count >= c.size }

func (c *caseCache) oldest() *caseEntry { return c.head.prev }

func (c *caseCache) add(en *caseEntry) {
	c.byID[en.id] = en
	c.pushFront(en)
	c.count++
}

func (c *caseCache) remove(en *caseEntry) {
	delete(c.byID, en.id)
	c.unlink(en)
	c.count--
}

func (c *caseCache) unlink(en *caseEntry) {
	en.prev.next, en.next.prev = en.next, en.prev
	en.prev, en.next = nil, nil
}

func (c *caseCache) pushFront(en *caseEntry) {
	en.prev, en.next = &c.head, c.head.next
	c.head.next.prev = en
	c.head.next = en
}
