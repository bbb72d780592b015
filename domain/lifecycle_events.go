package domain

import (
	"time"
)

// CaseAssigned records the owning officer and the responsible sector.
type CaseAssigned struct {
	Officer string    `json:"officer"`
	Sector  string    `json:"sector,omitempty"`
	At      time.Time `json:"at"`
}

// RequestOpened records a request for input to a sector, or a programme's activity, milestone or report.
type RequestOpened struct {
	Request Request `json:"request"`
}

// RequestReminded records a reminder sent before a request was due.
type RequestReminded struct {
	RequestID  string `json:"requestId"`
	Generation int    `json:"generation"`
	// Reminder is the reminder's number for the current sector, from 1.
	Reminder       int             `json:"reminder"`
	Sector         string          `json:"sector,omitempty"`
	Level          EscalationLevel `json:"level"`
	NotificationID string          `json:"notificationId"`
	At             time.Time       `json:"at"`
}

// RequestEscalated records that a late request climbed a step of the escalation ladder.
type RequestEscalated struct {
	RequestID  string `json:"requestId"`
	Generation int    `json:"generation"`
	// Step is the ladder's step, from 1.
	Step           int             `json:"step"`
	Sector         string          `json:"sector,omitempty"`
	Level          EscalationLevel `json:"level"`
	NotificationID string          `json:"notificationId"`
	At             time.Time       `json:"at"`
}

// RequestReassigned records that a request went to another sector, with a new due date. Its reminders
// and escalation start again.
type RequestReassigned struct {
	RequestID string    `json:"requestId"`
	Sector    string    `json:"sector"`
	DueAt     time.Time `json:"dueAt"`
	DueDate   Date      `json:"dueDate"`
	At        time.Time `json:"at"`
}

// RequestAnswered records a sector's answer (or a programme item's completion).
type RequestAnswered struct {
	RequestID string    `json:"requestId"`
	By        string    `json:"by"`
	At        time.Time `json:"at"`
	Note      string    `json:"note,omitempty"`
}

// RequestCancelled records that a request is no longer needed (or that its case ended).
type RequestCancelled struct {
	RequestID string    `json:"requestId"`
	Reason    string    `json:"reason"`
	At        time.Time `json:"at"`
}

// AnswerDrafted records that the answer (or the website content) is drafted.
type AnswerDrafted struct {
	By   string    `json:"by"`
	At   time.Time `json:"at"`
	Note string    `json:"note,omitempty"`
}

