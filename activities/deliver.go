package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/notify"
)

// Mailer hands messages over: to a mail server (notify.SMTP) or to the outbox (notify.Outbox).
type Mailer interface {
	notify.Sender
	// Transport names it in the record: "smtp" or "outbox".
	Transport() string
}

// Parcel is a notification's message, composed and addressed, with what its record names.
type Parcel struct {
	Mail notify.Mail
	// Recipients names the recipients by role and ID ("submitter", "officer:ana", "head:urbanism").
	Recipients []string
}

// Composer writes the message of a notification.
type Composer interface {
	// Compose returns the message of n, in its recipients' language. It returns EINVALID or ENOTFOUND
	// when the message can never be written (no address for the recipient, an unknown sector): the
	// delivery then fails for good; other errors are retried.
	Compose(ctx context.Context, n *domain.Notification) (Parcel, error)
}

// DeliverInput names the notification to deliver.
type DeliverInput struct {
	ID string
}

// DeliverResult is where the delivery stands after the activity.
type DeliverResult struct {
	Status  domain.NotificationStatus
	Attempt int
	Reason  string `json:",omitempty"`
}

// outcomeRetry bounds how long Deliver keeps trying to record the outcome of a send the server
// accepted, before it gives up and leaves the attempt without outcome (which a later attempt records as
// uncertain, never sending again).
const outcomeRetry = 30 * time.Second

// Deliver sends a queued notification exactly once, or records why not. It works from the
// notification's stream: an outcome already recorded ends it at once; an attempt recorded without an
// outcome means an earlier sender may have handed the message over and died, so it is recorded as
// uncertain and not sent again. Otherwise it records the attempt at the stream's exact next revision
// before it talks to the mail server, sends, and records the outcome:
//   - accepted: NotificationSent;
//   - refused for good (a rejected recipient, no address): NotificationFailed, and the case is told;
//   - connection lost after the message was written: NotificationUncertain, and the case is told;
//   - a temporary failure before the message was handed over: NotificationAttemptFailed and a
//     retryable error, so that Temporal tries again with backoff.
func (a *Activities) Deliver(ctx context.Context, in DeliverInput) (DeliverResult, error) {
	for {
		n, err := domain.ReadNotification(ctx, a.Store, in.ID)
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return DeliverResult{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalid, err)
		} else if err != nil {
			return DeliverResult{}, activityError(err)
		}
		now := time.Now().UTC()
		switch {
		case n.Done():
			return DeliverResult{Status: n.Status, Attempt: n.Attempts, Reason: n.LastError}, nil
		case n.Status == domain.NotificationIsSending:
			reason := "An earlier attempt handed the message over, or was about to, and its outcome was not recorded; it is not sent again."
			return a.endDelivery(ctx, n, &domain.NotificationUncertain{ID: n.ID, Attempt: n.Attempts, At: now, Reason: reason}, "")
		}

		parcel, err := a.Composer.Compose(ctx, n)
		if errors.Is(err, ErrNoEmail) {
			skipped := &domain.NotificationSkipped{ID: n.ID, At: now, Reason: domain.ErrorMessage(err)}
			if err := a.appendNotification(ctx, n, skipped); err != nil {
				return DeliverResult{}, activityError(err)
			}
			return DeliverResult{Status: domain.NotificationIsSkipped, Reason: skipped.Reason}, nil
		} else if code := domain.ErrorCode(err); code == domain.EINVALID || code == domain.ENOTFOUND {
			return a.endDelivery(ctx, n, &domain.NotificationFailed{ID: n.ID, Attempt: n.Attempts, At: now, Reason: domain.ErrorMessage(err)}, "")
		} else if err != nil {
			return DeliverResult{}, activityError(err)
		}

		attempt := n.Attempts + 1
		attempted := &domain.NotificationAttempted{
			ID: n.ID, Attempt: attempt, At: now, Transport: a.Mailer.Transport(), MessageID: parcel.Mail.MessageID,
			Recipients: parcel.Recipients, Language: parcel.Mail.Language,
		}
		if err := a.appendNotification(ctx, n, attempted); errors.Is(err, errRaced) {
			continue // another sender moved the stream: look again
		} else if err != nil {
			return DeliverResult{}, activityError(err)
		}
		n.Apply(attempted)

		sendErr := a.Mailer.Send(ctx, parcel.Mail)
		var perm *notify.PermanentError
		switch {
		case sendErr == nil:
			return a.recordSent(ctx, n, &domain.NotificationSent{ID: n.ID, Attempt: attempt, At: time.Now().UTC(), Transport: a.Mailer.Transport()})
		case errors.As(sendErr, &perm):
			f := &domain.NotificationFailed{ID: n.ID, Attempt: attempt, At: time.Now().UTC(), Code: perm.Code, Reason: perm.Error()}
			if perm.Recipient != "" {
				f.Recipient = recipientOf(parcel, perm.Recipient)
			}
			return a.endDelivery(ctx, n, f, f.Recipient)
		case errors.Is(sendErr, notify.ErrUncertain):
			return a.endDelivery(ctx, n, &domain.NotificationUncertain{ID: n.ID, Attempt: attempt, At: time.Now().UTC(), Reason: sendErr.Error()}, "")
		default:
			failed := &domain.NotificationAttemptFailed{ID: n.ID, Attempt: attempt, At: time.Now().UTC(), Reason: sendErr.Error()}
			if err := a.appendNotification(ctx, n, failed); err != nil && !errors.Is(err, errRaced) {
				return DeliverResult{}, activityError(err)
			}
			return DeliverResult{}, temporal.NewApplicationErrorWithCause("temporary failure: "+sendErr.Error(), "TemporaryFailure", sendErr)
		}
	}
}

