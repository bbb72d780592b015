package projections

// This file builds the queries of a list's pages: filters, sort orders and the page itself.

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/predmet/predmet/domain"
)

// filter collects the conditions of a query's WHERE clause and their arguments.
type filter struct {
	conds []string
	args  []any
}

// add adds a condition.
func (f *filter) add(cond string, args ...any) {
	f.conds = append(f.conds, cond)
	f.args = append(f.args, args...)
}

// where returns the WHERE clause ("" without conditions).
func (f *filter) where() string {
	if len(f.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(f.conds, " AND ")
}

// with returns a copy of f with one more condition.
func (f filter) with(cond string, args ...any) filter {
	out := filter{conds: append(f.conds[:len(f.conds):len(f.conds)], cond), args: append(f.args[:len(f.args):len(f.args)], args...)}
	return out
}

// inList adds "col IN (...)" for the values, if there are any.
func inList[T ~string](f *filter, col string, values []T) {
	switch len(values) {
	case 0:
	case 1:
		f.add(col+" = ?", string(values[0]))
	default:
		args := make([]any, len(values))
		for i, v := range values {
			args[i] = string(v)
		}
		f.add(col+" IN (?"+strings.Repeat(", ?", len(values)-1)+")", args...)
	}
}

// timeRange adds "from <= col < to" for the bounds that are set. It returns EINVALID (naming toField)
// when to is before from.
func timeRange(f *filter, col, toField string, from, to time.Time) error {
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return domain.FieldErrorf(toField, "The end of the range is before its start.")
	}
	if !from.IsZero() {
		f.add(col+" >= ?", from.UnixNano())
	}
	if !to.IsZero() {
		f.add(col+" < ?", to.UnixNano())
	}
	return nil
}

// pageLimit returns the limit of a page: DefaultPageLimit for 0. It returns EINVALID for a limit out of
// 1..MaxPageLimit or a negative offset.
func pageLimit(limit, offset int) (int, error) {
	switch {
	case limit == 0:
		limit = domain.DefaultPageLimit
	case limit < 0 || limit > domain.MaxPageLimit:
		return 0, domain.FieldErrorf("limit", "The limit must be between 1 and %d.", domain.MaxPageLimit)
	}
	if offset < 0 {
		return 0, domain.FieldErrorf("offset", "The offset must not be negative.")
	}
	return limit, nil
}

// sortColumn is a column a list sorts by.
type sortColumn struct {
	col string
	// nullable columns list the rows without a value last, in either direction.
	nullable bool
}

// sortBy returns the column of the sort field (def if empty, in the direction defDesc) from sorts, or
// EINVALID for an unknown field.
func sortBy(s domain.Sort, sorts map[string]sortColumn, names, def string, defDesc bool) (sortColumn, bool, error) {
	if s.Field == "" {
		return sorts[def], defDesc, nil
	}
	c, ok := sorts[s.Field]
	if !ok {
		return sortColumn{}, false, domain.FieldErrorf("sort", "Unknown sort field %q; use one of %s.", s.Field, names)
	}
	return c, s.Desc, nil
}

// listQuery is a query for one page of a list.
type listQuery struct {
	columns, from string
	f             filter
	sort          sortColumn
	desc          bool
	ties          []string // the columns that break ties, the row's ID
	limit, offset int
}

// page reads the page of q, one more row than its limit to tell whether more follow, with scan reading
// each row. Rows without a value of a nullable sort column come after the others: the page is read from
// the rows with a value and, where those run out, from the rows without.
func (q listQuery) page(ctx context.Context, db *sql.DB, scan func(*sql.Rows) error) (n int, err error) {
	dir := ""
	if q.desc {
		dir = " DESC"
	}
	order := func(cols ...string) string {
		parts := make([]string, len(cols))
		for i, c := range cols {
			parts[i] = c + dir
		}
		return " ORDER BY " + strings.Join(parts, ", ")
	}
	read := func(f filter, orderBy string, limit, offset int) (int, error) {
		rows, err := db.QueryContext(ctx, `SELECT `+q.columns+` FROM `+q.from+f.where()+orderBy+` LIMIT ? OFFSET ?`,
			append(f.args, limit, offset)...)
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			if err := scan(rows); err != nil {
				return n, err
			}
			n++
		}
		return n, rows.Err()
	}
	if !q.sort.nullable {
		return read(q.f, order(append([]string{q.sort.col}, q.ties...)...), q.limit+1, q.offset)
	}

	n, err = read(q.f.with(q.sort.col+" IS NOT NULL"), order(append([]string{q.sort.col}, q.ties...)...), q.limit+1, q.offset)
	if err != nil || n > q.limit {
		return n, err
	}
	// The rows with a value ended on this page (or before it): count them to know where the others start.
	before := q.offset + n
	if n == 0 {
		valued := q.f.with(q.sort.col + " IS NOT NULL")
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+q.from+valued.where(), valued.args...).Scan(&before); err != nil {
			return n, err
		}
	}
	m, err := read(q.f.with(q.sort.col+" IS NULL"), order(q.ties...), q.limit+1-n, max(0, q.offset-before))
	return n + m, err
}

// readPage reads the page of q, with scan reading each row: the page's items, and whether more follow.
func readPage[T any](ctx context.Context, db *sql.DB, q listQuery, scan func(*sql.Rows) (T, error)) (domain.Page[T], error) {
	page := domain.Page[T]{Items: []T{}, Offset: q.offset, Limit: q.limit}
	_, err := q.page(ctx, db, func(rows *sql.Rows) error {
		item, err := scan(rows)
		page.Items = append(page.Items, item)
		return err
	})
	if err != nil {
		return domain.Page[T]{}, err
	}
	if len(page.Items) > q.limit {
		page.Items, page.HasMore = page.Items[:q.limit], true
	}
	return page, nil
}

// joinNames lists names for a message: "a, b, c".
func joinNames[T ~string](names []T) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = string(n)
	}
	return strings.Join(parts, ", ")
}
