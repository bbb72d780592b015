// Package kurrentdb adapts a KurrentDB server to domain.EventStore.
//
// It is a thin translation onto the official Go client (github.com/kurrent-io/KurrentDB-Client-Go): the
// server does the work, the adapter maps predmet's types, options and error codes onto the client's and
// back. What the server cannot express the adapter says here, once:
//
//   - Content types: KurrentDB stores an event either as JSON or as bytes, so only "application/json" (the
//     default) and "application/octet-stream" are accepted; any other is EINVALID rather than silently lost.
//   - ReadAll and SubscribeAll skip system events (types starting with "$"), as the embedded store does.
//     A KurrentDB log is full of them; predmet never reads them.
//   - A filter on both stream and event-type prefixes selects the events that match both, as in the
//     embedded store. The server filters on one of them, so the adapter sends the stream prefixes and
//     checks the event types itself.
//   - Caught-up signals need a server of version 23.10 or later; older ones never send them.
package kurrentdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"
	kdb "github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"
	"go.uber.org/zap"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/predmet/predmet/domain"
)

var _ domain.EventStore = (*Store)(nil)

// DefaultPageSize is how many events a read asks the server for at a time.
const DefaultPageSize = 512

// Content types KurrentDB can store.
const (
	contentTypeJSON   = "application/json"
	contentTypeBinary = "application/octet-stream"
)

// Store is a domain.EventStore on a KurrentDB server. It is safe for concurrent use.
type Store struct {
	config   kdb.Configuration
	logger   *zap.Logger
	pageSize uint64

	mu     sync.Mutex
	client *kdb.Client
	closed bool
}

// Option configures a Store.
type Option func(*Store)

// WithLogger sends the client's log to logger (by default it is discarded). The client's error messages
// are logged as warnings: a dropped connection is not a bug in predmet.
func WithLogger(logger *zap.Logger) Option {
	return func(s *Store) { s.logger = logger }
}

// WithPageSize sets how many events a read asks the server for at a time (DefaultPageSize if n is 0).
func WithPageSize(n uint64) Option {
	return func(s *Store) { s.pageSize = n }
}

// Open returns a Store for the server named by connectionString, such as
// "kurrentdb://admin:changeit@localhost:2113?tls=false" (the esdb:// and kdb:// schemes work too).
// Open does not contact the server: the first call does, and reports EUNAVAILABLE if it cannot.
// Returns EINVALID for a malformed connection string.
func Open(connectionString string, opts ...Option) (*Store, error) {
	config, err := kdb.ParseConnectionString(connectionString)
	if err != nil {
		return nil, domain.Errorf(domain.EINVALID, "kurrentdb: invalid connection string: %v", err)
	}
	s := &Store{logger: zap.NewNop(), pageSize: DefaultPageSize}
	for _, opt := range opts {
		opt(s)
	}
	if s.pageSize == 0 {
		s.pageSize = DefaultPageSize
	}
	config.Logger = clientLogger(s.logger)
	s.config = *config
	if s.client, err = s.newClient(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Store) newClient() (*kdb.Client, error) {
	config := s.config
	client, err := kdb.NewClient(&config)
	if err != nil {
		return nil, domain.Errorf(domain.EINVALID, "kurrentdb: %v", err)
	}
	return client, nil
}

// Close releases the connection. Calls made after Close return EUNAVAILABLE.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	return s.client.Close()
}

// conn returns the current client.
func (s *Store) conn() (*kdb.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, domain.Errorf(domain.EUNAVAILABLE, "kurrentdb: the store is closed")
	}
	return s.client, nil
}

// reset replaces client, which gave up: the official client closes itself for good when it fails to
// discover a node, and a server that was down must not take the Store down with it.
func (s *Store) reset(client *kdb.Client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.client != client {
		return
	}
	fresh, err := s.newClient()
	if err != nil {
		return
	}
	_ = client.Close()
	s.client = fresh
}