// AnswerApproved records the head of department's approval of the draft.
type AnswerApproved struct {
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// CaseAnswered records the answer going out: answered, answered in part, refused by decision, or
// published. Document is its number in the register (none for a publication).
type CaseAnswered struct {
	Outcome  Status         `json:"outcome"`
	Document *ArchiveNumber `json:"document,omitempty"`
	At       time.Time      `json:"at"`
	Reason   string         `json:"reason,omitempty"`
	// OnTime says whether it went out by the deadline.
	OnTime bool `json:"onTime"`
}

// CaseClosed records the end of a case after its answer (or of a programme).
type CaseClosed struct {
	At   time.Time `json:"at"`
	Note string    `json:"note,omitempty"`
}

// CaseForwarded records that the case went to the competent body and the submitter was told.
type CaseForwarded struct {
	To       string        `json:"to"`
	Document ArchiveNumber `json:"document"`
	At       time.Time     `json:"at"`
}

// CaseWithdrawn records that the submitter withdrew.
type CaseWithdrawn struct {
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// CaseRejected records a rejection as inadmissible.
type CaseRejected struct {
	Reason   string        `json:"reason"`
	Document ArchiveNumber `json:"document"`
	At       time.Time     `json:"at"`
}

// CaseMerged records that the case duplicates another, which carries on.
type CaseMerged struct {
	Into string    `json:"into"`
	At   time.Time `json:"at"`
}

// ClarificationRequested records that the requester was asked to complete the request by RespondBy.
// The clock stops (see the DeadlineChanged that follows it).
type ClarificationRequested struct {
	Document  ArchiveNumber `json:"document"`
	RespondBy time.Time     `json:"respondBy"`
	At        time.Time     `json:"at"`
}

// ClarificationReceived records that the requester completed the request; the clock runs again.
type ClarificationReceived struct {
	At   time.Time `json:"at"`
	Note string    `json:"note,omitempty"`
}

// ClarificationExpired records that the requester's time to complete the request ran out.
type ClarificationExpired struct {
	At time.Time `json:"at"`
}

// DeadlineChanged records an extension, suspension or resumption of the case's clock and the deadline
// that results.
type DeadlineChanged struct {
	Change   ClockChange `json:"change"`
	Deadline Deadline    `json:"deadline"`
}

// YearlyReportSubmitted records a programme's report for a year.
type YearlyReportSubmitted struct {
	Year     int           `json:"year"`
	Document ArchiveNumber `json:"document"`
	At       time.Time     `json:"at"`
}

// ClocksStream is the stream of the suspensions and resumptions of every clock at once.
const ClocksStream = "clocks"

// ClocksSuspended records, in ClocksStream, that every case's clock stopped (e.g. by a state-of-emergency decree).
type ClocksSuspended struct {
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
	By     string    `json:"by"`
}

// ClocksResumed records, in ClocksStream, that every clock runs again with the time it had left.
type ClocksResumed struct {
	At     time.Time `json:"at"`
	Reason string    `json:"reason,omitempty"`
	By     string    `json:"by"`
}

// NotificationKind is what a notification is about.
type NotificationKind string

// Notification kinds.
const (
	NotifyReminder   NotificationKind = "reminder"
	NotifyEscalation NotificationKind = "escalation"
	NotifyOverdue    NotificationKind = "overdue" // a case's own deadline passed unanswered
)

// NotificationStream returns the stream of the notification with the given ID: its outbox entry.
func NotificationStream(id string) string { return "notification-" + id }

// NotificationQueued records, in the notification's own stream, a message to deliver: the outbox that
// the e-mail sender reads.
type NotificationQueued struct {
	ID         string           `json:"id"`
	Kind       NotificationKind `json:"kind"`
	CaseID     string           `json:"caseId"`
	RequestID  string           `json:"requestId,omitempty"`
	Sector     string           `json:"sector,omitempty"`
	Level      EscalationLevel  `json:"level"`
	Step       int              `json:"step"`
	DueAt      time.Time        `json:"dueAt"`
	Generation int              `json:"generation"`
	At         time.Time        `json:"at"`
	// Recipient is the staff user the message is for (the officer of an assignment or an overdue
	// notice); empty when the kind decides (the submitter, the sector's ladder, the mayor's cabinet).
	Recipient string `json:"recipient,omitempty"`
	// Date is the day a briefing or a digest is for.
	Date Date `json:"date,omitzero"`
	// ResendOf is the notification this one sends again, after staff corrected an address.
	ResendOf string `json:"resendOf,omitempty"`
}

// CaseBound reports whether the notification is about one case (false for briefings and digests).
func (n *NotificationQueued) CaseBound() bool { return n.CaseID != "" }

// EventType implements Event.
func (*CaseAssigned) EventType() string { return EventCaseAssigned }

// EventType implements Event.
func (*RequestOpened) EventType() string { return EventRequestOpened }

// EventType implements Event.
func (*RequestReminded) EventType() string { return EventRequestReminded }

// EventType implements Event.
func (*RequestEscalated) EventType() string { return EventRequestEscalated }

// EventType implements Event.
func (*RequestReassigned) EventType() string { return EventRequestReassigned }

// EventType implements Event.
func (*RequestAnswered) EventType() string { return EventRequestAnswered }

// EventType implements Event.
func (*RequestCancelled) EventType() string { return EventRequestCancelled }

// EventType implements Event.
func (*AnswerDrafted) EventType() string { return EventAnswerDrafted }

// EventType implements Event.
func (*AnswerApproved) EventType() string { return EventAnswerApproved }

// EventType implements Event.
func (*CaseAnswered) EventType() string { return EventCaseAnswered }

// EventType implements Event.
func (*CaseClosed) EventType() string { return EventCaseClosed }

// EventType implements Event.
func (*CaseForwarded) EventType() string { return EventCaseForwarded }

// EventType implements Event.
func (*CaseWithdrawn) EventType() string { return EventCaseWithdrawn }

// EventType implements Event.
func (*CaseRejected) EventType() string { return EventCaseRejected }

// EventType implements Event.
func (*CaseMerged) EventType() string { return EventCaseMerged }

// EventType implements Event.
func (*ClarificationRequested) EventType() string { return EventClarificationRequested }

// EventType implements Event.
func (*ClarificationReceived) EventType() string { return EventClarificationReceived }

// EventType implements Event.
func (*ClarificationExpired) EventType() string { return EventClarificationExpired }

// EventType implements Event.
func (*DeadlineChanged) EventType() string { return EventDeadlineChanged }

// EventType implements Event.
func (*YearlyReportSubmitted) EventType() string { return EventYearlyReportSubmitted }

// EventType implements Event.
func (*ClocksSuspended) EventType() string { return EventClocksSuspended }

// EventType implements Event.
func (*ClocksResumed) EventType() string { return EventClocksResumed }

// EventType implements Event.
func (*NotificationQueued) EventType() string { return EventNotificationQueued }

// applyLifecycle folds the events of the lifecycle into the case.
func (c *Case) applyLifecycle(e Event) {
	switch e := e.(type) {
	case *CaseAssigned:
		c.Officer, c.Sector = e.Officer, e.Sector
		if c.Status == StatusRegistered {
			c.Status = StatusAssigned
		}
	case *RequestOpened:
		c.Requests = append(c.Requests, e.Request)
		if e.Request.Required && e.Request.Kind == RequestInput {
			c.Status = StatusWaitingForInput
		}
	case *RequestReminded:
		if r, ok := c.RequestByID(e.RequestID); ok {
			r.Reminders = max(r.Reminders, e.Reminder)
		}
	case *RequestEscalated:
		if r, ok := c.RequestByID(e.RequestID); ok && e.Step > r.Escalation {
			r.Escalation, r.Level = e.Step, e.Level
		}
	case *RequestReassigned:
		if r, ok := c.RequestByID(e.RequestID); ok {
			r.Sector, r.DueAt, r.DueDate = e.Sector, e.DueAt, e.DueDate
			r.ShareContact = false // shared with the sector asked first, not with the next
			r.Generation++
			r.Reminders, r.Escalation, r.Level = 0, 0, ""
		}
	case *RequestAnswered:
		if r, ok := c.RequestByID(e.RequestID); ok {
			at := e.At
			r.Status, r.AnsweredAt, r.AnsweredBy = RequestIsAnswered, &at, e.By
		}
		c.stopWaiting()
	case *RequestCancelled:
		if r, ok := c.RequestByID(e.RequestID); ok {
			r.Status = RequestIsCancelled
		}
		c.stopWaiting()
	case *AnswerDrafted:
		c.Status = StatusAnswerDrafted
	case *AnswerApproved:
		c.Status = StatusAnswerApproved
	case *CaseAnswered:
		at, onTime := e.At, e.OnTime
		c.Status, c.AnsweredAt, c.OnTime, c.Reason = e.Outcome, &at, &onTime, e.Reason
		if e.Document != nil {
			c.Documents = append(c.Documents, *e.Document)
		}
	case *CaseClosed:
		c.end(StatusClosed, e.At)
	case *CaseForwarded:
		c.Documents = append(c.Documents, e.Document)
		c.ForwardedTo = e.To
		c.end(StatusForwarded, e.At)
	case *CaseWithdrawn:
		c.Reason = e.Reason
		c.end(StatusWithdrawn, e.At)
	case *CaseRejected:
		c.Documents = append(c.Documents, e.Document)
		c.Reason = e.Reason
		c.end(StatusRejected, e.At)
	case *CaseMerged:
		c.MergedInto = e.Into
		c.end(StatusMerged, e.At)
	case *ClarificationRequested:
		c.Documents = append(c.Documents, e.Document)
		respond := e.RespondBy
		c.ResumeStatus, c.Status, c.RespondBy, c.ClarificationExpiredAt = c.Status, StatusClarificationRequested, &respond, nil
	case *ClarificationReceived:
		c.Status, c.ResumeStatus, c.RespondBy = c.ResumeStatus, "", nil
	case *ClarificationExpired:
		// The requester's time ran out: the case waits for staff to reject it or carry on.
		at := e.At
		c.ClarificationExpiredAt = &at
	case *DeadlineChanged:
		d := e.Deadline
		c.Deadline = &d
		if !d.Suspended { // a suspended clock cannot fall due; it keeps what it was
			c.Overdue = e.Change.At.After(d.DueAt)
		}
		if e.Change.Revision > c.GlobalClocks {
			c.GlobalClocks = e.Change.Revision
		}
	case *YearlyReportSubmitted:
		c.Documents = append(c.Documents, e.Document)
		c.Reports = append(c.Reports, e.Year)
	default:
		c.applyNotification(e)
	}
}

// stopWaiting returns a case waiting for input to assigned once no required request is open.
func (c *Case) stopWaiting() {
	if c.Status == StatusWaitingForInput && len(c.waitingFor()) == 0 {
		c.Status = StatusAssigned
	}
}

// end records a lawful ending. Open requests stay as they are: their cancellations follow as events.
func (c *Case) end(s Status, at time.Time) {
	c.Status = s
	c.ClosedAt = &at
}
