package domain

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// decision is one staff action being checked against its rule (rules.go) on a case at a moment. It
// holds no clocks: what needs them is left to the plan that each method returns.
type decision struct {
	p   Policy
	c   *Case
	req ActionRequest
	now time.Time
}

// assign names the case's owning officer (the actor unless another is named) and its responsible
// sector (the case's unless another is named), from the case's registration until its answer goes
// out, but not while the requester is asked to complete the request. It must change one of them.
func (d *decision) assign() (plan, error) {
	if err := d.in(StatusRegistered, StatusAssigned, StatusWaitingForInput, StatusAnswerDrafted, StatusAnswerApproved); err != nil {
		return plan{}, err
	}
	officer := cmp.Or(d.req.Officer, d.req.Actor.UserID)
	sector := cmp.Or(d.req.Sector, d.c.Sector)
	if officer == d.c.Officer && sector == d.c.Sector {
		return plan{}, Errorf(ECONFLICT, "The case is already assigned to %s in sector %q.", officer, sector)
	}
	return recorded(&CaseAssigned{Officer: officer, Sector: sector, At: d.now})
}

// requestInput asks a sector for information, for a kind other than a programme whose policy has the
// step waiting_for_input, once the case is assigned and until its answer goes out. It needs the sector.
// Unless it is optional, the case waits for the answer.
func (d *decision) requestInput() (plan, error) {
	if d.c.Programme() {
		return plan{}, Errorf(ECONFLICT, "A programme's work is asked for with the action %q.", ActionAddMilestone)
	}
	if err := d.needStep(StatusWaitingForInput); err != nil {
		return plan{}, err
	}
	if err := d.in(StatusAssigned, StatusWaitingForInput, StatusAnswerDrafted, StatusAnswerApproved); err != nil {
		return plan{}, err
	}
	return d.openRequest(RequestInput)
}

// addMilestone adds an activity or a milestone to a programme, owned by a sector, while the programme
// is registered or assigned. It needs the sector, the kind of item and its title.
func (d *decision) addMilestone() (plan, error) {
	if err := d.onlyProgrammes(true); err != nil {
		return plan{}, err
	}
	if err := d.in(StatusRegistered, StatusAssigned); err != nil {
		return plan{}, err
	}
	switch d.req.Kind {
	case RequestActivity, RequestMilestone:
	default:
		return plan{}, FieldErrorf("kind", "The kind of a programme item is %q or %q, not %q.", RequestActivity, RequestMilestone, d.req.Kind)
	}
	if err := require("title", d.req.Title); err != nil {
		return plan{}, err
	}
	return d.openRequest(d.req.Kind)
}

// openRequest opens a request of the kind to the sector named, due when the action asks (see
// askedDue), by default after the kind's request clock.
func (d *decision) openRequest(kind RequestKind) (plan, error) {
	req, c := d.req, d.c
	if err := require("sector", req.Sector); err != nil {
		return plan{}, err
	}
	due, err := d.askedDue()
	if err != nil {
		return plan{}, err
	}
	return plan{
		foresee: func() error { return due.passed(d.now) },
		record: func(clocks Clocks) ([]Event, error) {
			dueAt, dueDate, err := due.resolve(d.p, d.now, time.Time{}, clocks)
			if err != nil {
				return nil, err
			}
			return []Event{&RequestOpened{Request: Request{
				ID: RequestID(len(c.Requests) + 1), Kind: kind, Sector: req.Sector, Title: req.Title,
				Required: kind == RequestInput && !req.Optional, RequestedAt: d.now, DueAt: dueAt, DueDate: dueDate, Status: RequestIsOpen,
				ShareContact: kind == RequestInput && req.ShareContact,
			}}}, nil
		},
	}, nil
}

// answerRequest records a sector's answer to an open request for input, for a kind other than a
// programme. A sector head answers only for their own sector.
func (d *decision) answerRequest() (plan, error) { return d.answerItem(false) }

