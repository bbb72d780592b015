package notify_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/mail"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
	"github.com/predmet/predmet/notify"
)

// MustOpenOutbox opens an outbox in a new file, with an observed logger.
func MustOpenOutbox(tb testing.TB, path string) (*notify.Outbox, *observer.ObservedLogs) {
	tb.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	if path == "" {
		path = filepath.Join(tb.TempDir(), "outbox.db")
	}
	o, err := notify.OpenOutbox(path, zap.New(core))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { o.Close() })
	return o, logs
}

func TestOutboxExactlyOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.db")
	o, logs := MustOpenOutbox(t, path)
	ctx := context.Background()
	_, m := sampleMail(t, MustComposer(t), domain.NotifyAcknowledgement, domain.Albanian,
		mail.Address{Name: "Blerim Aliu", Address: "blerim.aliu@example.mk"})

	for range 2 {
		if err := o.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := o.Count(ctx, notify.OutboxQuery{}); err != nil || n != 1 {
		t.Fatalf("Count = %d, %v; want one message after sending it twice", n, err)
	}
	// A retry after a restart finds it too.
	o.Close()
	o, _ = MustOpenOutbox(t, path)
	if err := o.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	if n, _ := o.Count(ctx, notify.OutboxQuery{}); n != 1 {
		t.Fatalf("Count = %d after a retry across a restart, want 1", n)
	}

	// One line per attempt, naming the message, its kind and language, and nothing personal.
	entries := logs.All()
	if len(entries) != 2 {
		t.Fatalf("%d log lines, want 2", len(entries))
	}
	for _, e := range entries {
		fields := e.ContextMap()
		if fields["messageId"] != m.MessageID || fields["kind"] != "acknowledgement" || fields["language"] != "sq" {
			t.Errorf("log fields %v", fields)
		}
		line := e.Message + fmt.Sprint(fields)
		for _, personal := range []string{"@example.mk", "Blerim", m.Subject} {
			if strings.Contains(line, personal) {
				t.Errorf("the log line holds %q: %s", personal, line)
			}
		}
	}
}

func TestOutboxListAndGet(t *testing.T) {
	o, _ := MustOpenOutbox(t, "")
	ctx := context.Background()
	c := MustComposer(t)
	var sent []notify.Mail
	for _, kind := range []domain.NotificationKind{domain.NotifyReminder, domain.NotifyEscalation, domain.NotifyReminder} {
		for _, lang := range []domain.Language{domain.Macedonian, domain.English} {
			msg, _ := sampleMail(t, c, kind, lang)
			// Each message its own notification, dated in order.
			msg.NotificationID = fmt.Sprintf("%s-%s-%d", kind, lang, len(sent))
			msg.Date = msg.Date.Add(time.Duration(len(sent)) * time.Hour)
			m, err := c.Compose(msg)
			if err != nil {
				t.Fatal(err)
			}
			if err := o.Send(ctx, m); err != nil {
				t.Fatal(err)
			}
			sent = append(sent, m)
		}
	}

	all, err := o.List(ctx, notify.OutboxQuery{})
	if err != nil || len(all) != len(sent) {
		t.Fatalf("List = %d messages, %v; want %d", len(all), err, len(sent))
	}
	for i, got := range all {
		want := sent[len(sent)-1-i] // newest first
		if got.MessageID != want.MessageID || got.Subject != want.Subject || got.Kind != want.Kind || got.Language != want.Language ||
			!got.Date.Equal(want.Date) || got.Text != "" || got.Raw != nil {
			t.Errorf("List[%d] = %+v, want %s without bodies", i, got, want.MessageID)
		}
		if len(got.To) != 1 || got.To[0] != "Марија Стојановска <marija.stojanovska@opstina-primer.example>" ||
			got.From != "Општина Пример <noreply@opstina-primer.example>" {
			t.Errorf("List[%d] addresses %q %q", i, got.From, got.To)
		}
	}

	page, _ := o.List(ctx, notify.OutboxQuery{Kind: domain.NotifyReminder, Language: domain.English, Limit: 1, Offset: 1})
	if len(page) != 1 || page[0].MessageID != sent[1].MessageID {
		t.Errorf("English reminders, second page: %+v, want %s", page, sent[1].MessageID)
	}
	if n, _ := o.Count(ctx, notify.OutboxQuery{Kind: domain.NotifyReminder}); n != 4 {
		t.Errorf("Count(reminders) = %d, want 4", n)
	}
	period, _ := o.List(ctx, notify.OutboxQuery{Since: sent[2].Date, Until: sent[4].Date})
	if len(period) != 2 || period[0].MessageID != sent[3].MessageID || period[1].MessageID != sent[2].MessageID {
		t.Errorf("period: %+v", period)
	}

	for _, id := range []string{sent[2].MessageID, strings.Trim(sent[2].MessageID, "<>")} {
		got, err := o.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Text != sent[2].Text || got.HTML != sent[2].HTML {
			t.Errorf("Get(%s) bodies differ", id)
		}
		raw, _ := sent[2].Bytes()
		if !bytes.Equal(got.Raw, raw) || MustParse(t, got.Raw).Subject != sent[2].Subject {
			t.Errorf("Get(%s) raw message differs", id)
		}
	}
	var notFound *domain.Error
	if _, err := o.Get(ctx, "<missing@opstina-primer.example>"); !errors.As(err, &notFound) || notFound.Code != domain.ENOTFOUND || !i18n.Has(notFound.Format) {
		t.Errorf("Get(missing) = %v, want ENOTFOUND, translated", err)
	}

	for _, tt := range []struct {
		q     notify.OutboxQuery
		field string
	}{
		{notify.OutboxQuery{Limit: notify.MaxOutboxLimit + 1}, "limit"},
		{notify.OutboxQuery{Limit: -1}, "limit"},
		{notify.OutboxQuery{Offset: -1}, "offset"},
		{notify.OutboxQuery{Language: "de"}, "language"},
		{notify.OutboxQuery{Since: sent[4].Date, Until: sent[2].Date}, "until"},
	} {
		_, err := o.List(ctx, tt.q)
		var de *domain.Error
		if domain.ErrorCode(err) != domain.EINVALID || !errors.As(err, &de) || de.Field != tt.field {
			t.Errorf("List(%+v) = %v, want EINVALID on %s", tt.q, err, tt.field)
		} else if !i18n.Has(de.Format) {
			t.Errorf("%q is not translated", de.Format)
		}
	}

	// Purge removes what was stored before the given instant.
	if n, err := o.Purge(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("Purge(an hour ago) = %d, %v", n, err)
	}
	if n, err := o.Purge(ctx, time.Now().Add(time.Second)); err != nil || n != int64(len(sent)) {
		t.Errorf("Purge(now) = %d, %v", n, err)
	}
	if n, _ := o.Count(ctx, notify.OutboxQuery{}); n != 0 {
		t.Errorf("%d messages left after purging", n)
	}
}

func TestOutboxRefusesInvalidMail(t *testing.T) {
	o, logs := MustOpenOutbox(t, "")
	m := testMail()
	m.To = []mail.Address{{Address: "not an address"}}
	err := o.Send(context.Background(), m)
	assertClass(t, err, "permanent")
	if n, _ := o.Count(context.Background(), notify.OutboxQuery{}); n != 0 || logs.Len() != 0 {
		t.Errorf("stored %d, logged %d", n, logs.Len())
	}
}
