package domain_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/predmet/predmet/domain"
)

// TestRules checks the table of rules (rules.go) against what Check does: for every action, the roles
// it names are those Check lets through, the statuses it names are those in which Check allows the
// action for some kind of case, and the fields it names are those without which Check refuses it.
func TestRules(t *testing.T) {
	if got := domain.RuleActions(); !slices.Equal(got, domain.Actions) {
		t.Fatalf("the rules are for %v, want one for each of %v in order", got, domain.Actions)
	}
	policies := rulePolicies()
	for _, a := range domain.Actions {
		t.Run(string(a), func(t *testing.T) {
			roles, in, needs, ok := domain.RuleOf(a)
			if !ok {
				t.Fatal("no rule")
			}
			var allowed []domain.Status
			var sample *probe
			for _, p := range policies {
				if !slices.Contains(p.Actions(), a) {
					continue
				}
				for _, pr := range probesOf(p, a) {
					if p.Check(pr.c, pr.req, pr.now) != nil {
						continue
					}
					if !slices.Contains(allowed, pr.c.Status) {
						allowed = append(allowed, pr.c.Status)
					}
					if sample == nil {
						sample = &pr
						checkRoles(t, p, pr, roles)
						checkNeeds(t, p, pr, needs)
					}
				}
			}
			if sample == nil {
				t.Fatal("Check allows it nowhere")
			}
			for _, s := range domain.Statuses {
				if listed, ok := slices.Contains(in, s), slices.Contains(allowed, s); listed != ok {
					t.Errorf("%s: listed %t, but Check allows it there for some kind: %t", s, listed, ok)
				}
			}
		})
	}
}

// checkRoles checks that an actor with only one role (and the sector of the request acted on) may
// take the action exactly when the role is one of roles.
func checkRoles(t *testing.T, p domain.Policy, pr probe, roles []domain.Role) {
	t.Helper()
	for _, role := range domain.Roles {
		req := pr.req
		req.Actor = domain.Actor{UserID: "someone", Roles: []domain.Role{role}, Sector: "urbanism"}
		err := p.Check(pr.c, req, pr.now)
		if forbidden := domain.ErrorCode(err) == domain.EFORBIDDEN; forbidden == slices.Contains(roles, role) {
			t.Errorf("role %s: listed %t, but Check says %v", role, slices.Contains(roles, role), err)
		}
	}
}

// checkNeeds checks that Check refuses the action without each field of needs, naming the field, and
// takes it without any other.
func checkNeeds(t *testing.T, p domain.Policy, pr probe, needs []string) {
	t.Helper()
	for _, f := range []struct {
		name  string
		blank func(*domain.ActionRequest)
	}{
		{"officer", func(r *domain.ActionRequest) { r.Officer = "" }},
		{"sector", func(r *domain.ActionRequest) { r.Sector = "" }},
		{"requestId", func(r *domain.ActionRequest) { r.RequestID = "" }},
		{"kind", func(r *domain.ActionRequest) { r.Kind = "" }},
		{"title", func(r *domain.ActionRequest) { r.Title = "" }},
		{"to", func(r *domain.ActionRequest) { r.To = "" }},
		{"into", func(r *domain.ActionRequest) { r.Into = "" }},
		{"by", func(r *domain.ActionRequest) { r.By = nil }},
		{"year", func(r *domain.ActionRequest) { r.Year = 0 }},
		{"reason", func(r *domain.ActionRequest) { r.Reason = "" }},
		{"note", func(r *domain.ActionRequest) { r.Note = "" }},
	} {
		req := pr.req
		f.blank(&req)
		err := p.Check(pr.c, req, pr.now)
		var e *domain.Error
		refused := domain.ErrorCode(err) == domain.EINVALID && errors.As(err, &e) && e.Field == f.name
		if listed := slices.Contains(needs, f.name); refused != listed || (!refused && err != nil) {
			t.Errorf("without %s: listed %t, but Check says %v", f.name, listed, err)
		}
	}
}

// rulePolicies returns the policies whose actions TestRules tries: the defaults, each without its
// approval step, and each with every step and ending.
func rulePolicies() []domain.Policy {
	var out []domain.Policy
	for _, k := range domain.CaseKinds {
		p := domain.DefaultPolicies()[k]
		out = append(out, p)
		if p.HasStep(domain.StatusAnswerApproved) {
			q := domain.DefaultPolicies()[k]
			q.Steps = slices.DeleteFunc(q.Steps, func(s domain.Status) bool { return s == domain.StatusAnswerApproved })
			out = append(out, q)
		}
		all := domain.DefaultPolicies()[k]
		all.Steps, all.Endings = nil, nil
		for _, s := range domain.Statuses {
			if domain.IsTerminal(s) && s != domain.StatusClosed {
				all.Endings = append(all.Endings, s)
			} else {
				all.Steps = append(all.Steps, s)
			}
		}
		out = append(out, all)
	}
	return out
}