// completeMilestone records that a sector completed a programme's open activity or milestone. A
// sector head completes only their own sector's.
func (d *decision) completeMilestone() (plan, error) { return d.answerItem(true) }

// answerItem records the answer to the open request (or programme item) that the action names; a
// yearly report is submitted with its own action.
func (d *decision) answerItem(programme bool) (plan, error) {
	r, err := d.openRequestNamed(programme)
	if err != nil {
		return plan{}, err
	}
	if r.Kind == RequestReport {
		return plan{}, Errorf(ECONFLICT, "A yearly report is completed with the action %q.", ActionSubmitReport)
	}
	if !d.req.Actor.HasAnyRole(RoleOfficer, RoleAdmin) && d.req.Actor.Sector != r.Sector {
		return plan{}, Errorf(EFORBIDDEN, "The request %s is for sector %q; you answer for sector %q.", r.ID, r.Sector, d.req.Actor.Sector)
	}
	return recorded(&RequestAnswered{RequestID: r.ID, By: d.req.Actor.UserID, At: d.now, Note: d.req.Note})
}

// reassignRequest sends an open request (or a programme's item, but not a yearly report) to another
// sector. It keeps its due date if that is still ahead, unless the action asks for another.
func (d *decision) reassignRequest() (plan, error) {
	r, err := d.openRequestNamed(d.c.Programme())
	if err != nil {
		return plan{}, err
	}
	if err := require("sector", d.req.Sector); err != nil {
		return plan{}, err
	} else if d.req.Sector == r.Sector {
		return plan{}, FieldErrorf("sector", "The request %s is already with sector %q.", r.ID, r.Sector)
	}
	if r.Kind == RequestReport {
		return plan{}, Errorf(ECONFLICT, "A yearly report stays with the department.")
	}
	due, err := d.askedDue()
	if err != nil {
		return plan{}, err
	}
	id, keep := r.ID, r.DueAt
	return plan{
		foresee: func() error { return due.passed(d.now) },
		record: func(clocks Clocks) ([]Event, error) {
			dueAt, dueDate, err := due.resolve(d.p, d.now, keep, clocks)
			if err != nil {
				return nil, err
			}
			return []Event{&RequestReassigned{RequestID: id, Sector: d.req.Sector, DueAt: dueAt, DueDate: dueDate, At: d.now}}, nil
		},
	}, nil
}

// cancelRequest withdraws an open request (or a programme's item, but not a yearly report) that is
// no longer needed. It needs a reason.
func (d *decision) cancelRequest() (plan, error) {
	r, err := d.openRequestNamed(d.c.Programme())
	if err != nil {
		return plan{}, err
	}
	if r.Kind == RequestReport {
		return plan{}, Errorf(ECONFLICT, "A yearly report stays with the department.")
	}
	if err := require("reason", d.req.Reason); err != nil {
		return plan{}, err
	}
	return recorded(&RequestCancelled{RequestID: r.ID, Reason: d.req.Reason, At: d.now})
}

// draft records that the answer (or the content) is drafted, for a kind with the drafting step, once
// the case is assigned and no required request for input is open; a draft may be redone until the
// answer goes out.
func (d *decision) draft() (plan, error) {
	if err := d.needStep(StatusAnswerDrafted); err != nil {
		return plan{}, err
	}
	if d.c.Status == StatusWaitingForInput {
		return plan{}, Errorf(ECONFLICT, "The case is waiting for input: %s.", strings.Join(d.c.waitingFor(), ", "))
	}
	if err := d.in(StatusAssigned, StatusAnswerDrafted, StatusAnswerApproved); err != nil {
		return plan{}, err
	}
	return recorded(&AnswerDrafted{By: d.req.Actor.UserID, At: d.now, Note: d.req.Note})
}

