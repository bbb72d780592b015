package projections

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/predmet/predmet/domain"
)

// What a scratch copy of a projection is built for.
const (
	purposeRebuild = "rebuild"
	purposeCheck   = "check"
)

// Phases of a Rebuild or Check, as RebuildProgress reports them.
const (
	// PhaseBuilding is the first: the copy follows the log from its start while the live projection
	// keeps running.
	PhaseBuilding = "building"
	// PhaseFinishing is the live projection paused while the copy catches up with it (Check) or with
	// the end of the log (Rebuild).
	PhaseFinishing = "finishing"
	// PhaseSwapping is the copy replacing the live read model, in one transaction (Rebuild).
	PhaseSwapping = "swapping"
	// PhaseComparing is the copy being compared with the live read model, which runs again (Check).
	PhaseComparing = "comparing"
)

// maxScratchFailures is how many times in a row a scratch build may fail without progress before
// Rebuild or Check gives up.
const maxScratchFailures = 3

// RebuildProgress tells how far the copy that a Rebuild or Check builds has come.
type RebuildProgress struct {
	// Purpose is "rebuild" or "check".
	Purpose string `json:"purpose"`
	// Phase is one of PhaseBuilding, PhaseFinishing, PhaseSwapping and PhaseComparing.
	Phase     string    `json:"phase"`
	StartedAt time.Time `json:"startedAt"`
	// EventsApplied counts the events the copy has applied so far, and Checkpoint is how far in the log
	// it has come.
	EventsApplied uint64          `json:"eventsApplied"`
	Checkpoint    domain.Position `json:"checkpoint"`
}

// scratch is a copy of a projection built from the start of the log in a database file of its own.
type scratch struct {
	path    string
	feed    *feed
	purpose string
	started time.Time

	// indexes are the projection's secondary indexes, not yet created in the scratch database.
	indexes []string

	mu       sync.Mutex
	phase    string
	dbClosed bool
}

// createIndexes creates the secondary indexes that openScratch left out, once.
func (s *scratch) createIndexes(ctx context.Context) error {
	if len(s.indexes) == 0 {
		return nil
	}
	err := inTx(ctx, s.feed.db, func(tx *sql.Tx) error { return execAll(ctx, tx, s.indexes) })
	if err != nil {
		return fmt.Errorf("projections: index the scratch database: %w", err)
	}
	s.indexes = nil
	return nil
}

// splitIndexes splits schema statements into those that create non-unique indexes and the others,
// keeping their order. Unique indexes stay with the tables: upserts may rely on them.
func splitIndexes(stmts []string) (others, indexes []string) {
	for _, s := range stmts {
		words := strings.Fields(strings.ToUpper(s))
		if len(words) > 1 && words[0] == "CREATE" && words[1] == "INDEX" {
			indexes = append(indexes, s)
		} else {
			others = append(others, s)
		}
	}
	return others, indexes
}

// scratchPath is where the copy of a projection for purpose is built: beside the live database.
func scratchPath(live, purpose, name string) string { return live + "." + purpose + "-" + name }

// openScratch creates the scratch database of w for purpose, with a fresh projection of its kind and
// its tables, at the start of the log, and makes it the scratch whose progress Lag reports.
func (r *Runner) openScratch(ctx context.Context, w *worker, purpose string) (*scratch, error) {
	p := w.p.New()
	if p == nil || p.Name() != w.name || schemaHash(p) != w.hash {
		return nil, fmt.Errorf("projections: %s: New returned a projection of another name or schema", w.name)
	}
	path := scratchPath(r.path, purpose, w.name)
	db, err := openScratchDB(path)
	if err != nil {
		return nil, err
	}
	s := &scratch{
		path:    path,
		feed:    newFeed(p, db, w.logger.With(zap.String("scratch", purpose))),
		purpose: purpose,
		started: time.Now(),
		phase:   PhaseBuilding,
	}
	err = inTx(ctx, db, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, checkpointSchema); err != nil {
			return err
		}
		// Secondary indexes are built once the copy has caught up: one sort per index is much cheaper
		// than keeping them up to date row by row while the whole log goes in.
		schema, indexes := splitIndexes(p.Schema())
		s.indexes = indexes
		if err := execAll(ctx, tx, schema); err != nil {
			return err
		}
		return insertCheckpoint(ctx, tx, s.feed)
	})
	if err != nil {
		s.remove()
		return nil, fmt.Errorf("projections: create scratch database of %s: %w", w.name, err)
	}
	r.mu.Lock()
	w.scratch = s
	r.mu.Unlock()
	return s, nil
}

// setPhase records the phase the scratch's Rebuild or Check is in.
func (s *scratch) setPhase(phase string) {
	s.mu.Lock()
	s.phase = phase
	s.mu.Unlock()
}

