package workflows

import (
	"context"
	"net/mail"
	"strings"
	"time"

	"github.com/predmet/predmet/activities"
	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/notify"
)

// NotificationLister reads the outbox's read model (projections.Notifications).
type NotificationLister interface {
	List(ctx context.Context, q domain.NotificationQuery) (domain.Page[domain.NotificationSummary], error)
	Get(ctx context.Context, id string) (domain.NotificationSummary, error)
}

// OutboxService implements domain.OutboxService over the notifications' read model, their streams and,
// without a mail server, the outbox that holds the messages.
type OutboxService struct {
	Notifications NotificationLister
	Store         domain.EventStore
	// Outbox holds the messages when no mail server is configured; nil when one is.
	Outbox *notify.Outbox
	// Notes records a corrected address on the case (activities.Activities.NoteOnCase).
	Notes func(ctx context.Context, in activities.NoteInput) error
}

var _ domain.OutboxService = (*OutboxService)(nil)

// List implements domain.OutboxService.
func (s *OutboxService) List(ctx context.Context, q domain.NotificationQuery) (domain.Page[domain.NotificationSummary], error) {
	return s.Notifications.List(ctx, q)
}

// Get implements domain.OutboxService. The notification's state comes from its stream, which is never
// behind, and the rest from the read model once it has it.
func (s *OutboxService) Get(ctx context.Context, id string) (domain.OutboxEntry, error) {
	n, err := domain.ReadNotification(ctx, s.Store, id)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return domain.OutboxEntry{}, domain.Errorf(domain.ENOTFOUND, "No notification with ID %q.", id)
	} else if err != nil {
		return domain.OutboxEntry{}, err
	}
	entry := domain.OutboxEntry{NotificationSummary: summaryOf(n)}
	if row, err := s.Notifications.Get(ctx, id); err == nil {
		entry.Recipients, entry.QueuedAt, entry.UpdatedAt = row.Recipients, row.QueuedAt, row.UpdatedAt
	}
	if s.Outbox != nil && n.MessageID != "" && n.Transport == "outbox" {
		m, err := s.Outbox.Get(ctx, n.MessageID)
		if err == nil {
			entry.Message = &domain.OutboxMessage{MessageID: m.MessageID, To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML, StoredAt: m.StoredAt}
		} else if domain.ErrorCode(err) != domain.ENOTFOUND {
			return entry, err
		}
	}
	return entry, nil
}

// summaryOf renders a notification's fold as the outbox lists it.
func summaryOf(n *domain.Notification) domain.NotificationSummary {
	s := domain.NotificationSummary{
		ID: n.ID, Kind: n.Kind, CaseID: n.CaseID, RequestID: n.RequestID, Sector: n.Sector, Level: n.Level, Step: n.Step,
		Recipient: n.Recipient, ResendOf: n.ResendOf, Status: n.Status, Attempts: n.Attempts, LastError: n.LastError,
		Code: n.Code, Transport: n.Transport, MessageID: n.MessageID, QueuedAt: n.At, SentAt: n.SentAt,
	}
	if !n.Date.IsZero() {
		s.Date = n.Date.String()
	}
	return s
}

// Resend implements domain.OutboxService.
func (s *OutboxService) Resend(ctx context.Context, r domain.ResendRequest) (domain.NotificationSummary, error) {
	n, err := domain.ReadNotification(ctx, s.Store, r.ID)
	if err != nil {
		return domain.NotificationSummary{}, err
	}
	switch n.Status {
	case domain.NotificationIsFailed, domain.NotificationIsUncertain:
	case domain.NotificationIsSent:
		return domain.NotificationSummary{}, domain.Errorf(domain.ECONFLICT, "The notification was delivered; there is nothing to send again.")
	default:
		return domain.NotificationSummary{}, domain.Errorf(domain.ECONFLICT, "The notification is still being delivered.")
	}
	if email := strings.TrimSpace(r.Email); email != "" {
		if !n.Kind.ToSubmitter() {
			return domain.NotificationSummary{}, domain.FieldErrorf("email", "Only a message to the submitter takes a corrected address; correct staff addresses in the organisation directory.")
		}
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
			return domain.NotificationSummary{}, domain.FieldErrorf("email", "%q is not an e-mail address.", email)
		}
		note := &domain.SubmitterContactCorrected{Email: email, By: r.Actor.UserID, At: time.Now().UTC()}
		key := "contact/" + domain.ResendID(n.ID, 1)
		if err := s.Notes(ctx, activities.NoteInput{CaseID: n.CaseID, Key: key, Contact: note}); err != nil {
			return domain.NotificationSummary{}, err
		}
	}
	again := n.NotificationQueued
	again.ID, again.ResendOf, again.At = domain.ResendID(n.ID, 1), n.ID, time.Now().UTC()
	if err := domain.QueueNotification(ctx, s.Store, again); err != nil {
		return domain.NotificationSummary{}, err
	}
	queued, err := domain.ReadNotification(ctx, s.Store, again.ID)
	if err != nil {
		return domain.NotificationSummary{}, err
	}
	return summaryOf(queued), nil
}
