package workflows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/internal/testkit"
	"github.com/predmet/predmet/workflows"
)

// Staff who act in the tests.
var (
	officer    = domain.Actor{UserID: "elena", Roles: []domain.Role{domain.RoleOfficer}}
	supervisor = domain.Actor{UserID: "head", Roles: []domain.Role{domain.RoleSupervisor}}
	sectorHead = domain.Actor{UserID: "goran", Roles: []domain.Role{domain.RoleSectorHead}, Sector: "urbanism"}
)

// receiveKind writes the first event of a case of the given kind and returns the workflow input.
func receiveKind(tb testing.TB, store domain.EventStore, kind domain.CaseKind, receivedAt time.Time) workflows.CaseInput {
	tb.Helper()
	in := receive(tb, store, receivedAt)
	if kind == domain.KindPetition {
		return in
	}
	// Rewrite the receipt under a fresh ID with the kind asked for.
	id := domain.DeterministicID("test", tb.Name(), string(kind))
	stream := domain.CaseStream(id)
	data, err := domain.EncodeEvents(stream, 0, domain.Metadata{CorrelationID: id, CausationID: "test", UserID: "ana"}, &domain.CaseReceived{
		CaseID: id, Kind: kind, Channel: domain.ChannelEmail, Language: domain.Albanian, ReceivedAt: receivedAt,
		Subject: "Kërkesë", Text: "Tekst.", Submitter: domain.Submitter{Name: "Arta Berisha"}, RequestHash: "h1",
	})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := store.Append(context.Background(), stream, domain.NoStream(), data...); err != nil {
		tb.Fatal(err)
	}
	in.CaseID = id
	in.Policy = domain.DefaultPolicies()[kind]
	return in
}

// act schedules an action after delay and records its outcome in *out.
type outcome struct {
	rejected error
	err      error
	result   workflows.ActionResult
	done     bool
}

func act(env *testsuite.TestWorkflowEnvironment, delay time.Duration, req domain.ActionRequest) *outcome {
	out := &outcome{}
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(workflows.ActionUpdate, "", &testsuite.TestUpdateCallback{
			OnReject: func(err error) { out.rejected, out.done = err, true },
			OnAccept: func() {},
			OnComplete: func(r any, err error) {
				out.done, out.err = true, err
				if err == nil {
					out.result = r.(workflows.ActionResult)
				}
			},
		}, req)
	}, delay)
	return out
}

func (o *outcome) mustSucceed(t *testing.T, name string) {
	t.Helper()
	if !o.done || o.rejected != nil || o.err != nil {
		t.Fatalf("%s: done=%v rejected=%v err=%v", name, o.done, o.rejected, o.err)
	}
}

func eventTypes(events []domain.RecordedEvent) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Type
	}
	return out
}

