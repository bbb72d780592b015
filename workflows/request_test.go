package workflows_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/embedtemporal"
	"github.com/predmet/predmet/internal/testkit"
	"github.com/predmet/predmet/internal/zapadapter"
	"github.com/predmet/predmet/workflows"
)

// requestRun runs RequestWorkflow in the time-skipping test environment with the real activities over
// an embedded store, and collects the facts it signals to its case.
type requestRun struct {
	env   *testsuite.TestWorkflowEnvironment
	store domain.EventStore
	in    workflows.RequestInput

	mu    sync.Mutex
	facts []workflows.RequestFact
}

// newRequestRun prepares a request of a case, due at dueAt under policy, chased from start. signalErr, if
// not nil, is what signalling the case returns (as when the case's workflow is gone).
func newRequestRun(t *testing.T, store domain.EventStore, start, dueAt time.Time, policy domain.RequestPolicy, signalErr error) *requestRun {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(zapadapter.New(zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))))
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	env.RegisterWorkflow(workflows.RequestWorkflow)
	env.RegisterActivity(testkit.NewActivities(store))

	caseID := domain.DeterministicID("test", t.Name())
	r := &requestRun{env: env, store: store, in: workflows.RequestInput{
		CaseID: caseID,
		Request: domain.Request{
			ID: "r1", Kind: domain.RequestInput, Sector: "urbanism", Required: true, RequestedAt: start,
			DueAt: dueAt, DueDate: domain.DateOf(dueAt, skopje), Status: domain.RequestIsOpen,
		},
		Policy: policy,
	}}
	env.OnSignalExternalWorkflow(mock.Anything, workflows.CaseWorkflowID(caseID), "", workflows.RequestFactSignal, mock.Anything).Return(
		func(_, _, _, _ string, arg any) error {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.facts = append(r.facts, arg.(workflows.RequestFact))
			return signalErr
		})
	return r
}

// change signals the workflow at the given instant.
func (r *requestRun) change(at time.Time, c workflows.RequestChange) {
	r.env.RegisterDelayedCallback(func() { r.env.SignalWorkflow(workflows.RequestChangeSignal, c) }, at.Sub(r.env.Now()))
}

// run runs the workflow to its end, which must come without error.
func (r *requestRun) run(t *testing.T) {
	t.Helper()
	r.env.ExecuteWorkflow(workflows.RequestWorkflow, r.in)
	if !r.env.IsWorkflowCompleted() {
		t.Fatal("the workflow did not complete")
	}
	if err := r.env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow error: %v", err)
	}
}

// delivered renders the facts signalled to the case, one per line: "generation kind step level sector
// time-in-Skopje", and checks that each was queued as a notification in its own stream first, delivered
// at the instant it says.
func (r *requestRun) delivered(t *testing.T) []string {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, f := range r.facts {
		out = append(out, fmt.Sprintf("g%d %s %d %s %s %s", f.Generation, f.Kind, f.Step, f.Level, f.Sector, f.At.In(skopje).Format(time.DateTime)))
		if want := domain.NotificationID(r.in.CaseID, r.in.Request.ID, f.Generation, f.Kind, f.Step); f.NotificationID != want {
			t.Errorf("fact %+v: notification ID %s, want %s", f, f.NotificationID, want)
		}
		stream := domain.NotificationStream(f.NotificationID)
		events, err := r.store.ReadStream(context.Background(), stream, domain.ReadStreamOptions{})
		if err != nil {
			t.Fatalf("notification of %+v: %v", f, err)
		}
		if len(events) != 1 || events[0].ID != domain.EventID(stream, 0) {
			t.Fatalf("stream %s holds %d events", stream, len(events))
		}
		e, err := domain.DecodeEvent(events[0])
		if err != nil {
			t.Fatal(err)
		}
		n := e.(*domain.NotificationQueued)
		if n.ID != f.NotificationID || n.Kind != f.Kind || n.Step != f.Step || n.Level != f.Level || n.Sector != f.Sector ||
			n.Generation != f.Generation || !n.At.Equal(f.At) || n.CaseID != r.in.CaseID || n.RequestID != r.in.Request.ID {
			t.Errorf("queued %+v for fact %+v", *n, f)
		}
	}
	return out
}

