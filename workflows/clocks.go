package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/predmet/predmet/activities"
	"github.com/predmet/predmet/domain"
)

// ClocksWorkflowID is the ID of the one workflow that suspends and resumes every clock.
const ClocksWorkflowID = "clocks"

// ClocksUpdate suspends or resumes every clock; its argument is a ClocksCommand, its result the
// domain.GlobalClocks after it. Its validator rejects a suspension of stopped clocks and a resumption of
// running ones.
const ClocksUpdate = "clocks"

// ClocksCommand asks to suspend (Suspend set) or resume every clock.
type ClocksCommand struct {
	Suspend bool
	Reason  string
	Actor   domain.Actor
}

// clocksHistoryLimit is the history length after which the clocks workflow continues as new.
const clocksHistoryLimit = 2000

// ClocksWorkflow is the single writer of domain.ClocksStream. Each suspension or resumption is recorded
// there and then broadcast to every case, which applies it to its own clock once.
func ClocksWorkflow(ctx workflow.Context) error {
	w := &clocksWorkflow{}
	if err := w.setup(ctx); err != nil {
		return err
	}
	return w.run(ctx)
}

type clocksWorkflow struct {
	state domain.GlobalClocks
	// pending are recorded changes not yet broadcast, oldest first.
	pending []ClocksChange
	mu      workflow.Mutex
}

// broadcastOptions let a broadcast over a long log take its time, heartbeating its progress.
var broadcastOptions = workflow.ActivityOptions{
	StartToCloseTimeout: time.Hour,
	HeartbeatTimeout:    time.Minute,
	RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
}

func (w *clocksWorkflow) setup(ctx workflow.Context) error {
	w.mu = workflow.NewMutex(ctx)
	if err := workflow.SetQueryHandler(ctx, StateQuery, func() (domain.GlobalClocks, error) { return w.state, nil }); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, ClocksUpdate, w.change, workflow.UpdateHandlerOptions{
		Validator: func(ctx workflow.Context, cmd ClocksCommand) error { return updateError(w.check(cmd)) },
	})
}

// check says whether a command may run on the current state.
func (w *clocksWorkflow) check(cmd ClocksCommand) error {
	if !cmd.Actor.HasAnyRole(domain.RoleAdmin) {
		return domain.Errorf(domain.EFORBIDDEN, "Only an administrator may suspend or resume every clock.")
	}
	if cmd.Suspend && w.state.Suspended {
		return domain.Errorf(domain.ECONFLICT, "Every clock is already suspended.")
	} else if !cmd.Suspend && !w.state.Suspended {
		return domain.Errorf(domain.ECONFLICT, "The clocks are not suspended.")
	}
	return domain.ValidateClocksChange(cmd.Suspend, cmd.Reason)
}

func (w *clocksWorkflow) run(ctx workflow.Context) error {
	lctx := workflow.WithLocalActivityOptions(ctx, localOptions)
	if err := workflow.ExecuteLocalActivity(lctx, a.LoadClocks).Get(ctx, &w.state); err != nil {
		return err
	}
	// A change recorded by an earlier run may not have reached every case: broadcasting the current
	// state again is harmless, since each case applies a revision once.
	if w.state.Revision > 0 {
		w.pending = append(w.pending, ClocksChange{Suspended: w.state.Suspended, At: *w.state.Since, Reason: w.state.Reason, Revision: w.state.Revision})
	}
	actx := workflow.WithActivityOptions(ctx, broadcastOptions)
	for {
		if err := workflow.Await(ctx, func() bool { return len(w.pending) > 0 || w.continueAsNewDue(ctx) }); err != nil {
			return err
		}
		if len(w.pending) == 0 {
			if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
				return err
			}
			return workflow.NewContinueAsNewError(ctx, ClocksWorkflow)
		}
		change := w.pending[0]
		w.pending = w.pending[1:]
		var res activities.BroadcastResult
		err := workflow.ExecuteActivity(actx, a.BroadcastClocks, activities.BroadcastInput{Signal: ClocksSignal, Arg: change}).Get(ctx, &res)
		if err != nil {
			return err
		}
		workflow.GetLogger(ctx).Info("Clock change broadcast", "revision", change.Revision, "signalled", res.Signalled, "gone", res.Gone)
	}
}

func (w *clocksWorkflow) continueAsNewDue(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	return info.GetCurrentHistoryLength() >= clocksHistoryLimit || info.GetContinueAsNewSuggested()
}

// change is the ClocksUpdate handler: it records the change in domain.ClocksStream and queues its
// broadcast.
func (w *clocksWorkflow) change(ctx workflow.Context, cmd ClocksCommand) (domain.GlobalClocks, error) {
	if err := w.mu.Lock(ctx); err != nil {
		return w.state, err
	}
	defer w.mu.Unlock()
	if err := w.check(cmd); err != nil {
		return w.state, updateError(err)
	}
	now := workflow.Now(ctx).UTC()
	var e domain.Event = &domain.ClocksResumed{At: now, Reason: cmd.Reason, By: cmd.Actor.UserID}
	if cmd.Suspend {
		e = &domain.ClocksSuspended{At: now, Reason: cmd.Reason, By: cmd.Actor.UserID}
	}
	meta := domain.Metadata{
		CorrelationID: ClocksWorkflowID,
		CausationID:   fmt.Sprintf("%s/%s@%d", ClocksWorkflowID, e.EventType(), w.state.Revision),
		UserID:        cmd.Actor.UserID,
	}
	if err := appendAt(ctx, domain.ClocksStream, w.state.Revision, meta, e); err != nil {
		var app *temporal.ApplicationError
		if !errors.As(err, &app) || app.Type() != activities.ErrTypeConflict {
			return w.state, err
		}
		// The stream moved on without this workflow: fold it again and let the caller look again.
		lctx := workflow.WithLocalActivityOptions(ctx, localOptions)
		if err := workflow.ExecuteLocalActivity(lctx, a.LoadClocks).Get(ctx, &w.state); err != nil {
			return w.state, err
		}
		return w.state, updateError(errStreamMoved)
	}
	w.state.Apply(e)
	w.pending = append(w.pending, ClocksChange{Suspended: cmd.Suspend, At: now, Reason: cmd.Reason, Revision: w.state.Revision})
	return w.state, nil
}
