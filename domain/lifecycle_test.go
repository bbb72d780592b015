package domain_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
)

// The people who act in these tests.
var (
	officer    = domain.Actor{UserID: "ana.officer", Roles: []domain.Role{domain.RoleOfficer}}
	otherOff   = domain.Actor{UserID: "boris.officer", Roles: []domain.Role{domain.RoleOfficer}}
	supervisor = domain.Actor{UserID: "head.of.department", Roles: []domain.Role{domain.RoleSupervisor}}
	intakeDesk = domain.Actor{UserID: "pisarnica", Roles: []domain.Role{domain.RoleIntake}}
	admin      = domain.Actor{UserID: "operator", Roles: []domain.Role{domain.RoleAdmin}}
	financeHd  = domain.Actor{UserID: "finance.head", Roles: []domain.Role{domain.RoleSectorHead}, Sector: "finance"}
	urbanHd    = domain.Actor{UserID: "urbanism.head", Roles: []domain.Role{domain.RoleSectorHead}, Sector: "urbanism"}
	cultureHd  = domain.Actor{UserID: "culture.head", Roles: []domain.Role{domain.RoleSectorHead}, Sector: "culture"}
)

const (
	testCaseID  = "6b1f0d3e-8c1a-4f5e-9d2b-3a4c5d6e7f80"
	otherCaseID = "0d9c8b7a-6f5e-4d3c-8b2a-1f0e9d8c7b6a"
)

// lifecycle drives one case through Policy.Decide, folding the events it returns.
type lifecycle struct {
	t      *testing.T
	p      domain.Policy
	c      *domain.Case
	clocks domain.CalendarClocks
	loc    *time.Location
	now    time.Time
}

// newLifecycle returns a case of the kind received at received (Europe/Skopje) and registered five
// minutes later with the default policy's deadline, built by folding CaseReceived and CaseRegistered (and,
// for a programme, the RequestOpened of its first yearly report).
func newLifecycle(t *testing.T, kind domain.CaseKind, received string) *lifecycle {
	t.Helper()
	loc := mustLoadSkopje(t)
	at, err := time.ParseInLocation("2006-01-02 15:04", received, loc)
	if err != nil {
		t.Fatal(err)
	}
	clocks := domain.CalendarClocks{Calendar: domain.NewCalendar(nil), Location: loc}
	p := domain.DefaultPolicies()[kind]
	c := &domain.Case{}
	c.Apply(&domain.CaseReceived{
		CaseID: testCaseID, Kind: kind, Channel: domain.ChannelLetter, Language: domain.Macedonian, ReceivedAt: at,
		Subject: "Барање за информации", Text: "Ве молам за одговор.", Submitter: domain.Submitter{Name: "Марија Петровска"},
		Sector: "urbanism",
	})
	var dl domain.Deadline
	if p.HasClock() {
		if dl, err = clocks.Deadline(at, p.Clock, nil); err != nil {
			t.Fatal(err)
		}
	}
	registered := at.Add(5 * time.Minute)
	c.Apply(&domain.CaseRegistered{
		ArchiveNumber: domain.ArchiveNumber{Unit: "08", Year: at.Year(), Number: 2112, Sub: 1, Date: domain.DateOf(at, loc)},
		RegisteredAt:  registered,
		Deadline:      dl,
	})
	if p.Programme {
		report, err := p.YearlyReportRequest(c, at.Year(), registered, clocks)
		if err != nil {
			t.Fatal(err)
		}
		c.Apply(report)
	}
	return &lifecycle{t: t, p: p, c: c, clocks: clocks, loc: loc, now: registered}
}

// at sets the time of the next actions ("2006-01-02 15:04" in Skopje).
func (l *lifecycle) at(s string) *lifecycle {
	l.t.Helper()
	l.now = l.time(s)
	return l
}

// time parses "2006-01-02 15:04" in Skopje.
func (l *lifecycle) time(s string) time.Time {
	l.t.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", s, l.loc)
	if err != nil {
		l.t.Fatal(err)
	}
	return t
}

// act takes an action ten minutes after the last one; it must succeed, in Check and in Decide.
func (l *lifecycle) act(req domain.ActionRequest) []domain.Event {
	l.t.Helper()
	l.now = l.now.Add(10 * time.Minute)
	if err := l.p.Check(l.c, req, l.now); err != nil {
		l.t.Fatalf("Check(%s) = %v, want nil", req.Action, err)
	}
	events, err := l.p.Decide(l.c, req, l.now, l.clocks)
	if err != nil {
		l.t.Fatalf("Decide(%s) = %v, want events", req.Action, err)
	}
	if len(events) == 0 {
		l.t.Fatalf("Decide(%s) returned no events", req.Action)
	}
	for _, e := range events {
		l.c.Apply(e)
	}
	return events
}

// fail takes an action that must fail with code, in Check and in Decide, leaving the case unchanged.
func (l *lifecycle) fail(req domain.ActionRequest, code string) *domain.Error {
	l.t.Helper()
	before := snapshot(l.t, l.c)
	events, err := l.p.Decide(l.c, req, l.now, l.clocks)
	if domain.ErrorCode(err) != code {
		l.t.Fatalf("Decide(%s) = %v, %v, want %s", req.Action, events, err, code)
	}
	if events != nil {
		l.t.Errorf("Decide(%s) returned events with its error: %v", req.Action, events)
	}
	if err := l.p.Check(l.c, req, l.now); domain.ErrorCode(err) != code {
		l.t.Errorf("Check(%s) = %v, want %s like Decide", req.Action, err, code)
	}
	if after := snapshot(l.t, l.c); after != before {
		l.t.Errorf("the rejected action %s changed the case:\n%s\nto\n%s", req.Action, before, after)
	}
	var e *domain.Error
	if !errors.As(err, &e) {
		l.t.Fatalf("Decide(%s) = %v, want a *domain.Error", req.Action, err)
	}
	return e
}

// snapshot returns the case's JSON, to tell whether anything changed.
func snapshot(t *testing.T, c *domain.Case) string {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// types returns the event types of events.
func types(events []domain.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.EventType()
	}
	return out
}

// date parses "2006-01-02" or fails the test.
func (l *lifecycle) date(s string) *domain.Date {
	d := MustParseDate(l.t, s)
	return &d
}

