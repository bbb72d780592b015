package services

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/notify"
	"github.com/predmet/predmet/workflows"
)

// Privacy implements domain.PrivacyService: erasure runs as workflows.ErasureWorkflow; the submitter's
// copy is read from the case streams (opened with the codec), the outbox and the access log.
type Privacy struct {
	Client client.Client
	Store  domain.EventStore
	Codec  *domain.Codec
	// People finds a person's cases (the read models).
	People domain.PersonIndex
	// Policies are the policies in force: their retention periods decide the duty to keep.
	Policies domain.Policies
	Access   domain.AccessLog
	// Outbox holds the messages sent without a mail server; nil with one.
	Outbox *notify.Outbox
	// Location is the municipality's time zone (Europe/Skopje).
	Location *time.Location
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// Timeout bounds how long Erase waits for the erasure (default 2 minutes).
	Timeout time.Duration
}

var _ domain.PrivacyService = (*Privacy)(nil)

func (s *Privacy) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// casesOf resolves a request's person or case to the person's pseudonym and their cases: by e-mail
// address, the cases whose submitter gave it at intake; by case, that case. ENOTFOUND when none.
func (s *Privacy) casesOf(ctx context.Context, email, caseID string) (string, []string, error) {
	if caseID != "" {
		if _, err := uuid.Parse(caseID); err != nil {
			return "", nil, domain.Errorf(domain.ENOTFOUND, "No case with ID %q.", caseID)
		}
		first, err := s.Store.ReadStream(ctx, domain.CaseStream(caseID), domain.ReadStreamOptions{Max: 1})
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return "", nil, domain.Errorf(domain.ENOTFOUND, "No case with ID %q.", caseID)
		} else if err != nil {
			return "", nil, err
		}
		var received struct {
			Person string `json:"person"`
		}
		_ = json.Unmarshal(first[0].Data, &received)
		return received.Person, []string{caseID}, nil
	}
	id, err := s.Codec.Keys.PersonID(ctx, domain.NormaliseEmail(email))
	if err != nil {
		return "", nil, err
	}
	person := "p-" + id
	cases, err := s.People.CasesOf(ctx, person)
	if err != nil {
		return "", nil, err
	}
	if len(cases) == 0 {
		return "", nil, domain.Errorf(domain.ENOTFOUND, "No case has a submitter with that e-mail address.")
	}
	return person, cases, nil
}

// Erase implements domain.PrivacyService. The cases under a duty to keep (open, or within their kind's
// retention from their close, by the policy in force) are refused with the reason, unless the request
// overrides the duty; the others are erased by workflows.ErasureWorkflow, which this waits for. An
// idempotency key makes a retry reach the same erasure.
func (s *Privacy) Erase(ctx context.Context, r domain.ErasureRequest) (domain.ErasureReport, error) {
	if err := r.Actor.CanRead(domain.PartPrivacy); err != nil {
		return domain.ErasureReport{}, err
	}
	if err := r.Validate(); err != nil {
		return domain.ErasureReport{}, err
	}
	id := uuid.NewString()
	if r.IdempotencyKey != "" {
		id = domain.DeterministicID("erasure", r.Actor.UserID, r.IdempotencyKey)
		if report, err := s.report(ctx, id); err == nil {
			return report, nil // asked and done before
		}
	}
	person, cases, err := s.casesOf(ctx, r.Email, r.CaseID)
	if err != nil {
		return domain.ErasureReport{}, err
	}
	req := domain.ErasureRequested{
		ID: id, Trigger: domain.ErasureByRequest, Person: person, Cases: []string{}, By: r.Actor.UserID,
		Reason: r.Reason, LegalBasis: r.LegalBasis, Override: r.Override, At: s.now().UTC(),
	}
	var first *domain.Error
	for _, caseID := range cases {
		events, err := s.Store.ReadStream(ctx, domain.CaseStream(caseID), domain.ReadStreamOptions{})
		if err != nil {
			return domain.ErasureReport{}, err
		}
		c, err := domain.FoldCase(events)
		if err != nil {
			return domain.ErasureReport{}, err
		}
		until, duty := domain.DutyToKeep(c, s.Policies[c.Kind].Retention, s.now(), s.Location)
		if duty != nil && r.Override == "" {
			req.Refused = append(req.Refused, domain.RefusalOf(c, until, duty))
			if first == nil {
				first = duty
			}
			continue
		}
		req.Cases = append(req.Cases, caseID)
	}
	if len(req.Cases) == 0 {
		return domain.ErasureReport{}, first
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	run, err := s.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.ErasureWorkflowID(id),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, workflows.ErasureWorkflow, workflows.ErasureInput{Request: req})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		run, err = s.Client.GetWorkflow(ctx, workflows.ErasureWorkflowID(id), ""), nil
	}
	if err != nil {
		return domain.ErasureReport{}, temporalError(err)
	}
	var res workflows.ErasureResult
	if err := run.Get(ctx, &res); err != nil {
		return domain.ErasureReport{}, temporalError(err)
	}
	return s.report(ctx, id)
}