func TestCaseLifecycle(t *testing.T) {
	t.Run("OK_PetitionAnsweredAndClosed", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		received := time.Date(2026, 3, 2, 9, 0, 0, 0, skopje)
		in := receive(t, store, received)
		env := newEnv(t, store, received)
		steps := []*outcome{
			act(env, time.Hour, domain.ActionRequest{Action: domain.ActionAssign, Actor: officer, Sector: "communal"}),
			act(env, 2*time.Hour, domain.ActionRequest{Action: domain.ActionDraft, Actor: officer}),
			act(env, 3*time.Hour, domain.ActionRequest{Action: domain.ActionApprove, Actor: supervisor}),
			act(env, 4*time.Hour, domain.ActionRequest{Action: domain.ActionAnswer, Actor: officer}),
			act(env, 5*time.Hour, domain.ActionRequest{Action: domain.ActionClose, Actor: officer}),
		}
		env.ExecuteWorkflow(workflows.CaseWorkflow, in)
		if err := env.GetWorkflowError(); err != nil {
			t.Fatalf("workflow: %v", err)
		}
		for i, s := range steps {
			s.mustSucceed(t, string([]domain.Action{domain.ActionAssign, domain.ActionDraft, domain.ActionApprove, domain.ActionAnswer, domain.ActionClose}[i]))
		}
		if got := steps[3].result.Status; got != domain.StatusAnswered {
			t.Errorf("answer left the case %s", got)
		}
		events, c := readCase(t, store, in.CaseID)
		want := []string{domain.EventCaseReceived, domain.EventCaseRegistered, domain.EventCaseAssigned, domain.EventAnswerDrafted,
			domain.EventAnswerApproved, domain.EventCaseAnswered, domain.EventCaseClosed}
		if !equal(eventTypes(events), want) {
			t.Fatalf("events = %v, want %v", eventTypes(events), want)
		}
		if c.Status != domain.StatusClosed || c.Officer != "elena" || len(c.Documents) != 1 || c.Documents[0].String() != "08-1/2" {
			t.Errorf("case = status %s officer %s documents %v", c.Status, c.Officer, c.Documents)
		}
		if c.OnTime == nil || !*c.OnTime {
			t.Errorf("an answer on the first day was not on time")
		}
	})

	t.Run("ErrRejectedActionLeavesNoTrace", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		received := time.Date(2026, 3, 2, 9, 0, 0, 0, skopje)
		in := receive(t, store, received)
		env := newEnv(t, store, received)
		early := act(env, time.Hour, domain.ActionRequest{Action: domain.ActionAnswer, Actor: officer})
		forbidden := act(env, 2*time.Hour, domain.ActionRequest{Action: domain.ActionApprove, Actor: officer})
		env.RegisterDelayedCallback(env.CancelWorkflow, 3*time.Hour)
		env.ExecuteWorkflow(workflows.CaseWorkflow, in)
		if early.rejected == nil || forbidden.rejected == nil {
			t.Fatalf("actions not rejected: answer %v, approve %v", early.rejected, forbidden.rejected)
		}
		events, _ := readCase(t, store, in.CaseID)
		if len(events) != 2 {
			t.Errorf("rejected actions wrote events: %v", eventTypes(events))
		}
	})

	t.Run("OK_ClarificationStopsTheClock", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		// Received Monday 2 March 2026: 20 days end on Sunday 22 March, moved to Monday 23 March.
		received := time.Date(2026, 3, 2, 9, 0, 0, 0, skopje)
		in := receiveKind(t, store, domain.KindPublicInformation, received)
		env := newEnv(t, store, received)
		ask := act(env, 24*time.Hour, domain.ActionRequest{Action: domain.ActionRequestClarification, Actor: officer})
		// The requester answers two days later (Thursday 5 March): the 19 days left run from then.
		got := act(env, 3*24*time.Hour, domain.ActionRequest{Action: domain.ActionClarificationReceived, Actor: officer})
		env.RegisterDelayedCallback(env.CancelWorkflow, 60*24*time.Hour)
		env.ExecuteWorkflow(workflows.CaseWorkflow, in)
		ask.mustSucceed(t, "request_clarification")
		got.mustSucceed(t, "clarification_received")
		events, c := readCase(t, store, in.CaseID)
		// 20 days from 2 March: 22 March. Stopped on 3 March with 19 days left, resumed on 5 March:
		// 24 March, a Tuesday.
		if c.Deadline.DueDate.String() != "2026-03-24" || c.Deadline.Suspended {
			t.Errorf("deadline after the clarification = %s (suspended %v), want 2026-03-24", c.Deadline.DueDate, c.Deadline.Suspended)
		}
		last := events[len(events)-1]
		if last.Type != domain.EventCaseDeadlinePassed {
			t.Fatalf("last event = %s, want the deadline passing", last.Type)
		}
		if c.Status != domain.StatusRegistered || len(c.Documents) != 1 {
			t.Errorf("status %s, documents %v", c.Status, c.Documents)
		}
	})

	t.Run("OK_ClarificationExpires", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		received := time.Date(2026, 3, 2, 9, 0, 0, 0, skopje)
		in := receiveKind(t, store, domain.KindPublicInformation, received)
		env := newEnv(t, store, received)
		act(env, time.Hour, domain.ActionRequest{Action: domain.ActionRequestClarification, Actor: officer})
		env.RegisterDelayedCallback(env.CancelWorkflow, 10*24*time.Hour)
		env.ExecuteWorkflow(workflows.CaseWorkflow, in)
		events, c := readCase(t, store, in.CaseID)
		if last := events[len(events)-1].Type; last != domain.EventClarificationExpired {
			t.Fatalf("last event = %s, want the clarification expiring (events %v)", last, eventTypes(events))
		}
		if !c.Deadline.Suspended || c.Overdue {
			t.Errorf("the clock ran while the requester had the request: %+v", c.Deadline)
		}
	})

	t.Run("OK_ExtensionRearmsTheTimer", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		received := time.Date(2026, 3, 2, 9, 0, 0, 0, skopje)
		in := receiveKind(t, store, domain.KindPublicInformation, received)
		env := newEnv(t, store, received)
		by := domain.Clock{Length: 10, Unit: domain.CalendarDays}
		ext := act(env, 24*time.Hour, domain.ActionRequest{Action: domain.ActionExtend, Actor: officer, By: &by, Reason: "large request"})
		var atOldDue domain.Case
		env.RegisterDelayedCallback(func() {
			res, err := env.QueryWorkflow(workflows.StateQuery)
			if err == nil {
				err = res.Get(&atOldDue)
			}
			if err != nil {
				t.Error(err)
			}
		}, 23*24*time.Hour) // 25 March: after the first due date (23 March)
		env.RegisterDelayedCallback(env.CancelWorkflow, 60*24*time.Hour)
		env.ExecuteWorkflow(workflows.CaseWorkflow, in)
		ext.mustSucceed(t, "extend")
		if atOldDue.Overdue {
			t.Errorf("the case fell due at its first deadline despite the extension")
		}
		events, c := readCase(t, store, in.CaseID)
		// 30 days from 2 March: 1 April, a Wednesday.
		if c.Deadline.DueDate.String() != "2026-04-01" || !c.Overdue {
			t.Errorf("deadline %s overdue %v, want 2026-04-01 and overdue in the end", c.Deadline.DueDate, c.Overdue)
		}
		var passed *domain.CaseDeadlinePassed
		for _, e := range events {
			if e.Type == domain.EventCaseDeadlinePassed {
				ev, _ := domain.DecodeEvent(e)
				passed = ev.(*domain.CaseDeadlinePassed)
			}
		}
		if passed == nil || !passed.DueAt.Equal(c.Deadline.DueAt) {
			t.Errorf("deadline passed at %v, want the extended due %v", passed, c.Deadline.DueAt)
		}
	})

	t.Run("OK_GlobalSuspensionAndResumption", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		// A citizen question, 15 working days from Monday 20 April 2026.
		received := time.Date(2026, 4, 20, 9, 0, 0, 0, skopje)
		in := receiveKind(t, store, domain.KindCitizenQuestion, received)
		env := newEnv(t, store, received)
		suspendAt := received.Add(2 * 24 * time.Hour) // Wednesday 22 April
		resumeAt := received.Add(15 * 24 * time.Hour) // Tuesday 5 May
		env.RegisterDelayedCallback(func() {
			env.SignalWorkflow(workflows.ClocksSignal, workflows.ClocksChange{Suspended: true, At: suspendAt, Reason: "decree", Revision: 1})
		}, 2*24*time.Hour)
		env.RegisterDelayedCallback(func() {
			// A repeat of the same change is ignored.
			env.SignalWorkflow(workflows.ClocksSignal, workflows.ClocksChange{Suspended: true, At: suspendAt, Reason: "decree", Revision: 1})
		}, 3*24*time.Hour)
		env.RegisterDelayedCallback(func() {
			env.SignalWorkflow(workflows.ClocksSignal, workflows.ClocksChange{Suspended: false, At: resumeAt, Revision: 2})
		}, 15*24*time.Hour)
		env.RegisterDelayedCallback(env.CancelWorkflow, 90*24*time.Hour)
		env.ExecuteWorkflow(workflows.CaseWorkflow, in)
		events, c := readCase(t, store, in.CaseID)
		changes := 0
		for _, e := range events {
			if e.Type == domain.EventDeadlineChanged {
				changes++
			}
		}
		if changes != 2 {
			t.Errorf("%d deadline changes, want a suspension and a resumption (events %v)", changes, eventTypes(events))
		}
		// Stopped on 22 April with the working days it had left to its first due date; resumed on 5 May
		// with as many (1 May, Labour Day, is not one of them).
		cal := domain.NewCalendar(nil)
		base := cal.Deadline(received, domain.Clock{Length: 15, Unit: domain.WorkingDays}, skopje).DueDate
		left := 0
		for d := domain.DateOf(suspendAt, skopje).AddDays(1); !d.After(base); d = d.AddDays(1) {
			if cal.IsWorkingDay(d) {
				left++
			}
		}
		want, _ := cal.AddWorkingDays(domain.DateOf(resumeAt, skopje), left)
		if !c.Deadline.DueDate.Equal(want) || c.GlobalClocks != 2 {
			t.Errorf("due %s (global revision %d), want %s with %d working days left", c.Deadline.DueDate, c.GlobalClocks, want, left)
		}
	})
}

