package projections

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/predmet/predmet/domain"
)

// caseQueries answers the questions of domain.ReadModels from the casework tables, through the runner's
// read-only database, and only reads: the lists of cases, of requests for input (the sectors' inboxes)
// and of notices (reminders, escalations and overdue cases) here; the due-date tracker in tracker.go;
// the statistics and the Agency's yearly numbers in stats.go.
type caseQueries struct {
	db              *sql.DB // nil until the projection is attached
	loc             *time.Location
	veryOverdueDays int
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

// get answers Casework.Get.
func (qs *caseQueries) get(ctx context.Context, id string) (domain.CaseSummary, error) {
	if qs.db == nil {
		return domain.CaseSummary{}, errNotAttached
	}
	c, err := scanCaseSummary(qs.db.QueryRowContext(ctx, `SELECT `+summaryColumns+` FROM cases WHERE case_id = ?`, id), qs.clockAt(time.Time{}))
	if errors.Is(err, sql.ErrNoRows) {
		return domain.CaseSummary{}, domain.Errorf(domain.ENOTFOUND, "No case with ID %q.", id)
	} else if err != nil {
		return domain.CaseSummary{}, fmt.Errorf("projections: get case %s: %w", id, err)
	}
	return c, nil
}

// cases answers Casework.Cases.
func (qs *caseQueries) cases(ctx context.Context, q domain.CaseQuery) (domain.Page[domain.CaseSummary], error) {
	if qs.db == nil {
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
	k := qs.clockAt(q.Now)
	f, err := caseFilter(q, k, sort)
	if err != nil {
		return domain.Page[domain.CaseSummary]{}, err
	}
	lq := listQuery{columns: summaryColumns, from: "cases", f: f, sort: sort, desc: desc, ties: []string{"case_id"},
		limit: limit, offset: q.Offset}
	page, err := readPage(ctx, qs.db, lq, func(rows *sql.Rows) (domain.CaseSummary, error) { return scanCaseSummary(rows, k) })
	if err != nil {
		return domain.Page[domain.CaseSummary]{}, fmt.Errorf("projections: list cases: %w", err)
	}
	return page, nil
}

// caseFilter returns the conditions on cases of q, placed on the tracker with k and listed in the order
// of sort. It returns EINVALID for a range that ends before it starts.
func caseFilter(q domain.CaseQuery, k dueClock, sort sortColumn) (filter, error) {
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
		return filter{}, err
	}
	if err := timeRange(&f, "due_at", "dueTo", q.DueFrom, q.DueTo); err != nil {
		return filter{}, err
	}
	return f, nil
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

// requests answers Casework.Requests.
func (qs *caseQueries) requests(ctx context.Context, q domain.RequestQuery) (domain.Page[domain.RequestSummary], error) {
	if qs.db == nil {
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
	k := qs.clockAt(q.Now)
	f, err := requestFilter(q, k)
	if err != nil {
		return domain.Page[domain.RequestSummary]{}, err
	}
	lq := listQuery{columns: requestColumns, from: "case_requests", f: f, sort: sort, desc: desc,
		ties: []string{"case_id", "request_id"}, limit: limit, offset: q.Offset}
	page, err := readPage(ctx, qs.db, lq, func(rows *sql.Rows) (domain.RequestSummary, error) { return scanRequest(rows, k) })
	if err != nil {
		return domain.Page[domain.RequestSummary]{}, fmt.Errorf("projections: list requests: %w", err)
	}
	return page, nil
}

// requestFilter returns the conditions on case_requests of q, placed on the tracker with k. It returns
// EINVALID for a range that ends before it starts.
func requestFilter(q domain.RequestQuery, k dueClock) (filter, error) {
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
		return filter{}, err
	}
	return f, nil
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

// notices answers Casework.Notices.
func (qs *caseQueries) notices(ctx context.Context, q domain.NoticeQuery) (domain.Page[domain.NoticeSummary], error) {
	if qs.db == nil {
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
	lq := listQuery{columns: noticeColumns, from: "case_notices", f: f, sort: sort, desc: desc,
		ties: []string{"id", "case_id", "revision"}, limit: limit, offset: q.Offset}
	page, err := readPage(ctx, qs.db, lq, func(rows *sql.Rows) (domain.NoticeSummary, error) { return scanNotice(rows) })
	if err != nil {
		return domain.Page[domain.NoticeSummary]{}, fmt.Errorf("projections: list notices: %w", err)
	}
	return page, nil
}
