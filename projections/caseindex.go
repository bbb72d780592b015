package projections

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/predmet/predmet/domain"
)

// CaseIndexName is the name of the CaseIndex projection.
const CaseIndexName = "case_index"

// Limits of CaseIndex.List.
const (
	// DefaultListLimit is how many rows List returns when the filter sets no limit.
	DefaultListLimit = 100
	// MaxListLimit is the most rows List returns at once.
	MaxListLimit = 1000
)

// CaseIndex is the list of cases as staff search it: one row per case with its kind, status, dates and
// deadline, and no personal data (no names, subjects or texts). It is built from the case streams with
// the same fold as the case workflow's state (domain.Case.Apply): each row keeps that state, without
// personal data, to fold the case's next event into.
type CaseIndex struct {
	db *sql.DB
}

var _ Projection = (*CaseIndex)(nil)

// NewCaseIndex returns the case index projection, to be passed to OpenRunner.
func NewCaseIndex() *CaseIndex { return &CaseIndex{} }

// CaseRow is a case in the index. Instants are in UTC.
type CaseRow struct {
	ID       string          `json:"id"`
	Kind     domain.CaseKind `json:"kind"`
	Status   domain.Status   `json:"status"`
	Sector   string          `json:"sector,omitempty"`
	Channel  domain.Channel  `json:"channel"`
	Language domain.Language `json:"language"`
	// ArchiveNumber is the number in the register, as the register writes it ("08-2112/1"); empty before
	// registration.
	ArchiveNumber string    `json:"archiveNumber,omitempty"`
	ReceivedAt    time.Time `json:"receivedAt"`
	// RegisteredAt and DueAt are zero before registration.
	RegisteredAt time.Time `json:"registeredAt,omitzero"`
	DueAt        time.Time `json:"dueAt,omitzero"`
	Overdue      bool      `json:"overdue"`
	// Version is the number of the case's events applied: the stream's next expected revision.
	Version uint64 `json:"version"`
	// UpdatedAt is when the last applied event was recorded.
	UpdatedAt time.Time `json:"updatedAt"`
}

// Name implements Projection.
func (c *CaseIndex) Name() string { return CaseIndexName }

// Tables implements Projection.
func (c *CaseIndex) Tables() []string { return []string{"cases"} }

// Schema implements Projection.
func (c *CaseIndex) Schema() []string {
	return []string{
		`CREATE TABLE IF NOT EXISTS cases (
			case_id        TEXT PRIMARY KEY,
			kind           TEXT NOT NULL,
			status         TEXT NOT NULL,
			sector         TEXT NOT NULL,
			channel        TEXT NOT NULL,
			language       TEXT NOT NULL,
			archive_number TEXT,
			received_at    TEXT,
			registered_at  TEXT,
			due_at         TEXT,
			overdue        INTEGER NOT NULL,
			version        INTEGER NOT NULL,
			updated_at     TEXT NOT NULL,
			state          TEXT NOT NULL
		)`,
		`CREATE INDEX IF NOT EXISTS cases_due_at ON cases (due_at)`,
		`CREATE INDEX IF NOT EXISTS cases_status ON cases (status, due_at)`,
	}
}

// Filter implements Projection: the case streams.
func (c *CaseIndex) Filter() domain.SubscriptionFilter {
	return domain.SubscriptionFilter{StreamPrefixes: []string{domain.CaseStreamPrefix}}
}

// Attach implements Projection.
func (c *CaseIndex) Attach(db *sql.DB) { c.db = db }