func TestCaseRequestsForInput(t *testing.T) {
	t.Run("OK_RemindedEscalatedReassignedAnswered", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		// Monday 27 April 2026; the request is due in 5 working days: 1 May is Labour Day, so Tuesday 5 May.
		received := time.Date(2026, 4, 27, 9, 0, 0, 0, skopje)
		in := receive(t, store, received)
		env := newEnv(t, store, received)
		// The test suite runs children beside their parent but cannot deliver their signals to it: forward them.
		env.OnSignalExternalWorkflow(mock.Anything, workflows.CaseWorkflowID(in.CaseID), "", workflows.RequestFactSignal, mock.Anything).Return(
			func(_, _, _, name string, arg any) error {
				env.SignalWorkflow(name, arg)
				return nil
			})
		act(env, time.Hour, domain.ActionRequest{Action: domain.ActionAssign, Actor: officer})
		asked := act(env, 2*time.Hour, domain.ActionRequest{Action: domain.ActionRequestInput, Actor: officer, Sector: "urbanism"})
		// Early draft: refused while waiting for the sector.
		early := act(env, 3*time.Hour, domain.ActionRequest{Action: domain.ActionDraft, Actor: officer})
		// Six working days after the due date the ladder stands at the secretary: deputy at due, head
		// after one working day, secretary after three. Then the request goes to finance.
		moved := act(env, 13*24*time.Hour, domain.ActionRequest{Action: domain.ActionReassignRequest, Actor: officer, RequestID: "r1", Sector: "finance"})
		wrongHead := act(env, 14*24*time.Hour, domain.ActionRequest{Action: domain.ActionAnswerRequest, Actor: sectorHead, RequestID: "r1"})
		financeHead := domain.Actor{UserID: "besa", Roles: []domain.Role{domain.RoleSectorHead}, Sector: "finance"}
		answered := act(env, 15*24*time.Hour, domain.ActionRequest{Action: domain.ActionAnswerRequest, Actor: financeHead, RequestID: "r1"})
		env.RegisterDelayedCallback(env.CancelWorkflow, 40*24*time.Hour)
		env.ExecuteWorkflow(workflows.CaseWorkflow, in)

		asked.mustSucceed(t, "request_input")
		moved.mustSucceed(t, "reassign_request")
		answered.mustSucceed(t, "answer_request")
		if early.rejected == nil || wrongHead.rejected == nil {
			t.Errorf("draft while waiting: %v; another sector's head answering: %v", early.rejected, wrongHead.rejected)
		}
		events, c := readCase(t, store, in.CaseID)
		r := c.Requests[0]
		var first domain.Request
		var levels []domain.EscalationLevel
		reminders := 0
		for _, e := range events {
			ev, err := domain.DecodeEvent(e)
			if err != nil {
				t.Fatal(err)
			}
			switch ev := ev.(type) {
			case *domain.RequestOpened:
				first = ev.Request
			case *domain.RequestReminded:
				reminders++
				if ev.Generation != 0 || ev.At.After(first.DueAt) {
					t.Errorf("reminder %+v not before the first due date", ev)
				}
			case *domain.RequestEscalated:
				if ev.Generation == 0 {
					levels = append(levels, ev.Level)
				}
			}
		}
		if first.DueDate.String() != "2026-05-05" {
			t.Errorf("request due %s, want 2026-05-05 (Labour Day skipped)", first.DueDate)
		}
		if reminders != 1 {
			t.Errorf("%d reminders, want 1", reminders)
		}
		want := []domain.EscalationLevel{domain.LevelDeputy, domain.LevelHead, domain.LevelSecretary}
		if len(levels) != 3 || levels[0] != want[0] || levels[1] != want[1] || levels[2] != want[2] {
			t.Errorf("escalations before the reassignment %v, want %v", levels, want)
		}
		if r.Sector != "finance" || r.Status != domain.RequestIsAnswered || r.AnsweredBy != "besa" || c.Status != domain.StatusAssigned {
			t.Errorf("request %+v, case %s", r, c.Status)
		}
	})
}