func TestPolicy_Decide_MainPath(t *testing.T) {
	type step struct {
		req    domain.ActionRequest
		events []string
		status domain.Status
	}
	assign := step{domain.ActionRequest{Action: domain.ActionAssign, Actor: officer}, []string{domain.EventCaseAssigned}, domain.StatusAssigned}
	input := []step{
		{domain.ActionRequest{Action: domain.ActionRequestInput, Actor: officer, Sector: "finance"}, []string{domain.EventRequestOpened}, domain.StatusWaitingForInput},
		{domain.ActionRequest{Action: domain.ActionAnswerRequest, Actor: financeHd, RequestID: "r1", Note: "The budget line exists."}, []string{domain.EventRequestAnswered}, domain.StatusAssigned},
		{domain.ActionRequest{Action: domain.ActionDraft, Actor: officer}, []string{domain.EventAnswerDrafted}, domain.StatusAnswerDrafted},
	}
	approve := step{domain.ActionRequest{Action: domain.ActionApprove, Actor: supervisor}, []string{domain.EventAnswerApproved}, domain.StatusAnswerApproved}
	answer := step{domain.ActionRequest{Action: domain.ActionAnswer, Actor: officer}, []string{domain.EventCaseAnswered}, domain.StatusAnswered}
	closing := step{domain.ActionRequest{Action: domain.ActionClose, Actor: officer}, []string{domain.EventCaseClosed}, domain.StatusClosed}
	answerPath := func(approved bool, out step) []step {
		path := append([]step{assign}, input...)
		if approved {
			path = append(path, approve)
		}
		return append(path, out, closing)
	}
	programmePath := []step{
		assign,
		{domain.ActionRequest{Action: domain.ActionAddMilestone, Actor: officer, Kind: domain.RequestMilestone, Title: "Joint youth festival", Sector: "culture"},
			[]string{domain.EventRequestOpened}, domain.StatusAssigned},
		{domain.ActionRequest{Action: domain.ActionCompleteMilestone, Actor: cultureHd, RequestID: "r2"}, []string{domain.EventRequestAnswered}, domain.StatusAssigned},
		{domain.ActionRequest{Action: domain.ActionSubmitReport, Actor: officer, Year: 2026},
			[]string{domain.EventRequestAnswered, domain.EventYearlyReportSubmitted, domain.EventRequestOpened}, domain.StatusAssigned},
		closing,
	}
	publish := step{domain.ActionRequest{Action: domain.ActionPublish, Actor: officer}, []string{domain.EventCaseAnswered}, domain.StatusPublished}

	for _, tt := range []struct {
		kind domain.CaseKind
		path []step
	}{
		{domain.KindPetition, answerPath(true, answer)},
		{domain.KindProposal, answerPath(true, answer)},
		{domain.KindPublicInformation, answerPath(true, answer)},
		{domain.KindCitizenQuestion, answerPath(true, answer)},
		{domain.KindMediaQuery, answerPath(false, answer)},
		{domain.KindTwinCityProgramme, programmePath},
		{domain.KindCooperationInitiative, programmePath},
		{domain.KindWebsitePublication, answerPath(true, publish)},
	} {
		t.Run("OK/"+string(tt.kind), func(t *testing.T) {
			l := newLifecycle(t, tt.kind, "2026-03-02 09:00")
			if l.c.Status != domain.StatusRegistered {
				t.Fatalf("status after registration = %s", l.c.Status)
			}
			for _, s := range tt.path {
				events := l.act(s.req)
				if got := types(events); !slices.Equal(got, s.events) {
					t.Errorf("%s: events %v, want %v", s.req.Action, got, s.events)
				}
				if l.c.Status != s.status {
					t.Errorf("%s: status %s, want %s", s.req.Action, l.c.Status, s.status)
				}
			}
			if l.c.ClosedAt == nil || !l.c.ClosedAt.Equal(l.now) {
				t.Errorf("ClosedAt = %v, want %s", l.c.ClosedAt, l.now)
			}
			if l.c.Officer != officer.UserID || l.c.Sector != "urbanism" {
				t.Errorf("Officer, Sector = %q, %q, want the acting officer and the sector from intake", l.c.Officer, l.c.Sector)
			}
			if l.p.Programme {
				if !slices.Equal(l.c.Reports, []int{2026}) || len(l.c.Documents) != 1 || l.c.Documents[0].Sub != 2 {
					t.Errorf("Reports, Documents = %v, %v, want [2026] and one document 08-2112/2", l.c.Reports, l.c.Documents)
				}
				return
			}
			r, ok := l.c.RequestByID("r1")
			if !ok || r.Status != domain.RequestIsAnswered || r.AnsweredBy != financeHd.UserID || r.Sector != "finance" || !r.Required {
				t.Errorf("request r1 = %+v, want answered by the head of finance", r)
			}
			if l.c.AnsweredAt == nil || l.c.OnTime == nil || !*l.c.OnTime {
				t.Errorf("AnsweredAt, OnTime = %v, %v, want an answer in time", l.c.AnsweredAt, l.c.OnTime)
			}
			if tt.kind == domain.KindWebsitePublication {
				if len(l.c.Documents) != 0 {
					t.Errorf("Documents = %v, want none: a publication takes no sub-number", l.c.Documents)
				}
			} else if len(l.c.Documents) != 1 || l.c.Documents[0].String() != "08-2112/2" {
				t.Errorf("Documents = %v, want the answer as 08-2112/2", l.c.Documents)
			}
		})
	}

	t.Run("OKRequestDueByTheKindsRequestClock", func(t *testing.T) {
		// Monday 2 March 2026: 5 working days for a petition's sector, 4 hours for a journalist's question.
		l := newLifecycle(t, domain.KindPetition, "2026-03-02 09:00")
		l.act(domain.ActionRequest{Action: domain.ActionAssign, Actor: officer})
		ev := l.act(domain.ActionRequest{Action: domain.ActionRequestInput, Actor: officer, Sector: "finance"})
		r := ev[0].(*domain.RequestOpened).Request
		if r.ID != "r1" || r.Kind != domain.RequestInput || r.DueDate.String() != "2026-03-09" || r.Status != domain.RequestIsOpen {
			t.Errorf("request = %+v, want r1 due 2026-03-09", r)
		}
		m := newLifecycle(t, domain.KindMediaQuery, "2026-03-02 09:00")
		m.act(domain.ActionRequest{Action: domain.ActionAssign, Actor: officer})
		ev = m.act(domain.ActionRequest{Action: domain.ActionRequestInput, Actor: officer, Sector: "finance"})
		if r := ev[0].(*domain.RequestOpened).Request; !r.DueAt.Equal(m.now.Add(4 * time.Hour)) {
			t.Errorf("media request due %s, want 4 hours after %s", r.DueAt, m.now)
		}
	})

	t.Run("OKOptionalRequestDoesNotWait", func(t *testing.T) {
		l := newLifecycle(t, domain.KindCitizenQuestion, "2026-03-02 09:00")
		l.act(domain.ActionRequest{Action: domain.ActionAssign, Actor: officer})
		l.act(domain.ActionRequest{Action: domain.ActionRequestInput, Actor: officer, Sector: "finance", Optional: true, DueIn: &domain.Clock{Length: 2, Unit: domain.WorkingDays}})
		if l.c.Status != domain.StatusAssigned {
			t.Errorf("status = %s, want assigned", l.c.Status)
		}
		l.act(domain.ActionRequest{Action: domain.ActionDraft, Actor: officer})
	})

	t.Run("OKTwoRequestsWaitForBoth", func(t *testing.T) {
		l := newLifecycle(t, domain.KindPetition, "2026-03-02 09:00")
		l.act(domain.ActionRequest{Action: domain.ActionAssign, Actor: officer})
		l.act(domain.ActionRequest{Action: domain.ActionRequestInput, Actor: officer, Sector: "finance"})
		l.act(domain.ActionRequest{Action: domain.ActionRequestInput, Actor: officer, Sector: "urbanism", Due: l.date("2026-03-05")})
		l.act(domain.ActionRequest{Action: domain.ActionAnswerRequest, Actor: urbanHd, RequestID: "r2"})
		if l.c.Status != domain.StatusWaitingForInput {
			t.Errorf("status = %s, want waiting_for_input while r1 is open", l.c.Status)
		}
		e := l.fail(domain.ActionRequest{Action: domain.ActionDraft, Actor: officer}, domain.ECONFLICT)
		if !strings.Contains(e.Message, "r1 (finance)") {
			t.Errorf("message %q does not name the open request", e.Message)
		}
		l.act(domain.ActionRequest{Action: domain.ActionCancelRequest, Actor: officer, RequestID: "r1", Reason: "answered by phone"})
		if l.c.Status != domain.StatusAssigned {
			t.Errorf("status = %s, want assigned once no required request is open", l.c.Status)
		}
	})

	t.Run("OKAnswerAfterTheDeadlineIsLate", func(t *testing.T) {
		l := newLifecycle(t, domain.KindMediaQuery, "2026-03-02 09:00") // due 2026-03-04 09:00
		l.act(domain.ActionRequest{Action: domain.ActionAssign, Actor: officer})
		l.at("2026-03-04 09:00")
		l.act(domain.ActionRequest{Action: domain.ActionDraft, Actor: officer})
		l.act(domain.ActionRequest{Action: domain.ActionAnswer, Actor: officer})
		if l.c.OnTime == nil || *l.c.OnTime {
			t.Errorf("OnTime = %v, want false", l.c.OnTime)
		}
	})

	t.Run("OKAnswerWhileAllClocksStoppedIsInTime", func(t *testing.T) {
		// The decree stopped the clock a day before it ran out; the answer after the old due instant is in time.
		l := newLifecycle(t, domain.KindMediaQuery, "2026-03-02 09:00") // due 2026-03-04 09:00
		l.act(domain.ActionRequest{Action: domain.ActionAssign, Actor: officer})
		l.at("2026-03-03 09:00")
		ch, err := l.c.ChangeClock(domain.ClockChange{Kind: domain.ClockSuspended, Source: domain.SourceGlobal, At: l.now, Reason: "state of emergency", Revision: 1}, l.clocks)
		if err != nil {
			t.Fatal(err)
		}
		l.c.Apply(ch)
		if !l.c.Deadline.Suspended || l.c.Deadline.Left.Duration != 24*time.Hour || l.c.GlobalClocks != 1 {
			t.Fatalf("deadline = %+v, GlobalClocks %d, want suspended with 24h left", l.c.Deadline, l.c.GlobalClocks)
		}
		l.at("2026-03-05 10:00")
		l.act(domain.ActionRequest{Action: domain.ActionDraft, Actor: officer})
		l.act(domain.ActionRequest{Action: domain.ActionAnswer, Actor: officer})
		if l.c.OnTime == nil || !*l.c.OnTime {
			t.Errorf("OnTime = %v, want true: the clock stood still", l.c.OnTime)
		}
	})

	t.Run("OKOverdueClockStaysOverdueAfterAllClocksResume", func(t *testing.T) {
		l := newLifecycle(t, domain.KindMediaQuery, "2026-03-02 09:00") // due 2026-03-04 09:00
		l.c.Apply(&domain.CaseDeadlinePassed{DueAt: l.c.DueAt()})
		for _, ch := range []domain.ClockChange{
			{Kind: domain.ClockSuspended, Source: domain.SourceGlobal, At: l.time("2026-03-04 12:00"), Revision: 1},
			{Kind: domain.ClockResumed, Source: domain.SourceGlobal, At: l.time("2026-03-10 08:00"), Revision: 2},
		} {
			e, err := l.c.ChangeClock(ch, l.clocks)
			if err != nil {
				t.Fatal(err)
			}
			l.c.Apply(e)
		}
		if !l.c.Overdue || l.c.Deadline.Suspended || l.c.Deadline.DueAt.Format("2006-01-02 15:04") != "2026-03-04 09:00" {
			t.Errorf("Overdue %t, deadline %+v, want still overdue, due 2026-03-04 09:00", l.c.Overdue, l.c.Deadline)
		}
	})
}

