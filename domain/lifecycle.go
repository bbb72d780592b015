package domain

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Status is where a case stands in its lifecycle.
type Status string

// Case statuses. Which of them a kind passes through is its policy's Steps.
const (
	StatusReceived               Status = "received"                // recorded, not yet numbered in the register
	StatusRegistered             Status = "registered"              // numbered in the register; its clock runs
	StatusClarificationRequested Status = "clarification_requested" // the requester was asked to complete the request; the clock stands still
	StatusAssigned               Status = "assigned"                // an officer owns it, a sector is responsible
	StatusWaitingForInput        Status = "waiting_for_input"       // waiting for a sector's answer to a request for input
	StatusAnswerDrafted          Status = "answer_drafted"          // the answer (or the content) is drafted
	StatusAnswerApproved         Status = "answer_approved"         // the head of department approved the draft
	StatusAnswered               Status = "answered"                // the answer went out with the next sub-number
	StatusAnsweredInPart         Status = "answered_in_part"        // public information: granted in part
	StatusRefused                Status = "refused"                 // public information: refused by decision
	StatusPublished              Status = "published"               // website content: on the site
	StatusClosed                 Status = "closed"                  // done after its answer (or a programme ended)
	StatusForwarded              Status = "forwarded"               // sent to the competent body, the submitter told
	StatusWithdrawn              Status = "withdrawn"               // withdrawn by the submitter
	StatusRejected               Status = "rejected"                // rejected as inadmissible
	StatusMerged                 Status = "merged"                  // merged into a duplicate case
)

// Statuses lists every status.
var Statuses = []Status{
	StatusReceived, StatusRegistered, StatusClarificationRequested, StatusAssigned, StatusWaitingForInput, StatusAnswerDrafted,
	StatusAnswerApproved, StatusAnswered, StatusAnsweredInPart, StatusRefused, StatusPublished, StatusClosed,
	StatusForwarded, StatusWithdrawn, StatusRejected, StatusMerged,
}

// steps lists the statuses a policy may name as steps.
func steps() []Status {
	var out []Status
	for _, s := range Statuses {
		if !IsTerminal(s) || s == StatusClosed {
			out = append(out, s)
		}
	}
	return out
}

// IsTerminal reports whether a case in status s has ended: closed or another lawful ending.
func IsTerminal(s Status) bool {
	switch s {
	case StatusClosed, StatusForwarded, StatusWithdrawn, StatusRejected, StatusMerged:
		return true
	}
	return false
}

// isAnswered reports whether status s means the answer (or decision, or publication) went out.
func isAnswered(s Status) bool {
	switch s {
	case StatusAnswered, StatusAnsweredInPart, StatusRefused, StatusPublished:
		return true
	}
	return false
}

// Action is a step that staff take on a case through the API.
type Action string

// Staff actions. Each is allowed for some roles, in some statuses, for some kinds: its rule (rules.go)
// says which.
const (
	ActionAssign                Action = "assign"                 // name the owning officer and the responsible sector
	ActionRequestInput          Action = "request_input"          // ask a sector for information by a due date
	ActionAnswerRequest         Action = "answer_request"         // the sector answers a request for input
	ActionReassignRequest       Action = "reassign_request"       // send a request (or a programme item) to another sector
	ActionCancelRequest         Action = "cancel_request"         // withdraw a request no longer needed
	ActionDraft                 Action = "draft"                  // the answer (or content) is drafted
	ActionApprove               Action = "approve"                // the head of department approves the draft
	ActionAnswer                Action = "answer"                 // send the answer
	ActionAnswerInPart          Action = "answer_in_part"         // public information granted in part
	ActionRefuse                Action = "refuse"                 // public information refused by decision
	ActionPublish               Action = "publish"                // website content goes on the site
	ActionClose                 Action = "close"                  // close the case after its answer
	ActionForward               Action = "forward"                // forward to the competent body
	ActionWithdraw              Action = "withdraw"               // the submitter withdrew
	ActionReject                Action = "reject"                 // reject as inadmissible
	ActionMerge                 Action = "merge"                  // merge into a duplicate case
	ActionRequestClarification  Action = "request_clarification"  // ask the requester to complete the request
	ActionClarificationReceived Action = "clarification_received" // the requester completed the request
	ActionExtend                Action = "extend"                 // extend the deadline
	ActionSuspendClock          Action = "suspend_clock"          // stop the case's clock
	ActionResumeClock           Action = "resume_clock"           // restart it with the time it had left
	ActionAddMilestone          Action = "add_milestone"          // a programme's activity or milestone
	ActionCompleteMilestone     Action = "complete_milestone"     // the owner sector completed it
	ActionSubmitReport          Action = "submit_report"          // a programme's yearly report
)