// approve records the head of department's approval of the draft, for a kind with the approval step.
func (d *decision) approve() (plan, error) {
	if err := d.needStep(StatusAnswerApproved); err != nil {
		return plan{}, err
	}
	if err := d.in(StatusAnswerDrafted); err != nil {
		return plan{}, err
	}
	return recorded(&AnswerApproved{By: d.req.Actor.UserID, At: d.now})
}

// answer sends the answer (see sendAnswer).
func (d *decision) answer() (plan, error) {
	if err := d.readyToAnswer(StatusAnswered); err != nil {
		return plan{}, err
	}
	return d.sendAnswer(StatusAnswered), nil
}

// answerInPart sends the decision that grants public information in part (see sendAnswer).
func (d *decision) answerInPart() (plan, error) {
	if err := d.readyToAnswer(StatusAnsweredInPart); err != nil {
		return plan{}, err
	}
	return d.sendAnswer(StatusAnsweredInPart), nil
}

// refuse sends the decision that refuses public information (see sendAnswer). It needs a reason.
func (d *decision) refuse() (plan, error) {
	if err := d.readyToAnswer(StatusRefused); err != nil {
		return plan{}, err
	}
	if err := require("reason", d.req.Reason); err != nil {
		return plan{}, err
	}
	return d.sendAnswer(StatusRefused), nil
}

// publish puts website content on the site (see sendAnswer); a publication takes no sub-number.
func (d *decision) publish() (plan, error) {
	if err := d.readyToAnswer(StatusPublished); err != nil {
		return plan{}, err
	}
	return d.sendAnswer(StatusPublished), nil
}

// readyToAnswer refuses an answer with the given outcome unless the kind has that step and the draft
// is ready: approved where the kind has the approval step, else drafted.
func (d *decision) readyToAnswer(outcome Status) error {
	if err := d.needStep(outcome); err != nil {
		return err
	}
	ready := StatusAnswerDrafted
	if d.p.HasStep(StatusAnswerApproved) {
		ready = StatusAnswerApproved
	}
	if d.c.Status != ready {
		if ready == StatusAnswerApproved && d.c.Status == StatusAnswerDrafted {
			return Errorf(ECONFLICT, "The draft must be approved before it goes out.")
		}
		return d.conflict()
	}
	return nil
}

// sendAnswer records the answer going out with the outcome: with the next sub-number (but for a
// publication), on time or late, and cancelling the requests for input still open (optional ones),
// which are no longer needed.
func (d *decision) sendAnswer(outcome Status) plan {
	c, now, reason := d.c, d.now, d.req.Reason
	return plan{record: func(clocks Clocks) ([]Event, error) {
		doc, err := d.document(clocks, outcome != StatusPublished)
		if err != nil {
			return nil, err
		}
		events := []Event{&CaseAnswered{Outcome: outcome, Document: doc, At: now, Reason: reason, OnTime: c.inTime(now)}}
		for _, r := range c.OpenRequests() {
			events = append(events, &RequestCancelled{RequestID: r.ID, Reason: "The case was answered.", At: now})
		}
		return events, nil
	}}
}

// close ends the case: a programme while it is registered or assigned, any other kind once answered.
func (d *decision) close() (plan, error) {
	if d.c.Programme() {
		if err := d.in(StatusRegistered, StatusAssigned); err != nil {
			return plan{}, err
		}
	} else if !isAnswered(d.c.Status) {
		return plan{}, Errorf(ECONFLICT, "Only an answered case can be closed; the case is %s.", d.c.Status)
	}
	return recorded(&CaseClosed{At: d.now, Note: d.req.Note})
}

// forward sends the case to the competent body named, before it is answered, for a kind with the
// ending forwarded; the letter takes the next sub-number.
func (d *decision) forward() (plan, error) {
	if err := d.needStep(StatusForwarded); err != nil {
		return plan{}, err
	}
	if err := d.in(unanswered...); err != nil {
		return plan{}, err
	}
	if err := require("to", d.req.To); err != nil {
		return plan{}, err
	}
	return plan{record: func(clocks Clocks) ([]Event, error) {
		doc, err := d.document(clocks, true)
		if err != nil {
			return nil, err
		}
		return []Event{&CaseForwarded{To: d.req.To, Document: *doc, At: d.now}}, nil
	}}, nil
}

