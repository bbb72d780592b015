package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/predmet/predmet/activities"
	"github.com/predmet/predmet/domain"
)

// a is the nil receiver through which workflows name activities.
var a *activities.Activities

// CaseWorkflow carries one case from intake to its end. The case's facts live in its event stream;
// the workflow's state is the fold of those events, without personal data.
func CaseWorkflow(ctx workflow.Context, in CaseInput) error {
	w := &caseWorkflow{in: in}
	if err := w.setup(ctx); err != nil {
		return err
	}
	return w.run(ctx)
}

type caseWorkflow struct {
	in    CaseInput
	state domain.Case
}

func (w *caseWorkflow) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, StateQuery, func() (domain.Case, error) { return w.state, nil }); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, RegistrationUpdate, w.awaitRegistration, workflow.UpdateHandlerOptions{
		Validator: func(ctx workflow.Context, requestHash string) error {
			if requestHash != w.in.RequestHash {
				return fmt.Errorf("the idempotency key was already used for a different request")
			}
			return nil
		},
	})
}

// The case's steps run as local activities: each is idempotent (reads, or appends at an exact revision
// with deterministic IDs), so a workflow task retried after a crash may run them again safely, and the
// whole registration takes one workflow task instead of a round trip through the server per step.
// While the event store is unreachable they retry, with backoff, until it is back.
var localOptions = workflow.LocalActivityOptions{
	StartToCloseTimeout: 15 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:    200 * time.Millisecond,
		BackoffCoefficient: 2,
		MaximumInterval:    time.Minute,
	},
}

func (w *caseWorkflow) run(ctx workflow.Context) error {
	ctx = workflow.WithLocalActivityOptions(ctx, localOptions)
	loaded, err := w.load(ctx)
	if err != nil {
		return err
	}
	if w.state.Status == domain.StatusReceived {
		if err := w.register(ctx, loaded); err != nil {
			return err
		}
	}
	if !w.state.Overdue {
		if err := w.watchDeadline(ctx); err != nil {
			return err
		}
	}
	// Later steps (assignment, answers, closing) arrive as updates; until then the case stays open.
	return workflow.Await(ctx, func() bool { return false })
}

// load folds the case's stream into the workflow's state. The stream is the truth: a case whose
// registration was written by an earlier, crashed attempt is found registered.
func (w *caseWorkflow) load(ctx workflow.Context) (activities.LoadedCase, error) {
	var loaded activities.LoadedCase
	if err := workflow.ExecuteLocalActivity(ctx, a.LoadCase, activities.LoadCaseInput{CaseID: w.in.CaseID}).Get(ctx, &loaded); err != nil {
		return loaded, err
	}
	w.state = loaded.Case
	return loaded, nil
}

// register numbers the case in the register and starts its clock.
func (w *caseWorkflow) register(ctx workflow.Context, loaded activities.LoadedCase) error {
	var number domain.ArchiveNumber
	err := workflow.ExecuteLocalActivity(ctx, a.ClaimArchiveNumber, activities.ClaimInput{
		CaseID: w.in.CaseID, Unit: w.in.Unit, ReceiptPosition: loaded.ReceiptPosition, ReceiptRecorded: loaded.ReceiptRecorded,
	}).Get(ctx, &number)
	if err != nil {
		return err
	}
	var deadline domain.Deadline
	err = workflow.ExecuteLocalActivity(ctx, a.ComputeDeadline, activities.DeadlineInput{Start: w.state.ReceivedAt, Clock: w.in.Policy.Clock}).Get(ctx, &deadline)
	if err != nil {
		return err
	}
	return w.record(ctx, w.in.Actor, "register", &domain.CaseRegistered{
		ArchiveNumber: number,
		RegisteredAt:  workflow.Now(ctx).UTC(),
		Deadline:      deadline,
	})
}

// watchDeadline sleeps until the case is due and records that the deadline passed.
func (w *caseWorkflow) watchDeadline(ctx workflow.Context) error {
	due := w.state.DueAt()
	if wait := due.Sub(workflow.Now(ctx)); wait > 0 {
		if err := workflow.Sleep(ctx, wait); err != nil {
			return err
		}
	}
	return w.record(ctx, domain.SystemActor, "deadline", &domain.CaseDeadlinePassed{DueAt: due})
}

// record appends events to the case's stream at the exact revision the workflow knows, folds them into
// the state and brings the search attributes up to date.
func (w *caseWorkflow) record(ctx workflow.Context, actor domain.Actor, cause string, events ...domain.Event) error {
	stream := domain.CaseStream(w.in.CaseID)
	meta := domain.Metadata{
		CorrelationID: w.in.CaseID,
		CausationID:   fmt.Sprintf("%s/%s@%d", workflow.GetInfo(ctx).WorkflowExecution.ID, cause, w.state.Version),
		UserID:        actor.UserID,
	}
	// encoding/json is deterministic for predmet's events (structs; map keys are sorted), though
	// workflowcheck cannot tell.
	data, err := domain.EncodeEvents(stream, w.state.Version, meta, events...) //workflowcheck:ignore
	if err != nil {
		return err
	}
	in := activities.AppendInput{Stream: stream, ExpectedNext: w.state.Version, Events: data}
	if err := workflow.ExecuteLocalActivity(ctx, a.Append, in).Get(ctx, nil); err != nil {
		return err
	}
	for _, e := range events {
		w.state.Apply(e)
	}
	return workflow.UpsertTypedSearchAttributes(ctx, searchAttributes(&w.state)...)
}

// awaitRegistration is the RegistrationUpdate handler.
func (w *caseWorkflow) awaitRegistration(ctx workflow.Context, _ string) (Registration, error) {
	if err := workflow.Await(ctx, func() bool { return w.state.ArchiveNumber != nil }); err != nil {
		return Registration{}, err
	}
	return Registration{CaseID: w.in.CaseID, ArchiveNumber: *w.state.ArchiveNumber, Deadline: *w.state.Deadline, Version: w.state.Version}, nil
}

// searchAttributes renders the case's searchable facts. None of them is personal data.
func searchAttributes(c *domain.Case) []temporal.SearchAttributeUpdate {
	updates := []temporal.SearchAttributeUpdate{
		SearchCaseKind.ValueSet(string(c.Kind)),
		SearchCaseStatus.ValueSet(string(c.Status)),
		SearchCaseOverdue.ValueSet(c.Overdue),
	}
	if c.Sector != "" {
		updates = append(updates, SearchCaseSector.ValueSet(c.Sector))
	}
	if c.ArchiveNumber != nil {
		updates = append(updates, SearchCaseArchiveNumber.ValueSet(c.ArchiveNumber.String()))
	}
	if due := c.DueAt(); !due.IsZero() {
		updates = append(updates, SearchCaseDueAt.ValueSet(due))
	}
	return updates
}