// TestCaseStreamMovedOn: when the case's stream holds an event the workflow does not know (an action
// whose workflow task was lost after its local activity wrote it, and whose update was never retried),
// the next action is refused with a conflict, the workflow folds the stream again, and goes on from the
// truth instead of writing over it.
func TestCaseStreamMovedOn(t *testing.T) {
	store := testkit.MustOpenStore(t)
	received := time.Date(2026, 3, 2, 9, 0, 0, 0, skopje)
	in := receive(t, store, received)
	env := newEnv(t, store, received)
	env.RegisterDelayedCallback(func() {
		stream := domain.CaseStream(in.CaseID)
		data, err := domain.EncodeEvents(stream, 2, domain.Metadata{CorrelationID: in.CaseID, CausationID: "lost-update", UserID: "marko"},
			&domain.CaseAssigned{Officer: "marko", Sector: "finance", At: received.Add(time.Hour)})
		if err == nil {
			_, err = store.Append(context.Background(), stream, domain.ExpectRevision(2), data...)
		}
		if err != nil {
			t.Error(err)
		}
	}, time.Hour)
	clash := act(env, 2*time.Hour, domain.ActionRequest{Action: domain.ActionAssign, Actor: officer, Sector: "communal"})
	draft := act(env, 3*time.Hour, domain.ActionRequest{Action: domain.ActionDraft, Actor: officer})
	env.RegisterDelayedCallback(env.CancelWorkflow, 4*time.Hour)
	env.ExecuteWorkflow(workflows.CaseWorkflow, in)

	if clash.err == nil || !strings.Contains(clash.err.Error(), "changed meanwhile") {
		t.Errorf("the action over a moved stream: rejected %v, err %v", clash.rejected, clash.err)
	}
	draft.mustSucceed(t, "draft after the reload")
	events, c := readCase(t, store, in.CaseID)
	if got := eventTypes(events); !equal(got, []string{domain.EventCaseReceived, domain.EventCaseRegistered, domain.EventCaseAssigned, domain.EventAnswerDrafted}) {
		t.Fatalf("events = %v", got)
	}
	if c.Officer != "marko" || c.Sector != "finance" || c.Status != domain.StatusAnswerDrafted {
		t.Errorf("case = officer %s sector %s status %s: the lost assignment must stand", c.Officer, c.Sector, c.Status)
	}
}
