// Package projections follows the event log into read models on SQLite.
package projections

import (
	"context"
	"database/sql"
	"regexp"

	"github.com/predmet/predmet/domain"
)

// Projection turns the events of the log into a read model: tables in the runner's SQLite database that
// the projection's own read methods query. A Runner feeds it the events its Filter selects, in log order,
// each inside a transaction that also records the projection's checkpoint, so that the read model and
// the checkpoint never disagree.
type Projection interface {
	// Name identifies the projection and its checkpoint: 1 to 64 lower-case letters, digits and
	// underscores, starting with a letter. It must not change between releases.
	Name() string

	// Tables lists the tables the projection owns. Rebuild replaces them and Check compares them whole,
	// so what they hold must follow from the events alone (no clock readings, no random IDs); no other
	// projection may use them.
	Tables() []string

	// Schema returns the statements that create the projection's tables and indexes. Each must be
	// idempotent (CREATE ... IF NOT EXISTS) and name its tables without a schema (main is meant). The
	// runner keeps a hash of them: when they change, it drops the tables and rebuilds the projection from
	// the start of the log. When Rebuild swaps a copy in, it runs them all but CREATE TRIGGER, copies the
	// rows, then creates the triggers, so that they do not fire on copied rows.
	Schema() []string

	// Filter selects the events the projection receives.
	Filter() domain.SubscriptionFilter

	// Apply updates the read model with one event, inside tx. It must ignore an event it has already
	// applied (the runner never commits an event twice, but the guard makes that independent of the
	// checkpoint) and event types it does not handle. An error rolls the batch back and the runner
	// retries later from the stored checkpoint, so an event that can never be applied stops the
	// projection there, with the events before it applied.
	Apply(ctx context.Context, tx *Tx, e domain.RecordedEvent) error

	// Attach gives the projection the read-only database its read methods query. OpenRunner calls it
	// once, before anything else.
	Attach(db *sql.DB)

	// New returns a fresh, unattached projection of the same kind and settings (same name, tables and
	// schema, no state), which the runner builds in a scratch database to rebuild or check this one.
	New() Projection
}

// Batcher is implemented by a projection that keeps state in memory across the events of a batch and
// writes it once per batch, which is what makes a rebuild fast. The runner calls Flush after the
// batch's last Apply, in the batch's transaction and before the checkpoint is written, and Discard
// whenever what the projection holds in memory may disagree with its tables: after a batch rolled back,
// and when the runner dropped or replaced the tables.
type Batcher interface {
	// Flush writes what Apply buffered since the last Flush.
	Flush(ctx context.Context, tx *Tx) error
	// Discard forgets everything held in memory; the next Apply reads what it needs again.
	Discard()
}

// namePattern is what a projection's name must look like.
var namePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// errNotAttached is returned by a read method of a projection that no runner has attached.
var errNotAttached = domain.Errorf(domain.EUNAVAILABLE, "The projection is not attached to a database.")

// Tx is the transaction in which a projection applies a batch of events. Its methods are those of
// *sql.Tx, except that each distinct query is prepared once per transaction and then reused, which
// makes a batch of events cost one parse per statement rather than one per event.
type Tx struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

// NewTx wraps tx, for applying events by hand (in tests, or in a tool that repairs a read model).
func NewTx(tx *sql.Tx) *Tx { return &Tx{tx: tx, stmts: make(map[string]*sql.Stmt)} }

// stmt returns the statement of query prepared in the transaction.
func (t *Tx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := t.stmts[query]; ok {
		return s, nil
	}
	s, err := t.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	t.stmts[query] = s
	return s, nil
}

// ExecContext executes a statement that returns no rows.
func (t *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}

// QueryContext executes a query that returns rows.
func (t *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

// QueryRowContext executes a query that returns at most one row. Errors are deferred to the Row's Scan.
func (t *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	s, err := t.stmt(ctx, query)
	if err != nil {
		// Let the transaction report the error through a Row, as *sql.Tx would.
		return t.tx.QueryRowContext(ctx, query, args...)
	}
	return s.QueryRowContext(ctx, args...)
}

// Decoder is implemented by a projection that decodes its events before applying them. The runner calls
// Decode on the goroutine that reads the log, so that decoding one batch overlaps applying the one
// before on another core, and then ApplyDecoded, in the batch's transaction, with what Decode returned
// for the event, instead of Apply. An error from Decode fails the event as an error from Apply would.
// Decode must not touch the projection's state: it runs concurrently with ApplyDecoded and Flush.
type Decoder interface {
	Decode(e domain.RecordedEvent) (any, error)
	ApplyDecoded(ctx context.Context, tx *Tx, e domain.RecordedEvent, decoded any) error
}
