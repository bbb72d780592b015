package domain

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// CaseKind names a kind of case the department handles. The kinds and their policies are in policy.go.
type CaseKind string

// Channel is how a document reached the municipality.
type Channel string

// Intake channels.
const (
	ChannelLetter  Channel = "letter"
	ChannelEmail   Channel = "email"
	ChannelPhone   Channel = "phone"
	ChannelCounter Channel = "counter"
	ChannelWeb     Channel = "web"
	ChannelPortal  Channel = "portal" // the national e-services portal
)

// Channels lists every valid channel.
var Channels = []Channel{ChannelLetter, ChannelEmail, ChannelPhone, ChannelCounter, ChannelWeb, ChannelPortal}

// Language is a language in which the municipality answers (ISO 639-1).
type Language string

// Supported languages.
const (
	Macedonian Language = "mk"
	Albanian   Language = "sq"
	English    Language = "en"
)

// Languages lists every supported language.
var Languages = []Language{Macedonian, Albanian, English}

// Field length limits, in characters.
const (
	MaxSubjectLen = 300
	MaxTextLen    = 20000
	MaxNameLen    = 200
	MaxAddressLen = 500
	MaxEmailLen   = 254
	MaxPhoneLen   = 40
	MaxSectorLen  = 64
)

// Submitter is the person or body that sent a document. Everything in it is personal data.
type Submitter struct {
	Name    string `json:"name"`
	Email   string `json:"email,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Address string `json:"address,omitempty"`
}

// NewCase is what intake staff record about an incoming document.
type NewCase struct {
	Kind       CaseKind  `json:"kind"`
	Submitter  Submitter `json:"submitter"`
	Channel    Channel   `json:"channel"`
	ReceivedAt time.Time `json:"receivedAt"`
	Subject    string    `json:"subject"`
	Text       string    `json:"text"`
	Language   Language  `json:"language"`
	// Sector optionally names the sector that should answer, when intake already knows it.
	Sector string `json:"sector,omitempty"`
}

// Validate checks a new case against the rules of intake, relative to now. It returns the first
// EINVALID error found, naming the field.
func (n NewCase) Validate(now time.Time) error {
	if n.Kind == "" {
		return FieldErrorf("kind", "The case kind is required.")
	} else if _, ok := DefaultPolicies()[n.Kind]; !ok {
		return FieldErrorf("kind", "Unknown case kind %q.", n.Kind)
	}
	if err := requireText("submitter.name", n.Submitter.Name, MaxNameLen); err != nil {
		return err
	}
	if err := optionalText("submitter.email", n.Submitter.Email, MaxEmailLen); err != nil {
		return err
	} else if n.Submitter.Email != "" && !looksLikeEmail(n.Submitter.Email) {
		return FieldErrorf("submitter.email", "%q is not an e-mail address.", n.Submitter.Email)
	}
	if err := optionalText("submitter.phone", n.Submitter.Phone, MaxPhoneLen); err != nil {
		return err
	}
	if err := optionalText("submitter.address", n.Submitter.Address, MaxAddressLen); err != nil {
		return err
	}
	if !contains(Channels, n.Channel) {
		return FieldErrorf("channel", "Unknown channel %q; use one of %s.", n.Channel, join(Channels))
	}
	if n.ReceivedAt.IsZero() {
		return FieldErrorf("receivedAt", "The date received is required.")
	} else if n.ReceivedAt.After(now.Add(5 * time.Minute)) {
		return FieldErrorf("receivedAt", "The date received is in the future.")
	} else if n.ReceivedAt.Before(now.AddDate(-1, 0, 0)) {
		return FieldErrorf("receivedAt", "The date received is more than a year ago.")
	}
	if err := requireText("subject", n.Subject, MaxSubjectLen); err != nil {
		return err
	}
	if err := requireText("text", n.Text, MaxTextLen); err != nil {
		return err
	}
	if !contains(Languages, n.Language) {
		return FieldErrorf("language", "Unknown language %q; use one of %s.", n.Language, join(Languages))
	}
	if err := optionalText("sector", n.Sector, MaxSectorLen); err != nil {
		return err
	}
	return nil
}

func requireText(field, s string, max int) error {
	if strings.TrimSpace(s) == "" {
		return FieldErrorf(field, "The field %s is required.", field)
	}
	return optionalText(field, s, max)
}

func optionalText(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return FieldErrorf(field, "The field %s is not valid UTF-8.", field)
	} else if n := utf8.RuneCountInString(s); n > max {
		return FieldErrorf(field, "The field %s is %d characters long; at most %d are allowed.", field, n, max)
	}
	return nil
}

// LooksLikeEmail reports whether s has the form of an e-mail address.
func LooksLikeEmail(s string) bool { return looksLikeEmail(strings.TrimSpace(s)) }

func looksLikeEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	return at > 0 && at < len(s)-1 && !strings.ContainsAny(s, " \t\r\n<>") && strings.Contains(s[at:], ".")
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func join[T ~string](list []T) string {
	parts := make([]string, len(list))
	for i, x := range list {
		parts[i] = string(x)
	}
	return strings.Join(parts, ", ")
}

// Case is the state of a case: the fold of the events in its stream.
type Case struct {
	ID            string         `json:"id"`
	Kind          CaseKind       `json:"kind"`
	Status        Status         `json:"status"`
	Sector        string         `json:"sector,omitempty"`
	Channel       Channel        `json:"channel"`
	Language      Language       `json:"language"`
	ReceivedAt    time.Time      `json:"receivedAt"`
	Subject       string         `json:"subject"`
	Text          string         `json:"text"`
	Submitter     Submitter      `json:"submitter"`
	ArchiveNumber *ArchiveNumber `json:"archiveNumber,omitempty"`
	RegisteredAt  *time.Time     `json:"registeredAt,omitempty"`
	Deadline      *Deadline      `json:"deadline,omitempty"`
	Overdue       bool           `json:"overdue"`
	// DeadlinesPassed counts the times the deadline passed unanswered (an extension can make it pass again).
	DeadlinesPassed int `json:"deadlinesPassed,omitempty"`
	// Officer is the owning officer's user ID, once assigned.
	Officer string `json:"officer,omitempty"`
	// Requests are the requests for input (or a programme's items), in the order they were made.
	Requests []Request `json:"requests,omitempty"`
	// Documents are the case's outgoing documents, numbered with the next sub-numbers.
	Documents []ArchiveNumber `json:"documents,omitempty"`
	// ResumeStatus is the status to return to when a clarification arrives.
	ResumeStatus Status `json:"resumeStatus,omitempty"`
	// RespondBy is when the requester's time to complete an incomplete request runs out.
	RespondBy *time.Time `json:"respondBy,omitempty"`
	// ClarificationExpiredAt is when RespondBy passed without the request being completed.
	ClarificationExpiredAt *time.Time `json:"clarificationExpiredAt,omitempty"`
	// AnsweredAt and ClosedAt are when the answer went out and when the case ended.
	AnsweredAt *time.Time `json:"answeredAt,omitempty"`
	ClosedAt   *time.Time `json:"closedAt,omitempty"`
	// OnTime says whether the answer went out by the deadline.
	OnTime *bool `json:"onTime,omitempty"`
	// ForwardedTo, MergedInto and Reason explain how the case ended.
	ForwardedTo string `json:"forwardedTo,omitempty"`
	MergedInto  string `json:"mergedInto,omitempty"`
	Reason      string `json:"reason,omitempty"`
	// Reports are the years whose programme report was submitted.
	Reports []int `json:"reports,omitempty"`
	// Undelivered lists the messages about the case that could not be delivered, for staff to act on.
	Undelivered []CaseNotificationFailed `json:"undelivered,omitempty"`
	// GlobalClocks is the revision of the "clocks" stream last applied to the case's clock.
	GlobalClocks uint64 `json:"globalClocks,omitempty"`
	// Person is the submitter's pseudonym (see PersonOf): not personal data in itself.
	Person string `json:"person,omitempty"`
	// Erased tells how the case's personal data was erased; nil while it is held.
	Erased *CaseErasure `json:"erased,omitempty"`
	// Version is the number of events folded: the stream's next expected revision.
	Version uint64 `json:"version"`
}

// DueAt returns the case's current due instant, or the zero time before registration.
func (c *Case) DueAt() time.Time {
	if c.Deadline == nil {
		return time.Time{}
	}
	return c.Deadline.DueAt
}

// WithoutPersonalData returns a copy of the case with the submitter and the free text removed: what a
// workflow history or a search index may hold.
func (c *Case) WithoutPersonalData() Case {
	out := *c
	out.Submitter = Submitter{}
	out.Subject = ""
	out.Text = ""
	return out
}

// CaseStream returns the name of the event stream of the case with the given ID.
func CaseStream(id string) string { return "case-" + id }

// CaseStreamPrefix is the prefix shared by every case stream.
const CaseStreamPrefix = "case-"

// Actor is the staff user (or the system) on whose behalf something happens, with the roles and the
// sector that decide what they may do.
type Actor struct {
	UserID string `json:"userId"`
	Roles  []Role `json:"roles,omitempty"`
	Sector string `json:"sector,omitempty"`
}

// SystemActor acts for timers and other automatic steps.
var SystemActor = Actor{UserID: "system"}

// OpenCaseRequest asks to open a case. IdempotencyKey, when set, makes retries return the same case.
type OpenCaseRequest struct {
	NewCase        NewCase
	Actor          Actor
	IdempotencyKey string
	RequestID      string
}

// CaseService opens cases and reads them. The HTTP layer depends on it; the Temporal adapter implements it.
type CaseService interface {
	// OpenCase validates the request, starts the case and waits until it is registered; it returns the
	// case as the actor may read it, recorded as a read. Returns EINVALID for
	// bad input, ECONFLICT when the idempotency key was used with a different request, and EUNAVAILABLE when
	// the workflow engine or the event store cannot be reached (the request may be retried).
	OpenCase(ctx context.Context, req OpenCaseRequest) (*Case, error)
	// Case returns a case by ID, folded from its events, as reader may read it (CaseAccess: the parts
	// their roles do not allow are left empty), and records the read in the access log with the route
	// ctx names (WithRoute). Returns ENOTFOUND for an unknown case, EFORBIDDEN when the reader may not
	// read it at all.
	Case(ctx context.Context, id string, reader Actor) (*Case, error)
	// CaseEvents returns the events of a case in order, their personal fields opened as far as reader
	// may read them, and records the read. Returns ENOTFOUND for an unknown case, EFORBIDDEN when the
	// reader may not read its events.
	CaseEvents(ctx context.Context, id string, reader Actor) ([]RecordedEvent, error)
	// Act takes a staff action on a case and returns the case as it is after it (as the actor may read
	// it, recorded as a read). An idempotency key makes
	// a retry return the same result without acting twice. Returns ENOTFOUND for an unknown case or
	// action, EFORBIDDEN when the actor's role does not allow the action, ECONFLICT when the case's state
	// does not (a closed case among them), EINVALID for bad input, and EUNAVAILABLE when the workflow
	// engine or the event store cannot be reached.
	Act(ctx context.Context, caseID string, req ActionRequest, idempotencyKey string) (*Case, error)
}

// GlobalClocks is the state of the switch that stops every clock at once: the fold of ClocksStream.
type GlobalClocks struct {
	Suspended bool       `json:"suspended"`
	Since     *time.Time `json:"since,omitempty"`
	Reason    string     `json:"reason,omitempty"`
	// Revision is the number of events in ClocksStream.
	Revision uint64 `json:"revision"`
}

// Apply folds one event of ClocksStream.
func (g *GlobalClocks) Apply(e Event) {
	switch e := e.(type) {
	case *ClocksSuspended:
		at := e.At
		g.Suspended, g.Since, g.Reason = true, &at, e.Reason
	case *ClocksResumed:
		at := e.At
		g.Suspended, g.Since, g.Reason = false, &at, e.Reason
	}
	g.Revision++
}

// ValidateClocksChange checks the reason given to suspend (suspend set) or resume every clock: required
// to suspend, at most MaxReasonLen characters. It returns an EINVALID error naming the field "reason".
func ValidateClocksChange(suspend bool, reason string) error {
	if suspend {
		return requireText("reason", reason, MaxReasonLen)
	}
	return optionalText("reason", reason, MaxReasonLen)
}

// ReadGlobalClocks folds ClocksStream from the store: whether every clock is stopped.
func ReadGlobalClocks(ctx context.Context, store EventStore) (*GlobalClocks, error) {
	g := &GlobalClocks{}
	events, err := store.ReadStream(ctx, ClocksStream, ReadStreamOptions{})
	if ErrorCode(err) == ENOTFOUND {
		return g, nil
	} else if err != nil {
		return nil, err
	}
	for _, r := range events {
		e, err := DecodeEvent(r)
		if err != nil {
			return nil, err
		}
		g.Apply(e)
	}
	return g, nil
}

// ClockService stops and restarts every case's clock at once, as a state-of-emergency decree may require.
type ClockService interface {
	// GlobalClocks returns whether every clock is stopped.
	GlobalClocks(ctx context.Context) (*GlobalClocks, error)
	// SuspendAllClocks stops every running clock; each resumes later with the time it had left. Returns
	// ECONFLICT when the clocks are already stopped, EINVALID without a reason.
	SuspendAllClocks(ctx context.Context, actor Actor, reason string) (*GlobalClocks, error)
	// ResumeAllClocks restarts every clock stopped by SuspendAllClocks. Returns ECONFLICT when they run.
	ResumeAllClocks(ctx context.Context, actor Actor, reason string) (*GlobalClocks, error)
}