func TestPolicy_Decide_Endings(t *testing.T) {
	endings := []struct {
		req    domain.ActionRequest
		status domain.Status
		event  string
	}{
		{domain.ActionRequest{Action: domain.ActionForward, Actor: officer, To: "Министерство за внатрешни работи"}, domain.StatusForwarded, domain.EventCaseForwarded},
		{domain.ActionRequest{Action: domain.ActionWithdraw, Actor: intakeDesk, Reason: "withdrawn by letter"}, domain.StatusWithdrawn, domain.EventCaseWithdrawn},
		{domain.ActionRequest{Action: domain.ActionReject, Actor: supervisor, Reason: "anonymous and without content"}, domain.StatusRejected, domain.EventCaseRejected},
		{domain.ActionRequest{Action: domain.ActionMerge, Actor: officer, Into: otherCaseID}, domain.StatusMerged, domain.EventCaseMerged},
	}
	all := []domain.Status{domain.StatusForwarded, domain.StatusWithdrawn, domain.StatusRejected, domain.StatusMerged}
	for _, tt := range []struct {
		kind    domain.CaseKind
		allowed []domain.Status
	}{
		{domain.KindPetition, all},
		{domain.KindProposal, all},
		{domain.KindPublicInformation, all},
		{domain.KindCitizenQuestion, all},
		{domain.KindMediaQuery, all},
		{domain.KindTwinCityProgramme, []domain.Status{domain.StatusWithdrawn, domain.StatusMerged}},
		{domain.KindCooperationInitiative, []domain.Status{domain.StatusWithdrawn, domain.StatusMerged}},
		{domain.KindWebsitePublication, []domain.Status{domain.StatusWithdrawn, domain.StatusRejected, domain.StatusMerged}},
	} {
		for _, end := range endings {
			if !slices.Contains(tt.allowed, end.status) {
				t.Run("ErrConflict/"+string(tt.kind)+"/"+string(end.req.Action), func(t *testing.T) {
					l := newLifecycle(t, tt.kind, "2026-03-02 09:00")
					l.act(domain.ActionRequest{Action: domain.ActionAssign, Actor: officer})
					e := l.fail(end.req, domain.ECONFLICT)
					if !strings.Contains(e.Message, "does not apply to a case of kind "+string(tt.kind)) {
						t.Errorf("message %q", e.Message)
					}
				})
				continue
			}
			t.Run("OK/"+string(tt.kind)+"/"+string(end.req.Action), func(t *testing.T) {
				l := newLifecycle(t, tt.kind, "2026-03-02 09:00")
				l.act(domain.ActionRequest{Action: domain.ActionAssign, Actor: officer})
				if !l.p.Programme {
					l.act(domain.ActionRequest{Action: domain.ActionRequestInput, Actor: officer, Sector: "finance"})
				}
				events := l.act(end.req)
				if got := types(events); !slices.Equal(got, []string{end.event}) {
					t.Errorf("events %v, want %s", got, end.event)
				}
				if l.c.Status != end.status || l.c.ClosedAt == nil || !l.c.ClosedAt.Equal(l.now) {
					t.Errorf("status %s, ClosedAt %v, want %s now", l.c.Status, l.c.ClosedAt, end.status)
				}
				switch end.status {
				case domain.StatusForwarded:
					if l.c.ForwardedTo != end.req.To || len(l.c.Documents) != 1 || l.c.Documents[0].Sub != 2 {
						t.Errorf("ForwardedTo %q, Documents %v, want the letter to the competent body as sub-number 2", l.c.ForwardedTo, l.c.Documents)
					}
				case domain.StatusRejected:
					if l.c.Reason != end.req.Reason || len(l.c.Documents) != 1 || l.c.Documents[0].Sub != 2 {
						t.Errorf("Reason %q, Documents %v, want the decision as sub-number 2", l.c.Reason, l.c.Documents)
					}
				case domain.StatusWithdrawn:
					if l.c.Reason != end.req.Reason || len(l.c.Documents) != 0 {
						t.Errorf("Reason %q, Documents %v", l.c.Reason, l.c.Documents)
					}
				case domain.StatusMerged:
					if l.c.MergedInto != otherCaseID {
						t.Errorf("MergedInto %q", l.c.MergedInto)
					}
				}
				// An ended case takes no further action, whatever it is.
				e := l.fail(domain.ActionRequest{Action: domain.ActionAssign, Actor: admin, Officer: "someone.else"}, domain.ECONFLICT)
				if !strings.Contains(e.Message, "no further actions") {
					t.Errorf("message %q", e.Message)
				}
				l.fail(domain.ActionRequest{Action: domain.ActionClose, Actor: officer}, domain.ECONFLICT)
			})
		}
	}

	t.Run("ErrInvalid", func(t *testing.T) {
		l := newLifecycle(t, domain.KindPetition, "2026-03-02 09:00")
		for _, tt := range []struct {
			req   domain.ActionRequest
			field string
		}{
			{domain.ActionRequest{Action: domain.ActionForward, Actor: officer}, "to"},
			{domain.ActionRequest{Action: domain.ActionForward, Actor: officer, To: strings.Repeat("б", domain.MaxBodyLen+1)}, "to"},
			{domain.ActionRequest{Action: domain.ActionWithdraw, Actor: officer, Reason: "  "}, "reason"},
			{domain.ActionRequest{Action: domain.ActionReject, Actor: officer}, "reason"},
			{domain.ActionRequest{Action: domain.ActionMerge, Actor: officer}, "into"},
			{domain.ActionRequest{Action: domain.ActionMerge, Actor: officer, Into: "08-2112"}, "into"},
			{domain.ActionRequest{Action: domain.ActionMerge, Actor: officer, Into: testCaseID}, "into"},
		} {
			if e := l.fail(tt.req, domain.EINVALID); e.Field != tt.field {
				t.Errorf("%s: field %q, want %q (%s)", tt.req.Action, e.Field, tt.field, e.Message)
			}
		}
	})

	t.Run("ErrConflictCloseBeforeAnswer", func(t *testing.T) {
		l := newLifecycle(t, domain.KindPetition, "2026-03-02 09:00")
		l.act(domain.ActionRequest{Action: domain.ActionAssign, Actor: officer})
		l.fail(domain.ActionRequest{Action: domain.ActionClose, Actor: officer}, domain.ECONFLICT)
	})

	t.Run("ErrConflictNotRegisteredYet", func(t *testing.T) {
		c := &domain.Case{}
		c.Apply(&domain.CaseReceived{CaseID: testCaseID, Kind: domain.KindPetition, ReceivedAt: time.Now()})
		err := domain.DefaultPolicies()[domain.KindPetition].Check(c, domain.ActionRequest{Action: domain.ActionAssign, Actor: officer}, time.Now())
		if domain.ErrorCode(err) != domain.ECONFLICT {
			t.Errorf("Check = %v, want ECONFLICT", err)
		}
	})
}

