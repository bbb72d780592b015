package notify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"net/url"
	"os"
	"strings"
	"time"

	"go.uber.org/zap"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/predmet/predmet/domain"
)

// Outbox is the Sender used without a mail server (the embedded default): it keeps every message in a
// SQLite table, where staff read them (GET /api/v1/outbox), and logs one line per message with its
// Message-ID, kind and language: never an address, a subject or a body. A message whose Message-ID is
// already in the outbox is not stored again, so sending again after an unknown outcome is harmless.
// The outbox holds personal data (addresses, names, answers): PurgeCase removes a case's messages when
// its personal data is erased, PurgeBodies empties the messages past the delivery horizon, and Purge
// removes old messages whole. Deleted content is overwritten in the file (SQLite's secure_delete).
type Outbox struct {
	write, read *sql.DB
	log         *zap.Logger
	now         func() time.Time
}

var _ Sender = (*Outbox)(nil)

// outboxBusyTimeout is how long a connection waits for a lock held by another connection.
const outboxBusyTimeout = 5 * time.Second

const outboxSchema = `
CREATE TABLE IF NOT EXISTS outbox (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	message_id TEXT NOT NULL UNIQUE,
	kind       TEXT NOT NULL,
	language   TEXT NOT NULL,
	date       TEXT NOT NULL,
	stored_at  TEXT NOT NULL,
	sender     TEXT NOT NULL,
	recipients TEXT NOT NULL,
	reply_to   TEXT NOT NULL,
	subject    TEXT NOT NULL,
	text       TEXT NOT NULL,
	html       TEXT NOT NULL,
	raw        BLOB NOT NULL,
	case_id    TEXT NOT NULL DEFAULT '',
	purged_at  TEXT
);
CREATE INDEX IF NOT EXISTS outbox_kind ON outbox (kind, seq);
CREATE INDEX IF NOT EXISTS outbox_date ON outbox (date);
CREATE TABLE IF NOT EXISTS outbox_attachments (
	message_id TEXT NOT NULL,
	position   INTEGER NOT NULL,
	name       TEXT NOT NULL,
	media_type TEXT NOT NULL,
	size       INTEGER NOT NULL,
	sha256     TEXT NOT NULL,
	PRIMARY KEY (message_id, position)
);
`

// OpenOutbox opens (creating if needed) the outbox in the SQLite database at path. A nil log logs nothing.
func OpenOutbox(path string, log *zap.Logger) (*Outbox, error) {
	if path == "" || strings.HasPrefix(path, ":memory:") || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("notify: outbox %q is not a file path", path)
	}
	if log == nil {
		log = zap.NewNop()
	}
	name := "file:" + (&url.URL{Path: path}).EscapedPath()
	common := []string{fmt.Sprintf("busy_timeout(%d)", outboxBusyTimeout.Milliseconds()), "synchronous(FULL)", "secure_delete(ON)"}

	wq := url.Values{"_pragma": append([]string{"journal_mode(WAL)"}, common...), "_txlock": {"immediate"}}
	write, err := sql.Open("sqlite", name+"?"+wq.Encode())
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	if _, err := write.Exec(outboxSchema); err != nil {
		write.Close()
		return nil, fmt.Errorf("notify: open outbox %s: %w", path, err)
	}
	if err := migrateOutbox(write); err != nil {
		write.Close()
		return nil, fmt.Errorf("notify: open outbox %s: %w", path, err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Chmod(path+suffix, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			write.Close()
			return nil, err
		}
	}
	rq := url.Values{"_pragma": append([]string{"query_only(1)"}, common...)}
	read, err := sql.Open("sqlite", name+"?"+rq.Encode())
	if err != nil {
		write.Close()
		return nil, err
	}
	read.SetMaxOpenConns(4)
	return &Outbox{write: write, read: read, log: log, now: time.Now}, nil
}

// Close closes the database.
func (o *Outbox) Close() error { return errors.Join(o.write.Close(), o.read.Close()) }

