package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/predmet/predmet/domain"
)

// migrations are the schema changes in order. migrations[i] takes the schema from version i to i+1; the
// version is kept in PRAGMA user_version. Append new changes; never edit a released one.
var migrations = []string{
	// Version 1. events.position is the rowid: the global log in commit order. Positions are assigned by the
	// writer inside its transaction, densely from 1, and never reused. UNIQUE(stream, revision) is also the
	// index that stream reads and idempotency checks use.
	`CREATE TABLE streams (
		name          TEXT    PRIMARY KEY,
		last_revision INTEGER NOT NULL
	) WITHOUT ROWID;
	CREATE TABLE events (
		position     INTEGER PRIMARY KEY,
		stream       TEXT    NOT NULL,
		revision     INTEGER NOT NULL,
		event_id     TEXT    NOT NULL,
		type         TEXT    NOT NULL,
		content_type TEXT    NOT NULL,
		data         BLOB    NOT NULL,
		metadata     BLOB    NOT NULL,
		created      INTEGER NOT NULL, -- Unix nanoseconds
		UNIQUE (stream, revision)
	);`,
}

// migrate brings the schema to the newest version in one transaction.
func migrate(ctx context.Context, conn *sql.Conn) (err error) {
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		return wrapErr("migrate", err)
	}
	defer func() {
		if err != nil {
			_, _ = conn.ExecContext(ctx, `ROLLBACK`)
		}
	}()

	var version int
	if err := conn.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return wrapErr("migrate", err)
	}
	if version > len(migrations) {
		return domain.Errorf(domain.EINTERNAL, "event store schema version %d is newer than this program's %d", version, len(migrations))
	}
	for i := version; i < len(migrations); i++ {
		if _, err := conn.ExecContext(ctx, migrations[i]); err != nil {
			return wrapErr(fmt.Sprintf("migrate to version %d", i+1), err)
		}
	}
	if version < len(migrations) {
		// PRAGMA takes no parameters; the value is our own constant.
		if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, len(migrations))); err != nil {
			return wrapErr("migrate", err)
		}
	}
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		return wrapErr("migrate", err)
	}
	return nil
}

// eventColumns are the columns scanEvents reads, in order.
const eventColumns = `position, stream, revision, event_id, type, content_type, data, metadata, created`

// writeStmts are the writer's statements, prepared on its connection.
type writeStmts struct {
	begin, commit, rollback *sql.Stmt
	maxPosition             *sql.Stmt
	streamRevision          *sql.Stmt
	putStream               *sql.Stmt
	eventsBetween           *sql.Stmt
	insertEvent             *sql.Stmt
}

func (w *writeStmts) prepare(ctx context.Context, conn *sql.Conn) error {
	return prepareAll(ctx, conn, []stmtDef{
		{&w.begin, `BEGIN IMMEDIATE`},
		{&w.commit, `COMMIT`},
		{&w.rollback, `ROLLBACK`},
		{&w.maxPosition, `SELECT COALESCE(MAX(position), 0) FROM events`},
		{&w.streamRevision, `SELECT last_revision FROM streams WHERE name = ?`},
		{&w.putStream, `INSERT INTO streams (name, last_revision) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET last_revision = excluded.last_revision`},
		{&w.eventsBetween, `SELECT revision, event_id, position FROM events
			WHERE stream = ? AND revision >= ? AND revision <= ? ORDER BY revision`},
		{&w.insertEvent, `INSERT INTO events (` + eventColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`},
	})
}

func (w *writeStmts) close() error {
	return closeAll(w.begin, w.commit, w.rollback, w.maxPosition, w.streamRevision, w.putStream, w.eventsBetween, w.insertEvent)
}

// readStmts are the statements of the read pool.
type readStmts struct {
	streamRevision  *sql.Stmt
	streamForwards  *sql.Stmt
	streamBackwards *sql.Stmt
	allForwards     *sql.Stmt
	allBackwards    *sql.Stmt
}

func (r *readStmts) prepare(ctx context.Context, db *sql.DB) error {
	return prepareAll(ctx, db, []stmtDef{
		{&r.streamRevision, `SELECT last_revision FROM streams WHERE name = ?`},
		{&r.streamForwards, `SELECT ` + eventColumns + ` FROM events
			WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`},
		{&r.streamBackwards, `SELECT ` + eventColumns + ` FROM events
			WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`},
		{&r.allForwards, `SELECT ` + eventColumns + ` FROM events
			WHERE position >= ? ORDER BY position LIMIT ?`},
		{&r.allBackwards, `SELECT ` + eventColumns + ` FROM events
			WHERE position <= ? ORDER BY position DESC LIMIT ?`},
	})
}

func (r *readStmts) close() error {
	return closeAll(r.streamRevision, r.streamForwards, r.streamBackwards, r.allForwards, r.allBackwards)
}

// stmtDef is a statement to prepare and where to keep it.
type stmtDef struct {
	stmt  **sql.Stmt
	query string
}

// prepareAll prepares every statement on conn (a connection or a pool).
func prepareAll(ctx context.Context, conn interface {
	PrepareContext(context.Context, string) (*sql.Stmt, error)
}, defs []stmtDef) error {
	for _, d := range defs {
		stmt, err := conn.PrepareContext(ctx, d.query)
		if err != nil {
			return wrapErr("prepare", err)
		}
		*d.stmt = stmt
	}
	return nil
}

// closeAll closes the statements that were prepared and returns the first error.
func closeAll(stmts ...*sql.Stmt) error {
	var first error
	for _, stmt := range stmts {
		if stmt != nil {
			if err := stmt.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}