func TestPolicy_Decide_PublicInformation(t *testing.T) {
	// Received Monday 2 March 2026: 20 calendar days end on Sunday 22 March, due Monday 23 March.
	const received = "2026-03-02 09:00"

	t.Run("OKClarificationStopsTheClockAndResumesWithTheTimeLeft", func(t *testing.T) {
		l := newLifecycle(t, domain.KindPublicInformation, received)
		if got := l.c.Deadline.DueDate.String(); got != "2026-03-23" {
			t.Fatalf("due %s, want 2026-03-23", got)
		}
		l.act(domain.ActionRequest{Action: domain.ActionAssign, Actor: officer})
		l.at("2026-03-03 10:00")
		events := l.act(domain.ActionRequest{Action: domain.ActionRequestClarification, Actor: officer, Reason: "the request names no document"})
		if got := types(events); !slices.Equal(got, []string{domain.EventClarificationRequested, domain.EventDeadlineChanged}) {
			t.Fatalf("events %v", got)
		}
		asked := events[0].(*domain.ClarificationRequested)
		if want := time.Date(2026, 3, 6, 23, 59, 59, 0, l.loc); !asked.RespondBy.Equal(want) {
			t.Errorf("RespondBy = %s, want %s: three days", asked.RespondBy, want)
		}
		if asked.Document.String() != "08-2112/2" || asked.Document.Date.String() != "2026-03-03" {
			t.Errorf("Document = %s of %s, want 08-2112/2 of 2026-03-03", asked.Document, asked.Document.Date)
		}
		if l.c.Status != domain.StatusClarificationRequested || l.c.ResumeStatus != domain.StatusAssigned || l.c.RespondBy == nil {
			t.Errorf("status %s, resume %s, RespondBy %v", l.c.Status, l.c.ResumeStatus, l.c.RespondBy)
		}
		dl := l.c.Deadline
		if !dl.Suspended || dl.Left == nil || dl.Left.Days != 19 || !dl.SuspendedBy(domain.SourceClarification) {
			t.Errorf("deadline suspended %t, left %v, want 19 days left (3 to 22 March)", dl.Suspended, dl.Left)
		}

		// While the requester completes the request, the case waits.
		l.fail(domain.ActionRequest{Action: domain.ActionDraft, Actor: officer}, domain.ECONFLICT)
		l.fail(domain.ActionRequest{Action: domain.ActionRequestInput, Actor: officer, Sector: "finance"}, domain.ECONFLICT)
		l.fail(domain.ActionRequest{Action: domain.ActionRequestClarification, Actor: officer}, domain.ECONFLICT)
		l.fail(domain.ActionRequest{Action: domain.ActionClarificationReceived, Actor: financeHd}, domain.EFORBIDDEN)

		l.at("2026-03-05 11:00")
		events = l.act(domain.ActionRequest{Action: domain.ActionClarificationReceived, Actor: intakeDesk})
		if got := types(events); !slices.Equal(got, []string{domain.EventClarificationReceived, domain.EventDeadlineChanged}) {
			t.Fatalf("events %v", got)
		}
		if l.c.Status != domain.StatusAssigned || l.c.RespondBy != nil || l.c.ResumeStatus != "" {
			t.Errorf("status %s, RespondBy %v, resume %q, want back to assigned", l.c.Status, l.c.RespondBy, l.c.ResumeStatus)
		}
		if dl := l.c.Deadline; dl.Suspended || dl.DueDate.String() != "2026-03-24" {
			t.Errorf("deadline suspended %t, due %s, want running, due 2026-03-24 (5 March + 19 days)", dl.Suspended, dl.DueDate)
		}
		l.fail(domain.ActionRequest{Action: domain.ActionClarificationReceived, Actor: intakeDesk}, domain.ECONFLICT)

		// The answer takes the next sub-number.
		l.act(domain.ActionRequest{Action: domain.ActionDraft, Actor: officer})
		l.act(domain.ActionRequest{Action: domain.ActionApprove, Actor: supervisor})
		l.act(domain.ActionRequest{Action: domain.ActionAnswer, Actor: officer})
		var subs []string
		for _, d := range l.c.Documents {
			subs = append(subs, d.String())
		}
		if !slices.Equal(subs, []string{"08-2112/2", "08-2112/3"}) {
			t.Errorf("Documents = %v, want 08-2112/2 and 08-2112/3", subs)
		}
	})

	t.Run("OKRejectWhileWaitingForClarification", func(t *testing.T) {
		l := newLifecycle(t, domain.KindPublicInformation, received)
		l.act(domain.ActionRequest{Action: domain.ActionRequestClarification, Actor: officer})
		l.c.Apply(&domain.ClarificationExpired{At: l.time("2026-03-06 23:59")})
		l.act(domain.ActionRequest{Action: domain.ActionReject, Actor: officer, Reason: "not completed in time"})
		if l.c.Status != domain.StatusRejected || len(l.c.Documents) != 2 || l.c.Documents[1].Sub != 3 {
			t.Errorf("status %s, documents %v, want rejected with the decision as sub-number 3", l.c.Status, l.c.Documents)
		}
	})

	t.Run("ErrConflictClarificationForOtherKinds", func(t *testing.T) {
		for _, kind := range []domain.CaseKind{domain.KindPetition, domain.KindMediaQuery, domain.KindTwinCityProgramme, domain.KindWebsitePublication} {
			l := newLifecycle(t, kind, received)
			l.fail(domain.ActionRequest{Action: domain.ActionRequestClarification, Actor: officer}, domain.ECONFLICT)
		}
	})

	t.Run("OKExtendWithinTheMaximum", func(t *testing.T) {
		l := newLifecycle(t, domain.KindPublicInformation, received)
		l.act(domain.ActionRequest{Action: domain.ActionAssign, Actor: officer})
		events := l.act(domain.ActionRequest{Action: domain.ActionExtend, Actor: officer, By: &domain.Clock{Length: 4, Unit: domain.CalendarDays}, Reason: "large request"})
		changed := events[0].(*domain.DeadlineChanged)
		if changed.Change.Kind != domain.ClockExtended || changed.Change.Source != domain.SourceCase || changed.Change.Reason != "large request" {
			t.Errorf("change = %+v", changed.Change)
		}
		if got := l.c.Deadline.DueDate.String(); got != "2026-03-26" {
			t.Errorf("due %s, want 2026-03-26 (22 March + 4 days)", got)
		}
		l.act(domain.ActionRequest{Action: domain.ActionExtend, Actor: supervisor, By: &domain.Clock{Length: 6, Unit: domain.CalendarDays}, Reason: "documents in the archive"})
		if got := l.c.Deadline.DueDate.String(); got != "2026-04-01" || l.c.Deadline.Extended() != 10 {
			t.Errorf("due %s, extended %d, want 2026-04-01 after 10 days in all", got, l.c.Deadline.Extended())
		}
		e := l.fail(domain.ActionRequest{Action: domain.ActionExtend, Actor: officer, By: &domain.Clock{Length: 1, Unit: domain.CalendarDays}, Reason: "more"}, domain.EINVALID)
		if e.Field != "by" || !strings.Contains(e.Message, "at most 10d in total; this one would make 11") {
			t.Errorf("error %v", e)
		}
	})

	t.Run("ErrExtend", func(t *testing.T) {
		l := newLifecycle(t, domain.KindPublicInformation, received)
		for _, tt := range []struct {
			name string
			req  domain.ActionRequest
			code string
		}{
			{"ErrInvalidBeyondMaximum", domain.ActionRequest{Action: domain.ActionExtend, Actor: officer, By: &domain.Clock{Length: 11, Unit: domain.CalendarDays}, Reason: "large"}, domain.EINVALID},
			{"ErrInvalidOtherUnit", domain.ActionRequest{Action: domain.ActionExtend, Actor: officer, By: &domain.Clock{Length: 5, Unit: domain.WorkingDays}, Reason: "large"}, domain.EINVALID},
			{"ErrInvalidNoLength", domain.ActionRequest{Action: domain.ActionExtend, Actor: officer, Reason: "large"}, domain.EINVALID},
			{"ErrInvalidZero", domain.ActionRequest{Action: domain.ActionExtend, Actor: officer, By: &domain.Clock{Unit: domain.CalendarDays}, Reason: "large"}, domain.EINVALID},
			{"ErrInvalidNoReason", domain.ActionRequest{Action: domain.ActionExtend, Actor: officer, By: &domain.Clock{Length: 5, Unit: domain.CalendarDays}}, domain.EINVALID},
			{"ErrForbiddenIntake", domain.ActionRequest{Action: domain.ActionExtend, Actor: intakeDesk, By: &domain.Clock{Length: 5, Unit: domain.CalendarDays}, Reason: "large"}, domain.EFORBIDDEN},
		} {
			t.Run(tt.name, func(t *testing.T) { l.fail(tt.req, tt.code) })
		}
		for _, kind := range []domain.CaseKind{domain.KindPetition, domain.KindMediaQuery, domain.KindCooperationInitiative} {
			t.Run("ErrConflict/"+string(kind), func(t *testing.T) {
				l := newLifecycle(t, kind, received)
				e := l.fail(domain.ActionRequest{Action: domain.ActionExtend, Actor: officer, By: &domain.Clock{Length: 5, Unit: domain.CalendarDays}, Reason: "large"}, domain.ECONFLICT)
				if !strings.Contains(e.Message, "cannot be extended") {
					t.Errorf("message %q", e.Message)
				}
			})
		}
		t.Run("ErrConflictAfterTheAnswer", func(t *testing.T) {
			l := newLifecycle(t, domain.KindPublicInformation, received)
			l.act(domain.ActionRequest{Action: domain.ActionAssign, Actor: officer})
			l.act(domain.ActionRequest{Action: domain.ActionDraft, Actor: officer})
			l.act(domain.ActionRequest{Action: domain.ActionApprove, Actor: supervisor})
			l.act(domain.ActionRequest{Action: domain.ActionAnswer, Actor: officer})
			l.fail(domain.ActionRequest{Action: domain.ActionExtend, Actor: officer, By: &domain.Clock{Length: 5, Unit: domain.CalendarDays}, Reason: "large"}, domain.ECONFLICT)
		})
	})

	for _, tt := range []struct {
		action  domain.Action
		reason  string
		outcome domain.Status
	}{
		{domain.ActionAnswerInPart, "", domain.StatusAnsweredInPart},
		{domain.ActionRefuse, "classified information (art. 6)", domain.StatusRefused},
	} {
		t.Run("OK/"+string(tt.action), func(t *testing.T) {
			l := newLifecycle(t, domain.KindPublicInformation, received)
			l.act(domain.ActionRequest{Action: domain.ActionAssign, Actor: officer})
			l.act(domain.ActionRequest{Action: domain.ActionDraft, Actor: officer})
			l.fail(domain.ActionRequest{Action: tt.action, Actor: officer, Reason: tt.reason}, domain.ECONFLICT) // not approved yet
			l.act(domain.ActionRequest{Action: domain.ActionApprove, Actor: supervisor})
			events := l.act(domain.ActionRequest{Action: tt.action, Actor: officer, Reason: tt.reason})
			answered := events[0].(*domain.CaseAnswered)
			if answered.Outcome != tt.outcome || answered.Document == nil || answered.Document.Sub != 2 || !answered.OnTime {
				t.Errorf("event %+v, want %s as sub-number 2, in time", answered, tt.outcome)
			}
			if l.c.Status != tt.outcome || l.c.Reason != tt.reason {
				t.Errorf("status %s, reason %q", l.c.Status, l.c.Reason)
			}
			l.act(domain.ActionRequest{Action: domain.ActionClose, Actor: supervisor})
		})
	}

	t.Run("ErrInvalidRefuseWithoutReason", func(t *testing.T) {
		l := newLifecycle(t, domain.KindPublicInformation, received)
		l.act(domain.ActionRequest{Action: domain.ActionAssign, Actor: officer})
		l.act(domain.ActionRequest{Action: domain.ActionDraft, Actor: officer})
		l.act(domain.ActionRequest{Action: domain.ActionApprove, Actor: supervisor})
		if e := l.fail(domain.ActionRequest{Action: domain.ActionRefuse, Actor: officer}, domain.EINVALID); e.Field != "reason" {
			t.Errorf("field %q, want reason", e.Field)
		}
	})

	t.Run("ErrConflictPartialAnswersForOtherKinds", func(t *testing.T) {
		for _, kind := range []domain.CaseKind{domain.KindPetition, domain.KindCitizenQuestion, domain.KindMediaQuery, domain.KindWebsitePublication} {
			l := newLifecycle(t, kind, received)
			l.act(domain.ActionRequest{Action: domain.ActionAssign, Actor: officer})
			l.act(domain.ActionRequest{Action: domain.ActionDraft, Actor: officer})
			l.fail(domain.ActionRequest{Action: domain.ActionAnswerInPart, Actor: officer}, domain.ECONFLICT)
			l.fail(domain.ActionRequest{Action: domain.ActionRefuse, Actor: officer, Reason: "no"}, domain.ECONFLICT)
		}
	})
}

