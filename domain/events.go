package domain

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Event type names. Every event predmet writes is registered in eventTypes below.
const (
	EventCaseReceived          = "CaseReceived"
	EventCaseRegistered        = "CaseRegistered"
	EventCaseDeadlinePassed    = "CaseDeadlinePassed"
	EventArchiveNumberAssigned = "ArchiveNumberAssigned"

	EventCaseAssigned           = "CaseAssigned"
	EventRequestOpened          = "RequestOpened"
	EventRequestReminded        = "RequestReminded"
	EventRequestEscalated       = "RequestEscalated"
	EventRequestReassigned      = "RequestReassigned"
	EventRequestAnswered        = "RequestAnswered"
	EventRequestCancelled       = "RequestCancelled"
	EventAnswerDrafted          = "AnswerDrafted"
	EventAnswerApproved         = "AnswerApproved"
	EventCaseAnswered           = "CaseAnswered"
	EventCaseClosed             = "CaseClosed"
	EventCaseForwarded          = "CaseForwarded"
	EventCaseWithdrawn          = "CaseWithdrawn"
	EventCaseRejected           = "CaseRejected"
	EventCaseMerged             = "CaseMerged"
	EventClarificationRequested = "ClarificationRequested"
	EventClarificationReceived  = "ClarificationReceived"
	EventClarificationExpired   = "ClarificationExpired"
	EventDeadlineChanged        = "DeadlineChanged"
	EventYearlyReportSubmitted  = "YearlyReportSubmitted"
	EventClocksSuspended        = "ClocksSuspended"
	EventClocksResumed          = "ClocksResumed"
	EventNotificationQueued     = "NotificationQueued"
	EventBriefingComposed       = "BriefingComposed"
)

// Event is a fact that happened to a case or to the register. Its JSON form is the stored event's data.
type Event interface {
	// EventType returns the event's registered type name.
	EventType() string
}

// eventTypes maps every type name to a constructor of its Go type: the one place events are registered.
var eventTypes = map[string]func() Event{
	EventCaseReceived:          func() Event { return &CaseReceived{} },
	EventCaseRegistered:        func() Event { return &CaseRegistered{} },
	EventCaseDeadlinePassed:    func() Event { return &CaseDeadlinePassed{} },
	EventArchiveNumberAssigned: func() Event { return &ArchiveNumberAssigned{} },

	EventCaseAssigned:           func() Event { return &CaseAssigned{} },
	EventRequestOpened:          func() Event { return &RequestOpened{} },
	EventRequestReminded:        func() Event { return &RequestReminded{} },
	EventRequestEscalated:       func() Event { return &RequestEscalated{} },
	EventRequestReassigned:      func() Event { return &RequestReassigned{} },
	EventRequestAnswered:        func() Event { return &RequestAnswered{} },
	EventRequestCancelled:       func() Event { return &RequestCancelled{} },
	EventAnswerDrafted:          func() Event { return &AnswerDrafted{} },
	EventAnswerApproved:         func() Event { return &AnswerApproved{} },
	EventCaseAnswered:           func() Event { return &CaseAnswered{} },
	EventCaseClosed:             func() Event { return &CaseClosed{} },
	EventCaseForwarded:          func() Event { return &CaseForwarded{} },
	EventCaseWithdrawn:          func() Event { return &CaseWithdrawn{} },
	EventCaseRejected:           func() Event { return &CaseRejected{} },
	EventCaseMerged:             func() Event { return &CaseMerged{} },
	EventClarificationRequested: func() Event { return &ClarificationRequested{} },
	EventClarificationReceived:  func() Event { return &ClarificationReceived{} },
	EventClarificationExpired:   func() Event { return &ClarificationExpired{} },
	EventDeadlineChanged:        func() Event { return &DeadlineChanged{} },
	EventYearlyReportSubmitted:  func() Event { return &YearlyReportSubmitted{} },
	EventClocksSuspended:        func() Event { return &ClocksSuspended{} },
	EventClocksResumed:          func() Event { return &ClocksResumed{} },
	EventNotificationQueued:     func() Event { return &NotificationQueued{} },
	EventBriefingComposed:       func() Event { return &BriefingComposed{} },

	EventNotificationAttempted:     func() Event { return &NotificationAttempted{} },
	EventNotificationSent:          func() Event { return &NotificationSent{} },
	EventNotificationAttemptFailed: func() Event { return &NotificationAttemptFailed{} },
	EventNotificationFailed:        func() Event { return &NotificationFailed{} },
	EventNotificationUncertain:     func() Event { return &NotificationUncertain{} },
	EventNotificationSkipped:       func() Event { return &NotificationSkipped{} },
	EventCaseNotificationFailed:    func() Event { return &CaseNotificationFailed{} },
	EventSubmitterContactCorrected: func() Event { return &SubmitterContactCorrected{} },

	EventPersonalDataErased: func() Event { return &PersonalDataErased{} },
	EventErasureRequested:   func() Event { return &ErasureRequested{} },
	EventErasureCompleted:   func() Event { return &ErasureCompleted{} },
}

