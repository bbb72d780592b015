package projections

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/predmet/predmet/domain"
)

// stopAt tells a session when its work is done. The zero value never stops: a live projection follows
// the log until its context ends.
type stopAt struct {
	// caughtUp ends the session once it has applied everything in the log when it subscribed.
	caughtUp bool
	// limit, if set, returns the last position the session may apply (and whether there is one): the
	// session ends once it has applied every selected event up to it.
	limit func() (domain.Position, bool)
}

// session is one subscription of a feed, from its stored checkpoint, and the loop that applies what it
// delivers: wait for a message, gather a batch, apply the batch in one transaction with its checkpoint,
// store the checkpoints that come without events, and report how far the feed has come, until the
// subscription fails, the context ends or the work is done.
type session struct {
	r    *Runner
	f    *feed
	cfg  config
	stop stopAt
	msgs <-chan received // what the pump delivers

	done       domain.Position  // everything selected up to here has been applied
	pending    *domain.Position // a checkpoint received but not yet stored
	lastWrite  time.Time        // when a checkpoint was last stored
	caughtUp   bool             // the subscription has delivered what the log held when it began
	progressed bool             // an event was committed
	timer      *time.Timer      // when to store the pending checkpoint, or to end a catch-up batch

	b batch // the batch of the current turn
}

// batch is what one turn of a session gathers: the events to apply, and what the messages said besides.
type batch struct {
	events  []domain.RecordedEvent
	decodes []decoded
	limit   domain.Position // the last position the session may apply, if bounded
	bounded bool
	// atLimit is set once every selected event up to limit has been received.
	atLimit bool
	// sawCaughtUp is set when the subscription said it has delivered what the log held when it began.
	sawCaughtUp bool
	err         error // the subscription failed
}

// session subscribes f from its stored checkpoint and applies what comes until the subscription or a
// transaction fails (the error), ctx ends (nil) or stop says the work is done (finished). It reports
// whether it committed any event.
func (r *Runner) session(ctx context.Context, f *feed, cfg config, stop stopAt) (progressed, finished bool, err error) {
	from, err := f.start(ctx)
	if err != nil {
		return false, false, err
	}
	msgs, unsubscribe, err := r.subscribe(ctx, f, from, cfg.catchUpBatchSize)
	if err != nil {
		return false, false, err
	}
	defer unsubscribe()
	s := &session{r: r, f: f, cfg: cfg, stop: stop, msgs: msgs, lastWrite: time.Now(), timer: time.NewTimer(time.Hour),
		b: batch{events: make([]domain.RecordedEvent, 0, cfg.catchUpBatchSize), decodes: make([]decoded, 0, cfg.catchUpBatchSize)}}
	if from != nil {
		s.done = *from
	}
	s.timer.Stop()
	defer s.timer.Stop()
	return s.run(ctx)
}

// start reads the stored checkpoint of f (nil for the start of the log) and reports f running from it.
func (f *feed) start(ctx context.Context) (*domain.Position, error) {
	from, applied, err := loadCheckpoint(ctx, f.db, f.name)
	if err != nil {
		return nil, err
	}
	var done domain.Position
	if from != nil {
		done = *from
	}
	f.update(func(s *state) {
		s.running, s.caughtUp, s.eventsApplied, s.checkpoint, s.processed = true, false, applied, done, done
	})
	return from, nil
}

// subscribe subscribes f to the log after from and pumps what the subscription delivers into msgs,
// which holds up to size messages. unsubscribe stops the pump, waits for it and closes the
// subscription.
func (r *Runner) subscribe(ctx context.Context, f *feed, from *domain.Position, size int) (msgs <-chan received, unsubscribe func(), err error) {
	ctx, cancel := context.WithCancel(ctx)
	sub, err := r.store.SubscribeAll(ctx, domain.SubscribeAllOptions{From: from, Filter: f.p.Filter()})
	if err != nil {
		cancel()
		return nil, nil, fmt.Errorf("subscribe: %w", err)
	}
	out := make(chan received, size)
	pumped := make(chan struct{})
	go func() {
		defer close(pumped)
		pump(ctx, sub, f.decoder, out)
	}()
	return out, func() {
		cancel()
		<-pumped // Recv has returned: the subscription may be closed
		sub.Close()
	}, nil
}

// run is the session's loop. Each turn waits for a message, gathers a batch from it, applies the batch,
// stores the pending checkpoint if it is time, and reports how far the feed has come.
func (s *session) run(ctx context.Context) (progressed, finished bool, err error) {
	for {
		first, ok, err := s.wait(ctx)
		if !ok || err != nil {
			return s.progressed, false, err
		}
		if !s.gather(ctx, first) {
			return s.progressed, false, nil
		}
		if err := s.apply(ctx); err != nil {
			return s.progressed, false, err
		}
		finishing := s.b.atLimit || (s.b.sawCaughtUp && s.stop.caughtUp)
		if err := s.storePending(ctx, finishing); err != nil {
			return s.progressed, false, err
		}
		s.report()
		if finishing {
			return s.progressed, true, nil
		}
		if s.b.err != nil {
			return s.progressed, false, fmt.Errorf("subscription: %w", s.b.err)
		}
	}
}