func TestPolicy_Decide_Clock(t *testing.T) {
	t.Run("OKSuspendAndResumeByStaff", func(t *testing.T) {
		l := newLifecycle(t, domain.KindCitizenQuestion, "2026-03-02 09:00") // 15 working days: due 2026-03-23
		l.at("2026-03-04 12:00")
		l.act(domain.ActionRequest{Action: domain.ActionSuspendClock, Actor: supervisor, Reason: "waiting for the court's ruling"})
		if !l.c.Deadline.SuspendedBy(domain.SourceCase) || l.c.Deadline.Left.Days != 13 {
			t.Errorf("deadline %+v, want suspended by staff with 13 working days left", l.c.Deadline)
		}
		l.fail(domain.ActionRequest{Action: domain.ActionSuspendClock, Actor: supervisor, Reason: "again"}, domain.ECONFLICT)
		l.at("2026-03-09 08:00")
		l.act(domain.ActionRequest{Action: domain.ActionResumeClock, Actor: admin})
		if l.c.Deadline.Suspended || l.c.Deadline.DueDate.String() != "2026-03-26" {
			t.Errorf("deadline due %s, suspended %t, want running, due 2026-03-26", l.c.Deadline.DueDate, l.c.Deadline.Suspended)
		}
		l.fail(domain.ActionRequest{Action: domain.ActionResumeClock, Actor: supervisor}, domain.ECONFLICT)
	})

	t.Run("ErrSuspend", func(t *testing.T) {
		l := newLifecycle(t, domain.KindCitizenQuestion, "2026-03-02 09:00")
		if e := l.fail(domain.ActionRequest{Action: domain.ActionSuspendClock, Actor: supervisor}, domain.EINVALID); e.Field != "reason" {
			t.Errorf("field %q, want reason", e.Field)
		}
		l.fail(domain.ActionRequest{Action: domain.ActionSuspendClock, Actor: officer, Reason: "x"}, domain.EFORBIDDEN)
		p := newLifecycle(t, domain.KindTwinCityProgramme, "2026-03-02 09:00")
		p.fail(domain.ActionRequest{Action: domain.ActionSuspendClock, Actor: supervisor, Reason: "x"}, domain.ECONFLICT)
	})
}

