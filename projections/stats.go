package projections

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/predmet/predmet/domain"
)

// statsKey is a group of the statistics.
type statsKey struct {
	kind   string
	sector string
	month  int64 // yyyymm, 0 when not grouped by month
}

// Statistics implements domain.ReadModels. A case counts as opened in the month it was received, as
// answered (and on time or not) in the month its answer went out, and as closed in the month it ended
// in any way. Rows come ordered by kind, sector and month. The median and the 90th percentile are
// interpolated linearly between the closest ranks (the method of Excel's PERCENTILE.INC and R's
// default, type 7): the p-th percentile of n sorted values x[0..n-1] is x[h] at h = (n-1)p, between the
// neighbouring values when h is fractional. It returns EINVALID for an unknown grouping or a range
// that ends before it starts.
func (w *Casework) Statistics(ctx context.Context, q domain.StatsQuery) ([]domain.StatsRow, error) {
	if w.db == nil {
		return nil, errNotAttached
	}
	var byKind, bySector, byMonth bool
	for _, g := range q.GroupBy {
		switch g {
		case "kind":
			byKind = true
		case "sector":
			bySector = true
		case "month":
			byMonth = true
		default:
			return nil, domain.FieldErrorf("groupBy", "Unknown grouping %q; use one of %s.", g, "kind, sector, month")
		}
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return nil, domain.FieldErrorf("to", "The end of the range is before its start.")
	}
	loc := w.opts.Location

	// group returns the grouped columns (the others as constants) and the months' filter over the
	// month column col.
	group := func(col string) (string, filter) {
		cols := []string{"''", "''", "0"}
		if byKind {
			cols[0] = "kind"
		}
		if bySector {
			cols[1] = "sector"
		}
		if byMonth {
			cols[2] = col
		}
		var f filter
		f.add(col + " IS NOT NULL")
		if !q.From.IsZero() {
			f.add(col+" >= ?", monthKey(q.From, loc))
		}
		if !q.To.IsZero() {
			f.add(col+" < ?", monthKey(q.To, loc))
		}
		inList(&f, "kind", q.Kinds)
		inList(&f, "sector", q.Sectors)
		return strings.Join(cols, ", "), f
	}

	groups := map[statsKey]*domain.StatsRow{}
	row := func(k statsKey) *domain.StatsRow {
		r := groups[k]
		if r == nil {
			r = &domain.StatsRow{Kind: domain.CaseKind(k.kind), Sector: k.sector}
			if k.month != 0 {
				r.Month = fmt.Sprintf("%04d-%02d", k.month/100, k.month%100)
			}
			groups[k] = r
		}
		return r
	}

	for _, c := range []struct {
		col   string
		count func(*domain.StatsRow) *int
	}{
		{"received_month", func(r *domain.StatsRow) *int { return &r.Opened }},
		{"closed_month", func(r *domain.StatsRow) *int { return &r.Closed }},
	} {
		cols, f := group(c.col)
		rows, err := w.db.QueryContext(ctx, `SELECT `+cols+`, COUNT(*) FROM cases`+f.where()+` GROUP BY 1, 2, 3`, f.args...)
		if err != nil {
			return nil, fmt.Errorf("projections: statistics: %w", err)
		}
		err = scanAll(rows, func(rows *sql.Rows) error {
			var k statsKey
			var n int
			if err := rows.Scan(&k.kind, &k.sector, &k.month, &n); err != nil {
				return err
			}
			*c.count(row(k)) = n
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("projections: statistics: %w", err)
		}
	}

	// The answers, each group's sorted by the days they took.
	cols, f := group("answered_month")
	rows, err := w.db.QueryContext(ctx, `SELECT `+cols+`, answer_days, on_time FROM cases`+f.where()+
		` ORDER BY 1, 2, 3, answer_days`, f.args...)
	if err != nil {
		return nil, fmt.Errorf("projections: statistics: %w", err)
	}
	var (
		cur   *domain.StatsRow
		days  []float64
		first = true
		last  statsKey
	)
	done := func() {
		if cur != nil {
			cur.MedianDays, cur.P90Days = percentile(days, 0.5), percentile(days, 0.9)
			cur.OnTimeShare = float64(cur.OnTime) / float64(cur.Answered)
		}
		days = days[:0]
	}
	err = scanAll(rows, func(rows *sql.Rows) error {
		var k statsKey
		var d float64
		var onTime sql.NullBool
		if err := rows.Scan(&k.kind, &k.sector, &k.month, &d, &onTime); err != nil {
			return err
		}
		if first || k != last {
			done()
			cur, last, first = row(k), k, false
		}
		cur.Answered++
		if onTime.Bool {
			cur.OnTime++
		}
		days = append(days, d)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("projections: statistics: %w", err)
	}
	done()

	out := make([]domain.StatsRow, 0, len(groups))
	keys := make([]statsKey, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b statsKey) int {
		return cmp.Or(strings.Compare(a.kind, b.kind), strings.Compare(a.sector, b.sector), cmp.Compare(a.month, b.month))
	})
	for _, k := range keys {
		out = append(out, *groups[k])
	}
	return out, nil
}

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

// percentile returns the p-th percentile (0 <= p <= 1) of the sorted values, interpolated linearly
// between the closest ranks (type 7): 0 without values.
func percentile(sorted []float64, p float64) float64 {
	switch len(sorted) {
	case 0:
		return 0
	case 1:
		return sorted[0]
	}
	h := float64(len(sorted)-1) * p
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-lo)*(sorted[i+1]-sorted[i])
}