// wait returns the next message. While a checkpoint is pending, it stores it once CheckpointEvery has
// passed since the last was stored. It reports false when ctx ends.
func (s *session) wait(ctx context.Context) (received, bool, error) {
	for {
		var flush <-chan time.Time
		if s.pending != nil {
			s.timer.Reset(s.cfg.checkpointEvery - time.Since(s.lastWrite))
			flush = s.timer.C
		}
		select {
		case <-ctx.Done():
			return received{}, false, nil
		case <-flush:
			if err := s.writePending(ctx); err != nil {
				return received{}, false, err
			}
		case it := <-s.msgs:
			s.timer.Stop()
			return it, true, nil
		}
	}
}

// gather starts the turn's batch with first and adds what follows: once the session is live, what is
// already waiting, up to BatchSize events, so that a lone event is applied at once; while it catches
// up, up to CatchUpBatchSize events or what arrives within CommitEvery. It reports false when ctx ends.
func (s *session) gather(ctx context.Context, first received) bool {
	s.b.reset(s.stop)
	if !s.take(first) {
		return true
	}
	if s.caughtUp {
		s.gatherWaiting()
		return true
	}
	return s.gatherWithin(ctx, s.cfg.commitEvery)
}

// gatherWaiting adds the messages already waiting, up to BatchSize events.
func (s *session) gatherWaiting() {
	for len(s.b.events) < s.cfg.batchSize {
		select {
		case it := <-s.msgs:
			if !s.take(it) {
				return
			}
		default:
			return
		}
	}
}

// gatherWithin adds the messages that arrive within d, up to CatchUpBatchSize events. It reports false
// when ctx ends.
func (s *session) gatherWithin(ctx context.Context, d time.Duration) bool {
	s.timer.Reset(d)
	defer s.timer.Stop()
	for len(s.b.events) < s.cfg.catchUpBatchSize {
		select {
		case it := <-s.msgs:
			if !s.take(it) {
				return true
			}
		case <-s.timer.C:
			return true
		case <-ctx.Done():
			return false
		}
	}
	return true
}

// reset empties the batch, keeping its room, for a turn that stop bounds.
func (b *batch) reset(stop stopAt) {
	b.events, b.decodes = b.events[:0], b.decodes[:0]
	b.limit, b.bounded = domain.Position{}, false
	if stop.limit != nil {
		b.limit, b.bounded = stop.limit()
	}
	b.atLimit, b.sawCaughtUp, b.err = false, false, nil
}

// take adds what one message says to the batch; it reports whether to take more.
func (s *session) take(it received) bool {
	b := &s.b
	switch m := it.msg; {
	case it.err != nil:
		b.err = it.err
		return false
	case m.Event != nil:
		if b.bounded && b.limit.Less(m.Event.Position) {
			b.atLimit = true
			return false
		}
		b.events, b.decodes = append(b.events, *m.Event), append(b.decodes, it.decoded)
	case m.Checkpoint != nil:
		cp := *m.Checkpoint
		if b.bounded && !cp.Less(b.limit) {
			cp, b.atLimit = b.limit, true
		}
		if s.done.Less(cp) && (s.pending == nil || s.pending.Less(cp)) {
			s.pending = &cp
		}
		return !b.atLimit
	case m.CaughtUp:
		b.sawCaughtUp = true
		return false
	}
	return true
}

// apply commits the batch's events in one transaction that moves the checkpoint past them: to the last
// event, or to the pending checkpoint or the limit if either comes later. A batch without events that
// reached the limit makes the limit the pending checkpoint instead.
func (s *session) apply(ctx context.Context) error {
	b := &s.b
	if len(b.events) == 0 {
		if b.atLimit && s.done.Less(b.limit) {
			limit := b.limit
			s.pending = &limit
		}
		return nil
	}
	target := b.events[len(b.events)-1].Position
	if s.pending != nil && target.Less(*s.pending) {
		target = *s.pending
	}
	if b.atLimit && target.Less(b.limit) {
		target = b.limit
	}
	n, err := s.r.commit(ctx, s.f, b.events, b.decodes, target)
	if n > 0 {
		s.progressed = true
	}
	if err != nil {
		return err
	}
	s.done, s.pending, s.lastWrite = target, nil, time.Now()
	return nil
}

// storePending stores the pending checkpoint when the session is finishing or CheckpointEvery has
// passed since the last was stored.
func (s *session) storePending(ctx context.Context, finishing bool) error {
	if s.pending != nil && (finishing || time.Since(s.lastWrite) >= s.cfg.checkpointEvery) {
		return s.writePending(ctx)
	}
	return nil
}