// Append writes events to the end of stream if the stream's state matches expected.
// Returns ECONFLICT (*domain.WrongExpectedRevisionError) on a mismatch, EINVALID for bad input and
// EUNAVAILABLE when the server cannot be reached.
func (s *Store) Append(ctx context.Context, stream string, expected domain.ExpectedRevision, events ...domain.EventData) (domain.AppendResult, error) {
	if stream == "" {
		return domain.AppendResult{}, domain.FieldErrorf("stream", "The stream name is required.")
	}
	state, err := streamState(expected)
	if err != nil {
		return domain.AppendResult{}, err
	}
	if len(events) == 0 {
		return domain.AppendResult{}, domain.FieldErrorf("events", "An append needs at least one event.")
	}
	data := make([]kdb.EventData, len(events))
	for i, e := range events {
		if data[i], err = eventData(i, e); err != nil {
			return domain.AppendResult{}, err
		}
	}

	client, err := s.conn()
	if err != nil {
		return domain.AppendResult{}, err
	}
	res, err := client.AppendToStream(ctx, stream, kdb.AppendToStreamOptions{StreamState: state}, data...)
	if err != nil {
		return domain.AppendResult{}, s.appendError(ctx, client, stream, expected, err)
	}
	return domain.AppendResult{
		NextExpectedRevision: res.NextExpectedVersion,
		Position:             domain.Position{Commit: res.CommitPosition, Prepare: res.PreparePosition},
	}, nil
}

// streamState maps an expectation to the client's.
func streamState(e domain.ExpectedRevision) (kdb.StreamState, error) {
	switch e.Kind {
	case domain.ExpectAny:
		return kdb.Any{}, nil
	case domain.ExpectNoStream:
		return kdb.NoStream{}, nil
	case domain.ExpectStreamExists:
		return kdb.StreamExists{}, nil
	case domain.ExpectExact:
		return kdb.StreamRevision{Value: e.Revision}, nil
	default:
		return nil, domain.FieldErrorf("expected", "Unknown expected revision kind %d.", e.Kind)
	}
}

// eventData validates the i-th event and maps it to the client's.
func eventData(i int, e domain.EventData) (kdb.EventData, error) {
	field := func(name string) string { return fmt.Sprintf("events[%d].%s", i, name) }
	id, err := uuid.Parse(e.ID)
	if err != nil || id == uuid.Nil {
		return kdb.EventData{}, domain.FieldErrorf(field("ID"), "The event ID %q is not a UUID.", e.ID)
	}
	if e.Type == "" {
		return kdb.EventData{}, domain.FieldErrorf(field("Type"), "The event type is required.")
	}
	var contentType kdb.ContentType
	switch e.ContentType {
	case "", contentTypeJSON:
		contentType = kdb.ContentTypeJson
	case contentTypeBinary:
		contentType = kdb.ContentTypeBinary
	default:
		return kdb.EventData{}, domain.FieldErrorf(field("ContentType"),
			"KurrentDB stores %q or %q, not %q.", contentTypeJSON, contentTypeBinary, e.ContentType)
	}
	return kdb.EventData{
		EventID:     id,
		EventType:   e.Type,
		ContentType: contentType,
		Data:        e.Data,
		Metadata:    e.Metadata,
	}, nil
}

// appendError translates a failed append; a wrong expected version becomes a
// *domain.WrongExpectedRevisionError telling the stream's actual state.
func (s *Store) appendError(ctx context.Context, client *kdb.Client, stream string, expected domain.ExpectedRevision, err error) error {
	var kerr *kdb.Error
	if !errors.As(err, &kerr) || ctx.Err() != nil {
		return s.translate(ctx, client, "append", err)
	}
	wrong := &domain.WrongExpectedRevisionError{Stream: stream, Expected: expected}
	switch kerr.Code() {
	case kdb.ErrorCodeWrongExpectedVersion:
		// The v1 Append response carries the current revision, but the client only puts it in the
		// message: "wrong expected version: expecting '…' but got '…'".
		if actual, ok := currentRevision(kerr.Err()); ok {
			wrong.Actual, wrong.StreamExists = actual.revision, actual.exists
			return wrong
		}
	case kdb.ErrorCodeStreamRevisionConflict:
		var conflict *kdb.StreamRevisionConflictError
		if errors.As(kerr.Err(), &conflict) {
			switch actual := conflict.ActualRevision.(type) {
			case kdb.StreamRevision:
				wrong.Actual, wrong.StreamExists = actual.Value, true
				return wrong
			case kdb.NoStream:
				return wrong
			}
		}
	default:
		return s.translate(ctx, client, "append", err)
	}
	// The server said the expectation failed but not how: ask for the stream's last revision.
	last, rerr := s.lastRevision(ctx, client, stream)
	switch {
	case rerr == nil:
		wrong.Actual, wrong.StreamExists = last, true
	case domain.ErrorCode(rerr) != domain.ENOTFOUND:
		return rerr
	}
	return wrong
}

