package domain

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// CaseKind names a kind of case the department handles.
type CaseKind string

// The case kinds. Each has a Policy (see policy.go).
const (
	KindPetition CaseKind = "petition" // a citizen's petition or proposal (претставка / предлог)
)

// Status is where a case stands in its lifecycle.
type Status string

// Case statuses.
const (
	StatusReceived   Status = "received"   // recorded, not yet numbered in the register
	StatusRegistered Status = "registered" // numbered in the register; its clock runs
)

// Channel is how a document reached the municipality.
type Channel string

// Intake channels.
const (
	ChannelLetter  Channel = "letter"
	ChannelEmail   Channel = "email"
	ChannelPhone   Channel = "phone"
	ChannelCounter Channel = "counter"
	ChannelWebForm Channel = "web"
	ChannelPortal  Channel = "portal" // the national e-services portal
)

// Channels lists every valid channel.
var Channels = []Channel{ChannelLetter, ChannelEmail, ChannelPhone, ChannelCounter, ChannelWebForm, ChannelPortal}

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

// Actor is the staff user (or the system) on whose behalf something happens.
type Actor struct {
	UserID string `json:"userId"`
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
	// OpenCase validates the request, starts the case and waits until it is registered. Returns EINVALID for
	// bad input, ECONFLICT when the idempotency key was used with a different request, and EUNAVAILABLE when
	// the workflow engine or the event store cannot be reached (the request may be retried).
	OpenCase(ctx context.Context, req OpenCaseRequest) (*Case, error)
	// Case returns a case by ID, folded from its events. Returns ENOTFOUND for an unknown case.
	Case(ctx context.Context, id string) (*Case, error)
	// CaseEvents returns the events of a case in order. Returns ENOTFOUND for an unknown case.
	CaseEvents(ctx context.Context, id string) ([]RecordedEvent, error)
}
