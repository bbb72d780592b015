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

// statistics answers Casework.Statistics: the cases opened and closed per group, then the answers.
func (qs *caseQueries) statistics(ctx context.Context, q domain.StatsQuery) ([]domain.StatsRow, error) {
	if qs.db == nil {
		return nil, errNotAttached
	}
	g, err := newStatsGrouping(q, qs.loc)
	if err != nil {
		return nil, err
	}
	groups := statsGroups{}
	if err := qs.countCases(ctx, g, "received_month", groups, func(r *domain.StatsRow) *int { return &r.Opened }); err != nil {
		return nil, fmt.Errorf("projections: statistics: %w", err)
	}
	if err := qs.countCases(ctx, g, "closed_month", groups, func(r *domain.StatsRow) *int { return &r.Closed }); err != nil {
		return nil, fmt.Errorf("projections: statistics: %w", err)
	}
	if err := qs.countAnswers(ctx, g, groups); err != nil {
		return nil, fmt.Errorf("projections: statistics: %w", err)
	}
	return groups.sorted(), nil
}

// statsGrouping is what a statistics query groups by and which cases it counts.
type statsGrouping struct {
	byKind, bySector, byMonth bool
	q                         domain.StatsQuery
	loc                       *time.Location
}

// newStatsGrouping returns the grouping of q, with months in loc. It returns EINVALID for an unknown
// grouping or a range that ends before it starts.
func newStatsGrouping(q domain.StatsQuery, loc *time.Location) (statsGrouping, error) {
	g := statsGrouping{q: q, loc: loc}
	for _, by := range q.GroupBy {
		switch by {
		case "kind":
			g.byKind = true
		case "sector":
			g.bySector = true
		case "month":
			g.byMonth = true
		default:
			return statsGrouping{}, domain.FieldErrorf("groupBy", "Unknown grouping %q; use one of %s.", by, "kind, sector, month")
		}
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return statsGrouping{}, domain.FieldErrorf("to", "The end of the range is before its start.")
	}
	return g, nil
}

// columns returns the grouped columns (the others as constants), and the filter of the cases counted
// by the month column col.
func (g statsGrouping) columns(col string) (string, filter) {
	cols := []string{"''", "''", "0"}
	if g.byKind {
		cols[0] = "kind"
	}
	if g.bySector {
		cols[1] = "sector"
	}
	if g.byMonth {
		cols[2] = col
	}
	var f filter
	f.add(col + " IS NOT NULL")
	if !g.q.From.IsZero() {
		f.add(col+" >= ?", monthKey(g.q.From, g.loc))
	}
	if !g.q.To.IsZero() {
		f.add(col+" < ?", monthKey(g.q.To, g.loc))
	}
	inList(&f, "kind", g.q.Kinds)
	inList(&f, "sector", g.q.Sectors)
	return strings.Join(cols, ", "), f
}

// statsGroups are the rows of the statistics by group.
type statsGroups map[statsKey]*domain.StatsRow

// row returns the row of group k, adding it if missing.
func (m statsGroups) row(k statsKey) *domain.StatsRow {
	r := m[k]
	if r == nil {
		r = &domain.StatsRow{Kind: domain.CaseKind(k.kind), Sector: k.sector}
		if k.month != 0 {
			r.Month = fmt.Sprintf("%04d-%02d", k.month/100, k.month%100)
		}
		m[k] = r
	}
	return r
}

// sorted lists the rows by kind, sector and month.
func (m statsGroups) sorted() []domain.StatsRow {
	keys := make([]statsKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b statsKey) int {
		return cmp.Or(strings.Compare(a.kind, b.kind), strings.Compare(a.sector, b.sector), cmp.Compare(a.month, b.month))
	})
	out := make([]domain.StatsRow, 0, len(m))
	for _, k := range keys {
		out = append(out, *m[k])
	}
	return out
}

// countCases sets, in the row of each group, the count that count points to: the cases counted by the
// month column col.
func (qs *caseQueries) countCases(ctx context.Context, g statsGrouping, col string, groups statsGroups, count func(*domain.StatsRow) *int) error {
	cols, f := g.columns(col)
	rows, err := qs.db.QueryContext(ctx, `SELECT `+cols+`, COUNT(*) FROM cases`+f.where()+` GROUP BY 1, 2, 3`, f.args...)
	if err != nil {
		return err
	}
	return scanAll(rows, func(rows *sql.Rows) error {
		var k statsKey
		var n int
		if err := rows.Scan(&k.kind, &k.sector, &k.month, &n); err != nil {
			return err
		}
		*count(groups.row(k)) = n
		return nil
	})
}

// countAnswers sets the answers of each group: how many, how many on time, and the median and 90th
// percentile of the days they took, read from each group's answers sorted by those days.
func (qs *caseQueries) countAnswers(ctx context.Context, g statsGrouping, groups statsGroups) error {
	cols, f := g.columns("answered_month")
	rows, err := qs.db.QueryContext(ctx, `SELECT `+cols+`, answer_days, on_time FROM cases`+f.where()+
		` ORDER BY 1, 2, 3, answer_days`, f.args...)
	if err != nil {
		return err
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
			cur, last, first = groups.row(k), k, false
		}
		cur.Answered++
		if onTime.Bool {
			cur.OnTime++
		}
		days = append(days, d)
		return nil
	})
	if err != nil {
		return err
	}
	done()
	return nil
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

// foiReport answers Casework.FOIReport: what happened in the year, counted in one pass over the cases
// of kind public_information, then the median of the days their answers took.
func (qs *caseQueries) foiReport(ctx context.Context, year int) (domain.FOIReport, error) {
	if qs.db == nil {
		return domain.FOIReport{}, errNotAttached
	}
	loc := qs.loc
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
	if err := qs.db.QueryRowContext(ctx, query, start, end, string(domain.KindPublicInformation)).Scan(dst...); err != nil {
		return domain.FOIReport{}, fmt.Errorf("projections: FOI report %d: %w", year, err)
	}
	for i, c := range counts {
		*c = int(sums[i].Int64)
	}

	median, err := qs.foiMedianDays(ctx, year)
	if err != nil {
		return domain.FOIReport{}, fmt.Errorf("projections: FOI report %d: %w", year, err)
	}
	r.MedianDays = median
	return r, nil
}

// foiMedianDays returns the median of the days that the answers to requests for public information
// given in the year took.
func (qs *caseQueries) foiMedianDays(ctx context.Context, year int) (float64, error) {
	rows, err := qs.db.QueryContext(ctx, `SELECT answer_days FROM cases
		WHERE answered_month >= ? AND answered_month < ? AND kind = ? ORDER BY answer_days`,
		year*100+1, (year+1)*100+1, string(domain.KindPublicInformation))
	if err != nil {
		return 0, err
	}
	var days []float64
	err = scanAll(rows, func(rows *sql.Rows) error {
		var d float64
		err := rows.Scan(&d)
		days = append(days, d)
		return err
	})
	if err != nil {
		return 0, err
	}
	return percentile(days, 0.5), nil
}
