package activities_test

import (
	"context"
	"testing"
	"time"

	"github.com/predmet/predmet/activities"
	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/eventstore/sqlite"
)

// TestCaseNotes records notes on a case whose workflow runs (a signal, nothing written by the note
// itself) and on one whose workflow has ended (appended to its stream, a failed message once).
func TestCaseNotes(t *testing.T) {
	ctx := context.Background()
	store, err := sqlite.Open(t.TempDir() + "/events.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	received := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	data, err := domain.EncodeEvents(domain.CaseStream("c1"), 0, domain.Metadata{CorrelationID: "c1"},
		&domain.CaseReceived{CaseID: "c1", Kind: domain.KindPetition, Channel: domain.ChannelEmail, Language: domain.Macedonian,
			ReceivedAt: received, Subject: "Улично осветлување", Submitter: domain.Submitter{Name: "Марија Илиевска", Email: "old@example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Append(ctx, domain.CaseStream("c1"), domain.NoStream(), data...); err != nil {
		t.Fatal(err)
	}
	failed := activities.NoteInput{CaseID: "c1", Key: "undelivered/n1",
		Failed: &domain.CaseNotificationFailed{NotificationID: "n1", Kind: domain.NotifyAcknowledgement, Status: domain.NotificationIsFailed, Reason: "550", At: received}}
	contact := activities.NoteInput{CaseID: "c1", Key: "contact/n2",
		Contact: &domain.SubmitterContactCorrected{Email: "new@example.org", By: "elena", At: received}}

	t.Run("OK_RunningCaseIsSignalled", func(t *testing.T) {
		sig := &recordingSignaler{running: true}
		if err := (activities.CaseNotes{Signaler: sig, Store: store}).Record(ctx, contact); err != nil {
			t.Fatal(err)
		}
		if len(sig.got) != 1 || sig.got[0].Contact == nil || sig.got[0].Key != "contact/n2" {
			t.Errorf("signalled %+v", sig.got)
		}
		if c := foldCase(t, store, "c1"); c.Version != 1 {
			t.Errorf("the note wrote to the running case's stream: version %d", c.Version)
		}
	})
	t.Run("OK_EndedCaseIsAppendedTo", func(t *testing.T) {
		notes := activities.CaseNotes{Signaler: &recordingSignaler{}, Store: store}
		for range 2 {
			if err := notes.Record(ctx, failed); err != nil {
				t.Fatal(err)
			}
		}
		if err := notes.Record(ctx, contact); err != nil {
			t.Fatal(err)
		}
		c := foldCase(t, store, "c1")
		if len(c.Undelivered) != 1 || c.Undelivered[0].NotificationID != "n1" {
			t.Errorf("undelivered = %+v, want n1 once", c.Undelivered)
		}
		if c.Submitter.Email != "new@example.org" || c.Version != 3 {
			t.Errorf("submitter's address %q at version %d, want the corrected one at 3", c.Submitter.Email, c.Version)
		}
	})
	t.Run("ErrEmptyNote", func(t *testing.T) {
		err := (activities.CaseNotes{Signaler: &recordingSignaler{}, Store: store}).Record(ctx, activities.NoteInput{CaseID: "c1", Key: "x"})
		if domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("Record = %v, want EINVALID", err)
		}
	})
}

func foldCase(tb testing.TB, store domain.EventStore, id string) *domain.Case {
	tb.Helper()
	events, err := store.ReadStream(context.Background(), domain.CaseStream(id), domain.ReadStreamOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	c, err := domain.FoldCase(events)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}
