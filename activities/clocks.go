package activities

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"

	"github.com/predmet/predmet/domain"
)

// Signaler sends a signal to a running workflow. The Temporal client implements it.
type Signaler interface {
	SignalWorkflow(ctx context.Context, workflowID, runID, signalName string, arg any) error
}

// EndOfDay returns 23:59:59 of a date in the municipality's time zone.
func (a *Activities) EndOfDay(_ context.Context, d domain.Date) (time.Time, error) {
	return d.EndOfDayIn(a.Location), nil
}

// LocalDate returns the civil date of an instant in the municipality's time zone.
func (a *Activities) LocalDate(_ context.Context, t time.Time) (domain.Date, error) {
	return domain.DateOf(t, a.Location), nil
}

// LoadClocks folds domain.ClocksStream: whether every clock is stopped.
func (a *Activities) LoadClocks(ctx context.Context) (domain.GlobalClocks, error) {
	g, err := a.globalClocks(ctx)
	if err != nil {
		return domain.GlobalClocks{}, activityError(err)
	}
	return *g, nil
}

func (a *Activities) globalClocks(ctx context.Context) (*domain.GlobalClocks, error) {
	return domain.ReadGlobalClocks(ctx, a.Store)
}

// BroadcastInput is a change of every clock to tell every case about.
type BroadcastInput struct {
	// Signal and Arg are the signal to send to each case's workflow.
	Signal string
	Arg    any
}

// BroadcastResult counts the cases told.
type BroadcastResult struct {
	Signalled int
	// Gone counts cases whose workflow has ended (or not started yet: such a case reads the clocks'
	// state when it starts).
	Gone int
}

// broadcastPage is how many events of the log a broadcast reads at a time.
const broadcastPage = 1000

// BroadcastClocks sends a signal to the workflow of every case in the log. It reads every CaseReceived
// event of the log, so that no case is missed whatever the visibility store shows; a case that has not
// started its workflow yet reads the clocks' state when it does. It heartbeats its position in the log,
// so a retried attempt goes on where the last one stopped; a case signalled twice ignores the repeat.
func (a *Activities) BroadcastClocks(ctx context.Context, in BroadcastInput) (BroadcastResult, error) {
	var res BroadcastResult
	var from *domain.Position
	if activity.HasHeartbeatDetails(ctx) {
		var p domain.Position
		if err := activity.GetHeartbeatDetails(ctx, &p); err == nil {
			from = &p
		}
	}
	for {
		events, err := a.Store.ReadAll(ctx, domain.ReadAllOptions{From: from, Max: broadcastPage})
		if err != nil {
			return res, activityError(err)
		}
		for i := range events {
			e := &events[i]
			if from != nil && e.Position == *from {
				continue // From is inclusive
			}
			if e.Type != domain.EventCaseReceived || len(e.Stream) <= len(domain.CaseStreamPrefix) {
				continue
			}
			err := a.Signaler.SignalWorkflow(ctx, e.Stream, "", in.Signal, in.Arg)
			var notFound *serviceerror.NotFound
			switch {
			case errors.As(err, &notFound):
				res.Gone++
			case err != nil:
				return res, err
			default:
				res.Signalled++
			}
		}
		if len(events) == 0 || len(events) == 1 && from != nil && events[0].Position == *from {
			return res, nil
		}
		last := events[len(events)-1].Position
		from = &last
		activity.RecordHeartbeat(ctx, last)
	}
}
