package projections

import (
	"database/sql"
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// busyTimeout is how long a connection waits for a lock held by another connection.
const busyTimeout = 5 * time.Second

// openDB opens the database at path twice: a writer with one connection, whose transactions take the
// write lock when they begin (so that two writers never deadlock upgrading a read lock), and a pool of
// read-only connections that WAL lets run beside it. Every connection syncs fully on commit.
func openDB(path string) (write, read *sql.DB, err error) {
	if path == "" || strings.HasPrefix(path, ":memory:") || strings.HasPrefix(path, "file:") {
		return nil, nil, fmt.Errorf("projections: %q is not a file path", path)
	}
	name := "file:" + (&url.URL{Path: path}).EscapedPath()
	common := url.Values{"_pragma": {
		fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()),
		"synchronous(FULL)",
	}}

	wq := url.Values{"_pragma": append([]string{"journal_mode(WAL)"}, common["_pragma"]...), "_txlock": {"immediate"}}
	if write, err = sql.Open("sqlite", name+"?"+wq.Encode()); err != nil {
		return nil, nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	// Open the writer's connection now: it creates the file and switches it to WAL before any reader
	// connects.
	if err = write.Ping(); err != nil {
		write.Close()
		return nil, nil, fmt.Errorf("projections: open %s: %w", path, err)
	}

	rq := url.Values{"_pragma": append([]string{"query_only(1)"}, common["_pragma"]...)}
	if read, err = sql.Open("sqlite", name+"?"+rq.Encode()); err != nil {
		write.Close()
		return nil, nil, err
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	return write, read, nil
}

// timeLayout stores instants as fixed-width UTC text, so that they sort and compare as strings.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// sqlTime renders t for a TEXT column: NULL for the zero time.
func sqlTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(timeLayout)
}

// parseTime reads an instant stored by sqlTime: the zero time for NULL.
func parseTime(s sql.NullString) (time.Time, error) {
	if !s.Valid || s.String == "" {
		return time.Time{}, nil
	}
	return time.Parse(timeLayout, s.String)
}

// sqlUint converts a position or count to an SQLite INTEGER.
func sqlUint(u uint64) (int64, error) {
	if u > math.MaxInt64 {
		return 0, fmt.Errorf("projections: %d does not fit an SQLite integer", u)
	}
	return int64(u), nil
}

// quoteIdent quotes an SQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
