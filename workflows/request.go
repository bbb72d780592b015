package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/predmet/predmet/activities"
	"github.com/predmet/predmet/domain"
)

// RequestWorkflow chases one request for input (or a programme's item): it reminds the sector before the
// request is due and climbs the escalation ladder after, each step delivered as a notification and then
// told to the case with RequestFactSignal, so that the case, the only writer of its stream, records it.
// It listens for RequestChangeSignal: a reassignment (a higher Generation) starts the chase again for the
// new sector and due instant; Closed, or a case that no longer runs, ends it.
//
// A child started again for the same generation (in.Request.Reminders and Escalation set) does not repeat
// the steps already delivered. A reminder whose time has passed is skipped; a passed escalation fires at once.
func RequestWorkflow(ctx workflow.Context, in RequestInput) error {
	w := &requestWorkflow{in: in, req: in.Request}
	w.setup(ctx)
	return w.run(ctx)
}

type requestWorkflow struct {
	in RequestInput
	// req is the request as the workflow knows it: the current sector, due instant and generation, and
	// the reminders and escalations delivered to it.
	req     domain.Request
	changes workflow.ReceiveChannel
}

// chaseOutcome is what a change, or the case's end, did to the chase.
type chaseOutcome int

const (
	chaseOn         chaseOutcome = iota // nothing that concerns the current generation
	chaseReassigned                     // a new generation: plan and chase again
	chaseClosed                         // the request was answered or cancelled, or its case ended
)

// The request's steps run as regular activities, retried with backoff (at most a minute apart) for as long
// as the event store is unreachable. The chase is idle for days between steps, so the round trip through the
// server costs nothing, while a long outage costs no history: a local activity retried for hours would keep
// the workflow task alive and add events to the history as it goes. Both steps are idempotent: the plan is a
// pure computation and a notification's event has a deterministic ID.
var requestActivityOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 15 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:    time.Second,
		BackoffCoefficient: 2,
		MaximumInterval:    time.Minute,
		// MaximumAttempts 0: retry until it succeeds or fails with a non-retryable error.
	},
}

func (w *requestWorkflow) setup(ctx workflow.Context) {
	w.changes = workflow.GetSignalChannel(ctx, RequestChangeSignal)
}

func (w *requestWorkflow) run(ctx workflow.Context) error {
	ctx = workflow.WithActivityOptions(ctx, requestActivityOptions)
	for {
		steps, err := w.plan(ctx)
		if err != nil {
			return err
		}
		out, err := w.chase(ctx, steps)
		if err != nil || out == chaseClosed {
			return err
		}
		if out == chaseOn { // every step is behind: wait for what becomes of the request
			if out = w.awaitChange(ctx); out == chaseClosed {
				return nil
			}
		}
	}
}

// plan asks for the current generation's reminders and escalations.
func (w *requestWorkflow) plan(ctx workflow.Context) ([]domain.PlannedStep, error) {
	var plan activities.Plan
	err := workflow.ExecuteActivity(ctx, a.PlanRequest, activities.PlanInput{DueAt: w.req.DueAt, Policy: w.in.Policy}).Get(ctx, &plan)
	return plan.Steps, err
}

// chase delivers each step not yet delivered at its time. It returns chaseOn once every step is behind,
// or as soon as a change reassigns or closes the request.
func (w *requestWorkflow) chase(ctx workflow.Context, steps []domain.PlannedStep) (chaseOutcome, error) {
	for _, s := range steps {
		if w.delivered(s) {
			continue
		}
		if s.Kind == domain.NotifyReminder && !workflow.Now(ctx).Before(s.At) {
			continue // a late reminder is pointless: the escalations follow
		}
		if out := w.waitUntil(ctx, s.At); out != chaseOn {
			return out, nil
		}
		// A change that arrived with the timer goes first: no step for a request already closed or reassigned.
		if out := w.pendingChanges(ctx); out != chaseOn {
			return out, nil
		}
		if out, err := w.deliver(ctx, s); out != chaseOn || err != nil {
			return out, err
		}
	}
	return chaseOn, nil
}

// delivered reports whether step s of the current generation went out already.
func (w *requestWorkflow) delivered(s domain.PlannedStep) bool {
	if s.Kind == domain.NotifyReminder {
		return s.Step <= w.req.Reminders
	}
	return s.Step <= w.req.Escalation
}

