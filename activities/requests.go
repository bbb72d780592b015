package activities

import (
	"context"
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

// Notify queues a notification for delivery (domain.QueueNotification): it writes n as the first event of
// its own stream, domain.NotificationStream(n.ID), which the e-mail sender works from. A retry, or a second
// delivery of the same notification, writes nothing. A stream that holds
// another event is a non-retryable ErrTypeConflict error; a notification without an ID an ErrTypeInvalid one.
func (a *Activities) Notify(ctx context.Context, n domain.NotificationQueued) error {
	err := domain.QueueNotification(ctx, a.Store, n)
	switch domain.ErrorCode(err) {
	case "":
		return nil
	case domain.EINVALID:
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalid, err)
	case domain.ECONFLICT:
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeConflict, err)
	}
	return activityError(err)
}