func (s *Privacy) timeout() time.Duration {
	if s.Timeout == 0 {
		return 2 * time.Minute
	}
	return s.Timeout
}

// report folds the erasure's stream.
func (s *Privacy) report(ctx context.Context, id string) (domain.ErasureReport, error) {
	events, err := s.Store.ReadStream(ctx, domain.ErasureStream(id), domain.ReadStreamOptions{})
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return domain.ErasureReport{}, domain.Errorf(domain.ENOTFOUND, "No erasure with ID %q.", id)
	} else if err != nil {
		return domain.ErasureReport{}, err
	}
	var r domain.ErasureReport
	for _, e := range events {
		ev, err := domain.DecodeEvent(e)
		if err != nil {
			return domain.ErasureReport{}, err
		}
		r.Apply(ev)
	}
	return r, nil
}

// Erasure implements domain.PrivacyService.
func (s *Privacy) Erasure(ctx context.Context, id string, actor domain.Actor) (domain.ErasureReport, error) {
	if err := actor.CanRead(domain.PartPrivacy); err != nil {
		return domain.ErasureReport{}, err
	}
	if _, err := uuid.Parse(id); err != nil {
		return domain.ErasureReport{}, domain.Errorf(domain.ENOTFOUND, "No erasure with ID %q.", id)
	}
	return s.report(ctx, id)
}

// Export implements domain.PrivacyService: for each of the person's cases, the case as folded, its
// events with their personal fields opened, the messages the outbox holds about it, and who read it.
// Each case exported is recorded in the access log as a read.
func (s *Privacy) Export(ctx context.Context, r domain.ExportRequest) (domain.SubjectExport, error) {
	if err := r.Actor.CanRead(domain.PartPrivacy); err != nil {
		return domain.SubjectExport{}, err
	}
	if err := r.Validate(); err != nil {
		return domain.SubjectExport{}, err
	}
	person, cases, err := s.casesOf(ctx, r.Email, r.CaseID)
	if err != nil {
		return domain.SubjectExport{}, err
	}
	out := domain.SubjectExport{Person: person, Email: domain.NormaliseEmail(r.Email), ExportedAt: s.now().UTC(), ExportedBy: r.Actor.UserID,
		Cases: []domain.SubjectCase{}}
	for _, id := range cases {
		c, events, err := s.Codec.ReadCase(ctx, s.Store, id)
		if err != nil {
			return domain.SubjectExport{}, err
		}
		sc := domain.SubjectCase{Case: *c, Events: []domain.SubjectEvent{}, Messages: []domain.OutboxMessage{}}
		for _, e := range events {
			if c.Erased != nil {
				e = domain.WithoutPersonalData(e)
			}
			var data any
			if err := json.Unmarshal(e.Data, &data); err != nil {
				data = string(e.Data)
			}
			sc.Events = append(sc.Events, domain.SubjectEvent{Revision: e.Revision, Type: e.Type, Created: e.Created, Data: data})
		}
		if s.Outbox != nil {
			msgs, err := s.Outbox.CaseMessages(ctx, id)
			if err != nil {
				return domain.SubjectExport{}, err
			}
			for _, m := range msgs {
				sc.Messages = append(sc.Messages, domain.OutboxMessage{MessageID: m.MessageID, To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML, StoredAt: m.StoredAt})
			}
		}
		if s.Access != nil {
			if sc.Reads, err = s.Access.Query(ctx, domain.AccessQuery{CaseIDs: []string{id}}); err != nil {
				return domain.SubjectExport{}, err
			}
			if err := s.Access.Record(ctx, domain.AccessEntry{At: s.now(), Reader: r.Actor.UserID, CaseID: id, Route: domain.RouteOf(ctx),
				Parts: domain.CaseAccess(r.Actor, c).Shown()}); err != nil {
				return domain.SubjectExport{}, err
			}
		}
		out.Cases = append(out.Cases, sc)
	}
	return out, nil
}

// AccessLog implements domain.PrivacyService. A query by e-mail address selects the reads of the
// person's cases.
func (s *Privacy) AccessLog(ctx context.Context, q domain.AccessQuery, actor domain.Actor) ([]domain.AccessEntry, error) {
	if err := actor.CanRead(domain.PartPrivacy); err != nil {
		return nil, err
	}
	if q.Email != "" {
		if !domain.LooksLikeEmail(q.Email) {
			return nil, domain.FieldErrorf("email", "%q is not an e-mail address.", q.Email)
		}
		_, cases, err := s.casesOf(ctx, q.Email, "")
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			cases = []string{}
		} else if err != nil {
			return nil, err
		}
		q.CaseIDs = append(q.CaseIDs, cases...)
		if q.CaseIDs == nil {
			q.CaseIDs = []string{}
		}
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return nil, domain.FieldErrorf("to", "The end of the range is before its start.")
	}
	return s.Access.Query(ctx, q)
}
