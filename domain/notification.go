package domain

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// Delivery of notifications. A notification's stream ("notification-<id>") starts with NotificationQueued;
// the sender then records, at exact revisions, each attempt before it talks to the mail server and its
// outcome after. Because the attempt is recorded first, a sender that finds an attempt without an outcome
// knows that an earlier sender may have handed the message over and died before recording it: it records
// the delivery as uncertain instead of sending a second copy. Exactly once, or visibly not.

// Event types of notification delivery.
const (
	EventNotificationAttempted     = "NotificationAttempted"
	EventNotificationSent          = "NotificationSent"
	EventNotificationAttemptFailed = "NotificationAttemptFailed"
	EventNotificationFailed        = "NotificationFailed"
	EventNotificationUncertain     = "NotificationUncertain"
	EventNotificationSkipped       = "NotificationSkipped"
	EventCaseNotificationFailed    = "CaseNotificationFailed"
)

// More notification kinds: the messages of issue 5 besides a request's reminders and escalations.
const (
	NotifyAssignment      NotificationKind = "assignment"      // a case assigned to an officer
	NotifyAcknowledgement NotificationKind = "acknowledgement" // to the submitter: received, with the archive number
	NotifyAnswer          NotificationKind = "answer"          // to the submitter: the answer went out
	NotifyDigest          NotificationKind = "digest"          // weekly, to a sector head: their open requests
)

// NotificationStatus is where a notification's delivery stands.
type NotificationStatus string

// Delivery statuses.
const (
	NotificationIsPending   NotificationStatus = "pending"   // queued, or retrying after a temporary failure
	NotificationIsSending   NotificationStatus = "sending"   // an attempt is recorded without its outcome
	NotificationIsSent      NotificationStatus = "sent"      // the mail server (or the outbox) accepted it
	NotificationIsFailed    NotificationStatus = "failed"    // permanently refused: staff must act
	NotificationIsUncertain NotificationStatus = "uncertain" // an attempt's outcome was lost; not sent again
	NotificationIsSkipped   NotificationStatus = "skipped"   // no e-mail to send: the submitter gave no address
)

// NotificationAttempted records that a sender is about to hand the message over: written before the
// mail server is contacted.
type NotificationAttempted struct {
	ID      string    `json:"id"`
	Attempt int       `json:"attempt"`
	At      time.Time `json:"at"`
	// Transport is "smtp" or "outbox".
	Transport string `json:"transport"`
	// MessageID is the Message-ID header the message carries.
	MessageID string `json:"messageId"`
	// Recipients names who the message goes to, by role and ID ("submitter", "officer:ana",
	// "head:urbanism"), never by address: addresses are personal data.
	Recipients []string `json:"recipients"`
	// Language is the language the message was written in.
	Language Language `json:"language"`
}

// NotificationSent records that the attempt's message was accepted.
type NotificationSent struct {
	ID        string    `json:"id"`
	Attempt   int       `json:"attempt"`
	At        time.Time `json:"at"`
	Transport string    `json:"transport"`
}

// NotificationAttemptFailed records an attempt that failed before the message was handed over (the
// server unreachable, a temporary refusal): it will be tried again.
type NotificationAttemptFailed struct {
	ID      string    `json:"id"`
	Attempt int       `json:"attempt"`
	At      time.Time `json:"at"`
	Reason  string    `json:"reason"`
}

// NotificationFailed records a permanent failure: no address for the recipient, or the server refused
// the recipient or the message. Staff correct the address and send it again.
type NotificationFailed struct {
	ID      string    `json:"id"`
	Attempt int       `json:"attempt"`
	At      time.Time `json:"at"`
	// Code is the server's reply code (0 when the message never reached a server).
	Code      int    `json:"code,omitempty"`
	Recipient string `json:"recipient,omitempty"`
	Reason    string `json:"reason"`
}

