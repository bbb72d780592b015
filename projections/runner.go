package projections

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/predmet/predmet/domain"
)

// Defaults of the Runner's settings.
const (
	// DefaultBatchSize is the most events applied in one transaction once a projection follows live
	// events.
	DefaultBatchSize = 500
	// DefaultCatchUpBatchSize is the most events applied in one transaction while a projection catches up
	// with the log (and in every scratch build).
	DefaultCatchUpBatchSize = 8192
	// DefaultCommitEvery is the longest a catching-up projection gathers events before it commits them.
	DefaultCommitEvery = 250 * time.Millisecond
	// DefaultCheckpointEvery is how often at most a checkpoint without events is written.
	DefaultCheckpointEvery = time.Second
	// DefaultMinBackoff is the first wait before resubscribing after a failure.
	DefaultMinBackoff = 100 * time.Millisecond
	// DefaultMaxBackoff is the longest wait before resubscribing after failures.
	DefaultMaxBackoff = 30 * time.Second
	// DefaultLagScanLimit is the most events Lag counts behind a projection.
	DefaultLagScanLimit = 100_000
)

// checkpointSchema creates the table of checkpoints. A NULL position means the start of the log.
const checkpointSchema = `CREATE TABLE IF NOT EXISTS projection_checkpoints (
	name           TEXT PRIMARY KEY,
	"commit"       INTEGER,
	"prepare"      INTEGER,
	events_applied INTEGER NOT NULL DEFAULT 0,
	schema_hash    TEXT NOT NULL,
	updated_at     TEXT NOT NULL
)`

// Runner keeps projections up to date with the event log, all in one SQLite database. Each projection
// follows the log in its own goroutine from its own checkpoint; the events it receives are applied in
// batches, each in one transaction that also writes the checkpoint of its last event, so that a crash at
// any point neither skips nor applies an event twice. While a projection catches up with the log, its
// batches are large (CatchUpBatchSize events, or what arrived within CommitEvery); once it follows live
// events, each batch is what is waiting, so that a lone event is applied at once.
//
// Rebuild and Check build a fresh copy of a projection from the start of the log in a scratch database
// beside the live one, while the live projection keeps serving, and then swap it in or compare it.
//
// One Runner owns its database file; set the exported fields, if at all, before Run.
type Runner struct {
	// BatchSize is the most events applied in one transaction once a projection follows live events
	// (DefaultBatchSize if 0). Live events are batched only when they are already waiting.
	BatchSize int
	// CatchUpBatchSize is the most events applied in one transaction while a projection catches up with
	// the log, and in scratch builds (DefaultCatchUpBatchSize if 0).
	CatchUpBatchSize int
	// CommitEvery is the longest a catching-up projection gathers events before it commits them
	// (DefaultCommitEvery if 0): it bounds how stale the read model is while it catches up.
	CommitEvery time.Duration
	// CheckpointEvery is how often at most the runner writes a checkpoint that the subscription sent
	// while no event matched (DefaultCheckpointEvery if 0). Checkpoints that come with events cost nothing.
	CheckpointEvery time.Duration
	// MinBackoff and MaxBackoff bound the wait before a failed projection resubscribes
	// (DefaultMinBackoff and DefaultMaxBackoff if 0). The wait doubles on every failure without progress.
	MinBackoff, MaxBackoff time.Duration
	// LagScanLimit is the most events Lag reads from the log to count the events behind a projection
	// (DefaultLagScanLimit if 0); beyond it, LagInfo.EventsBehindCapped is set.
	LagScanLimit int

	path    string
	write   *sql.DB // one connection; transactions begin IMMEDIATE
	read    *sql.DB // read-only pool, for the projections' read methods
	store   domain.EventStore
	logger  *zap.Logger
	workers []*worker
	byName  map[string]*worker
	wg      sync.WaitGroup // the workers' goroutines
	ops     sync.WaitGroup // the Rebuild and Check calls under way

	closing context.Context // ended by Close: stops rebuilds and checks
	close   context.CancelFunc

	mu      sync.Mutex
	ctx     context.Context // what workers run under while Run runs, else nil
	cancel  context.CancelFunc
	cfg     config
	running bool
	closed  bool
}