// NewEvent returns an empty event of the registered type typ, to decode into; false for an unknown type.
func NewEvent(typ string) (Event, bool) {
	newEvent, ok := eventTypes[typ]
	if !ok {
		return nil, false
	}
	return newEvent(), true
}

// IsKnownEventType reports whether typ is an event type this version of predmet registers.
func IsKnownEventType(typ string) bool {
	_, ok := eventTypes[typ]
	return ok
}

// CaseReceived records an incoming document and opens its case. It carries the submitter's personal data:
// the subject, the text and the submitter are sealed in Sealed when it is stored (see Codec).
type CaseReceived struct {
	CaseID     string    `json:"caseId"`
	Kind       CaseKind  `json:"kind"`
	Channel    Channel   `json:"channel"`
	Language   Language  `json:"language"`
	ReceivedAt time.Time `json:"receivedAt"`
	Subject    string    `json:"subject"`
	Text       string    `json:"text"`
	Submitter  Submitter `json:"submitter"`
	Sector     string    `json:"sector,omitempty"`
	// RequestHash identifies the intake request, so that a retry under the same idempotency key can be
	// told apart from a different request.
	RequestHash string `json:"requestHash,omitempty"`
	// Person is the submitter's pseudonym (see PersonOf); empty in cases received before it existed.
	Person string `json:"person,omitempty"`
	// Sealed holds the personal fields, encrypted, when the event is stored; a Codec opens it.
	Sealed *Sealed `json:"sealed,omitempty"`
}

// CaseRegistered records the case's archive number in the register and starts its legal clock. A kind
// without a clock (a programme) has a zero Deadline.
type CaseRegistered struct {
	ArchiveNumber ArchiveNumber `json:"archiveNumber"`
	RegisteredAt  time.Time     `json:"registeredAt"`
	Deadline      Deadline      `json:"deadline"`
}

// CaseDeadlinePassed records that the case's deadline passed before it was answered, and the
// notification that tells the owning officer (none for cases of the first release).
type CaseDeadlinePassed struct {
	DueAt          time.Time `json:"dueAt"`
	NotificationID string    `json:"notificationId,omitempty"`
}

// ArchiveNumberAssigned records, in the register's own stream, that a base number went to a case.
type ArchiveNumberAssigned struct {
	CaseID        string        `json:"caseId"`
	ArchiveNumber ArchiveNumber `json:"archiveNumber"`
}

// EventType implements Event.
func (*CaseReceived) EventType() string { return EventCaseReceived }

// EventType implements Event.
func (*CaseRegistered) EventType() string { return EventCaseRegistered }

// EventType implements Event.
func (*CaseDeadlinePassed) EventType() string { return EventCaseDeadlinePassed }

// EventType implements Event.
func (*ArchiveNumberAssigned) EventType() string { return EventArchiveNumberAssigned }