// notifications counts the notifications queued in the store.
func notifications(t *testing.T, store domain.EventStore) int {
	t.Helper()
	events, err := store.ReadAll(context.Background(), domain.ReadAllOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range events {
		if e.Type == domain.EventNotificationQueued {
			n++
		}
	}
	return n
}

func mustEqualLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("delivered:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestRequestWorkflow(t *testing.T) {
	policies := domain.DefaultPolicies()
	petition := policies[domain.KindPetition].Requests
	media := policies[domain.KindMediaQuery].Requests
	endOf := func(y int, m time.Month, d int) time.Time {
		return domain.Date{Year: y, Month: m, Day: d}.EndOfDayIn(skopje)
	}
	at := func(m time.Month, d, hh, mm int) time.Time { return time.Date(2026, m, d, hh, mm, 0, 0, skopje) }
	closed := workflows.RequestChange{Closed: true}

	t.Run("OK_RemindsThenClimbsTheLadder", func(t *testing.T) {
		// Due Monday 4 May 2026; Friday 1 May is Labour Day, so the reminder goes out on Thursday 30 April.
		store := testkit.MustOpenStore(t)
		r := newRequestRun(t, store, at(time.April, 27, 9, 0), endOf(2026, time.May, 4), petition, nil)
		r.change(at(time.May, 20, 9, 0), closed)
		r.run(t)
		mustEqualLines(t, r.delivered(t), []string{
			"g0 reminder 1 head urbanism 2026-04-30 08:00:00",
			"g0 escalation 1 deputy urbanism 2026-05-05 00:00:00",
			"g0 escalation 2 head urbanism 2026-05-05 08:00:00",
			"g0 escalation 3 secretary urbanism 2026-05-07 08:00:00",
			"g0 escalation 4 cabinet urbanism 2026-05-11 08:00:00",
		})
		if n := notifications(t, store); n != 5 {
			t.Errorf("%d notifications queued, want 5", n)
		}
	})

	t.Run("OK_HolidayShiftsWorkingDays", func(t *testing.T) {
		// Due Friday 22 May 2026. Sunday 24 May's holiday moves to Monday 25 May: one working day after the
		// due date is Tuesday 26 May, three are Thursday 28 May, five Monday 1 June.
		store := testkit.MustOpenStore(t)
		r := newRequestRun(t, store, at(time.May, 15, 9, 0), endOf(2026, time.May, 22), petition, nil)
		r.change(at(time.June, 10, 9, 0), closed)
		r.run(t)
		mustEqualLines(t, r.delivered(t), []string{
			"g0 reminder 1 head urbanism 2026-05-21 08:00:00",
			"g0 escalation 1 deputy urbanism 2026-05-23 00:00:00",
			"g0 escalation 2 head urbanism 2026-05-26 08:00:00",
			"g0 escalation 3 secretary urbanism 2026-05-28 08:00:00",
			"g0 escalation 4 cabinet urbanism 2026-06-01 08:00:00",
		})
	})

	t.Run("OK_ProgrammeItemTwoReminders", func(t *testing.T) {
		// A programme's item is reminded five working days and one before it is due (Monday 25 May, the
		// moved holiday, does not count), and has no deputy on its ladder.
		store := testkit.MustOpenStore(t)
		r := newRequestRun(t, store, at(time.May, 4, 9, 0), endOf(2026, time.May, 29), policies[domain.KindTwinCityProgramme].Requests, nil)
		r.change(at(time.June, 20, 9, 0), closed)
		r.run(t)
		mustEqualLines(t, r.delivered(t), []string{
			"g0 reminder 1 head urbanism 2026-05-21 08:00:00",
			"g0 reminder 2 head urbanism 2026-05-28 08:00:00",
			"g0 escalation 1 head urbanism 2026-06-01 08:00:00",
			"g0 escalation 2 secretary urbanism 2026-06-05 08:00:00",
			"g0 escalation 3 cabinet urbanism 2026-06-12 08:00:00",
		})
	})

	t.Run("OK_MediaQueryInHours", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		r := newRequestRun(t, store, at(time.May, 4, 10, 0), at(time.May, 4, 14, 0), media, nil)
		r.change(at(time.May, 4, 20, 0), closed)
		r.run(t)
		mustEqualLines(t, r.delivered(t), []string{
			"g0 reminder 1 head urbanism 2026-05-04 13:00:00",
			"g0 escalation 1 deputy urbanism 2026-05-04 14:00:01",
			"g0 escalation 2 head urbanism 2026-05-04 15:00:00",
			"g0 escalation 3 secretary urbanism 2026-05-04 16:00:00",
			"g0 escalation 4 cabinet urbanism 2026-05-04 18:00:00",
		})
	})

	t.Run("OK_ReassignmentRestartsTheChase", func(t *testing.T) {
		// Reassigned to finance on Wednesday 6 May, mid-ladder, with a new due date of Wednesday 13 May.
		// A repeat of the reassignment's signal and a stale change of generation 0 change nothing.
		store := testkit.MustOpenStore(t)
		r := newRequestRun(t, store, at(time.April, 27, 9, 0), endOf(2026, time.May, 4), petition, nil)
		reassign := workflows.RequestChange{Generation: 1, Sector: "finance", DueAt: endOf(2026, time.May, 13)}
		r.change(at(time.May, 6, 10, 0), reassign)
		r.change(at(time.May, 6, 10, 5), reassign)
		r.change(at(time.May, 12, 7, 0), workflows.RequestChange{Generation: 0, Sector: "urbanism", DueAt: endOf(2026, time.May, 4)})
		r.change(at(time.May, 25, 9, 0), closed)
		r.run(t)
		mustEqualLines(t, r.delivered(t), []string{
			"g0 reminder 1 head urbanism 2026-04-30 08:00:00",
			"g0 escalation 1 deputy urbanism 2026-05-05 00:00:00",
			"g0 escalation 2 head urbanism 2026-05-05 08:00:00",
			"g1 reminder 1 head finance 2026-05-12 08:00:00",
			"g1 escalation 1 deputy finance 2026-05-14 00:00:00",
			"g1 escalation 2 head finance 2026-05-14 08:00:00",
			"g1 escalation 3 secretary finance 2026-05-18 08:00:00",
			"g1 escalation 4 cabinet finance 2026-05-20 08:00:00",
		})
	})

	t.Run("OK_ReassignmentAfterTheLadder", func(t *testing.T) {
		// A reassignment after the last step is chased too; this one is already due, so its reminder is
		// skipped and its passed escalations go out at once.
		store := testkit.MustOpenStore(t)
		r := newRequestRun(t, store, at(time.May, 4, 10, 0), at(time.May, 4, 14, 0), media, nil)
		r.change(at(time.May, 5, 9, 0), workflows.RequestChange{Generation: 1, Sector: "finance", DueAt: at(time.May, 5, 7, 30)})
		r.change(at(time.May, 5, 20, 0), closed)
		r.run(t)
		got := r.delivered(t)
		mustEqualLines(t, got[5:], []string{
			"g1 escalation 1 deputy finance 2026-05-05 09:00:00",
			"g1 escalation 2 head finance 2026-05-05 09:00:00",
			"g1 escalation 3 secretary finance 2026-05-05 09:30:00",
			"g1 escalation 4 cabinet finance 2026-05-05 11:30:00",
		})
	})

	t.Run("OK_ClosedStopsEverything", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		r := newRequestRun(t, store, at(time.April, 27, 9, 0), endOf(2026, time.May, 4), petition, nil)
		r.change(at(time.May, 2, 11, 0), closed)
		r.run(t)
		mustEqualLines(t, r.delivered(t), []string{"g0 reminder 1 head urbanism 2026-04-30 08:00:00"})
		if n := notifications(t, store); n != 1 {
			t.Errorf("%d notifications queued, want 1", n)
		}
		if now := r.env.Now(); now.After(at(time.May, 2, 11, 0)) {
			t.Errorf("the workflow ran until %v, after it was closed", now)
		}
	})

	t.Run("OK_ClosedBeforeAPassedEscalation", func(t *testing.T) {
		// The request closes as a late child starts: the escalations already due do not go out.
		store := testkit.MustOpenStore(t)
		r := newRequestRun(t, store, at(time.May, 5, 9, 0), endOf(2026, time.May, 4), petition, nil)
		r.change(at(time.May, 5, 9, 0), closed)
		r.run(t)
		if got := r.delivered(t); len(got) != 0 {
			t.Errorf("delivered %v after the request closed", got)
		}
	})

	t.Run("OK_CaseEndedStopsTheChase", func(t *testing.T) {
		// The case's workflow is gone: the first step finds out, and the chase ends.
		store := testkit.MustOpenStore(t)
		r := newRequestRun(t, store, at(time.April, 27, 9, 0), endOf(2026, time.May, 4), petition, &temporal.UnknownExternalWorkflowExecutionError{})
		r.run(t)
		mustEqualLines(t, r.delivered(t), []string{"g0 reminder 1 head urbanism 2026-04-30 08:00:00"})
		if now := r.env.Now(); !now.Equal(at(time.April, 30, 8, 0)) {
			t.Errorf("the workflow ended at %v, want at the reminder", now)
		}
	})

	t.Run("OK_RestartedChildDoesNotRepeatSteps", func(t *testing.T) {
		// Started again on Wednesday 6 May after the reminder and two escalations went out.
		store := testkit.MustOpenStore(t)
		r := newRequestRun(t, store, at(time.May, 6, 9, 0), endOf(2026, time.May, 4), petition, nil)
		r.in.Request.Reminders, r.in.Request.Escalation, r.in.Request.Level = 1, 2, domain.LevelHead
		r.change(at(time.May, 20, 9, 0), closed)
		r.run(t)
		mustEqualLines(t, r.delivered(t), []string{
			"g0 escalation 3 secretary urbanism 2026-05-07 08:00:00",
			"g0 escalation 4 cabinet urbanism 2026-05-11 08:00:00",
		})
	})

	t.Run("OK_RestartedChildBeforeItsReminder", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		r := newRequestRun(t, store, at(time.April, 28, 9, 0), endOf(2026, time.May, 4), petition, nil)
		r.in.Request.Reminders = 1
		r.change(at(time.May, 5, 9, 0), closed)
		r.run(t)
		mustEqualLines(t, r.delivered(t), []string{
			"g0 escalation 1 deputy urbanism 2026-05-05 00:00:00",
			"g0 escalation 2 head urbanism 2026-05-05 08:00:00",
		})
	})

	t.Run("OK_LateChildSkipsRemindersAndEscalatesAtOnce", func(t *testing.T) {
		// Started at 09:00 on Tuesday 5 May: the reminder is pointless now; the deputy's and the head's
		// escalations are due, and go out at once, in order.
		store := testkit.MustOpenStore(t)
		r := newRequestRun(t, store, at(time.May, 5, 9, 0), endOf(2026, time.May, 4), petition, nil)
		r.change(at(time.May, 8, 9, 0), closed)
		r.run(t)
		mustEqualLines(t, r.delivered(t), []string{
			"g0 escalation 1 deputy urbanism 2026-05-05 09:00:00",
			"g0 escalation 2 head urbanism 2026-05-05 09:00:00",
			"g0 escalation 3 secretary urbanism 2026-05-07 08:00:00",
		})
	})

	t.Run("OK_RedeliveryWritesNothingNew", func(t *testing.T) {
		// A child run again from the start for the same generation (as after a reset) queues the same
		// notifications: their streams already hold them, and nothing is written twice.
		store := testkit.MustOpenStore(t)
		first := newRequestRun(t, store, at(time.May, 4, 10, 0), at(time.May, 4, 14, 0), media, nil)
		first.change(at(time.May, 4, 20, 0), closed)
		first.run(t)
		again := newRequestRun(t, store, at(time.May, 4, 10, 30), at(time.May, 4, 14, 0), media, nil)
		again.change(at(time.May, 4, 20, 0), closed)
		again.run(t)
		if a, b := len(first.delivered(t)), len(again.delivered(t)); a != 5 || b != 5 {
			t.Errorf("delivered %d and %d steps, want 5 each", a, b)
		}
		if n := notifications(t, store); n != 5 {
			t.Errorf("%d notifications queued, want 5", n)
		}
	})

	t.Run("OK_NoDueInstantNoChase", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		r := newRequestRun(t, store, at(time.May, 4, 10, 0), time.Time{}, petition, nil)
		r.change(at(time.June, 4, 10, 0), closed)
		r.run(t)
		if got := r.delivered(t); len(got) != 0 {
			t.Errorf("delivered %v for a request without a due instant", got)
		}
	})
}

