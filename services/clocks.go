package services

import (
	"context"
	"time"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/workflows"
)

// Clocks implements domain.ClockService with workflows.ClocksWorkflow, the one writer of
// domain.ClocksStream.
type Clocks struct {
	Client client.Client
	Store  domain.EventStore
	// Timeout bounds how long a change waits for the workflow (default 30 s).
	Timeout time.Duration
}

var _ domain.ClockService = (*Clocks)(nil)

// GlobalClocks implements domain.ClockService: the fold of domain.ClocksStream.
func (s *Clocks) GlobalClocks(ctx context.Context) (*domain.GlobalClocks, error) {
	return domain.ReadGlobalClocks(ctx, s.Store)
}

// SuspendAllClocks implements domain.ClockService.
func (s *Clocks) SuspendAllClocks(ctx context.Context, actor domain.Actor, reason string) (*domain.GlobalClocks, error) {
	return s.change(ctx, workflows.ClocksCommand{Suspend: true, Reason: reason, Actor: actor})
}

// ResumeAllClocks implements domain.ClockService.
func (s *Clocks) ResumeAllClocks(ctx context.Context, actor domain.Actor, reason string) (*domain.GlobalClocks, error) {
	return s.change(ctx, workflows.ClocksCommand{Reason: reason, Actor: actor})
}

func (s *Clocks) change(ctx context.Context, cmd workflows.ClocksCommand) (*domain.GlobalClocks, error) {
	if err := domain.ValidateClocksChange(cmd.Suspend, cmd.Reason); err != nil {
		return nil, err
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var g domain.GlobalClocks
	updateID := uuid.NewString()
	err := retryUpdate(ctx, func() error {
		start := s.Client.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
			ID:                       workflows.ClocksWorkflowID,
			TaskQueue:                workflows.TaskQueue,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		}, workflows.ClocksWorkflow)
		handle, err := s.Client.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
			StartWorkflowOperation: start,
			UpdateOptions: client.UpdateWorkflowOptions{
				UpdateID:     updateID,
				UpdateName:   workflows.ClocksUpdate,
				Args:         []any{cmd},
				WaitForStage: client.WorkflowUpdateStageCompleted,
			},
		})
		if err == nil {
			err = handle.Get(ctx, &g)
		}
		return err
	})
	if err != nil {
		return nil, temporalError(err)
	}
	return &g, nil
}