// withdraw records that the submitter withdrew, before the answer, for a kind with the ending
// withdrawn. It needs a reason.
func (d *decision) withdraw() (plan, error) {
	if err := d.needStep(StatusWithdrawn); err != nil {
		return plan{}, err
	}
	if err := d.in(unanswered...); err != nil {
		return plan{}, err
	}
	if err := require("reason", d.req.Reason); err != nil {
		return plan{}, err
	}
	return recorded(&CaseWithdrawn{Reason: d.req.Reason, At: d.now})
}

// reject rejects the case as inadmissible, before the answer, for a kind with the ending rejected.
// It needs a reason; the decision takes the next sub-number.
func (d *decision) reject() (plan, error) {
	if err := d.needStep(StatusRejected); err != nil {
		return plan{}, err
	}
	if err := d.in(unanswered...); err != nil {
		return plan{}, err
	}
	if err := require("reason", d.req.Reason); err != nil {
		return plan{}, err
	}
	return plan{record: func(clocks Clocks) ([]Event, error) {
		doc, err := d.document(clocks, true)
		if err != nil {
			return nil, err
		}
		return []Event{&CaseRejected{Reason: d.req.Reason, Document: *doc, At: d.now}}, nil
	}}, nil
}

// merge ends the case as a duplicate of the case whose ID into names, before the answer, for a kind
// with the ending merged.
func (d *decision) merge() (plan, error) {
	if err := d.needStep(StatusMerged); err != nil {
		return plan{}, err
	}
	if err := d.in(unanswered...); err != nil {
		return plan{}, err
	}
	into := d.req.Into
	if err := require("into", into); err != nil {
		return plan{}, err
	} else if u, err := uuid.Parse(into); err != nil || len(into) != 36 {
		return plan{}, FieldErrorf("into", "%q is not a case ID.", into)
	} else if u.String() == d.c.ID {
		return plan{}, FieldErrorf("into", "A case cannot be merged into itself.")
	}
	return recorded(&CaseMerged{Into: into, At: d.now})
}

// requestClarification asks the requester to complete the request, while the case is registered or
// assigned, for a kind with the clarification step. The letter takes the next sub-number; the
// requester has the kind's clarification clock to answer, and the case's clock stops meanwhile.
func (d *decision) requestClarification() (plan, error) {
	if err := d.needStep(StatusClarificationRequested); err != nil {
		return plan{}, err
	}
	if err := d.in(StatusRegistered, StatusAssigned); err != nil {
		return plan{}, err
	}
	return plan{record: func(clocks Clocks) ([]Event, error) {
		doc, err := d.document(clocks, true)
		if err != nil {
			return nil, err
		}
		respond, err := clocks.Deadline(d.now, d.p.Clarification, nil)
		if err != nil {
			return nil, err
		}
		changed, err := d.c.ChangeClock(ClockChange{Kind: ClockSuspended, Source: SourceClarification, At: d.now, Reason: d.req.Reason}, clocks)
		if err != nil {
			return nil, err
		}
		return []Event{&ClarificationRequested{Document: *doc, RespondBy: respond.DueAt, At: d.now}, changed}, nil
	}}, nil
}

// clarificationReceived records that the requester completed the request; the case's clock runs
// again with the time it had left.
func (d *decision) clarificationReceived() (plan, error) {
	if err := d.in(StatusClarificationRequested); err != nil {
		return plan{}, err
	}
	return plan{record: func(clocks Clocks) ([]Event, error) {
		changed, err := d.c.ChangeClock(ClockChange{Kind: ClockResumed, Source: SourceClarification, At: d.now}, clocks)
		if err != nil {
			return nil, err
		}
		return []Event{&ClarificationReceived{At: d.now, Note: d.req.Note}, changed}, nil
	}}, nil
}

