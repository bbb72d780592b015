package domain

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
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

// Former names of statuses, kept while other branches still use them; replace them with
// gofmt -r 'StatusDrafted -> StatusAnswerDrafted' (and likewise) and delete them.
const (
	StatusClarification = StatusClarificationRequested // former name of StatusClarificationRequested
	StatusDrafted       = StatusAnswerDrafted          // former name of StatusAnswerDrafted
	StatusApproved      = StatusAnswerApproved         // former name of StatusAnswerApproved
)

// Statuses lists every status.
var Statuses = []Status{
	StatusReceived, StatusRegistered, StatusClarification, StatusAssigned, StatusWaitingForInput, StatusDrafted,
	StatusApproved, StatusAnswered, StatusAnsweredInPart, StatusRefused, StatusPublished, StatusClosed,
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

// Staff actions. Each is allowed for some roles, in some statuses, for kinds whose policy has its step.
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

// actionRoles says who may take each action. Sector heads may only answer their own sector's requests.
var actionRoles = map[Action][]Role{
	ActionAssign:                {RoleOfficer, RoleSupervisor, RoleAdmin},
	ActionRequestInput:          {RoleOfficer, RoleAdmin},
	ActionAnswerRequest:         {RoleSectorHead, RoleOfficer, RoleAdmin},
	ActionReassignRequest:       {RoleOfficer, RoleSupervisor, RoleAdmin},
	ActionCancelRequest:         {RoleOfficer, RoleAdmin},
	ActionDraft:                 {RoleOfficer, RoleAdmin},
	ActionApprove:               {RoleSupervisor, RoleAdmin},
	ActionAnswer:                {RoleOfficer, RoleAdmin},
	ActionAnswerInPart:          {RoleOfficer, RoleAdmin},
	ActionRefuse:                {RoleOfficer, RoleAdmin},
	ActionPublish:               {RoleOfficer, RoleAdmin},
	ActionClose:                 {RoleOfficer, RoleSupervisor, RoleAdmin},
	ActionForward:               {RoleOfficer, RoleAdmin},
	ActionWithdraw:              {RoleIntake, RoleOfficer, RoleAdmin},
	ActionReject:                {RoleOfficer, RoleSupervisor, RoleAdmin},
	ActionMerge:                 {RoleOfficer, RoleAdmin},
	ActionRequestClarification:  {RoleOfficer, RoleAdmin},
	ActionClarificationReceived: {RoleIntake, RoleOfficer, RoleAdmin},
	ActionExtend:                {RoleOfficer, RoleSupervisor, RoleAdmin},
	ActionSuspendClock:          {RoleSupervisor, RoleAdmin},
	ActionResumeClock:           {RoleSupervisor, RoleAdmin},
	ActionAddMilestone:          {RoleOfficer, RoleAdmin},
	ActionCompleteMilestone:     {RoleSectorHead, RoleOfficer, RoleAdmin},
	ActionSubmitReport:          {RoleOfficer, RoleAdmin},
}

// ActionRoles returns the roles that may take an action.
func ActionRoles(a Action) []Role { return slices.Clone(actionRoles[a]) }

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

// Check reports whether the action may be taken on the case now, without computing anything: EFORBIDDEN
// when the actor's role does not allow it, ECONFLICT when the case's state (or kind) does not, EINVALID
// for bad input. It is what the workflow's update validator runs.
func (p Policy) Check(c *Case, req ActionRequest, now time.Time) error {
	_, err := p.Decide(c, req, now, nil)
	return err
}

// Decide checks the action like Check and returns the events that record it. With nil clocks it only
// checks. It never changes the case.
func (p Policy) Decide(c *Case, req ActionRequest, now time.Time, clocks Clocks) ([]Event, error) {
	roles, ok := actionRoles[req.Action]
	if !ok {
		return nil, Errorf(ENOTFOUND, "Unknown action %q.", req.Action)
	}
	if !slices.ContainsFunc(req.Actor.Roles, func(r Role) bool { return slices.Contains(roles, r) }) {
		return nil, Errorf(EFORBIDDEN, "Your role does not allow the action %q; it needs one of: %s.", req.Action, join(roles))
	}
	if err := req.validateText(); err != nil {
		return nil, err
	}
	if IsTerminal(c.Status) {
		return nil, Errorf(ECONFLICT, "The case is %s; no further actions are possible.", c.Status)
	}
	if c.Status == StatusReceived {
		return nil, Errorf(ECONFLICT, "The case is not registered yet; try again in a moment.")
	}
	d := decision{p: p, c: c, req: req, now: now, clocks: clocks}
	return d.decide()
}

// decision is one Decide call.
type decision struct {
	p      Policy
	c      *Case
	req    ActionRequest
	now    time.Time
	clocks Clocks
}

// conflict returns the ECONFLICT error of an action not allowed in the case's status.
func (d *decision) conflict() error {
	return Errorf(ECONFLICT, "The action %q is not possible while the case is %s.", d.req.Action, d.c.Status)
}

// in returns a conflict unless the case is in one of the statuses.
func (d *decision) in(statuses ...Status) error {
	if !slices.Contains(statuses, d.c.Status) {
		return d.conflict()
	}
	return nil
}

// needStep returns a conflict unless the kind has the step.
func (d *decision) needStep(s Status) error {
	if !d.p.HasStep(s) {
		return Errorf(ECONFLICT, "The action %q does not apply to a case of kind %s.", d.req.Action, d.c.Kind)
	}
	return nil
}

// open are the statuses in which a case is being worked on and not yet answered.
var open = []Status{StatusRegistered, StatusAssigned, StatusWaitingForInput, StatusDrafted, StatusApproved, StatusClarification}

func (d *decision) decide() ([]Event, error) {
	req, c := d.req, d.c
	switch req.Action {
	case ActionAssign:
		if err := d.in(StatusRegistered, StatusAssigned, StatusWaitingForInput, StatusDrafted, StatusApproved); err != nil {
			return nil, err
		}
		officer := req.Officer
		if officer == "" {
			officer = req.Actor.UserID
		}
		sector := req.Sector
		if sector == "" {
			sector = c.Sector
		}
		if officer == c.Officer && sector == c.Sector {
			return nil, Errorf(ECONFLICT, "The case is already assigned to %s in sector %q.", officer, sector)
		}
		return d.done(&CaseAssigned{Officer: officer, Sector: sector, At: d.now})

	case ActionRequestInput, ActionAddMilestone:
		return d.openRequest()

	case ActionAnswerRequest, ActionCompleteMilestone:
		r, err := d.openRequestNamed(req.Action == ActionCompleteMilestone)
		if err != nil {
			return nil, err
		}
		if r.Kind == RequestReport {
			return nil, Errorf(ECONFLICT, "A yearly report is completed with the action %q.", ActionSubmitReport)
		}
		if !req.Actor.HasAnyRole(RoleOfficer, RoleAdmin) && req.Actor.Sector != r.Sector {
			return nil, Errorf(EFORBIDDEN, "The request %s is for sector %q; you answer for sector %q.", r.ID, r.Sector, req.Actor.Sector)
		}
		return d.done(&RequestAnswered{RequestID: r.ID, By: req.Actor.UserID, At: d.now, Note: req.Note})

	case ActionReassignRequest:
		r, err := d.openRequestNamed(c.Programme())
		if err != nil {
			return nil, err
		}
		if err := require("sector", req.Sector); err != nil {
			return nil, err
		} else if req.Sector == r.Sector {
			return nil, FieldErrorf("sector", "The request %s is already with sector %q.", r.ID, r.Sector)
		}
		if r.Kind == RequestReport {
			return nil, Errorf(ECONFLICT, "A yearly report stays with the department.")
		}
		dueAt, dueDate, err := d.due(r.DueAt)
		if err != nil || d.clocks == nil {
			return nil, err
		}
		return d.done(&RequestReassigned{RequestID: r.ID, Sector: req.Sector, DueAt: dueAt, DueDate: dueDate, At: d.now})

	case ActionCancelRequest:
		r, err := d.openRequestNamed(c.Programme())
		if err != nil {
			return nil, err
		}
		if r.Kind == RequestReport {
			return nil, Errorf(ECONFLICT, "A yearly report stays with the department.")
		}
		if err := require("reason", req.Reason); err != nil {
			return nil, err
		}
		return d.done(&RequestCancelled{RequestID: r.ID, Reason: req.Reason, At: d.now})

	case ActionDraft:
		if err := d.needStep(StatusDrafted); err != nil {
			return nil, err
		}
		if c.Status == StatusWaitingForInput {
			return nil, Errorf(ECONFLICT, "The case is waiting for input: %s.", strings.Join(c.waitingFor(), ", "))
		}
		if err := d.in(StatusAssigned, StatusDrafted, StatusApproved); err != nil {
			return nil, err
		}
		return d.done(&AnswerDrafted{By: req.Actor.UserID, At: d.now, Note: req.Note})

	case ActionApprove:
		if err := d.needStep(StatusApproved); err != nil {
			return nil, err
		}
		if err := d.in(StatusDrafted); err != nil {
			return nil, err
		}
		return d.done(&AnswerApproved{By: req.Actor.UserID, At: d.now})

	case ActionAnswer, ActionAnswerInPart, ActionRefuse, ActionPublish:
		outcome := map[Action]Status{ActionAnswer: StatusAnswered, ActionAnswerInPart: StatusAnsweredInPart, ActionRefuse: StatusRefused, ActionPublish: StatusPublished}[req.Action]
		if err := d.needStep(outcome); err != nil {
			return nil, err
		}
		ready := StatusDrafted
		if d.p.HasStep(StatusApproved) {
			ready = StatusApproved
		}
		if c.Status != ready {
			if ready == StatusApproved && c.Status == StatusDrafted {
				return nil, Errorf(ECONFLICT, "The draft must be approved before it goes out.")
			}
			return nil, d.conflict()
		}
		if req.Action == ActionRefuse {
			if err := require("reason", req.Reason); err != nil {
				return nil, err
			}
		}
		if d.clocks == nil {
			return nil, nil
		}
		doc, err := d.document(outcome != StatusPublished)
		if err != nil {
			return nil, err
		}
		events := []Event{&CaseAnswered{Outcome: outcome, Document: doc, At: d.now, Reason: req.Reason, OnTime: c.inTime(d.now)}}
		// Requests for input the answer went out without (optional ones) are no longer needed.
		for _, r := range c.OpenRequests() {
			events = append(events, &RequestCancelled{RequestID: r.ID, Reason: "The case was answered.", At: d.now})
		}
		return d.done(events...)

	case ActionClose:
		if c.Programme() {
			if err := d.in(StatusRegistered, StatusAssigned); err != nil {
				return nil, err
			}
		} else if !isAnswered(c.Status) {
			return nil, Errorf(ECONFLICT, "Only an answered case can be closed; the case is %s.", c.Status)
		}
		return d.done(&CaseClosed{At: d.now, Note: req.Note})

	case ActionForward:
		if err := d.needStep(StatusForwarded); err != nil {
			return nil, err
		}
		if err := d.in(open...); err != nil {
			return nil, err
		}
		if err := require("to", req.To); err != nil || d.clocks == nil {
			return nil, err
		}
		doc, err := d.document(true)
		if err != nil {
			return nil, err
		}
		return d.done(&CaseForwarded{To: req.To, Document: *doc, At: d.now})

	case ActionWithdraw:
		if err := d.needStep(StatusWithdrawn); err != nil {
			return nil, err
		}
		if err := d.in(open...); err != nil {
			return nil, err
		}
		if err := require("reason", req.Reason); err != nil {
			return nil, err
		}
		return d.done(&CaseWithdrawn{Reason: req.Reason, At: d.now})

	case ActionReject:
		if err := d.needStep(StatusRejected); err != nil {
			return nil, err
		}
		if err := d.in(open...); err != nil {
			return nil, err
		}
		if err := require("reason", req.Reason); err != nil || d.clocks == nil {
			return nil, err
		}
		doc, err := d.document(true)
		if err != nil {
			return nil, err
		}
		return d.done(&CaseRejected{Reason: req.Reason, Document: *doc, At: d.now})

	case ActionMerge:
		if err := d.needStep(StatusMerged); err != nil {
			return nil, err
		}
		if err := d.in(open...); err != nil {
			return nil, err
		}
		if err := require("into", req.Into); err != nil {
			return nil, err
		} else if u, err := uuid.Parse(req.Into); err != nil || len(req.Into) != 36 {
			return nil, FieldErrorf("into", "%q is not a case ID.", req.Into)
		} else if u.String() == c.ID {
			return nil, FieldErrorf("into", "A case cannot be merged into itself.")
		}
		return d.done(&CaseMerged{Into: req.Into, At: d.now})

	case ActionRequestClarification:
		if err := d.needStep(StatusClarification); err != nil {
			return nil, err
		}
		if err := d.in(StatusRegistered, StatusAssigned); err != nil {
			return nil, err
		}
		if d.clocks == nil {
			return nil, nil
		}
		doc, err := d.document(true)
		if err != nil {
			return nil, err
		}
		respond, err := d.clocks.Deadline(d.now, d.p.Clarification, nil)
		if err != nil {
			return nil, err
		}
		changed, err := d.changeClock(ClockChange{Kind: ClockSuspended, Source: SourceClarification, At: d.now, Reason: req.Reason})
		if err != nil {
			return nil, err
		}
		return d.done(&ClarificationRequested{Document: *doc, RespondBy: respond.DueAt, At: d.now}, changed)

	case ActionClarificationReceived:
		if err := d.in(StatusClarification); err != nil {
			return nil, err
		}
		if d.clocks == nil {
			return nil, nil
		}
		changed, err := d.changeClock(ClockChange{Kind: ClockResumed, Source: SourceClarification, At: d.now})
		if err != nil {
			return nil, err
		}
		return d.done(&ClarificationReceived{At: d.now, Note: req.Note}, changed)

	case ActionExtend:
		if d.p.MaxExtension == (Clock{}) {
			return nil, Errorf(ECONFLICT, "The deadline of a case of kind %s cannot be extended.", c.Kind)
		}
		if !c.ClockRunning() {
			return nil, d.conflict()
		}
		if req.By == nil {
			return nil, FieldErrorf("by", "The field %s is required.", "by")
		} else if err := req.By.Validate(); err != nil {
			return nil, FieldErrorf("by", "The extension %q is not a valid clock.", req.By.String())
		} else if req.By.Unit != d.p.Clock.Unit {
			return nil, FieldErrorf("by", "The extension must be counted in %s, like the case's clock.", d.p.Clock.Unit)
		} else if total := c.Deadline.Extended() + req.By.Length; total > d.p.MaxExtension.Length {
			return nil, FieldErrorf("by", "Extensions may add at most %s in total; this one would make %d.", d.p.MaxExtension.String(), total)
		}
		if err := require("reason", req.Reason); err != nil || d.clocks == nil {
			return nil, err
		}
		changed, err := d.changeClock(ClockChange{Kind: ClockExtended, Source: SourceCase, At: d.now, By: *req.By, Reason: req.Reason})
		if err != nil {
			return nil, err
		}
		return d.done(changed)

	case ActionSuspendClock, ActionResumeClock:
		if !c.ClockRunning() {
			return nil, d.conflict()
		}
		suspended := c.Deadline.SuspendedBy(SourceCase)
		kind := ClockSuspended
		if req.Action == ActionResumeClock {
			kind = ClockResumed
			if !suspended {
				return nil, Errorf(ECONFLICT, "The case's clock is not suspended by staff.")
			}
		} else {
			if suspended {
				return nil, Errorf(ECONFLICT, "The case's clock is already suspended.")
			}
			if err := require("reason", req.Reason); err != nil {
				return nil, err
			}
		}
		if d.clocks == nil {
			return nil, nil
		}
		changed, err := d.changeClock(ClockChange{Kind: kind, Source: SourceCase, At: d.now, Reason: req.Reason})
		if err != nil {
			return nil, err
		}
		return d.done(changed)

	case ActionSubmitReport:
		if !c.Programme() {
			return nil, Errorf(ECONFLICT, "The action %q does not apply to a case of kind %s.", req.Action, c.Kind)
		}
		if err := d.in(StatusRegistered, StatusAssigned); err != nil {
			return nil, err
		}
		var report *Request
		for i := range c.Requests {
			if r := &c.Requests[i]; r.Kind == RequestReport && r.Status == RequestIsOpen && r.Year == req.Year {
				report = r
			}
		}
		if report == nil {
			return nil, FieldErrorf("year", "No yearly report for %d is open.", req.Year)
		}
		if d.clocks == nil {
			return nil, nil
		}
		doc, err := d.document(true)
		if err != nil {
			return nil, err
		}
		next, err := d.p.YearlyReportRequest(c, req.Year+1, d.now, d.clocks)
		if err != nil {
			return nil, err
		}
		return d.done(
			&RequestAnswered{RequestID: report.ID, By: req.Actor.UserID, At: d.now, Note: req.Note},
			&YearlyReportSubmitted{Year: req.Year, Document: *doc, At: d.now},
			next,
		)
	}
	return nil, Errorf(ENOTFOUND, "Unknown action %q.", req.Action)
}

// done returns the events, or nothing when only checking.
func (d *decision) done(events ...Event) ([]Event, error) {
	if d.clocks == nil {
		return nil, nil
	}
	return events, nil
}

// openRequest decides request_input and add_milestone.
func (d *decision) openRequest() ([]Event, error) {
	req, c := d.req, d.c
	kind := RequestInput
	if req.Action == ActionAddMilestone {
		if !c.Programme() {
			return nil, Errorf(ECONFLICT, "The action %q does not apply to a case of kind %s.", req.Action, c.Kind)
		}
		if err := d.in(StatusRegistered, StatusAssigned); err != nil {
			return nil, err
		}
		switch req.Kind {
		case RequestActivity, RequestMilestone:
			kind = req.Kind
		default:
			return nil, FieldErrorf("kind", "The kind of a programme item is %q or %q, not %q.", RequestActivity, RequestMilestone, req.Kind)
		}
		if err := require("title", req.Title); err != nil {
			return nil, err
		}
	} else {
		if c.Programme() {
			return nil, Errorf(ECONFLICT, "A programme's work is asked for with the action %q.", ActionAddMilestone)
		}
		if err := d.needStep(StatusWaitingForInput); err != nil {
			return nil, err
		}
		if err := d.in(StatusAssigned, StatusWaitingForInput, StatusDrafted, StatusApproved); err != nil {
			return nil, err
		}
	}
	if err := require("sector", req.Sector); err != nil {
		return nil, err
	}
	dueAt, dueDate, err := d.due(time.Time{})
	if err != nil || d.clocks == nil {
		return nil, err
	}
	return d.done(&RequestOpened{Request: Request{
		ID: RequestID(len(c.Requests) + 1), Kind: kind, Sector: req.Sector, Title: req.Title,
		Required: kind == RequestInput && !req.Optional, RequestedAt: d.now, DueAt: dueAt, DueDate: dueDate, Status: RequestIsOpen,
	}})
}

// openRequestNamed returns the open request req.RequestID names; programme reports whether the action is
// about a programme's item.
func (d *decision) openRequestNamed(programme bool) (*Request, error) {
	if programme != d.c.Programme() {
		return nil, Errorf(ECONFLICT, "The action %q does not apply to a case of kind %s.", d.req.Action, d.c.Kind)
	}
	if err := require("requestId", d.req.RequestID); err != nil {
		return nil, err
	}
	r, ok := d.c.RequestByID(d.req.RequestID)
	if !ok {
		return nil, Errorf(ENOTFOUND, "The case has no request %q.", d.req.RequestID)
	} else if r.Status != RequestIsOpen {
		return nil, Errorf(ECONFLICT, "The request %s is already %s.", r.ID, r.Status)
	}
	return r, nil
}

// due returns the due instant asked for: req.Due, req.DueIn from now, keep when neither is given and it
// lies in the future (a request reassigned before it was due keeps its date), else the kind's request
// clock from now. It must lie in the future.
func (d *decision) due(keep time.Time) (time.Time, Date, error) {
	req := d.req
	if req.Due != nil && req.DueIn != nil {
		return time.Time{}, Date{}, FieldErrorf("due", "Give either due or dueIn, not both.")
	}
	if req.DueIn != nil {
		if err := req.DueIn.Validate(); err != nil {
			return time.Time{}, Date{}, FieldErrorf("dueIn", "The due time %q is not a valid clock.", req.DueIn.String())
		}
	}
	if d.clocks == nil {
		if req.Due != nil && req.Due.In(time.UTC).Before(d.now.AddDate(0, 0, -1)) {
			return time.Time{}, Date{}, FieldErrorf("due", "The due date %s has passed.", req.Due.String())
		}
		return time.Time{}, Date{}, nil
	}
	switch {
	case req.Due != nil:
		at, err := d.clocks.EndOfDay(*req.Due)
		if err != nil {
			return time.Time{}, Date{}, err
		}
		if !at.After(d.now) {
			return time.Time{}, Date{}, FieldErrorf("due", "The due date %s has passed.", req.Due.String())
		}
		return at, *req.Due, nil
	case req.DueIn != nil || !keep.After(d.now):
		clock := d.p.Requests.Clock
		if req.DueIn != nil {
			clock = *req.DueIn
		}
		dl, err := d.clocks.Deadline(d.now, clock, nil)
		if err != nil {
			return time.Time{}, Date{}, err
		}
		return dl.DueAt, dl.DueDate, nil
	default:
		date, err := d.clocks.Date(keep)
		return keep, date, err
	}
}

// document returns the case's next outgoing document: the next sub-number of its archive number, dated
// today. With numbered false (a publication) it returns nil.
func (d *decision) document(numbered bool) (*ArchiveNumber, error) {
	if !numbered {
		return nil, nil
	}
	date, err := d.clocks.Date(d.now)
	if err != nil {
		return nil, err
	}
	n := d.c.NextDocument(date)
	return &n, nil
}

// changeClock returns the event that records a change of the case's clock, with the deadline recomputed.
func (d *decision) changeClock(change ClockChange) (*DeadlineChanged, error) {
	return d.c.ChangeClock(change, d.clocks)
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
	return c.Kind == KindTwinCityProgramme || c.Kind == KindCooperation
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