type actualState struct {
	revision uint64
	exists   bool
}

// currentRevision parses the actual revision out of the client's wrong-expected-version message.
func currentRevision(err error) (actualState, bool) {
	if err == nil {
		return actualState{}, false
	}
	const marker = "but got '"
	msg := err.Error()
	i := strings.LastIndex(msg, marker)
	if i < 0 {
		return actualState{}, false
	}
	got, _, ok := strings.Cut(msg[i+len(marker):], "'")
	if !ok {
		return actualState{}, false
	}
	if got == "no_stream" {
		return actualState{}, true
	}
	r, perr := strconv.ParseUint(got, 10, 64)
	if perr != nil {
		return actualState{}, false
	}
	return actualState{revision: r, exists: true}, true
}

// lastRevision returns the revision of stream's last event, or ENOTFOUND.
func (s *Store) lastRevision(ctx context.Context, client *kdb.Client, stream string) (uint64, error) {
	events, err := s.readPage(ctx, client, "read stream", func() (*kdb.ReadStream, error) {
		return client.ReadStream(ctx, stream, kdb.ReadStreamOptions{Direction: kdb.Backwards, From: kdb.End{}}, 1)
	})
	if err != nil {
		return 0, err
	}
	if len(events) == 0 {
		return 0, domain.Errorf(domain.ENOTFOUND, "Stream %q is empty.", stream)
	}
	return events[0].EventNumber, nil
}

// ReadStream reads up to opts.Max events of stream (all when Max is 0) in opts.Direction from opts.From.
// Returns ENOTFOUND when the stream does not exist (or was deleted).
func (s *Store) ReadStream(ctx context.Context, stream string, opts domain.ReadStreamOptions) ([]domain.RecordedEvent, error) {
	if stream == "" {
		return nil, domain.FieldErrorf("stream", "The stream name is required.")
	}
	dir, err := direction(opts.Direction)
	if err != nil {
		return nil, err
	}
	client, err := s.conn()
	if err != nil {
		return nil, err
	}

	var from kdb.StreamPosition = kdb.Revision(opts.From)
	if opts.FromEnd {
		from = kdb.End{}
	}
	var out []domain.RecordedEvent
	for {
		n := s.pageLen(opts.Max, len(out))
		page, err := s.readPage(ctx, client, "read stream", func() (*kdb.ReadStream, error) {
			return client.ReadStream(ctx, stream, kdb.ReadStreamOptions{Direction: dir, From: from}, n)
		})
		if err != nil {
			return nil, err
		}
		for _, e := range page {
			out = append(out, recordedEvent(e))
		}
		if uint64(len(page)) < n || (opts.Max > 0 && uint64(len(out)) >= opts.Max) {
			return out, nil
		}
		last := page[len(page)-1].EventNumber
		if dir == kdb.Forwards {
			if last == math.MaxUint64 {
				return out, nil
			}
			from = kdb.Revision(last + 1)
		} else {
			if last == 0 {
				return out, nil
			}
			from = kdb.Revision(last - 1)
		}
	}
}

