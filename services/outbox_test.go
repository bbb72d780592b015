package services_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/predmet/predmet/activities"
	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/internal/testkit"
	"github.com/predmet/predmet/services"
)

// TestOutboxResend sends failed and uncertain notifications again, and refuses what cannot be.
func TestOutboxResend(t *testing.T) {
	ctx := context.Background()
	store := testkit.MustOpenStore(t)
	var notes []activities.NoteInput
	codec := testkit.MustOpenCodec(t)
	s := &services.Outbox{Store: store, Codec: codec, Notes: noteFunc(func(_ context.Context, in activities.NoteInput) error {
		notes = append(notes, in)
		return nil
	})}
	at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	// queue writes a notification and, after its queueing, the given outcome.
	queue := func(id string, kind domain.NotificationKind, outcome domain.Event) {
		t.Helper()
		n := domain.NotificationQueued{ID: id, Kind: kind, CaseID: "c1", Sector: "urbanism", At: at}
		if err := domain.QueueNotification(ctx, store, n); err != nil {
			t.Fatal(err)
		}
		if outcome == nil {
			return
		}
		data, err := domain.EncodeEvents(domain.NotificationStream(id), 1, domain.Metadata{}, outcome)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.Append(ctx, domain.NotificationStream(id), domain.ExpectRevision(1), data...); err != nil {
			t.Fatal(err)
		}
	}
	queue("ack", domain.NotifyAcknowledgement, &domain.NotificationFailed{ID: "ack", Code: 550, Reason: "No such user"})
	queue("rem", domain.NotifyReminder, &domain.NotificationUncertain{ID: "rem", Reason: "lost"})
	queue("sent", domain.NotifyReminder, &domain.NotificationSent{ID: "sent"})
	queue("pending", domain.NotifyReminder, nil)
	actor := domain.Actor{UserID: "elena"}

	t.Run("OK_SubmitterWithCorrectedAddress", func(t *testing.T) {
		n, err := s.Resend(ctx, domain.ResendRequest{ID: "ack", Email: "arta@example.org", Actor: actor})
		if err != nil {
			t.Fatal(err)
		}
		if n.ID != domain.ResendID("ack", 1) || n.ResendOf != "ack" || n.Kind != domain.NotifyAcknowledgement || n.Status != domain.NotificationIsPending {
			t.Errorf("resent = %+v", n)
		}
		if len(notes) != 1 || notes[0].Contact == nil || notes[0].CaseID != "c1" {
			t.Fatalf("notes = %+v, want the corrected address recorded on the case", notes)
		}
		// The address travels sealed: the note holds no address, and opens to it with the case's key.
		if c := notes[0].Contact; c.Email != "" || c.Sealed == nil {
			t.Errorf("the note carries %+v; want the address sealed", c)
		}
		data, err := domain.EncodeEvents(domain.CaseStream("c1"), 1, domain.Metadata{}, notes[0].Contact)
		if err != nil {
			t.Fatal(err)
		}
		opened, state, err := codec.Open(ctx, domain.RecordedEvent{Type: data[0].Type, Data: data[0].Data})
		if err != nil || state != domain.Opened || !strings.Contains(string(opened.Data), "arta@example.org") {
			t.Errorf("the sealed address opens to %s (%v, %v)", opened.Data, state, err)
		}
		again, err := s.Resend(ctx, domain.ResendRequest{ID: "ack", Actor: actor})
		if err != nil || again.ID != n.ID {
			t.Errorf("a second resend = %+v, %v; want the same notification", again, err)
		}
	})
	t.Run("OK_UncertainToStaff", func(t *testing.T) {
		if n, err := s.Resend(ctx, domain.ResendRequest{ID: "rem", Actor: actor}); err != nil || n.ResendOf != "rem" {
			t.Errorf("resend = %+v, %v", n, err)
		}
	})
	for name, tt := range map[string]struct {
		req  domain.ResendRequest
		code string
	}{
		"ErrDelivered":           {domain.ResendRequest{ID: "sent"}, domain.ECONFLICT},
		"ErrStillBeingDelivered": {domain.ResendRequest{ID: "pending"}, domain.ECONFLICT},
		"ErrUnknown":             {domain.ResendRequest{ID: "nosuch"}, domain.ENOTFOUND},
		"ErrStaffAddressGiven":   {domain.ResendRequest{ID: "rem", Email: "goran@example.org"}, domain.EINVALID},
		"ErrMalformedAddress":    {domain.ResendRequest{ID: "ack", Email: "Arta <arta@example.org>"}, domain.EINVALID},
		"ErrNotAnAddressAtAll":   {domain.ResendRequest{ID: "ack", Email: "arta"}, domain.EINVALID},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := s.Resend(ctx, tt.req); domain.ErrorCode(err) != tt.code {
				t.Errorf("Resend(%+v) = %v, want %s", tt.req, err, tt.code)
			}
		})
	}
}

// noteFunc records notes with a function.
type noteFunc func(ctx context.Context, in activities.NoteInput) error

func (f noteFunc) Record(ctx context.Context, in activities.NoteInput) error { return f(ctx, in) }