// Actions lists every action.
var Actions = []Action{
	ActionAssign, ActionRequestInput, ActionAnswerRequest, ActionReassignRequest, ActionCancelRequest,
	ActionDraft, ActionApprove, ActionAnswer, ActionAnswerInPart, ActionRefuse, ActionPublish, ActionClose,
	ActionForward, ActionWithdraw, ActionReject, ActionMerge, ActionRequestClarification,
	ActionClarificationReceived, ActionExtend, ActionSuspendClock, ActionResumeClock, ActionAddMilestone,
	ActionCompleteMilestone, ActionSubmitReport,
}

// ActionRoles returns the roles that may take an action (see rules).
func ActionRoles(a Action) []Role {
	r, _ := ruleOf(a)
	return slices.Clone(r.roles)
}

// ParseAction returns the action named s, or an ENOTFOUND error.
func ParseAction(s string) (Action, error) {
	if a := Action(s); slices.Contains(Actions, a) {
		return a, nil
	}
	return "", Errorf(ENOTFOUND, "Unknown action %q.", s)
}

// RequestKind says what a request for input is: a question to a sector, or a programme's item.
type RequestKind string

// Kinds of requests.
const (
	RequestInput     RequestKind = "input"     // information asked of a sector for a case
	RequestActivity  RequestKind = "activity"  // a programme's activity, owned by a sector
	RequestMilestone RequestKind = "milestone" // a programme's milestone, owned by a sector
	RequestReport    RequestKind = "report"    // a programme's yearly report, owned by the department
)

// RequestStatus is where a request for input stands.
type RequestStatus string

// Request statuses.
const (
	RequestIsOpen      RequestStatus = "open"
	RequestIsAnswered  RequestStatus = "answered"
	RequestIsCancelled RequestStatus = "cancelled"
)

// Request is a request for input to a sector (or a programme's activity, milestone or yearly report),
// as folded from the case's events. Each open request is chased by its own child workflow.
type Request struct {
	ID       string      `json:"id"`
	Kind     RequestKind `json:"kind"`
	Sector   string      `json:"sector,omitempty"`
	Title    string      `json:"title,omitempty"`
	Required bool        `json:"required"`
	Year     int         `json:"year,omitempty"`
	// RequestedAt is when the request was opened; DueAt when its answer is due.
	RequestedAt time.Time     `json:"requestedAt"`
	DueAt       time.Time     `json:"dueAt"`
	DueDate     Date          `json:"dueDate"`
	Status      RequestStatus `json:"status"`
	// Generation counts reassignments: reminders and escalations of an earlier sector are ignored.
	Generation int `json:"generation"`
	// Reminders is the number of reminders sent to the current sector; Escalation the highest step of the
	// ladder reached (0 for none), at Level.
	Reminders  int             `json:"reminders"`
	Escalation int             `json:"escalation"`
	Level      EscalationLevel `json:"level,omitempty"`
	AnsweredAt *time.Time      `json:"answeredAt,omitempty"`
	AnsweredBy string          `json:"answeredBy,omitempty"`
	// ShareContact, on a request for input, lets the sector asked read the submitter's contact details
	// (see ReadRules): the officer shares them on purpose.
	ShareContact bool `json:"shareContact,omitempty"`
}

