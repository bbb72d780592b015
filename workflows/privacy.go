package workflows

import (
	"context"
	"errors"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/predmet/predmet/activities"
	"github.com/predmet/predmet/domain"
)

// ErasureWorkflowID returns the workflow ID of the erasure with the given ID: the same as its stream.
func ErasureWorkflowID(id string) string { return domain.ErasureStream(id) }

// ErasureInput starts ErasureWorkflow. It carries IDs, the person's pseudonym and the texts an
// administrator typed, never personal data.
type ErasureInput struct {
	Request domain.ErasureRequested
}

// ErasureResult is what an erasure did.
type ErasureResult struct {
	ID string
	// Erased are the cases erased; Refused those a retention run found still under a duty to keep.
	Erased       []string
	Refused      []domain.ErasureRefusal
	OutboxPurged int64
	Purged       int64
	Legacy       []string
}

// erasureOptions retry a case's erasure until the key store, the outbox and the event store answer:
// an erasure must finish.
var erasureOptions = workflow.ActivityOptions{
	StartToCloseTimeout: time.Minute,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:        time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        5 * time.Minute,
		NonRetryableErrorTypes: []string{activities.ErrTypeInvalid},
	},
}

// ErasureWorkflow erases the personal data of the cases of an erasure, one case at a time: it records
// the request in the erasure's stream, erases each case (activities.EraseCase: the key destroyed, the
// outbox and read models purged, PersonalDataErased recorded through the case's workflow while it
// runs), and records the erasure complete. Being a workflow, an erasure that a crash interrupts goes on
// where it stopped.
func ErasureWorkflow(ctx workflow.Context, in ErasureInput) (ErasureResult, error) {
	var a *activities.Activities
	ctx = workflow.WithActivityOptions(ctx, erasureOptions)
	r := in.Request
	res := ErasureResult{ID: r.ID, Erased: []string{}}
	if err := workflow.ExecuteActivity(ctx, a.RecordErasure, r).Get(ctx, nil); err != nil {
		return res, err
	}
	for _, id := range r.Cases {
		var one activities.EraseCaseResult
		if err := workflow.ExecuteActivity(ctx, a.EraseCase, activities.EraseCaseInput{Erasure: r, CaseID: id}).Get(ctx, &one); err != nil {
			return res, err
		}
		if !one.Erased {
			if one.Refused != nil {
				res.Refused = append(res.Refused, *one.Refused)
			}
			continue
		}
		res.Erased = append(res.Erased, id)
		res.OutboxPurged += one.OutboxPurged
		res.Purged += one.Purged
		if one.Legacy {
			res.Legacy = append(res.Legacy, id)
		}
	}
	done := domain.ErasureCompleted{ID: r.ID, Erased: res.Erased, Refused: res.Refused, OutboxPurged: int(res.OutboxPurged),
		Purged: int(res.Purged), Legacy: res.Legacy, At: workflow.Now(ctx).UTC()}
	if err := workflow.ExecuteActivity(ctx, a.CompleteErasure, done).Get(ctx, nil); err != nil {
		return res, err
	}
	return res, nil
}

// RetentionScheduleID is the ID of the Temporal Schedule that starts RetentionWorkflow every night.
const RetentionScheduleID = "nightly-retention"

// DefaultRetentionTime is when, in Europe/Skopje, the retention run starts.
const DefaultRetentionTime = "02:30"

// RetentionResult is what a retention run did: the report of the night.
type RetentionResult struct {
	At time.Time
	// Due are the cases the read models listed; Erasure the erasure that erased them (none when none
	// was due), with what it did.
	Due      []string
	Erasure  string `json:",omitempty"`
	Erased   []string
	Refused  []domain.ErasureRefusal `json:",omitempty"`
	Legacy   []string                `json:",omitempty"`
	Messages int64
	// OutboxBodies counts the outbox's messages emptied because they passed the delivery horizon.
	OutboxBodies int64
}

// RetentionWorkflow erases the personal data of every closed case whose kind's retention has passed,
// as one erasure (ErasureWorkflow, a child, triggered by retention), and empties the outbox's messages
// past the delivery horizon. Its result is the night's report, which the Web UI shows with the run.
func RetentionWorkflow(ctx workflow.Context) (RetentionResult, error) {
	var a *activities.Activities
	ctx = workflow.WithActivityOptions(ctx, erasureOptions)
	now := workflow.Now(ctx).UTC()
	res := RetentionResult{At: now}
	var due activities.DueResult
	if err := workflow.ExecuteActivity(ctx, a.CasesDueForErasure, activities.DueInput{At: now}).Get(ctx, &due); err != nil {
		return res, err
	}
	res.Due = due.Cases
	if len(due.Cases) > 0 {
		id := domain.DeterministicID("retention", workflow.GetInfo(ctx).WorkflowExecution.ID, now.Format(time.RFC3339Nano))
		res.Erasure = id
		req := domain.ErasureRequested{
			ID: id, Trigger: domain.ErasureByRetention, Cases: due.Cases, By: domain.SystemActor.UserID,
			Reason:     "The retention period of the case's kind passed.",
			LegalBasis: "The list of documentary material with retention periods (Law on Archives).", At: now,
		}
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: ErasureWorkflowID(id), TaskQueue: TaskQueue})
		var erased ErasureResult
		if err := workflow.ExecuteChildWorkflow(cctx, ErasureWorkflow, ErasureInput{Request: req}).Get(ctx, &erased); err != nil {
			return res, err
		}
		res.Erased, res.Refused, res.Legacy, res.Messages = erased.Erased, erased.Refused, erased.Legacy, erased.OutboxPurged
	}
	if err := workflow.ExecuteActivity(ctx, a.PurgeOutboxBodies, activities.PurgeOutboxInput{At: now}).Get(ctx, &res.OutboxBodies); err != nil {
		return res, err
	}
	workflow.GetLogger(ctx).Info("Retention run", "due", len(res.Due), "erased", len(res.Erased), "refused", len(res.Refused),
		"outboxBodies", res.OutboxBodies)
	return res, nil
}

// EnsureRetentionSchedule creates (or updates) the schedule that starts RetentionWorkflow every night at
// `at` in loc's time zone, or, with every set (demonstrations and tests), every that long.
func EnsureRetentionSchedule(ctx context.Context, c client.Client, at string, every time.Duration, loc *time.Location) error {
	action := &client.ScheduleWorkflowAction{
		ID: RetentionScheduleID, Workflow: RetentionWorkflow, TaskQueue: TaskQueue, WorkflowExecutionTimeout: 12 * time.Hour,
	}
	if every <= 0 {
		return ensureDailySchedule(ctx, c, RetentionScheduleID, at, loc, "the nightly retention run: erases what has passed its retention", action)
	}
	spec := client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: every}}}
	policy := client.SchedulePolicies{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP, CatchupWindow: scheduleCatchUp}
	_, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID: RetentionScheduleID, Spec: spec, Action: action, Overlap: policy.Overlap, CatchupWindow: policy.CatchupWindow,
	})
	if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return err
	}
	return c.ScheduleClient().GetHandle(ctx, RetentionScheduleID).Update(ctx, client.ScheduleUpdateOptions{
		DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			s := in.Description.Schedule
			s.Spec, s.Action, s.Policy = &spec, action, &policy
			return &client.ScheduleUpdate{Schedule: &s}, nil
		},
	})
}
