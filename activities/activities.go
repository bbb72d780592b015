// Package activities holds predmet's Temporal activities: the steps of a case that touch the outside
// world (the event store, the register, the calendar).
package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/predmet/predmet/domain"
)

// Application error types that workflows may look for. Errors of these types are not retried.
const (
	// ErrTypeConflict marks an append whose expected revision did not match: the case's stream has a
	// writer other than its workflow, which must be looked at rather than retried.
	ErrTypeConflict = "WrongExpectedRevision"
	// ErrTypeInvalid marks input that can never succeed.
	ErrTypeInvalid = "Invalid"
)

// Activities are the activities of predmet's workflows, with the dependencies they use.
// Register one instance with the worker; workflows call its methods through a nil *Activities.
type Activities struct {
	Store    domain.EventStore
	Calendar *domain.Calendar
	// Location is the municipality's time zone (Europe/Skopje).
	Location *time.Location
	// Signaler reaches running workflows (the Temporal client), to tell every case of a global clock change.
	Signaler Signaler
	// Mailer hands notifications' messages over, and Composer writes them (Deliver).
	Mailer   Mailer
	Composer Composer
	// ReadModels answers the queries the mayor's daily briefing is composed from.
	ReadModels domain.ReadModels

	// Keys holds the keys that seal personal data: erasure destroys them (EraseCase).
	Keys domain.KeyStore
	// People finds the closed cases whose retention may have passed; Policies are the policies in force,
	// whose retention periods count (CasesDueForErasure).
	People   domain.PersonIndex
	Policies domain.Policies
	// Outbox holds the messages sent without a mail server (nil with one): erasure purges a case's,
	// and the retention run empties those past OutboxHorizon (DefaultOutboxHorizon if 0).
	Outbox        OutboxPurger
	OutboxHorizon time.Duration
	// Purgers remove what other read models (a search index) hold of an erased case.
	Purgers []Purger

	// registerMu serialises number claims within this process, so that concurrent intakes do not race
	// each other for the same revision of a register stream; the store's exact-revision check still
	// protects against other processes.
	registerMu sync.Mutex
}

// AppendInput appends events to a stream at an exact position.
type AppendInput struct {
	Stream string
	// ExpectedNext is the revision the first event must get: 0 for a new stream.
	ExpectedNext uint64
	Events       []domain.EventData
}

// AppendResult reports where the events landed.
type AppendResult struct {
	NextExpectedRevision uint64
	Position             domain.Position
}

// Append writes events at an exact expected revision. The events carry deterministic IDs, so a retry of
// an append that did happen succeeds without writing twice. Because the IDs follow the position, the
// events already standing at those positions must also have the same types and causes: a workflow that lost track
// of what it wrote (a workflow task that failed after its local activity ran, and whose update was never
// retried) gets a non-retryable ErrTypeConflict error instead of a silent success, and reloads its stream.
func (a *Activities) Append(ctx context.Context, in AppendInput) (AppendResult, error) {
	standing, err := a.Store.ReadStream(ctx, in.Stream, domain.ReadStreamOptions{From: in.ExpectedNext, Max: uint64(len(in.Events))})
	if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
		return AppendResult{}, activityError(err)
	}
	for i, e := range standing {
		want := in.Events[i]
		if e.Revision != in.ExpectedNext+uint64(i) || e.ID != want.ID || e.Type != want.Type ||
			domain.DecodeMetadata(e).CausationID != causation(want.Metadata) {
			msg := fmt.Sprintf("%s@%d holds %s caused by %q, not %s caused by %q: the stream has moved on",
				in.Stream, e.Revision, e.Type, domain.DecodeMetadata(e).CausationID, want.Type, causation(want.Metadata))
			return AppendResult{}, temporal.NewNonRetryableApplicationError(msg, ErrTypeConflict, nil)
		}
	}
	res, err := a.Store.Append(ctx, in.Stream, domain.ExpectRevision(in.ExpectedNext), in.Events...)
	if err != nil {
		return AppendResult{}, activityError(err)
	}
	return AppendResult{NextExpectedRevision: res.NextExpectedRevision, Position: res.Position}, nil
}

// causation returns the $causationId of encoded metadata.
func causation(metadata []byte) string {
	var m domain.Metadata
	_ = json.Unmarshal(metadata, &m)
	return m.CausationID
}

// LoadCaseInput names a case to load.
type LoadCaseInput struct {
	CaseID string
}

// LoadedCase is a case's state without personal data, and where its receipt stands in the log.
type LoadedCase struct {
	Case domain.Case
	// ReceiptPosition and ReceiptRecorded are the log position and the store's time of the case's first
	// event: every later event of the case, its number in the register included, comes after it.
	ReceiptPosition domain.Position
	ReceiptRecorded time.Time
	// Clocks is the state of the switch that stops every clock, when the case was loaded.
	Clocks domain.GlobalClocks
}

// LoadCase folds the case's stream and returns the case without its personal data, which stays in the
// event store and out of workflow histories.
func (a *Activities) LoadCase(ctx context.Context, in LoadCaseInput) (LoadedCase, error) {
	events, err := a.Store.ReadStream(ctx, domain.CaseStream(in.CaseID), domain.ReadStreamOptions{})
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return LoadedCase{}, temporal.NewNonRetryableApplicationError("the case's stream does not exist", ErrTypeInvalid, err)
	} else if err != nil {
		return LoadedCase{}, activityError(err)
	}
	c, err := domain.FoldCase(events)
	if err != nil {
		return LoadedCase{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalid, err)
	}
	clocks, err := a.globalClocks(ctx)
	if err != nil {
		return LoadedCase{}, activityError(err)
	}
	return LoadedCase{Case: c.WithoutPersonalData(), ReceiptPosition: events[0].Position, ReceiptRecorded: events[0].Created, Clocks: *clocks}, nil
}

