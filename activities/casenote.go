package activities

import (
	"context"
	"errors"

	"go.temporal.io/api/serviceerror"

	"github.com/predmet/predmet/domain"
)

// NoteInput is something to record on a case from outside it (see workflows.CaseNote, which it mirrors
// field for field): exactly one of Failed, Contact and Erased, and the key that makes a repeated note
// record nothing new. A Contact is sealed (domain.Codec.SealEvent): notes travel through the case
// workflow's history, which never holds personal data.
type NoteInput struct {
	CaseID  string
	Key     string
	Failed  *domain.CaseNotificationFailed
	Contact *domain.SubmitterContactCorrected
	Erased  *domain.PersonalDataErased
}

// caseNoteSignal is workflows.CaseNoteSignal: notes signal the case workflow by name, since workflows
// imports activities and not the other way round.
const caseNoteSignal = "note"

// caseWorkflowID is workflows.CaseWorkflowID.
func caseWorkflowID(caseID string) string { return domain.CaseStream(caseID) }

// CaseNotes records notes on cases: the one way anything outside a case's workflow writes to the case,
// used by Deliver (a message that could not be delivered), by the outbox's resend (the submitter's
// corrected address, services.Outbox) and by erasure (EraseCase). It is not an activity: it runs where
// it is called.
type CaseNotes struct {
	// Signaler reaches the case's workflow (the Temporal client).
	Signaler Signaler
	Store    domain.EventStore
}

// notes returns the activities' CaseNotes.
func (a *Activities) notes() CaseNotes { return CaseNotes{Signaler: a.Signaler, Store: a.Store} }

// Record records a note on a case: through its workflow while it runs (CaseNoteSignal), so that the
// workflow stays the one writer of its stream, and straight into the stream, at its exact end, once the
// workflow has ended. A note already recorded (the same undelivered notification, or the same key) is
// not recorded again. It returns EINVALID for an empty note or one without a key, ECONFLICT when the
// ended case's stream kept moving, and the Temporal client's or the store's errors otherwise.
func (n CaseNotes) Record(ctx context.Context, in NoteInput) error {
	var e domain.Event
	switch {
	case in.Failed != nil:
		e = in.Failed
	case in.Contact != nil:
		e = in.Contact
	case in.Erased != nil:
		e = in.Erased
	}
	if e == nil || in.Key == "" {
		return domain.Errorf(domain.EINVALID, "A note on a case needs its event and its key.")
	}
	err := n.Signaler.SignalWorkflow(ctx, caseWorkflowID(in.CaseID), "", caseNoteSignal, in)
	var notFound *serviceerror.NotFound
	if !errors.As(err, &notFound) {
		return err // signalled, or failed otherwise than by an ended workflow
	}
	// The case's workflow has ended: nobody else writes its stream, so append at its exact end.
	stream := domain.CaseStream(in.CaseID)
	for range 5 {
		events, err := n.Store.ReadStream(ctx, stream, domain.ReadStreamOptions{})
		if err != nil {
			return err
		}
		c, err := domain.FoldCase(events)
		if err != nil {
			return err
		}
		if in.Failed != nil {
			for _, u := range c.Undelivered {
				if u.NotificationID == in.Failed.NotificationID {
					return nil
				}
			}
		}
		if in.Erased != nil && c.Erased != nil && c.Erased.ErasureID == in.Erased.ErasureID {
			return nil
		}
		meta := domain.Metadata{CorrelationID: in.CaseID, CausationID: "note/" + in.Key, UserID: domain.SystemActor.UserID}
		data, err := domain.EncodeEvents(stream, c.Version, meta, e)
		if err != nil {
			return err
		}
		_, err = n.Store.Append(ctx, stream, domain.ExpectRevision(c.Version), data...)
		var wrong *domain.WrongExpectedRevisionError
		if !errors.As(err, &wrong) {
			return err
		}
	}
	return domain.Errorf(domain.ECONFLICT, "The stream of case %s kept moving.", in.CaseID)
}