// progress reports how far the scratch has come.
func (s *scratch) progress() *RebuildProgress {
	st := s.feed.snapshot()
	s.mu.Lock()
	defer s.mu.Unlock()
	return &RebuildProgress{
		Purpose: s.purpose, Phase: s.phase, StartedAt: s.started,
		EventsApplied: st.eventsApplied, Checkpoint: st.checkpoint,
	}
}

// closeDB closes the scratch's database, so that another connection can attach it.
func (s *scratch) closeDB() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dbClosed {
		return nil
	}
	s.dbClosed = true
	return s.feed.db.Close()
}

// remove closes and deletes the scratch's database.
func (s *scratch) remove() {
	if err := errors.Join(s.closeDB(), removeDB(s.path)); err != nil {
		s.feed.logger.Warn("Cannot delete a scratch database.", zap.Error(err))
	}
}

// build follows the log into the scratch until stop says it is done. A session that fails is retried
// from the scratch's checkpoint, after a backoff, unless it failed maxScratchFailures times in a row
// without progress: then build returns the error.
func (r *Runner) build(ctx context.Context, s *scratch, stop stopAt) error {
	cfg := r.settings()
	backoff, failures := cfg.minBackoff, 0
	for {
		progressed, finished, err := r.session(ctx, s.feed, cfg, stop)
		s.feed.update(func(st *state) { st.running = false })
		if finished {
			return nil
		} else if ctx.Err() != nil {
			return ctx.Err()
		}
		if err == nil {
			err = errors.New("the subscription ended")
		}
		if progressed {
			backoff, failures = cfg.minBackoff, 0
		}
		if failures++; failures >= maxScratchFailures {
			return err
		}
		s.feed.logger.Warn("Scratch build failed; resubscribing from its checkpoint.", zap.Error(err))
		if !sleep(ctx, jitter(backoff)) {
			return ctx.Err()
		}
		backoff = min(2*backoff, cfg.maxBackoff)
	}
}

// begin starts a Rebuild or Check of the named projection: it returns the projection's worker, a
// context that Close also ends, and the function to call when done.
func (r *Runner) begin(ctx context.Context, name string) (*worker, context.Context, func(), error) {
	w := r.byName[name]
	if w == nil {
		return nil, nil, nil, domain.Errorf(domain.ENOTFOUND, "Unknown projection %q.", name)
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, nil, nil, errClosed()
	} else if w.busy {
		r.mu.Unlock()
		return nil, nil, nil, domain.Errorf(domain.ECONFLICT, "Projection %q is already being rebuilt or checked.", name)
	}
	w.busy = true
	r.ops.Add(1)
	r.mu.Unlock()

	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(r.closing, cancel)
	return w, ctx, func() {
		stop()
		cancel()
		r.mu.Lock()
		w.busy, w.scratch = false, nil
		r.mu.Unlock()
		r.ops.Done()
	}, nil
}

// Rebuild builds the named projection afresh from the start of the log and swaps it in, while the live
// projection keeps serving. It builds a fresh projection (New) in a scratch database beside the live one
// until it has caught up with the log; then it pauses the live projection, lets the copy catch up with
// the end of the log again (which takes little), and replaces the live tables and checkpoint with the
// copy's in one transaction; then the live projection carries on from the new checkpoint. Readers see
// the old read model until that transaction commits, then the new one, never an empty or partial one.
//
// Rebuild returns once the swap has committed, or with the error that stopped it, leaving the live
// projection as it was. It works whether or not Run runs. It returns ENOTFOUND for an unknown name,
// EUNAVAILABLE after Close (which also stops a Rebuild under way), and ECONFLICT while another Rebuild
// or Check of the same projection runs: a second one does not wait, so that a caller sees at once that
// the work is already under way.
func (r *Runner) Rebuild(ctx context.Context, name string) error {
	w, ctx, end, err := r.begin(ctx, name)
	if err != nil {
		return err
	}
	defer end()
	start := time.Now()
	s, err := r.openScratch(ctx, w, purposeRebuild)
	if err != nil {
		return err
	}
	defer s.remove()
	w.logger.Info("Projection rebuilding from the start of the log.")

	if err := r.build(ctx, s, stopAt{caughtUp: true}); err != nil {
		return fmt.Errorf("projections: rebuild %s: %w", name, err)
	}
	if err := s.createIndexes(ctx); err != nil {
		return err
	}
	built := time.Since(start)
	copied, swapStart, err := r.swapIn(ctx, w, s)
	if err != nil {
		return fmt.Errorf("projections: rebuild %s: %w", name, err)
	}
	w.logger.Info("Projection rebuilt.",
		zap.Uint64("events", copied.eventsApplied),
		zap.Stringer("checkpoint", copied.checkpoint),
		zap.Duration("build", built),
		zap.Duration("paused", time.Since(start)-built),
		zap.Duration("swap", time.Since(swapStart)),
		zap.Duration("total", time.Since(start)))
	return nil
}

