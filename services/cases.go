package services

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/workflows"
)

// Cases implements domain.CaseService on Temporal and the event store: intake writes the case's first
// event (with the submitter's personal data, sealed with the case's key) to the store, then starts the
// case's workflow, which numbers the case and runs its clock. Every read of a case applies the rules of
// reading (domain.CaseAccess: a reader sees only the parts their roles allow) and is recorded in the
// access log, with the route it came through (domain.WithRoute).
type Cases struct {
	Client client.Client
	Store  domain.EventStore
	// Codec seals the personal data of the events intake writes, and opens it for readers.
	Codec *domain.Codec
	// Access records every read of a case.
	Access   domain.AccessLog
	Unit     string
	Policies domain.Policies
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// Timeout bounds how long OpenCase waits for the registration, and Act for the action (default 30 s).
	Timeout time.Duration
	// HistoryLimit is the history length after which a case continues as new
	// (workflows.DefaultHistoryLimit if 0).
	HistoryLimit int
}

var _ domain.CaseService = (*Cases)(nil)

// OpenCase implements domain.CaseService.
func (s *Cases) OpenCase(ctx context.Context, req domain.OpenCaseRequest) (*domain.Case, error) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	if err := req.NewCase.Validate(now()); err != nil {
		return nil, err
	}
	policy, ok := s.Policies[req.NewCase.Kind]
	if !ok {
		return nil, domain.FieldErrorf("kind", "Unknown case kind %q.", req.NewCase.Kind)
	}
	id := newCaseID(req)
	hash := requestHash(req.NewCase)
	if err := s.recordReceipt(ctx, id, hash, req); err != nil {
		return nil, err
	}

	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	workflowID := workflows.CaseWorkflowID(id)
	start := s.Client.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:                       workflowID,
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.SearchCaseKind.ValueSet(string(req.NewCase.Kind)),
			workflows.SearchCaseStatus.ValueSet(string(domain.StatusReceived)),
			workflows.SearchCaseOverdue.ValueSet(false),
		),
	}, workflows.CaseWorkflow, workflows.CaseInput{CaseID: id, RequestHash: hash, Unit: s.Unit, Policy: policy, Actor: req.Actor, HistoryLimit: s.HistoryLimit})
	handle, err := s.Client.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateID:     "registration-" + hash[:16],
			UpdateName:   workflows.RegistrationUpdate,
			Args:         []any{hash},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	if err == nil {
		var reg workflows.Registration
		err = handle.Get(ctx, &reg)
	}
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	switch {
	case errors.As(err, &started):
		// The case's workflow has already finished: the retry finds the case as it is.
	case err != nil:
		// A different request under a used idempotency key comes back as the registration validator's
		// ECONFLICT.
		return nil, temporalError(err)
	}
	return s.Case(ctx, id, req.Actor)
}

// recordReceipt writes the CaseReceived event at revision 0, its personal fields sealed with the case's
// key. A retry with the same idempotency key finds
// the same event already there; a different request under the same key is a conflict.
func (s *Cases) recordReceipt(ctx context.Context, id, hash string, req domain.OpenCaseRequest) error {
	n := req.NewCase
	stream := domain.CaseStream(id)
	cause := req.RequestID
	if cause == "" {
		cause = id
	}
	person, err := domain.PersonOf(ctx, s.Codec.Keys, id, n.Submitter)
	if err != nil {
		return err
	}
	data, err := domain.EncodeEvents(stream, 0, domain.Metadata{CorrelationID: id, CausationID: cause, UserID: req.Actor.UserID},
		&domain.CaseReceived{
			CaseID: id, Kind: n.Kind, Channel: n.Channel, Language: n.Language, ReceivedAt: n.ReceivedAt.UTC(),
			Subject: n.Subject, Text: n.Text, Submitter: n.Submitter, Sector: n.Sector, RequestHash: hash, Person: person,
		})
	if err != nil {
		return err
	}
	if err := s.Codec.Seal(ctx, id, data); err != nil {
		return err
	}
	if _, err := s.Store.Append(ctx, stream, domain.NoStream(), data...); err != nil {
		if domain.ErrorCode(err) == domain.ECONFLICT {
			return domain.Errorf(domain.ECONFLICT, "The idempotency key was already used for a different request.")
		}
		return err
	}
	if req.IdempotencyKey == "" {
		return nil // a fresh random ID: nobody else can have written this receipt
	}
	// The append is idempotent by event ID only: check that the stored receipt is this request's.
	first, err := s.Store.ReadStream(ctx, stream, domain.ReadStreamOptions{Max: 1})
	if err != nil {
		return err
	}
	ev, err := domain.DecodeEvent(first[0])
	if err != nil {
		return err
	}
	if got, ok := ev.(*domain.CaseReceived); !ok || got.RequestHash != hash {
		return domain.Errorf(domain.ECONFLICT, "The idempotency key was already used for a different request.")
	}
	return nil
}

