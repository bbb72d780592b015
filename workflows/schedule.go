package workflows

import (
	"context"
	"errors"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/predmet/predmet/domain"
)

// scheduleCatchUp is how late a schedule still starts a run it missed (the server was down at the
// time): a briefing at lunchtime still helps, one in the evening does not.
const scheduleCatchUp = 4 * time.Hour

// ensureDailySchedule creates the schedule id that starts the action every day at `at` ("07:30") in
// loc's time zone, or brings the schedule that exists to that time and action. It fires every day,
// weekends and holidays included: the workflows it starts skip the days the calendar says are not working
// days, so that the calendar decides in one place. Runs never overlap (a run still going when the next
// is due makes the next one skip), and a run missed while the server was down starts if it is less than
// scheduleCatchUp late. A malformed time is an EINVALID error.
func ensureDailySchedule(ctx context.Context, c client.Client, id, at string, loc *time.Location, comment string, action *client.ScheduleWorkflowAction) error {
	hour, minute, err := domain.ParseBriefingTime(at)
	if err != nil {
		return err
	}
	if loc == nil {
		return domain.Errorf(domain.EINVALID, "A schedule needs the municipality's time zone.")
	}
	spec := client.ScheduleSpec{
		Calendars: []client.ScheduleCalendarSpec{{
			Hour:    []client.ScheduleRange{{Start: hour}},
			Minute:  []client.ScheduleRange{{Start: minute}},
			Comment: comment,
		}},
		TimeZoneName: loc.String(),
	}
	policy := client.SchedulePolicies{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP, CatchupWindow: scheduleCatchUp}
	_, err = c.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID: id, Spec: spec, Action: action, Overlap: policy.Overlap, CatchupWindow: policy.CatchupWindow,
	})
	if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return err
	}
	return c.ScheduleClient().GetHandle(ctx, id).Update(ctx, client.ScheduleUpdateOptions{
		DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			s := in.Description.Schedule
			s.Spec, s.Action, s.Policy = &spec, action, &policy
			return &client.ScheduleUpdate{Schedule: &s}, nil
		},
	})
}

// EnsureDigestSchedule creates (or updates) the schedule that starts DigestWorkflow every morning at
// `at` in loc's time zone; the workflow sends the digests on the first working day of the week only.
func EnsureDigestSchedule(ctx context.Context, c client.Client, at string, loc *time.Location) error {
	return ensureDailySchedule(ctx, c, DigestScheduleID, at, loc, "the weekly digest; DigestWorkflow waits for the first working day of the week",
		&client.ScheduleWorkflowAction{
			ID: DigestScheduleID, Workflow: DigestWorkflow, TaskQueue: TaskQueue, WorkflowExecutionTimeout: 12 * time.Hour,
		})
}