// extend extends the deadline by a clock counted in the unit of the case's clock, while it runs, for a
// kind whose deadline may be extended, up to the kind's maximum extension in all. It needs a reason.
func (d *decision) extend() (plan, error) {
	if d.p.MaxExtension == (Clock{}) {
		return plan{}, Errorf(ECONFLICT, "The deadline of a case of kind %s cannot be extended.", d.c.Kind)
	}
	if !d.c.ClockRunning() {
		return plan{}, d.conflict()
	}
	by := d.req.By
	if by == nil {
		return plan{}, FieldErrorf("by", "The field %s is required.", "by")
	} else if err := by.Validate(); err != nil {
		return plan{}, FieldErrorf("by", "The extension %q is not a valid clock.", by.String())
	} else if by.Unit != d.p.Clock.Unit {
		return plan{}, FieldErrorf("by", "The extension must be counted in %s, like the case's clock.", d.p.Clock.Unit)
	} else if total := d.c.Deadline.Extended() + by.Length; total > d.p.MaxExtension.Length {
		return plan{}, FieldErrorf("by", "Extensions may add at most %s in total; this one would make %d.", d.p.MaxExtension.String(), total)
	}
	if err := require("reason", d.req.Reason); err != nil {
		return plan{}, err
	}
	return d.changeClock(ClockChange{Kind: ClockExtended, Source: SourceCase, At: d.now, By: *by, Reason: d.req.Reason}), nil
}

// suspendClock stops the case's clock before the answer, unless staff have stopped it already. It
// needs a reason.
func (d *decision) suspendClock() (plan, error) {
	if !d.c.ClockRunning() {
		return plan{}, d.conflict()
	}
	if d.c.Deadline.SuspendedBy(SourceCase) {
		return plan{}, Errorf(ECONFLICT, "The case's clock is already suspended.")
	}
	if err := require("reason", d.req.Reason); err != nil {
		return plan{}, err
	}
	return d.changeClock(ClockChange{Kind: ClockSuspended, Source: SourceCase, At: d.now, Reason: d.req.Reason}), nil
}

// resumeClock restarts the case's clock that staff stopped, with the time it had left.
func (d *decision) resumeClock() (plan, error) {
	if !d.c.ClockRunning() {
		return plan{}, d.conflict()
	}
	if !d.c.Deadline.SuspendedBy(SourceCase) {
		return plan{}, Errorf(ECONFLICT, "The case's clock is not suspended by staff.")
	}
	return d.changeClock(ClockChange{Kind: ClockResumed, Source: SourceCase, At: d.now, Reason: d.req.Reason}), nil
}

