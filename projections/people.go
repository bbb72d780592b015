package projections

import (
	"context"
	"database/sql"
	"time"

	"github.com/predmet/predmet/domain"
)

var _ domain.PersonIndex = (*Casework)(nil)

// CasesOf implements domain.PersonIndex: the cases whose submitter has the pseudonym person, the
// earliest received first.
func (w *Casework) CasesOf(ctx context.Context, person string) ([]string, error) {
	if person == "" {
		return nil, nil
	}
	return w.caseIDs(ctx, `SELECT case_id FROM cases WHERE person = ? AND person <> '' ORDER BY received_at, case_id`, person)
}

// ClosedBefore implements domain.PersonIndex.
func (w *Casework) ClosedBefore(ctx context.Context, kind domain.CaseKind, before time.Time, limit int) ([]string, error) {
	if limit <= 0 {
		limit = domain.MaxPageLimit
	}
	return w.caseIDs(ctx, `SELECT case_id FROM cases WHERE kind = ? AND erased = 0 AND closed_at IS NOT NULL AND closed_at < ?
		ORDER BY closed_at, case_id LIMIT ?`, string(kind), before.UnixNano(), limit)
}

// caseIDs returns the case IDs a query selects.
func (w *Casework) caseIDs(ctx context.Context, query string, args ...any) ([]string, error) {
	db := w.queries.db
	if db == nil {
		return nil, errNotAttached
	}
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	ids := []string{}
	err = scanAll(rows, func(rows *sql.Rows) error {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	})
	return ids, err
}
