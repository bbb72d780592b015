package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/predmet/predmet/domain"
)

// ReadStream reads up to opts.Max events of stream (all when Max is 0) in opts.Direction, starting at
// revision opts.From (inclusive) or, with opts.FromEnd, at the stream's end. Reading forwards from the end
// or past it returns no events; reading backwards from past the end starts at the last event.
// It returns ENOTFOUND when the stream does not exist and EINVALID for an empty stream name.
func (s *Store) ReadStream(ctx context.Context, stream string, opts domain.ReadStreamOptions) ([]domain.RecordedEvent, error) {
	if err := validateStream(stream); err != nil {
		return nil, err
	}
	if s.isClosed() {
		return nil, errStoreClosed
	}
	// Streams are never deleted, so a stream that exists now still exists when its events are read.
	var last int64
	if err := s.r.streamRevision.QueryRowContext(ctx, stream).Scan(&last); errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "stream %q not found", stream)
	} else if err != nil {
		return nil, s.readErr("read stream", err)
	}

	from := clampInt64(opts.From)
	var stmt *sql.Stmt
	switch opts.Direction {
	case domain.Forwards:
		stmt = s.r.streamForwards
		if opts.FromEnd {
			return []domain.RecordedEvent{}, nil
		}
	case domain.Backwards:
		stmt = s.r.streamBackwards
		if opts.FromEnd {
			from = last
		}
	default:
		return nil, domain.FieldErrorf("direction", "unknown read direction %d", opts.Direction)
	}
	rows, err := stmt.QueryContext(ctx, stream, from, limit(opts.Max))
	if err != nil {
		return nil, s.readErr("read stream", err)
	}
	events, err := scanEvents(rows, "read stream")
	return events, s.readErr("read stream", err)
}

// ReadAll reads up to opts.Max events of the global log (all when Max is 0) in opts.Direction, starting at
// position opts.From (inclusive) or, when From is nil, at the start (forwards) or the end (backwards).
func (s *Store) ReadAll(ctx context.Context, opts domain.ReadAllOptions) ([]domain.RecordedEvent, error) {
	if s.isClosed() {
		return nil, errStoreClosed
	}
	var (
		stmt *sql.Stmt
		from int64
	)
	switch opts.Direction {
	case domain.Forwards:
		stmt = s.r.allForwards
	case domain.Backwards:
		stmt, from = s.r.allBackwards, math.MaxInt64
	default:
		return nil, domain.FieldErrorf("direction", "unknown read direction %d", opts.Direction)
	}
	if opts.From != nil {
		from = clampInt64(opts.From.Commit)
	}
	rows, err := stmt.QueryContext(ctx, from, limit(opts.Max))
	if err != nil {
		return nil, s.readErr("read all", err)
	}
	events, err := scanEvents(rows, "read all")
	return events, s.readErr("read all", err)
}

// readErr wraps a failed read; a read that failed because Close closed the database is EUNAVAILABLE.
func (s *Store) readErr(op string, err error) error {
	if err != nil && s.isClosed() {
		return fmt.Errorf("%w: %w", errStoreClosed, err)
	}
	return wrapErr(op, err)
}

// scanEvents reads rows of eventColumns and closes them.
func scanEvents(rows *sql.Rows, op string) ([]domain.RecordedEvent, error) {
	defer rows.Close()
	events := []domain.RecordedEvent{}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, wrapErr(op, err)
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapErr(op, err)
	}
	return events, nil
}

// scanEvent reads the current row of eventColumns.
func scanEvent(rows *sql.Rows) (domain.RecordedEvent, error) {
	var (
		e       domain.RecordedEvent
		pos     uint64
		created int64
	)
	if err := rows.Scan(&pos, &e.Stream, &e.Revision, &e.ID, &e.Type, &e.ContentType, &e.Data, &e.Metadata, &created); err != nil {
		return domain.RecordedEvent{}, err
	}
	e.Position = domain.Position{Commit: pos, Prepare: pos}
	e.Created = time.Unix(0, created).UTC()
	return e, nil
}

// limit turns Max into a LIMIT: 0 means no limit (-1 in SQLite).
func limit(max uint64) int64 {
	if max == 0 || max > math.MaxInt64 {
		return -1
	}
	return int64(max)
}

// clampInt64 converts a revision or position to SQLite's integer range.
func clampInt64(v uint64) int64 {
	if v > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(v)
}