// Case implements domain.CaseService: the case as reader may read it (domain.CaseAccess), recorded in
// the access log.
func (s *Cases) Case(ctx context.Context, id string, reader domain.Actor) (*domain.Case, error) {
	c, _, acc, err := s.read(ctx, id, reader, domain.PartSummary)
	if err != nil {
		return nil, err
	}
	return acc.Redact(c), nil
}

// CaseEvents implements domain.CaseService: the case's events, opened, without the personal fields the
// reader may not read, recorded in the access log. A sector head reads the events of a case that asked
// their sector. The events of a case whose personal data was erased read without it, marked "erased",
// also where the log holds them in clear (legacy events).
func (s *Cases) CaseEvents(ctx context.Context, id string, reader domain.Actor) ([]domain.RecordedEvent, error) {
	c, events, acc, err := s.read(ctx, id, reader, domain.PartEvents)
	if err != nil {
		return nil, err
	}
	for i, e := range events {
		if c.Erased != nil {
			e = domain.WithoutPersonalData(e)
		}
		events[i] = acc.RedactEvent(e)
	}
	return events, nil
}

// read reads case id with its events opened, checks that reader may read part of it, and records the
// read in the access log, with the parts the reader is shown.
func (s *Cases) read(ctx context.Context, id string, reader domain.Actor, part domain.Part) (*domain.Case, []domain.RecordedEvent, domain.Access, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, nil, nil, domain.Errorf(domain.ENOTFOUND, "No case with ID %q.", id)
	}
	c, events, err := s.Codec.ReadCase(ctx, s.Store, id)
	if err != nil {
		return nil, nil, nil, err
	}
	acc := domain.CaseAccess(reader, c)
	if err := acc.Require(part); err != nil {
		return nil, nil, nil, err
	}
	if err := s.record(ctx, reader, id, acc); err != nil {
		return nil, nil, nil, err
	}
	return c, events, acc, nil
}

// record writes a read of case id in the access log (nothing without one).
func (s *Cases) record(ctx context.Context, reader domain.Actor, id string, acc domain.Access) error {
	if s.Access == nil {
		return nil
	}
	return s.Access.Record(ctx, domain.AccessEntry{At: s.now(), Reader: reader.UserID, CaseID: id, Route: domain.RouteOf(ctx), Parts: acc.Shown()})
}

// events reads the case's stream as it is stored (sealed): what the service's own checks need.
func (s *Cases) events(ctx context.Context, id string) ([]domain.RecordedEvent, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, domain.Errorf(domain.ENOTFOUND, "No case with ID %q.", id)
	}
	events, err := s.Store.ReadStream(ctx, domain.CaseStream(id), domain.ReadStreamOptions{})
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, domain.Errorf(domain.ENOTFOUND, "No case with ID %q.", id)
	}
	return events, err
}

func (s *Cases) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// newCaseID returns a new case ID, or with an idempotency key the ID derived from the key and the user,
// so that a retry reaches the same case.
func newCaseID(req domain.OpenCaseRequest) string {
	if req.IdempotencyKey == "" {
		return uuid.NewString()
	}
	return domain.DeterministicID("intake", req.Actor.UserID, req.IdempotencyKey)
}

