package projections

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/predmet/predmet/domain"
)

// dueClock places due instants on the due-date tracker at one moment, in the projection's location.
//
// An open case with a deadline falls in exactly one bucket:
//
//   - suspended while its clock stands still (whatever its due instant);
//   - otherwise, once its due instant has passed, very overdue when its due date is at least
//     VeryOverdueDays calendar days before today, else overdue;
//   - otherwise (not yet due) today when due today, this week when due by the end of Sunday, else later.
//
// Requests for input are placed the same way, except that their clock never stands still.
type dueClock struct {
	now      time.Time
	nowN     int64 // now in nanoseconds
	today    domain.Date
	weekEnd  domain.Date // the Sunday that ends this week (today on a Sunday)
	very     domain.Date // the latest due date that is very overdue
	veryDays int

	todayK, weekEndK, veryK int64 // the dates as yyyymmdd
	// afterVery, tomorrow and afterWeek are the nanoseconds at which the days after very, today and
	// weekEnd begin: bounds of the due instants of each bucket, which its index can seek.
	afterVery, tomorrow, afterWeek int64
}

// clockAt returns the tracker's clock at now (the current time if zero).
func (qs *caseQueries) clockAt(now time.Time) dueClock {
	if now.IsZero() {
		now = time.Now()
	}
	today := domain.DateOf(now, qs.loc)
	k := dueClock{
		now: now.UTC(), nowN: now.UnixNano(), today: today, veryDays: qs.veryOverdueDays,
		weekEnd: today.AddDays((7 - int(today.Weekday())) % 7),
		very:    today.AddDays(-qs.veryOverdueDays),
	}
	k.todayK, k.weekEndK, k.veryK = dateKey(k.today), dateKey(k.weekEnd), dateKey(k.very)
	loc := qs.loc
	k.afterVery, k.tomorrow = k.very.AddDays(1).In(loc).UnixNano(), k.today.AddDays(1).In(loc).UnixNano()
	k.afterWeek = k.weekEnd.AddDays(1).In(loc).UnixNano()
	return k
}

// bucket places an open item due at dueAt (on dueDate) and returns how many calendar days its due date
// passed, when it is overdue. Items that are not open or have no due instant have no bucket.
func (k dueClock) bucket(open, suspended bool, dueAt time.Time, dueDate domain.Date) (domain.DueBucket, int) {
	switch {
	case !open || dueAt.IsZero():
		return "", 0
	case suspended:
		return domain.DueSuspended, 0
	case dueAt.UnixNano() < k.nowN:
		days := daysBetween(dueDate, k.today)
		if dateKey(dueDate) <= k.veryK {
			return domain.DueVeryOverdue, days
		}
		return domain.DueOverdue, days
	case dateKey(dueDate) <= k.todayK:
		return domain.DueToday, 0
	case dateKey(dueDate) <= k.weekEndK:
		return domain.DueThisWeek, 0
	}
	return domain.DueLater, 0
}

// daysBetween returns the number of calendar days from a to b.
func daysBetween(a, b domain.Date) int {
	return int(b.In(time.UTC).Sub(a.In(time.UTC)) / (24 * time.Hour))
}

// cond returns the SQL condition that selects the items of bucket b, as bucket does, over the columns
// due_at and due_date and the column suspended ("" for items whose clock never stands still). The
// caller selects the open items with a due instant.
//
// With bounds set, the condition adds the bounds of due_at that follow from those on due_date, so that
// an index over due_at seeks just the bucket's range (a query that counts every open case does without
// them). With walk set, the due columns are written so that SQLite uses no index over them (+due_at):
// the query then walks the index of its order, which finds a page of a bucket that holds many cases
// sooner than sorting all of them.
func (k dueClock) cond(b domain.DueBucket, suspended string, bounds, walk bool) (string, []any) {
	if b == domain.DueSuspended {
		if suspended == "" {
			return "0", nil
		}
		return suspended + " = 1", nil
	}
	dueAt, dueDate := "due_at", "due_date"
	if walk {
		dueAt, dueDate = "+due_at", "+due_date"
	}
	var conds []string
	var args []any
	add := func(cond string, arg any) { conds, args = append(conds, cond), append(args, arg) }
	if suspended != "" {
		conds = append(conds, suspended+" = 0")
	}
	switch b {
	case domain.DueVeryOverdue, domain.DueOverdue:
		add(dueAt+" < ?", k.nowN)
	default:
		add(dueAt+" >= ?", k.nowN)
	}
	switch b {
	case domain.DueVeryOverdue:
		add(dueDate+" <= ?", k.veryK)
		if bounds {
			add(dueAt+" < ?", k.afterVery)
		}
	case domain.DueOverdue:
		add(dueDate+" > ?", k.veryK)
		if bounds {
			add(dueAt+" >= ?", k.afterVery)
		}
	case domain.DueToday:
		add(dueDate+" <= ?", k.todayK)
		if bounds {
			add(dueAt+" < ?", k.tomorrow)
		}
	case domain.DueThisWeek:
		add(dueDate+" > ?", k.todayK)
		add(dueDate+" <= ?", k.weekEndK)
		if bounds {
			add(dueAt+" >= ?", k.tomorrow)
			add(dueAt+" < ?", k.afterWeek)
		}
	default: // domain.DueLater
		add(dueDate+" > ?", k.weekEndK)
		if bounds {
			add(dueAt+" >= ?", k.afterWeek)
		}
	}
	return strings.Join(conds, " AND "), args
}

