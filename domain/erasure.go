package domain

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Erasure of personal data. An erasure destroys the keys of the cases it covers (see KeyStore), purges
// what the outbox and the read models hold of them, and records PersonalDataErased in each case's
// stream; the request itself, with who asked, why and on what legal basis, is recorded in the
// erasure's own stream (ErasureStream). A case still under a legal duty to keep (open, or closed less
// than its kind's retention ago) is refused with the reason, unless an administrator overrides the
// duty with a recorded reason. The nightly retention run erases what has passed its time the same way.

// Event types of erasure.
const (
	EventPersonalDataErased = "PersonalDataErased"
	EventErasureRequested   = "ErasureRequested"
	EventErasureCompleted   = "ErasureCompleted"
)

// ErasureTrigger says why personal data was erased.
type ErasureTrigger string

// The triggers of an erasure.
const (
	ErasureByRequest   ErasureTrigger = "request"   // a person asked (through an administrator)
	ErasureByRetention ErasureTrigger = "retention" // the case's retention period passed
)

// Lengths of an erasure's texts, in characters.
const (
	MaxLegalBasisLen = 300
)

// ErasureStream returns the stream of the erasure with the given ID.
func ErasureStream(id string) string { return "erasure-" + id }

// ErasureStreamPrefix is the prefix of every erasure's stream.
const ErasureStreamPrefix = "erasure-"

// PersonalDataErased records, in a case's stream, that the case's personal data was erased: its key is
// destroyed, so its sealed fields can never be read again. Reason, LegalBasis and Override are typed by
// an administrator and, like every note, must not hold personal data.
type PersonalDataErased struct {
	ErasureID  string         `json:"erasureId"`
	Trigger    ErasureTrigger `json:"trigger"`
	By         string         `json:"by"`
	Reason     string         `json:"reason,omitempty"`
	LegalBasis string         `json:"legalBasis,omitempty"`
	// Override is the administrator's reason for erasing a case still under a duty to keep; empty when
	// no duty applied.
	Override string    `json:"override,omitempty"`
	At       time.Time `json:"at"`
	// Legacy is set when the case's stream held personal data in clear (written before sealing), which
	// the append-only log keeps: readers show it erased all the same.
	Legacy bool `json:"legacy,omitempty"`
}

// ErasureRefusal is a case an erasure left alone, and why: the duty to keep it.
type ErasureRefusal struct {
	CaseID        string `json:"caseId"`
	ArchiveNumber string `json:"archiveNumber,omitempty"`
	// Until is when the duty to keep ends (none while the case is open or kept permanently).
	Until *time.Time `json:"until,omitempty"`
	// Reason is the duty, in English; Format and Args are the same before formatting, to be translated.
	Reason string   `json:"reason"`
	Format string   `json:"format,omitempty"`
	Args   []string `json:"args,omitempty"`
}

// RefusalOf returns the refusal of case c for the duty to keep it that DutyToKeep returned.
func RefusalOf(c *Case, until time.Time, duty *Error) ErasureRefusal {
	r := ErasureRefusal{CaseID: c.ID, Reason: duty.Message, Format: duty.Format}
	for _, a := range duty.Args {
		r.Args = append(r.Args, fmt.Sprint(a))
	}
	if c.ArchiveNumber != nil {
		r.ArchiveNumber = c.ArchiveNumber.String()
	}
	if !until.IsZero() {
		r.Until = &until
	}
	return r
}

// ErasureRequested records, in the erasure's stream, what is to be erased and why: the cases, those
// refused, who asked, the reason and the legal basis. Person is the pseudonym of the person erased (none
// for an erasure by case or by retention).
type ErasureRequested struct {
	ID         string           `json:"id"`
	Trigger    ErasureTrigger   `json:"trigger"`
	Person     string           `json:"person,omitempty"`
	Cases      []string         `json:"cases"`
	Refused    []ErasureRefusal `json:"refused,omitempty"`
	By         string           `json:"by"`
	Reason     string           `json:"reason,omitempty"`
	LegalBasis string           `json:"legalBasis,omitempty"`
	Override   string           `json:"override,omitempty"`
	At         time.Time        `json:"at"`
}

