package workflows

import (
	"context"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/predmet/predmet/activities"
	"github.com/predmet/predmet/domain"
)

// BriefingScheduleID is the ID of the Temporal Schedule that starts BriefingWorkflow every morning. The
// workflows it starts have IDs that begin with it (the server appends the scheduled time).
const BriefingScheduleID = "daily-briefing"

// BriefingWorkflowIDPrefix begins the workflow IDs of the briefings staff ask for.
const BriefingWorkflowIDPrefix = "briefing-staff-"

// DefaultBriefingTime is the time of day, in the municipality's time zone, of the daily briefing.
const DefaultBriefingTime = "07:30"

// BriefingWorkflowID returns the workflow ID of a briefing that a user asked for with requestID (an
// idempotency key): the same key of the same user reaches the same workflow, and so the same briefing.
func BriefingWorkflowID(userID, requestID string) string {
	return BriefingWorkflowIDPrefix + domain.DeterministicID("briefing", userID, requestID)
}

// BriefingInput starts a BriefingWorkflow.
type BriefingInput struct {
	Trigger domain.BriefingTrigger
	// By is the user who asked (domain.SystemActor's for the schedule); RequestID their request's ID.
	By        string
	RequestID string
}

// BriefingResult is what became of a BriefingWorkflow: a briefing stored at Revision of Stream and
// handed to the e-mail sender as NotificationID, or, for a scheduled run on a non-working day, Skipped.
type BriefingResult struct {
	Date    domain.Date
	Skipped bool
	// Reason names the non-working day of a skipped run ("Saturday", a holiday's name).
	Reason         string
	Stream         string
	Revision       uint64
	EventID        string
	NotificationID string
}

// briefingActivityOptions let the briefing's steps retry while the read models or the event store are
// unreachable, for up to two hours each: a briefing composed much later than the morning is of little
// use, and a run that gives up leaves the next morning's free.
var briefingActivityOptions = workflow.ActivityOptions{
	StartToCloseTimeout:    time.Minute,
	ScheduleToCloseTimeout: 2 * time.Hour,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:    time.Second,
		BackoffCoefficient: 2,
		MaximumInterval:    time.Minute,
	},
}

// BriefingWorkflow composes the mayor's daily briefing from the read models, stores it as
// BriefingComposed in the stream of its day and queues a notification of kind domain.NotifyBriefing for
// the mayor's cabinet: the hook through which the e-mail sender delivers it.
//
// The schedule starts it every day; a scheduled run on a day the calendar says is not a working day
// (a weekend, a state holiday, a one-off day) stores nothing and returns Skipped. Deciding here, with the
// calendar, keeps the one-off days, moved holidays and Eid dates in one place: the schedule knows
// nothing of them. A run that staff asked for composes a briefing on any day.
func BriefingWorkflow(ctx workflow.Context, in BriefingInput) (BriefingResult, error) {
	now := workflow.Now(ctx).UTC()
	var day activities.BriefingDay
	lctx := workflow.WithLocalActivityOptions(ctx, localOptions)
	if err := workflow.ExecuteLocalActivity(lctx, a.DayOf, now).Get(ctx, &day); err != nil {
		return BriefingResult{}, err
	}
	res := BriefingResult{Date: day.Date}
	if in.Trigger == domain.BriefingBySchedule && !day.WorkingDay {
		workflow.GetLogger(ctx).Info("No briefing on a non-working day.", "Date", day.Date.String(), "Reason", day.Reason)
		res.Skipped, res.Reason = true, day.Reason
		return res, nil
	}

	ctx = workflow.WithActivityOptions(ctx, briefingActivityOptions)
	var b domain.Briefing
	compose := activities.ComposeBriefingInput{Now: now, Trigger: in.Trigger, By: in.By}
	if err := workflow.ExecuteActivity(ctx, a.ComposeBriefing, compose).Get(ctx, &b); err != nil {
		return res, err
	}
	var stored activities.StoredBriefing
	store := activities.StoreBriefingInput{Briefing: b, Cause: workflow.GetInfo(ctx).WorkflowExecution.ID}
	if err := workflow.ExecuteActivity(ctx, a.StoreBriefing, store).Get(ctx, &stored); err != nil {
		return res, err
	}
	res.Stream, res.Revision, res.EventID = stored.Stream, stored.Revision, stored.EventID

	// The e-mail hook: the sender delivers the briefing to the mayor's cabinet.
	n := domain.NotificationQueued{
		ID:   domain.BriefingNotificationID(b.Date, stored.Revision),
		Kind: domain.NotifyBriefing,
		Date: b.Date, Step: int(stored.Revision), Level: domain.LevelCabinet,
		At: now,
	}
	if err := workflow.ExecuteActivity(ctx, a.Notify, n).Get(ctx, nil); err != nil {
		return res, err
	}
	res.NotificationID = n.ID
	return res, nil
}

// EnsureBriefingSchedule creates the schedule that starts BriefingWorkflow every day at `at` ("07:30")
// in loc's time zone, or brings the schedule that exists to that time and action (see
// ensureDailySchedule: it fires every day and the workflow skips the days the calendar says are not
// working days). A malformed time is an EINVALID error.
func EnsureBriefingSchedule(ctx context.Context, c client.Client, at string, loc *time.Location) error {
	return ensureDailySchedule(ctx, c, BriefingScheduleID, at, loc, "the mayor's daily briefing; BriefingWorkflow skips non-working days",
		&client.ScheduleWorkflowAction{
			ID:                       BriefingScheduleID,
			Workflow:                 BriefingWorkflow,
			Args:                     []any{BriefingInput{Trigger: domain.BriefingBySchedule, By: domain.SystemActor.UserID}},
			TaskQueue:                TaskQueue,
			WorkflowExecutionTimeout: 12 * time.Hour,
		})
}