// FirstFOIYear is the first year FOIReport reports on.
const FirstFOIYear = 2000

// FOIReport implements domain.ReadModels over the cases of kind public_information, with the year's
// bounds in the projection's location. What happened in the year (received, answered, ended, extended,
// clarification asked or expired) is counted by when it happened; CarriedOver and Unresolved are the
// requests neither answered nor ended at the year's start and end. It returns EINVALID for a year
// before FirstFOIYear or after the current one.
func (w *Casework) FOIReport(ctx context.Context, year int) (domain.FOIReport, error) {
	if w.db == nil {
		return domain.FOIReport{}, errNotAttached
	}
	loc := w.opts.Location
	if current := time.Now().In(loc).Year(); year < FirstFOIYear || year > current {
		return domain.FOIReport{}, domain.FieldErrorf("year", "The year must be between %d and %d.", FirstFOIYear, current)
	}
	start := time.Date(year, time.January, 1, 0, 0, 0, 0, loc).UnixNano()
	end := time.Date(year+1, time.January, 1, 0, 0, 0, 0, loc).UnixNano()

	r := domain.FOIReport{Year: year}
	in := func(col string) string { return "(" + col + " >= ?1 AND " + col + " < ?2)" }
	unresolvedAt := func(p string) string {
		return "(received_at < " + p + " AND (answered_at IS NULL OR answered_at >= " + p + ") AND (closed_at IS NULL OR closed_at >= " + p + "))"
	}
	ended := func(s domain.Status) string { return "SUM(" + in("closed_at") + " AND status = '" + string(s) + "')" }
	answered := func(s domain.Status) string {
		return "SUM(" + in("answered_at") + " AND outcome = '" + string(s) + "')"
	}
	query := `SELECT COUNT(*),
			SUM(` + in("received_at") + `), SUM(` + unresolvedAt("?1") + `),
			` + answered(domain.StatusAnswered) + `, ` + answered(domain.StatusAnsweredInPart) + `, ` + answered(domain.StatusRefused) + `,
			` + ended(domain.StatusForwarded) + `, ` + ended(domain.StatusWithdrawn) + `, ` + ended(domain.StatusRejected) + `,
			` + ended(domain.StatusMerged) + `, SUM(` + unresolvedAt("?2") + `),
			SUM(` + in("answered_at") + ` AND on_time = 1), SUM(` + in("answered_at") + ` AND on_time = 0),
			SUM(` + in("extended_at") + `), SUM(` + in("clarification_at") + `), SUM(` + in("clarification_expired_at") + `)
		FROM cases WHERE kind = ?3`
	var total int
	counts := []*int{&r.Received, &r.CarriedOver, &r.Granted, &r.GrantedInPart, &r.Refused, &r.Forwarded, &r.Withdrawn,
		&r.Rejected, &r.Merged, &r.Unresolved, &r.OnTime, &r.Late, &r.Extended, &r.ClarificationRequested, &r.ClarificationExpired}
	dst := []any{&total}
	sums := make([]sql.NullInt64, len(counts))
	for i := range sums {
		dst = append(dst, &sums[i])
	}
	if err := w.db.QueryRowContext(ctx, query, start, end, string(domain.KindPublicInformation)).Scan(dst...); err != nil {
		return domain.FOIReport{}, fmt.Errorf("projections: FOI report %d: %w", year, err)
	}
	for i, c := range counts {
		*c = int(sums[i].Int64)
	}

	rows, err := w.db.QueryContext(ctx, `SELECT answer_days FROM cases
		WHERE answered_month >= ? AND answered_month < ? AND kind = ? ORDER BY answer_days`,
		year*100+1, (year+1)*100+1, string(domain.KindPublicInformation))
	if err != nil {
		return domain.FOIReport{}, fmt.Errorf("projections: FOI report %d: %w", year, err)
	}
	var days []float64
	err = scanAll(rows, func(rows *sql.Rows) error {
		var d float64
		err := rows.Scan(&d)
		days = append(days, d)
		return err
	})
	if err != nil {
		return domain.FOIReport{}, fmt.Errorf("projections: FOI report %d: %w", year, err)
	}
	r.MedianDays = percentile(days, 0.5)
	return r, nil
}
