package sqlite

import (
	"context"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/predmet/predmet/domain"
)

var (
	// errStoreClosed ends appends, reads and subscriptions once Close has begun.
	errStoreClosed = domain.Errorf(domain.EUNAVAILABLE, "event store is closed")
	// errSubscriptionClosed ends Recv once the subscription's Close was called.
	errSubscriptionClosed = domain.Errorf(domain.EUNAVAILABLE, "subscription is closed")
)

// wrapErr turns a failure of SQLite into a domain error that also wraps the cause: EUNAVAILABLE when the
// database is busy, locked, full or failing to read or write (the call may be retried), EINTERNAL otherwise.
// Context errors keep their identity for errors.Is and count as EUNAVAILABLE.
func wrapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	code := domain.EINTERNAL
	var se *sqlite.Error
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		code = domain.EUNAVAILABLE
	case errors.As(err, &se):
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL,
			sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PROTOCOL, sqlite3.SQLITE_INTERRUPT:
			code = domain.EUNAVAILABLE
		}
	}
	return fmt.Errorf("%w: %w", domain.Errorf(code, "event store: %s failed", op), err)
}
