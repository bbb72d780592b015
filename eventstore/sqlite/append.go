package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/predmet/predmet/domain"
)

// defaultContentType is the content type of events appended without one.
const defaultContentType = "application/json"

// appendReq is one Append call waiting for the writer.
type appendReq struct {
	ctx      context.Context
	stream   string
	expected domain.ExpectedRevision
	events   []domain.EventData // validated, IDs in canonical form, no nil slices

	res  domain.AppendResult
	err  error
	done chan struct{} // closed by the writer once res and err are final
}

// Append writes events to the end of stream if the stream's state matches expected, with the semantics of
// domain.EventStore. It returns once the transaction holding the events has been committed and synced.
// A retry with NoStream or an exact revision is recognised however late it comes; with Any or StreamExists
// only while its events are still the last ones of the stream (KurrentDB's check is best effort too).
// It returns EINVALID for an empty stream name, no events, an event without a type or with an ID that is
// not a UUID; ECONFLICT (*domain.WrongExpectedRevisionError) on a mismatch; EUNAVAILABLE when the store is
// closed or the disk fails. If ctx ends while the append waits for its commit, Append returns ctx's error
// but the events may still be written: retry with the same event IDs and expectation to find out.
func (s *Store) Append(ctx context.Context, stream string, expected domain.ExpectedRevision, events ...domain.EventData) (domain.AppendResult, error) {
	req, err := newAppendReq(ctx, stream, expected, events)
	if err != nil {
		return domain.AppendResult{}, err
	}
	if s.isClosed() {
		return domain.AppendResult{}, errStoreClosed
	}
	select {
	case s.reqs <- req:
	case <-ctx.Done():
		return domain.AppendResult{}, wrapErr("append", context.Cause(ctx))
	case <-s.closing:
		return domain.AppendResult{}, errStoreClosed
	}
	select {
	case <-req.done:
		return req.res, req.err
	case <-ctx.Done():
		return domain.AppendResult{}, wrapErr("append", context.Cause(ctx))
	}
}

// newAppendReq validates an append and normalizes its events.
func newAppendReq(ctx context.Context, stream string, expected domain.ExpectedRevision, events []domain.EventData) (*appendReq, error) {
	if err := validateStream(stream); err != nil {
		return nil, err
	}
	switch expected.Kind {
	case domain.ExpectAny, domain.ExpectNoStream, domain.ExpectStreamExists:
	case domain.ExpectExact:
		if expected.Revision >= 1<<63-1 {
			return nil, domain.FieldErrorf("expected", "expected revision %d is out of range", expected.Revision)
		}
	default:
		return nil, domain.FieldErrorf("expected", "unknown expected revision kind %d", expected.Kind)
	}
	if len(events) == 0 {
		return nil, domain.FieldErrorf("events", "an append needs at least one event")
	}
	norm := make([]domain.EventData, len(events))
	for i, e := range events {
		id, err := uuid.Parse(e.ID)
		if err != nil {
			return nil, domain.FieldErrorf(fmt.Sprintf("events[%d].id", i), "event ID %q is not a UUID", e.ID)
		}
		if e.Type == "" {
			return nil, domain.FieldErrorf(fmt.Sprintf("events[%d].type", i), "event %s has no type", e.ID)
		}
		if e.ContentType == "" {
			e.ContentType = defaultContentType
		}
		if e.Data == nil {
			e.Data = []byte{}
		}
		if e.Metadata == nil {
			e.Metadata = []byte{}
		}
		e.ID = id.String()
		norm[i] = e
	}
	return &appendReq{ctx: ctx, stream: stream, expected: expected, events: norm, done: make(chan struct{})}, nil
}

// validateStream checks a stream name.
func validateStream(stream string) error {
	if stream == "" {
		return domain.FieldErrorf("stream", "stream name is empty")
	}
	if !utf8.ValidString(stream) {
		return domain.FieldErrorf("stream", "stream name is not valid UTF-8")
	}
	return nil
}

// writer is the only goroutine that writes. It takes the first waiting append, then every other append
// already waiting (up to maxBatch), and commits them in one transaction: group commit.
func (s *Store) writer() {
	defer s.writerWG.Done()
	batch := make([]*appendReq, 0, s.opts.maxBatch)
	for {
		select {
		case req := <-s.reqs:
			batch = append(batch[:0], req)
		case <-s.closing:
			return
		}
		// Let the appenders woken by the previous commit queue up again before collecting the batch.
		runtime.Gosched()
	collect:
		for len(batch) < s.opts.maxBatch {
			select {
			case req := <-s.reqs:
				batch = append(batch, req)
			default:
				break collect
			}
		}
		s.commit(batch)
		clear(batch)
	}
}

// commit runs one transaction for batch and reports every request's outcome once it has committed.
// Requests are decided in order, each against the state the earlier ones left; a request whose expectation
// fails writes nothing and does not disturb the others. A failure of SQLite fails the whole batch.
func (s *Store) commit(batch []*appendReq) {
	ctx := context.Background() // one caller giving up must not abort the others' transaction
	live := batch[:0:0]
	for _, req := range batch {
		if err := req.ctx.Err(); err != nil {
			req.err = wrapErr("append", context.Cause(req.ctx))
			close(req.done)
			continue
		}
		live = append(live, req)
	}
	if len(live) == 0 {
		return
	}

	last, wrote, err := s.commitTx(ctx, live)
	if err != nil {
		for _, req := range live {
			req.res, req.err = domain.AppendResult{}, err
		}
	} else if wrote {
		s.publish(last)
	}
	for _, req := range live {
		close(req.done)
	}
}

