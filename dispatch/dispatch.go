// Package dispatch is the one place in predmet that reacts to events: a Dispatcher, run by every
// worker, follows the event log and turns what happened into messages on their way.
//
// For each event of a case's stream that calls for messages (domain.NotificationsFor: the submitter's
// acknowledgement when the case is registered, the officer's notice when it is assigned, the answer when
// it goes out), it queues each notification through domain.QueueNotification, the one function that
// queues notifications (the workflows' Notify activity and the outbox's resend call it too). For each
// notification queued, by whomever, it starts the notification's delivery (Deliveries).
//
// Both steps are idempotent: a notification's ID derives from the event that called for it and its
// stream takes one first event, and a delivery is started once per notification (a workflow ID per
// notification, never reused). So the dispatcher processes the log at least once from a durable
// checkpoint of its own (Checkpoints, a small SQLite file in the data directory), saved at most every
// CheckpointEvery and when it stops, and is exactly once in effect: after a crash it processes again the
// events since its last checkpoint, which queues nothing twice and starts nothing twice. Several workers,
// each with its own checkpoint, may dispatch the same log side by side for the same reason.
//
// Where it starts. A dispatcher with a checkpoint goes on from it, however long it was stopped: the
// messages of the gap go out late rather than never. A dispatcher without one (a new installation, a
// new worker, or an upgrade from a release that dispatched elsewhere) starts at the first event recorded
// within Lookback (48 hours by default) before its clock's now, and saves that position at once: a
// fresh log is dispatched whole, while an old one does not e-mail years of history. Events recorded
// before that point are never dispatched by it.
//
// What starts a delivery is behind the Deliveries interface: WorkflowDeliveries starts one Temporal
// workflow per notification (workflows.DeliveryWorkflow); another implementation may deliver in-process.
package dispatch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/predmet/predmet/domain"
)

// DefaultLookback is how far back a dispatcher without a checkpoint starts (see Dispatcher.Lookback).
const DefaultLookback = 48 * time.Hour

// DefaultCheckpointEvery is how often at most a dispatcher saves its checkpoint while it works.
const DefaultCheckpointEvery = time.Second

// Deliveries starts the delivery of queued notifications.
type Deliveries interface {
	// Start starts the delivery of the queued notification with the given ID, unless it was started
	// before: starting it again, even after its delivery ended, must do nothing more. The dispatcher
	// retries an error.
	Start(ctx context.Context, notificationID string) error
}

// Checkpoints keeps a dispatcher's position in the log across restarts.
type Checkpoints interface {
	// Load returns the position saved last, and false when none was ever saved.
	Load(ctx context.Context) (domain.Position, bool, error)
	// Save records that every event up to and including pos has been dispatched.
	Save(ctx context.Context, pos domain.Position) error
}

// Dispatcher turns case events into queued notifications and queued notifications into deliveries
// (see the package's documentation). Run it with Run.
type Dispatcher struct {
	Store       domain.EventStore
	Deliveries  Deliveries
	Checkpoints Checkpoints
	// Logger logs what the dispatcher could not do; nil logs nothing.
	Logger *zap.Logger
	// Lookback is how far back from Now a dispatcher without a checkpoint starts (DefaultLookback if 0).
	Lookback time.Duration
	// Now is the clock Lookback is measured with (time.Now if nil).
	Now func() time.Time
	// CheckpointEvery is how often at most the checkpoint is saved while events flow
	// (DefaultCheckpointEvery if 0); it is also saved when the subscription catches up and when Run ends.
	CheckpointEvery time.Duration
}

// filter selects the events a dispatcher acts on: those of the cases' streams and of the notifications'.
var filter = domain.SubscriptionFilter{StreamPrefixes: []string{domain.CaseStreamPrefix, domain.NotificationStream("")}}

