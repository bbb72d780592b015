package projections

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/predmet/predmet/domain"
)

// caseRows writes the rows of a case that changed since they were last written: its row of cases, the
// rows of its requests in case_requests and its new notices in case_notices. Each row is compared with
// the values it was last written with, so that an unchanged row costs no write and a changed one an
// UPDATE of the columns that changed only. It moves the case in the due-date tallies as its row does.
type caseRows struct {
	loc *time.Location // where months are counted
}

// write writes the rows of en that changed and marks it clean.
func (w *caseRows) write(ctx context.Context, tx *Tx, en *caseEntry) error {
	if en.c.Version > math.MaxInt64 {
		return fmt.Errorf("case %s: version %d does not fit an SQLite integer", en.id, en.c.Version)
	}
	if err := w.writeCase(ctx, tx, en); err != nil {
		return err
	}
	if err := writeRequests(ctx, tx, en); err != nil {
		return err
	}
	if err := writeNotices(ctx, tx, en); err != nil {
		return err
	}
	en.dirty = false
	en.requests = en.requests[:0]
	clear(en.notices)
	en.notices = en.notices[:0]
	return nil
}

// writeCase writes the row of cases of en, if it changed, and moves the case in the tallies.
func (w *caseRows) writeCase(ctx context.Context, tx *Tx, en *caseEntry) error {
	row := w.caseRow(en)
	if err := casesTable.write(ctx, tx, []any{en.id}, row, en.written); err != nil {
		return fmt.Errorf("case %s: write: %w", en.id, err)
	}
	if err := caseTallies.move(ctx, tx, en.written, row); err != nil {
		return fmt.Errorf("case %s: tally: %w", en.id, err)
	}
	en.written = row
	return nil
}

// writeRequests writes the rows of the requests of en marked to be written.
func writeRequests(ctx context.Context, tx *Tx, en *caseEntry) error {
	for _, i := range en.requests {
		r := &en.c.Requests[i]
		vals := en.requestRow(i)
		var old []any
		if i < len(en.writtenRequests) {
			old = en.writtenRequests[i]
		}
		if err := requestsTable.write(ctx, tx, []any{en.id, r.ID}, vals, old); err != nil {
			return fmt.Errorf("case %s: write request %s: %w", en.id, r.ID, err)
		}
		for len(en.writtenRequests) <= i {
			en.writtenRequests = append(en.writtenRequests, nil)
		}
		en.writtenRequests[i] = vals
	}
	return nil
}

// writeNotices inserts the rows of the new notices of en.
func writeNotices(ctx context.Context, tx *Tx, en *caseEntry) error {
	for _, n := range en.notices {
		if err := noticesTable.write(ctx, tx, []any{en.id, int64(n.revision)}, n.row(), nil); err != nil {
			return fmt.Errorf("case %s: write notice %s: %w", en.id, n.ID, err)
		}
	}
	return nil
}

// caseRow returns the values of the case's row in cases, as casesTable orders them.
func (w *caseRows) caseRow(en *caseEntry) []any {
	c := &en.c
	loc := w.loc
	var archive, archiveKey any
	if c.ArchiveNumber != nil {
		archive = c.ArchiveNumber.String()
		archiveKey = fmt.Sprintf("%04d/%s/%010d", c.ArchiveNumber.Year, c.ArchiveNumber.Unit, c.ArchiveNumber.Number)
	}
	var registered time.Time
	if c.RegisteredAt != nil {
		registered = *c.RegisteredAt
	}
	var dueAt time.Time
	var dueDate domain.Date
	var suspended bool
	var extendedAt, clarificationAt time.Time
	if d := c.Deadline; d != nil {
		dueAt, dueDate, suspended = d.DueAt, d.DueDate, d.Suspended
		for _, ch := range d.Changes {
			switch {
			case ch.Kind == domain.ClockExtended && extendedAt.IsZero():
				extendedAt = ch.At
			case ch.Kind == domain.ClockSuspended && ch.Source == domain.SourceClarification && clarificationAt.IsZero():
				clarificationAt = ch.At
			}
		}
	}
	open := isOpen(c)
	var outcome, answerDays, onTime any
	var answeredAt, closedAt, expiredAt time.Time
	if c.AnsweredAt != nil {
		answeredAt = *c.AnsweredAt
		outcome = string(en.outcome)
		answerDays = answeredAt.Sub(c.ReceivedAt).Hours() / 24
	}
	if c.OnTime != nil {
		onTime = boolInt(*c.OnTime)
	}
	if c.ClosedAt != nil {
		closedAt = *c.ClosedAt
	}
	if c.ClarificationExpiredAt != nil {
		expiredAt = *c.ClarificationExpiredAt
	}
	openRequests := 0
	for i := range c.Requests {
		if c.Requests[i].Status == domain.RequestIsOpen {
			openRequests++
		}
	}
	return []any{string(c.Kind), string(c.Status), c.Sector, c.Officer, string(c.Channel), string(c.Language), archive,
		archiveKey, nanos(c.ReceivedAt), month(c.ReceivedAt, loc), nanos(registered), nanos(dueAt), dateInt(dueDate),
		boolInt(open), boolInt(open && suspended), outcome, nanos(answeredAt), month(answeredAt, loc), answerDays, onTime,
		nanos(closedAt), month(closedAt, loc), nanos(extendedAt), nanos(clarificationAt), nanos(expiredAt),
		int64(c.DeadlinesPassed), int64(openRequests), int64(c.Version), en.updated.UnixNano(), c.Person,
		boolInt(c.Erased != nil)}
}

