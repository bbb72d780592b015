package domain

import (
	"context"
	"fmt"
	"time"
)

// EventStore is an append-only log of events grouped in streams, with the semantics of KurrentDB
// (formerly EventStoreDB): streams are numbered from revision 0, every event also has a position in the
// global log that grows in commit order, and appends are checked against an expected stream state.
//
// Appending the same event IDs again at the same exact expected revision (or with NoStream) succeeds
// without writing anything, however late the retry comes; an append whose events only partly match the
// events already at those revisions fails with a *WrongExpectedRevisionError (ECONFLICT).
type EventStore interface {
	// Append writes events to the end of stream if the stream's state matches expected.
	// Returns ECONFLICT (*WrongExpectedRevisionError) on a mismatch, EINVALID for bad input and
	// EUNAVAILABLE when the store cannot be reached.
	Append(ctx context.Context, stream string, expected ExpectedRevision, events ...EventData) (AppendResult, error)

	// ReadStream reads up to opts.Max events of stream (all when Max is 0) in opts.Direction from opts.From.
	// Returns ENOTFOUND when the stream does not exist.
	ReadStream(ctx context.Context, stream string, opts ReadStreamOptions) ([]RecordedEvent, error)

	// ReadAll reads up to opts.Max events of the global log (all when Max is 0) in opts.Direction.
	ReadAll(ctx context.Context, opts ReadAllOptions) ([]RecordedEvent, error)

	// SubscribeAll follows the global log from just after opts.From (or from the start), filtered by
	// opts.Filter. The subscription first catches up, then signals CaughtUp, then delivers live events.
	// Checkpoints are delivered regularly, also while a sparse filter matches nothing.
	SubscribeAll(ctx context.Context, opts SubscribeAllOptions) (Subscription, error)

	// Close releases the store's resources.
	Close() error
}

// EventData is an event to append. ID must be a UUID; it makes appends idempotent.
type EventData struct {
	ID          string
	Type        string
	ContentType string // "application/json" by default
	Data        []byte
	Metadata    []byte
}

// RecordedEvent is an event as stored.
type RecordedEvent struct {
	Stream      string
	ID          string
	Type        string
	ContentType string
	Revision    uint64
	Position    Position
	Data        []byte
	Metadata    []byte
	Created     time.Time
}

// Position is a position in the global log. Positions grow in commit order. The embedded store sets
// Commit and Prepare to the same value; KurrentDB's are its transaction-file positions.
type Position struct {
	Commit  uint64
	Prepare uint64
}

// Less reports whether p comes before q in the global log.
func (p Position) Less(q Position) bool {
	if p.Commit != q.Commit {
		return p.Commit < q.Commit
	}
	return p.Prepare < q.Prepare
}

// String renders the position as "commit/prepare".
func (p Position) String() string { return fmt.Sprintf("%d/%d", p.Commit, p.Prepare) }

// AppendResult tells where an append landed.
type AppendResult struct {
	// NextExpectedRevision is the revision of the last event in the stream after the append.
	NextExpectedRevision uint64
	// Position is the global position of the last event written (or of the matching event on an idempotent retry).
	Position Position
}

// ExpectedRevisionKind says which stream state an append expects.
type ExpectedRevisionKind int

// The kinds of expected stream state.
const (
	ExpectAny          ExpectedRevisionKind = iota // append whatever the stream's state
	ExpectNoStream                                 // the stream must not exist
	ExpectStreamExists                             // the stream must exist
	ExpectExact                                    // the stream's last revision must equal Revision
)

// ExpectedRevision is the stream state an append expects.
type ExpectedRevision struct {
	Kind     ExpectedRevisionKind
	Revision uint64 // with ExpectExact
}

// Any expects nothing of the stream.
func Any() ExpectedRevision { return ExpectedRevision{Kind: ExpectAny} }

