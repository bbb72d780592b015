package notify_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/notify"
)

// TestOutboxPurge purges a case's messages on erasure and every message's bodies past the horizon.
func TestOutboxPurge(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "outbox.db")
	o, _ := MustOpenOutbox(t, path)
	send := func(id, caseID string) {
		t.Helper()
		m := testMail()
		m.MessageID = "<" + id + "@example.mk>"
		m.CaseID = caseID
		m.Attachments = []notify.Attachment{{Name: "Одговор.pdf", MediaType: "application/pdf", Data: []byte("%PDF-1.4 x")}}
		if err := o.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	send("a1", "case-a")
	send("a2", "case-a")
	send("b1", "case-b")

	n, err := o.PurgeCase(ctx, "case-a")
	if err != nil || n != 2 {
		t.Fatalf("PurgeCase = %d, %v; want 2", n, err)
	}
	if _, err := o.Get(ctx, "<a1@example.mk>"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("a purged case's message: %v", err)
	}
	if m, err := o.Get(ctx, "<b1@example.mk>"); err != nil || m.Text == "" || len(m.Attachments) != 1 {
		t.Errorf("another case's message after the purge: %+v, %v", m, err)
	}

	n, err = o.PurgeBodies(ctx, time.Now().Add(time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("PurgeBodies = %d, %v; want 1", n, err)
	}
	m, err := o.Get(ctx, "<b1@example.mk>")
	if err != nil || m.PurgedAt == nil || m.Text != "" || m.HTML != "" || len(m.Raw) != 0 || len(m.To) != 0 || m.Subject != "" || len(m.Attachments) != 0 {
		t.Errorf("a message past the horizon: %+v, %v", m, err)
	}
	if n, _ := o.PurgeBodies(ctx, time.Now().Add(time.Minute)); n != 0 {
		t.Errorf("a second PurgeBodies emptied %d", n)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("outbox file mode %v, %v; want 0600", fi.Mode(), err)
	}
}

// TestOutboxMigrates opens an outbox written by the release before case IDs and purges.
func TestOutboxMigrates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	old := `CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
		language TEXT NOT NULL, date TEXT NOT NULL, stored_at TEXT NOT NULL, sender TEXT NOT NULL, recipients TEXT NOT NULL,
		reply_to TEXT NOT NULL, subject TEXT NOT NULL, text TEXT NOT NULL, html TEXT NOT NULL, raw BLOB NOT NULL);
		INSERT INTO outbox (message_id, kind, language, date, stored_at, sender, recipients, reply_to, subject, text, html, raw)
		VALUES ('<old@example.mk>', 'answer', 'mk', '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z',
		'x', '["a@example.mk"]', '', 's', 'body', '', X'00');`
	if _, err := db.Exec(old); err != nil {
		t.Fatal(err)
	}
	db.Close()
	o, _ := MustOpenOutbox(t, path)
	if n, err := o.PurgeBodies(context.Background(), time.Now()); err != nil || n != 1 {
		t.Fatalf("PurgeBodies on a migrated outbox = %d, %v", n, err)
	}
	if m, err := o.Get(context.Background(), "<old@example.mk>"); err != nil || m.PurgedAt == nil || strings.Contains(m.Text, "body") {
		t.Errorf("migrated message = %+v, %v", m, err)
	}
}
