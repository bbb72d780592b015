package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/predmet/predmet/activities"
	"github.com/predmet/predmet/domain"
)

// DigestScheduleID is the ID of the Temporal Schedule that starts DigestWorkflow every morning.
const DigestScheduleID = "weekly-digest"

// DefaultDigestTime is when, in Europe/Skopje, the weekly digest goes out.
const DefaultDigestTime = "08:00"

// DigestResult says whether the digests went out this morning, and to which sectors.
type DigestResult struct {
	Date    domain.Date
	Skipped bool
	Sectors []string
}

// DigestWorkflow sends every sector head the weekly digest of their sector's open requests for input,
// on the first working day of the week. The schedule starts it every morning; on the other days it does
// nothing, so that the calendar alone decides (Tuesday when Monday is a holiday).
func DigestWorkflow(ctx workflow.Context) (DigestResult, error) {
	var a *activities.Activities
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 5 * time.Minute})
	now := workflow.Now(ctx).UTC()
	var day activities.BriefingDay
	if err := workflow.ExecuteActivity(ctx, a.DayOf, now).Get(ctx, &day); err != nil {
		return DigestResult{}, err
	}
	res := DigestResult{Date: day.Date}
	var first bool
	if err := workflow.ExecuteActivity(ctx, a.FirstWorkingDayOfWeek, day.Date).Get(ctx, &first); err != nil {
		return res, err
	}
	if !first {
		res.Skipped = true
		return res, nil
	}
	var queued activities.DigestResult
	if err := workflow.ExecuteActivity(ctx, a.QueueDigests, activities.DigestInput{Date: day.Date, At: now}).Get(ctx, &queued); err != nil {
		return res, err
	}
	res.Sectors = queued.Sectors
	return res, nil
}
