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

	// Tables lists the tables the projection owns. Rebuild drops them; no other projection may use them.
	Tables() []string

	// Schema returns the statements that create the projection's tables and indexes. Each must be
	// idempotent (CREATE ... IF NOT EXISTS). The runner keeps a hash of them: when they change, it drops
	// the tables and rebuilds the projection from the start of the log.
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
