package services

import (
	"context"
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

// CaseNoter records a note on a case from outside its workflow (activities.CaseNotes).
type CaseNoter interface {
	Record(ctx context.Context, in activities.NoteInput) error
}

// Outbox implements domain.OutboxService over the notifications' read model, their streams and,
// without a mail server, the outbox that holds the messages.
type Outbox struct {
	Notifications NotificationLister
	Store         domain.EventStore
	// Outbox holds the messages when no mail server is configured; nil when one is.
	Outbox *notify.Outbox
	// Notes records a corrected address on the case, sealed with the case's key by Codec.
	Notes CaseNoter
	Codec *domain.Codec
	// Access records the reads of messages about cases.
	Access domain.AccessLog
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
}

var _ domain.OutboxService = (*Outbox)(nil)

// List implements domain.OutboxService.
func (s *Outbox) List(ctx context.Context, q domain.NotificationQuery) (domain.Page[domain.NotificationSummary], error) {
	return s.Notifications.List(ctx, q)
}

// Get implements domain.OutboxService. The notification's state comes from its stream, which is never
// behind, and the rest from the read model once it has it.
func (s *Outbox) Get(ctx context.Context, id string, reader domain.Actor) (domain.OutboxEntry, error) {
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
	if entry.Message != nil && n.CaseBound() && n.Kind != domain.NotifyBriefing && s.Access != nil {
		err := s.Access.Record(ctx, domain.AccessEntry{At: time.Now(), Reader: reader.UserID, CaseID: n.CaseID,
			Route: domain.RouteOf(ctx), Parts: []domain.Part{domain.PartOutboxMessage}})
		if err != nil {
			return domain.OutboxEntry{}, err
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

// Resend implements domain.OutboxService. The domain decides whether the notification may go again and
// whose address may be corrected (domain.Notification.Resend); a corrected address is recorded on the
// case first, then the new notification is queued (domain.QueueNotification), and the dispatcher starts
// its delivery.
func (s *Outbox) Resend(ctx context.Context, r domain.ResendRequest) (domain.NotificationSummary, error) {
	n, err := domain.ReadNotification(ctx, s.Store, r.ID)
	if err != nil {
		return domain.NotificationSummary{}, err
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	again, contact, err := n.Resend(r, now().UTC())
	if err != nil {
		return domain.NotificationSummary{}, err
	}
	if contact != nil {
		// The address travels sealed through the case's workflow; a case whose personal data was erased
		// takes none (its key is destroyed: EGONE).
		sealed, err := s.Codec.SealEvent(ctx, n.CaseID, contact)
		if err != nil {
			return domain.NotificationSummary{}, err
		}
		contact = sealed.(*domain.SubmitterContactCorrected)
		if err := s.Notes.Record(ctx, activities.NoteInput{CaseID: n.CaseID, Key: "contact/" + again.ID, Contact: contact}); err != nil {
			return domain.NotificationSummary{}, err
		}
	}
	if err := domain.QueueNotification(ctx, s.Store, again); err != nil {
		return domain.NotificationSummary{}, err
	}
	queued, err := domain.ReadNotification(ctx, s.Store, again.ID)
	if err != nil {
		return domain.NotificationSummary{}, err
	}
	return summaryOf(queued), nil
}