// NoStream expects the stream not to exist.
func NoStream() ExpectedRevision { return ExpectedRevision{Kind: ExpectNoStream} }

// StreamExists expects the stream to exist.
func StreamExists() ExpectedRevision { return ExpectedRevision{Kind: ExpectStreamExists} }

// Exact expects the stream's last event to be at revision r.
func Exact(r uint64) ExpectedRevision { return ExpectedRevision{Kind: ExpectExact, Revision: r} }

// ExpectRevision expects the stream to be empty when next is 0, or to end at next-1 otherwise: the
// natural call for a writer that knows how many events it has seen.
func ExpectRevision(next uint64) ExpectedRevision {
	if next == 0 {
		return NoStream()
	}
	return Exact(next - 1)
}

// String renders the expectation for error messages.
func (e ExpectedRevision) String() string {
	switch e.Kind {
	case ExpectNoStream:
		return "no stream"
	case ExpectStreamExists:
		return "stream exists"
	case ExpectExact:
		return fmt.Sprintf("revision %d", e.Revision)
	default:
		return "any"
	}
}

// WrongExpectedRevisionError reports an append whose expectation did not match the stream.
type WrongExpectedRevisionError struct {
	Stream   string
	Expected ExpectedRevision
	// Actual is the stream's last revision; StreamExists is false when the stream does not exist.
	Actual       uint64
	StreamExists bool
}

// Error implements the error interface.
func (e *WrongExpectedRevisionError) Error() string {
	actual := "no stream"
	if e.StreamExists {
		actual = fmt.Sprintf("revision %d", e.Actual)
	}
	return fmt.Sprintf("wrong expected revision on stream %q: expected %s, actual %s", e.Stream, e.Expected, actual)
}

// Unwrap lets ErrorCode see ECONFLICT.
func (e *WrongExpectedRevisionError) Unwrap() error {
	return &Error{Code: ECONFLICT, Message: e.Error()}
}

// Direction is the order of a read.
type Direction int

// Read directions.
const (
	Forwards Direction = iota
	Backwards
)

// ReadStreamOptions says how to read a stream.
type ReadStreamOptions struct {
	Direction Direction
	// From is the first revision read (inclusive). With FromEnd set, reading starts at the stream's end.
	From    uint64
	FromEnd bool
	// Max is the most events returned; 0 means all.
	Max uint64
}

// ReadAllOptions says how to read the global log.
type ReadAllOptions struct {
	Direction Direction
	// From is the first position read (inclusive); nil means the start (forwards) or the end (backwards).
	From *Position
	Max  uint64
}

// SubscriptionFilter selects events of the global log. An empty filter selects every event that is
// not a system event (types starting with "$").
type SubscriptionFilter struct {
	// StreamPrefixes selects events whose stream name starts with one of these.
	StreamPrefixes []string
	// EventTypePrefixes selects events whose type starts with one of these.
	EventTypePrefixes []string
}

// SubscribeAllOptions says where a subscription starts and what it receives.
type SubscribeAllOptions struct {
	// From is exclusive: the first event delivered is the one after it. Nil means the start of the log.
	From   *Position
	Filter SubscriptionFilter
	// CheckpointInterval is how many events the store scans between checkpoints (a default if 0).
	CheckpointInterval int
}

// Subscription delivers events of the global log. It is not safe for concurrent use.
type Subscription interface {
	// Recv blocks for the next message. It returns an error when the context ends, the subscription is
	// closed or the store fails (EUNAVAILABLE).
	Recv() (SubscriptionMessage, error)
	// Close ends the subscription.
	Close() error
}

// SubscriptionMessage is one of: an event, a checkpoint, or the caught-up signal.
type SubscriptionMessage struct {
	Event *RecordedEvent
	// Checkpoint is a position up to which everything matching the filter has been delivered.
	Checkpoint *Position
	// CaughtUp is set once, when the subscription has delivered everything committed when it started.
	CaughtUp bool
}