func TestPolicy_Decide_Programme(t *testing.T) {
	for _, kind := range []domain.CaseKind{domain.KindTwinCityProgramme, domain.KindCooperationInitiative} {
		t.Run("OK/"+string(kind), func(t *testing.T) {
			l := newLifecycle(t, kind, "2026-03-02 09:00")
			report, ok := l.c.RequestByID("r1")
			if !ok || report.Kind != domain.RequestReport || report.Year != 2026 || report.DueDate.String() != "2027-01-31" {
				t.Fatalf("first request = %+v, want the 2026 report due 2027-01-31", report)
			}
			if l.c.Deadline != nil && l.c.ClockRunning() {
				t.Errorf("a programme's clock runs: %+v", l.c.Deadline)
			}
			l.act(domain.ActionRequest{Action: domain.ActionAssign, Actor: officer, Sector: "international"})
			events := l.act(domain.ActionRequest{Action: domain.ActionAddMilestone, Actor: officer, Kind: domain.RequestMilestone,
				Title: "Joint youth festival in Bitola's twin city", Sector: "culture", Due: l.date("2026-06-30")})
			m := events[0].(*domain.RequestOpened).Request
			if m.ID != "r2" || m.Kind != domain.RequestMilestone || m.Required || m.DueDate.String() != "2026-06-30" || m.Sector != "culture" {
				t.Errorf("milestone = %+v", m)
			}
			l.act(domain.ActionRequest{Action: domain.ActionAddMilestone, Actor: admin, Kind: domain.RequestActivity, Title: "Exchange of officials", Sector: "urbanism"})
			if l.c.Status != domain.StatusAssigned || len(l.c.OpenRequests()) != 3 {
				t.Errorf("status %s, open %d, want assigned with 3 open items", l.c.Status, len(l.c.OpenRequests()))
			}

			for _, tt := range []struct {
				name string
				req  domain.ActionRequest
				code string
			}{
				{"ErrInvalidItemKind", domain.ActionRequest{Action: domain.ActionAddMilestone, Actor: officer, Kind: domain.RequestInput, Title: "x", Sector: "culture"}, domain.EINVALID},
				{"ErrInvalidNoTitle", domain.ActionRequest{Action: domain.ActionAddMilestone, Actor: officer, Kind: domain.RequestMilestone, Sector: "culture"}, domain.EINVALID},
				{"ErrInvalidNoSector", domain.ActionRequest{Action: domain.ActionAddMilestone, Actor: officer, Kind: domain.RequestMilestone, Title: "x"}, domain.EINVALID},
				{"ErrInvalidPastDue", domain.ActionRequest{Action: domain.ActionAddMilestone, Actor: officer, Kind: domain.RequestMilestone, Title: "x", Sector: "culture", Due: l.date("2026-02-01")}, domain.EINVALID},
				{"ErrForbiddenOtherSector", domain.ActionRequest{Action: domain.ActionCompleteMilestone, Actor: urbanHd, RequestID: "r2"}, domain.EFORBIDDEN},
				{"ErrConflictReportIsSubmitted", domain.ActionRequest{Action: domain.ActionCompleteMilestone, Actor: officer, RequestID: "r1"}, domain.ECONFLICT},
				{"ErrConflictReportStaysWithTheDepartment", domain.ActionRequest{Action: domain.ActionReassignRequest, Actor: officer, RequestID: "r1", Sector: "culture"}, domain.ECONFLICT},
				{"ErrNotFoundItem", domain.ActionRequest{Action: domain.ActionCompleteMilestone, Actor: officer, RequestID: "r9"}, domain.ENOTFOUND},
				{"ErrConflictAnswerRequest", domain.ActionRequest{Action: domain.ActionAnswerRequest, Actor: officer, RequestID: "r2"}, domain.ECONFLICT},
				{"ErrConflictRequestInput", domain.ActionRequest{Action: domain.ActionRequestInput, Actor: officer, Sector: "culture"}, domain.ECONFLICT},
				{"ErrConflictDraft", domain.ActionRequest{Action: domain.ActionDraft, Actor: officer}, domain.ECONFLICT},
				{"ErrConflictAnswer", domain.ActionRequest{Action: domain.ActionAnswer, Actor: officer}, domain.ECONFLICT},
				{"ErrInvalidReportNotOpen", domain.ActionRequest{Action: domain.ActionSubmitReport, Actor: officer, Year: 2025}, domain.EINVALID},
			} {
				t.Run(tt.name, func(t *testing.T) { l.fail(tt.req, tt.code) })
			}

			l.act(domain.ActionRequest{Action: domain.ActionCompleteMilestone, Actor: cultureHd, RequestID: "r2", Note: "Held on 20 June."})
			if r, _ := l.c.RequestByID("r2"); r.Status != domain.RequestIsAnswered || r.AnsweredBy != cultureHd.UserID {
				t.Errorf("milestone = %+v, want completed by the head of culture", r)
			}
			l.fail(domain.ActionRequest{Action: domain.ActionCompleteMilestone, Actor: cultureHd, RequestID: "r2"}, domain.ECONFLICT)

			l.at("2027-01-20 10:00")
			events = l.act(domain.ActionRequest{Action: domain.ActionSubmitReport, Actor: officer, Year: 2026})
			if got := types(events); !slices.Equal(got, []string{domain.EventRequestAnswered, domain.EventYearlyReportSubmitted, domain.EventRequestOpened}) {
				t.Fatalf("events %v", got)
			}
			if s := events[1].(*domain.YearlyReportSubmitted); s.Year != 2026 || s.Document.String() != "08-2112/2" || s.Document.Date.String() != "2027-01-20" {
				t.Errorf("submitted = %+v, want 2026 as 08-2112/2 of 2027-01-20", s)
			}
			next := events[2].(*domain.RequestOpened).Request
			if next.ID != "r4" || next.Kind != domain.RequestReport || next.Year != 2027 || next.DueDate.String() != "2028-01-31" {
				t.Errorf("next report = %+v, want r4 for 2027 due 2028-01-31", next)
			}
			l.fail(domain.ActionRequest{Action: domain.ActionSubmitReport, Actor: officer, Year: 2026}, domain.EINVALID)

			l.at("2028-01-25 10:00")
			events = l.act(domain.ActionRequest{Action: domain.ActionSubmitReport, Actor: admin, Year: 2027})
			if s := events[1].(*domain.YearlyReportSubmitted); s.Document.String() != "08-2112/3" {
				t.Errorf("second report %s, want 08-2112/3", s.Document)
			}
			if !slices.Equal(l.c.Reports, []int{2026, 2027}) {
				t.Errorf("Reports = %v", l.c.Reports)
			}
			l.act(domain.ActionRequest{Action: domain.ActionClose, Actor: supervisor, Note: "The programme ended."})
			if l.c.Status != domain.StatusClosed {
				t.Errorf("status %s, want closed", l.c.Status)
			}
		})
	}
}