// recipientOf names the recipient whose address the server refused, by role when the parcel has one
// recipient (addresses are personal data and stay out of the log).
func recipientOf(p Parcel, _ string) string {
	if len(p.Recipients) == 1 {
		return p.Recipients[0]
	}
	return ""
}

// GiveUpInput names a notification whose delivery ran out of retries.
type GiveUpInput struct {
	ID     string
	Reason string
}

// GiveUp records that a notification could not be delivered in the time allowed for retries, unless it
// reached an outcome meanwhile, and tells its case.
func (a *Activities) GiveUp(ctx context.Context, in GiveUpInput) (DeliverResult, error) {
	n, err := domain.ReadNotification(ctx, a.Store, in.ID)
	if err != nil {
		return DeliverResult{}, activityError(err)
	}
	if n.Done() {
		return DeliverResult{Status: n.Status, Attempt: n.Attempts, Reason: n.LastError}, nil
	}
	now := time.Now().UTC()
	if n.Status == domain.NotificationIsSending {
		return a.endDelivery(ctx, n, &domain.NotificationUncertain{ID: n.ID, Attempt: n.Attempts, At: now, Reason: in.Reason}, "")
	}
	return a.endDelivery(ctx, n, &domain.NotificationFailed{ID: n.ID, Attempt: n.Attempts, At: now, Reason: in.Reason}, "")
}

// errRaced reports that the notification's stream moved on since it was read.
var errRaced = errors.New("the notification's stream moved on")

// appendNotification appends one event to the notification's stream at its next revision.
func (a *Activities) appendNotification(ctx context.Context, n *domain.Notification, e domain.Event) error {
	stream := domain.NotificationStream(n.ID)
	meta := domain.Metadata{CorrelationID: n.CaseID, CausationID: n.ID, UserID: domain.SystemActor.UserID}
	data, err := domain.EncodeEvents(stream, n.Version, meta, e)
	if err != nil {
		return err
	}
	_, err = a.Store.Append(ctx, stream, domain.ExpectRevision(n.Version), data...)
	var wrong *domain.WrongExpectedRevisionError
	if errors.As(err, &wrong) {
		// Written already by this very attempt (a retried append), or by another sender.
		standing, rerr := a.Store.ReadStream(ctx, stream, domain.ReadStreamOptions{From: n.Version, Max: 1})
		if rerr == nil && len(standing) == 1 && standing[0].ID == data[0].ID && standing[0].Type == data[0].Type {
			return nil
		}
		return errRaced
	}
	return err
}

// recordSent records an accepted message, retrying the store for a while: the message went out, and
// only a record that says so keeps it from being reported uncertain.
func (a *Activities) recordSent(ctx context.Context, n *domain.Notification, sent *domain.NotificationSent) (DeliverResult, error) {
	deadline := time.Now().Add(outcomeRetry)
	wait := 100 * time.Millisecond
	for {
		err := a.appendNotification(ctx, n, sent)
		if err == nil {
			return DeliverResult{Status: domain.NotificationIsSent, Attempt: sent.Attempt}, nil
		}
		if errors.Is(err, errRaced) || time.Now().After(deadline) || ctx.Err() != nil {
			return DeliverResult{}, activityError(fmt.Errorf("the message was accepted but not recorded: %w", err))
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// endDelivery records a delivery's end without the message accepted and tells the case.
func (a *Activities) endDelivery(ctx context.Context, n *domain.Notification, e domain.Event, recipient string) (DeliverResult, error) {
	if err := a.appendNotification(ctx, n, e); errors.Is(err, errRaced) {
		return DeliverResult{}, activityError(err) // retried: the next attempt reads what stands
	} else if err != nil {
		return DeliverResult{}, activityError(err)
	}
	n.Apply(e)
	if n.CaseBound() {
		note := &domain.CaseNotificationFailed{NotificationID: n.ID, Kind: n.Kind, Status: n.Status, Recipient: recipient, Reason: n.LastError, At: time.Now().UTC()}
		if err := a.notes().Record(ctx, NoteInput{CaseID: n.CaseID, Key: "undelivered/" + n.ID, Failed: note}); err != nil {
			return DeliverResult{}, activityError(err)
		}
	}
	return DeliverResult{Status: n.Status, Attempt: n.Attempts, Reason: n.LastError}, nil
}