// ErasureCompleted records, in the erasure's stream, that every case of the request was erased, and
// what was purged.
type ErasureCompleted struct {
	ID string `json:"id"`
	// Erased are the cases erased: those of the request but the ones found, on erasing them, still
	// under a duty to keep (Refused; a retention run's case closed later than the read models said).
	Erased  []string         `json:"erased"`
	Refused []ErasureRefusal `json:"refused,omitempty"`
	// OutboxPurged counts the messages deleted from the outbox; Purged the rows of other read models.
	OutboxPurged int `json:"outboxPurged"`
	Purged       int `json:"purged"`
	// Legacy lists the cases whose events held personal data in clear (see PersonalDataErased.Legacy).
	Legacy []string  `json:"legacy,omitempty"`
	At     time.Time `json:"at"`
}

// EventType implements Event.
func (*PersonalDataErased) EventType() string { return EventPersonalDataErased }

// EventType implements Event.
func (*ErasureRequested) EventType() string { return EventErasureRequested }

// EventType implements Event.
func (*ErasureCompleted) EventType() string { return EventErasureCompleted }

// CaseErasure is how a case's personal data was erased (Case.Erased). It is empty when the case's key
// is found destroyed before its stream records the erasure.
type CaseErasure struct {
	ErasureID  string         `json:"erasureId,omitempty"`
	Trigger    ErasureTrigger `json:"trigger,omitempty"`
	By         string         `json:"by,omitempty"`
	Reason     string         `json:"reason,omitempty"`
	LegalBasis string         `json:"legalBasis,omitempty"`
	Override   string         `json:"override,omitempty"`
	At         time.Time      `json:"at,omitzero"`
}

// applyErasure folds PersonalDataErased: the personal data is gone from the case.
func (c *Case) applyErasure(e *PersonalDataErased) {
	c.Subject, c.Text, c.Submitter = "", "", Submitter{}
	c.Erased = &CaseErasure{ErasureID: e.ErasureID, Trigger: e.Trigger, By: e.By, Reason: e.Reason,
		LegalBasis: e.LegalBasis, Override: e.Override, At: e.At}
}

// DutyToKeep returns nil when the case's personal data may be erased at now, and otherwise an ECONFLICT
// error that gives the duty to keep it, with when the duty ends (zero while the case is open or kept
// permanently): an open case is kept while it is handled; a closed one for its kind's retention from its
// close (see Retention).
func DutyToKeep(c *Case, r Retention, now time.Time, loc *time.Location) (time.Time, *Error) {
	if c.ClosedAt == nil {
		return time.Time{}, Errorf(ECONFLICT, "The case %s is still open: it is kept while it is handled.", c.Label())
	}
	if r.Permanent {
		return time.Time{}, Errorf(ECONFLICT, "The case %s is kept permanently under the list of documentary material.", c.Label())
	}
	until := r.Until(*c.ClosedAt, loc)
	if now.Before(until) {
		return until, Errorf(ECONFLICT, "The case %s is kept until %s, %s after its close, under the list of documentary material.",
			c.Label(), DateOf(until, loc).String(), r.String())
	}
	return time.Time{}, nil
}

// Label names the case for people: its archive number, or its ID before it has one.
func (c *Case) Label() string {
	if c.ArchiveNumber != nil {
		return c.ArchiveNumber.String()
	}
	return c.ID
}

// ErasureRequest asks to erase the personal data of a person (by their e-mail address) or of a case.
type ErasureRequest struct {
	// Email names the person by the address they gave; CaseID names one case. Exactly one is set.
	Email  string `json:"email,omitempty"`
	CaseID string `json:"caseId,omitempty"`
	// Reason is why (e.g. "the person asked on 2026-05-19, letter 08-1234/1"); LegalBasis the law
	// relied on. Both are required and must not hold personal data.
	Reason     string `json:"reason"`
	LegalBasis string `json:"legalBasis"`
	// Override, when set, is the administrator's reason to erase cases still under a duty to keep.
	Override string `json:"override,omitempty"`
	Actor    Actor  `json:"-"`
	// IdempotencyKey makes a retry reach the same erasure.
	IdempotencyKey string `json:"-"`
}

// Validate checks the request: EINVALID naming the field.
func (r ErasureRequest) Validate() error {
	switch {
	case r.Email == "" && r.CaseID == "":
		return FieldErrorf("email", "Name the person by e-mail address or the case by its ID.")
	case r.Email != "" && r.CaseID != "":
		return FieldErrorf("caseId", "Name either the person by e-mail address or the case by its ID, not both.")
	case r.Email != "" && !looksLikeEmail(strings.TrimSpace(r.Email)):
		return FieldErrorf("email", "%q is not an e-mail address.", r.Email)
	}
	if err := requireText("reason", r.Reason, MaxReasonLen); err != nil {
		return err
	}
	if err := requireText("legalBasis", r.LegalBasis, MaxLegalBasisLen); err != nil {
		return err
	}
	return optionalText("override", r.Override, MaxReasonLen)
}

