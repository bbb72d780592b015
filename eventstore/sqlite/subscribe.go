package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/predmet/predmet/domain"
)

const (
	// defaultCheckpointInterval is how many events a subscription scans between checkpoints by default.
	defaultCheckpointInterval = 32
	// pageSize is how many positions a subscription reads per query.
	pageSize = 1024
	// subscriptionBuffer is how many messages a subscription prepares ahead of Recv.
	subscriptionBuffer = 256
)

// SubscribeAll follows the global log from just after opts.From (or from the start), filtered by
// opts.Filter, with the semantics of domain.EventStore. Stream and event type prefixes are both applied
// when both are given; an empty filter skips system events (types starting with "$").
//
// The subscription reads the log in pages in its own goroutine, a buffer ahead of Recv. It sends a
// checkpoint after every opts.CheckpointInterval scanned events (32 by default), matching or not, and
// whenever it has caught up with the last commit after scanning events its filter skipped. CaughtUp comes once, after every event committed before SubscribeAll was called. Then it waits
// for the writer's next commit. Because positions are assigned in commit order by the single writer, no
// position below the last committed one can appear later, so the subscription never skips an event.
//
// It returns EINVALID for a negative CheckpointInterval and EUNAVAILABLE when the store is closed.
func (s *Store) SubscribeAll(ctx context.Context, opts domain.SubscribeAllOptions) (domain.Subscription, error) {
	if opts.CheckpointInterval < 0 {
		return nil, domain.FieldErrorf("checkpointInterval", "checkpoint interval %d is negative", opts.CheckpointInterval)
	}
	interval := uint64(opts.CheckpointInterval)
	if interval == 0 {
		interval = defaultCheckpointInterval
	}
	where, args := filterSQL(opts.Filter)

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, errStoreClosed
	}
	s.subWG.Add(1)
	start := s.committed
	s.mu.Unlock()

	stmt, err := s.rdb.PrepareContext(ctx, `SELECT `+eventColumns+` FROM events
		WHERE position > ? AND position <= ? AND (`+where+`) ORDER BY position`)
	if err != nil {
		s.subWG.Done()
		return nil, wrapErr("subscribe", err)
	}
	sub := &subscription{
		store:    s,
		stmt:     stmt,
		args:     args,
		start:    start,
		interval: interval,
		msgs:     make(chan domain.SubscriptionMessage, subscriptionBuffer),
		exited:   make(chan struct{}),
	}
	if opts.From != nil {
		sub.from = opts.From.Commit
	}
	sub.ctx, sub.cancel = context.WithCancelCause(ctx)
	stop := context.AfterFunc(s.ctx, func() { sub.cancel(errStoreClosed) })
	go sub.run(stop)
	return sub, nil
}

// filterSQL renders a filter as an SQL condition on events and its arguments. A prefix p selects the
// strings s with p <= s < p+"\xff": no valid UTF-8 string starting with p reaches the upper bound, and
// names are kept valid UTF-8. The unary + keeps SQLite from scanning the stream index instead of the
// position range.
func filterSQL(f domain.SubscriptionFilter) (string, []any) {
	var (
		conds []string
		args  []any
	)
	prefixes := func(column string, ps []string) {
		var or []string
		for _, p := range ps {
			if p == "" {
				return // selects everything
			}
			or = append(or, "(+"+column+" >= ? AND +"+column+" < ?)")
			args = append(args, p, p+"\xff")
		}
		conds = append(conds, "("+strings.Join(or, " OR ")+")")
	}
	if len(f.StreamPrefixes) > 0 {
		prefixes("stream", f.StreamPrefixes)
	}
	if len(f.EventTypePrefixes) > 0 {
		prefixes("type", f.EventTypePrefixes)
	}
	if len(f.StreamPrefixes) == 0 && len(f.EventTypePrefixes) == 0 {
		conds = append(conds, "(type < '$' OR type >= '%')") // not a system event
	}
	if len(conds) == 0 {
		return "1", nil
	}
	return strings.Join(conds, " AND "), args
}

// subscription is a running SubscribeAll.
type subscription struct {
	store    *Store
	stmt     *sql.Stmt
	args     []any
	from     uint64 // exclusive
	start    uint64 // the last position committed when the subscription began
	interval uint64

	ctx    context.Context // its cause is Recv's error
	cancel context.CancelCauseFunc
	msgs   chan domain.SubscriptionMessage
	exited chan struct{} // closed when run returns
}

