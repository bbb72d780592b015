// Package activities holds predmet's Temporal activities: the steps of a case that touch the outside
// world (the event store, the register, the calendar).
package activities

import (
	"context"
	"errors"
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
// an append that did happen succeeds without writing twice.
func (a *Activities) Append(ctx context.Context, in AppendInput) (AppendResult, error) {
	res, err := a.Store.Append(ctx, in.Stream, domain.ExpectRevision(in.ExpectedNext), in.Events...)
	if err != nil {
		return AppendResult{}, activityError(err)
	}
	return AppendResult{NextExpectedRevision: res.NextExpectedRevision, Position: res.Position}, nil
}

// RegisterHeadInput asks for the state of a unit's register at an instant.
type RegisterHeadInput struct {
	Unit string
	At   time.Time
}

// RegisterHead is how many numbers the register of the year had given out.
type RegisterHead struct {
	// Date is the registration day in the municipality's time zone; Year is its year.
	Date domain.Date
	Year int
	Next uint64
}

// ReadRegisterHead returns the register's next revision (0 when the year has no number yet). A workflow
// records it before claiming a number, so that a claim retried after a crash can find its own number.
func (a *Activities) ReadRegisterHead(ctx context.Context, in RegisterHeadInput) (RegisterHead, error) {
	date := domain.DateOf(in.At, a.Location)
	next, err := a.streamNext(ctx, domain.RegisterStream(in.Unit, date.Year))
	if err != nil {
		return RegisterHead{}, activityError(err)
	}
	return RegisterHead{Date: date, Year: date.Year, Next: next}, nil
}

// LoadCaseInput names a case to load.
type LoadCaseInput struct {
	CaseID string
}

// LoadCase folds the case's stream and returns the case without its personal data, which stays in the
// event store and out of workflow histories.
func (a *Activities) LoadCase(ctx context.Context, in LoadCaseInput) (domain.Case, error) {
	events, err := a.Store.ReadStream(ctx, domain.CaseStream(in.CaseID), domain.ReadStreamOptions{})
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return domain.Case{}, temporal.NewNonRetryableApplicationError("the case's stream does not exist", ErrTypeInvalid, err)
	} else if err != nil {
		return domain.Case{}, activityError(err)
	}
	c, err := domain.FoldCase(events)
	if err != nil {
		return domain.Case{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalid, err)
	}
	return c.WithoutPersonalData(), nil
}

// ClaimInput claims the next base number of a register for a case.
type ClaimInput struct {
	CaseID string
	Unit   string
	Year   int
	// From is the register head read before the first attempt: any number this case already holds is
	// at or after it.
	From uint64
	// Date is the registration day.
	Date domain.Date
}

// ClaimArchiveNumber gives the case the next base number of the register, or the number it already
// got in an earlier attempt. Numbers are sequential, unique and never reused: number n is the event at
// revision n-1 of the register's stream, appended at an exact expected revision.
func (a *Activities) ClaimArchiveNumber(ctx context.Context, in ClaimInput) (domain.ArchiveNumber, error) {
	a.registerMu.Lock()
	defer a.registerMu.Unlock()

	stream := domain.RegisterStream(in.Unit, in.Year)
	eventID := domain.DeterministicID("archive-number", in.CaseID)
	from := in.From
	for {
		// Did an earlier attempt already claim a number for this case?
		events, err := a.Store.ReadStream(ctx, stream, domain.ReadStreamOptions{From: from})
		if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
			return domain.ArchiveNumber{}, activityError(err)
		}
		for _, e := range events {
			if e.ID == eventID {
				return numberAt(e)
			}
		}
		next := from + uint64(len(events))
		number := domain.ArchiveNumber{Unit: in.Unit, Year: in.Year, Number: int(next) + 1, Sub: 1, Date: in.Date}
		data, err := domain.EncodeEvents(stream, next, domain.Metadata{CorrelationID: in.CaseID, CausationID: in.CaseID, UserID: domain.SystemActor.UserID},
			&domain.ArchiveNumberAssigned{CaseID: in.CaseID, ArchiveNumber: number})
		if err != nil {
			return domain.ArchiveNumber{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalid, err)
		}
		data[0].ID = eventID
		_, err = a.Store.Append(ctx, stream, domain.ExpectRevision(next), data...)
		var wrong *domain.WrongExpectedRevisionError
		if errors.As(err, &wrong) {
			// Another process took this number: look again from where we were.
			from = next
			continue
		} else if err != nil {
			return domain.ArchiveNumber{}, activityError(err)
		}
		return number, nil
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

// streamNext returns the revision the next event of stream will get.
func (a *Activities) streamNext(ctx context.Context, stream string) (uint64, error) {
	last, err := a.Store.ReadStream(ctx, stream, domain.ReadStreamOptions{Direction: domain.Backwards, FromEnd: true, Max: 1})
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return 0, nil
	} else if err != nil {
		return 0, err
	} else if len(last) == 0 {
		return 0, nil
	}
	return last[0].Revision + 1, nil
}

// DeadlineInput asks when a clock started at Start runs out.
type DeadlineInput struct {
	Start time.Time
	Clock domain.Clock
}

// ComputeDeadline applies the municipality's calendar to a clock. It is an activity, not workflow code,
// because the calendar's one-off days are reloaded from a file: the result must be recorded in history.
func (a *Activities) ComputeDeadline(_ context.Context, in DeadlineInput) (domain.Deadline, error) {
	if err := in.Clock.Validate(); err != nil {
		return domain.Deadline{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalid, err)
	}
	return a.Calendar.Deadline(in.Start, in.Clock, a.Location), nil
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
