package domain_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/predmet/predmet/domain"
)

// TestPolicy_Actions checks Policy.Actions against Check: an action is listed for a kind exactly when
// Check allows it, to an admin with every field filled in, in at least one state of a case of the kind.
func TestPolicy_Actions(t *testing.T) {
	policies := domain.DefaultPolicies()
	noApproval := policies[domain.KindPetition]
	noApproval.Steps = slices.DeleteFunc(slices.Clone(noApproval.Steps), func(s domain.Status) bool { return s == domain.StatusAnswerApproved })
	noForward := policies[domain.KindCitizenQuestion]
	noForward.Endings = []domain.Status{domain.StatusWithdrawn}

	for name, p := range map[string]domain.Policy{
		string(domain.KindPetition):              policies[domain.KindPetition],
		string(domain.KindProposal):              policies[domain.KindProposal],
		string(domain.KindPublicInformation):     policies[domain.KindPublicInformation],
		string(domain.KindCitizenQuestion):       policies[domain.KindCitizenQuestion],
		string(domain.KindMediaQuery):            policies[domain.KindMediaQuery],
		string(domain.KindTwinCityProgramme):     policies[domain.KindTwinCityProgramme],
		string(domain.KindCooperationInitiative): policies[domain.KindCooperationInitiative],
		string(domain.KindWebsitePublication):    policies[domain.KindWebsitePublication],
		"PetitionWithoutApproval":                noApproval,
		"QuestionOnlyWithdrawn":                  noForward,
	} {
		t.Run(name, func(t *testing.T) {
			got := p.Actions()
			if !slices.IsSortedFunc(got, func(a, b domain.Action) int {
				return slices.Index(domain.Actions, a) - slices.Index(domain.Actions, b)
			}) {
				t.Errorf("Actions = %v, not in the order of domain.Actions", got)
			}
			for _, a := range domain.Actions {
				if want, listed := allowedSomewhere(p, a), slices.Contains(got, a); listed != want {
					t.Errorf("%s: listed = %v, but Check allows it somewhere = %v", a, listed, want)
				}
			}
		})
	}
	if policies.Validate() != nil || noApproval.Validate() != nil || noForward.Validate() != nil {
		t.Fatal("a policy under test is not valid")
	}
}

func TestPolicy_ActionsOfDefaults(t *testing.T) {
	policies := domain.DefaultPolicies()
	for _, tt := range []struct {
		kind     domain.CaseKind
		has, not []domain.Action
	}{
		{domain.KindPetition,
			[]domain.Action{domain.ActionAssign, domain.ActionRequestInput, domain.ActionDraft, domain.ActionApprove, domain.ActionAnswer, domain.ActionForward, domain.ActionClose, domain.ActionSuspendClock},
			[]domain.Action{domain.ActionPublish, domain.ActionRefuse, domain.ActionExtend, domain.ActionRequestClarification, domain.ActionAddMilestone}},
		{domain.KindPublicInformation,
			[]domain.Action{domain.ActionRefuse, domain.ActionAnswerInPart, domain.ActionExtend, domain.ActionRequestClarification, domain.ActionClarificationReceived},
			[]domain.Action{domain.ActionPublish, domain.ActionSubmitReport}},
		{domain.KindMediaQuery,
			[]domain.Action{domain.ActionDraft, domain.ActionAnswer},
			[]domain.Action{domain.ActionApprove, domain.ActionExtend}},
		{domain.KindWebsitePublication,
			[]domain.Action{domain.ActionApprove, domain.ActionPublish},
			[]domain.Action{domain.ActionAnswer, domain.ActionForward}},
		{domain.KindTwinCityProgramme,
			[]domain.Action{domain.ActionAssign, domain.ActionAddMilestone, domain.ActionCompleteMilestone, domain.ActionReassignRequest, domain.ActionCancelRequest, domain.ActionSubmitReport, domain.ActionWithdraw, domain.ActionMerge, domain.ActionClose},
			[]domain.Action{domain.ActionRequestInput, domain.ActionAnswerRequest, domain.ActionDraft, domain.ActionAnswer, domain.ActionSuspendClock, domain.ActionExtend, domain.ActionForward}},
	} {
		got := policies[tt.kind].Actions()
		for _, a := range tt.has {
			if !slices.Contains(got, a) {
				t.Errorf("%s: %s missing from %v", tt.kind, a, got)
			}
		}
		for _, a := range tt.not {
			if slices.Contains(got, a) {
				t.Errorf("%s: %s listed in %v", tt.kind, a, got)
			}
		}
	}
}

// allowedSomewhere reports whether Check allows action a to an admin, with every field of the request
// filled in, in some state of a case of the policy's kind (see probesOf).
func allowedSomewhere(p domain.Policy, a domain.Action) bool {
	return slices.ContainsFunc(probesOf(p, a), func(pr probe) bool { return p.Check(pr.c, pr.req, pr.now) == nil })
}

// probe is an action on a case at a moment.
type probe struct {
	c   *domain.Case
	req domain.ActionRequest
	now time.Time
}

// probesOf returns action a taken by an admin, with every field of the request filled in, on a case of
// the policy's kind in each state it can be worked on: each of the kind's steps but received and the
// endings, with the case's clock running or suspended by staff.
func probesOf(p domain.Policy, a domain.Action) []probe {
	now := time.Date(2026, 5, 19, 10, 0, 0, 0, time.UTC)
	req := domain.ActionRequest{
		Action: a, Actor: domain.Actor{UserID: "emma.jones", Roles: []domain.Role{domain.RoleAdmin}},
		Officer: "ana.petrovska", Sector: "finance", RequestID: "r1", Kind: domain.RequestActivity, Title: "Visit",
		To: "Ministry", Into: uuid.NewString(), Year: 2026, Reason: "Because",
	}
	if p.HasClock() {
		req.By = &domain.Clock{Length: 1, Unit: p.Clock.Unit}
	}
	requests := []domain.Request{{ID: "r1", Kind: domain.RequestInput, Sector: "urbanism", Required: true, Status: domain.RequestIsOpen}}
	if (&domain.Case{Kind: p.Kind}).Programme() {
		requests = []domain.Request{
			{ID: "r1", Kind: domain.RequestActivity, Sector: "urbanism", Status: domain.RequestIsOpen},
			{ID: "r2", Kind: domain.RequestReport, Year: 2026, Status: domain.RequestIsOpen},
		}
	}
	var out []probe
	for _, status := range p.Steps {
		if status == domain.StatusReceived || domain.IsTerminal(status) {
			continue
		}
		for _, suspended := range []bool{false, true} {
			c := &domain.Case{
				ID: uuid.NewString(), Kind: p.Kind, Status: status, Sector: "urbanism", Officer: "emma.jones",
				ArchiveNumber: &domain.ArchiveNumber{Unit: "08", Year: 2026, Number: 12, Sub: 1},
				Requests:      slices.Clone(requests),
			}
			if p.HasClock() {
				c.Deadline = &domain.Deadline{Start: now, Clock: p.Clock, DueAt: now.AddDate(0, 1, 0)}
				if suspended {
					c.Deadline.Suspended = true
					c.Deadline.Changes = []domain.ClockChange{{Kind: domain.ClockSuspended, Source: domain.SourceCase, At: now}}
				}
			}
			out = append(out, probe{c: c, req: req, now: now})
		}
	}
	return out
}