// isOpen reports whether the case's clock matters: registered, not answered and not ended.
func isOpen(c *domain.Case) bool {
	return c.RegisteredAt != nil && c.AnsweredAt == nil && !domain.IsTerminal(c.Status)
}

// requestRow returns the values of the i-th request's row in case_requests, as requestsTable orders them.
func (en *caseEntry) requestRow(i int) []any {
	c := &en.c
	r := &c.Requests[i]
	var archive any
	if c.ArchiveNumber != nil {
		archive = c.ArchiveNumber.String()
	}
	var answered time.Time
	if r.AnsweredAt != nil {
		answered = *r.AnsweredAt
	}
	return []any{string(c.Kind), archive, string(r.Kind), r.Sector, r.Title, boolInt(r.Required), string(r.Status),
		nanos(r.RequestedAt), nanos(r.DueAt), dateInt(r.DueDate), int64(r.Generation), int64(r.Reminders),
		int64(r.Escalation), string(r.Level), nanos(answered)}
}

// row returns the values of the notice's row in case_notices, as noticesTable orders them.
func (n *notice) row() []any {
	var archive any
	if n.ArchiveNumber != "" {
		archive = n.ArchiveNumber
	}
	return []any{n.ID, n.At.UnixNano(), string(n.Kind), string(n.CaseKind), archive, n.RequestID, n.Sector,
		n.Officer, int64(n.Step), string(n.Level)}
}

// readCaseRow returns the values of the row of cases of case id, as casesTable orders them, or nil for
// none.
func readCaseRow(ctx context.Context, tx *Tx, id string) ([]any, error) {
	return casesTable.read(ctx, tx, id)
}

