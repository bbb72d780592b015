package projections

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
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

// caseSorts are the sort fields of Cases.
var caseSorts = map[string]sortColumn{
	"receivedAt":    {col: "received_at"},
	"dueAt":         {col: "due_at", nullable: true},
	"updatedAt":     {col: "updated_at"},
	"archiveNumber": {col: "archive_key", nullable: true},
}

// summaryColumns are the columns scanCaseSummary reads.
const summaryColumns = `case_id, kind, status, sector, officer, channel, language, archive_number, received_at,
	registered_at, due_at, due_date, open, suspended, outcome, answered_at, closed_at, on_time, open_requests,
	version, updated_at`

// scanCaseSummary reads a row of cases, placing it on the tracker with k.
func scanCaseSummary(s interface{ Scan(...any) error }, k dueClock) (domain.CaseSummary, error) {
	var (
		c                                                        domain.CaseSummary
		archive, outcome                                         sql.NullString
		received, registered, due, dueDate, answered, closed, up sql.NullInt64
		onTime                                                   sql.NullBool
		version                                                  int64
	)
	err := s.Scan(&c.ID, &c.Kind, &c.Status, &c.Sector, &c.Officer, &c.Channel, &c.Language, &archive, &received,
		&registered, &due, &dueDate, &c.Open, &c.Suspended, &outcome, &answered, &closed, &onTime, &c.OpenRequests,
		&version, &up)
	if err != nil {
		return domain.CaseSummary{}, err
	}
	c.ArchiveNumber, c.Outcome = archive.String, domain.Status(outcome.String)
	c.ReceivedAt, c.RegisteredAt, c.DueAt = fromNanos(received), fromNanos(registered), fromNanos(due)
	c.DueDate = fromDateInt(dueDate)
	c.AnsweredAt, c.ClosedAt, c.UpdatedAt = fromNanos(answered), fromNanos(closed), fromNanos(up)
	if onTime.Valid {
		v := onTime.Bool
		c.OnTime = &v
	}
	c.Version = uint64(version)
	c.Bucket, c.DaysOverdue = k.bucket(c.Open, c.Suspended, c.DueAt, c.DueDate)
	return c, nil
}

// Get returns the case with the given ID, placed on the due-date tracker at the current time. It returns
// ENOTFOUND for a case not (yet) in the read model.
func (w *Casework) Get(ctx context.Context, id string) (domain.CaseSummary, error) {
	if w.db == nil {
		return domain.CaseSummary{}, errNotAttached
	}
	c, err := scanCaseSummary(w.db.QueryRowContext(ctx, `SELECT `+summaryColumns+` FROM cases WHERE case_id = ?`, id), w.clockAt(time.Time{}))
	if errors.Is(err, sql.ErrNoRows) {
		return domain.CaseSummary{}, domain.Errorf(domain.ENOTFOUND, "No case with ID %q.", id)
	} else if err != nil {
		return domain.CaseSummary{}, fmt.Errorf("projections: get case %s: %w", id, err)
	}
	return c, nil
}