// swapIn pauses the live projection of w, lets the copy in s catch up with the end of the log again
// (which takes little), and replaces the live tables and checkpoint with the copy's; then the live
// projection carries on from the copy's checkpoint. It returns the copy's state and when the swap
// began.
func (r *Runner) swapIn(ctx context.Context, w *worker, s *scratch) (copied state, swapStart time.Time, err error) {
	resume := r.pause(w)
	defer resume()
	s.setPhase(PhaseFinishing)
	if err := r.build(ctx, s, stopAt{caughtUp: true}); err != nil {
		return state{}, time.Time{}, err
	}
	copied = s.feed.snapshot()
	s.setPhase(PhaseSwapping)
	swapStart = time.Now()
	if err := s.closeDB(); err != nil {
		return state{}, time.Time{}, err
	}
	if err := r.swap(ctx, w, s.path); err != nil {
		return state{}, time.Time{}, err
	}
	w.discard()
	w.update(func(st *state) {
		st.checkpoint, st.eventsApplied = copied.checkpoint, copied.eventsApplied
		st.lastApplied, st.lastCreated, st.processed = copied.lastApplied, copied.lastCreated, copied.processed
		st.caughtUp, st.lastErr = false, ""
	})
	return copied, swapStart, nil
}

// attach attaches the database at path to a connection of db under the schema name scratch, and
// returns the connection and the function that detaches it and gives it back. A connection that cannot
// detach is closed instead.
func attach(ctx context.Context, db *sql.DB, path string) (*sql.Conn, func(), error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	if _, err := conn.ExecContext(ctx, `ATTACH DATABASE ? AS scratch`, path); err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("attach %s: %w", path, err)
	}
	return conn, func() {
		if _, err := conn.ExecContext(context.Background(), `DETACH DATABASE scratch`); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn }) // discard the connection
		}
		conn.Close()
	}, nil
}

// swap replaces the tables and checkpoint of w with those of the scratch database at path, in one
// transaction.
func (r *Runner) swap(ctx context.Context, w *worker, path string) error {
	conn, detach, err := attach(ctx, r.write, path)
	if err != nil {
		return err
	}
	defer detach()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, t := range w.p.Tables() {
		if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS main.`+quoteIdent(t)); err != nil {
			return err
		}
	}
	// The tables and their indexes as the scratch has them, so that SQLite copies each table with its
	// indexes whole (its transfer optimisation), much faster than row by row; then the triggers, which
	// must not fire on copied rows.
	schema, triggers := splitTriggers(w.p.Schema())
	if err := execAll(ctx, tx, schema); err != nil {
		return err
	}
	for _, t := range w.p.Tables() {
		if _, err := tx.ExecContext(ctx, `INSERT INTO main.`+quoteIdent(t)+` SELECT * FROM scratch.`+quoteIdent(t)); err != nil {
			return fmt.Errorf("copy %s: %w", t, err)
		}
	}
	if err := execAll(ctx, tx, triggers); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO main.projection_checkpoints (name, "commit", "prepare", events_applied, schema_hash, updated_at)
		SELECT name, "commit", "prepare", events_applied, ?, ? FROM scratch.projection_checkpoints WHERE name = ?
		ON CONFLICT (name) DO UPDATE SET "commit" = excluded."commit", "prepare" = excluded."prepare",
			events_applied = excluded.events_applied, schema_hash = excluded.schema_hash, updated_at = excluded.updated_at`,
		w.hash, sqlTime(time.Now()), w.name)
	if err != nil {
		return fmt.Errorf("copy checkpoint: %w", err)
	} else if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("copy checkpoint: %d rows (%v)", n, err)
	}
	return tx.Commit()
}

// splitTriggers splits schema statements into those that create triggers and the others, keeping
// their order.
func splitTriggers(stmts []string) (others, triggers []string) {
	for _, s := range stmts {
		words := strings.Fields(strings.ToUpper(s))
		if len(words) > 1 && words[0] == "CREATE" && (words[1] == "TRIGGER" ||
			len(words) > 2 && (words[1] == "TEMP" || words[1] == "TEMPORARY") && words[2] == "TRIGGER") {
			triggers = append(triggers, s)
		} else {
			others = append(others, s)
		}
	}
	return others, triggers
}

// columns returns the quoted names of the columns of table in schema, in order.
func columns(ctx context.Context, tx *sql.Tx, schema, table string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name FROM pragma_table_info(?, ?) ORDER BY cid`, table, schema)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols = append(cols, quoteIdent(c))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("no table %s.%s", schema, table)
	}
	return cols, nil
}