// submitReport submits a programme's open report for the year named, while the programme is
// registered or assigned. The report takes the next sub-number, and the next year's report opens.
func (d *decision) submitReport() (plan, error) {
	if err := d.onlyProgrammes(true); err != nil {
		return plan{}, err
	}
	if err := d.in(StatusRegistered, StatusAssigned); err != nil {
		return plan{}, err
	}
	var report *Request
	for i := range d.c.Requests {
		if r := &d.c.Requests[i]; r.Kind == RequestReport && r.Status == RequestIsOpen && r.Year == d.req.Year {
			report = r
		}
	}
	if report == nil {
		return plan{}, FieldErrorf("year", "No yearly report for %d is open.", d.req.Year)
	}
	return plan{record: func(clocks Clocks) ([]Event, error) {
		doc, err := d.document(clocks, true)
		if err != nil {
			return nil, err
		}
		next, err := d.p.YearlyReportRequest(d.c, d.req.Year+1, d.now, clocks)
		if err != nil {
			return nil, err
		}
		return []Event{
			&RequestAnswered{RequestID: report.ID, By: d.req.Actor.UserID, At: d.now, Note: d.req.Note},
			&YearlyReportSubmitted{Year: d.req.Year, Document: *doc, At: d.now},
			next,
		}, nil
	}}, nil
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

// onlyProgrammes returns a conflict unless the case is a programme (programme true) or is not one.
func (d *decision) onlyProgrammes(programme bool) error {
	if programme != d.c.Programme() {
		return Errorf(ECONFLICT, "The action %q does not apply to a case of kind %s.", d.req.Action, d.c.Kind)
	}
	return nil
}

// openRequestNamed returns the open request req.RequestID names; programme says whether the action is
// about a programme's item.
func (d *decision) openRequestNamed(programme bool) (*Request, error) {
	if err := d.onlyProgrammes(programme); err != nil {
		return nil, err
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

// dueAsked is the due date an action asks for: on a date, after a clock from now, or neither.
type dueAsked struct {
	date  *Date
	after *Clock
}

// askedDue returns the due date the action asks for: due or dueIn, not both, and dueIn a valid clock.
func (d *decision) askedDue() (dueAsked, error) {
	req := d.req
	if req.Due != nil && req.DueIn != nil {
		return dueAsked{}, FieldErrorf("due", "Give either due or dueIn, not both.")
	}
	if req.DueIn != nil {
		if err := req.DueIn.Validate(); err != nil {
			return dueAsked{}, FieldErrorf("dueIn", "The due time %q is not a valid clock.", req.DueIn.String())
		}
	}
	return dueAsked{date: req.Due, after: req.DueIn}, nil
}

// passed refuses, without clocks, a due date that has surely passed at now: its day began more than a
// day before now, in UTC, so it has ended in UTC and every time zone east of it. resolve tells exactly, in the
// municipality's time zone.
func (a dueAsked) passed(now time.Time) error {
	if a.date != nil && a.date.In(time.UTC).Before(now.AddDate(0, 0, -1)) {
		return FieldErrorf("due", "The due date %s has passed.", a.date.String())
	}
	return nil
}

// resolve returns the due instant and date asked for: the end of the date asked, which must lie
// ahead of now; the clock asked for from now; keep when neither is asked and it lies ahead (a request
// reassigned before it was due keeps its date); else the policy's request clock from now.
func (a dueAsked) resolve(p Policy, now, keep time.Time, clocks Clocks) (time.Time, Date, error) {
	switch {
	case a.date != nil:
		at, err := clocks.EndOfDay(*a.date)
		if err != nil {
			return time.Time{}, Date{}, err
		}
		if !at.After(now) {
			return time.Time{}, Date{}, FieldErrorf("due", "The due date %s has passed.", a.date.String())
		}
		return at, *a.date, nil
	case a.after != nil || !keep.After(now):
		clock := p.Requests.Clock
		if a.after != nil {
			clock = *a.after
		}
		dl, err := clocks.Deadline(now, clock, nil)
		if err != nil {
			return time.Time{}, Date{}, err
		}
		return dl.DueAt, dl.DueDate, nil
	default:
		date, err := clocks.Date(keep)
		return keep, date, err
	}
}

// document returns the case's next outgoing document: the next sub-number of its archive number, dated
// today. With numbered false (a publication) it returns nil and asks the clocks nothing.
func (d *decision) document(clocks Clocks, numbered bool) (*ArchiveNumber, error) {
	if !numbered {
		return nil, nil
	}
	date, err := clocks.Date(d.now)
	if err != nil {
		return nil, err
	}
	n := d.c.NextDocument(date)
	return &n, nil
}

// changeClock returns the plan that records a change of the case's clock, with the deadline recomputed.
func (d *decision) changeClock(change ClockChange) plan {
	return plan{record: func(clocks Clocks) ([]Event, error) {
		changed, err := d.c.ChangeClock(change, clocks)
		if err != nil {
			return nil, err
		}
		return []Event{changed}, nil
	}}
}