// NotificationUncertain records that an attempt's outcome was lost (the sender died, or the connection
// broke after the message was written but before the server answered). The message may have arrived;
// it is not sent again by itself, and staff may send it again.
type NotificationUncertain struct {
	ID      string    `json:"id"`
	Attempt int       `json:"attempt"`
	At      time.Time `json:"at"`
	Reason  string    `json:"reason"`
}

// NotificationSkipped records that the message is not sent by e-mail at all: the submitter gave no
// address (a letter, a visit to the counter), so the answer goes out by post as it always did.
type NotificationSkipped struct {
	ID     string    `json:"id"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

// EventType implements Event.
func (*NotificationSkipped) EventType() string { return EventNotificationSkipped }

// CaseNotificationFailed records on the case that a message about it could not be delivered, so that
// staff see it with the case.
type CaseNotificationFailed struct {
	NotificationID string             `json:"notificationId"`
	Kind           NotificationKind   `json:"kind"`
	Status         NotificationStatus `json:"status"`
	Recipient      string             `json:"recipient,omitempty"`
	Reason         string             `json:"reason"`
	At             time.Time          `json:"at"`
}

// EventType implements Event.
func (*NotificationAttempted) EventType() string { return EventNotificationAttempted }

// EventType implements Event.
func (*NotificationSent) EventType() string { return EventNotificationSent }

// EventType implements Event.
func (*NotificationAttemptFailed) EventType() string { return EventNotificationAttemptFailed }

// EventType implements Event.
func (*NotificationFailed) EventType() string { return EventNotificationFailed }

// EventType implements Event.
func (*NotificationUncertain) EventType() string { return EventNotificationUncertain }

// EventType implements Event.
func (*CaseNotificationFailed) EventType() string { return EventCaseNotificationFailed }

// Notification is the fold of a notification's stream.
type Notification struct {
	NotificationQueued
	Status NotificationStatus `json:"status"`
	// Attempts counts the attempts recorded; LastError is the last failure's reason.
	Attempts  int       `json:"attempts"`
	LastError string    `json:"lastError,omitempty"`
	Code      int       `json:"code,omitempty"`
	Transport string    `json:"transport,omitempty"`
	MessageID string    `json:"messageId,omitempty"`
	SentAt    time.Time `json:"sentAt,omitzero"`
	// Version is the number of events folded: the stream's next expected revision.
	Version uint64 `json:"version"`
}

// Apply folds one event of the notification's stream.
func (n *Notification) Apply(e Event) {
	n.Version++
	switch e := e.(type) {
	case *NotificationQueued:
		n.NotificationQueued, n.Status = *e, NotificationIsPending
	case *NotificationAttempted:
		n.Status, n.Attempts, n.Transport, n.MessageID = NotificationIsSending, e.Attempt, e.Transport, e.MessageID
	case *NotificationSent:
		n.Status, n.SentAt, n.LastError, n.Code = NotificationIsSent, e.At, "", 0
	case *NotificationAttemptFailed:
		n.Status, n.LastError = NotificationIsPending, e.Reason
	case *NotificationFailed:
		n.Status, n.LastError, n.Code = NotificationIsFailed, e.Reason, e.Code
	case *NotificationUncertain:
		n.Status, n.LastError = NotificationIsUncertain, e.Reason
	case *NotificationSkipped:
		n.Status, n.LastError = NotificationIsSkipped, e.Reason
	}
}

// Done reports whether the delivery reached an outcome that no sender changes by itself.
func (n *Notification) Done() bool {
	switch n.Status {
	case NotificationIsSent, NotificationIsFailed, NotificationIsUncertain, NotificationIsSkipped:
		return true
	}
	return false
}

// ResendID returns the ID of the n-th resend (n >= 1) of a notification: a new notification, with its
// own stream, so that the original's record stays as it was.
func ResendID(original string, n int) string {
	return DeterministicID("notification-resend", original, strconv.Itoa(n))
}

// QueueNotification records n in its own stream, once: a second call with the same notification (a
// retried activity, a replayed event) finds it queued and succeeds. It returns ECONFLICT when the stream
// holds another notification (two different messages given one ID), EINVALID without an ID or kind.
func QueueNotification(ctx context.Context, store EventStore, n NotificationQueued) error {
	if n.ID == "" || n.Kind == "" {
		return Errorf(EINVALID, "A notification needs its ID and kind.")
	}
	stream := NotificationStream(n.ID)
	correlation, cause := n.CaseID, n.CaseID+"/"+string(n.Kind)
	switch {
	case n.RequestID != "":
		cause = n.CaseID + "/" + n.RequestID
	case !n.CaseBound():
		correlation, cause = string(n.Kind)+"/"+n.Date.String(), string(n.Kind)+"/"+n.Date.String()
	}
	meta := Metadata{CorrelationID: correlation, CausationID: cause, UserID: SystemActor.UserID}
	data, err := EncodeEvents(stream, 0, meta, &n)
	if err != nil {
		return err
	}
	_, err = store.Append(ctx, stream, NoStream(), data...)
	var wrong *WrongExpectedRevisionError
	if err == nil || !errors.As(err, &wrong) {
		return err
	}
	// The stream exists: queued already by an earlier attempt, or by something else.
	first, err := store.ReadStream(ctx, stream, ReadStreamOptions{Max: 1})
	if err != nil {
		return err
	}
	if len(first) == 1 && first[0].ID == data[0].ID {
		return nil
	}
	return Errorf(ECONFLICT, "The notification's stream %s holds another event.", stream)
}

// ReadNotification folds the stream of the notification with the given ID. It returns ENOTFOUND when
// the notification was never queued.
func ReadNotification(ctx context.Context, store EventStore, id string) (*Notification, error) {
	events, err := store.ReadStream(ctx, NotificationStream(id), ReadStreamOptions{})
	if err != nil {
		return nil, err
	}
	n := &Notification{}
	for _, r := range events {
		e, err := DecodeEvent(r)
		if err != nil {
			return nil, err
		}
		n.Apply(e)
	}
	if n.ID == "" {
		return nil, Errorf(ENOTFOUND, "No notification with ID %q.", id)
	}
	return n, nil
}

// NotificationsFor returns the notifications an event of a case's stream calls for: the submitter's
// acknowledgement when the case is registered, the officer's notice when it is assigned, and the
// submitter's answer when it goes out. Their IDs derive from the event's, so that the same event always
// calls for the same notifications. Reminders, escalations and overdue notices are queued by the
// workflows that time them.
func NotificationsFor(caseID string, eventID string, e Event, at time.Time) []NotificationQueued {
	n := NotificationQueued{CaseID: caseID, At: at}
	switch e := e.(type) {
	case *CaseRegistered:
		n.Kind = NotifyAcknowledgement
	case *CaseAssigned:
		if e.Officer == "" {
			return nil
		}
		n.Kind, n.Recipient, n.Sector = NotifyAssignment, e.Officer, e.Sector
	case *CaseAnswered:
		n.Kind = NotifyAnswer
	default:
		return nil
	}
	n.ID = DeterministicID("notification", caseID, string(n.Kind), eventID)
	return []NotificationQueued{n}
}

// SubmitterContactCorrected records the submitter's corrected e-mail address, given by staff after a
// message to the old one failed. It is personal data, like the rest of the submitter: it travels and is
// stored sealed in Sealed (see Codec.SealEvent), and its Email is set only once a Codec opened it.
type SubmitterContactCorrected struct {
	Email  string    `json:"email,omitempty"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	Sealed *Sealed   `json:"sealed,omitempty"`
}

