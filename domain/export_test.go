package domain

// RuleOf returns, for the tests, the roles, the statuses and the fields of action a's rule.
func RuleOf(a Action) (roles []Role, in []Status, needs []string, ok bool) {
	r, ok := ruleOf(a)
	return r.roles, r.in, r.needs, ok
}

// RuleActions returns, for the tests, the actions of the rules in their order.
func RuleActions() []Action {
	out := make([]Action, len(rules))
	for i, r := range rules {
		out[i] = r.action
	}
	return out
}
