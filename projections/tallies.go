package projections

import (
	"context"
	"database/sql"

	"github.com/predmet/predmet/domain"
)

// dueTallies keeps the running counts of the due-date tracker: the open cases with a deadline counted by
// due date, apart for clocks that stand still, per sector (case_due_sectors) and per officer
// (case_due_officers). The row writer moves a case in them whenever its row of cases changes where it
// counts; the due board adds them up instead of reading every open case, which makes it grow with the
// days cases fall due on rather than with the cases.
type dueTallies struct {
	bySector, byOfficer tallyTable
}

// caseTallies are the tallies of Casework.
var caseTallies = dueTallies{
	bySector:  newTallyTable("case_due_sectors", "sector"),
	byOfficer: newTallyTable("case_due_officers", "officer"),
}

// dueKey is where an open case with a deadline counts in the tallies.
type dueKey struct {
	sector, officer    string
	suspended, dueDate int64
}

// dueKeyOf returns the tally key of a row of cases (as caseRow returns it), if it counts.
func dueKeyOf(row []any) (dueKey, bool) {
	if row == nil || row[colOpen] != int64(1) || row[colDueAt] == nil || row[colDueDate] == nil {
		return dueKey{}, false
	}
	return dueKey{sector: row[colSector].(string), officer: row[colOfficer].(string),
		suspended: row[colSuspended].(int64), dueDate: row[colDueDate].(int64)}, true
}

// move moves a case in the tallies from where its row of cases old counted to where its row now counts
// (either nil for none).
func (d *dueTallies) move(ctx context.Context, tx *Tx, old, now []any) error {
	from, wasCounted := dueKeyOf(old)
	to, counts := dueKeyOf(now)
	if wasCounted == counts && from == to {
		return nil
	}
	for _, t := range [...]*tallyTable{&d.bySector, &d.byOfficer} {
		if wasCounted {
			if err := t.remove(ctx, tx, from); err != nil {
				return err
			}
		}
		if counts {
			if err := t.add(ctx, tx, to); err != nil {
				return err
			}
		}
	}
	return nil
}

// read adds up the tallies at k: the counts by bucket per sector and per officer, and their totals
// added to totals. A case due today counts as due today, even once its due instant has passed.
func (d *dueTallies) read(ctx context.Context, db *sql.DB, k dueClock, totals *domain.DueCount) (sectors, officers map[string]*domain.DueCount, err error) {
	sectors, officers = map[string]*domain.DueCount{}, map[string]*domain.DueCount{}
	if err := d.bySector.read(ctx, db, k, sectors, totals); err != nil {
		return nil, nil, err
	}
	if err := d.byOfficer.read(ctx, db, k, officers, nil); err != nil {
		return nil, nil, err
	}
	return sectors, officers, nil
}

// tallyTable is one table of the tallies, with its statements.
type tallyTable struct {
	col                                string // what it counts by: sector or officer
	decrement, delete, increment, sums string
}

// newTallyTable returns the tally table name, which counts by column col.
func newTallyTable(name, col string) tallyTable {
	where := ` WHERE ` + col + ` = ? AND suspended = ? AND due_date = ?`
	return tallyTable{
		col:       col,
		decrement: `UPDATE ` + name + ` SET cases = cases - 1` + where + ` AND cases > 1`,
		delete:    `DELETE FROM ` + name + where,
		increment: `INSERT INTO ` + name + ` (` + col + `, suspended, due_date, cases) VALUES (?, ?, ?, 1)
				ON CONFLICT DO UPDATE SET cases = cases + 1`,
		sums: `SELECT ` + col + `, SUM(CASE WHEN suspended = 0 AND due_date <= ?1 THEN cases ELSE 0 END),
		SUM(CASE WHEN suspended = 0 AND due_date > ?1 AND due_date < ?2 THEN cases ELSE 0 END),
		SUM(CASE WHEN suspended = 0 AND due_date = ?2 THEN cases ELSE 0 END),
		SUM(CASE WHEN suspended = 0 AND due_date > ?2 AND due_date <= ?3 THEN cases ELSE 0 END),
		SUM(CASE WHEN suspended = 0 AND due_date > ?3 THEN cases ELSE 0 END),
		SUM(CASE WHEN suspended = 1 THEN cases ELSE 0 END),
		SUM(cases) FROM ` + name + ` GROUP BY ` + col,
	}
}

// key returns the values of the table's key for k.
func (t *tallyTable) key(k dueKey) []any {
	by := k.sector
	if t.col == "officer" {
		by = k.officer
	}
	return []any{by, k.suspended, k.dueDate}
}

// remove takes a case away from the count of k, deleting the count when it was the last.
func (t *tallyTable) remove(ctx context.Context, tx *Tx, k dueKey) error {
	key := t.key(k)
	res, err := tx.ExecContext(ctx, t.decrement, key...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		if _, err := tx.ExecContext(ctx, t.delete, key...); err != nil {
			return err
		}
	}
	return nil
}

// add adds a case to the count of k.
func (t *tallyTable) add(ctx context.Context, tx *Tx, k dueKey) error {
	_, err := tx.ExecContext(ctx, t.increment, t.key(k)...)
	return err
}

// read adds the counts of the table at k to into, by what it counts by, and to total unless nil.
func (t *tallyTable) read(ctx context.Context, db *sql.DB, k dueClock, into map[string]*domain.DueCount, total *domain.DueCount) error {
	rows, err := db.QueryContext(ctx, t.sums, k.veryK, k.todayK, k.weekEndK)
	if err != nil {
		return err
	}
	return scanAll(rows, func(rows *sql.Rows) error {
		var key string
		var n domain.DueCount
		if err := rows.Scan(&key, &n.VeryOverdue, &n.Overdue, &n.Today, &n.ThisWeek, &n.Later, &n.Suspended, &n.Open); err != nil {
			return err
		}
		addCount(countOf(into, key), n)
		if total != nil {
			addCount(total, n)
		}
		return nil
	})
}