// writePending stores the pending checkpoint on its own.
func (s *session) writePending(ctx context.Context) error {
	if s.pending == nil {
		return nil
	}
	if err := storeCheckpoint(ctx, s.f.db, s.f, *s.pending, 0); err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	cp := *s.pending
	s.f.update(func(st *state) { st.checkpoint = cp })
	s.done, s.pending, s.lastWrite = cp, nil, time.Now()
	return nil
}

// report tells the feed how far the session has processed the log, and that it caught up once it has.
func (s *session) report() {
	processed := s.done
	if s.pending != nil {
		processed = *s.pending // nothing selected before it is waiting to be applied
	}
	s.f.update(func(st *state) { st.processed = processed })
	if s.b.sawCaughtUp {
		s.caughtUp = true
		s.f.update(func(st *state) { st.caughtUp, st.lastErr = true, "" })
		s.f.logger.Debug("Projection caught up.")
	}
}

// applyError reports the event of a batch that a projection could not apply.
type applyError struct {
	index int
	event domain.RecordedEvent
	err   error
}

func (e *applyError) Error() string {
	return fmt.Sprintf("apply %s %s@%d (position %s): %v", e.event.Type, e.event.Stream, e.event.Revision, e.event.Position, e.err)
}

func (e *applyError) Unwrap() error { return e.err }

// commit applies events in one transaction that moves the checkpoint to target (at or after the last
// event). If an event fails, it commits the events before it, so that the projection stops right at the
// failing event, and returns the error with the number of events committed.
func (r *Runner) commit(ctx context.Context, f *feed, events []domain.RecordedEvent, decodes []decoded, target domain.Position) (int, error) {
	err := applyBatch(ctx, f, events, decodes, target)
	if err == nil {
		return len(events), nil
	}
	var ae *applyError
	if errors.As(err, &ae) && ae.index > 0 && ctx.Err() == nil {
		if err2 := applyBatch(ctx, f, events[:ae.index], decodes[:ae.index], events[ae.index-1].Position); err2 == nil {
			return ae.index, err
		}
	}
	return 0, err
}

// applyBatch applies events, flushes the projection if it is a Batcher, and writes the checkpoint target,
// all in one transaction. If anything fails, the transaction rolls back and the projection discards
// what it holds in memory.
func applyBatch(ctx context.Context, f *feed, events []domain.RecordedEvent, decodes []decoded, target domain.Position) error {
	err := inTx(ctx, f.db, func(tx *sql.Tx) error {
		ptx := NewTx(tx)
		for i, e := range events {
			var err error
			switch {
			case f.decoder == nil || len(decodes) != len(events):
				err = f.p.Apply(ctx, ptx, e)
			case decodes[i].err != nil:
				err = decodes[i].err
			default:
				err = f.decoder.ApplyDecoded(ctx, ptx, e, decodes[i].value)
			}
			if err != nil {
				return &applyError{index: i, event: e, err: err}
			}
		}
		if f.batcher != nil {
			if err := f.batcher.Flush(ctx, ptx); err != nil {
				return fmt.Errorf("flush: %w", err)
			}
		}
		if err := storeCheckpoint(ctx, tx, f, target, len(events)); err != nil {
			return fmt.Errorf("write checkpoint: %w", err)
		}
		return nil
	})
	if err != nil {
		f.discard()
		return err
	}
	last := events[len(events)-1]
	f.update(func(s *state) {
		s.checkpoint, s.lastApplied, s.lastCreated = target, last.Position, last.Created
		s.eventsApplied += uint64(len(events))
		s.lastErr = ""
	})
	return nil
}

// received is what the subscription's Recv returned.
type received struct {
	msg domain.SubscriptionMessage
	err error
	// decoded is the event as a Decoder decoded it, or the error that decoding it returned.
	decoded decoded
}

// decoded is an event decoded by a Decoder, or the error that decoding it returned.
type decoded struct {
	value any
	err   error
}

// pump moves the subscription's messages to out until Recv fails or ctx ends, so that reading the log
// overlaps applying it.
// A Decoder's events are decoded on a goroutine of their own between the two, so that reading, decoding
// and applying overlap.
func pump(ctx context.Context, sub domain.Subscription, dec Decoder, out chan<- received) {
	if dec == nil {
		forward(ctx, sub, out)
		return
	}
	raw := make(chan received, cap(out))
	read := make(chan struct{})
	go func() {
		defer close(read)
		forward(ctx, sub, raw)
	}()
	defer func() { <-read }()
	for {
		var it received
		select {
		case it = <-raw:
		case <-ctx.Done():
			return
		}
		if it.msg.Event != nil {
			it.decoded.value, it.decoded.err = dec.Decode(*it.msg.Event)
		}
		select {
		case out <- it:
		case <-ctx.Done():
			return
		}
		if it.err != nil {
			return
		}
	}
}

// forward moves the subscription's messages to out until Recv fails or ctx ends.
func forward(ctx context.Context, sub domain.Subscription, out chan<- received) {
	for {
		m, err := sub.Recv()
		select {
		case out <- received{msg: m, err: err}:
		case <-ctx.Done():
			return
		}
		if err != nil {
			return
		}
	}
}
