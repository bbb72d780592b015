package dispatch

import (
	"context"
	"errors"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/predmet/predmet/workflows"
)

// WorkflowDeliveries starts each notification's delivery as its own Temporal workflow,
// workflows.DeliveryWorkflow, under the notification's workflow ID (workflows.DeliveryOptions): a
// delivery running or ended is not started again.
type WorkflowDeliveries struct {
	Client client.Client
}

var _ Deliveries = WorkflowDeliveries{}

// Start implements Deliveries.
func (w WorkflowDeliveries) Start(ctx context.Context, notificationID string) error {
	_, err := w.Client.ExecuteWorkflow(ctx, workflows.DeliveryOptions(notificationID), workflows.DeliveryWorkflow,
		workflows.DeliveryInput{ID: notificationID})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return nil // started before, and ended: its stream says what became of it
	}
	return err
}
