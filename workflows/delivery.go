package workflows

import (
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/predmet/predmet/activities"
	"github.com/predmet/predmet/domain"
)

// DeliveryWorkflowID returns the workflow ID of a notification's delivery: one delivery per
// notification, whoever starts it and however often.
func DeliveryWorkflowID(notificationID string) string {
	return domain.NotificationStream(notificationID)
}

// Retries of a delivery: temporary failures are tried again with exponential backoff for up to
// DeliveryRetryWindow; then the notification is recorded as failed.
const (
	DeliveryRetryWindow    = 72 * time.Hour
	deliveryFirstRetry     = 30 * time.Second
	deliveryLongestBackoff = time.Hour
)

// DeliveryInput names the notification DeliveryWorkflow delivers.
type DeliveryInput struct {
	ID string
}

// DeliveryWorkflow delivers one notification exactly once or records why it could not (see
// activities.Deliver): temporary failures are retried with backoff for DeliveryRetryWindow, after which
// the notification is recorded as failed and its case told.
func DeliveryWorkflow(ctx workflow.Context, in DeliveryInput) (activities.DeliverResult, error) {
	var a *activities.Activities
	opts := workflow.ActivityOptions{
		StartToCloseTimeout:    2 * time.Minute,
		ScheduleToCloseTimeout: DeliveryRetryWindow,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        deliveryFirstRetry,
			BackoffCoefficient:     2,
			MaximumInterval:        deliveryLongestBackoff,
			NonRetryableErrorTypes: []string{activities.ErrTypeInvalid, activities.ErrTypeConflict},
		},
	}
	var res activities.DeliverResult
	err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, opts), a.Deliver, activities.DeliverInput(in)).Get(ctx, &res)
	if err == nil {
		return res, nil
	}
	workflow.GetLogger(ctx).Warn("Delivery ran out of retries", "notification", in.ID, "error", err)
	giveUp := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{MaximumInterval: time.Minute},
	})
	reason := "The message could not be delivered in " + DeliveryRetryWindow.String() + ": " + err.Error()
	err = workflow.ExecuteActivity(giveUp, a.GiveUp, activities.GiveUpInput{ID: in.ID, Reason: reason}).Get(ctx, &res)
	return res, err
}

// DeliveryOptions are the options that start a notification's delivery (dispatch.WorkflowDeliveries):
// the same workflow ID for the same notification, never run twice (a delivery that ended is not started
// again: its stream says what became of it).
func DeliveryOptions(notificationID string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                       DeliveryWorkflowID(notificationID),
		TaskQueue:                TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}
}
