package projections

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/predmet/predmet/domain"
)

// maxSampleRows is how many differing rows a TableDiff shows of each side.
const maxSampleRows = 10

// CheckReport is the result of comparing a live read model with one recomputed from the log.
type CheckReport struct {
	Projection string `json:"projection"`
	// OK is set when the two are the same: every table holds the same rows, and the live projection
	// counts as many events applied as the recomputation.
	OK bool `json:"ok"`
	// Checkpoint is the position in the log at which the two were compared.
	Checkpoint domain.Position `json:"checkpoint"`
	// EventsApplied is the live projection's count of events applied since it was last built from the
	// start; EventsRecomputed the recomputation's, up to the same checkpoint.
	EventsApplied    uint64 `json:"eventsApplied"`
	EventsRecomputed uint64 `json:"eventsRecomputed"`
	// Tables compares each table of the projection.
	Tables    []TableDiff `json:"tables"`
	StartedAt time.Time   `json:"startedAt"`
	// Seconds is how long the check took.
	Seconds float64 `json:"seconds"`
}

// TableDiff compares one table of a live read model with its recomputation. Rows are compared whole,
// as sets: two rows differ when any column does.
type TableDiff struct {
	Table string `json:"table"`
	// LiveRows and RecomputedRows count the rows of the table in each.
	LiveRows       int64 `json:"liveRows"`
	RecomputedRows int64 `json:"recomputedRows"`
	// OnlyLive and OnlyRecomputed count the rows found only in the live table and only in the
	// recomputed one; a row that differs in some column counts on both sides.
	OnlyLive       int `json:"onlyLive"`
	OnlyRecomputed int `json:"onlyRecomputed"`
	// LiveSamples and RecomputedSamples show up to 10 of those rows each, column by column.
	LiveSamples       []map[string]any `json:"liveSamples,omitempty"`
	RecomputedSamples []map[string]any `json:"recomputedSamples,omitempty"`
}

// Same reports whether the table is the same in both.
func (d TableDiff) Same() bool { return d.OnlyLive == 0 && d.OnlyRecomputed == 0 }

// Check recomputes the named projection from the log and compares it with the live one. It builds a
// fresh projection (New) in a scratch database beside the live one, from the start of the log, while the
// live projection keeps running; then it pauses the live projection, brings the copy to exactly the live
// checkpoint, and compares the two from a snapshot of the live database taken then, with the live
// projection running again. The scratch database is deleted afterwards.
//
// It returns ENOTFOUND for an unknown name, EUNAVAILABLE after Close (which also stops a Check under
// way), and ECONFLICT while another Rebuild or Check of the same projection runs.
func (r *Runner) Check(ctx context.Context, name string) (CheckReport, error) {
	w, ctx, end, err := r.begin(ctx, name)
	if err != nil {
		return CheckReport{}, err
	}
	defer end()
	rep, err := r.check(ctx, w)
	if err != nil {
		return CheckReport{}, fmt.Errorf("projections: check %s: %w", name, err)
	}
	log := w.logger.Info
	if !rep.OK {
		log = w.logger.Warn
	}
	fields := []zap.Field{zap.Bool("ok", rep.OK), zap.Stringer("checkpoint", rep.Checkpoint),
		zap.Uint64("eventsApplied", rep.EventsApplied), zap.Uint64("eventsRecomputed", rep.EventsRecomputed),
		zap.Float64("seconds", rep.Seconds)}
	for _, t := range rep.Tables {
		if !t.Same() {
			fields = append(fields, zap.String("table", t.Table), zap.Int("onlyLive", t.OnlyLive), zap.Int("onlyRecomputed", t.OnlyRecomputed))
		}
	}
	log("Projection checked.", fields...)
	return rep, nil
}

// CheckAll checks every projection in turn, in the order OpenRunner received them. It stops at the first
// error and returns it with the reports made until then.
func (r *Runner) CheckAll(ctx context.Context) ([]CheckReport, error) {
	reports := make([]CheckReport, 0, len(r.workers))
	for _, w := range r.workers {
		rep, err := r.Check(ctx, w.name)
		if err != nil {
			return reports, err
		}
		reports = append(reports, rep)
	}
	return reports, nil
}

