package services

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/workflows"
)

// latestBriefingDays is how many days back Briefings.Latest looks for a briefing.
const latestBriefingDays = 366

// Briefings implements domain.BriefingService: briefings are read from their streams, and composed on
// demand by workflows.BriefingWorkflow.
type Briefings struct {
	Client client.Client
	Store  domain.EventStore
	// Location is the municipality's time zone (Europe/Skopje).
	Location *time.Location
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// Timeout bounds how long Generate waits for the briefing (default 30 s).
	Timeout time.Duration
}

var _ domain.BriefingService = (*Briefings)(nil)

// Latest implements domain.BriefingService.
func (s *Briefings) Latest(ctx context.Context) (domain.Briefing, error) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	return domain.LatestBriefing(ctx, s.Store, domain.DateOf(now(), s.Location), latestBriefingDays, time.Time{})
}

// ForDate implements domain.BriefingService.
func (s *Briefings) ForDate(ctx context.Context, d domain.Date) (domain.Briefing, error) {
	briefings, _, err := domain.ReadBriefings(ctx, s.Store, d)
	if err != nil {
		return domain.Briefing{}, err
	}
	return briefings[len(briefings)-1], nil
}

// Generate implements domain.BriefingService. It starts workflows.BriefingWorkflow under an ID derived
// from the actor and requestID, so that a retry with the same idempotency key waits for the same run (or,
// once it has finished, reads its briefing) instead of composing another.
func (s *Briefings) Generate(ctx context.Context, actor domain.Actor, requestID string) (domain.Briefing, error) {
	if err := actor.RequireRole(domain.BriefingRoles...); err != nil {
		return domain.Briefing{}, err
	}
	if requestID == "" {
		requestID = uuid.NewString()
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	id := workflows.BriefingWorkflowID(actor.UserID, requestID)
	run, err := s.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowExecutionTimeout: 12 * time.Hour,
	}, workflows.BriefingWorkflow, workflows.BriefingInput{Trigger: domain.BriefingByStaff, By: actor.UserID, RequestID: requestID})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		run, err = s.Client.GetWorkflow(ctx, id, ""), nil // finished already: its result stands
	}
	if err != nil {
		return domain.Briefing{}, temporalError(err)
	}
	var res workflows.BriefingResult
	if err := run.Get(ctx, &res); err != nil {
		return domain.Briefing{}, temporalError(err)
	}
	return s.read(ctx, res)
}

// read returns the briefing a workflows.BriefingWorkflow stored.
func (s *Briefings) read(ctx context.Context, res workflows.BriefingResult) (domain.Briefing, error) {
	events, err := s.Store.ReadStream(ctx, res.Stream, domain.ReadStreamOptions{From: res.Revision, Max: 1})
	if err != nil {
		return domain.Briefing{}, err
	}
	if len(events) != 1 || events[0].ID != res.EventID {
		return domain.Briefing{}, fmt.Errorf("briefing %s@%d: not the event %s", res.Stream, res.Revision, res.EventID)
	}
	e, err := domain.DecodeEvent(events[0])
	if err != nil {
		return domain.Briefing{}, err
	}
	composed, ok := e.(*domain.BriefingComposed)
	if !ok {
		return domain.Briefing{}, fmt.Errorf("briefing %s@%d is a %s", res.Stream, res.Revision, events[0].Type)
	}
	return composed.Briefing, nil
}
