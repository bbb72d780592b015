package projections

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/predmet/predmet/domain"
)

// NotificationsName is the name of the Notifications projection.
const NotificationsName = "notifications"

// Notifications is the outbox as staff read it: one row per notification with where its delivery
// stands, from the notification streams. It only reads: queueing notifications and starting their
// deliveries is the dispatcher's (package dispatch).
type Notifications struct {
	db *sql.DB
}

var _ Projection = (*Notifications)(nil)

// Name implements Projection.
func (p *Notifications) Name() string { return NotificationsName }

// Tables implements Projection.
func (p *Notifications) Tables() []string { return []string{"notifications"} }

// Schema implements Projection.
func (p *Notifications) Schema() []string {
	return []string{
		`CREATE TABLE IF NOT EXISTS notifications (
			id         TEXT PRIMARY KEY,
			kind       TEXT NOT NULL,
			case_id    TEXT NOT NULL,
			request_id TEXT NOT NULL,
			sector     TEXT NOT NULL,
			level      TEXT NOT NULL,
			step       INTEGER NOT NULL,
			recipient  TEXT NOT NULL,
			date       TEXT NOT NULL,
			resend_of  TEXT NOT NULL,
			status     TEXT NOT NULL,
			attempts   INTEGER NOT NULL,
			last_error TEXT NOT NULL,
			code       INTEGER NOT NULL,
			transport  TEXT NOT NULL,
			message_id TEXT NOT NULL,
			language   TEXT NOT NULL,
			recipients TEXT NOT NULL,
			queued_at  TEXT NOT NULL,
			sent_at    TEXT,
			updated_at TEXT NOT NULL,
			version    INTEGER NOT NULL
		)`,
		`CREATE INDEX IF NOT EXISTS notifications_queued ON notifications (queued_at DESC, id)`,
		`CREATE INDEX IF NOT EXISTS notifications_status ON notifications (status, queued_at DESC)`,
		`CREATE INDEX IF NOT EXISTS notifications_case ON notifications (case_id, queued_at DESC)`,
	}
}

// Filter implements Projection: the notification streams.
func (p *Notifications) Filter() domain.SubscriptionFilter {
	return domain.SubscriptionFilter{StreamPrefixes: []string{domain.NotificationStream("")}}
}

// Attach implements Projection.
func (p *Notifications) Attach(db *sql.DB) { p.db = db }

// New implements Projection.
func (p *Notifications) New() Projection { return &Notifications{} }