// Cases implements domain.ReadModels. Rows without a due date (or archive number) come last when sorted
// by it, in either direction.
func (w *Casework) Cases(ctx context.Context, q domain.CaseQuery) (domain.Page[domain.CaseSummary], error) {
	if w.db == nil {
		return domain.Page[domain.CaseSummary]{}, errNotAttached
	}
	limit, err := pageLimit(q.Limit, q.Offset)
	if err != nil {
		return domain.Page[domain.CaseSummary]{}, err
	}
	sort, desc, err := sortBy(q.Sort, caseSorts, "receivedAt, dueAt, updatedAt, archiveNumber", "receivedAt", true)
	if err != nil {
		return domain.Page[domain.CaseSummary]{}, err
	}
	if err := validBuckets("buckets", q.Buckets); err != nil {
		return domain.Page[domain.CaseSummary]{}, err
	}
	k := w.clockAt(q.Now)

	var f filter
	inList(&f, "kind", q.Kinds)
	inList(&f, "status", q.Statuses)
	inList(&f, "sector", q.Sectors)
	inList(&f, "officer", q.Officers)
	inList(&f, "channel", q.Channels)
	inList(&f, "language", q.Languages)
	switch {
	case len(q.Buckets) > 0:
		if q.Open != nil && !*q.Open {
			f.add("0")
		}
		// Without a filter of their own to narrow them, many cases may be in the buckets: walk the
		// list's order rather than sort them all, unless the buckets are narrow or the order is theirs.
		walk := sort.col != "due_at" && len(q.Sectors)+len(q.Officers)+len(q.Kinds) == 0 &&
			slices.ContainsFunc(q.Buckets, func(b domain.DueBucket) bool { return !slices.Contains(narrowBuckets, b) })
		c, args := k.bucketsCond(q.Buckets, "suspended", walk)
		f.add("open = 1 AND due_at IS NOT NULL AND "+c, args...)
	case q.Open != nil && *q.Open:
		f.add("open = 1")
	case q.Open != nil:
		f.add("open = 0")
	}
	if err := timeRange(&f, "received_at", "receivedTo", q.ReceivedFrom, q.ReceivedTo); err != nil {
		return domain.Page[domain.CaseSummary]{}, err
	}
	if err := timeRange(&f, "due_at", "dueTo", q.DueFrom, q.DueTo); err != nil {
		return domain.Page[domain.CaseSummary]{}, err
	}

	page := domain.Page[domain.CaseSummary]{Items: []domain.CaseSummary{}, Offset: q.Offset, Limit: limit}
	lq := listQuery{columns: summaryColumns, from: "cases", f: f, sort: sort, desc: desc, ties: []string{"case_id"},
		limit: limit, offset: q.Offset}
	_, err = lq.page(ctx, w.db, func(rows *sql.Rows) error {
		c, err := scanCaseSummary(rows, k)
		page.Items = append(page.Items, c)
		return err
	})
	if err != nil {
		return domain.Page[domain.CaseSummary]{}, fmt.Errorf("projections: list cases: %w", err)
	}
	if len(page.Items) > limit {
		page.Items, page.HasMore = page.Items[:limit], true
	}
	return page, nil
}

// requestSorts are the sort fields of Requests.
var requestSorts = map[string]sortColumn{
	"dueAt":       {col: "due_at", nullable: true},
	"requestedAt": {col: "requested_at"},
	"escalation":  {col: "escalation"},
}

// requestColumns are the columns scanRequest reads.
const requestColumns = `case_id, case_kind, archive_number, request_id, kind, sector, title, required, status,
	requested_at, due_at, due_date, generation, reminders, escalation, level, answered_at`

// scanRequest reads a row of case_requests, placing it on the tracker with k.
func scanRequest(s interface{ Scan(...any) error }, k dueClock) (domain.RequestSummary, error) {
	var (
		r                                     domain.RequestSummary
		archive                               sql.NullString
		requested, due, dueDate, answeredNano sql.NullInt64
	)
	err := s.Scan(&r.CaseID, &r.CaseKind, &archive, &r.ID, &r.Kind, &r.Sector, &r.Title, &r.Required, &r.Status,
		&requested, &due, &dueDate, &r.Generation, &r.Reminders, &r.Escalation, &r.Level, &answeredNano)
	if err != nil {
		return domain.RequestSummary{}, err
	}
	r.ArchiveNumber = archive.String
	r.RequestedAt, r.DueAt, r.DueDate = fromNanos(requested), fromNanos(due), fromDateInt(dueDate)
	r.AnsweredAt = fromNanos(answeredNano)
	r.Bucket, r.DaysOverdue = k.bucket(r.Status == domain.RequestIsOpen, false, r.DueAt, r.DueDate)
	return r, nil
}