// RequestByID returns the case's request with the given ID.
func (c *Case) RequestByID(id string) (*Request, bool) {
	for i := range c.Requests {
		if c.Requests[i].ID == id {
			return &c.Requests[i], true
		}
	}
	return nil, false
}

// OpenRequests returns the case's open requests, in the order they were made.
func (c *Case) OpenRequests() []Request {
	var out []Request
	for _, r := range c.Requests {
		if r.Status == RequestIsOpen {
			out = append(out, r)
		}
	}
	return out
}

// waitingFor returns the open required requests for input.
func (c *Case) waitingFor() []string {
	var out []string
	for _, r := range c.Requests {
		if r.Status == RequestIsOpen && r.Required && r.Kind == RequestInput {
			out = append(out, r.ID+" ("+r.Sector+")")
		}
	}
	return out
}

// RequestID returns the ID of the case's n-th request (1-based): "r1", "r2", ...
func RequestID(n int) string { return "r" + strconv.Itoa(n) }

// ClockRunning reports whether the case's clock runs: registered, with a clock, not yet answered or ended.
func (c *Case) ClockRunning() bool {
	return c.Deadline != nil && !isAnswered(c.Status) && !IsTerminal(c.Status) && c.AnsweredAt == nil
}

// Clocks computes deadlines with the municipality's calendar and time zone. Workflows implement it with
// activities (the calendar's one-off days are reloaded from a file); CalendarClocks implements it directly.
type Clocks interface {
	// Deadline computes when clock, started at start and changed by changes, runs out.
	Deadline(start time.Time, clock Clock, changes []ClockChange) (Deadline, error)
	// EndOfDay returns 23:59:59 of d in the municipality's time zone.
	EndOfDay(d Date) (time.Time, error)
	// Date returns the civil date of t in the municipality's time zone.
	Date(t time.Time) (Date, error)
}

// CalendarClocks implements Clocks with a calendar and a location.
type CalendarClocks struct {
	Calendar *Calendar
	Location *time.Location
}

// Deadline implements Clocks.
func (c CalendarClocks) Deadline(start time.Time, clock Clock, changes []ClockChange) (Deadline, error) {
	if err := clock.Validate(); err != nil {
		return Deadline{}, err
	}
	return c.Calendar.DeadlineWith(start, clock, changes, c.Location), nil
}

// EndOfDay implements Clocks.
func (c CalendarClocks) EndOfDay(d Date) (time.Time, error) { return d.EndOfDayIn(c.Location), nil }

// Date implements Clocks.
func (c CalendarClocks) Date(t time.Time) (Date, error) { return DateOf(t, c.Location), nil }

// Limits on the text of actions, in characters.
const (
	MaxNoteLen   = 2000
	MaxTitleLen  = 300
	MaxReasonLen = 500
	MaxBodyLen   = 200 // the name of a competent body
)

// ActionRequest is a staff action on a case. Which fields matter depends on the action (see the API's
// documentation); the others must be empty.
type ActionRequest struct {
	Action Action `json:"action"`
	// Actor is the authenticated user, filled in by the API.
	Actor Actor `json:"actor"`
	// Officer (assign) is the owning officer's user ID; the acting officer by default.
	Officer string `json:"officer,omitempty"`
	// Sector is the responsible sector (assign) or the sector asked (request_input, add_milestone,
	// reassign_request).
	Sector string `json:"sector,omitempty"`
	// RequestID names the request or programme item acted on.
	RequestID string `json:"requestId,omitempty"`
	// Due is the request's or item's due date; DueIn a clock from now (e.g. "5wd"); by default the kind's
	// request clock.
	Due   *Date  `json:"due,omitempty"`
	DueIn *Clock `json:"dueIn,omitempty"`
	// Optional, for request_input, makes a request that the case does not wait for.
	Optional bool `json:"optional,omitempty"`
	// ShareContact, for request_input, lets the sector asked read the submitter's contact details.
	ShareContact bool `json:"shareContact,omitempty"`
	// Kind (add_milestone) is "activity" or "milestone".
	Kind RequestKind `json:"kind,omitempty"`
	// Title names a programme's activity or milestone.
	Title string `json:"title,omitempty"`
	// To (forward) names the competent body.
	To string `json:"to,omitempty"`
	// Into (merge) is the ID of the case this one duplicates.
	Into string `json:"into,omitempty"`
	// By (extend) is the extension, counted like the case's clock.
	By *Clock `json:"by,omitempty"`
	// Year (submit_report) is the year reported on.
	Year int `json:"year,omitempty"`
	// Reason is required to reject, refuse, withdraw, extend, suspend and cancel a request; Note is an
	// optional remark.
	// Neither may hold personal data: they are kept in the workflow's history.
	Reason string `json:"reason,omitempty"`
	Note   string `json:"note,omitempty"`
}