func TestPolicy_Decide_WebsitePublication(t *testing.T) {
	l := newLifecycle(t, domain.KindWebsitePublication, "2026-03-02 09:00")
	l.act(domain.ActionRequest{Action: domain.ActionAssign, Actor: officer})
	l.act(domain.ActionRequest{Action: domain.ActionDraft, Actor: officer, Note: "Text from the sector for culture."})
	t.Run("ErrConflictNotApproved", func(t *testing.T) {
		e := l.fail(domain.ActionRequest{Action: domain.ActionPublish, Actor: officer}, domain.ECONFLICT)
		if !strings.Contains(e.Message, "must be approved") {
			t.Errorf("message %q", e.Message)
		}
	})
	t.Run("ErrForbiddenOfficerApproves", func(t *testing.T) {
		l.fail(domain.ActionRequest{Action: domain.ActionApprove, Actor: officer}, domain.EFORBIDDEN)
	})
	l.act(domain.ActionRequest{Action: domain.ActionApprove, Actor: supervisor})
	t.Run("ErrConflictAnswer", func(t *testing.T) {
		l.fail(domain.ActionRequest{Action: domain.ActionAnswer, Actor: officer}, domain.ECONFLICT)
	})
	t.Run("OKPublishWithoutSubNumber", func(t *testing.T) {
		events := l.act(domain.ActionRequest{Action: domain.ActionPublish, Actor: officer})
		if a := events[0].(*domain.CaseAnswered); a.Outcome != domain.StatusPublished || a.Document != nil {
			t.Errorf("event %+v, want published without a document", a)
		}
		if l.c.Status != domain.StatusPublished || len(l.c.Documents) != 0 {
			t.Errorf("status %s, documents %v", l.c.Status, l.c.Documents)
		}
		l.act(domain.ActionRequest{Action: domain.ActionClose, Actor: officer})
	})
}

func TestPolicy_Decide_Roles(t *testing.T) {
	everyone := map[domain.Role]domain.Actor{
		domain.RoleIntake: intakeDesk, domain.RoleOfficer: officer, domain.RoleSectorHead: financeHd,
		domain.RoleSupervisor: supervisor, domain.RoleAdmin: admin,
	}
	for _, action := range domain.Actions {
		allowed := domain.ActionRoles(action)
		if len(allowed) == 0 {
			t.Errorf("%s: no role may take it", action)
		}
		for _, role := range domain.Roles {
			if slices.Contains(allowed, role) {
				continue
			}
			t.Run("ErrForbidden/"+string(action)+"/"+string(role), func(t *testing.T) {
				l := newLifecycle(t, domain.KindPetition, "2026-03-02 09:00")
				e := l.fail(domain.ActionRequest{Action: action, Actor: everyone[role]}, domain.EFORBIDDEN)
				var names []string
				for _, r := range allowed {
					names = append(names, string(r))
				}
				if !strings.Contains(e.Message, strings.Join(names, ", ")) {
					t.Errorf("message %q does not list the roles %v", e.Message, names)
				}
			})
		}
	}

	t.Run("ErrForbiddenNoRoles", func(t *testing.T) {
		l := newLifecycle(t, domain.KindPetition, "2026-03-02 09:00")
		l.fail(domain.ActionRequest{Action: domain.ActionAssign, Actor: domain.Actor{UserID: "nobody"}}, domain.EFORBIDDEN)
	})

	t.Run("ErrNotFoundUnknownAction", func(t *testing.T) {
		l := newLifecycle(t, domain.KindPetition, "2026-03-02 09:00")
		l.fail(domain.ActionRequest{Action: "approve_everything", Actor: admin}, domain.ENOTFOUND)
		if _, err := domain.ParseAction("approve_everything"); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("ParseAction = %v", err)
		}
	})

	t.Run("SectorHead", func(t *testing.T) {
		l := newLifecycle(t, domain.KindPetition, "2026-03-02 09:00")
		l.act(domain.ActionRequest{Action: domain.ActionAssign, Actor: officer})
		l.act(domain.ActionRequest{Action: domain.ActionRequestInput, Actor: officer, Sector: "finance"})
		t.Run("ErrForbiddenOtherSector", func(t *testing.T) {
			e := l.fail(domain.ActionRequest{Action: domain.ActionAnswerRequest, Actor: urbanHd, RequestID: "r1"}, domain.EFORBIDDEN)
			if !strings.Contains(e.Message, `sector "finance"`) || !strings.Contains(e.Message, `sector "urbanism"`) {
				t.Errorf("message %q", e.Message)
			}
		})
		t.Run("ErrForbiddenDraft", func(t *testing.T) {
			l.fail(domain.ActionRequest{Action: domain.ActionDraft, Actor: financeHd}, domain.EFORBIDDEN)
		})
		t.Run("OKOwnSector", func(t *testing.T) {
			l.act(domain.ActionRequest{Action: domain.ActionAnswerRequest, Actor: financeHd, RequestID: "r1"})
		})
	})

	t.Run("OKOfficerAnswersForAnySector", func(t *testing.T) {
		l := newLifecycle(t, domain.KindPetition, "2026-03-02 09:00")
		l.act(domain.ActionRequest{Action: domain.ActionAssign, Actor: officer})
		l.act(domain.ActionRequest{Action: domain.ActionRequestInput, Actor: officer, Sector: "finance"})
		l.act(domain.ActionRequest{Action: domain.ActionAnswerRequest, Actor: otherOff, RequestID: "r1", Note: "answered by phone"})
	})
}