// Apply implements Projection.
func (p *Notifications) Apply(ctx context.Context, tx *Tx, e domain.RecordedEvent) error {
	id, ok := strings.CutPrefix(e.Stream, domain.NotificationStream(""))
	if !ok || !domain.IsKnownEventType(e.Type) {
		return nil
	}
	var version int64 = -1
	err := tx.QueryRowContext(ctx, `SELECT version FROM notifications WHERE id = ?`, id).Scan(&version)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if int64(e.Revision) <= version {
		return nil // applied already
	}
	ev, err := domain.DecodeEvent(e)
	if err != nil {
		return err
	}
	up := sqlTime(e.Created)
	rev := int64(e.Revision)
	switch ev := ev.(type) {
	case *domain.NotificationQueued:
		date := ""
		if !ev.Date.IsZero() {
			date = ev.Date.String()
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO notifications (id, kind, case_id, request_id, sector, level, step,
			recipient, date, resend_of, status, attempts, last_error, code, transport, message_id, language, recipients,
			queued_at, sent_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '', 0, '', '', '', '', ?, NULL, ?, ?)`,
			id, ev.Kind, ev.CaseID, ev.RequestID, ev.Sector, ev.Level, ev.Step, ev.Recipient, date, ev.ResendOf,
			domain.NotificationIsPending, up, up, rev)
	case *domain.NotificationAttempted:
		_, err = tx.ExecContext(ctx, `UPDATE notifications SET status = ?, attempts = ?, transport = ?, message_id = ?,
			language = ?, recipients = ?, updated_at = ?, version = ? WHERE id = ?`,
			domain.NotificationIsSending, ev.Attempt, ev.Transport, ev.MessageID, ev.Language,
			strings.Join(ev.Recipients, ","), up, rev, id)
	case *domain.NotificationSent:
		_, err = tx.ExecContext(ctx, `UPDATE notifications SET status = ?, last_error = '', code = 0, sent_at = ?,
			updated_at = ?, version = ? WHERE id = ?`, domain.NotificationIsSent, sqlTime(ev.At), up, rev, id)
	case *domain.NotificationAttemptFailed:
		_, err = tx.ExecContext(ctx, `UPDATE notifications SET status = ?, last_error = ?, updated_at = ?, version = ?
			WHERE id = ?`, domain.NotificationIsPending, ev.Reason, up, rev, id)
	case *domain.NotificationFailed:
		_, err = tx.ExecContext(ctx, `UPDATE notifications SET status = ?, last_error = ?, code = ?, updated_at = ?,
			version = ? WHERE id = ?`, domain.NotificationIsFailed, ev.Reason, ev.Code, up, rev, id)
	case *domain.NotificationSkipped:
		_, err = tx.ExecContext(ctx, `UPDATE notifications SET status = ?, last_error = ?, updated_at = ?, version = ?
			WHERE id = ?`, domain.NotificationIsSkipped, ev.Reason, up, rev, id)
	case *domain.NotificationUncertain:
		_, err = tx.ExecContext(ctx, `UPDATE notifications SET status = ?, last_error = ?, updated_at = ?, version = ?
			WHERE id = ?`, domain.NotificationIsUncertain, ev.Reason, up, rev, id)
	default:
		_, err = tx.ExecContext(ctx, `UPDATE notifications SET version = ? WHERE id = ?`, rev, id)
	}
	return err
}

// notificationColumns are the columns of notifications, in the order scanNotification reads them.
const notificationColumns = `id, kind, case_id, request_id, sector, level, step, recipient, date, resend_of, status,
	attempts, last_error, code, transport, message_id, language, recipients, queued_at, sent_at, updated_at`

func scanNotification(s interface{ Scan(...any) error }) (domain.NotificationSummary, error) {
	var (
		r                 domain.NotificationSummary
		queued, sent, upd sql.NullString
	)
	err := s.Scan(&r.ID, &r.Kind, &r.CaseID, &r.RequestID, &r.Sector, &r.Level, &r.Step, &r.Recipient, &r.Date,
		&r.ResendOf, &r.Status, &r.Attempts, &r.LastError, &r.Code, &r.Transport, &r.MessageID, &r.Language,
		&r.Recipients, &queued, &sent, &upd)
	if err != nil {
		return r, err
	}
	for _, t := range []struct {
		dst *time.Time
		src sql.NullString
	}{{&r.QueuedAt, queued}, {&r.SentAt, sent}, {&r.UpdatedAt, upd}} {
		if *t.dst, err = parseTime(t.src); err != nil {
			return r, err
		}
	}
	return r, nil
}

// Get returns the notification with the given ID (ENOTFOUND when it is not, or not yet, in the outbox).
func (p *Notifications) Get(ctx context.Context, id string) (domain.NotificationSummary, error) {
	if p.db == nil {
		return domain.NotificationSummary{}, errNotAttached
	}
	row, err := scanNotification(p.db.QueryRowContext(ctx, `SELECT `+notificationColumns+` FROM notifications WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return row, domain.Errorf(domain.ENOTFOUND, "No notification with ID %q.", id)
	}
	return row, err
}

// List returns the notifications q selects, the most recently queued first. It returns EINVALID for a
// limit out of range or a negative offset.
func (p *Notifications) List(ctx context.Context, q domain.NotificationQuery) (domain.Page[domain.NotificationSummary], error) {
	page := domain.Page[domain.NotificationSummary]{Items: []domain.NotificationSummary{}, Offset: q.Offset, Limit: q.Limit}
	if p.db == nil {
		return page, errNotAttached
	}
	switch {
	case q.Limit == 0:
		page.Limit = domain.DefaultPageLimit
	case q.Limit < 0 || q.Limit > domain.MaxPageLimit:
		return page, domain.FieldErrorf("limit", "The limit must be between 1 and %d.", domain.MaxPageLimit)
	}
	if q.Offset < 0 {
		return page, domain.FieldErrorf("offset", "The offset must not be negative.")
	}
	var (
		where []string
		args  []any
	)
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		where = append(where, col+" IN ("+strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",")+")")
		for _, v := range vals {
			args = append(args, v)
		}
	}
	in("status", stringsOf(q.Statuses))
	in("kind", stringsOf(q.Kinds))
	if q.CaseID != "" {
		in("case_id", []string{q.CaseID})
	}
	query := `SELECT ` + notificationColumns + ` FROM notifications`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += ` ORDER BY queued_at DESC, id LIMIT ? OFFSET ?`
	args = append(args, page.Limit+1, q.Offset)
	rows, err := p.db.QueryContext(ctx, query, args...)
	if err != nil {
		return page, fmt.Errorf("projections: list notifications: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanNotification(rows)
		if err != nil {
			return page, fmt.Errorf("projections: list notifications: %w", err)
		}
		page.Items = append(page.Items, r)
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("projections: list notifications: %w", err)
	}
	if len(page.Items) > page.Limit {
		page.Items, page.HasMore = page.Items[:page.Limit], true
	}
	return page, nil
}

// stringsOf converts a slice of a string type to strings.
func stringsOf[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