// Run dispatches the log until ctx ends, and then returns ctx's error. It survives the store's failures:
// it subscribes again from its checkpoint after a pause.
func (d *Dispatcher) Run(ctx context.Context) error {
	wait := time.Second
	for {
		err := d.follow(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		d.logger().Warn("Dispatching stopped; subscribing again", zap.Error(err), zap.Duration("in", wait))
		if !sleep(ctx, wait) {
			return ctx.Err()
		}
		wait = min(2*wait, 30*time.Second)
	}
}

// follow subscribes to the log from the checkpoint (or the starting point) and dispatches what it
// receives until the subscription or ctx ends. It saves the checkpoint as it goes and before it returns.
func (d *Dispatcher) follow(ctx context.Context) error {
	from, err := d.from(ctx)
	if err != nil {
		return err
	}
	sub, err := d.Store.SubscribeAll(ctx, domain.SubscribeAllOptions{From: from, Filter: filter})
	if err != nil {
		return err
	}
	defer sub.Close()

	cp := checkpointer{d: d, every: d.CheckpointEvery}
	if cp.every <= 0 {
		cp.every = DefaultCheckpointEvery
	}
	defer cp.flush()
	for {
		msg, err := sub.Recv()
		if err != nil {
			return err
		}
		switch {
		case msg.Event != nil:
			if err := d.dispatch(ctx, *msg.Event); err != nil {
				return err // ctx ended while retrying: the event is dispatched again next time
			}
			cp.advance(ctx, msg.Event.Position)
		case msg.Checkpoint != nil:
			cp.advance(ctx, *msg.Checkpoint)
		case msg.CaughtUp:
			cp.save(ctx)
			d.logger().Debug("Dispatcher caught up with the log")
		}
	}
}

// from returns where to subscribe: just after the checkpoint, or, without one, the starting point,
// which it saves at once (nil is the start of the log).
func (d *Dispatcher) from(ctx context.Context) (*domain.Position, error) {
	pos, ok, err := d.Checkpoints.Load(ctx)
	if err != nil {
		return nil, fmt.Errorf("dispatch: load the checkpoint: %w", err)
	}
	if ok {
		return &pos, nil
	}
	start, err := d.startingPoint(ctx)
	if err != nil {
		return nil, fmt.Errorf("dispatch: find where to start: %w", err)
	}
	if start != nil {
		if err := d.Checkpoints.Save(ctx, *start); err != nil {
			return nil, fmt.Errorf("dispatch: save the starting point: %w", err)
		}
		d.logger().Info("Dispatcher starts without a checkpoint; older events are not dispatched",
			zap.Stringer("after", start), zap.Duration("lookback", d.lookback()))
	}
	return start, nil
}

// startingPoint returns the position of the last event recorded before Now minus Lookback, reading the
// log backwards from its end; nil when every event is more recent (or the log is empty), so that the
// whole log is dispatched.
func (d *Dispatcher) startingPoint(ctx context.Context) (*domain.Position, error) {
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	cutoff := now().Add(-d.lookback())
	const page = 256
	opts := domain.ReadAllOptions{Direction: domain.Backwards, Max: page}
	var seen *domain.Position // the last position of the page before, where this page starts (From is inclusive)
	for {
		events, err := d.Store.ReadAll(ctx, opts)
		if err != nil {
			return nil, err
		}
		for _, e := range events {
			if seen != nil && e.Position == *seen {
				continue
			}
			if e.Created.Before(cutoff) {
				return &e.Position, nil
			}
		}
		if uint64(len(events)) < opts.Max {
			return nil, nil // the start of the log
		}
		last := events[len(events)-1].Position
		opts.From, opts.Max, seen = &last, page+1, &last
	}
}

func (d *Dispatcher) lookback() time.Duration {
	if d.Lookback <= 0 {
		return DefaultLookback
	}
	return d.Lookback
}

// dispatch acts on one event, retrying what may succeed later until ctx ends. What can never succeed
// (an event that cannot be decoded, a notification ID that holds another notification) is logged as an
// error and left behind, so that one bad event does not hold up every message after it.
func (d *Dispatcher) dispatch(ctx context.Context, e domain.RecordedEvent) error {
	wait := 100 * time.Millisecond
	for {
		err := d.act(ctx, e)
		var p permanentError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &p):
			d.logger().Error("Event not dispatched", zap.String("stream", e.Stream), zap.Uint64("revision", e.Revision),
				zap.String("type", e.Type), zap.Error(p.err))
			return nil
		case ctx.Err() != nil:
			return ctx.Err() // stopping: the event is dispatched again next time
		}
		d.logger().Warn("Dispatching an event failed; trying again", zap.String("stream", e.Stream),
			zap.Uint64("revision", e.Revision), zap.Error(err), zap.Duration("in", wait))
		if !sleep(ctx, wait) {
			return ctx.Err()
		}
		wait = min(2*wait, 30*time.Second)
	}
}

// permanentError marks an error that no retry can fix.
type permanentError struct{ err error }

func (p permanentError) Error() string { return p.err.Error() }

// act queues the notifications a case event calls for, or starts the delivery of a queued notification.
func (d *Dispatcher) act(ctx context.Context, e domain.RecordedEvent) error {
	if caseID, ok := strings.CutPrefix(e.Stream, domain.CaseStreamPrefix); ok {
		if !domain.IsKnownEventType(e.Type) {
			return nil
		}
		ev, err := domain.DecodeEvent(e)
		if err != nil {
			return permanentError{err}
		}
		for _, n := range domain.NotificationsFor(caseID, e.ID, ev, e.Created) {
			err := domain.QueueNotification(ctx, d.Store, n)
			switch domain.ErrorCode(err) {
			case "":
			case domain.EINVALID, domain.ECONFLICT:
				return permanentError{fmt.Errorf("queue %s of case %s: %w", n.Kind, caseID, err)}
			default:
				return fmt.Errorf("queue %s of case %s: %w", n.Kind, caseID, err)
			}
		}
		return nil
	}
	if id, ok := strings.CutPrefix(e.Stream, domain.NotificationStream("")); ok && e.Type == domain.EventNotificationQueued {
		if err := d.Deliveries.Start(ctx, id); err != nil {
			return fmt.Errorf("start the delivery of %s: %w", id, err)
		}
	}
	return nil
}

func (d *Dispatcher) logger() *zap.Logger {
	if d.Logger == nil {
		return zap.NewNop()
	}
	return d.Logger
}

// checkpointer saves a dispatcher's position at most every so often.
type checkpointer struct {
	d       *Dispatcher
	every   time.Duration
	pos     domain.Position
	pending bool
	saved   time.Time
}

// advance records that everything up to pos is dispatched, and saves it if the last save is old enough.
func (c *checkpointer) advance(ctx context.Context, pos domain.Position) {
	c.pos, c.pending = pos, true
	if time.Since(c.saved) >= c.every {
		c.save(ctx)
	}
}

// save saves the position now, if it moved. A failed save is logged: the events since the last save
// are dispatched again after a restart, which is harmless.
func (c *checkpointer) save(ctx context.Context) {
	if !c.pending {
		return
	}
	if err := c.d.Checkpoints.Save(ctx, c.pos); err != nil {
		c.d.logger().Warn("Dispatcher checkpoint not saved", zap.Error(err))
		return
	}
	c.pending, c.saved = false, time.Now()
}

// flush saves the position when the dispatcher stops, also when its context has ended.
func (c *checkpointer) flush() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c.save(ctx)
}

// sleep waits for d or until ctx ends, and reports whether it waited the whole time.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