var updateRequestGolden = flag.Bool("update-request-golden", false, "record testdata/request_v1.json on an embedded Temporal server (takes about two and a half minutes)")

// requestHistory is the committed history of a RequestWorkflow run on a real Temporal server.
const requestHistory = "testdata/request_v1.json"

// TestRequestWorkflowReplay replays a history recorded on a real Temporal server against today's
// RequestWorkflow: a change that would break running requests fails here. The history holds a reminder,
// two escalations, a reassignment that cancels a pending escalation's timer, the new generation's reminder
// and the close. It is never regenerated to make a change pass: a versioned change keeps this file and may
// add a history of its own (rename this one first: TestRecordRequestHistory writes requestHistory).
func TestRequestWorkflowReplay(t *testing.T) {
	f, err := os.Open(requestHistory)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	history, err := client.HistoryFromJSON(f, client.HistoryJSONOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The history still shows what it was recorded for.
	count := map[enumspb.EventType]int{}
	for _, e := range history.GetEvents() {
		count[e.GetEventType()]++
	}
	for typ, atLeast := range map[enumspb.EventType]int{
		enumspb.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED: 4, // reminder, 2 escalations, reminder
		enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:                  2, // reassignment, close
		enumspb.EVENT_TYPE_TIMER_FIRED:                                  3,
		enumspb.EVENT_TYPE_TIMER_CANCELED:                               1,
		enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:                 1,
	} {
		if count[typ] < atLeast {
			t.Errorf("the history has %d %s events, want at least %d: record it again", count[typ], typ, atLeast)
		}
	}

	r := worker.NewWorkflowReplayer()
	r.RegisterWorkflow(workflows.RequestWorkflow)
	logger := zapadapter.New(zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)))
	if err := r.ReplayWorkflowHistory(logger, history); err != nil {
		t.Fatal(err)
	}
}

