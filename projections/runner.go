package projections

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/predmet/predmet/domain"
)

// Defaults of the Runner's settings.
const (
	// DefaultBatchSize is the most events applied in one transaction.
	DefaultBatchSize = 500
	// DefaultCheckpointEvery is how often at most a checkpoint without events is written.
	DefaultCheckpointEvery = time.Second
	// DefaultMinBackoff is the first wait before resubscribing after a failure.
	DefaultMinBackoff = 100 * time.Millisecond
	// DefaultMaxBackoff is the longest wait before resubscribing after failures.
	DefaultMaxBackoff = 30 * time.Second
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
// batches, each in one transaction that also writes the checkpoint of its last event.
//
// One Runner owns its database file; set the exported fields, if at all, before Run.
type Runner struct {
	// BatchSize is the most events applied in one transaction (DefaultBatchSize if 0). Events are batched
	// only when they are already waiting; a lone live event is applied at once.
	BatchSize int
	// CheckpointEvery is how often at most the runner writes a checkpoint that the subscription sent
	// while no event matched (DefaultCheckpointEvery if 0). Checkpoints that come with events cost nothing.
	CheckpointEvery time.Duration
	// MinBackoff and MaxBackoff bound the wait before a failed projection resubscribes
	// (DefaultMinBackoff and DefaultMaxBackoff if 0). The wait doubles on every failure without progress.
	MinBackoff, MaxBackoff time.Duration

	write    *sql.DB // one connection; transactions begin IMMEDIATE
	read     *sql.DB // read-only pool, for the projections' read methods
	store    domain.EventStore
	logger   *zap.Logger
	workers  []*worker
	byName   map[string]*worker
	wg       sync.WaitGroup // the workers' goroutines
	rebuilds sync.WaitGroup // the Rebuild calls under way

	mu      sync.Mutex
	ctx     context.Context // what workers run under while Run runs, else nil
	cancel  context.CancelFunc
	cfg     config
	running bool
	closed  bool
}

// config is the Runner's settings as Run found them.
type config struct {
	batchSize       int
	checkpointEvery time.Duration
	minBackoff      time.Duration
	maxBackoff      time.Duration
}

// worker is one projection and the state of the goroutine that feeds it.
type worker struct {
	p      Projection
	name   string
	hash   string // of its tables and schema
	logger *zap.Logger

	rebuildMu sync.Mutex // serialises Rebuild

	// Guarded by Runner.mu.
	cancel     context.CancelFunc // stops the goroutine
	done       chan struct{}      // closed when it has stopped
	rebuilding bool

	mu sync.Mutex
	st state
}

// state is what a worker reports to Lag.
type state struct {
	running       bool
	checkpoint    domain.Position // the stored checkpoint (zero for the start)
	lastApplied   domain.Position
	lastCreated   time.Time // of the last applied event
	eventsApplied uint64
	caughtUp      bool
	lastErr       string
}

// OpenRunner opens (or creates) the projections' database at path and prepares the projections' tables.
// A projection seen for the first time, or whose schema changed since the last run, is reset so that Run
// builds it from the start of the log. Nothing follows the log before Run.
// It returns EINVALID for a bad or duplicate projection name.
func OpenRunner(path string, store domain.EventStore, logger *zap.Logger, projections ...Projection) (*Runner, error) {
	if store == nil {
		return nil, domain.Errorf(domain.EINVALID, "An event store is required.")
	}
	if logger == nil {
		logger = zap.NewNop()
	}
	r := &Runner{store: store, logger: logger, byName: make(map[string]*worker)}
	for _, p := range projections {
		name := p.Name()
		if !namePattern.MatchString(name) {
			return nil, domain.Errorf(domain.EINVALID, "Invalid projection name %q.", name)
		} else if r.byName[name] != nil {
			return nil, domain.Errorf(domain.EINVALID, "Two projections are named %q.", name)
		}
		w := &worker{p: p, name: name, hash: schemaHash(p), logger: logger.With(zap.String("projection", name))}
		r.workers = append(r.workers, w)
		r.byName[name] = w
	}

	var err error
	if r.write, r.read, err = openDB(path); err != nil {
		return nil, err
	}
	if err := r.prepare(context.Background()); err != nil {
		r.write.Close()
		r.read.Close()
		return nil, err
	}
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
			if err := r.inTx(ctx, func(tx *sql.Tx) error { return execAll(ctx, tx, w.p.Schema()) }); err != nil {
				return fmt.Errorf("projections: create tables of %s: %w", w.name, err)
			}
		}
		cp, applied, err := r.loadCheckpoint(ctx, w.name)
		if err != nil {
			return err
		}
		w.mu.Lock()
		w.st = state{eventsApplied: applied}
		if cp != nil {
			w.st.checkpoint = *cp
		}
		w.mu.Unlock()
	}
	return nil
}