// ReadAll reads up to opts.Max events of the global log (all when Max is 0) in opts.Direction, skipping
// system events.
func (s *Store) ReadAll(ctx context.Context, opts domain.ReadAllOptions) ([]domain.RecordedEvent, error) {
	dir, err := direction(opts.Direction)
	if err != nil {
		return nil, err
	}
	client, err := s.conn()
	if err != nil {
		return nil, err
	}
	read := func(from kdb.AllPosition, n uint64) ([]*kdb.RecordedEvent, error) {
		return s.readPage(ctx, client, "read $all", func() (*kdb.ReadStream, error) {
			return client.ReadAll(ctx, kdb.ReadAllOptions{Direction: dir, From: from}, n)
		})
	}

	var out []domain.RecordedEvent
	full := func() bool { return opts.Max > 0 && uint64(len(out)) >= opts.Max }

	var from kdb.AllPosition
	var cursor *domain.Position // the last position seen; a page may repeat it
	switch {
	case opts.From == nil && dir == kdb.Forwards:
		from = kdb.Start{}
	case opts.From == nil:
		from = kdb.End{}
	case dir == kdb.Forwards:
		from = allPosition(*opts.From)
	default:
		// From is inclusive, but the server reads backwards from just before a position: read the event
		// at From first.
		at := *opts.From
		first, err := s.readPage(ctx, client, "read $all", func() (*kdb.ReadStream, error) {
			return client.ReadAll(ctx, kdb.ReadAllOptions{Direction: kdb.Forwards, From: allPosition(at)}, 1)
		})
		if err != nil {
			return nil, err
		}
		if len(first) == 1 && position(first[0].Position) == at && !isSystem(first[0].EventType) {
			out = append(out, recordedEvent(first[0]))
		}
		from, cursor = allPosition(at), &at
	}

	for !full() {
		// A page may repeat the event at its start: with one event a page, paging would not advance.
		n := max(s.pageSize, 2)
		page, err := read(from, n)
		if err != nil {
			return nil, err
		}
		progress := false
		for _, e := range page {
			p := position(e.Position)
			if cursor != nil && !beyond(dir, *cursor, p) {
				continue
			}
			progress, cursor = true, &p
			if !isSystem(e.EventType) && !full() {
				out = append(out, recordedEvent(e))
			}
		}
		if uint64(len(page)) < n || !progress {
			break
		}
		from = allPosition(*cursor)
	}
	return out, nil
}

// beyond reports whether p comes after cursor in a read in direction dir.
func beyond(dir kdb.Direction, cursor, p domain.Position) bool {
	if dir == kdb.Forwards {
		return cursor.Less(p)
	}
	return p.Less(cursor)
}

// pageLen is how many events to ask for when have of max (0 = all) are read.
func (s *Store) pageLen(max uint64, have int) uint64 {
	n := s.pageSize
	if max > 0 && max-uint64(have) < n {
		n = max - uint64(have)
	}
	return n
}

// readPage runs one read request and drains it.
func (s *Store) readPage(ctx context.Context, client *kdb.Client, op string, open func() (*kdb.ReadStream, error)) ([]*kdb.RecordedEvent, error) {
	stream, err := open()
	if err != nil {
		return nil, s.translate(ctx, client, op, err)
	}
	defer stream.Close()
	var events []*kdb.RecordedEvent
	for {
		resolved, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return events, nil
		} else if err != nil {
			return nil, s.translate(ctx, client, op, err)
		}
		if e := resolved.OriginalEvent(); e != nil {
			events = append(events, e)
		}
	}
}

func direction(d domain.Direction) (kdb.Direction, error) {
	switch d {
	case domain.Forwards:
		return kdb.Forwards, nil
	case domain.Backwards:
		return kdb.Backwards, nil
	default:
		return 0, domain.FieldErrorf("direction", "Unknown direction %d.", d)
	}
}

// SubscribeAll follows the global log from just after opts.From (or from the start), filtered by
// opts.Filter and never delivering system events. The server sends checkpoints every
// opts.CheckpointInterval events it scans (32 if 0).
// Returns EINVALID for a negative CheckpointInterval and EUNAVAILABLE when the server cannot be reached.
func (s *Store) SubscribeAll(ctx context.Context, opts domain.SubscribeAllOptions) (domain.Subscription, error) {
	if opts.CheckpointInterval < 0 {
		return nil, domain.FieldErrorf("checkpointInterval", "The checkpoint interval must not be negative.")
	}
	client, err := s.conn()
	if err != nil {
		return nil, err
	}
	var from kdb.AllPosition = kdb.Start{}
	if opts.From != nil {
		from = allPosition(*opts.From)
	}
	filter, match := subscriptionFilter(opts.Filter)
	window := min(opts.CheckpointInterval, math.MaxInt32)

	subCtx, cancel := context.WithCancelCause(ctx)
	sub, err := client.SubscribeToAll(subCtx, kdb.SubscribeToAllOptions{
		From:   from,
		Filter: filter,
		// The server checkpoints every MaxSearchWindow × CheckpointInterval events it scans.
		MaxSearchWindow:    window,
		CheckpointInterval: 1,
	})
	if err != nil {
		err = s.translate(ctx, client, "subscribe to $all", err)
		cancel(errClosed)
		return nil, err
	}
	return &subscription{store: s, client: client, ctx: subCtx, cancel: cancel, sub: sub, match: match}, nil
}