// validateText checks the free-text fields of an action.
func (r ActionRequest) validateText() error {
	for _, f := range []struct {
		name, value string
		max         int
	}{{"officer", r.Officer, MaxNameLen}, {"sector", r.Sector, MaxSectorLen}, {"requestId", r.RequestID, 16},
		{"title", r.Title, MaxTitleLen}, {"to", r.To, MaxBodyLen}, {"into", r.Into, 36},
		{"reason", r.Reason, MaxReasonLen}, {"note", r.Note, MaxNoteLen}} {
		if err := optionalText(f.name, f.value, f.max); err != nil {
			return err
		}
	}
	return nil
}

// require returns an EINVALID error unless the field has text.
func require(field, value string) error {
	if strings.TrimSpace(value) == "" {
		return FieldErrorf(field, "The field %s is required.", field)
	}
	return nil
}

// ChangeClock returns the event that records a change of the case's clock, with the deadline recomputed
// by clocks. The case must have a deadline.
func (c *Case) ChangeClock(change ClockChange, clocks Clocks) (*DeadlineChanged, error) {
	changes := append(slices.Clone(c.Deadline.Changes), change)
	dl, err := clocks.Deadline(c.Deadline.Start, c.Deadline.Clock, changes)
	if err != nil {
		return nil, err
	}
	return &DeadlineChanged{Change: change, Deadline: dl}, nil
}

// NextDocument returns the archive number of the case's next outgoing document: its base number with
// the next sub-number, dated date.
func (c *Case) NextDocument(date Date) ArchiveNumber {
	n := *c.ArchiveNumber
	n.Sub = n.Sub + len(c.Documents) + 1
	n.Date = date
	return n
}

// inTime reports whether an answer at now meets the case's deadline. While the clock stands still, the
// answer is in time when the clock had not run out as it stopped.
func (c *Case) inTime(now time.Time) bool {
	if c.Deadline == nil {
		return true
	}
	if c.Deadline.Suspended {
		if at := c.Deadline.stoppedAt(); !at.IsZero() {
			now = at
		}
	}
	return !now.After(c.Deadline.DueAt)
}

// Programme reports whether the case is a long-running programme.
func (c *Case) Programme() bool {
	return c.Kind == KindTwinCityProgramme || c.Kind == KindCooperationInitiative
}

// YearlyReportRequest returns the event that opens a programme's report for year, due on the policy's
// date of the following year.
func (p Policy) YearlyReportRequest(c *Case, year int, now time.Time, clocks Clocks) (*RequestOpened, error) {
	r := p.YearlyReport
	if r == nil {
		r = &YearlyReport{Month: time.January, Day: 31}
	}
	due := Date{Year: year + 1, Month: r.Month, Day: r.Day}
	at, err := clocks.EndOfDay(due)
	if err != nil {
		return nil, err
	}
	return &RequestOpened{Request: Request{
		ID: RequestID(len(c.Requests) + 1), Kind: RequestReport, Title: "Yearly report " + strconv.Itoa(year), Year: year,
		RequestedAt: now, DueAt: at, DueDate: due, Status: RequestIsOpen,
	}}, nil
}

// HasAnyRole reports whether the actor holds any of the roles.
func (a Actor) HasAnyRole(roles ...Role) bool {
	return slices.ContainsFunc(a.Roles, func(r Role) bool { return slices.Contains(roles, r) })
}