// reset drops the tables and checkpoint of w and creates its tables afresh, in one transaction, so that
// readers see either the old read model or the new empty one.
func (r *Runner) reset(ctx context.Context, w *worker) error {
	err := r.inTx(ctx, func(tx *sql.Tx) error {
		for _, t := range w.p.Tables() {
			if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS `+quoteIdent(t)); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM projection_checkpoints WHERE name = ?`, w.name); err != nil {
			return err
		}
		if err := execAll(ctx, tx, w.p.Schema()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO projection_checkpoints (name, "commit", "prepare", events_applied, schema_hash, updated_at)
			VALUES (?, NULL, NULL, 0, ?, ?)`, w.name, w.hash, sqlTime(time.Now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("projections: reset %s: %w", w.name, err)
	}
	w.mu.Lock()
	w.st = state{}
	w.mu.Unlock()
	return nil
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

// inTx runs f in a write transaction and commits it if f succeeds.
func (r *Runner) inTx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := r.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// loadCheckpoint returns the stored checkpoint of a projection (nil for the start of the log) and the
// number of events it has applied.
func (r *Runner) loadCheckpoint(ctx context.Context, name string) (*domain.Position, uint64, error) {
	var commit, prepare sql.NullInt64
	var applied int64
	err := r.write.QueryRowContext(ctx, `SELECT "commit", "prepare", events_applied FROM projection_checkpoints WHERE name = ?`, name).
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
}, w *worker, pos domain.Position, applied int) error {
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
		w.name, commit, prepare, applied, w.hash, sqlTime(time.Now()))
	return err
}

// Run follows the log into every projection until ctx ends, then waits for them to stop and returns nil.
// A projection whose subscription or transaction fails logs the error and resubscribes from its stored
// checkpoint, after a backoff, until ctx ends. Run may be called again after it returns, but not while
// it runs, and not after Close (EUNAVAILABLE).
func (r *Runner) Run(ctx context.Context) error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return domain.Errorf(domain.EUNAVAILABLE, "The projection runner is closed.")
	} else if r.running {
		r.mu.Unlock()
		return domain.Errorf(domain.ECONFLICT, "The projection runner is already running.")
	}
	runCtx, cancel := context.WithCancel(ctx)
	r.ctx, r.cancel, r.running = runCtx, cancel, true
	r.cfg = config{
		batchSize:       orDefault(r.BatchSize, DefaultBatchSize),
		checkpointEvery: orDefault(r.CheckpointEvery, DefaultCheckpointEvery),
		minBackoff:      orDefault(r.MinBackoff, DefaultMinBackoff),
		maxBackoff:      orDefault(r.MaxBackoff, DefaultMaxBackoff),
	}
	r.cfg.maxBackoff = max(r.cfg.maxBackoff, r.cfg.minBackoff)
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
			w.cancel, w.done = nil, nil
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

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// startLocked starts the goroutine of w, if Run runs and w is neither running nor being rebuilt.
// r.mu must be held.
func (r *Runner) startLocked(w *worker) {
	if r.ctx == nil || r.closed || w.rebuilding || w.done != nil {
		return
	}
	ctx, cancel := context.WithCancel(r.ctx)
	done := make(chan struct{})
	w.cancel, w.done = cancel, done
	cfg := r.cfg
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer close(done)
		r.follow(ctx, w, cfg)
	}()
}

// follow feeds w until ctx ends, resubscribing after failures.
func (r *Runner) follow(ctx context.Context, w *worker, cfg config) {
	defer w.update(func(s *state) { s.running, s.caughtUp = false, false })
	backoff := cfg.minBackoff
	for {
		progressed, err := r.session(ctx, w, cfg)
		if ctx.Err() != nil {
			return
		}
		if progressed {
			backoff = cfg.minBackoff
		}
		if err == nil {
			err = errors.New("the subscription ended")
		}
		w.update(func(s *state) { s.caughtUp, s.lastErr = false, err.Error() })
		log := w.logger.Error
		if domain.ErrorCode(err) == domain.EUNAVAILABLE {
			log = w.logger.Warn
		}
		wait := backoff/2 + rand.N(backoff/2+1)
		log("Projection failed; resubscribing from its checkpoint.", zap.Error(err), zap.Duration("backoff", wait))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(2*backoff, cfg.maxBackoff)
	}
}

// received is what the subscription's Recv returned.
type received struct {
	msg domain.SubscriptionMessage
	err error
}

// pump moves the subscription's messages to out until Recv fails or ctx ends, so that the follower can
// drain them without blocking.
func pump(ctx context.Context, sub domain.Subscription, out chan<- received) {
	for {
		m, err := sub.Recv()
		select {
		case out <- received{msg: m, err: err}:
		case <-ctx.Done():
			return
		}
		if err != nil {
			return
		}
	}
}

// session subscribes w from its stored checkpoint and applies what comes until the subscription or a
// transaction fails (the error) or ctx ends (nil). It reports whether it committed any event.
func (r *Runner) session(ctx context.Context, w *worker, cfg config) (progressed bool, err error) {
	from, applied, err := r.loadCheckpoint(ctx, w.name)
	if err != nil {
		return false, err
	}
	w.update(func(s *state) {
		s.running, s.caughtUp, s.eventsApplied = true, false, applied
		s.checkpoint = domain.Position{}
		if from != nil {
			s.checkpoint = *from
		}
	})

	subCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	sub, err := r.store.SubscribeAll(subCtx, domain.SubscribeAllOptions{From: from, Filter: w.p.Filter()})
	if err != nil {
		return false, fmt.Errorf("subscribe: %w", err)
	}
	msgs := make(chan received, cfg.batchSize)
	pumped := make(chan struct{})
	go func() {
		defer close(pumped)
		pump(subCtx, sub, msgs)
	}()
	defer func() {
		cancel()
		<-pumped // Recv has returned: the subscription may be closed
		sub.Close()
	}()

	var (
		done      domain.Position // everything up to here has been applied (or was not selected)
		pending   *domain.Position
		lastWrite = time.Now()
		batch     = make([]domain.RecordedEvent, 0, cfg.batchSize)
		timer     = time.NewTimer(time.Hour)
	)
	timer.Stop()
	defer timer.Stop()
	if from != nil {
		done = *from
	}

	for {
		var flush <-chan time.Time
		if pending != nil {
			timer.Reset(cfg.checkpointEvery - time.Since(lastWrite))
			flush = timer.C
		}
		var first received
		select {
		case <-ctx.Done():
			return progressed, nil
		case <-flush:
			if err := storeCheckpoint(ctx, r.write, w, *pending, 0); err != nil {
				return progressed, fmt.Errorf("write checkpoint: %w", err)
			}
			cp := *pending
			w.update(func(s *state) { s.checkpoint = cp })
			done, pending, lastWrite = cp, nil, time.Now()
			continue
		case first = <-msgs:
		}
		timer.Stop()

		// Take what is already waiting, up to a batch of events.
		batch = batch[:0]
		caughtUp := false
		var recvErr error
		take := func(it received) bool {
			switch m := it.msg; {
			case it.err != nil:
				recvErr = it.err
				return false
			case m.Event != nil:
				batch = append(batch, *m.Event)
			case m.Checkpoint != nil:
				if done.Less(*m.Checkpoint) && (pending == nil || pending.Less(*m.Checkpoint)) {
					cp := *m.Checkpoint
					pending = &cp
				}
			case m.CaughtUp:
				caughtUp = true
			}
			return true
		}
		if take(first) {
		drain:
			for len(batch) < cfg.batchSize {
				select {
				case it := <-msgs:
					if !take(it) {
						break drain
					}
				default:
					break drain
				}
			}
		}

		if len(batch) > 0 {
			target := batch[len(batch)-1].Position
			if pending != nil && target.Less(*pending) {
				target = *pending
			}
			n, err := r.commit(ctx, w, batch, target)
			if n > 0 {
				progressed = true
			}
			if err != nil {
				return progressed, err
			}
			done, pending, lastWrite = target, nil, time.Now()
		} else if pending != nil && time.Since(lastWrite) >= cfg.checkpointEvery {
			if err := storeCheckpoint(ctx, r.write, w, *pending, 0); err != nil {
				return progressed, fmt.Errorf("write checkpoint: %w", err)
			}
			cp := *pending
			w.update(func(s *state) { s.checkpoint = cp })
			done, pending, lastWrite = cp, nil, time.Now()
		}
		if caughtUp {
			w.update(func(s *state) { s.caughtUp, s.lastErr = true, "" })
			w.logger.Debug("Projection caught up.")
		}
		if recvErr != nil {
			return progressed, fmt.Errorf("subscription: %w", recvErr)
		}
	}
}

// applyError reports the event of a batch that a projection could not apply.
type applyError struct {
	index int
	event domain.RecordedEvent
	err   error
}

func (e *applyError) Error() string {
	return fmt.Sprintf("apply %s %s@%d (position %s): %v", e.event.Type, e.event.Stream, e.event.Revision, e.event.Position, e.err)
}

func (e *applyError) Unwrap() error { return e.err }

// commit applies batch in one transaction that moves the checkpoint to target (at or after the batch's
// last event). If an event fails, it commits the events before it, so that the projection stops right at
// the failing event, and returns the error with the number of events committed.
func (r *Runner) commit(ctx context.Context, w *worker, batch []domain.RecordedEvent, target domain.Position) (int, error) {
	err := r.applyBatch(ctx, w, batch, target)
	if err == nil {
		return len(batch), nil
	}
	var ae *applyError
	if errors.As(err, &ae) && ae.index > 0 && ctx.Err() == nil {
		if err2 := r.applyBatch(ctx, w, batch[:ae.index], batch[ae.index-1].Position); err2 == nil {
			return ae.index, err
		}
	}
	return 0, err
}

// applyBatch applies events and writes the checkpoint target in one transaction.
func (r *Runner) applyBatch(ctx context.Context, w *worker, events []domain.RecordedEvent, target domain.Position) error {
	err := r.inTx(ctx, func(tx *sql.Tx) error {
		ptx := NewTx(tx)
		for i, e := range events {
			if err := w.p.Apply(ctx, ptx, e); err != nil {
				return &applyError{index: i, event: e, err: err}
			}
		}
		if err := storeCheckpoint(ctx, tx, w, target, len(events)); err != nil {
			return fmt.Errorf("write checkpoint: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	last := events[len(events)-1]
	w.update(func(s *state) {
		s.checkpoint, s.lastApplied, s.lastCreated = target, last.Position, last.Created
		s.eventsApplied += uint64(len(events))
		s.lastErr = ""
	})
	return nil
}

// update changes the state of w.
func (w *worker) update(f func(*state)) {
	w.mu.Lock()
	f(&w.st)
	w.mu.Unlock()
}

// LagInfo tells how far a projection is behind the log.
type LagInfo struct {
	// Running is set while the projection's goroutine runs.
	Running bool `json:"running"`
	// CaughtUp is set once the projection's subscription has delivered, and the projection applied,
	// everything in the log when it subscribed; it stays set while the projection follows live events,
	// and is cleared when the subscription fails or the projection is rebuilt.
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
	// SecondsBehind is, while the projection is not caught up, the age of the last event it applied:
	// how stale its read model is at least. It is 0 when caught up or before the first event applied.
	SecondsBehind float64 `json:"secondsBehind"`
	// LastError is the last failure, until the projection makes progress again.
	LastError string `json:"lastError,omitempty"`
}

// Lag reports, by projection name, how far each projection is behind the log. It reads the log's last
// position once; everything else it knows already.
func (r *Runner) Lag(ctx context.Context) map[string]LagInfo {
	var last domain.Position
	events, err := r.store.ReadAll(ctx, domain.ReadAllOptions{Direction: domain.Backwards, Max: 1})
	if err != nil {
		r.logger.Warn("Cannot read the last position of the log.", zap.Error(err))
	} else if len(events) > 0 {
		last = events[0].Position
	}
	now := time.Now()
	out := make(map[string]LagInfo, len(r.workers))
	for _, w := range r.workers {
		w.mu.Lock()
		s := w.st
		w.mu.Unlock()
		info := LagInfo{
			Running:       s.running,
			CaughtUp:      s.caughtUp,
			LastApplied:   s.lastApplied,
			Checkpoint:    s.checkpoint,
			LastInLog:     last,
			EventsApplied: s.eventsApplied,
			LastError:     s.lastErr,
		}
		if !s.caughtUp && !s.lastCreated.IsZero() {
			info.SecondsBehind = max(0, now.Sub(s.lastCreated).Seconds())
		}
		out[w.name] = info
	}
	return out
}

// Rebuild drops the tables and checkpoint of the named projection in one transaction, creating its
// tables afresh, and restarts it from the start of the log if Run is running. Readers meanwhile see the
// old read model until the drop commits, then the new one as it fills. It returns ENOTFOUND for an
// unknown name and EUNAVAILABLE after Close.
func (r *Runner) Rebuild(ctx context.Context, name string) error {
	w := r.byName[name]
	if w == nil {
		return domain.Errorf(domain.ENOTFOUND, "Unknown projection %q.", name)
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return domain.Errorf(domain.EUNAVAILABLE, "The projection runner is closed.")
	}
	r.rebuilds.Add(1)
	r.mu.Unlock()
	defer r.rebuilds.Done()
	w.rebuildMu.Lock()
	defer w.rebuildMu.Unlock()

	r.mu.Lock()
	cancel, done := w.cancel, w.done
	w.cancel, w.done, w.rebuilding = nil, nil, true
	r.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}

	err := r.reset(ctx, w)

	r.mu.Lock()
	w.rebuilding = false
	r.startLocked(w)
	r.mu.Unlock()
	if err != nil {
		return err
	}
	w.logger.Info("Projection rebuilding from the start of the log.")
	return nil
}

// Close stops Run, if it runs, waits for the projections to stop and closes the database.
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
	r.rebuilds.Wait()
	r.wg.Wait()
	return errors.Join(r.read.Close(), r.write.Close())
}
