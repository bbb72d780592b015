// Package accesslog keeps the record of who read a case's personal data (domain.AccessLog): an
// append-only SQLite file of its own, apart from the case streams, holding the reader, the time, the
// case, the route and the parts shown, and nothing else about anyone.
package accesslog

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/predmet/predmet/domain"
)

// Log is the access log in a SQLite file. Triggers refuse every UPDATE and DELETE, so that the log only
// grows; the file is created 0600.
type Log struct {
	write, read *sql.DB
}

var _ domain.AccessLog = (*Log)(nil)

const schema = `
CREATE TABLE IF NOT EXISTS access (
	seq     INTEGER PRIMARY KEY AUTOINCREMENT,
	at      INTEGER NOT NULL,
	reader  TEXT NOT NULL,
	case_id TEXT NOT NULL,
	route   TEXT NOT NULL,
	parts   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS access_at ON access (at);
CREATE INDEX IF NOT EXISTS access_case ON access (case_id, at);
CREATE INDEX IF NOT EXISTS access_reader ON access (reader, at);
CREATE TRIGGER IF NOT EXISTS access_no_update BEFORE UPDATE ON access
	BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS access_no_delete BEFORE DELETE ON access
	BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
`

// Open opens (creating 0600 if needed) the access log at path.
func Open(path string) (*Log, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, fmt.Errorf("access log: %w", err)
		}
		f.Close()
	}
	name := "file:" + (&url.URL{Path: path}).EscapedPath()
	common := []string{"busy_timeout(5000)", "synchronous(FULL)"}
	write, err := sql.Open("sqlite", name+"?"+url.Values{"_pragma": append([]string{"journal_mode(WAL)"}, common...), "_txlock": {"immediate"}}.Encode())
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	write.SetConnMaxLifetime(0)
	if _, err := write.Exec(schema); err != nil {
		write.Close()
		return nil, fmt.Errorf("access log %s: %w", path, err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Chmod(path+suffix, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			write.Close()
			return nil, err
		}
	}
	read, err := sql.Open("sqlite", name+"?"+url.Values{"_pragma": append([]string{"query_only(1)"}, common...)}.Encode())
	if err != nil {
		write.Close()
		return nil, err
	}
	read.SetMaxOpenConns(4)
	return &Log{write: write, read: read}, nil
}

// Close closes the file.
func (l *Log) Close() error { return errors.Join(l.write.Close(), l.read.Close()) }

// Record implements domain.AccessLog.
func (l *Log) Record(ctx context.Context, e domain.AccessEntry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	parts := make([]string, len(e.Parts))
	for i, p := range e.Parts {
		parts[i] = string(p)
	}
	_, err := l.write.ExecContext(ctx, `INSERT INTO access (at, reader, case_id, route, parts) VALUES (?, ?, ?, ?, ?)`,
		e.At.UnixNano(), e.Reader, e.CaseID, e.Route, strings.Join(parts, ","))
	if err != nil {
		return fmt.Errorf("access log: %w", err)
	}
	return nil
}

// Query implements domain.AccessLog.
func (l *Log) Query(ctx context.Context, q domain.AccessQuery) ([]domain.AccessEntry, error) {
	var conds []string
	var args []any
	if !q.From.IsZero() {
		conds, args = append(conds, "at >= ?"), append(args, q.From.UnixNano())
	}
	if !q.To.IsZero() {
		conds, args = append(conds, "at < ?"), append(args, q.To.UnixNano())
	}
	if q.Reader != "" {
		conds, args = append(conds, "reader = ?"), append(args, q.Reader)
	}
	if q.CaseIDs != nil {
		if len(q.CaseIDs) == 0 {
			return []domain.AccessEntry{}, nil
		}
		conds = append(conds, "case_id IN (?"+strings.Repeat(", ?", len(q.CaseIDs)-1)+")")
		for _, id := range q.CaseIDs {
			args = append(args, id)
		}
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	rows, err := l.read.QueryContext(ctx, `SELECT seq, at, reader, case_id, route, parts FROM access`+where+` ORDER BY seq`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.AccessEntry{}
	for rows.Next() {
		var e domain.AccessEntry
		var at int64
		var parts string
		if err := rows.Scan(&e.Seq, &at, &e.Reader, &e.CaseID, &e.Route, &parts); err != nil {
			return nil, err
		}
		e.At = time.Unix(0, at).UTC()
		if parts != "" {
			for p := range strings.SplitSeq(parts, ",") {
				e.Parts = append(e.Parts, domain.Part(p))
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// WriteCSV writes entries as CSV with a header row: seq, at (RFC 3339, UTC), reader, case, route, parts
// (separated by spaces).
func WriteCSV(w io.Writer, entries []domain.AccessEntry) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"seq", "at", "reader", "case", "route", "parts"}); err != nil {
		return err
	}
	for _, e := range entries {
		parts := make([]string, len(e.Parts))
		for i, p := range e.Parts {
			parts[i] = string(p)
		}
		if err := cw.Write([]string{strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano), e.Reader, e.CaseID,
			e.Route, strings.Join(parts, " ")}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