// waitUntil sleeps until at, or until a change reassigns or closes the request. Changes that do not
// concern the current generation are ignored and the sleep goes on.
func (w *requestWorkflow) waitUntil(ctx workflow.Context, at time.Time) chaseOutcome {
	wait := at.Sub(workflow.Now(ctx))
	if wait <= 0 {
		return chaseOn
	}
	timerCtx, cancelTimer := workflow.WithCancel(ctx)
	defer cancelTimer()
	timer := workflow.NewTimer(timerCtx, wait)
	fired, out := false, chaseOn
	sel := workflow.NewSelector(ctx)
	sel.AddFuture(timer, func(workflow.Future) { fired = true })
	sel.AddReceive(w.changes, func(c workflow.ReceiveChannel, more bool) {
		var change RequestChange
		c.Receive(ctx, &change)
		out = w.apply(ctx, change)
	})
	for !fired && out == chaseOn {
		sel.Select(ctx)
	}
	return out
}

// awaitChange waits, after the last step, for the request to be reassigned or closed.
func (w *requestWorkflow) awaitChange(ctx workflow.Context) chaseOutcome {
	for {
		var change RequestChange
		w.changes.Receive(ctx, &change)
		if out := w.apply(ctx, change); out != chaseOn {
			return out
		}
	}
}

// pendingChanges applies the changes already received, without waiting.
func (w *requestWorkflow) pendingChanges(ctx workflow.Context) chaseOutcome {
	for {
		var change RequestChange
		if !w.changes.ReceiveAsync(&change) {
			return chaseOn
		}
		if out := w.apply(ctx, change); out != chaseOn {
			return out
		}
	}
}

// apply takes a change into the request: a reassignment to a later generation starts its chase from the
// first step; a change for this generation or an earlier one (a late or repeated signal) is ignored.
func (w *requestWorkflow) apply(ctx workflow.Context, c RequestChange) chaseOutcome {
	switch {
	case c.Closed:
		return chaseClosed
	case c.Generation > w.req.Generation:
		w.req.Generation, w.req.Sector, w.req.DueAt = c.Generation, c.Sector, c.DueAt
		w.req.Reminders, w.req.Escalation, w.req.Level = 0, 0, ""
		return chaseReassigned
	}
	workflow.GetLogger(ctx).Info("Ignoring a change of an earlier generation.", "Generation", c.Generation, "Current", w.req.Generation)
	return chaseOn
}

// deliver queues the step's notification and tells the case. It returns chaseClosed when the case's
// workflow no longer runs: the case ended, and its requests with it.
func (w *requestWorkflow) deliver(ctx workflow.Context, s domain.PlannedStep) (chaseOutcome, error) {
	now := workflow.Now(ctx).UTC()
	if w.req.Kind == domain.RequestReport {
		// A yearly report is the department's own work: its owning officer is reminded, not a sector.
		s.Level = domain.LevelOfficer
	}
	n := domain.NotificationQueued{
		ID:     domain.NotificationID(w.in.CaseID, w.req.ID, w.req.Generation, s.Kind, s.Step),
		Kind:   s.Kind,
		CaseID: w.in.CaseID, RequestID: w.req.ID, Sector: w.req.Sector,
		Level: s.Level, Step: s.Step, DueAt: w.req.DueAt, Generation: w.req.Generation,
		At: now,
	}
	if err := workflow.ExecuteActivity(ctx, a.Notify, n).Get(ctx, nil); err != nil {
		return chaseOn, err
	}
	if s.Kind == domain.NotifyReminder {
		w.req.Reminders = max(w.req.Reminders, s.Step)
	} else if s.Step > w.req.Escalation {
		w.req.Escalation, w.req.Level = s.Step, s.Level
	}
	fact := RequestFact{
		RequestID: w.req.ID, Generation: w.req.Generation, Kind: s.Kind, Step: s.Step, Level: s.Level,
		Sector: w.req.Sector, NotificationID: n.ID, At: now,
	}
	err := workflow.SignalExternalWorkflow(ctx, CaseWorkflowID(w.in.CaseID), "", RequestFactSignal, fact).Get(ctx, nil)
	var gone *temporal.UnknownExternalWorkflowExecutionError
	if errors.As(err, &gone) {
		workflow.GetLogger(ctx).Info("The case's workflow no longer runs: the chase ends.", "CaseID", w.in.CaseID)
		return chaseClosed, nil
	}
	return chaseOn, err
}