// subscriptionFilter maps f to the server-side filter and the check the adapter makes itself.
func subscriptionFilter(f domain.SubscriptionFilter) (*kdb.SubscriptionFilter, func(*kdb.RecordedEvent) bool) {
	hasPrefix := func(s string, prefixes []string) bool {
		for _, p := range prefixes {
			if strings.HasPrefix(s, p) {
				return true
			}
		}
		return false
	}
	switch {
	case len(f.StreamPrefixes) > 0:
		match := func(e *kdb.RecordedEvent) bool {
			return !isSystem(e.EventType) &&
				(len(f.EventTypePrefixes) == 0 || hasPrefix(e.EventType, f.EventTypePrefixes))
		}
		return &kdb.SubscriptionFilter{Type: kdb.StreamFilterType, Prefixes: f.StreamPrefixes}, match
	case len(f.EventTypePrefixes) > 0:
		match := func(e *kdb.RecordedEvent) bool { return !isSystem(e.EventType) }
		return &kdb.SubscriptionFilter{Type: kdb.EventFilterType, Prefixes: f.EventTypePrefixes}, match
	default:
		match := func(e *kdb.RecordedEvent) bool { return !isSystem(e.EventType) }
		return kdb.ExcludeSystemEventsFilter(), match
	}
}

// subscription adapts the client's subscription to domain.Subscription.
type subscription struct {
	store    *Store
	client   *kdb.Client
	ctx      context.Context
	cancel   context.CancelCauseFunc
	sub      *kdb.Subscription
	match    func(*kdb.RecordedEvent) bool
	caughtUp bool
	closed   atomic.Bool // Close may come from another goroutine, to end a blocked Recv
}

// errClosed ends Recv after Close; it is the cause of the subscription's context.
var errClosed = domain.Errorf(domain.EUNAVAILABLE, "kurrentdb: the subscription is closed")

// Recv blocks for the next event, checkpoint or caught-up signal. It returns EUNAVAILABLE when the
// context ends (wrapping the context's error), after Close, and when the server drops the subscription.
func (s *subscription) Recv() (domain.SubscriptionMessage, error) {
	for {
		if s.closed.Load() {
			return domain.SubscriptionMessage{}, errClosed
		}
		ev := s.sub.Recv()
		switch {
		case ev.SubscriptionDropped != nil:
			return domain.SubscriptionMessage{}, s.dropped(ev.SubscriptionDropped.Error)
		case ev.EventAppeared != nil:
			e := ev.EventAppeared.OriginalEvent()
			if e == nil || !s.match(e) {
				continue
			}
			r := recordedEvent(e)
			return domain.SubscriptionMessage{Event: &r}, nil
		case ev.CheckPointReached != nil:
			p := position(*ev.CheckPointReached)
			return domain.SubscriptionMessage{Checkpoint: &p}, nil
		case ev.FellBehind != nil:
			continue
		default:
			// CaughtUp, which the client leaves nil when the server sends no timestamp.
			if s.caughtUp {
				continue
			}
			s.caughtUp = true
			return domain.SubscriptionMessage{CaughtUp: true}, nil
		}
	}
}

// dropped translates the reason the client gives for a dropped subscription.
func (s *subscription) dropped(err error) error {
	if cause := context.Cause(s.ctx); s.closed.Load() || errors.Is(cause, errClosed) {
		return errClosed
	} else if cause != nil {
		return s.store.translate(s.ctx, s.client, "subscription", cause)
	}
	if err == nil || errors.Is(err, io.EOF) {
		return domain.Errorf(domain.EUNAVAILABLE, "kurrentdb: the server ended the subscription")
	}
	return s.store.translate(s.ctx, s.client, "subscription", err)
}

// Close ends the subscription.
func (s *subscription) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.cancel(errClosed)
	return s.sub.Close()
}