// EventSubmitterContactCorrected is the type of SubmitterContactCorrected.
const EventSubmitterContactCorrected = "SubmitterContactCorrected"

// EventType implements Event.
func (*SubmitterContactCorrected) EventType() string { return EventSubmitterContactCorrected }

// applyNotification folds the events that record on a case what became of its messages.
func (c *Case) applyNotification(e Event) {
	switch e := e.(type) {
	case *CaseNotificationFailed:
		for _, u := range c.Undelivered {
			if u.NotificationID == e.NotificationID {
				return
			}
		}
		c.Undelivered = append(c.Undelivered, *e)
	case *SubmitterContactCorrected:
		if e.Email != "" && c.Erased == nil { // an envelope not opened (or erased) corrects nothing
			c.Submitter.Email = e.Email
		}
	}
}

// NotificationSummary is a notification as the outbox lists it. It names recipients by role and ID,
// never by address.
type NotificationSummary struct {
	ID        string             `json:"id"`
	Kind      NotificationKind   `json:"kind"`
	CaseID    string             `json:"caseId,omitempty"`
	RequestID string             `json:"requestId,omitempty"`
	Sector    string             `json:"sector,omitempty"`
	Level     EscalationLevel    `json:"level,omitempty"`
	Step      int                `json:"step,omitempty"`
	Recipient string             `json:"recipient,omitempty"`
	Date      string             `json:"date,omitempty"`
	ResendOf  string             `json:"resendOf,omitempty"`
	Status    NotificationStatus `json:"status"`
	Attempts  int                `json:"attempts"`
	LastError string             `json:"lastError,omitempty"`
	Code      int                `json:"code,omitempty"`
	Transport string             `json:"transport,omitempty"`
	MessageID string             `json:"messageId,omitempty"`
	Language  Language           `json:"language,omitempty"`
	// Recipients are the recipients of the last attempt, by role and ID, comma-separated.
	Recipients string    `json:"recipients,omitempty"`
	QueuedAt   time.Time `json:"queuedAt"`
	SentAt     time.Time `json:"sentAt,omitzero"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

// NotificationQuery selects notifications; zero fields select everything.
type NotificationQuery struct {
	Statuses      []NotificationStatus
	Kinds         []NotificationKind
	CaseID        string
	Limit, Offset int
}

// OutboxMessage is the message of a notification as it went to the outbox (without a mail server).
type OutboxMessage struct {
	MessageID string    `json:"messageId"`
	To        []string  `json:"to"`
	Subject   string    `json:"subject"`
	Text      string    `json:"text"`
	HTML      string    `json:"html,omitempty"`
	StoredAt  time.Time `json:"storedAt"`
}

// OutboxEntry is a notification with, when it went to the outbox, its message.
type OutboxEntry struct {
	NotificationSummary
	Message *OutboxMessage `json:"message,omitempty"`
}

// ResendRequest asks to send a failed or uncertain notification again. Email, for a message to the
// submitter, corrects their address first (recorded on the case); staff addresses are corrected in the
// organisation directory.
type ResendRequest struct {
	ID    string
	Email string
	Actor Actor
}

// OutboxService lets staff follow what predmet sent and send again what failed.
type OutboxService interface {
	// List lists the notifications q selects, the most recently queued first (EINVALID for a bad page).
	List(ctx context.Context, q NotificationQuery) (Page[NotificationSummary], error)
	// Get returns a notification and its message if it went to the outbox (ENOTFOUND). A message about
	// a case is personal data: reading it is recorded in the access log as a read of the case by reader.
	// A message whose case's personal data was erased is gone with it (ENOTFOUND for the message, the
	// notification's record stays).
	Get(ctx context.Context, id string, reader Actor) (OutboxEntry, error)
	// Resend queues the notification again under a new ID and returns it. ENOTFOUND for an unknown
	// notification, ECONFLICT unless it failed or its delivery is uncertain, EINVALID for a malformed
	// address or an address given for a message that does not go to the submitter.
	Resend(ctx context.Context, r ResendRequest) (NotificationSummary, error)
}

// ToSubmitter reports whether the notification's message goes to the case's submitter.
func (k NotificationKind) ToSubmitter() bool { return k == NotifyAcknowledgement || k == NotifyAnswer }