// Metadata travels with every event: what it belongs to, what caused it and who acted.
// The field names follow KurrentDB's conventions for correlation and causation.
type Metadata struct {
	CorrelationID string `json:"$correlationId"`
	CausationID   string `json:"$causationId"`
	UserID        string `json:"userId"`
}

// eventIDNamespace is the UUID namespace of predmet's deterministic event IDs.
var eventIDNamespace = uuid.MustParse("8f5c7e0a-2d1b-4f43-9a55-5c1f0e6f7b21")

// EventID returns the deterministic ID of the event at revision in stream, so that an append retried with
// the same expected revision carries the same IDs and the store recognises it as already written.
func EventID(stream string, revision uint64) string {
	return uuid.NewSHA1(eventIDNamespace, fmt.Appendf(nil, "%s/%d", stream, revision)).String()
}

// DeterministicID returns a UUID derived from the given parts, for IDs that must be the same on every retry.
func DeterministicID(parts ...string) string {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
		b = append(b, 0)
	}
	return uuid.NewSHA1(eventIDNamespace, b).String()
}

// EncodeEvents turns events into EventData for stream, the first going to revision next, with
// deterministic IDs and the given metadata.
func EncodeEvents(stream string, next uint64, meta Metadata, events ...Event) ([]EventData, error) {
	md, err := json.Marshal(meta)
	if err != nil {
		return nil, err
	}
	out := make([]EventData, len(events))
	for i, e := range events {
		data, err := json.Marshal(e)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", e.EventType(), err)
		}
		out[i] = EventData{
			ID:          EventID(stream, next+uint64(i)),
			Type:        e.EventType(),
			ContentType: "application/json",
			Data:        data,
			Metadata:    md,
		}
	}
	return out, nil
}

// DecodeEvent turns a recorded event back into its Go type. Unknown types are an EINTERNAL error.
func DecodeEvent(r RecordedEvent) (Event, error) {
	newEvent, ok := eventTypes[r.Type]
	if !ok {
		return nil, Errorf(EINTERNAL, "Unknown event type %q at %s@%d.", r.Type, r.Stream, r.Revision)
	}
	e := newEvent()
	if err := json.Unmarshal(r.Data, e); err != nil {
		return nil, Errorf(EINTERNAL, "Cannot decode %s at %s@%d: %v.", r.Type, r.Stream, r.Revision, err)
	}
	return e, nil
}

// DecodeMetadata returns the metadata of a recorded event (zero values when absent).
func DecodeMetadata(r RecordedEvent) Metadata {
	var m Metadata
	_ = json.Unmarshal(r.Metadata, &m)
	return m
}

// Apply folds one event into the case. Appliers only apply facts: they never fail.
func (c *Case) Apply(e Event) {
	switch e := e.(type) {
	case *CaseReceived:
		c.ID = e.CaseID
		c.Kind = e.Kind
		c.Status = StatusReceived
		c.Channel = e.Channel
		c.Language = e.Language
		c.ReceivedAt = e.ReceivedAt
		c.Subject = e.Subject
		c.Text = e.Text
		c.Submitter = e.Submitter
		c.Sector = e.Sector
		c.Person = e.Person
	case *CaseRegistered:
		n, at, d := e.ArchiveNumber, e.RegisteredAt, e.Deadline
		c.Status = StatusRegistered
		c.ArchiveNumber = &n
		c.RegisteredAt = &at
		if d.Clock != (Clock{}) { // programmes run no clock
			c.Deadline = &d
		}
	case *CaseDeadlinePassed:
		c.Overdue = true
		c.DeadlinesPassed++
	case *PersonalDataErased:
		c.applyErasure(e)
	default:
		c.applyLifecycle(e)
	}
	c.Version++
}

// FoldCase builds a case from the recorded events of its stream, in order.
func FoldCase(events []RecordedEvent) (*Case, error) {
	c := &Case{}
	for _, r := range events {
		e, err := DecodeEvent(r)
		if err != nil {
			return nil, err
		}
		c.Apply(e)
	}
	return c, nil
}