// Recv returns the next message. It returns an error once the subscription's context has ended
// (EUNAVAILABLE, wrapping the context's error), the subscription or the store was closed (EUNAVAILABLE)
// or reading failed; messages still buffered then are dropped.
func (sub *subscription) Recv() (domain.SubscriptionMessage, error) {
	if sub.ctx.Err() != nil {
		return domain.SubscriptionMessage{}, sub.err()
	}
	select {
	case m := <-sub.msgs:
		return m, nil
	case <-sub.ctx.Done():
		return domain.SubscriptionMessage{}, sub.err()
	}
}

func (sub *subscription) err() error {
	return wrapErr("subscription", context.Cause(sub.ctx))
}

// Close ends the subscription and waits for its goroutine. It may be called more than once, also while
// another goroutine waits in Recv.
func (sub *subscription) Close() error {
	sub.cancel(errSubscriptionClosed)
	<-sub.exited
	return nil
}

func (sub *subscription) run(stop func() bool) {
	defer sub.store.subWG.Done()
	defer close(sub.exited)
	defer stop()
	defer sub.stmt.Close()
	if err := sub.follow(); err != nil {
		sub.cancel(err)
	}
}

// follow scans the log until the subscription ends. It returns nil when the context ended.
func (sub *subscription) follow() error {
	pos := sub.from // every position up to pos has been scanned
	cp := cursor{lastCheckpoint: pos, lastSent: pos}
	caughtUp := false
	for {
		committed, next := sub.store.commitState()
		target := committed
		if !caughtUp {
			target = min(sub.start, committed)
		}
		for pos < target {
			end := min(pos+pageSize, target)
			if err := sub.page(pos, end, &cp); err != nil || sub.ctx.Err() != nil {
				return err
			}
			pos = end
		}
		if cp.lastSent < pos && !sub.checkpoint(pos, &cp) {
			return nil
		}
		if !caughtUp {
			if !sub.send(domain.SubscriptionMessage{CaughtUp: true}) {
				return nil
			}
			caughtUp = true
			continue
		}
		select {
		case <-next:
		case <-sub.ctx.Done():
			return nil
		}
	}
}

// cursor tracks what a subscription has told its consumer.
type cursor struct {
	lastCheckpoint uint64 // the position of the last checkpoint (or the start)
	lastSent       uint64 // the position of the last event or checkpoint sent (or the start)
}

// page delivers the matching events at positions (after, end] and the checkpoints due among them.
// Positions are dense, so end-after events are scanned. The rows are read before anything is sent, so a
// slow consumer does not hold a read transaction open (which would stop WAL checkpoints).
func (sub *subscription) page(after, end uint64, cp *cursor) error {
	rows, err := sub.stmt.QueryContext(sub.ctx, append([]any{int64(after), int64(end)}, sub.args...)...)
	if err != nil {
		return sub.readErr(err)
	}
	events, err := scanEvents(rows, "subscription")
	if err != nil {
		return sub.readErr(err)
	}
	for i := range events {
		p := events[i].Position.Commit
		if !sub.checkpointsUpTo(p-1, cp) || !sub.send(domain.SubscriptionMessage{Event: &events[i]}) {
			return nil
		}
		cp.lastSent = p
		if !sub.checkpointsUpTo(p, cp) {
			return nil
		}
	}
	sub.checkpointsUpTo(end, cp)
	return nil
}

// checkpointsUpTo sends the checkpoints due after every interval scanned positions up to position p. It
// reports false when the subscription ended.
func (sub *subscription) checkpointsUpTo(p uint64, cp *cursor) bool {
	for cp.lastCheckpoint+sub.interval <= p {
		if !sub.checkpoint(cp.lastCheckpoint+sub.interval, cp) {
			return false
		}
	}
	return true
}

// readErr returns nil if the read failed because the subscription ended, else err.
func (sub *subscription) readErr(err error) error {
	if sub.ctx.Err() != nil {
		return nil
	}
	return err
}

// checkpoint sends a checkpoint at position p. It reports false when the subscription ended.
func (sub *subscription) checkpoint(p uint64, cp *cursor) bool {
	if !sub.send(domain.SubscriptionMessage{Checkpoint: &domain.Position{Commit: p, Prepare: p}}) {
		return false
	}
	cp.lastCheckpoint, cp.lastSent = p, p
	return true
}

// send queues m for Recv. It reports false when the subscription ended.
func (sub *subscription) send(m domain.SubscriptionMessage) bool {
	select {
	case sub.msgs <- m:
		return true
	case <-sub.ctx.Done():
		return false
	}
}
