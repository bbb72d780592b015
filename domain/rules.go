package domain

import (
	"errors"
	"time"
)

// The rules of the staff actions.
//
// Whatever the action, Check and Decide first refuse, in this order:
//   - an action that does not exist (ENOTFOUND);
//   - an actor who holds none of the roles its rule names (EFORBIDDEN);
//   - a text field that is not valid UTF-8 or is too long (EINVALID);
//   - a case that has ended, or is not registered yet (ECONFLICT).
//
// Then the action's own rule applies, as the table below lists it and the method of decision named for
// the action (actions.go, take in the table) enforces it. Each entry names the roles that may take the
// action, the kinds of case it applies to, the statuses it may be taken in (for some kind), the fields
// it needs, and in words what else it requires or does. An action refused for the case's kind or in
// its status is refused with ECONFLICT, one without a field it needs with EINVALID naming the field.
// The roles are the ones Check lets through and the kinds the ones Policy.Actions lists; TestRules
// checks the statuses and the fields against what Check does, so that table and code cannot drift.
//
// Checking needs no clocks: Check runs the rules alone, and is what the workflow's update validator
// runs. Deciding runs the same rules and then records the action, with the clocks that compute the
// deadlines, the date of the register and due dates: see plan.

// rules are the rules of the staff actions, in the order of Actions.
var rules = []rule{{
	action: ActionAssign, take: (*decision).assign,
	roles: []Role{RoleOfficer, RoleSupervisor, RoleAdmin},
	kinds: everyKind,
	in:    []Status{StatusRegistered, StatusAssigned, StatusWaitingForInput, StatusAnswerDrafted, StatusAnswerApproved},
	when:  "names the owning officer (the actor by default) and the sector (the case's by default); one of them must change",
}, {
	action: ActionRequestInput, take: (*decision).requestInput,
	roles: []Role{RoleOfficer, RoleAdmin},
	kinds: othersWithStep(StatusWaitingForInput),
	in:    []Status{StatusAssigned, StatusWaitingForInput, StatusAnswerDrafted, StatusAnswerApproved},
	needs: []string{"sector"},
	when:  "due on a date or after a clock (not both) yet to pass, by default after the kind's request clock; unless optional, the case waits for it",
}, {
	action: ActionAnswerRequest, take: (*decision).answerRequest,
	roles: []Role{RoleSectorHead, RoleOfficer, RoleAdmin},
	kinds: othersWithStep(StatusWaitingForInput),
	in:    working,
	needs: []string{"requestId"},
	when:  "the request is open; a sector head answers only for their own sector",
}, {
	action: ActionReassignRequest, take: (*decision).reassignRequest,
	roles: []Role{RoleOfficer, RoleSupervisor, RoleAdmin},
	kinds: programmesOrStep(StatusWaitingForInput),
	in:    working,
	needs: []string{"requestId", "sector"},
	when:  "the request (not a yearly report) is open and goes to another sector; it keeps its due date unless given another or it has passed",
}, {
	action: ActionCancelRequest, take: (*decision).cancelRequest,
	roles: []Role{RoleOfficer, RoleAdmin},
	kinds: programmesOrStep(StatusWaitingForInput),
	in:    working,
	needs: []string{"requestId", "reason"},
	when:  "the request (not a yearly report) is open",
}, {
	action: ActionDraft, take: (*decision).draft,
	roles: []Role{RoleOfficer, RoleAdmin},
	kinds: withStep(StatusAnswerDrafted),
	in:    []Status{StatusAssigned, StatusAnswerDrafted, StatusAnswerApproved},
	when:  "no required request for input is open",
}, {
	action: ActionApprove, take: (*decision).approve,
	roles: []Role{RoleSupervisor, RoleAdmin},
	kinds: withStep(StatusAnswerApproved),
	in:    []Status{StatusAnswerDrafted},
}, {
	action: ActionAnswer, take: (*decision).answer,
	roles: []Role{RoleOfficer, RoleAdmin},
	kinds: withStep(StatusAnswered),
	in:    []Status{StatusAnswerDrafted, StatusAnswerApproved},
	when:  "approved where the kind has the approval step; takes the next sub-number; cancels the open requests",
}, {
	action: ActionAnswerInPart, take: (*decision).answerInPart,
	roles: []Role{RoleOfficer, RoleAdmin},
	kinds: withStep(StatusAnsweredInPart),
	in:    []Status{StatusAnswerDrafted, StatusAnswerApproved},
	when:  "as answer",
}, {
	action: ActionRefuse, take: (*decision).refuse,
	roles: []Role{RoleOfficer, RoleAdmin},
	kinds: withStep(StatusRefused),
	in:    []Status{StatusAnswerDrafted, StatusAnswerApproved},
	needs: []string{"reason"},
	when:  "as answer",
}, {
	action: ActionPublish, take: (*decision).publish,
	roles: []Role{RoleOfficer, RoleAdmin},
	kinds: withStep(StatusPublished),
	in:    []Status{StatusAnswerDrafted, StatusAnswerApproved},
	when:  "as answer, but takes no sub-number",
}, {
	action: ActionClose, take: (*decision).close,
	roles: []Role{RoleOfficer, RoleSupervisor, RoleAdmin},
	kinds: everyKind,
	in:    []Status{StatusRegistered, StatusAssigned, StatusAnswered, StatusAnsweredInPart, StatusRefused, StatusPublished},
	when:  "a programme when registered or assigned, any other kind once answered",
}, {
	action: ActionForward, take: (*decision).forward,
	roles: []Role{RoleOfficer, RoleAdmin},
	kinds: withStep(StatusForwarded),
	in:    unanswered,
	needs: []string{"to"},
	when:  "takes the next sub-number",
}, {
	action: ActionWithdraw, take: (*decision).withdraw,
	roles: []Role{RoleIntake, RoleOfficer, RoleAdmin},
	kinds: withStep(StatusWithdrawn),
	in:    unanswered,
	needs: []string{"reason"},
}, {
	action: ActionReject, take: (*decision).reject,
	roles: []Role{RoleOfficer, RoleSupervisor, RoleAdmin},
	kinds: withStep(StatusRejected),
	in:    unanswered,
	needs: []string{"reason"},
	when:  "takes the next sub-number",
}, {
	action: ActionMerge, take: (*decision).merge,
	roles: []Role{RoleOfficer, RoleAdmin},
	kinds: withStep(StatusMerged),
	in:    unanswered,
	needs: []string{"into"},
	when:  "into is the ID of another case",
}, {
	action: ActionRequestClarification, take: (*decision).requestClarification,
	roles: []Role{RoleOfficer, RoleAdmin},
	kinds: withStep(StatusClarificationRequested),
	in:    []Status{StatusRegistered, StatusAssigned},
	when:  "takes the next sub-number; the clock stops while the requester has the kind's clarification clock to answer",
}, {
	action: ActionClarificationReceived, take: (*decision).clarificationReceived,
	roles: []Role{RoleIntake, RoleOfficer, RoleAdmin},
	kinds: withStep(StatusClarificationRequested),
	in:    []Status{StatusClarificationRequested},
	when:  "the clock runs again",
}, {
	action: ActionExtend, take: (*decision).extend,
	roles: []Role{RoleOfficer, RoleSupervisor, RoleAdmin},
	kinds: withExtension,
	in:    unanswered,
	needs: []string{"by", "reason"},
	when:  "counted in the unit of the case's clock, at most the kind's maximum extension in all",
}, {
	action: ActionSuspendClock, take: (*decision).suspendClock,
	roles: []Role{RoleSupervisor, RoleAdmin},
	kinds: withClock,
	in:    unanswered,
	needs: []string{"reason"},
	when:  "staff have not suspended the clock already",
}, {
	action: ActionResumeClock, take: (*decision).resumeClock,
	roles: []Role{RoleSupervisor, RoleAdmin},
	kinds: withClock,
	in:    unanswered,
	when:  "staff suspended the clock; it runs again with the time it had left",
}, {
	action: ActionAddMilestone, take: (*decision).addMilestone,
	roles: []Role{RoleOfficer, RoleAdmin},
	kinds: programmes,
	in:    []Status{StatusRegistered, StatusAssigned},
	needs: []string{"sector", "kind", "title"},
	when:  "an activity or a milestone, due as a request for input",
}, {
	action: ActionCompleteMilestone, take: (*decision).completeMilestone,
	roles: []Role{RoleSectorHead, RoleOfficer, RoleAdmin},
	kinds: programmes,
	in:    working,
	needs: []string{"requestId"},
	when:  "the item (not a yearly report) is open; a sector head completes only their own sector's",
}, {
	action: ActionSubmitReport, take: (*decision).submitReport,
	roles: []Role{RoleOfficer, RoleAdmin},
	kinds: programmes,
	in:    []Status{StatusRegistered, StatusAssigned},
	needs: []string{"year"},
	when:  "the year's report is open; takes the next sub-number and opens the next year's report",
}}