// ErasureReport is an erasure as it stands: what was asked, what was erased, what was refused and why.
type ErasureReport struct {
	ErasureRequested
	// Done is set once every case of the request was erased; then Erased and the counts are known.
	Done         bool      `json:"done"`
	Erased       []string  `json:"erased"`
	OutboxPurged int       `json:"outboxPurged"`
	Purged       int       `json:"purged"`
	Legacy       []string  `json:"legacy,omitempty"`
	CompletedAt  time.Time `json:"completedAt,omitzero"`
}

// Apply folds an event of the erasure's stream.
func (r *ErasureReport) Apply(e Event) {
	switch e := e.(type) {
	case *ErasureRequested:
		r.ErasureRequested = *e
	case *ErasureCompleted:
		r.Done, r.Erased, r.OutboxPurged, r.Purged, r.Legacy, r.CompletedAt = true, e.Erased, e.OutboxPurged, e.Purged, e.Legacy, e.At
		r.Refused = append(r.Refused, e.Refused...)
	}
}

// ExportRequest asks for everything predmet holds about one person (by e-mail address) or about the
// submitter of one case.
type ExportRequest struct {
	Email  string
	CaseID string
	Actor  Actor
}

// Validate checks the request: EINVALID naming the field.
func (r ExportRequest) Validate() error {
	switch {
	case r.Email == "" && r.CaseID == "":
		return FieldErrorf("email", "Name the person by e-mail address or the case by its ID.")
	case r.Email != "" && r.CaseID != "":
		return FieldErrorf("caseId", "Name either the person by e-mail address or the case by its ID, not both.")
	case r.Email != "" && !looksLikeEmail(strings.TrimSpace(r.Email)):
		return FieldErrorf("email", "%q is not an e-mail address.", r.Email)
	}
	return nil
}

// SubjectExport is the submitter's copy: everything predmet holds about one person, as the law gives
// them the right to have it.
type SubjectExport struct {
	// Person is the person's pseudonym; Email the address asked for (empty for an export by case).
	Person     string        `json:"person"`
	Email      string        `json:"email,omitempty"`
	ExportedAt time.Time     `json:"exportedAt"`
	ExportedBy string        `json:"exportedBy"`
	Cases      []SubjectCase `json:"cases"`
}

// SubjectCase is one case in the submitter's copy: the case as folded, its events, the messages sent
// about it to the submitter and who read it.
type SubjectCase struct {
	Case     Case            `json:"case"`
	Events   []SubjectEvent  `json:"events"`
	Messages []OutboxMessage `json:"messages"`
	Reads    []AccessEntry   `json:"reads"`
}

// SubjectEvent is an event of a case in the submitter's copy, with its personal fields opened.
type SubjectEvent struct {
	Revision uint64    `json:"revision"`
	Type     string    `json:"type"`
	Created  time.Time `json:"created"`
	Data     any       `json:"data"`
}

// PrivacyService erases personal data and gives people their copy of it. Every method needs the role
// of PrivacyRoles.
type PrivacyService interface {
	// Erase erases the personal data of a person or a case, leaving the cases under a duty to keep
	// (listed in the report's Refused) unless the request overrides it. Returns EINVALID for a bad
	// request, ENOTFOUND when no case matches, ECONFLICT when every case matched is under a duty to
	// keep (the error names the first), EFORBIDDEN without the role.
	Erase(ctx context.Context, r ErasureRequest) (ErasureReport, error)
	// Erasure returns an erasure as it stands. ENOTFOUND for an unknown ID.
	Erasure(ctx context.Context, id string, actor Actor) (ErasureReport, error)
	// Export returns everything predmet holds about one person. ENOTFOUND when no case matches.
	Export(ctx context.Context, r ExportRequest) (SubjectExport, error)
	// AccessLog returns the reads of personal data q selects, oldest first.
	AccessLog(ctx context.Context, q AccessQuery, actor Actor) ([]AccessEntry, error)
}

// PersonIndex finds cases by their submitter and by their close: the read models answer it.
type PersonIndex interface {
	// CasesOf returns the IDs of the cases whose submitter is the person with the given pseudonym.
	CasesOf(ctx context.Context, person string) ([]string, error)
	// ClosedBefore returns the IDs of the cases of kind, not erased, closed before the given instant, at
	// most limit of them, the earliest closed first.
	ClosedBefore(ctx context.Context, kind CaseKind, before time.Time, limit int) ([]string, error)
}