// TestRecordRequestHistory runs RequestWorkflow on an embedded Temporal server in real time, with a policy
// in minutes, and writes its history for TestRequestWorkflowReplay.
func TestRecordRequestHistory(t *testing.T) {
	if !*updateRequestGolden {
		t.Skip("records the replay history only with -update-request-golden")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv, err := embedtemporal.Start(ctx, embedtemporal.Options{DataDir: t.TempDir(), UIPort: -1, Logger: zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	logger := zapadapter.New(zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)))
	c, err := client.Dial(client.Options{HostPort: srv.FrontendAddress(), Namespace: srv.Namespace(), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	store := testkit.MustOpenStore(t)
	w := worker.New(c, workflows.TaskQueue, worker.Options{})
	w.RegisterWorkflow(workflows.RequestWorkflow)
	w.RegisterWorkflow(recordingCase)
	w.RegisterActivity(testkit.NewActivities(store))
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()

	// The reminder goes out 5 s from now, the deputy's escalation at the due instant a minute later, the
	// head's a minute after that; the secretary's, a minute later still, is cancelled by the reassignment.
	caseID := domain.DeterministicID("recorded request history")
	start := time.Now().Truncate(time.Second)
	due := start.Add(65 * time.Second)
	minutes := func(n int) domain.Clock { return domain.Clock{Length: n, Unit: domain.Minutes} }
	in := workflows.RequestInput{
		CaseID: caseID,
		Request: domain.Request{
			ID: "r1", Kind: domain.RequestInput, Sector: "urbanism", Required: true, RequestedAt: start.UTC(),
			DueAt: due.UTC(), DueDate: domain.DateOf(due, skopje), Status: domain.RequestIsOpen,
		},
		Policy: domain.RequestPolicy{
			Clock:     minutes(1),
			Reminders: []domain.Clock{minutes(1)},
			Escalation: []domain.EscalationStep{
				{After: minutes(0), To: domain.LevelDeputy},
				{After: minutes(1), To: domain.LevelHead},
				{After: minutes(2), To: domain.LevelSecretary},
			},
		},
	}
	parent, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.CaseWorkflowID(caseID), TaskQueue: workflows.TaskQueue}, recordingCase)
	if err != nil {
		t.Fatal(err)
	}
	id := workflows.RequestWorkflowID(caseID, "r1")
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue}, workflows.RequestWorkflow, in)
	if err != nil {
		t.Fatal(err)
	}

	waitQueued := func(generation int, kind domain.NotificationKind, step int) {
		t.Helper()
		stream := domain.NotificationStream(domain.NotificationID(caseID, "r1", generation, kind, step))
		for {
			if _, err := store.ReadStream(ctx, stream, domain.ReadStreamOptions{}); err == nil {
				return
			} else if ctx.Err() != nil {
				t.Fatalf("%s %d of generation %d never queued", kind, step, generation)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	waitQueued(0, domain.NotifyEscalation, 2)
	time.Sleep(2 * time.Second) // let the fact reach the case
	newDue := time.Now().Add(63 * time.Second).Truncate(time.Second)
	if err := c.SignalWorkflow(ctx, id, "", workflows.RequestChangeSignal, workflows.RequestChange{Generation: 1, Sector: "finance", DueAt: newDue.UTC()}); err != nil {
		t.Fatal(err)
	}
	waitQueued(1, domain.NotifyReminder, 1)
	time.Sleep(2 * time.Second)
	if err := c.SignalWorkflow(ctx, id, "", workflows.RequestChangeSignal, workflows.RequestChange{Closed: true}); err != nil {
		t.Fatal(err)
	}
	if err := run.Get(ctx, nil); err != nil {
		t.Fatalf("RequestWorkflow: %v", err)
	}

	var facts []workflows.RequestFact
	res, err := c.QueryWorkflow(ctx, parent.GetID(), "", factsQuery)
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Get(&facts); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range facts {
		got = append(got, fmt.Sprintf("g%d %s %d %s %s", f.Generation, f.Kind, f.Step, f.Level, f.Sector))
	}
	mustEqualLines(t, got, []string{
		"g0 reminder 1 head urbanism",
		"g0 escalation 1 deputy urbanism",
		"g0 escalation 2 head urbanism",
		"g1 reminder 1 head finance",
	})
	if err := c.CancelWorkflow(ctx, parent.GetID(), ""); err != nil {
		t.Fatal(err)
	}

	n := testkit.WriteHistory(t, c, id, run.GetRunID(), requestHistory)
	t.Logf("wrote %s: %d events", requestHistory, n)
}

// factsQuery returns the facts recordingCase received.
const factsQuery = "facts"

// recordingCase stands in for a case's workflow while a request's history is recorded: it takes the facts
// its request signals, and keeps them for factsQuery, until it is cancelled.
func recordingCase(ctx workflow.Context) error {
	var facts []workflows.RequestFact
	if err := workflow.SetQueryHandler(ctx, factsQuery, func() ([]workflows.RequestFact, error) { return facts, nil }); err != nil {
		return err
	}
	ch := workflow.GetSignalChannel(ctx, workflows.RequestFactSignal)
	for ctx.Err() == nil {
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(ch, func(c workflow.ReceiveChannel, _ bool) {
			var f workflows.RequestFact
			c.Receive(ctx, &f)
			facts = append(facts, f)
		})
		sel.AddReceive(ctx.Done(), func(workflow.ReceiveChannel, bool) {})
		sel.Select(ctx)
	}
	return ctx.Err()
}
