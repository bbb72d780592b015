package domain

// actionSteps names, for each action that leads to a step of the lifecycle, the status a kind's policy
// must have (among its steps or endings) for the action to apply, as Decide checks it with needStep.
// The others, which apply to every kind or by other rules, are in Policy.applies.
var actionSteps = map[Action]Status{
	ActionDraft:                 StatusDrafted,
	ActionApprove:               StatusApproved,
	ActionAnswer:                StatusAnswered,
	ActionAnswerInPart:          StatusAnsweredInPart,
	ActionRefuse:                StatusRefused,
	ActionPublish:               StatusPublished,
	ActionForward:               StatusForwarded,
	ActionWithdraw:              StatusWithdrawn,
	ActionReject:                StatusRejected,
	ActionMerge:                 StatusMerged,
	ActionRequestClarification:  StatusClarification,
	ActionClarificationReceived: StatusClarification,
}

// Actions returns the actions that apply to cases of the policy's kind, in the order of Actions: those
// whose step the kind has, the generic ones (assign, close), extend when the deadline may be extended,
// suspend_clock and resume_clock when the kind runs a clock, and a programme's own actions for
// programmes. An action that applies may still be refused in a given status or for a given role (see
// Decide); one that does not apply is refused in every status with ECONFLICT.
func (p Policy) Actions() []Action {
	// Decide tells programmes by their kind (Case.Programme), so this does too.
	programme := (&Case{Kind: p.Kind}).Programme()
	var out []Action
	for _, a := range Actions {
		if p.applies(a, programme) {
			out = append(out, a)
		}
	}
	return out
}

// applies reports whether action a applies to the policy's kind.
func (p Policy) applies(a Action, programme bool) bool {
	switch a {
	case ActionAssign, ActionClose:
		return true
	case ActionReassignRequest, ActionCancelRequest:
		return programme || p.HasStep(StatusWaitingForInput)
	case ActionRequestInput, ActionAnswerRequest:
		return !programme && p.HasStep(StatusWaitingForInput)
	case ActionExtend:
		return p.HasClock() && p.MaxExtension != (Clock{})
	case ActionSuspendClock, ActionResumeClock:
		return p.HasClock()
	case ActionAddMilestone, ActionCompleteMilestone, ActionSubmitReport:
		return programme
	}
	step, ok := actionSteps[a]
	return ok && p.HasStep(step)
}