// Apply implements Projection. It folds the event into the case's state with domain.Case.Apply and
// writes the row, skipping an event whose revision is below the row's version (already applied).
// Events of types this version of predmet does not know still count towards the version.
func (c *CaseIndex) Apply(ctx context.Context, tx *Tx, e domain.RecordedEvent) error {
	id, ok := strings.CutPrefix(e.Stream, domain.CaseStreamPrefix)
	if !ok {
		return nil
	}
	var state domain.Case
	var stored string
	var version int64
	err := tx.QueryRowContext(ctx, `SELECT state, version FROM cases WHERE case_id = ?`, id).Scan(&stored, &version)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	case e.Revision < uint64(version):
		return nil
	default:
		if err := json.Unmarshal([]byte(stored), &state); err != nil {
			return fmt.Errorf("case %s: stored state: %w", id, err)
		}
	}

	if ev, err := domain.DecodeEvent(e); err == nil {
		state.Apply(ev)
	} else if domain.IsKnownEventType(e.Type) {
		return err
	}
	state.ID = id
	state.Version = e.Revision + 1
	state = state.WithoutPersonalData()
	b, err := json.Marshal(state)
	if err != nil {
		return err
	}

	row := rowOf(&state, e.Created)
	v, err := sqlUint(row.Version)
	if err != nil {
		return err
	}
	var archive any
	if row.ArchiveNumber != "" {
		archive = row.ArchiveNumber
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO cases (`+caseColumns+`, state)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (case_id) DO UPDATE SET kind = excluded.kind, status = excluded.status,
			sector = excluded.sector, channel = excluded.channel, language = excluded.language,
			archive_number = excluded.archive_number, received_at = excluded.received_at,
			registered_at = excluded.registered_at, due_at = excluded.due_at, overdue = excluded.overdue,
			version = excluded.version, updated_at = excluded.updated_at, state = excluded.state`,
		row.ID, row.Kind, row.Status, row.Sector, row.Channel, row.Language, archive,
		sqlTime(row.ReceivedAt), sqlTime(row.RegisteredAt), sqlTime(row.DueAt), row.Overdue,
		v, sqlTime(row.UpdatedAt), string(b))
	return err
}

// rowOf renders a case's state as its row in the index.
func rowOf(c *domain.Case, updated time.Time) CaseRow {
	row := CaseRow{
		ID: c.ID, Kind: c.Kind, Status: c.Status, Sector: c.Sector, Channel: c.Channel, Language: c.Language,
		ReceivedAt: c.ReceivedAt, DueAt: c.DueAt(), Overdue: c.Overdue, Version: c.Version, UpdatedAt: updated,
	}
	if c.ArchiveNumber != nil {
		row.ArchiveNumber = c.ArchiveNumber.String()
	}
	if c.RegisteredAt != nil {
		row.RegisteredAt = *c.RegisteredAt
	}
	return row
}

// caseColumns are the columns of cases, in the order scanCase reads them.
const caseColumns = `case_id, kind, status, sector, channel, language, archive_number, received_at,
	registered_at, due_at, overdue, version, updated_at`

// scanCase reads a row of cases.
func scanCase(s interface{ Scan(...any) error }) (CaseRow, error) {
	var (
		r                                      CaseRow
		archive, received, registered, due, up sql.NullString
		version                                int64
	)
	err := s.Scan(&r.ID, &r.Kind, &r.Status, &r.Sector, &r.Channel, &r.Language, &archive, &received,
		&registered, &due, &r.Overdue, &version, &up)
	if err != nil {
		return CaseRow{}, err
	}
	r.ArchiveNumber = archive.String
	r.Version = uint64(version)
	for _, t := range []struct {
		dst *time.Time
		src sql.NullString
	}{{&r.ReceivedAt, received}, {&r.RegisteredAt, registered}, {&r.DueAt, due}, {&r.UpdatedAt, up}} {
		if *t.dst, err = parseTime(t.src); err != nil {
			return CaseRow{}, fmt.Errorf("case %s: %w", r.ID, err)
		}
	}
	return r, nil
}

// Get returns the case with the given ID. It returns ENOTFOUND for a case not (yet) in the index.
func (c *CaseIndex) Get(ctx context.Context, id string) (CaseRow, error) {
	if c.db == nil {
		return CaseRow{}, errNotAttached
	}
	row, err := scanCase(c.db.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE case_id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return CaseRow{}, domain.Errorf(domain.ENOTFOUND, "Case %q not found.", id)
	} else if err != nil {
		return CaseRow{}, fmt.Errorf("projections: get case %s: %w", id, err)
	}
	return row, nil
}

// CaseFilter selects cases for CaseIndex.List. Zero fields select everything.
type CaseFilter struct {
	// Kind and Status, when set, select the cases of that kind and in that status.
	Kind   domain.CaseKind
	Status domain.Status
	// Overdue, when set, selects the cases whose deadline passed (true) or did not (false).
	Overdue *bool
	// DueBefore, when set, selects the registered cases due before it.
	DueBefore time.Time
	// Limit is the most rows returned: DefaultListLimit if 0, at most MaxListLimit.
	Limit int
	// Offset skips that many rows.
	Offset int
}

// List returns the cases that f selects, the soonest due first, then the cases without a due date, each
// group in order of receipt. It returns EINVALID for a negative offset or a limit out of range.
func (c *CaseIndex) List(ctx context.Context, f CaseFilter) ([]CaseRow, error) {
	if c.db == nil {
		return nil, errNotAttached
	}
	limit := f.Limit
	switch {
	case limit == 0:
		limit = DefaultListLimit
	case limit < 0 || limit > MaxListLimit:
		return nil, domain.FieldErrorf("limit", "The limit must be between 1 and %d.", MaxListLimit)
	}
	if f.Offset < 0 {
		return nil, domain.FieldErrorf("offset", "The offset must not be negative.")
	}

	var (
		where []string
		args  []any
	)
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.Overdue != nil {
		where, args = append(where, "overdue = ?"), append(args, *f.Overdue)
	}
	if !f.DueBefore.IsZero() {
		where, args = append(where, "due_at < ?"), append(args, sqlTime(f.DueBefore))
	}
	q := `SELECT ` + caseColumns + ` FROM cases`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY due_at IS NULL, due_at, received_at, case_id LIMIT ? OFFSET ?`
	args = append(args, limit, f.Offset)

	rows, err := c.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("projections: list cases: %w", err)
	}
	defer rows.Close()
	out := []CaseRow{}
	for rows.Next() {
		row, err := scanCase(rows)
		if err != nil {
			return nil, fmt.Errorf("projections: list cases: %w", err)
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("projections: list cases: %w", err)
	}
	return out, nil
}