// Requests implements domain.ReadModels: by default the open requests, soonest due first.
func (w *Casework) Requests(ctx context.Context, q domain.RequestQuery) (domain.Page[domain.RequestSummary], error) {
	if w.db == nil {
		return domain.Page[domain.RequestSummary]{}, errNotAttached
	}
	limit, err := pageLimit(q.Limit, q.Offset)
	if err != nil {
		return domain.Page[domain.RequestSummary]{}, err
	}
	sort, desc, err := sortBy(q.Sort, requestSorts, "dueAt, requestedAt, escalation", "dueAt", false)
	if err != nil {
		return domain.Page[domain.RequestSummary]{}, err
	}
	if err := validBuckets("buckets", q.Buckets); err != nil {
		return domain.Page[domain.RequestSummary]{}, err
	}
	k := w.clockAt(q.Now)

	var f filter
	statuses := q.Statuses
	if len(statuses) == 0 {
		statuses = []domain.RequestStatus{domain.RequestIsOpen}
	}
	if len(statuses) == 1 && statuses[0] == domain.RequestIsOpen {
		f.add("status = 'open'") // literally, for the partial indexes
	} else {
		inList(&f, "status", statuses)
	}
	inList(&f, "sector", q.Sectors)
	inList(&f, "kind", q.Kinds)
	if q.CaseID != "" {
		f.add("case_id = ?", q.CaseID)
	}
	if len(q.Buckets) > 0 {
		c, args := k.bucketsCond(q.Buckets, "", false)
		f.add("status = 'open' AND due_at IS NOT NULL AND "+c, args...)
	}
	switch {
	case q.Escalated == nil:
	case *q.Escalated:
		f.add("escalation > 0")
	default:
		f.add("escalation = 0")
	}
	if err := timeRange(&f, "due_at", "dueTo", q.DueFrom, q.DueTo); err != nil {
		return domain.Page[domain.RequestSummary]{}, err
	}

	page := domain.Page[domain.RequestSummary]{Items: []domain.RequestSummary{}, Offset: q.Offset, Limit: limit}
	lq := listQuery{columns: requestColumns, from: "case_requests", f: f, sort: sort, desc: desc,
		ties: []string{"case_id", "request_id"}, limit: limit, offset: q.Offset}
	_, err = lq.page(ctx, w.db, func(rows *sql.Rows) error {
		r, err := scanRequest(rows, k)
		page.Items = append(page.Items, r)
		return err
	})
	if err != nil {
		return domain.Page[domain.RequestSummary]{}, fmt.Errorf("projections: list requests: %w", err)
	}
	if len(page.Items) > limit {
		page.Items, page.HasMore = page.Items[:limit], true
	}
	return page, nil
}

// noticeSorts are the sort fields of Notices.
var noticeSorts = map[string]sortColumn{"at": {col: "at"}}

// noticeColumns are the columns scanNotice reads.
const noticeColumns = `id, at, kind, case_id, case_kind, archive_number, request_id, sector, officer, step, level`

// scanNotice reads a row of case_notices.
func scanNotice(s interface{ Scan(...any) error }) (domain.NoticeSummary, error) {
	var (
		n       domain.NoticeSummary
		at      int64
		archive sql.NullString
	)
	err := s.Scan(&n.ID, &at, &n.Kind, &n.CaseID, &n.CaseKind, &archive, &n.RequestID, &n.Sector, &n.Officer, &n.Step, &n.Level)
	if err != nil {
		return domain.NoticeSummary{}, err
	}
	n.At, n.ArchiveNumber = time.Unix(0, at).UTC(), archive.String
	return n, nil
}

// Notices implements domain.ReadModels: by default the newest first.
func (w *Casework) Notices(ctx context.Context, q domain.NoticeQuery) (domain.Page[domain.NoticeSummary], error) {
	if w.db == nil {
		return domain.Page[domain.NoticeSummary]{}, errNotAttached
	}
	limit, err := pageLimit(q.Limit, q.Offset)
	if err != nil {
		return domain.Page[domain.NoticeSummary]{}, err
	}
	sort, desc, err := sortBy(q.Sort, noticeSorts, "at", "at", true)
	if err != nil {
		return domain.Page[domain.NoticeSummary]{}, err
	}
	var f filter
	if q.CaseID != "" {
		f.add("case_id = ?", q.CaseID)
	}
	inList(&f, "kind", q.Kinds)
	inList(&f, "sector", q.Sectors)
	inList(&f, "level", q.Levels)
	if err := timeRange(&f, "at", "to", q.From, q.To); err != nil {
		return domain.Page[domain.NoticeSummary]{}, err
	}

	page := domain.Page[domain.NoticeSummary]{Items: []domain.NoticeSummary{}, Offset: q.Offset, Limit: limit}
	lq := listQuery{columns: noticeColumns, from: "case_notices", f: f, sort: sort, desc: desc,
		ties: []string{"id", "case_id", "revision"}, limit: limit, offset: q.Offset}
	_, err = lq.page(ctx, w.db, func(rows *sql.Rows) error {
		n, err := scanNotice(rows)
		page.Items = append(page.Items, n)
		return err
	})
	if err != nil {
		return domain.Page[domain.NoticeSummary]{}, fmt.Errorf("projections: list notices: %w", err)
	}
	if len(page.Items) > limit {
		page.Items, page.HasMore = page.Items[:limit], true
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
