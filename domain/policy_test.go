package domain_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
)

// mustLoadPolicies loads a policy file from a string or fails the test.
func mustLoadPolicies(t *testing.T, file string) domain.Policies {
	t.Helper()
	ps, err := domain.LoadPolicies(strings.NewReader(file))
	if err != nil {
		t.Fatalf("LoadPolicies(%s) = %v", file, err)
	}
	return ps
}

func clock(t *testing.T, s string) domain.Clock {
	t.Helper()
	c, err := domain.ParseClock(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDefaultPolicies(t *testing.T) {
	ps := domain.DefaultPolicies()
	if err := ps.Validate(); err != nil {
		t.Fatalf("DefaultPolicies().Validate() = %v", err)
	}
	if len(ps) != len(domain.CaseKinds) {
		t.Errorf("%d policies for %d kinds", len(ps), len(domain.CaseKinds))
	}
	for _, tt := range []struct {
		kind                        domain.CaseKind
		clock, ext, clarify, reqClk string
		programme                   bool
	}{
		{domain.KindPetition, "60d", "", "", "5wd", false},
		{domain.KindProposal, "60d", "", "", "5wd", false},
		{domain.KindPublicInformation, "20d", "10d", "3d", "3wd", false},
		{domain.KindCitizenQuestion, "15wd", "", "", "5wd", false},
		{domain.KindMediaQuery, "48h", "", "", "4h", false},
		{domain.KindTwinCityProgramme, "", "", "", "10wd", true},
		{domain.KindCooperationInitiative, "", "", "", "10wd", true},
		{domain.KindWebsitePublication, "3wd", "", "", "5wd", false},
	} {
		t.Run("OK/"+string(tt.kind), func(t *testing.T) {
			p := ps[tt.kind]
			str := func(c domain.Clock) string {
				if c == (domain.Clock{}) {
					return ""
				}
				return c.String()
			}
			if p.Kind != tt.kind || str(p.Clock) != tt.clock || str(p.MaxExtension) != tt.ext || str(p.Clarification) != tt.clarify ||
				p.Requests.Clock.String() != tt.reqClk || p.Programme != tt.programme || p.ClockStarts != domain.FromReceipt {
				t.Errorf("policy = %+v", p)
			}
			if p.Programme != (p.YearlyReport != nil) || p.HasClock() == p.Programme {
				t.Errorf("programme %t, yearly report %v, clock %v", p.Programme, p.YearlyReport, p.Clock)
			}
			if len(p.Requests.Escalation) == 0 || len(p.Requests.Reminders) == 0 {
				t.Errorf("requests = %+v, want reminders and a ladder", p.Requests)
			}
		})
	}

	t.Run("OKEachKindHasItsOwnLists", func(t *testing.T) {
		ps := domain.DefaultPolicies()
		ps[domain.KindPetition].Steps[0] = "changed"
		ps[domain.KindPetition].Requests.Escalation[0].To = domain.LevelCabinet
		ps[domain.KindPetition].Endings[0] = "changed"
		fresh := domain.DefaultPolicies()
		for _, k := range []domain.CaseKind{domain.KindProposal, domain.KindCitizenQuestion} {
			if ps[k].Steps[0] != domain.StatusReceived || ps[k].Requests.Escalation[0].To != domain.LevelDeputy || ps[k].Endings[0] != domain.StatusForwarded {
				t.Errorf("changing the petition's lists changed the %s's: %+v", k, ps[k])
			}
		}
		if fresh[domain.KindPetition].Steps[0] != domain.StatusReceived {
			t.Error("changing one DefaultPolicies result changed the next")
		}
	})
}

func TestLoadPolicies(t *testing.T) {
	t.Run("OKEmpty", func(t *testing.T) {
		for _, file := range []string{`{}`, `{"kinds": {}}`, `{"comment": "nothing changed", "kinds": {"petition": {}}}`} {
			ps := mustLoadPolicies(t, file)
			if ps[domain.KindPetition].Clock.String() != "60d" || len(ps) != len(domain.CaseKinds) {
				t.Errorf("%s: policies differ from the defaults", file)
			}
		}
	})

	t.Run("OKOverrides", func(t *testing.T) {
		ps := mustLoadPolicies(t, `{"kinds": {
			"media_query": {"clock": "4h", "requests": {"clock": "2h", "reminders": ["1h", "30m"],
				"escalation": [{"after": "0m", "to": "head"}, {"after": "1h", "to": "cabinet"}]}},
			"citizen_question": {"clock": {"length": 10, "unit": "working_days"}},
			"twin_city_programme": {"yearlyReport": {"month": 2, "day": 15}}
		}}`)
		media := ps[domain.KindMediaQuery]
		if media.Clock != clock(t, "4h") || media.Requests.Clock != clock(t, "2h") {
			t.Errorf("media clocks = %v, %v", media.Clock, media.Requests.Clock)
		}
		if !slices.Equal(media.Requests.Reminders, []domain.Clock{clock(t, "1h"), clock(t, "30m")}) {
			t.Errorf("media reminders = %v", media.Requests.Reminders)
		}
		want := []domain.EscalationStep{{After: domain.Clock{Unit: domain.Minutes}, To: domain.LevelHead}, {After: clock(t, "1h"), To: domain.LevelCabinet}}
		if !slices.Equal(media.Requests.Escalation, want) {
			t.Errorf("media ladder = %v, want %v: replaced whole", media.Requests.Escalation, want)
		}
		if media.Kind != domain.KindMediaQuery || !slices.Equal(media.Steps, domain.DefaultPolicies()[domain.KindMediaQuery].Steps) {
			t.Errorf("media steps = %v, want the defaults", media.Steps)
		}
		if c := ps[domain.KindCitizenQuestion].Clock; c != clock(t, "10wd") {
			t.Errorf("citizen question clock = %v", c)
		}
		if r := ps[domain.KindTwinCityProgramme].YearlyReport; r == nil || r.Month != time.February || r.Day != 15 {
			t.Errorf("yearly report = %+v", r)
		}
		if r := ps[domain.KindCooperationInitiative].YearlyReport; r == nil || r.Month != time.January || r.Day != 31 {
			t.Errorf("cooperation's yearly report = %+v, want the default", r)
		}
	})

	t.Run("OKObjectChangesOnlyTheFieldsNamed", func(t *testing.T) {
		ps := mustLoadPolicies(t, `{"kinds": {"petition": {"requests": {"clock": "3wd"}}}}`)
		p, def := ps[domain.KindPetition], domain.DefaultPolicies()[domain.KindPetition]
		if p.Requests.Clock != clock(t, "3wd") || !slices.Equal(p.Requests.Escalation, def.Requests.Escalation) || !slices.Equal(p.Requests.Reminders, def.Requests.Reminders) {
			t.Errorf("requests = %+v, want the default reminders and ladder", p.Requests)
		}
	})

	t.Run("OKListElementsDoNotInheritDefaults", func(t *testing.T) {
		// A rung without "after" is not the default's first rung with another level: it is an error.
		_, err := domain.LoadPolicies(strings.NewReader(`{"kinds": {"petition": {"requests": {"escalation": [{"to": "head"}]}}}}`))
		if domain.ErrorCode(err) != domain.EINVALID || fieldOf(err) != "petition.requests.escalation[0].after" {
			t.Errorf("LoadPolicies = %v, want EINVALID at petition.requests.escalation[0].after", err)
		}
	})

	t.Run("OKOverrideOfOneKindLeavesOthers", func(t *testing.T) {
		ps := mustLoadPolicies(t, `{"kinds": {"petition": {"steps": ["received", "registered", "assigned", "answer_drafted", "answered", "closed"],
			"requests": {"escalation": [{"after": "0m", "to": "cabinet"}]}}}}`)
		def := domain.DefaultPolicies()
		for _, k := range []domain.CaseKind{domain.KindProposal, domain.KindCitizenQuestion, domain.KindPublicInformation} {
			if !slices.Equal(ps[k].Requests.Escalation, def[k].Requests.Escalation) || !slices.Equal(ps[k].Steps, def[k].Steps) {
				t.Errorf("%s changed with the petition: %+v", k, ps[k])
			}
		}
		if ps[domain.KindPetition].HasStep(domain.StatusAnswerApproved) {
			t.Error("the petition kept the approval step")
		}
	})

	t.Run("OKNullRemovesADefault", func(t *testing.T) {
		ps := mustLoadPolicies(t, `{"kinds": {"public_information": {"maxExtension": null},
			"media_query": {"requests": {"reminders": null}}}}`)
		if ps[domain.KindPublicInformation].MaxExtension != (domain.Clock{}) {
			t.Errorf("maxExtension = %v, want none", ps[domain.KindPublicInformation].MaxExtension)
		}
		if ps[domain.KindMediaQuery].Requests.Reminders != nil {
			t.Errorf("reminders = %v, want none", ps[domain.KindMediaQuery].Requests.Reminders)
		}
	})

	for _, tt := range []struct {
		name, file, field, message string
	}{
		{"ErrSyntax", `{"kinds": `, "", "policy file"},
		{"ErrMoreData", `{} {}`, "", "more data"},
		{"ErrUnknownTopField", `{"kind": {}}`, "kind", `unknown field "kind"`},
		{"ErrUnknownKind", `{"kinds": {"complaint": {"clock": "5d"}}}`, "kinds", `unknown case kind "complaint"`},
		{"ErrUnknownField", `{"kinds": {"media_query": {"clok": "4h"}}}`, "media_query.clok", `unknown field "clok"`},
		{"ErrUnknownNestedField", `{"kinds": {"media_query": {"requests": {"reminder": ["1h"]}}}}`, "media_query.requests.reminder", `unknown field "reminder"`},
		{"ErrFieldNamesAreCaseSensitive", `{"kinds": {"media_query": {"Clock": "4h"}}}`, "media_query.Clock", "unknown field"},
		{"ErrBadClockString", `{"kinds": {"media_query": {"clock": "4 hours"}}}`, "media_query.clock", `invalid clock "4 hours"`},
		{"ErrClockNumber", `{"kinds": {"petition": {"clock": 60}}}`, "petition.clock", `want a clock such as "60d"`},
		{"ErrBadClockInLadder", `{"kinds": {"media_query": {"requests": {"escalation": [{"after": "0m", "to": "head"}, {"after": "1x", "to": "cabinet"}]}}}}`,
			"media_query.requests.escalation[1].after", `invalid clock "1x"`},
		{"ErrBadReminder", `{"kinds": {"petition": {"requests": {"reminders": ["1wd", "0d"]}}}}`, "petition.requests.reminders[1]", "out of range"},
		{"ErrZeroClock", `{"kinds": {"media_query": {"clock": "0h"}}}`, "media_query.clock", "out of range"},
		{"ErrUnknownEscalationLevel", `{"kinds": {"media_query": {"requests": {"escalation": [{"after": "1h", "to": "mayor"}]}}}}`,
			"media_query.requests.escalation[0].to", `unknown level "mayor"`},
		{"ErrMaxExtensionInAnotherUnit", `{"kinds": {"public_information": {"maxExtension": "10wd"}}}`, "public_information.maxExtension", "counted like the clock"},
		{"ErrProgrammeWithoutYearlyReport", `{"kinds": {"twin_city_programme": {"yearlyReport": null}}}`, "twin_city_programme.yearlyReport", "needs a yearly report"},
		{"ErrYearlyReportNotEveryYear", `{"kinds": {"cooperation_initiative": {"yearlyReport": {"month": 2, "day": 29}}}}`, "cooperation_initiative.yearlyReport", "not a day of every year"},
		{"ErrNoClock", `{"kinds": {"petition": {"clock": null}}}`, "petition.clock", "only programmes may run without a clock"},
		{"ErrNotAProgramme", `{"kinds": {"petition": {"programme": true}}}`, "petition.programme", "fixed by the kind"},
		{"ErrProgrammeFlagWrongType", `{"kinds": {"petition": {"programme": "yes"}}}`, "petition.programme", `want true or false, not the string "yes"`},
		{"ErrMissingClosedStep", `{"kinds": {"petition": {"steps": ["received", "registered", "assigned", "answer_drafted", "answered"]}}}`, "petition.steps", `the step "closed"`},
		{"ErrMissingDraftStep", `{"kinds": {"petition": {"steps": ["received", "registered", "assigned", "answered", "closed"]}}}`, "petition.steps", `the step "answer_drafted"`},
		{"ErrNoAnswerStep", `{"kinds": {"petition": {"steps": ["received", "registered", "assigned", "answer_drafted", "closed"]}}}`, "petition.steps", "one of the steps answered"},
		{"ErrStepsNotAList", `{"kinds": {"petition": {"steps": "received"}}}`, "petition.steps", "want a list"},
		{"ErrEndingAsStep", `{"kinds": {"petition": {"steps": ["received", "registered", "assigned", "answer_drafted", "answered", "forwarded", "closed"]}}}`, "petition.steps", `"forwarded" is not a step`},
		{"ErrStepAsEnding", `{"kinds": {"petition": {"endings": ["closed"]}}}`, "petition.endings", `"closed" is not an ending`},
		{"ErrClarificationWithoutStep", `{"kinds": {"petition": {"clarification": "3d"}}}`, "petition.clarification", "needs the step"},
		{"ErrClarificationStepWithoutTime", `{"kinds": {"public_information": {"clarification": null}}}`, "public_information.clarification", "needs a clarification time"},
		{"ErrClockStarts", `{"kinds": {"petition": {"clockStarts": "arrival"}}}`, "petition.clockStarts", `not "arrival"`},
		{"ErrKindMismatch", `{"kinds": {"media_query": {"kind": "petition"}}}`, "media_query.kind", "the key it is under"},
		{"ErrKindsNotAnObject", `{"kinds": {"petition": []}}`, "petition", "want an object"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := domain.LoadPolicies(strings.NewReader(tt.file))
			if domain.ErrorCode(err) != domain.EINVALID || ps != nil {
				t.Fatalf("LoadPolicies(%s) = %v, %v, want EINVALID", tt.file, ps != nil, err)
			}
			if got := fieldOf(err); got != tt.field {
				t.Errorf("field = %q, want %q (%v)", got, tt.field, err)
			}
			if msg := domain.ErrorMessage(err); !strings.Contains(msg, tt.message) || strings.Contains(msg, "predmet error") {
				t.Errorf("message = %q, want it to say %q", msg, tt.message)
			}
		})
	}

	t.Run("OKShippedFiles", func(t *testing.T) {
		for _, name := range []string{"example.json", "minutes.json"} {
			t.Run(name, func(t *testing.T) {
				f, err := os.Open("../deploy/policies/" + name)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				ps, err := domain.LoadPolicies(f)
				if err != nil {
					t.Fatalf("LoadPolicies(deploy/policies/%s) = %v", name, err)
				}
				if err := ps.Validate(); err != nil {
					t.Fatalf("Validate = %v", err)
				}
			})
		}
	})

	t.Run("OKExampleFile", func(t *testing.T) {
		ps := mustLoadFile(t, "../deploy/policies/example.json")
		if c := ps[domain.KindMediaQuery].Clock; c != clock(t, "4h") {
			t.Errorf("media query clock = %v, want 4h", c)
		}
		for _, s := range ps[domain.KindMediaQuery].Requests.Escalation {
			if s.After.Unit != domain.Hours {
				t.Errorf("media query ladder %v, want it in hours", ps[domain.KindMediaQuery].Requests.Escalation)
			}
		}
		if c := ps[domain.KindCitizenQuestion].Clock; c != clock(t, "10wd") {
			t.Errorf("citizen question clock = %v, want 10wd", c)
		}
		if c := ps[domain.KindPetition].Clock; c != clock(t, "60d") {
			t.Errorf("petition clock = %v, want the law's 60d", c)
		}
	})

	t.Run("OKMinutesFile", func(t *testing.T) {
		ps := mustLoadFile(t, "../deploy/policies/minutes.json")
		for _, k := range domain.CaseKinds {
			p := ps[k]
			if p.Programme {
				if p.HasClock() {
					t.Errorf("%s: clock %v, want none", k, p.Clock)
				}
			} else if p.Clock.Unit != domain.Minutes {
				t.Errorf("%s: clock %v, want minutes", k, p.Clock)
			}
			clocks := append([]domain.Clock{p.Requests.Clock}, p.Requests.Reminders...)
			for _, s := range p.Requests.Escalation {
				clocks = append(clocks, s.After)
			}
			if p.MaxExtension != (domain.Clock{}) {
				clocks = append(clocks, p.MaxExtension)
			}
			if p.Clarification != (domain.Clock{}) {
				clocks = append(clocks, p.Clarification)
			}
			for _, c := range clocks {
				if c.Unit != domain.Minutes || c.Length > 60 {
					t.Errorf("%s: clock %v, want a few minutes", k, c)
				}
			}
			if len(p.Requests.Reminders) == 0 || len(p.Requests.Escalation) == 0 {
				t.Errorf("%s: requests %+v, want reminders and a ladder to watch", k, p.Requests)
			}
		}
		if p := ps[domain.KindPublicInformation]; !p.HasStep(domain.StatusClarificationRequested) || p.MaxExtension == (domain.Clock{}) {
			t.Errorf("public information = %+v, want its clarification and extension kept", p)
		}
	})
}

func mustLoadFile(t *testing.T, path string) domain.Policies {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ps, err := domain.LoadPolicies(f)
	if err != nil {
		t.Fatalf("LoadPolicies(%s) = %v", path, err)
	}
	return ps
}

// fieldOf returns the field an error names.
func fieldOf(err error) string {
	var e *domain.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

func TestPolicy_Validate(t *testing.T) {
	base := domain.DefaultPolicies()[domain.KindPetition]
	for _, tt := range []struct {
		name   string
		change func(p *domain.Policy)
		field  string
	}{
		{"ErrUnknownKind", func(p *domain.Policy) { p.Kind = "complaint" }, "kind"},
		{"ErrBadUnit", func(p *domain.Policy) { p.Clock.Unit = "weeks" }, "petition.clock"},
		{"ErrBadRequestClock", func(p *domain.Policy) { p.Requests.Clock = domain.Clock{} }, "petition.requests.clock"},
		{"ErrBadEscalationOffset", func(p *domain.Policy) {
			p.Requests.Escalation = []domain.EscalationStep{{After: domain.Clock{Length: -1, Unit: domain.Hours}, To: domain.LevelHead}}
		}, "petition.requests.escalation[0].after"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := base
			p.Requests.Escalation = slices.Clone(base.Requests.Escalation)
			tt.change(&p)
			if err := p.Validate(); domain.ErrorCode(err) != domain.EINVALID || fieldOf(err) != tt.field {
				t.Errorf("Validate = %v, want EINVALID at %s", err, tt.field)
			}
		})
	}
	t.Run("ErrMissingKind", func(t *testing.T) {
		ps := domain.DefaultPolicies()
		delete(ps, domain.KindMediaQuery)
		if err := ps.Validate(); domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "media_query") {
			t.Errorf("Validate = %v, want EINVALID naming media_query", err)
		}
	})
}