// translate maps a client error to a domain error.
func (s *Store) translate(ctx context.Context, client *kdb.Client, op string, err error) error {
	if ctx.Err() != nil {
		// As the embedded store does: EUNAVAILABLE, and errors.Is still finds the context's error.
		return fmt.Errorf("%w: %w", domain.Errorf(domain.EUNAVAILABLE, "kurrentdb: %s: %v", op, ctx.Err()), context.Cause(ctx))
	}
	var kerr *kdb.Error
	if !errors.As(err, &kerr) {
		return fmt.Errorf("kurrentdb: %s: %w", op, err)
	}
	switch kerr.Code() {
	case kdb.ErrorCodeResourceNotFound:
		return domain.Errorf(domain.ENOTFOUND, "kurrentdb: %s: %v", op, kerr.Err())
	case kdb.ErrorCodeStreamDeleted, kdb.ErrorCodeStreamTombstoned:
		return domain.Errorf(domain.ENOTFOUND, "kurrentdb: %s: the stream is deleted", op)
	case kdb.ErrorCodeConnectionClosed:
		s.reset(client)
		return domain.Errorf(domain.EUNAVAILABLE, "kurrentdb: %s: cannot reach the server: %v", op, kerr.Err())
	case kdb.ErrorUnavailable, kdb.ErrorCodeDeadlineExceeded, kdb.ErrorCodeNotLeader, kdb.ErrorAborted:
		return domain.Errorf(domain.EUNAVAILABLE, "kurrentdb: %s: %v", op, kerr)
	case kdb.ErrorCodeUnauthenticated:
		return domain.Errorf(domain.EUNAUTHORIZED, "kurrentdb: %s: the server refused the credentials", op)
	case kdb.ErrorCodeAccessDenied:
		return domain.Errorf(domain.EFORBIDDEN, "kurrentdb: %s: access denied", op)
	case kdb.ErrorCodeAppendRecordSizeExceeded, kdb.ErrorCodeAppendTransactionSizeExceeded:
		return domain.Errorf(domain.ETOOLARGE, "kurrentdb: %s: %v", op, kerr.Err())
	}
	switch status.Code(kerr.Err()) {
	case codes.InvalidArgument, codes.OutOfRange, codes.FailedPrecondition:
		return domain.Errorf(domain.EINVALID, "kurrentdb: %s: %v", op, kerr.Err())
	case codes.ResourceExhausted:
		return domain.Errorf(domain.ETOOLARGE, "kurrentdb: %s: %v", op, kerr.Err())
	case codes.Unavailable, codes.DeadlineExceeded, codes.Aborted:
		return domain.Errorf(domain.EUNAVAILABLE, "kurrentdb: %s: %v", op, kerr.Err())
	}
	return fmt.Errorf("kurrentdb: %s: %w", op, err)
}

func recordedEvent(e *kdb.RecordedEvent) domain.RecordedEvent {
	return domain.RecordedEvent{
		Stream:      e.StreamID,
		ID:          e.EventID.String(),
		Type:        e.EventType,
		ContentType: e.ContentType,
		Revision:    e.EventNumber,
		Position:    position(e.Position),
		Data:        e.Data,
		Metadata:    e.UserMetadata,
		Created:     e.CreatedDate,
	}
}

func position(p kdb.Position) domain.Position {
	return domain.Position{Commit: p.Commit, Prepare: p.Prepare}
}

func allPosition(p domain.Position) kdb.Position {
	return kdb.Position{Commit: p.Commit, Prepare: p.Prepare}
}

// isSystem reports whether an event type is a system event's.
func isSystem(eventType string) bool { return strings.HasPrefix(eventType, "$") }

// clientLogger routes the client's log to logger.
func clientLogger(logger *zap.Logger) kdb.LoggingFunc {
	sugar := logger.WithOptions(zap.AddCallerSkip(1)).Sugar().Named("kurrentdb")
	return func(level kdb.LogLevel, format string, args ...any) {
		switch level {
		case kdb.LogDebug:
			sugar.Debugf(format, args...)
		case kdb.LogInfo:
			sugar.Infof(format, args...)
		default:
			sugar.Warnf(format, args...)
		}
	}
}
