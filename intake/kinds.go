package intake

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/predmet/predmet/domain"
)

// registerKindRoutes registers the routes of case kinds on r, the authenticated /api/v1 router.
func (s *Server) registerKindRoutes(r *mux.Router) {
	r.Handle("/api/v1/kinds", s.requireRole(s.handleKinds, domain.Roles...)).Methods(http.MethodGet)
}

// kindsView lists the case kinds with their policies.
type kindsView struct {
	Kinds []kindView `json:"kinds"`
}

// kindView is the policy of a case kind, with its clocks in short form ("60d", "15wd", "48h", "30m")
// and the actions that apply to it.
type kindView struct {
	Kind    domain.CaseKind `json:"kind"`
	Steps   []domain.Status `json:"steps"`
	Endings []domain.Status `json:"endings"`
	// Clock is null for kinds that run no clock (programmes).
	Clock       *string           `json:"clock"`
	ClockStarts domain.ClockStart `json:"clockStarts"`
	// MaxExtension and Clarification are null when the kind has no extension or no clarification step.
	MaxExtension  *string           `json:"maxExtension"`
	Clarification *string           `json:"clarification"`
	Requests      requestPolicyView `json:"requests"`
	Programme     bool              `json:"programme"`
	// YearlyReport is when a programme's yearly report is due; null for other kinds.
	YearlyReport *yearlyReportView `json:"yearlyReport"`
	Actions      []domain.Action   `json:"actions"`
}

// requestPolicyView is how a kind's requests for input are reminded and escalated.
type requestPolicyView struct {
	Clock      string               `json:"clock"`
	Reminders  []string             `json:"reminders"`
	Escalation []escalationStepView `json:"escalation"`
}

// escalationStepView is a rung of an escalation ladder: after the due instant, to a level.
type escalationStepView struct {
	After string                 `json:"after"`
	To    domain.EscalationLevel `json:"to"`
}

// yearlyReportView is the day of the following year by which a programme's yearly report is due.
type yearlyReportView struct {
	Month int `json:"month"`
	Day   int `json:"day"`
}

// policies returns the server's policies, the defaults when none are set.
func (s *Server) policies() domain.Policies {
	if s.Policies == nil {
		return domain.DefaultPolicies()
	}
	return s.Policies
}

// handleKinds handles "GET /api/v1/kinds": the policy of every case kind, in the order of domain.CaseKinds.
func (s *Server) handleKinds(w http.ResponseWriter, r *http.Request) {
	policies := s.policies()
	v := kindsView{Kinds: make([]kindView, 0, len(domain.CaseKinds))}
	for _, k := range domain.CaseKinds {
		if p, ok := policies[k]; ok {
			v.Kinds = append(v.Kinds, newKindView(p))
		}
	}
	s.writeJSON(w, r, http.StatusOK, v)
}

// newKindView returns the view of a kind's policy.
func newKindView(p domain.Policy) kindView {
	v := kindView{
		Kind:          p.Kind,
		Steps:         append([]domain.Status{}, p.Steps...),
		Endings:       append([]domain.Status{}, p.Endings...),
		Clock:         optionalClock(p.Clock),
		ClockStarts:   p.ClockStarts,
		MaxExtension:  optionalClock(p.MaxExtension),
		Clarification: optionalClock(p.Clarification),
		Requests: requestPolicyView{
			Clock:      p.Requests.Clock.String(),
			Reminders:  make([]string, len(p.Requests.Reminders)),
			Escalation: make([]escalationStepView, len(p.Requests.Escalation)),
		},
		Programme: p.Programme,
		Actions:   append([]domain.Action{}, p.Actions()...),
	}
	for i, c := range p.Requests.Reminders {
		v.Requests.Reminders[i] = c.String()
	}
	for i, e := range p.Requests.Escalation {
		v.Requests.Escalation[i] = escalationStepView{After: e.After.String(), To: e.To}
	}
	if y := p.YearlyReport; y != nil && p.Programme {
		v.YearlyReport = &yearlyReportView{Month: int(y.Month), Day: y.Day}
	}
	return v
}

// optionalClock returns the short form of c, or nil for the zero Clock.
func optionalClock(c domain.Clock) *string {
	if c == (domain.Clock{}) {
		return nil
	}
	s := c.String()
	return &s
}