// rule is what one staff action requires.
type rule struct {
	action Action
	// roles may take the action.
	roles []Role
	// kinds are the kinds of case the action applies to, as Policy.Actions lists them.
	kinds kinds
	// in are the statuses in which the action may be taken, for some kind of case.
	in []Status
	// needs are the fields the action requires.
	needs []string
	// when says in words what else the action requires, and what it does.
	when string
	// take checks the rest of the action's rule and returns how to record it.
	take func(*decision) (plan, error)
}

// kinds tells whether an action applies to the kind of case that policy p is for; programme says
// whether the kind is a long-running programme.
type kinds func(p Policy, programme bool) bool

// Which kinds an action applies to.
var (
	everyKind  kinds = func(Policy, bool) bool { return true }
	programmes kinds = func(_ Policy, programme bool) bool { return programme }
	withClock  kinds = func(p Policy, _ bool) bool { return p.HasClock() }
	// withExtension are the kinds whose deadline may be extended.
	withExtension kinds = func(p Policy, _ bool) bool { return p.HasClock() && p.MaxExtension != (Clock{}) }
)

// withStep returns the kinds whose policy has step s among its steps or endings.
func withStep(s Status) kinds { return func(p Policy, _ bool) bool { return p.HasStep(s) } }

// othersWithStep returns the kinds other than programmes whose policy has step s.
func othersWithStep(s Status) kinds {
	return func(p Policy, programme bool) bool { return !programme && p.HasStep(s) }
}

