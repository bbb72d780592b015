package domain_test

import (
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
)

func TestNotificationResend(t *testing.T) {
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	notification := func(kind domain.NotificationKind, status domain.NotificationStatus) *domain.Notification {
		return &domain.Notification{
			NotificationQueued: domain.NotificationQueued{ID: "n1", Kind: kind, CaseID: "c1", Sector: "urbanism", At: at.Add(-time.Hour)},
			Status:             status,
		}
	}
	elena := domain.Actor{UserID: "elena"}

	t.Run("OK_SubmitterWithCorrectedAddress", func(t *testing.T) {
		again, contact, err := notification(domain.NotifyAcknowledgement, domain.NotificationIsFailed).
			Resend(domain.ResendRequest{ID: "n1", Email: " arta@example.org ", Actor: elena}, at)
		if err != nil {
			t.Fatal(err)
		}
		if again.ID != domain.ResendID("n1", 1) || again.ResendOf != "n1" || again.Kind != domain.NotifyAcknowledgement ||
			again.CaseID != "c1" || again.Sector != "urbanism" || !again.At.Equal(at) {
			t.Errorf("again = %+v", again)
		}
		if contact == nil || contact.Email != "arta@example.org" || contact.By != "elena" || !contact.At.Equal(at) {
			t.Errorf("contact = %+v", contact)
		}
	})
	t.Run("OK_UncertainToStaff", func(t *testing.T) {
		again, contact, err := notification(domain.NotifyReminder, domain.NotificationIsUncertain).Resend(domain.ResendRequest{ID: "n1", Actor: elena}, at)
		if err != nil || again.ResendOf != "n1" || contact != nil {
			t.Errorf("Resend = %+v, %+v, %v", again, contact, err)
		}
	})
	for _, tt := range []struct {
		name   string
		kind   domain.NotificationKind
		status domain.NotificationStatus
		email  string
		code   string
	}{
		{"ErrDelivered", domain.NotifyReminder, domain.NotificationIsSent, "", domain.ECONFLICT},
		{"ErrStillPending", domain.NotifyReminder, domain.NotificationIsPending, "", domain.ECONFLICT},
		{"ErrStillSending", domain.NotifyAnswer, domain.NotificationIsSending, "", domain.ECONFLICT},
		{"ErrSkipped", domain.NotifyAnswer, domain.NotificationIsSkipped, "", domain.ECONFLICT},
		{"ErrStaffAddressGiven", domain.NotifyReminder, domain.NotificationIsUncertain, "goran@example.org", domain.EINVALID},
		{"ErrMalformedAddress", domain.NotifyAcknowledgement, domain.NotificationIsFailed, "Arta <arta@example.org>", domain.EINVALID},
		{"ErrNotAnAddressAtAll", domain.NotifyAnswer, domain.NotificationIsFailed, "arta", domain.EINVALID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := notification(tt.kind, tt.status).Resend(domain.ResendRequest{ID: "n1", Email: tt.email, Actor: elena}, at)
			if domain.ErrorCode(err) != tt.code {
				t.Fatalf("Resend = %v, want %s", err, tt.code)
			}
			mustBeTranslated(t, err)
		})
	}
}
