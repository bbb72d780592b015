package activities

import (
	"bytes"
	"context"
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/predmet/predmet/domain"
)

// Purger removes what a store other than the event log holds of a case's personal data: the outbox's
// messages (notify.Outbox), a search index. It returns how many rows it removed; purging a case twice
// removes nothing the second time.
type Purger interface {
	PurgeCase(ctx context.Context, caseID string) (int64, error)
}

// OutboxPurger is what erasure and retention ask of the outbox (notify.Outbox): purge a case's messages,
// and empty the addresses and bodies of the messages stored before an instant.
type OutboxPurger interface {
	Purger
	PurgeBodies(ctx context.Context, before time.Time) (int64, error)
}

// DefaultOutboxHorizon is how long the outbox keeps a message's addresses and bodies when no horizon is
// configured.
const DefaultOutboxHorizon = 90 * 24 * time.Hour

// RecordErasure writes the erasure's request in its own stream, once: a retry finds it written.
func (a *Activities) RecordErasure(ctx context.Context, in domain.ErasureRequested) error {
	stream := domain.ErasureStream(in.ID)
	data, err := domain.EncodeEvents(stream, 0, domain.Metadata{CorrelationID: in.ID, CausationID: in.ID, UserID: in.By}, &in)
	if err != nil {
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalid, err)
	}
	_, err = a.Store.Append(ctx, stream, domain.NoStream(), data...)
	var wrong *domain.WrongExpectedRevisionError
	if errors.As(err, &wrong) {
		first, rerr := a.Store.ReadStream(ctx, stream, domain.ReadStreamOptions{Max: 1})
		if rerr == nil && len(first) == 1 && first[0].ID == data[0].ID {
			return nil // written by an earlier attempt
		}
	}
	return activityError(err)
}

// EraseCaseInput erases the personal data of one case for the erasure Erasure.
type EraseCaseInput struct {
	Erasure domain.ErasureRequested
	CaseID  string
}

// EraseCaseResult is what erasing one case did.
type EraseCaseResult struct {
	CaseID string
	// Erased is false when the case turned out to be still under a duty to keep (a retention run's
	// case closed later than the read models said); Refused then says why.
	Erased       bool
	Refused      *domain.ErasureRefusal `json:",omitempty"`
	OutboxPurged int64
	Purged       int64
	// Legacy is set when the case's events held personal data in clear.
	Legacy bool
}

// EraseCase erases the personal data of one case: it destroys the case's key, purges what the outbox
// and the other read models hold of it, and records PersonalDataErased on the case (through its
// workflow while it runs). A retention run's case is checked again against its duty to keep, on its
// stream and the policy in force, so that a read model behind the log never gets an open case erased.
// Every step is idempotent: a retry does nothing twice.
func (a *Activities) EraseCase(ctx context.Context, in EraseCaseInput) (EraseCaseResult, error) {
	res := EraseCaseResult{CaseID: in.CaseID}
	events, err := a.Store.ReadStream(ctx, domain.CaseStream(in.CaseID), domain.ReadStreamOptions{})
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return res, temporal.NewNonRetryableApplicationError("no such case", ErrTypeInvalid, err)
	} else if err != nil {
		return res, activityError(err)
	}
	c, err := domain.FoldCase(events)
	if err != nil {
		return res, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalid, err)
	}
	done := c.Erased != nil && c.Erased.ErasureID == in.Erasure.ID
	if in.Erasure.Trigger == domain.ErasureByRetention && !done {
		// A kind without a policy here is kept: retention never erases what it cannot justify.
		r := domain.Retention{Permanent: true}
		if p, ok := a.Policies[c.Kind]; ok {
			r = p.Retention
		}
		if until, duty := domain.DutyToKeep(c, r, time.Now(), a.Location); duty != nil {
			refusal := domain.RefusalOf(c, until, duty)
			res.Refused = &refusal
			return res, nil
		}
	}
	for _, e := range events {
		if len(domain.PersonalFields(e.Type)) > 0 && !containsSealed(e.Data) {
			res.Legacy = true
		}
	}
	if err := a.Keys.Destroy(ctx, in.CaseID); err != nil {
		return res, err
	}
	if a.Outbox != nil {
		if res.OutboxPurged, err = a.Outbox.PurgeCase(ctx, in.CaseID); err != nil {
			return res, err
		}
	}
	for _, p := range a.Purgers {
		n, err := p.PurgeCase(ctx, in.CaseID)
		if err != nil {
			return res, err
		}
		res.Purged += n
	}
	r := in.Erasure
	note := &domain.PersonalDataErased{ErasureID: r.ID, Trigger: r.Trigger, By: r.By, Reason: r.Reason, LegalBasis: r.LegalBasis,
		Override: r.Override, At: r.At, Legacy: res.Legacy}
	if !done {
		if err := a.notes().Record(ctx, NoteInput{CaseID: in.CaseID, Key: "erasure/" + r.ID, Erased: note}); err != nil {
			return res, err
		}
	}
	res.Erased = true
	return res, nil
}