// bucketsCond returns the condition that selects the items in any of buckets.
func (k dueClock) bucketsCond(buckets []domain.DueBucket, suspended string, walk bool) (string, []any) {
	var conds []string
	var args []any
	for _, b := range buckets {
		c, a := k.cond(b, suspended, true, walk)
		conds, args = append(conds, "("+c+")"), append(args, a...)
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// narrowBuckets are the buckets that hold few cases: those due today or this week.
var narrowBuckets = []domain.DueBucket{domain.DueToday, domain.DueThisWeek}

// validBuckets returns an EINVALID error for an unknown bucket.
func validBuckets(field string, buckets []domain.DueBucket) error {
	for _, b := range buckets {
		if !slices.Contains(domain.DueBuckets, b) {
			return domain.FieldErrorf(field, "Unknown due bucket %q; use one of %s.", string(b), joinNames(domain.DueBuckets))
		}
	}
	return nil
}

// boardSorts are the orders of a DueBoard's lists, by the JSON name of what they sort by.
var boardSorts = map[string]func(domain.DueCount) int{
	"veryOverdue": func(c domain.DueCount) int { return c.VeryOverdue },
	"overdue":     func(c domain.DueCount) int { return c.Overdue },
	"today":       func(c domain.DueCount) int { return c.Today },
	"thisWeek":    func(c domain.DueCount) int { return c.ThisWeek },
	"later":       func(c domain.DueCount) int { return c.Later },
	"suspended":   func(c domain.DueCount) int { return c.Suspended },
	"open":        func(c domain.DueCount) int { return c.Open },
}

// dueBoard answers Casework.DueBoard.
func (qs *caseQueries) dueBoard(ctx context.Context, q domain.DueBoardQuery) (domain.DueBoard, error) {
	if qs.db == nil {
		return domain.DueBoard{}, errNotAttached
	}
	var byCount func(domain.DueCount) int
	switch q.Sort.Field {
	case "", "key":
	default:
		if byCount = boardSorts[q.Sort.Field]; byCount == nil {
			return domain.DueBoard{}, domain.FieldErrorf("sort", "Unknown sort field %q; use one of %s.", q.Sort.Field,
				"key, veryOverdue, overdue, today, thisWeek, later, suspended, open")
		}
	}
	k := qs.clockAt(q.Now)
	board := domain.DueBoard{Now: k.now, Today: k.today, WeekEnd: k.weekEnd, VeryOverdueDays: k.veryDays}
	var sectors, officers map[string]*domain.DueCount
	var err error
	if len(q.Kinds) == 0 && len(q.Sectors) == 0 && len(q.Officers) == 0 {
		sectors, officers, err = qs.boardFromTallies(ctx, k, &board.Totals)
	} else {
		sectors, officers, err = qs.boardFromCases(ctx, k, q, &board.Totals)
	}
	if err != nil {
		return domain.DueBoard{}, fmt.Errorf("projections: due board: %w", err)
	}
	board.BySector = sortedCounts(sectors, byCount, q.Sort.Desc)
	board.ByOfficer = sortedCounts(officers, byCount, q.Sort.Desc)
	return board, nil
}

// boardFromCases counts the open cases that q selects, reading each (from the indexes over open cases).
func (qs *caseQueries) boardFromCases(ctx context.Context, k dueClock, q domain.DueBoardQuery, totals *domain.DueCount) (sectors, officers map[string]*domain.DueCount, err error) {
	var f filter
	f.add("open = 1 AND due_at IS NOT NULL")
	inList(&f, "kind", q.Kinds)
	inList(&f, "sector", q.Sectors)
	inList(&f, "officer", q.Officers)
	var sums []string
	var args []any
	for _, b := range []domain.DueBucket{domain.DueVeryOverdue, domain.DueOverdue, domain.DueToday, domain.DueThisWeek,
		domain.DueLater, domain.DueSuspended} {
		c, a := k.cond(b, "suspended", false, false)
		sums, args = append(sums, "SUM("+c+")"), append(args, a...)
	}
	query := `SELECT sector, officer, ` + strings.Join(sums, ", ") + `, COUNT(*) FROM cases` + f.where() +
		` GROUP BY sector, officer`
	rows, err := qs.db.QueryContext(ctx, query, append(args, f.args...)...)
	if err != nil {
		return nil, nil, err
	}
	sectors, officers = map[string]*domain.DueCount{}, map[string]*domain.DueCount{}
	err = scanAll(rows, func(rows *sql.Rows) error {
		var sector, officer string
		var n domain.DueCount
		if err := rows.Scan(&sector, &officer, &n.VeryOverdue, &n.Overdue, &n.Today, &n.ThisWeek, &n.Later,
			&n.Suspended, &n.Open); err != nil {
			return err
		}
		addCount(totals, n)
		addCount(countOf(sectors, sector), n)
		addCount(countOf(officers, officer), n)
		return nil
	})
	return sectors, officers, err
}

// boardFromTallies counts every open case from the tallies by due date, per sector and per officer,
// which grow with the days open cases are due on rather than with the cases. A tally counts the cases
// due today as due today; those whose due instant has passed already (a clock of hours) are read from
// the cases and moved to overdue.
func (qs *caseQueries) boardFromTallies(ctx context.Context, k dueClock, totals *domain.DueCount) (sectors, officers map[string]*domain.DueCount, err error) {
	if sectors, officers, err = caseTallies.read(ctx, qs.db, k, totals); err != nil {
		return nil, nil, err
	}
	dayStart := k.today.In(qs.loc).UnixNano()
	rows, err := qs.db.QueryContext(ctx, `SELECT sector, officer, COUNT(*) FROM cases
		WHERE open = 1 AND due_at >= ? AND due_at < ? AND due_date = ? AND suspended = 0 GROUP BY sector, officer`,
		dayStart, k.nowN, k.todayK)
	if err != nil {
		return nil, nil, err
	}
	err = scanAll(rows, func(rows *sql.Rows) error {
		var sector, officer string
		var n int
		if err := rows.Scan(&sector, &officer, &n); err != nil {
			return err
		}
		for _, c := range []*domain.DueCount{totals, countOf(sectors, sector), countOf(officers, officer)} {
			c.Today -= n
			c.Overdue += n
		}
		return nil
	})
	return sectors, officers, err
}

// countOf returns the count of key in m, adding it if missing.
func countOf(m map[string]*domain.DueCount, key string) *domain.DueCount {
	c := m[key]
	if c == nil {
		c = &domain.DueCount{Key: key}
		m[key] = c
	}
	return c
}

// addCount adds the counts of n to c.
func addCount(c *domain.DueCount, n domain.DueCount) {
	c.VeryOverdue += n.VeryOverdue
	c.Overdue += n.Overdue
	c.Today += n.Today
	c.ThisWeek += n.ThisWeek
	c.Later += n.Later
	c.Suspended += n.Suspended
	c.Open += n.Open
}

// sortedCounts lists the counts by key, or by byCount most first (then by key).
func sortedCounts(m map[string]*domain.DueCount, byCount func(domain.DueCount) int, desc bool) []domain.DueCount {
	out := make([]domain.DueCount, 0, len(m))
	for _, c := range m {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b domain.DueCount) int {
		if byCount != nil {
			if c := cmp.Compare(byCount(b), byCount(a)); c != 0 {
				return c
			}
			return strings.Compare(a.Key, b.Key)
		}
		if desc {
			return strings.Compare(b.Key, a.Key)
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out
}