// Send stores m unless a message with its Message-ID is already stored. A message that cannot be
// written is a *PermanentError, as with SMTP; a database failure is temporary.
func (o *Outbox) Send(ctx context.Context, m Mail) error {
	raw, err := m.Bytes()
	if err != nil {
		if IsPermanent(err) {
			return err
		}
		return &PermanentError{Message: domain.ErrorMessage(err), Err: err}
	}
	to := make([]string, len(m.To))
	for i, a := range m.To {
		to[i] = displayAddress(a)
	}
	recipients, err := json.Marshal(to)
	if err != nil {
		return err
	}
	replyTo := ""
	if m.ReplyTo.Address != "" {
		replyTo = displayAddress(m.ReplyTo)
	}
	tx, err := o.write.BeginTx(ctx, nil)
	if err != nil {
		return temporary("outbox", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO outbox
		(message_id, kind, language, date, stored_at, sender, recipients, reply_to, subject, text, html, raw, case_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING`,
		m.MessageID, string(m.Kind), string(m.Language), formatTime(m.Date), formatTime(o.now()),
		displayAddress(m.From), string(recipients), replyTo, strings.TrimSpace(m.Subject), m.Text, m.HTML, raw, m.CaseID)
	if err != nil {
		return temporary("outbox", err)
	}
	fields := []zap.Field{zap.String("messageId", m.MessageID), zap.String("kind", string(m.Kind)), zap.String("language", string(m.Language))}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		o.log.Info("mail already in the outbox", fields...)
		return nil
	}
	for i, a := range m.Attachments {
		sum := sha256.Sum256(a.Data)
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbox_attachments (message_id, position, name, media_type, size, sha256)
			VALUES (?, ?, ?, ?, ?, ?)`, m.MessageID, i+1, a.Name, a.MediaType, len(a.Data), hex.EncodeToString(sum[:])); err != nil {
			return temporary("outbox", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return temporary("outbox", err)
	}
	if len(m.Attachments) > 0 {
		fields = append(fields, zap.Int("attachments", len(m.Attachments)))
	}
	o.log.Info("mail stored in the outbox", fields...)
	return nil
}

// OutboxMail is a message in the outbox.
type OutboxMail struct {
	// Seq numbers the messages in the order they were stored.
	Seq       int64                   `json:"seq"`
	MessageID string                  `json:"messageId"`
	Kind      domain.NotificationKind `json:"kind"`
	Language  domain.Language         `json:"language"`
	// Date is the message's Date header; StoredAt when it reached the outbox.
	Date     time.Time `json:"date"`
	StoredAt time.Time `json:"storedAt"`
	From     string    `json:"from"`
	To       []string  `json:"to"`
	ReplyTo  string    `json:"replyTo,omitempty"`
	Subject  string    `json:"subject"`
	// Text and HTML are the bodies, and Raw the whole message as it would have been sent (RFC 5322):
	// filled by Get, left empty by List.
	Text string `json:"text,omitempty"`
	HTML string `json:"html,omitempty"`
	Raw  []byte `json:"-"`
	// Attachments describes the files sent with the message, in order: filled by Get. Attachment
	// returns their bytes.
	Attachments []OutboxAttachment `json:"attachments,omitempty"`
	// PurgedAt is when the message's addresses and bodies were purged (PurgeBodies); nil while kept.
	PurgedAt *time.Time `json:"purgedAt,omitempty"`
}

// OutboxAttachment describes a file sent with a message in the outbox.
type OutboxAttachment struct {
	// Position numbers the message's attachments from 1.
	Position  int    `json:"position"`
	Name      string `json:"name"`
	MediaType string `json:"mediaType"`
	Size      int64  `json:"size"`
	// SHA256 is the SHA-256 of the file's bytes, in hexadecimal.
	SHA256 string `json:"sha256"`
}

// OutboxQuery selects messages of the outbox, newest first.
type OutboxQuery struct {
	// Limit is the most messages returned: 1 to MaxOutboxLimit; 0 means DefaultOutboxLimit.
	Limit int
	// Offset skips that many messages.
	Offset int
	// Kind and Language, when set, keep only messages of that kind and language.
	Kind     domain.NotificationKind
	Language domain.Language
	// Since and Until, when set, keep messages dated from Since and before Until.
	Since, Until time.Time
}

// Limits of OutboxQuery.
const (
	DefaultOutboxLimit = 50
	MaxOutboxLimit     = 500
)

// Validate checks the query: EINVALID errors naming the field.
func (q OutboxQuery) Validate() error {
	if q.Limit < 0 || q.Limit > MaxOutboxLimit {
		return domain.FieldErrorf("limit", "The limit must be between 1 and %d.", MaxOutboxLimit)
	}
	if q.Offset < 0 {
		return domain.FieldErrorf("offset", "The offset must not be negative.")
	}
	if q.Language != "" && !isLanguage(q.Language) {
		return domain.FieldErrorf("language", "Unknown language %q; use one of %s.", q.Language, "mk, sq, en")
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && q.Until.Before(q.Since) {
		return domain.FieldErrorf("until", "The end of the range is before its start.")
	}
	return nil
}

func isLanguage(l domain.Language) bool {
	for _, x := range domain.Languages {
		if x == l {
			return true
		}
	}
	return false
}

// where renders the query's filters.
func (q OutboxQuery) where() (string, []any) {
	var conds []string
	var args []any
	if q.Kind != "" {
		conds, args = append(conds, "kind = ?"), append(args, string(q.Kind))
	}
	if q.Language != "" {
		conds, args = append(conds, "language = ?"), append(args, string(q.Language))
	}
	if !q.Since.IsZero() {
		conds, args = append(conds, "date >= ?"), append(args, formatTime(q.Since))
	}
	if !q.Until.IsZero() {
		conds, args = append(conds, "date < ?"), append(args, formatTime(q.Until))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

const outboxColumns = `seq, message_id, kind, language, date, stored_at, sender, recipients, reply_to, subject, purged_at`

// List returns the messages the query selects, newest first, without their bodies. Errors: EINVALID
// for an invalid query.
func (o *Outbox) List(ctx context.Context, q OutboxQuery) ([]OutboxMail, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if q.Limit == 0 {
		q.Limit = DefaultOutboxLimit
	}
	where, args := q.where()
	rows, err := o.read.QueryContext(ctx, `SELECT `+outboxColumns+` FROM outbox`+where+
		` ORDER BY seq DESC LIMIT ? OFFSET ?`, append(args, q.Limit, q.Offset)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []OutboxMail{}
	for rows.Next() {
		var m OutboxMail
		if err := scanMail(rows, &m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Count returns how many messages the query's filters select (Limit and Offset aside).
func (o *Outbox) Count(ctx context.Context, q OutboxQuery) (int, error) {
	q.Limit, q.Offset = 0, 0
	if err := q.Validate(); err != nil {
		return 0, err
	}
	where, args := q.where()
	var n int
	err := o.read.QueryRowContext(ctx, `SELECT count(*) FROM outbox`+where, args...).Scan(&n)
	return n, err
}

// Get returns the message with the given Message-ID (with or without its angle brackets), bodies
// included. Errors: ENOTFOUND.
func (o *Outbox) Get(ctx context.Context, messageID string) (OutboxMail, error) {
	if !strings.HasPrefix(messageID, "<") {
		messageID = "<" + messageID + ">"
	}
	row := o.read.QueryRowContext(ctx, `SELECT `+outboxColumns+`, text, html, raw FROM outbox WHERE message_id = ?`, messageID)
	var m OutboxMail
	err := scanMail(row, &m, &m.Text, &m.HTML, &m.Raw)
	if errors.Is(err, sql.ErrNoRows) {
		return OutboxMail{}, domain.Errorf(domain.ENOTFOUND, "No message with Message-ID %s in the outbox.", messageID)
	} else if err != nil {
		return OutboxMail{}, err
	}
	rows, err := o.read.QueryContext(ctx, `SELECT position, name, media_type, size, sha256 FROM outbox_attachments
		WHERE message_id = ? ORDER BY position`, messageID)
	if err != nil {
		return OutboxMail{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var a OutboxAttachment
		if err := rows.Scan(&a.Position, &a.Name, &a.MediaType, &a.Size, &a.SHA256); err != nil {
			return OutboxMail{}, err
		}
		m.Attachments = append(m.Attachments, a)
	}
	return m, rows.Err()
}

// Attachment returns the attachment at position (from 1) of the message with the given Message-ID,
// its bytes read back from the message as it would have been sent. Errors: ENOTFOUND.
func (o *Outbox) Attachment(ctx context.Context, messageID string, position int) (Attachment, error) {
	m, err := o.Get(ctx, messageID)
	if err != nil {
		return Attachment{}, err
	}
	if position < 1 || position > len(m.Attachments) {
		return Attachment{}, domain.Errorf(domain.ENOTFOUND, "The message %s has no attachment %d.", m.MessageID, position)
	}
	data, err := attachmentData(m.Raw, position)
	if err != nil {
		return Attachment{}, fmt.Errorf("notify: outbox message %s, attachment %d: %w", m.MessageID, position, err)
	}
	want := m.Attachments[position-1]
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != want.SHA256 {
		return Attachment{}, fmt.Errorf("notify: outbox message %s, attachment %d: the bytes do not match their SHA-256", m.MessageID, position)
	}
	return Attachment{Name: want.Name, MediaType: want.MediaType, Data: data}, nil
}

// attachmentData reads the bytes of the attachment at position (from 1) from a message that Mail.Bytes
// wrote: the parts of its multipart/mixed body after the first.
func attachmentData(raw []byte, position int) ([]byte, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	ctype, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || ctype != "multipart/mixed" {
		return nil, fmt.Errorf("the message is not multipart/mixed")
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for i := 0; ; i++ {
		part, err := mr.NextRawPart()
		if err != nil {
			return nil, err
		}
		if i == position {
			return io.ReadAll(base64.NewDecoder(base64.StdEncoding, part))
		}
	}
}

// Purge deletes the messages stored before the given instant, their attachments with them, and returns
// how many it deleted.
func (o *Outbox) Purge(ctx context.Context, before time.Time) (int64, error) {
	tx, err := o.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM outbox_attachments WHERE message_id IN
		(SELECT message_id FROM outbox WHERE stored_at < ?)`, formatTime(before)); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE stored_at < ?`, formatTime(before))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	return n, tx.Commit()
}

// CaseMessages returns every message about the case, bodies included, the oldest first: what the
// submitter's copy holds of the outbox.
func (o *Outbox) CaseMessages(ctx context.Context, caseID string) ([]OutboxMail, error) {
	rows, err := o.read.QueryContext(ctx, `SELECT message_id FROM outbox WHERE case_id = ? AND case_id <> '' ORDER BY seq`, caseID)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []OutboxMail{}
	for _, id := range ids {
		m, err := o.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// PurgeCase deletes every message about the case, its attachments with them, and returns how many it
// deleted: what the erasure of the case's personal data asks of the outbox.
func (o *Outbox) PurgeCase(ctx context.Context, caseID string) (int64, error) {
	if caseID == "" {
		return 0, nil
	}
	return o.delete(ctx, `case_id = ?`, caseID)
}

// PurgeBodies empties the messages stored before the given instant that still have their addresses
// and bodies: the recipients, Reply-To, subject, bodies and raw message, and their attachments' names,
// are removed, while the row (its Message-ID, kind, language and dates) stays for the outbox's list. It
// returns how many messages it emptied.
func (o *Outbox) PurgeBodies(ctx context.Context, before time.Time) (int64, error) {
	tx, err := o.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM outbox_attachments WHERE message_id IN
		(SELECT message_id FROM outbox WHERE stored_at < ? AND purged_at IS NULL)`, formatTime(before)); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE outbox SET recipients = '[]', reply_to = '', subject = '', text = '', html = '',
		raw = X'', purged_at = ? WHERE stored_at < ? AND purged_at IS NULL`, formatTime(o.now()), formatTime(before))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	return n, tx.Commit()
}

// delete deletes the messages a condition selects, and their attachments.
func (o *Outbox) delete(ctx context.Context, cond string, args ...any) (int64, error) {
	tx, err := o.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM outbox_attachments WHERE message_id IN
		(SELECT message_id FROM outbox WHERE `+cond+`)`, args...); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE `+cond, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	return n, tx.Commit()
}

// migrateOutbox adds the columns of later releases to an outbox created before them.
func migrateOutbox(db *sql.DB) error {
	rows, err := db.Query(`SELECT name FROM pragma_table_info('outbox')`)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		have[name] = true
	}
	rows.Close()
	for _, col := range []struct{ name, decl string }{{"case_id", "TEXT NOT NULL DEFAULT ''"}, {"purged_at", "TEXT"}} {
		if !have[col.name] {
			if _, err := db.Exec(`ALTER TABLE outbox ADD COLUMN ` + col.name + ` ` + col.decl); err != nil {
				return err
			}
		}
	}
	_, err = db.Exec(`CREATE INDEX IF NOT EXISTS outbox_case ON outbox (case_id) WHERE case_id <> ''`)
	return err
}

func scanMail(row interface{ Scan(...any) error }, m *OutboxMail, more ...any) error {
	var kind, lang, date, stored, recipients string
	var purged sql.NullString
	dest := append([]any{&m.Seq, &m.MessageID, &kind, &lang, &date, &stored, &m.From, &recipients, &m.ReplyTo, &m.Subject, &purged}, more...)
	if err := row.Scan(dest...); err != nil {
		return err
	}
	if purged.Valid {
		t, err := time.Parse(outboxTimeLayout, purged.String)
		if err != nil {
			return err
		}
		m.PurgedAt = &t
	}
	m.Kind, m.Language = domain.NotificationKind(kind), domain.Language(lang)
	var err error
	if m.Date, err = time.Parse(outboxTimeLayout, date); err != nil {
		return err
	}
	if m.StoredAt, err = time.Parse(outboxTimeLayout, stored); err != nil {
		return err
	}
	return json.Unmarshal([]byte(recipients), &m.To)
}

// outboxTimeLayout stores instants as fixed-width UTC text, so that they sort and compare as strings.
const outboxTimeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(outboxTimeLayout) }

// Transport names the sender in a notification's record: "outbox".
func (o *Outbox) Transport() string { return "outbox" }