// containsSealed reports whether an event's data holds a sealed envelope.
func containsSealed(data []byte) bool { return bytes.Contains(data, []byte(`"sealed"`)) }

// CompleteErasure records, in the erasure's stream, that every case of it was erased, once.
func (a *Activities) CompleteErasure(ctx context.Context, in domain.ErasureCompleted) error {
	stream := domain.ErasureStream(in.ID)
	data, err := domain.EncodeEvents(stream, 1, domain.Metadata{CorrelationID: in.ID, CausationID: in.ID, UserID: domain.SystemActor.UserID}, &in)
	if err != nil {
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalid, err)
	}
	_, err = a.Store.Append(ctx, stream, domain.ExpectRevision(1), data...)
	return activityError(err)
}

// DueInput asks which cases' retention has passed at At.
type DueInput struct {
	At time.Time
	// Limit is the most cases returned per kind (domain.MaxPageLimit if 0).
	Limit int
}

// DueResult lists the cases whose retention has passed.
type DueResult struct {
	Cases []string
}

// CasesDueForErasure lists the closed cases, not yet erased, whose kind's retention (in the policy in
// force) has passed at in.At. Kinds kept permanently are never listed. The list comes from the read
// models; EraseCase checks each case again on its stream.
func (a *Activities) CasesDueForErasure(ctx context.Context, in DueInput) (DueResult, error) {
	res := DueResult{Cases: []string{}}
	if a.People == nil {
		return res, nil
	}
	for _, k := range domain.CaseKinds {
		p, ok := a.Policies[k]
		if !ok || p.Retention.Permanent {
			continue
		}
		cutoff := retentionCutoff(p.Retention, in.At, a.Location)
		ids, err := a.People.ClosedBefore(ctx, k, cutoff.Add(time.Nanosecond), in.Limit)
		if err != nil {
			return res, err
		}
		res.Cases = append(res.Cases, ids...)
	}
	return res, nil
}

// retentionCutoff returns the latest close whose retention r has passed at now.
func retentionCutoff(r domain.Retention, now time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	switch {
	case r.Years > 0:
		return now.In(loc).AddDate(-r.Years, 0, 0)
	case r.Clock.Unit == domain.CalendarDays:
		return now.In(loc).AddDate(0, 0, -r.Clock.Length)
	}
	return now.Add(-(r.Until(now, loc).Sub(now)))
}

// PurgeOutboxInput asks to empty the outbox's messages older than the horizon at At.
type PurgeOutboxInput struct {
	At time.Time
}

// PurgeOutboxBodies empties the addresses and bodies of the outbox's messages stored more than
// OutboxHorizon (DefaultOutboxHorizon if 0) before in.At, and returns how many it emptied.
func (a *Activities) PurgeOutboxBodies(ctx context.Context, in PurgeOutboxInput) (int64, error) {
	if a.Outbox == nil {
		return 0, nil
	}
	horizon := a.OutboxHorizon
	if horizon <= 0 {
		horizon = DefaultOutboxHorizon
	}
	return a.Outbox.PurgeBodies(ctx, in.At.Add(-horizon))
}
