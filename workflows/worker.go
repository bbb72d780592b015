package workflows

import (
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/predmet/predmet/activities"
)

// NewWorker returns a worker on TaskQueue with every workflow and the activities registered.
func NewWorker(c client.Client, acts *activities.Activities) worker.Worker {
	w := worker.New(c, TaskQueue, worker.Options{})
	w.RegisterWorkflow(CaseWorkflow)
	w.RegisterWorkflow(RequestWorkflow)
	w.RegisterWorkflow(ClocksWorkflow)
	w.RegisterWorkflow(BriefingWorkflow)
	w.RegisterWorkflow(DeliveryWorkflow)
	w.RegisterWorkflow(DigestWorkflow)
	w.RegisterWorkflow(ErasureWorkflow)
	w.RegisterWorkflow(RetentionWorkflow)
	w.RegisterActivity(acts)
	return w
}