// hasCaseRow reports whether cases has a row of case id.
func hasCaseRow(ctx context.Context, tx *Tx, id string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases WHERE case_id = ?`, id).Scan(&n)
	return n > 0, err
}

// readRequestRows sets the values with which the rows of the requests of en were written, as
// requestsTable orders them, reading them from case_requests.
func readRequestRows(ctx context.Context, tx *Tx, en *caseEntry) error {
	written, err := requestsTable.readChildren(ctx, tx, en.id)
	if err != nil {
		return err
	}
	en.writtenRequests = make([][]any, len(en.c.Requests))
	for i, r := range en.c.Requests {
		en.writtenRequests[i] = written[r.ID]
	}
	return nil
}

// rowTable writes the rows of one table: a new row with an INSERT, a changed one with an UPDATE of the
// columns that changed only, so that SQLite updates only the indexes over them.
type rowTable struct {
	name    string
	keys    []string // the primary key's columns
	cols    []string // the other columns, at most 64
	insert  string
	updates sync.Map // uint64 (the changed columns) -> string
}

// newRowTable returns the writer of table name.
func newRowTable(name string, keys, cols []string) *rowTable {
	all := append(append([]string{}, keys...), cols...)
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = c + " = excluded." + c
	}
	return &rowTable{
		name: name, keys: keys, cols: cols,
		insert: "INSERT INTO " + name + " (" + strings.Join(all, ", ") + ") VALUES (?" + strings.Repeat(", ?", len(all)-1) +
			") ON CONFLICT (" + strings.Join(keys, ", ") + ") DO UPDATE SET " + strings.Join(set, ", "),
	}
}

// read returns the values of the row whose first key column is id, as write takes them, or nil for
// none.
func (t *rowTable) read(ctx context.Context, tx *Tx, id string) ([]any, error) {
	vals := make([]any, len(t.cols))
	dst := make([]any, len(vals))
	for i := range vals {
		dst[i] = &vals[i]
	}
	err := tx.QueryRowContext(ctx, `SELECT `+strings.Join(t.cols, ", ")+` FROM `+t.name+` WHERE `+t.keys[0]+` = ?`, id).Scan(dst...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return vals, nil
}

// readChildren returns the values of the rows of a table with a key of two columns whose first key
// column is parent, as write takes them, by their second key column.
func (t *rowTable) readChildren(ctx context.Context, tx *Tx, parent string) (map[string][]any, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+t.keys[1]+`, `+strings.Join(t.cols, ", ")+
		` FROM `+t.name+` WHERE `+t.keys[0]+` = ?`, parent)
	if err != nil {
		return nil, err
	}
	children := map[string][]any{}
	err = scanAll(rows, func(rows *sql.Rows) error {
		var child string
		vals := make([]any, len(t.cols))
		dst := []any{&child}
		for i := range vals {
			dst = append(dst, &vals[i])
		}
		if err := rows.Scan(dst...); err != nil {
			return err
		}
		children[child] = vals
		return nil
	})
	return children, err
}

// index returns the position of column col among the table's other columns.
func (t *rowTable) index(col string) int {
	i := slices.Index(t.cols, col)
	if i < 0 {
		panic("projections: no column " + col + " in " + t.name)
	}
	return i
}

// update returns the UPDATE of the columns in mask.
func (t *rowTable) update(mask uint64) string {
	if q, ok := t.updates.Load(mask); ok {
		return q.(string)
	}
	var set, where []string
	for i, c := range t.cols {
		if mask&(1<<i) != 0 {
			set = append(set, c+" = ?")
		}
	}
	for _, k := range t.keys {
		where = append(where, k+" = ?")
	}
	q := "UPDATE " + t.name + " SET " + strings.Join(set, ", ") + " WHERE " + strings.Join(where, " AND ")
	t.updates.Store(mask, q)
	return q
}

// write writes the row with key and values vals, given the values old it was last written with (nil for
// a row not in the table).
func (t *rowTable) write(ctx context.Context, tx *Tx, key, vals, old []any) error {
	if old == nil {
		_, err := tx.ExecContext(ctx, t.insert, append(append(make([]any, 0, len(key)+len(vals)), key...), vals...)...)
		return err
	}
	var mask uint64
	args := make([]any, 0, len(vals)+len(key))
	for i, v := range vals {
		if v != old[i] {
			mask |= 1 << i
			args = append(args, v)
		}
	}
	if mask == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, t.update(mask), append(args, key...)...)
	return err
}

// The tables of Casework that the row writer writes, their columns in the order of the values that
// caseRow, requestRow and notice.row return.
var (
	casesTable = newRowTable("cases", []string{"case_id"}, []string{"kind", "status", "sector", "officer", "channel",
		"language", "archive_number", "archive_key", "received_at", "received_month", "registered_at", "due_at", "due_date",
		"open", "suspended", "outcome", "answered_at", "answered_month", "answer_days", "on_time", "closed_at",
		"closed_month", "extended_at", "clarification_at", "clarification_expired_at", "deadlines_passed",
		"open_requests", "version", "updated_at", "person", "erased"})
	requestsTable = newRowTable("case_requests", []string{"case_id", "request_id"}, []string{"case_kind",
		"archive_number", "kind", "sector", "title", "required", "status", "requested_at", "due_at", "due_date",
		"generation", "reminders", "escalation", "level", "answered_at"})
	noticesTable = newRowTable("case_notices", []string{"case_id", "revision"}, []string{"id", "at", "kind",
		"case_kind", "archive_number", "request_id", "sector", "officer", "step", "level"})
)

// The positions of columns in a row of cases, as caseRow returns it.
var (
	colSector    = casesTable.index("sector")
	colOfficer   = casesTable.index("officer")
	colDueAt     = casesTable.index("due_at")
	colDueDate   = casesTable.index("due_date")
	colOpen      = casesTable.index("open")
	colSuspended = casesTable.index("suspended")
	colVersion   = casesTable.index("version")
)