// check builds the copy of w and compares it with the live read model, in three steps: build the copy
// up to the live checkpoint while the live projection runs, bring it to exactly that checkpoint with
// the live projection paused and take a snapshot of both, then compare them table by table.
func (r *Runner) check(ctx context.Context, w *worker) (CheckReport, error) {
	rep := CheckReport{Projection: w.name, StartedAt: time.Now()}
	s, err := r.openScratch(ctx, w, purposeCheck)
	if err != nil {
		return rep, err
	}
	defer s.remove()

	// Up to the end of the log, but never past the live projection, which may lag.
	live := func() (domain.Position, bool) { return w.snapshot().checkpoint, true }
	if err := r.build(ctx, s, stopAt{caughtUp: true, limit: live}); err != nil {
		return rep, err
	}
	if err := s.createIndexes(ctx); err != nil {
		return rep, err
	}

	tx, end, err := r.snapshotBoth(ctx, w, s, &rep)
	if err != nil {
		return rep, err
	}
	defer end()
	s.setPhase(PhaseComparing)

	rep.OK = rep.EventsApplied == rep.EventsRecomputed
	for _, t := range w.p.Tables() {
		d, err := compareTable(ctx, tx, t)
		if err != nil {
			return rep, fmt.Errorf("compare %s: %w", t, err)
		}
		rep.Tables = append(rep.Tables, d)
		rep.OK = rep.OK && d.Same()
	}
	rep.Seconds = time.Since(rep.StartedAt).Seconds()
	return rep, nil
}

// snapshotBoth pauses the live projection of w, brings the copy in s to exactly the live checkpoint,
// and returns a read transaction over the live database with the copy attached as the schema scratch,
// whose snapshot of the live database is taken while the live projection is still paused; it runs
// again once snapshotBoth returns. It records the checkpoint and both counts of events in rep. end
// rolls the transaction back and detaches the copy.
func (r *Runner) snapshotBoth(ctx context.Context, w *worker, s *scratch, rep *CheckReport) (tx *sql.Tx, end func(), err error) {
	resume := r.pause(w)
	defer resume()
	s.setPhase(PhaseFinishing)
	cp, _, err := loadCheckpoint(ctx, r.write, w.name)
	if err != nil {
		return nil, nil, err
	}
	if cp != nil {
		rep.Checkpoint = *cp
	}
	at := func() (domain.Position, bool) { return rep.Checkpoint, true }
	if err := r.build(ctx, s, stopAt{caughtUp: true, limit: at}); err != nil {
		return nil, nil, err
	}
	rep.EventsRecomputed = s.feed.snapshot().eventsApplied
	if err := s.closeDB(); err != nil {
		return nil, nil, err
	}

	conn, detach, err := attach(ctx, r.read, s.path)
	if err != nil {
		return nil, nil, err
	}
	if tx, err = conn.BeginTx(ctx, nil); err != nil {
		detach()
		return nil, nil, err
	}
	end = func() {
		tx.Rollback()
		detach()
	}
	// The first read fixes the transaction's snapshot of the live database, with the live projection
	// paused at the checkpoint.
	if _, rep.EventsApplied, err = loadCheckpoint(ctx, tx, w.name); err != nil {
		end()
		return nil, nil, err
	}
	return tx, end, nil
}

// compareTable compares table in the main and scratch schemas of tx.
func compareTable(ctx context.Context, tx *sql.Tx, table string) (TableDiff, error) {
	d := TableDiff{Table: table}
	live, err := columns(ctx, tx, "main", table)
	if err != nil {
		return d, err
	}
	recomputed, err := columns(ctx, tx, "scratch", table)
	if err != nil {
		return d, err
	}
	if !slices.Equal(live, recomputed) {
		return d, fmt.Errorf("the live table has columns %s, the recomputed one %s", strings.Join(live, ", "), strings.Join(recomputed, ", "))
	}
	t := quoteIdent(table)
	for _, c := range []struct {
		schema string
		n      *int64
	}{{"main", &d.LiveRows}, {"scratch", &d.RecomputedRows}} {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+c.schema+`.`+t).Scan(c.n); err != nil {
			return d, err
		}
	}
	list := strings.Join(live, ", ")
	if d.OnlyLive, d.LiveSamples, err = except(ctx, tx, list, "main", "scratch", t); err != nil {
		return d, err
	}
	if d.OnlyRecomputed, d.RecomputedSamples, err = except(ctx, tx, list, "scratch", "main", t); err != nil {
		return d, err
	}
	return d, nil
}

// except counts the rows of table in schema a that are not in schema b, and returns the first
// maxSampleRows of them.
func except(ctx context.Context, tx *sql.Tx, list, a, b, table string) (int, []map[string]any, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+list+` FROM `+a+`.`+table+` EXCEPT SELECT `+list+` FROM `+b+`.`+table)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return 0, nil, err
	}
	n := 0
	var samples []map[string]any
	for rows.Next() {
		n++
		if len(samples) == maxSampleRows {
			continue
		}
		values := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return 0, nil, err
		}
		row := make(map[string]any, len(names))
		for i, name := range names {
			row[name] = values[i]
		}
		samples = append(samples, row)
	}
	return n, samples, rows.Err()
}
