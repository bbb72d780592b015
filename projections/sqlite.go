package projections

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/predmet/predmet/domain"
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

// scratchCacheKiB is the page cache of a scratch database, in KiB.
const scratchCacheKiB = 256 << 10

// openScratchDB creates a database at path, deleting whatever was there, for building a read model that
// is thrown away if the process stops: one connection that holds the file exclusively, keeps its
// rollback journal in memory, never syncs and has a big page cache. Transactions still roll back, but a
// crash leaves the file corrupt, which is why nothing opens it again but ATTACH, after it is closed.
func openScratchDB(path string) (*sql.DB, error) {
	if err := removeDB(path); err != nil {
		return nil, err
	}
	name := "file:" + (&url.URL{Path: path}).EscapedPath()
	q := url.Values{"_pragma": {
		"journal_mode(MEMORY)",
		"synchronous(OFF)",
		"locking_mode(EXCLUSIVE)",
		"temp_store(MEMORY)",
		fmt.Sprintf("cache_size(%d)", -scratchCacheKiB),
	}, "_txlock": {"immediate"}}
	db, err := sql.Open("sqlite", name+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("projections: open %s: %w", path, err)
	}
	return db, nil
}

// removeDB deletes the database file at path and its journals, if they exist.
func removeDB(path string) error {
	var errs []error
	for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
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

// nanos renders an instant for an INTEGER column: NULL for the zero time.
func nanos(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// fromNanos reads an instant written by nanos, in UTC: the zero time for NULL.
func fromNanos(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}

// dateInt renders a date as the INTEGER yyyymmdd: NULL for the zero date.
func dateInt(d domain.Date) any {
	if d.IsZero() {
		return nil
	}
	return dateKey(d)
}

// dateKey is the yyyymmdd of d.
func dateKey(d domain.Date) int64 { return int64(d.Year)*10000 + int64(d.Month)*100 + int64(d.Day) }

// fromDateInt reads a date written by dateInt.
func fromDateInt(n sql.NullInt64) domain.Date {
	if !n.Valid {
		return domain.Date{}
	}
	return domain.Date{Year: int(n.Int64 / 10000), Month: time.Month(n.Int64 / 100 % 100), Day: int(n.Int64 % 100)}
}

// month renders the month of t in loc as the INTEGER yyyymm: NULL for the zero time.
func month(t time.Time, loc *time.Location) any {
	if t.IsZero() {
		return nil
	}
	return monthKey(t, loc)
}

// monthKey is the yyyymm of t in loc.
func monthKey(t time.Time, loc *time.Location) int64 {
	y, m, _ := t.In(loc).Date()
	return int64(y)*100 + int64(m)
}

// boolInt renders a boolean as SQLite does.
func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
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

// scanAll calls scan for every row and closes rows.
func scanAll(rows *sql.Rows, scan func(*sql.Rows) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
