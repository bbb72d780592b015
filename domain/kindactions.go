package domain

// Actions returns the actions that apply to cases of the policy's kind, in the order of Actions: those
// whose rule's kinds include it (see rules). An action that applies may still be refused in a given
// status or for a given role (see Check); one that does not apply is refused in every status with
// ECONFLICT.
func (p Policy) Actions() []Action {
	// Decide tells programmes by their kind (Case.Programme), so this does too.
	programme := (&Case{Kind: p.Kind}).Programme()
	var out []Action
	for _, a := range Actions {
		if r, ok := ruleOf(a); ok && r.kinds(p, programme) {
			out = append(out, a)
		}
	}
	return out
}
