package domain_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
)

var (
	updateDecisions = flag.Bool("update-decisions", false, "record testdata/decisions.golden from the current Policy.Check and Policy.Decide")
	dumpDecisions   = flag.String("dump-decisions", "", "write every decision that TestDecisions_Unchanged makes to this file, one a line, to compare two versions")
)

// decisionsGolden holds, per policy and action, how many decisions TestDecisions_Unchanged makes and a
// digest of them all.
const decisionsGolden = "testdata/decisions.golden"

// TestDecisions_Unchanged guards the determinism of the case workflow: Policy.Decide must return the same
// events, in the same order, with the same values, and ask the clocks the same questions in the same
// order (each is a local activity in the workflow's history), for every input, as it did when
// testdata/decisions.golden was recorded; Policy.Check must refuse the same actions with the same errors.
// The inputs are every kind (and a few changed policies) × every status × requests and clock states ×
// every action × roles × inputs, at two moments. Run it with -dump-decisions=FILE at two commits and diff
// the files to see what changed.
func TestDecisions_Unchanged(t *testing.T) {
	got := passDecisions(t).golden
	if *updateDecisions {
		if err := os.WriteFile(decisionsGolden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(decisionsGolden)
	if err != nil {
		t.Fatal(err)
	}
	wantLines, gotLines := strings.Split(string(want), "\n"), strings.Split(got, "\n")
	if len(wantLines) != len(gotLines) {
		t.Errorf("%d lines, want %d", len(gotLines), len(wantLines))
	}
	for i := range min(len(wantLines), len(gotLines)) {
		if wantLines[i] != gotLines[i] {
			t.Errorf("decisions changed:\n got %s\nwant %s", gotLines[i], wantLines[i])
		}
	}
}

// TestCheck_AgreesWithDecide: checking without clocks never refuses what deciding accepts, and what it
// refuses, deciding refuses with the same error. Check may accept what Decide then refuses, for reasons
// only the calendar tells (a due date that has passed in the municipality's time zone).
func TestCheck_AgreesWithDecide(t *testing.T) {
	pass := passDecisions(t)
	for _, d := range pass.disagreements {
		t.Error(d)
	}
	if pass.accepted < pass.n/50 {
		t.Errorf("Decide accepted %d of %d actions: too few to tell anything", pass.accepted, pass.n)
	}
}

// decisionsPass is what one pass over every decision found.
type decisionsPass struct {
	// golden is the text of testdata/decisions.golden: per policy and action, the number of decisions
	// and a digest of what Check and Decide made of them.
	golden string
	// disagreements are the decisions where Check and Decide disagree.
	disagreements []string
	// n counts the decisions, accepted those that Decide accepted.
	n, accepted int
}

var (
	decisionsOnce sync.Once
	decisions     decisionsPass
)

// passDecisions makes every decision once for the tests that read them.
func passDecisions(t *testing.T) decisionsPass {
	decisionsOnce.Do(func() { decisions = makeDecisions(t) })
	return decisions
}

// makeDecisions makes every decision, writing each to the -dump-decisions file if one is named.
func makeDecisions(t *testing.T) decisionsPass {
	type group struct {
		n      int
		digest hash.Hash
	}
	var pass decisionsPass
	var names []string
	groups := map[string]*group{}
	var dump *bufio.Writer
	if *dumpDecisions != "" {
		f, err := os.Create(*dumpDecisions)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		dump = bufio.NewWriter(f)
		defer dump.Flush()
	}
	eachDecision(t, func(d decisionCase) {
		var calls []string
		checkErr := d.check()
		events, decideErr := d.decide(&calls)

		pass.n++
		switch {
		case decideErr == nil && checkErr != nil:
			pass.disagreements = append(pass.disagreements, fmt.Sprintf("%s: Decide accepts, Check refuses: %v", d.key(), checkErr))
		case checkErr != nil && errorText(checkErr) != errorText(decideErr):
			pass.disagreements = append(pass.disagreements, fmt.Sprintf("%s: Check refuses with %s, Decide with %s", d.key(), errorText(checkErr), errorText(decideErr)))
		case decideErr == nil && len(events) == 0:
			pass.disagreements = append(pass.disagreements, fmt.Sprintf("%s: Decide accepts without events", d.key()))
		case decideErr == nil:
			pass.accepted++
		}

		name := d.policy + " " + string(d.req.Action)
		g := groups[name]
		if g == nil {
			g = &group{digest: sha256.New()}
			groups[name] = g
			names = append(names, name)
		}
		line := d.key() + "\t" + outcome(checkErr, events, decideErr, calls) + "\n"
		g.n++
		g.digest.Write([]byte(line))
		if dump != nil {
			dump.WriteString(line)
		}
	})

	var golden strings.Builder
	golden.WriteString("# Policy.Check and Policy.Decide: per policy and action, the number of decisions and their digest.\n")
	golden.WriteString("# Recorded by go test ./domain -run TestDecisions_Unchanged -update-decisions; never update it to make a change pass.\n")
	for _, name := range names {
		g := groups[name]
		fmt.Fprintf(&golden, "%s %d %s\n", name, g.n, hex.EncodeToString(g.digest.Sum(nil))[:16])
	}
	pass.golden = golden.String()
	return pass
}

// decisionCase is one action on one case at one moment, as TestDecisions_Unchanged tries it.
type decisionCase struct {
	policy, state, moment, actor, input string
	p                                   domain.Policy
	c                                   *domain.Case
	req                                 domain.ActionRequest
	now                                 time.Time
	clocks                              domain.Clocks
}

// key names the decision.
func (d decisionCase) key() string {
	return strings.Join([]string{d.policy, d.state, d.moment, string(d.req.Action), d.actor, d.input}, "/")
}

// check runs Policy.Check; a panic becomes an error that says so.
func (d decisionCase) check() (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return d.p.Check(d.c, d.req, d.now)
}

// decide runs Policy.Decide with clocks that note every question asked of them in calls. A panic
// becomes an error that says so: on states that no case reaches (a programme waiting for a
// clarification, with no clock to resume), Decide dereferences the missing deadline.
func (d decisionCase) decide(calls *[]string) (events []domain.Event, err error) {
	defer func() {
		if v := recover(); v != nil {
			events, err = nil, fmt.Errorf("panic: %v", v)
		}
	}()
	return d.p.Decide(d.c, d.req, d.now, recordingClocks{d.clocks, calls})
}

// outcome returns what Check and Decide made of an action, and the questions Decide asked the clocks,
// as one line of text.
func outcome(checkErr error, events []domain.Event, decideErr error, calls []string) string {
	var out strings.Builder
	out.WriteString("check=" + errorText(checkErr) + "\tdecide=")
	if decideErr != nil {
		out.WriteString(errorText(decideErr))
	}
	for _, e := range events {
		b, err := json.Marshal(e)
		if err != nil {
			b = []byte(err.Error())
		}
		out.WriteString(e.EventType() + string(b) + " ")
	}
	out.WriteString("\tclocks=" + strings.Join(calls, " "))
	return out.String()
}

// errorText returns a domain error's code, field, format and message, or "ok".
func errorText(err error) string {
	if err == nil {
		return "ok"
	}
	var e *domain.Error
	if !errors.As(err, &e) {
		return "error " + err.Error()
	}
	return fmt.Sprintf("%s|%s|%s|%s", e.Code, e.Field, e.Format, e.Message)
}

// recordingClocks notes every question asked of Clocks, with its arguments.
type recordingClocks struct {
	clocks domain.Clocks
	calls  *[]string
}

func (r recordingClocks) Deadline(start time.Time, clock domain.Clock, changes []domain.ClockChange) (domain.Deadline, error) {
	b, _ := json.Marshal(changes)
	*r.calls = append(*r.calls, fmt.Sprintf("Deadline(%s,%s,%s)", start.Format(time.RFC3339Nano), clock, b))
	return r.clocks.Deadline(start, clock, changes)
}

func (r recordingClocks) EndOfDay(d domain.Date) (time.Time, error) {
	*r.calls = append(*r.calls, "EndOfDay("+d.String()+")")
	return r.clocks.EndOfDay(d)
}

func (r recordingClocks) Date(t time.Time) (domain.Date, error) {
	*r.calls = append(*r.calls, "Date("+t.Format(time.RFC3339Nano)+")")
	return r.clocks.Date(t)
}

// eachDecision calls fn with every decision the tests try, always in the same order.
func eachDecision(t *testing.T, fn func(decisionCase)) {
	t.Helper()
	loc := mustLoadSkopje(t)
	clocks := domain.CalendarClocks{Calendar: domain.NewCalendar(nil), Location: loc}
	received := time.Date(2026, 3, 2, 9, 0, 0, 0, loc)
	moments := []struct {
		name string
		now  time.Time
	}{
		{"early", time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)},
		{"late", time.Date(2026, 5, 20, 23, 30, 0, 0, time.UTC)},
	}
	for _, p := range decisionPolicies() {
		for _, s := range decisionStates(t, p.Policy, clocks, received) {
			for _, m := range moments {
				if m.name == "late" && !s.late {
					continue
				}
				inputs := decisionInputs(p.Policy, m.now, loc)
				for _, action := range domain.Actions {
					for _, in := range inputs {
						if in.actions != nil && !slices.Contains(in.actions, action) || in.generic && !s.probe {
							continue
						}
						for _, actor := range decisionActors(action, in.everyone && s.probe) {
							req := in.req
							req.Action, req.Actor = action, actor.Actor
							fn(decisionCase{
								policy: p.name, state: s.name, moment: m.name, actor: actor.name, input: in.name,
								p: p.Policy, c: s.c, req: req, now: m.now, clocks: clocks,
							})
						}
					}
				}
			}
		}
	}
	// An action that does not exist.
	s := decisionStates(t, domain.DefaultPolicies()[domain.KindPetition], clocks, received)[0]
	fn(decisionCase{policy: "petition", state: s.name, moment: "early", actor: "admin", input: "unknown",
		p: domain.DefaultPolicies()[domain.KindPetition], c: s.c, now: moments[0].now, clocks: clocks,
		req: domain.ActionRequest{Action: "approve_everything", Actor: admin}})
}

type namedPolicy struct {
	name string
	domain.Policy
}

// decisionPolicies returns the default policies and three changed ones: a petition without approval, a
// citizen question that can only be withdrawn, and a programme with a clock that may be extended.
func decisionPolicies() []namedPolicy {
	policies := domain.DefaultPolicies()
	var out []namedPolicy
	for _, k := range domain.CaseKinds {
		out = append(out, namedPolicy{string(k), policies[k]})
	}
	noApproval := policies[domain.KindPetition]
	noApproval.Steps = slices.DeleteFunc(slices.Clone(noApproval.Steps), func(s domain.Status) bool { return s == domain.StatusAnswerApproved })
	onlyWithdrawn := policies[domain.KindCitizenQuestion]
	onlyWithdrawn.Endings = []domain.Status{domain.StatusWithdrawn}
	clocked := policies[domain.KindTwinCityProgramme]
	clocked.Clock = domain.Clock{Length: 90, Unit: domain.CalendarDays}
	clocked.MaxExtension = domain.Clock{Length: 30, Unit: domain.CalendarDays}
	return append(out,
		namedPolicy{"petition_without_approval", noApproval},
		namedPolicy{"citizen_question_only_withdrawn", onlyWithdrawn},
		namedPolicy{"twin_city_programme_with_clock", clocked},
	)
}

type decisionState struct {
	name string
	c    *domain.Case
	// probe marks the states where every actor and the inputs that no state changes are tried; late the
	// states tried at the late moment too.
	probe, late bool
}

// decisionStates returns cases of the policy's kind, received at received, in every status: where the
// case can be worked on, bare (no officer, no requests but a programme's first report) or worked (an
// officer, open requests, one answered); a worked case's clock runs, or is suspended by staff, by a
// clarification or by a decree, or was extended.
func decisionStates(t *testing.T, p domain.Policy, clocks domain.Clocks, received time.Time) []decisionState {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	registered := received.Add(5 * time.Minute)
	build := func(worked bool) *domain.Case {
		c := &domain.Case{}
		c.Apply(&domain.CaseReceived{CaseID: testCaseID, Kind: p.Kind, Channel: domain.ChannelLetter, Language: domain.Macedonian,
			ReceivedAt: received, Subject: "Барање", Text: "Текст", Submitter: domain.Submitter{Name: "Марија Петровска"}, Sector: "urbanism"})
		var dl domain.Deadline
		if p.HasClock() {
			var err error
			dl, err = clocks.Deadline(received, p.Clock, nil)
			must(err)
		}
		c.Apply(&domain.CaseRegistered{
			ArchiveNumber: domain.ArchiveNumber{Unit: "08", Year: 2026, Number: 2112, Sub: 1, Date: domain.Date{Year: 2026, Month: 3, Day: 2}},
			RegisteredAt:  registered, Deadline: dl,
		})
		programme := c.Programme()
		if programme {
			report, err := p.YearlyReportRequest(c, 2026, registered, clocks)
			must(err)
			c.Apply(report)
		}
		if !worked {
			return c
		}
		c.Apply(&domain.CaseAssigned{Officer: officer.UserID, Sector: "urbanism", At: registered.Add(time.Hour)})
		due := func(d domain.Date) time.Time {
			at, err := clocks.EndOfDay(d)
			must(err)
			return at
		}
		open := func(kind domain.RequestKind, sector string, required bool, d domain.Date) {
			c.Apply(&domain.RequestOpened{Request: domain.Request{
				ID: domain.RequestID(len(c.Requests) + 1), Kind: kind, Sector: sector, Title: "Item", Required: required,
				RequestedAt: registered.Add(2 * time.Hour), DueAt: due(d), DueDate: d, Status: domain.RequestIsOpen,
			}})
		}
		if programme {
			open(domain.RequestActivity, "culture", false, domain.Date{Year: 2026, Month: 3, Day: 5})
			open(domain.RequestMilestone, "finance", false, domain.Date{Year: 2026, Month: 6, Day: 30})
		} else {
			open(domain.RequestInput, "finance", true, domain.Date{Year: 2026, Month: 3, Day: 9})
			open(domain.RequestInput, "culture", false, domain.Date{Year: 2026, Month: 3, Day: 5})
			open(domain.RequestInput, "finance", true, domain.Date{Year: 2026, Month: 3, Day: 20})
		}
		c.Apply(&domain.RequestAnswered{RequestID: "r3", By: financeHd.UserID, At: registered.Add(3 * time.Hour)})
		return c
	}
	clockStates := []struct {
		name   string
		change *domain.ClockChange
	}{{"running", nil}}
	if p.HasClock() {
		at := registered.Add(24 * time.Hour)
		clockStates = append(clockStates,
			struct {
				name   string
				change *domain.ClockChange
			}{"suspended", &domain.ClockChange{Kind: domain.ClockSuspended, Source: domain.SourceCase, At: at, Reason: "court"}},
			struct {
				name   string
				change *domain.ClockChange
			}{"clarifying", &domain.ClockChange{Kind: domain.ClockSuspended, Source: domain.SourceClarification, At: at}},
			struct {
				name   string
				change *domain.ClockChange
			}{"decree", &domain.ClockChange{Kind: domain.ClockSuspended, Source: domain.SourceGlobal, At: at, Reason: "decree", Revision: 1}},
			struct {
				name   string
				change *domain.ClockChange
			}{"extended", &domain.ClockChange{Kind: domain.ClockExtended, Source: domain.SourceCase, At: at, By: domain.Clock{Length: 4, Unit: p.Clock.Unit}, Reason: "large"}},
		)
	}
	var out []decisionState
	for _, status := range domain.Statuses {
		if status == domain.StatusReceived || domain.IsTerminal(status) {
			c := build(true)
			c.Status = status
			if status == domain.StatusReceived {
				c = &domain.Case{}
				c.Apply(&domain.CaseReceived{CaseID: testCaseID, Kind: p.Kind, ReceivedAt: received})
			}
			out = append(out, decisionState{name: string(status), c: c, probe: true})
			continue
		}
		out = append(out, decisionState{name: string(status) + "+bare", c: build(false), late: true})
		out[len(out)-1].c.Status = status
		for i, cs := range clockStates {
			c := build(true)
			if cs.change != nil {
				e, err := c.ChangeClock(*cs.change, clocks)
				must(err)
				c.Apply(e)
			}
			c.Status = status
			out = append(out, decisionState{name: string(status) + "+worked+" + cs.name, c: c, probe: i == 0, late: i < 2})
		}
	}
	return out
}

type namedActor struct {
	name string
	domain.Actor
}

// decisionActors returns the actors who try an action: an admin; the heads of two sectors for the
// actions that sector heads take; everyone when all is set.
func decisionActors(action domain.Action, all bool) []namedActor {
	if all {
		return []namedActor{
			{"admin", admin}, {"officer", officer}, {"other_officer", otherOff}, {"supervisor", supervisor},
			{"intake", intakeDesk}, {"finance_head", financeHd}, {"urbanism_head", urbanHd}, {"nobody", domain.Actor{UserID: "nobody"}},
		}
	}
	if action == domain.ActionAnswerRequest || action == domain.ActionCompleteMilestone {
		return []namedActor{{"admin", admin}, {"finance_head", financeHd}, {"urbanism_head", urbanHd}}
	}
	return []namedActor{{"admin", admin}}
}

type decisionInput struct {
	name string
	req  domain.ActionRequest
	// actions are the actions that try the input; nil for every action.
	actions []domain.Action
	// everyone says whether every actor tries it (in the probing states).
	everyone bool
	// generic marks an input whose fault no state changes: tried in the probing states only.
	generic bool
}

// decisionInputs returns the inputs the actions are tried with: for every action, none, every field
// filled in twice over, and bad text; for the actions that read them, each field's edge cases.
func decisionInputs(p domain.Policy, now time.Time, loc *time.Location) []decisionInput {
	unit := p.Clock.Unit
	if unit == "" {
		unit = domain.CalendarDays
	}
	today := domain.DateOf(now, loc)
	date := func(d domain.Date) *domain.Date { return &d }
	clock := func(n int, u domain.ClockUnit) *domain.Clock { return &domain.Clock{Length: n, Unit: u} }
	full := domain.ActionRequest{
		Officer: otherOff.UserID, Sector: "culture", RequestID: "r1", Kind: domain.RequestActivity, Title: "Visit",
		To: "Министерство", Into: otherCaseID, By: clock(4, unit), Year: 2026, Reason: "Because", Note: "A note",
	}
	full2 := domain.ActionRequest{
		Officer: officer.UserID, Sector: "finance", RequestID: "r2", Kind: domain.RequestMilestone, Title: "Festival",
		To: "Ministry", Into: otherCaseID, By: clock(1, unit), Year: 2027, Reason: "Since", Due: date(today.AddDays(10)),
	}
	requests := []domain.Action{domain.ActionRequestInput, domain.ActionAddMilestone, domain.ActionReassignRequest,
		domain.ActionAnswerRequest, domain.ActionCompleteMilestone, domain.ActionCancelRequest}
	dues := []domain.Action{domain.ActionRequestInput, domain.ActionAddMilestone, domain.ActionReassignRequest, domain.ActionAssign}
	with := func(req domain.ActionRequest, change func(*domain.ActionRequest)) domain.ActionRequest {
		change(&req)
		return req
	}
	dueIn := func(r domain.ActionRequest, due *domain.Date, in *domain.Clock) domain.ActionRequest {
		r.Due, r.DueIn = due, in
		return r
	}
	ask := domain.ActionRequest{Sector: "culture", RequestID: "r1", Kind: domain.RequestMilestone, Title: "Item"}
	return []decisionInput{
		{name: "empty", everyone: true},
		{name: "full", req: full, everyone: true},
		{name: "full2", req: full2},
		{name: "reason", req: domain.ActionRequest{Reason: "Because"}},
		{name: "blank_reason", req: domain.ActionRequest{Reason: " \t", Note: "x"}, generic: true},
		{name: "long_note", req: with(full, func(r *domain.ActionRequest) { r.Note = strings.Repeat("n", domain.MaxNoteLen+1) }), generic: true},
		{name: "bad_utf8", req: with(full, func(r *domain.ActionRequest) { r.Reason = "\xff" }), generic: true},
		{name: "long_request_id", req: with(full, func(r *domain.ActionRequest) { r.RequestID = strings.Repeat("r", 17) }), generic: true},

		{name: "officer_same", req: domain.ActionRequest{Officer: officer.UserID, Sector: "urbanism"}, actions: []domain.Action{domain.ActionAssign}},
		{name: "sector_only", req: domain.ActionRequest{Sector: "urbanism"}, actions: []domain.Action{domain.ActionAssign}},
		{name: "officer_only", req: domain.ActionRequest{Officer: officer.UserID}, actions: []domain.Action{domain.ActionAssign}},

		{name: "r1_same_sector", req: with(ask, func(r *domain.ActionRequest) { r.Sector = "finance"; r.Reason = "x" }), actions: requests},
		{name: "r2", req: with(ask, func(r *domain.ActionRequest) { r.RequestID = "r2"; r.Reason = "x" }), actions: requests},
		{name: "r3_answered", req: with(ask, func(r *domain.ActionRequest) { r.RequestID = "r3"; r.Reason = "x" }), actions: requests},
		{name: "r9_unknown", req: with(ask, func(r *domain.ActionRequest) { r.RequestID = "r9"; r.Reason = "x" }), actions: requests},
		{name: "no_sector", req: with(ask, func(r *domain.ActionRequest) { r.Sector = ""; r.Reason = "x" }), actions: requests},
		{name: "optional", req: with(ask, func(r *domain.ActionRequest) { r.Optional = true }), actions: requests},

		{name: "due_future", req: dueIn(ask, date(today.AddDays(7)), nil), actions: dues},
		{name: "due_today", req: dueIn(ask, date(today), nil), actions: dues},
		{name: "due_yesterday", req: dueIn(ask, date(today.AddDays(-1)), nil), actions: dues},
		{name: "due_two_days_ago", req: dueIn(ask, date(today.AddDays(-2)), nil), actions: dues},
		{name: "due_past", req: dueIn(ask, date(today.AddDays(-30)), nil), actions: dues},
		{name: "due_in_days", req: dueIn(ask, nil, clock(2, domain.WorkingDays)), actions: dues},
		{name: "due_in_hours", req: dueIn(ask, nil, clock(3, domain.Hours)), actions: dues},
		{name: "due_and_due_in", req: dueIn(ask, date(today.AddDays(7)), clock(2, domain.WorkingDays)), actions: dues},
		{name: "due_in_zero", req: dueIn(ask, nil, clock(0, domain.Hours)), actions: dues},
		{name: "due_in_unknown_unit", req: dueIn(ask, nil, clock(2, "weeks")), actions: dues},

		{name: "kind_report", req: with(ask, func(r *domain.ActionRequest) { r.Kind = domain.RequestReport }), actions: []domain.Action{domain.ActionAddMilestone}},
		{name: "kind_input", req: with(ask, func(r *domain.ActionRequest) { r.Kind = domain.RequestInput }), actions: []domain.Action{domain.ActionAddMilestone}},
		{name: "no_title", req: with(ask, func(r *domain.ActionRequest) { r.Title = "" }), actions: []domain.Action{domain.ActionAddMilestone}},
		{name: "long_title", req: with(ask, func(r *domain.ActionRequest) { r.Title = strings.Repeat("т", domain.MaxTitleLen+1) }), actions: []domain.Action{domain.ActionAddMilestone}},

		{name: "to_blank", req: domain.ActionRequest{To: "  "}, actions: []domain.Action{domain.ActionForward}},
		{name: "to_long", req: domain.ActionRequest{To: strings.Repeat("б", domain.MaxBodyLen+1)}, actions: []domain.Action{domain.ActionForward}},

		{name: "into_self", req: domain.ActionRequest{Into: testCaseID}, actions: []domain.Action{domain.ActionMerge}},
		{name: "into_self_upper", req: domain.ActionRequest{Into: strings.ToUpper(testCaseID)}, actions: []domain.Action{domain.ActionMerge}},
		{name: "into_number", req: domain.ActionRequest{Into: "08-2112"}, actions: []domain.Action{domain.ActionMerge}},
		{name: "into_braces", req: domain.ActionRequest{Into: "{" + otherCaseID + "}"}, actions: []domain.Action{domain.ActionMerge}},

		{name: "by_other_unit", req: domain.ActionRequest{By: clock(2, domain.Hours), Reason: "x"}, actions: []domain.Action{domain.ActionExtend}},
		{name: "by_zero", req: domain.ActionRequest{By: clock(0, unit), Reason: "x"}, actions: []domain.Action{domain.ActionExtend}},
		{name: "by_six", req: domain.ActionRequest{By: clock(6, unit), Reason: "x"}, actions: []domain.Action{domain.ActionExtend}},
		{name: "by_seven", req: domain.ActionRequest{By: clock(7, unit), Reason: "x"}, actions: []domain.Action{domain.ActionExtend}},
		{name: "by_too_much", req: domain.ActionRequest{By: clock(31, unit), Reason: "x"}, actions: []domain.Action{domain.ActionExtend}},
		{name: "by_no_reason", req: domain.ActionRequest{By: clock(1, unit)}, actions: []domain.Action{domain.ActionExtend}},

		{name: "year_2025", req: domain.ActionRequest{Year: 2025}, actions: []domain.Action{domain.ActionSubmitReport}},
		{name: "year_2026", req: domain.ActionRequest{Year: 2026}, actions: []domain.Action{domain.ActionSubmitReport}},
		{name: "year_2026_note", req: domain.ActionRequest{Year: 2026, Note: "Sent to the Council."}, actions: []domain.Action{domain.ActionSubmitReport}},
	}
}
