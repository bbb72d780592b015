package activities

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/predmet/predmet/domain"
)

// PlanInput asks when a request due at DueAt is reminded and escalated.
type PlanInput struct {
	DueAt  time.Time
	Policy domain.RequestPolicy
}

// Plan is the reminders and escalations of a request, sorted by time.
type Plan struct {
	Steps []domain.PlannedStep
}

// PlanRequest applies the municipality's calendar to a request's policy (see domain.Calendar.PlanRequest).
// It is an activity, not workflow code, because the calendar's one-off days are reloaded from a file: the
// plan must be recorded in history.
func (a *Activities) PlanRequest(_ context.Context, in PlanInput) (Plan, error) {
	return Plan{Steps: a.Calendar.PlanRequest(in.DueAt, in.Policy, a.Location)}, nil
}

// Notify queues a reminder, an escalation or an overdue notice for delivery: it writes n as the first and only event of its
// own stream, domain.NotificationStream(n.ID), which the e-mail sender reads as its outbox. The event's ID
// is that of revision 0 of the stream, so a retry, or a second delivery of the same notification, writes
// nothing: when the stream exists and its first event has that ID, Notify succeeds. A stream that holds
// another event is a non-retryable ErrTypeConflict error; a notification without an ID an ErrTypeInvalid one.
func (a *Activities) Notify(ctx context.Context, n domain.NotificationQueued) error {
	if n.ID == "" || n.CaseID == "" {
		return temporal.NewNonRetryableApplicationError("a notification needs its ID and case", ErrTypeInvalid, nil)
	}
	stream := domain.NotificationStream(n.ID)
	cause := n.CaseID + "/" + string(n.Kind)
	if n.RequestID != "" {
		cause = n.CaseID + "/" + n.RequestID
	}
	meta := domain.Metadata{CorrelationID: n.CaseID, CausationID: cause, UserID: domain.SystemActor.UserID}
	data, err := domain.EncodeEvents(stream, 0, meta, &n)
	if err != nil {
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalid, err)
	}
	_, err = a.Store.Append(ctx, stream, domain.NoStream(), data...)
	var wrong *domain.WrongExpectedRevisionError
	if err == nil {
		return nil
	} else if !errors.As(err, &wrong) {
		return activityError(err)
	}
	// The stream exists: queued already by an earlier attempt, or by something else.
	first, err := a.Store.ReadStream(ctx, stream, domain.ReadStreamOptions{Max: 1})
	if err != nil {
		return activityError(err)
	}
	if len(first) == 1 && first[0].ID == data[0].ID {
		return nil
	}
	return temporal.NewNonRetryableApplicationError("the notification's stream "+stream+" holds another event", ErrTypeConflict, wrong)
}