// ClaimInput claims the next base number of the register for a case.
type ClaimInput struct {
	CaseID string
	Unit   string
	// Receipt is the case's receipt as LoadCase found it. The registration day (and so the register's
	// year) is the day the receipt was recorded, in the municipality's time zone, and any number the case
	// already holds stands after the receipt's position in the log.
	ReceiptPosition domain.Position
	ReceiptRecorded time.Time
}

// claimPage is how many register events a claim reads at a time, newest first.
const claimPage = 64

// ClaimArchiveNumber gives the case the next base number of the register, or the number it already got
// in an earlier attempt. Numbers are sequential, unique and never reused: number n is the event at
// revision n-1 of the register's stream, appended at an exact expected revision. An earlier attempt's
// number can only stand after the case's receipt in the log, so a retry reads the register back to that
// point, which in practice is a handful of events.
func (a *Activities) ClaimArchiveNumber(ctx context.Context, in ClaimInput) (domain.ArchiveNumber, error) {
	a.registerMu.Lock()
	defer a.registerMu.Unlock()

	date := domain.DateOf(in.ReceiptRecorded, a.Location)
	stream := domain.RegisterStream(in.Unit, date.Year)
	eventID := domain.DeterministicID("archive-number", in.CaseID)
	for {
		held, next, err := a.findClaim(ctx, stream, eventID, in.ReceiptPosition)
		if err != nil {
			return domain.ArchiveNumber{}, activityError(err)
		} else if held != nil {
			return *held, nil
		}
		number := domain.ArchiveNumber{Unit: in.Unit, Year: date.Year, Number: int(next) + 1, Sub: 1, Date: date}
		data, err := domain.EncodeEvents(stream, next, domain.Metadata{CorrelationID: in.CaseID, CausationID: in.CaseID, UserID: domain.SystemActor.UserID},
			&domain.ArchiveNumberAssigned{CaseID: in.CaseID, ArchiveNumber: number})
		if err != nil {
			return domain.ArchiveNumber{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalid, err)
		}
		data[0].ID = eventID
		_, err = a.Store.Append(ctx, stream, domain.ExpectRevision(next), data...)
		var wrong *domain.WrongExpectedRevisionError
		if errors.As(err, &wrong) {
			continue // another process took this number: look again
		} else if err != nil {
			return domain.ArchiveNumber{}, activityError(err)
		}
		return number, nil
	}
}

// findClaim reads the register backwards from its end to the case's receipt, looking for the event that
// gave the case its number. It returns that number, or nil and the register's next revision.
func (a *Activities) findClaim(ctx context.Context, stream, eventID string, receipt domain.Position) (*domain.ArchiveNumber, uint64, error) {
	var next uint64
	opts := domain.ReadStreamOptions{Direction: domain.Backwards, FromEnd: true, Max: claimPage}
	for first := true; ; first = false {
		events, err := a.Store.ReadStream(ctx, stream, opts)
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return nil, 0, nil
		} else if err != nil {
			return nil, 0, err
		}
		if first && len(events) > 0 {
			next = events[0].Revision + 1
		}
		for _, e := range events {
			if e.Position.Less(receipt) {
				return nil, next, nil
			}
			if e.ID == eventID {
				n, err := numberAt(e)
				return &n, next, err
			}
		}
		if len(events) < claimPage || events[len(events)-1].Revision == 0 {
			return nil, next, nil
		}
		opts = domain.ReadStreamOptions{Direction: domain.Backwards, From: events[len(events)-1].Revision - 1, Max: claimPage}
	}
}

func numberAt(e domain.RecordedEvent) (domain.ArchiveNumber, error) {
	ev, err := domain.DecodeEvent(e)
	if err != nil {
		return domain.ArchiveNumber{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalid, err)
	}
	assigned, ok := ev.(*domain.ArchiveNumberAssigned)
	if !ok {
		return domain.ArchiveNumber{}, temporal.NewNonRetryableApplicationError("unexpected event in register", ErrTypeInvalid, nil)
	}
	return assigned.ArchiveNumber, nil
}

// DeadlineInput asks when a clock started at Start, and changed by Changes, runs out.
type DeadlineInput struct {
	Start   time.Time
	Clock   domain.Clock
	Changes []domain.ClockChange
}

// ComputeDeadline applies the municipality's calendar to a clock. It is an activity, not workflow code,
// because the calendar's one-off days are reloaded from a file: the result must be recorded in history.
func (a *Activities) ComputeDeadline(_ context.Context, in DeadlineInput) (domain.Deadline, error) {
	if err := in.Clock.Validate(); err != nil {
		return domain.Deadline{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalid, err)
	}
	return a.Calendar.DeadlineWith(in.Start, in.Clock, in.Changes, a.Location), nil
}

// activityError marks errors that no retry can fix as non-retryable.
func activityError(err error) error {
	var wrong *domain.WrongExpectedRevisionError
	switch {
	case errors.As(err, &wrong):
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeConflict, err)
	case domain.ErrorCode(err) == domain.EINVALID:
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalid, err)
	default:
		return err
	}
}