// commitTx writes the batch in one transaction. It returns the last position written and whether any
// event was written.
func (s *Store) commitTx(ctx context.Context, batch []*appendReq) (last uint64, wrote bool, err error) {
	if _, err := s.w.begin.ExecContext(ctx); err != nil {
		return 0, false, wrapErr("begin", err)
	}
	defer func() {
		if err != nil {
			_, _ = s.w.rollback.ExecContext(ctx)
		}
	}()
	if err := s.w.maxPosition.QueryRowContext(ctx).Scan(&last); err != nil {
		return 0, false, wrapErr("append", err)
	}
	created := time.Now().UnixNano()
	for _, req := range batch {
		n, err := s.apply(ctx, req, last, created)
		if err != nil {
			return 0, false, err
		}
		last += n
		wrote = wrote || n > 0
	}
	if _, err := s.w.commit.ExecContext(ctx); err != nil {
		return 0, false, wrapErr("commit", err)
	}
	return last, wrote, nil
}

// apply decides one request inside the writer's transaction and writes its events after position last.
// It sets req.res or req.err (for a failed expectation) and returns how many events it wrote; an error
// return is a failure of SQLite that aborts the transaction.
func (s *Store) apply(ctx context.Context, req *appendReq, last uint64, created int64) (uint64, error) {
	var cur int64 // the stream's last revision, -1 when the stream does not exist
	if err := s.w.streamRevision.QueryRowContext(ctx, req.stream).Scan(&cur); errors.Is(err, sql.ErrNoRows) {
		cur = -1
	} else if err != nil {
		return 0, wrapErr("append", err)
	}
	n := int64(len(req.events))
	conflict := func() {
		req.err = &domain.WrongExpectedRevisionError{Stream: req.stream, Expected: req.expected, Actual: uint64(max(cur, 0)), StreamExists: cur >= 0}
	}

	switch req.expected.Kind {
	case domain.ExpectNoStream, domain.ExpectExact:
		base := int64(-1) // the revision the request expects the stream to end at
		if req.expected.Kind == domain.ExpectExact {
			base = int64(req.expected.Revision)
		}
		if base > cur {
			conflict()
			return 0, nil
		}
		if base < cur {
			// A retry, late or not, succeeds only if the events after base are this request's, one for one.
			match, res, err := s.matchEvents(ctx, req, base+1)
			if err != nil {
				return 0, err
			}
			if match {
				req.res = res
			} else {
				conflict()
			}
			return 0, nil
		}
	case domain.ExpectStreamExists, domain.ExpectAny:
		if req.expected.Kind == domain.ExpectStreamExists && cur < 0 {
			conflict()
			return 0, nil
		}
		// Best effort, like the server: the same events at the stream's end are taken for a retry.
		if cur+1 >= n {
			match, res, err := s.matchEvents(ctx, req, cur-n+1)
			if err != nil {
				return 0, err
			}
			if match {
				req.res = res
				return 0, nil
			}
		}
	}

	for i, e := range req.events {
		pos := last + uint64(i) + 1
		if _, err := s.w.insertEvent.ExecContext(ctx, int64(pos), req.stream, cur+1+int64(i), e.ID, e.Type, e.ContentType, e.Data, e.Metadata, created); err != nil {
			return 0, wrapErr("append", err)
		}
	}
	if _, err := s.w.putStream.ExecContext(ctx, req.stream, cur+n); err != nil {
		return 0, wrapErr("append", err)
	}
	end := last + uint64(n)
	req.res = domain.AppendResult{NextExpectedRevision: uint64(cur + n), Position: domain.Position{Commit: end, Prepare: end}}
	return uint64(n), nil
}

// matchEvents reports whether the stream holds the request's event IDs at revisions from, from+1, ... and
// if so the result the original append returned.
func (s *Store) matchEvents(ctx context.Context, req *appendReq, from int64) (bool, domain.AppendResult, error) {
	n := int64(len(req.events))
	rows, err := s.w.eventsBetween.QueryContext(ctx, req.stream, from, from+n-1)
	if err != nil {
		return false, domain.AppendResult{}, wrapErr("append", err)
	}
	defer rows.Close()
	var (
		i        int64
		revision int64
		id       string
		pos      uint64
	)
	for rows.Next() {
		if err := rows.Scan(&revision, &id, &pos); err != nil {
			return false, domain.AppendResult{}, wrapErr("append", err)
		}
		if revision != from+i || id != req.events[i].ID {
			return false, domain.AppendResult{}, nil
		}
		i++
	}
	if err := rows.Err(); err != nil {
		return false, domain.AppendResult{}, wrapErr("append", err)
	}
	if i != n {
		return false, domain.AppendResult{}, nil
	}
	return true, domain.AppendResult{NextExpectedRevision: uint64(revision), Position: domain.Position{Commit: pos, Prepare: pos}}, nil
}