func TestPolicy_Decide_Requests(t *testing.T) {
	start := func(t *testing.T) *lifecycle {
		l := newLifecycle(t, domain.KindPetition, "2026-03-02 09:00")
		l.act(domain.ActionRequest{Action: domain.ActionAssign, Actor: officer})
		l.act(domain.ActionRequest{Action: domain.ActionRequestInput, Actor: officer, Sector: "finance", Due: l.date("2026-03-04")})
		return l
	}

	t.Run("OKReassignBeforeDueKeepsTheDate", func(t *testing.T) {
		l := start(t)
		events := l.act(domain.ActionRequest{Action: domain.ActionReassignRequest, Actor: supervisor, RequestID: "r1", Sector: "urbanism"})
		re := events[0].(*domain.RequestReassigned)
		if re.Sector != "urbanism" || re.DueDate.String() != "2026-03-04" {
			t.Errorf("reassigned = %+v, want urbanism, still due 2026-03-04", re)
		}
		if r, _ := l.c.RequestByID("r1"); r.Generation != 1 || r.Sector != "urbanism" {
			t.Errorf("request = %+v, want generation 1 with urbanism", r)
		}
	})

	t.Run("OKReassignLateRequestGetsTheRequestClock", func(t *testing.T) {
		l := start(t)
		l.c.Apply(&domain.RequestEscalated{RequestID: "r1", Step: 2, Level: domain.LevelHead, At: l.time("2026-03-06 09:00")})
		l.at("2026-03-06 10:00")
		events := l.act(domain.ActionRequest{Action: domain.ActionReassignRequest, Actor: officer, RequestID: "r1", Sector: "urbanism"})
		if re := events[0].(*domain.RequestReassigned); re.DueDate.String() != "2026-03-13" {
			t.Errorf("reassigned due %s, want 2026-03-13: five working days from now, not the past date", re.DueDate)
		}
		if r, _ := l.c.RequestByID("r1"); r.Escalation != 0 || r.Level != "" {
			t.Errorf("request = %+v, want its escalation reset", r)
		}
	})

	t.Run("OKReassignWithNewDate", func(t *testing.T) {
		l := start(t)
		events := l.act(domain.ActionRequest{Action: domain.ActionReassignRequest, Actor: officer, RequestID: "r1", Sector: "urbanism", DueIn: &domain.Clock{Length: 2, Unit: domain.WorkingDays}})
		if re := events[0].(*domain.RequestReassigned); re.DueDate.String() != "2026-03-04" {
			t.Errorf("due %s, want 2026-03-04 (two working days after 2 March)", re.DueDate)
		}
	})

	for _, tt := range []struct {
		name string
		req  domain.ActionRequest
		code string
	}{
		{"ErrInvalidSameSector", domain.ActionRequest{Action: domain.ActionReassignRequest, Actor: officer, RequestID: "r1", Sector: "finance"}, domain.EINVALID},
		{"ErrInvalidNoSector", domain.ActionRequest{Action: domain.ActionReassignRequest, Actor: officer, RequestID: "r1"}, domain.EINVALID},
		{"ErrInvalidNoRequestID", domain.ActionRequest{Action: domain.ActionAnswerRequest, Actor: officer}, domain.EINVALID},
		{"ErrNotFoundRequest", domain.ActionRequest{Action: domain.ActionAnswerRequest, Actor: officer, RequestID: "r7"}, domain.ENOTFOUND},
		{"ErrInvalidCancelWithoutReason", domain.ActionRequest{Action: domain.ActionCancelRequest, Actor: officer, RequestID: "r1"}, domain.EINVALID},
		{"ErrInvalidDueAndDueIn", domain.ActionRequest{Action: domain.ActionRequestInput, Actor: officer, Sector: "urbanism", Due: &domain.Date{Year: 2026, Month: 3, Day: 10}, DueIn: &domain.Clock{Length: 1, Unit: domain.WorkingDays}}, domain.EINVALID},
		{"ErrInvalidBadDueIn", domain.ActionRequest{Action: domain.ActionRequestInput, Actor: officer, Sector: "urbanism", DueIn: &domain.Clock{Length: 0, Unit: domain.Hours}}, domain.EINVALID},
		{"ErrInvalidPastDue", domain.ActionRequest{Action: domain.ActionRequestInput, Actor: officer, Sector: "urbanism", Due: &domain.Date{Year: 2026, Month: 2, Day: 20}}, domain.EINVALID},
		{"ErrInvalidNoSectorAsked", domain.ActionRequest{Action: domain.ActionRequestInput, Actor: officer}, domain.EINVALID},
		{"ErrInvalidLongNote", domain.ActionRequest{Action: domain.ActionAnswerRequest, Actor: officer, RequestID: "r1", Note: strings.Repeat("x", domain.MaxNoteLen+1)}, domain.EINVALID},
		{"ErrConflictMilestoneOnPetition", domain.ActionRequest{Action: domain.ActionAddMilestone, Actor: officer, Kind: domain.RequestMilestone, Title: "x", Sector: "culture"}, domain.ECONFLICT},
		{"ErrConflictAssignedAlready", domain.ActionRequest{Action: domain.ActionAssign, Actor: officer}, domain.ECONFLICT},
	} {
		t.Run(tt.name, func(t *testing.T) { start(t).fail(tt.req, tt.code) })
	}

	t.Run("ErrConflictAnsweredTwice", func(t *testing.T) {
		l := start(t)
		l.act(domain.ActionRequest{Action: domain.ActionAnswerRequest, Actor: financeHd, RequestID: "r1"})
		l.fail(domain.ActionRequest{Action: domain.ActionAnswerRequest, Actor: financeHd, RequestID: "r1"}, domain.ECONFLICT)
		l.fail(domain.ActionRequest{Action: domain.ActionCancelRequest, Actor: officer, RequestID: "r1", Reason: "x"}, domain.ECONFLICT)
	})

	t.Run("OKReassignCaseToAnotherOfficer", func(t *testing.T) {
		l := start(t)
		l.act(domain.ActionRequest{Action: domain.ActionAssign, Actor: supervisor, Officer: otherOff.UserID, Sector: "international"})
		if l.c.Officer != otherOff.UserID || l.c.Sector != "international" || l.c.Status != domain.StatusWaitingForInput {
			t.Errorf("officer %q, sector %q, status %s", l.c.Officer, l.c.Sector, l.c.Status)
		}
	})
}

func TestPolicy_Decide_SubNumbers(t *testing.T) {
	// Every outgoing act of a case takes the next sub-number of its base number: the clarification
	// request, then the answer; 1 is the incoming document.
	l := newLifecycle(t, domain.KindPublicInformation, "2026-03-02 09:00")
	l.at("2026-03-03 09:00")
	l.act(domain.ActionRequest{Action: domain.ActionRequestClarification, Actor: officer})
	l.at("2026-03-04 09:00")
	l.act(domain.ActionRequest{Action: domain.ActionClarificationReceived, Actor: intakeDesk})
	l.act(domain.ActionRequest{Action: domain.ActionRequestClarification, Actor: officer})
	l.act(domain.ActionRequest{Action: domain.ActionClarificationReceived, Actor: officer})
	l.act(domain.ActionRequest{Action: domain.ActionAssign, Actor: officer})
	l.act(domain.ActionRequest{Action: domain.ActionDraft, Actor: officer})
	l.act(domain.ActionRequest{Action: domain.ActionApprove, Actor: supervisor})
	l.at("2026-03-10 09:00")
	l.act(domain.ActionRequest{Action: domain.ActionAnswer, Actor: officer})
	var got []string
	for _, d := range l.c.Documents {
		got = append(got, d.Long())
	}
	want := []string{"08-2112/2 од 03.03.2026", "08-2112/3 од 04.03.2026", "08-2112/4 од 10.03.2026"}
	if !slices.Equal(got, want) {
		t.Errorf("Documents = %q, want %q", got, want)
	}
	if next := l.c.NextDocument(MustParseDate(t, "2026-03-11")); next.String() != "08-2112/5" {
		t.Errorf("NextDocument = %s, want 08-2112/5", next)
	}
}

// TestAnswerCancelsOptionalRequests: a request the case did not wait for stops being chased once the
// answer has gone out; the answer and the cancellation are recorded together.
func TestAnswerCancelsOptionalRequests(t *testing.T) {
	l := newLifecycle(t, domain.KindMediaQuery, "2026-03-02 09:00")
	l.act(domain.ActionRequest{Action: domain.ActionAssign, Actor: officer})
	l.act(domain.ActionRequest{Action: domain.ActionRequestInput, Actor: officer, Sector: "finance", Optional: true})
	if l.c.Status != domain.StatusAssigned {
		t.Fatalf("an optional request made the case wait: %s", l.c.Status)
	}
	l.act(domain.ActionRequest{Action: domain.ActionDraft, Actor: officer})
	events := l.act(domain.ActionRequest{Action: domain.ActionAnswer, Actor: officer})
	if got := types(events); len(got) != 2 || got[0] != domain.EventCaseAnswered || got[1] != domain.EventRequestCancelled {
		t.Fatalf("answer recorded %v", got)
	}
	if r, _ := l.c.RequestByID("r1"); r.Status != domain.RequestIsCancelled || len(l.c.OpenRequests()) != 0 {
		t.Errorf("request after the answer: %+v", r)
	}
}