// config is the Runner's settings with their defaults filled in.
type config struct {
	batchSize        int
	catchUpBatchSize int
	commitEvery      time.Duration
	checkpointEvery  time.Duration
	minBackoff       time.Duration
	maxBackoff       time.Duration
}

// settings returns the Runner's settings with their defaults filled in.
func (r *Runner) settings() config {
	c := config{
		batchSize:        orDefault(r.BatchSize, DefaultBatchSize),
		catchUpBatchSize: orDefault(r.CatchUpBatchSize, DefaultCatchUpBatchSize),
		commitEvery:      orDefault(r.CommitEvery, DefaultCommitEvery),
		checkpointEvery:  orDefault(r.CheckpointEvery, DefaultCheckpointEvery),
		minBackoff:       orDefault(r.MinBackoff, DefaultMinBackoff),
		maxBackoff:       orDefault(r.MaxBackoff, DefaultMaxBackoff),
	}
	c.maxBackoff = max(c.maxBackoff, c.minBackoff)
	return c
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// feed is one projection applied in one database, with its checkpoint there: the live read model, or a
// scratch copy being built to rebuild or check it.
type feed struct {
	p       Projection
	batcher Batcher // p, if it is one
	decoder Decoder // p, if it is one
	name    string
	hash    string // of its tables and schema
	db      *sql.DB
	logger  *zap.Logger

	mu sync.Mutex
	st state
}

func newFeed(p Projection, db *sql.DB, logger *zap.Logger) *feed {
	f := &feed{p: p, name: p.Name(), hash: schemaHash(p), db: db, logger: logger}
	f.batcher, _ = p.(Batcher)
	f.decoder, _ = p.(Decoder)
	return f
}

// state is what a feed reports to Lag.
type state struct {
	running       bool
	checkpoint    domain.Position // the stored checkpoint (zero for the start)
	lastApplied   domain.Position
	processed     domain.Position // everything selected up to here is applied, stored or not
	lastCreated   time.Time       // of the last applied event
	eventsApplied uint64
	caughtUp      bool
	lastErr       string
}

// update changes the state of f.
func (f *feed) update(fn func(*state)) {
	f.mu.Lock()
	fn(&f.st)
	f.mu.Unlock()
}

// snapshot returns the state of f.
func (f *feed) snapshot() state {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.st
}

// discard tells the projection, if it is a Batcher, to forget what it holds in memory.
func (f *feed) discard() {
	if f.batcher != nil {
		f.batcher.Discard()
	}
}

// worker is a live projection and the goroutine that feeds it.
type worker struct {
	*feed

	// Guarded by Runner.mu.
	cancel  context.CancelFunc // stops the goroutine
	done    chan struct{}      // closed when it has stopped
	paused  bool               // held still by a Rebuild or Check
	busy    bool               // a Rebuild or Check is under way
	scratch *scratch           // the copy that Rebuild or Check is building
}

// OpenRunner opens (or creates) the projections' database at path and prepares the projections' tables.
// A projection seen for the first time, or whose schema changed since the last run, is reset so that Run
// builds it from the start of the log. Scratch databases left behind by a Rebuild or Check that a crash
// interrupted are deleted. Nothing follows the log before Run.
// It returns EINVALID for a bad or duplicate projection name.
func OpenRunner(path string, store domain.EventStore, logger *zap.Logger, projections ...Projection) (*Runner, error) {
	if store == nil {
		return nil, domain.Errorf(domain.EINVALID, "An event store is required.")
	}
	if logger == nil {
		logger = zap.NewNop()
	}
	r := &Runner{path: path, store: store, logger: logger, byName: make(map[string]*worker)}
	for _, p := range projections {
		name := p.Name()
		if !namePattern.MatchString(name) {
			return nil, domain.Errorf(domain.EINVALID, "Invalid projection name %q.", name)
		} else if r.byName[name] != nil {
			return nil, domain.Errorf(domain.EINVALID, "Two projections are named %q.", name)
		}
		w := &worker{feed: newFeed(p, nil, logger.With(zap.String("projection", name)))}
		r.workers = append(r.workers, w)
		r.byName[name] = w
	}

	var err error
	if r.write, r.read, err = openDB(path); err != nil {
		return nil, err
	}
	for _, w := range r.workers {
		w.db = r.write
		for _, purpose := range []string{purposeRebuild, purposeCheck} {
			if err := removeDB(scratchPath(path, purpose, w.name)); err != nil {
				w.logger.Warn("Cannot delete a scratch database.", zap.Error(err))
			}
		}
	}
	if err := r.prepare(context.Background()); err != nil {
		r.write.Close()
		r.read.Close()
		return nil, err
	}
	r.closing, r.close = context.WithCancel(context.Background())
	for _, w := range r.workers {
		w.p.Attach(r.read)
	}
	return r, nil
}

// schemaHash identifies the tables and schema of p.
func schemaHash(p Projection) string {
	h := sha256.New()
	for _, s := range p.Tables() {
		fmt.Fprintf(h, "table %s\x00", s)
	}
	for _, s := range p.Schema() {
		fmt.Fprintf(h, "%s\x00", s)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// prepare creates the checkpoint table and every projection's tables, resetting the projections that
// are new or whose schema changed.
func (r *Runner) prepare(ctx context.Context) error {
	if _, err := r.write.ExecContext(ctx, checkpointSchema); err != nil {
		return fmt.Errorf("projections: create checkpoint table: %w", err)
	}
	for _, w := range r.workers {
		var hash string
		err := r.write.QueryRowContext(ctx, `SELECT schema_hash FROM projection_checkpoints WHERE name = ?`, w.name).Scan(&hash)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			// New, or tables left without a checkpoint: start clean.
			if err := r.reset(ctx, w); err != nil {
				return err
			}
		case err != nil:
			return fmt.Errorf("projections: read checkpoint of %s: %w", w.name, err)
		case hash != w.hash:
			w.logger.Warn("Projection schema changed; rebuilding from the start of the log.")
			if err := r.reset(ctx, w); err != nil {
				return err
			}
		default:
			if err := inTx(ctx, r.write, func(tx *sql.Tx) error { return execAll(ctx, tx, w.p.Schema()) }); err != nil {
				return fmt.Errorf("projections: create tables of %s: %w", w.name, err)
			}
		}
		cp, applied, err := loadCheckpoint(ctx, r.write, w.name)
		if err != nil {
			return err
		}
		w.update(func(s *state) {
			*s = state{eventsApplied: applied}
			if cp != nil {
				s.checkpoint = *cp
			}
		})
	}
	return nil
}

// reset drops the tables and checkpoint of w and creates its tables afresh, in one transaction, so that
// readers see either the old read model or the new empty one.
func (r *Runner) reset(ctx context.Context, w *worker) error {
	err := inTx(ctx, r.write, func(tx *sql.Tx) error {
		for _, t := range w.p.Tables() {
			if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS main.`+quoteIdent(t)); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM projection_checkpoints WHERE name = ?`, w.name); err != nil {
			return err
		}
		if err := execAll(ctx, tx, w.p.Schema()); err != nil {
			return err
		}
		return insertCheckpoint(ctx, tx, w.feed)
	})
	if err != nil {
		return fmt.Errorf("projections: reset %s: %w", w.name, err)
	}
	w.discard()
	w.update(func(s *state) { *s = state{} })
	return nil
}

// insertCheckpoint writes the checkpoint of a projection at the start of the log.
func insertCheckpoint(ctx context.Context, tx *sql.Tx, f *feed) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO projection_checkpoints (name, "commit", "prepare", events_applied, schema_hash, updated_at)
		VALUES (?, NULL, NULL, 0, ?, ?)`, f.name, f.hash, sqlTime(time.Now()))
	return err
}

// execAll executes statements in tx.
func execAll(ctx context.Context, tx *sql.Tx, stmts []string) error {
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%w (in %.60q)", err, s)
		}
	}
	return nil
}

// inTx runs f in a write transaction of db and commits it if f succeeds.
func inTx(ctx context.Context, db *sql.DB, f func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// queryer is what loadCheckpoint needs of a database, connection or transaction.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// loadCheckpoint returns the stored checkpoint of a projection (nil for the start of the log) and the
// number of events it has applied.
func loadCheckpoint(ctx context.Context, db queryer, name string) (*domain.Position, uint64, error) {
	var commit, prepare sql.NullInt64
	var applied int64
	err := db.QueryRowContext(ctx, `SELECT "commit", "prepare", events_applied FROM projection_checkpoints WHERE name = ?`, name).
		Scan(&commit, &prepare, &applied)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, nil
	} else if err != nil {
		return nil, 0, fmt.Errorf("projections: read checkpoint of %s: %w", name, err)
	}
	if !commit.Valid {
		return nil, uint64(applied), nil
	}
	return &domain.Position{Commit: uint64(commit.Int64), Prepare: uint64(prepare.Int64)}, uint64(applied), nil
}

// storeCheckpoint moves the checkpoint of a projection to pos and adds applied to its event count.
func storeCheckpoint(ctx context.Context, q interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, f *feed, pos domain.Position, applied int) error {
	commit, err := sqlUint(pos.Commit)
	if err != nil {
		return err
	}
	prepare, err := sqlUint(pos.Prepare)
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, `INSERT INTO projection_checkpoints (name, "commit", "prepare", events_applied, schema_hash, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET "commit" = excluded."commit", "prepare" = excluded."prepare",
			events_applied = projection_checkpoints.events_applied + excluded.events_applied, updated_at = excluded.updated_at`,
		f.name, commit, prepare, applied, f.hash, sqlTime(time.Now()))
	return err
}

// Names returns the names of the runner's projections, in the order OpenRunner received them.
func (r *Runner) Names() []string {
	names := make([]string, len(r.workers))
	for i, w := range r.workers {
		names[i] = w.name
	}
	return names
}

// Run follows the log into every projection until ctx ends, then waits for them to stop and returns nil.
// A projection whose subscription or transaction fails logs the error and resubscribes from its stored
// checkpoint, after a backoff, until ctx ends. Run may be called again after it returns, but not while
// it runs (ECONFLICT), and not after Close (EUNAVAILABLE).
func (r *Runner) Run(ctx context.Context) error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return errClosed()
	} else if r.running {
		r.mu.Unlock()
		return domain.Errorf(domain.ECONFLICT, "The projection runner is already running.")
	}
	runCtx, cancel := context.WithCancel(ctx)
	r.ctx, r.cancel, r.running = runCtx, cancel, true
	r.cfg = r.settings()
	for _, w := range r.workers {
		r.startLocked(w)
	}
	r.mu.Unlock()
	r.logger.Info("Projections running.", zap.Int("projections", len(r.workers)))

	<-runCtx.Done()
	r.mu.Lock()
	r.ctx, r.cancel = nil, nil
	for _, w := range r.workers {
		if w.cancel != nil {
			w.cancel()
		}
	}
	r.mu.Unlock()
	r.wg.Wait()
	cancel()
	r.mu.Lock()
	r.running = false
	r.mu.Unlock()
	r.logger.Info("Projections stopped.")
	return nil
}

// errClosed is returned by the methods of a closed Runner.
func errClosed() error {
	return domain.Errorf(domain.EUNAVAILABLE, "The projection runner is closed.")
}

// startLocked starts the goroutine of w, if Run runs and w is neither running nor paused.
// r.mu must be held.
func (r *Runner) startLocked(w *worker) {
	if r.ctx == nil || r.closed || w.paused || w.done != nil {
		return
	}
	ctx, cancel := context.WithCancel(r.ctx)
	done := make(chan struct{})
	w.cancel, w.done = cancel, done
	cfg := r.cfg
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		r.follow(ctx, w.feed, cfg)
		cancel()
		r.mu.Lock()
		if w.done == done {
			w.cancel, w.done = nil, nil
		}
		r.mu.Unlock()
		close(done)
	}()
}

// pause stops the goroutine of w, if it runs, and keeps it from starting until resume is called.
func (r *Runner) pause(w *worker) (resume func()) {
	r.mu.Lock()
	w.paused = true
	cancel, done := w.cancel, w.done
	r.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			r.mu.Lock()
			w.paused = false
			r.startLocked(w)
			r.mu.Unlock()
		})
	}
}

// follow feeds f until ctx ends, resubscribing after failures.
func (r *Runner) follow(ctx context.Context, f *feed, cfg config) {
	defer f.update(func(s *state) { s.running, s.caughtUp = false, false })
	backoff := cfg.minBackoff
	for {
		progressed, _, err := r.session(ctx, f, cfg, stopAt{})
		if ctx.Err() != nil {
			return
		}
		if progressed {
			backoff = cfg.minBackoff
		}
		if err == nil {
			err = errors.New("the subscription ended")
		}
		f.update(func(s *state) { s.caughtUp, s.lastErr = false, err.Error() })
		log := f.logger.Error
		if domain.ErrorCode(err) == domain.EUNAVAILABLE {
			log = f.logger.Warn
		}
		wait := jitter(backoff)
		log("Projection failed; resubscribing from its checkpoint.", zap.Error(err), zap.Duration("backoff", wait))
		if !sleep(ctx, wait) {
			return
		}
		backoff = min(2*backoff, cfg.maxBackoff)
	}
}

// jitter returns a random wait between d/2 and d.
func jitter(d time.Duration) time.Duration { return d/2 + rand.N(d/2+1) }

// sleep waits for d and reports true, or for ctx to end and reports false.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// LagInfo tells how far a projection is behind the log.
type LagInfo struct {
	// Running is set while the projection's goroutine runs.
	Running bool `json:"running"`
	// Paused is set while a Rebuild or Check holds the projection still (briefly: while it finishes its
	// copy and swaps or compares it).
	Paused bool `json:"paused,omitempty"`
	// CaughtUp is set once the projection's subscription has delivered, and the projection applied,
	// everything in the log when it subscribed; it stays set while the projection follows live events,
	// and is cleared when the subscription fails or the projection stops.
	CaughtUp bool `json:"caughtUp"`
	// LastApplied is the position of the last event the projection applied since the runner opened
	// (zero if none).
	LastApplied domain.Position `json:"lastApplied"`
	// Checkpoint is the stored checkpoint: everything selected up to it has been applied (zero for the
	// start of the log).
	Checkpoint domain.Position `json:"checkpoint"`
	// LastInLog is the position of the last event in the log (zero if the log is empty or could not be
	// read, which is logged).
	LastInLog domain.Position `json:"lastInLog"`
	// EventsApplied counts the events applied since the projection was last built from the start.
	EventsApplied uint64 `json:"eventsApplied"`
	// EventsBehind counts the events in the log after the checkpoint, the last event applied and the
	// last position up to which the subscription confirmed that nothing else is selected, whichever
	// comes last: the events the projection has yet to look at, whether it selects them or not. Lag
	// counts at most Runner.LagScanLimit of them; when there are more, EventsBehind is that limit and
	// EventsBehindCapped is set.
	EventsBehind       uint64 `json:"eventsBehind"`
	EventsBehindCapped bool   `json:"eventsBehindCapped,omitempty"`
	// SecondsBehind is the age of the oldest event counted in EventsBehind: how long the log has held
	// something the projection has not processed. It is 0 when EventsBehind is 0.
	SecondsBehind float64 `json:"secondsBehind"`
	// LastError is the last failure, until the projection makes progress again.
	LastError string `json:"lastError,omitempty"`
	// Rebuilding, while a Rebuild or Check of the projection runs, tells how far its copy has come.
	Rebuilding *RebuildProgress `json:"rebuilding,omitempty"`
}

// Lag reports, by projection name, how far each projection is behind the log. It reads the log's last
// position once, and the events after each projection's checkpoint that is behind it, up to
// LagScanLimit; everything else it knows already. Failures to read the log are logged, and leave the
// numbers that depend on it zero.
func (r *Runner) Lag(ctx context.Context) map[string]LagInfo {
	var last domain.Position
	events, err := r.store.ReadAll(ctx, domain.ReadAllOptions{Direction: domain.Backwards, Max: 1})
	if err != nil {
		r.logger.Warn("Cannot read the last position of the log.", zap.Error(err))
	} else if len(events) > 0 {
		last = events[0].Position
	}
	scanLimit := orDefault(r.LagScanLimit, DefaultLagScanLimit)
	now := time.Now()
	behind := map[domain.Position]eventsAfter{} // by the position counted from
	out := make(map[string]LagInfo, len(r.workers))
	for _, w := range r.workers {
		s := w.snapshot()
		r.mu.Lock()
		paused, sc := w.paused, w.scratch
		r.mu.Unlock()
		info := LagInfo{
			Running:       s.running,
			Paused:        paused,
			CaughtUp:      s.caughtUp,
			LastApplied:   s.lastApplied,
			Checkpoint:    s.checkpoint,
			LastInLog:     last,
			EventsApplied: s.eventsApplied,
			LastError:     s.lastErr,
		}
		if sc != nil {
			info.Rebuilding = sc.progress()
		}
		from := s.checkpoint
		for _, p := range []domain.Position{s.lastApplied, s.processed} {
			if from.Less(p) {
				from = p
			}
		}
		if from.Less(last) {
			b, ok := behind[from]
			if !ok {
				if b, err = r.countAfter(ctx, from, scanLimit); err != nil {
					r.logger.Warn("Cannot count the events behind a projection.", zap.String("projection", w.name), zap.Error(err))
				}
				behind[from] = b
			}
			info.EventsBehind, info.EventsBehindCapped = b.n, b.capped
			if !b.oldest.IsZero() {
				info.SecondsBehind = max(0, now.Sub(b.oldest).Seconds())
			}
		}
		out[w.name] = info
	}
	return out
}

// eventsAfter counts events in the log after a position.
type eventsAfter struct {
	n      uint64
	capped bool      // there are more than n
	oldest time.Time // when the first of them was recorded
}

// lagPage is how many events countAfter reads at once.
const lagPage = 4096

// countAfter counts the events of the log after pos (system events aside), up to limit.
func (r *Runner) countAfter(ctx context.Context, pos domain.Position, limit int) (eventsAfter, error) {
	var out eventsAfter
	prev := pos // the last event seen
	for {
		from := prev
		page, err := r.store.ReadAll(ctx, domain.ReadAllOptions{From: &from, Max: lagPage})
		if err != nil {
			return out, err
		}
		moved := false
		for _, e := range page {
			if !prev.Less(e.Position) {
				continue // From is inclusive
			}
			prev, moved = e.Position, true
			if strings.HasPrefix(e.Type, "$") {
				continue
			}
			if out.n == uint64(limit) {
				out.capped = true
				return out, nil
			}
			if out.n == 0 {
				out.oldest = e.Created
			}
			out.n++
		}
		if len(page) < lagPage || !moved {
			return out, nil
		}
	}
}

// Close stops Run, if it runs, and any Rebuild or Check, waits for them to stop and closes the database.
func (r *Runner) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	if r.cancel != nil {
		r.cancel()
	}
	r.mu.Unlock()
	r.close()
	r.ops.Wait()
	r.wg.Wait()
	return errors.Join(r.read.Close(), r.write.Close())
}
