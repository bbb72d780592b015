package projections_test

import (
	"context"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/internal/testkit"
	"github.com/predmet/predmet/projections"
)

// TestNotifications lists the notifications with where their delivery stands, and only reads: a case
// event that calls for a message queues nothing through the read model (the dispatcher does that).
func TestNotifications(t *testing.T) {
	ctx := context.Background()
	store := testkit.MustOpenStore(t)
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, skopje)
	caseID := "5f0e7c1a-3b2d-4c5e-8f9a-0b1c2d3e4f50"
	data, err := domain.EncodeEvents(domain.CaseStream(caseID), 0, domain.Metadata{CorrelationID: caseID},
		&domain.CaseReceived{CaseID: caseID, Kind: domain.KindPetition, Channel: domain.ChannelEmail, Language: domain.Macedonian, ReceivedAt: at},
		&domain.CaseRegistered{ArchiveNumber: domain.ArchiveNumber{Unit: "08", Year: 2026, Number: 1, Sub: 1}, RegisteredAt: at})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Append(ctx, domain.CaseStream(caseID), domain.NoStream(), data...); err != nil {
		t.Fatal(err)
	}
	// A reminder queued, attempted and sent; an answer queued and refused.
	outcomes := map[string][]domain.Event{
		"reminder": {&domain.NotificationAttempted{ID: "reminder", Attempt: 1, At: at, Transport: "smtp", MessageID: "<m1@predmet>",
			Recipients: []string{"head:urbanism"}, Language: domain.Macedonian}, &domain.NotificationSent{ID: "reminder", Attempt: 1, At: at.Add(time.Second), Transport: "smtp"}},
		"answer": {&domain.NotificationFailed{ID: "answer", Attempt: 1, At: at, Code: 550, Reason: "No such user"}},
	}
	kinds := map[string]domain.NotificationKind{"reminder": domain.NotifyReminder, "answer": domain.NotifyAnswer}
	for _, id := range []string{"reminder", "answer"} {
		if err := domain.QueueNotification(ctx, store, domain.NotificationQueued{ID: id, Kind: kinds[id], CaseID: caseID, Sector: "urbanism", At: at}); err != nil {
			t.Fatal(err)
		}
		data, err := domain.EncodeEvents(domain.NotificationStream(id), 1, domain.Metadata{}, outcomes[id]...)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.Append(ctx, domain.NotificationStream(id), domain.ExpectRevision(1), data...); err != nil {
			t.Fatal(err)
		}
	}

	outbox := &projections.Notifications{}
	r := MustOpenRunner(t, "", store, outbox)
	Start(t, r)
	WaitCaughtUp(t, r, projections.NotificationsName, LastPosition(t, store))

	page, err := outbox.List(ctx, domain.NotificationQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 2 {
		t.Fatalf("outbox = %+v, want the reminder and the answer only", page.Items)
	}
	sent, err := outbox.Get(ctx, "reminder")
	if err != nil || sent.Status != domain.NotificationIsSent || sent.Recipients != "head:urbanism" || sent.Transport != "smtp" || sent.SentAt.IsZero() {
		t.Errorf("reminder = %+v (%v)", sent, err)
	}
	failed, err := outbox.Get(ctx, "answer")
	if err != nil || failed.Status != domain.NotificationIsFailed || failed.Code != 550 || failed.LastError != "No such user" {
		t.Errorf("answer = %+v (%v)", failed, err)
	}
	// The case's registration called for an acknowledgement: the read model queued none.
	all, err := store.ReadAll(ctx, domain.ReadAllOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		if e.Type == domain.EventNotificationQueued && e.Stream != domain.NotificationStream("reminder") && e.Stream != domain.NotificationStream("answer") {
			t.Errorf("the read model queued %s", e.Stream)
		}
	}
	if f := outbox.Filter(); len(f.StreamPrefixes) != 1 || f.StreamPrefixes[0] != domain.NotificationStream("") {
		t.Errorf("filter = %+v, want the notification streams only", f)
	}
}