// programmesOrStep returns the programmes, and the other kinds whose policy has step s.
func programmesOrStep(s Status) kinds {
	return func(p Policy, programme bool) bool { return programme || p.HasStep(s) }
}

// Statuses in which actions may be taken.
var (
	// unanswered are the statuses of a case being worked on whose answer has not gone out.
	unanswered = []Status{StatusRegistered, StatusAssigned, StatusWaitingForInput, StatusAnswerDrafted, StatusAnswerApproved, StatusClarificationRequested}
	// working are the statuses of a case between its registration and its end.
	working = []Status{StatusRegistered, StatusClarificationRequested, StatusAssigned, StatusWaitingForInput, StatusAnswerDrafted,
		StatusAnswerApproved, StatusAnswered, StatusAnsweredInPart, StatusRefused, StatusPublished}
)

// ruleOf returns the rule of action a.
func ruleOf(a Action) (rule, bool) {
	for _, r := range rules {
		if r.action == a {
			return r, true
		}
	}
	return rule{}, false
}

// plan is how to record an action that its rule allows. Checking makes it without clocks; deciding
// then calls record with them.
type plan struct {
	// record returns the events that record the action. It is the only step that needs the clocks, and
	// it may still refuse what only they can tell: a due date that has passed in the municipality's
	// time zone.
	record func(Clocks) ([]Event, error)
	// foresee, when set, refuses without clocks what record would surely refuse. Check runs it instead
	// of record; Decide leaves the refusal to record, which asks the clocks.
	foresee func() error
}

// recorded returns the plan of an action whose events need no clocks.
func recorded(events ...Event) (plan, error) {
	return plan{record: func(Clocks) ([]Event, error) { return events, nil }}, nil
}

// errNoClocks is Decide's answer without clocks.
var errNoClocks = errors.New("domain: Decide needs clocks; Check checks an action without them")

// Check reports whether the action may be taken on the case now, without clocks: EFORBIDDEN when the
// actor's role does not allow it, ECONFLICT when the case's state (or kind) does not, EINVALID for bad
// input, ENOTFOUND for an unknown action or request. It is what the workflow's update validator runs.
// Whatever Decide accepts, Check accepts; whatever Check refuses, Decide refuses with the same error.
func (p Policy) Check(c *Case, req ActionRequest, now time.Time) error {
	pl, err := p.check(c, req, now)
	if err != nil || pl.foresee == nil {
		return err
	}
	return pl.foresee()
}

// Decide checks the action like Check and returns the events that record it, computing deadlines and
// dates with clocks. It never changes the case.
func (p Policy) Decide(c *Case, req ActionRequest, now time.Time, clocks Clocks) ([]Event, error) {
	if clocks == nil {
		return nil, errNoClocks
	}
	pl, err := p.check(c, req, now)
	if err != nil {
		return nil, err
	}
	return pl.record(clocks)
}

// check checks the rules that every action shares, then the action's own, and returns how to record it.
func (p Policy) check(c *Case, req ActionRequest, now time.Time) (plan, error) {
	r, ok := ruleOf(req.Action)
	if !ok {
		return plan{}, Errorf(ENOTFOUND, "Unknown action %q.", req.Action)
	}
	if !req.Actor.HasAnyRole(r.roles...) {
		return plan{}, Errorf(EFORBIDDEN, "Your role does not allow the action %q; it needs one of: %s.", req.Action, join(r.roles))
	}
	if err := req.validateText(); err != nil {
		return plan{}, err
	}
	if IsTerminal(c.Status) {
		return plan{}, Errorf(ECONFLICT, "The case is %s; no further actions are possible.", c.Status)
	}
	if c.Status == StatusReceived {
		return plan{}, Errorf(ECONFLICT, "The case is not registered yet; try again in a moment.")
	}
	return r.take(&decision{p: p, c: c, req: req, now: now})
}