// requestHash identifies an intake request by its content.
func requestHash(n domain.NewCase) string {
	n.ReceivedAt = n.ReceivedAt.UTC()
	b, _ := json.Marshal(n)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Act implements domain.CaseService. The action runs as ActionUpdate on the case's workflow; with an
// idempotency key the update's ID is derived from it, so a retry returns the case without acting again:
// within the run that took it, Temporal answers the update with its first outcome; after a continue-as-new
// or the end of the case, the update's ID in the recorded events' causation shows it was done. (A retry of
// an action that was refused is decided again.)
func (s *Cases) Act(ctx context.Context, caseID string, req domain.ActionRequest, idempotencyKey string) (*domain.Case, error) {
	if _, err := uuid.Parse(caseID); err != nil {
		return nil, domain.Errorf(domain.ENOTFOUND, "No case with ID %q.", caseID)
	}
	if req.Action == domain.ActionMerge && req.Into != "" {
		if _, err := uuid.Parse(req.Into); err == nil {
			if _, err := s.Store.ReadStream(ctx, domain.CaseStream(req.Into), domain.ReadStreamOptions{Max: 1}); domain.ErrorCode(err) == domain.ENOTFOUND {
				return nil, domain.FieldErrorf("into", "No case with ID %q.", req.Into)
			} else if err != nil {
				return nil, err
			}
		}
	}
	updateID := uuid.NewString()
	if idempotencyKey != "" {
		updateID = domain.DeterministicID("action", caseID, req.Actor.UserID, idempotencyKey)
		// Temporal remembers update IDs per run: a retry after the case continued as new or ended is
		// recognised by the events the first attempt recorded.
		if done, err := s.actedAlready(ctx, caseID, updateID); err != nil {
			return nil, err
		} else if done {
			return s.Case(ctx, caseID, req.Actor)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	var res workflows.ActionResult
	err := retryUpdate(ctx, func() error {
		handle, err := s.Client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID:   workflows.CaseWorkflowID(caseID),
			UpdateID:     updateID,
			UpdateName:   workflows.ActionUpdate,
			Args:         []any{req},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err == nil {
			err = handle.Get(ctx, &res)
		}
		return err
	})
	if err != nil {
		return nil, s.actionError(ctx, caseID, err)
	}
	return s.Case(ctx, caseID, req.Actor)
}

// actedAlready reports whether the case's stream holds events recorded by the update with the given ID.
func (s *Cases) actedAlready(ctx context.Context, caseID, updateID string) (bool, error) {
	events, err := s.events(ctx, caseID)
	if err != nil {
		return false, err
	}
	for i := len(events) - 1; i >= 0; i-- {
		if workflows.CausedByUpdate(domain.DecodeMetadata(events[i]).CausationID, updateID) {
			return true, nil
		}
	}
	return false, nil
}

// actionError explains why an action failed: the domain's reason, an unknown case, or a case whose
// workflow has ended. The server answers an update to a workflow that has completed, or that completes
// before it takes the update, with NotFound (ErrWorkflowCompleted and AbortedByWorkflowClosingErr in
// go.temporal.io/server v1.32.1, service/history/consts/const.go and
// service/history/workflow/update/errors_failures.go).
func (s *Cases) actionError(ctx context.Context, caseID string, err error) error {
	if de, ok := workflows.DomainError(err); ok {
		return de
	}
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		events, cerr := s.events(ctx, caseID)
		if cerr != nil {
			return cerr
		}
		c, cerr := domain.FoldCase(events)
		if cerr != nil {
			return cerr
		}
		if domain.IsTerminal(c.Status) {
			return domain.Errorf(domain.ECONFLICT, "The case is %s; no further actions are possible.", c.Status)
		}
		return domain.Errorf(domain.EUNAVAILABLE, "The case's workflow is not running; try again in a moment.")
	}
	return temporalError(err)
}

func (s *Cases) timeout() time.Duration {
	if s.Timeout == 0 {
		return 30 * time.Second
	}
	return s.Timeout
}
