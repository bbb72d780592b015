package workflows_test

import (
	"context"
	"errors"
	"flag"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/predmet/predmet/activities"
	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/embedtemporal"
	"github.com/predmet/predmet/internal/testkit"
	"github.com/predmet/predmet/internal/zapadapter"
	"github.com/predmet/predmet/services"
	"github.com/predmet/predmet/workflows"
)

// briefingReadModels is a domain.ReadModels over a list of cases: it filters them by the fields of a
// case query that the briefing uses (kinds, open, buckets, the range of receipt), and answers the other
// queries with nothing. Buckets are as the test set them.
type briefingReadModels struct {
	mu    sync.Mutex
	cases []domain.CaseSummary
}

func (m *briefingReadModels) Cases(_ context.Context, q domain.CaseQuery) (domain.Page[domain.CaseSummary], error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []domain.CaseSummary
	for _, c := range m.cases {
		switch {
		case len(q.Kinds) > 0 && !slices.Contains(q.Kinds, c.Kind),
			q.Open != nil && *q.Open != c.Open,
			len(q.Buckets) > 0 && !slices.Contains(q.Buckets, c.Bucket),
			!q.ReceivedFrom.IsZero() && c.ReceivedAt.Before(q.ReceivedFrom),
			!q.ReceivedTo.IsZero() && !c.ReceivedAt.Before(q.ReceivedTo):
			continue
		}
		out = append(out, c)
	}
	return domain.Page[domain.CaseSummary]{Items: out, Limit: q.Limit}, nil
}

func (m *briefingReadModels) DueBoard(_ context.Context, q domain.DueBoardQuery) (domain.DueBoard, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := domain.DueBoard{Now: q.Now}
	for _, c := range m.cases {
		if c.Open {
			b.Totals.Open++
		}
	}
	return b, nil
}

func (m *briefingReadModels) Requests(context.Context, domain.RequestQuery) (domain.Page[domain.RequestSummary], error) {
	return domain.Page[domain.RequestSummary]{}, nil
}

func (m *briefingReadModels) Notices(context.Context, domain.NoticeQuery) (domain.Page[domain.NoticeSummary], error) {
	return domain.Page[domain.NoticeSummary]{}, nil
}

func (m *briefingReadModels) Statistics(context.Context, domain.StatsQuery) ([]domain.StatsRow, error) {
	return nil, nil
}

func (m *briefingReadModels) FOIReport(context.Context, int) (domain.FOIReport, error) {
	return domain.FOIReport{}, nil
}

// briefingMornings stands in for the schedule in the time-skipping test environment: it sleeps until
// each of the mornings and starts BriefingWorkflow then, as the schedule would, and returns what each
// run did.
func briefingMornings(ctx workflow.Context, mornings []time.Time) ([]workflows.BriefingResult, error) {
	var out []workflows.BriefingResult
	for _, at := range mornings {
		if err := workflow.Sleep(ctx, at.Sub(workflow.Now(ctx))); err != nil {
			return out, err
		}
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID: workflows.BriefingScheduleID + "-" + at.UTC().Format(time.RFC3339),
		})
		var res workflows.BriefingResult
		in := workflows.BriefingInput{Trigger: domain.BriefingBySchedule, By: domain.SystemActor.UserID}
		if err := workflow.ExecuteChildWorkflow(cctx, workflows.BriefingWorkflow, in).Get(ctx, &res); err != nil {
			return out, err
		}
		out = append(out, res)
	}
	return out, nil
}

// briefingNotifications returns the briefing notifications queued in the store, by ID.
func briefingNotifications(t *testing.T, store domain.EventStore) map[string]domain.NotificationQueued {
	t.Helper()
	events, err := store.ReadAll(context.Background(), domain.ReadAllOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]domain.NotificationQueued{}
	for _, e := range events {
		if e.Type != domain.EventNotificationQueued {
			continue
		}
		ev, err := domain.DecodeEvent(e)
		if err != nil {
			t.Fatal(err)
		}
		if n := ev.(*domain.NotificationQueued); n.Kind == domain.NotifyBriefing {
			out[n.ID] = *n
		}
	}
	return out
}

// newBriefingEnv returns a time-skipping test environment starting at start, with BriefingWorkflow and
// the activities acts registered.
func newBriefingEnv(t *testing.T, start time.Time, acts *activities.Activities) *testsuite.TestWorkflowEnvironment {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(zapadapter.New(zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel+1))))
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	env.RegisterWorkflow(workflows.BriefingWorkflow)
	env.RegisterActivity(acts)
	return env
}

func TestBriefingWorkflow(t *testing.T) {
	at := func(day, hour, minute int) time.Time {
		return time.Date(2026, time.October, day, hour, minute, 0, 0, skopje)
	}
	received := func(id string, kind domain.CaseKind, when time.Time) domain.CaseSummary {
		return domain.CaseSummary{ID: id, Kind: kind, Status: domain.StatusRegistered, Open: true, Bucket: domain.DueLater,
			ReceivedAt: when.UTC(), RegisteredAt: when.UTC().Add(time.Second)}
	}

	t.Run("OK_WorkingMorningsOnly", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		rm := &briefingReadModels{cases: []domain.CaseSummary{
			received("wed", domain.KindPetition, at(21, 14, 0)),
			received("thu", domain.KindMediaQuery, at(22, 10, 0)),
			received("fri", domain.KindCitizenQuestion, at(23, 12, 0)), // a state holiday: the web form is open
			received("sat", domain.KindPetition, at(24, 18, 0)),
			received("sun", domain.KindProposal, at(25, 21, 0)),
			received("mon", domain.KindPetition, at(26, 9, 0)), // after Monday's briefing
		}}
		acts := &activities.Activities{Store: store, Calendar: domain.NewCalendar(nil), Location: skopje, ReadModels: rm}

		env := newBriefingEnv(t, at(22, 6, 0), acts)
		env.RegisterWorkflow(briefingMornings)
		// The first store's answer is lost after its append (the worker lost its connection): the retry
		// must find the event standing and write nothing.
		var a *activities.Activities
		var lost sync.Once
		var stores atomic.Int32
		env.OnActivity(a.StoreBriefing, mock.Anything, mock.Anything).Return(
			func(ctx context.Context, in activities.StoreBriefingInput) (activities.StoredBriefing, error) {
				stores.Add(1)
				res, err := acts.StoreBriefing(ctx, in)
				failed := false
				lost.Do(func() { failed = true })
				if failed && err == nil {
					return activities.StoredBriefing{}, errors.New("connection lost after the append")
				}
				return res, err
			})

		// The schedule fires every day at 07:30: Thursday, Friday (the Day of the Macedonian Revolutionary
		// Struggle), Saturday, Sunday and Monday.
		mornings := []time.Time{at(22, 7, 30), at(23, 7, 30), at(24, 7, 30), at(25, 7, 30), at(26, 7, 30)}
		env.ExecuteWorkflow(briefingMornings, mornings)
		if err := env.GetWorkflowError(); err != nil {
			t.Fatal(err)
		}
		var results []workflows.BriefingResult
		if err := env.GetWorkflowResult(&results); err != nil {
			t.Fatal(err)
		}
		if len(results) != 5 {
			t.Fatalf("%d runs, want 5", len(results))
		}
		if n := stores.Load(); n != 3 {
			t.Errorf("%d attempts to store, want 3 (Thursday's retried once, Monday's)", n)
		}
		for i, want := range []struct {
			date    string
			skipped bool
			reason  string
		}{
			{"2026-10-22", false, ""},
			{"2026-10-23", true, "Day of the Macedonian Revolutionary Struggle"},
			{"2026-10-24", true, "Saturday"},
			{"2026-10-25", true, "Sunday"},
			{"2026-10-26", false, ""},
		} {
			if r := results[i]; r.Date.String() != want.date || r.Skipped != want.skipped || r.Reason != want.reason {
				t.Errorf("run %d = %+v, want %s skipped %v (%q)", i, r, want.date, want.skipped, want.reason)
			}
		}

		// Briefings exist for the working mornings only, one each.
		ctx := context.Background()
		var stored []domain.Briefing
		for day := 22; day <= 26; day++ {
			d := domain.Date{Year: 2026, Month: time.October, Day: day}
			briefings, last, err := domain.ReadBriefings(ctx, store, d)
			switch {
			case day == 22 || day == 26:
				if err != nil || len(briefings) != 1 || last != 0 {
					t.Fatalf("%s: %d briefings, last revision %d, %v; want exactly one", d, len(briefings), last, err)
				}
				stored = append(stored, briefings[0])
			case domain.ErrorCode(err) != domain.ENOTFOUND:
				t.Errorf("%s: %d briefings (%v); want none on a non-working day", d, len(briefings), err)
			}
		}
		thursday, monday := stored[0], stored[1]
		if !thursday.ComposedAt.Equal(at(22, 7, 30)) || !thursday.Since.IsZero() || thursday.Trigger != domain.BriefingBySchedule {
			t.Errorf("Thursday's briefing: composed %v, since %v, trigger %s", thursday.ComposedAt, thursday.Since, thursday.Trigger)
		}
		if !monday.Since.Equal(thursday.ComposedAt) || !monday.ComposedAt.Equal(at(26, 7, 30)) {
			t.Errorf("Monday's briefing: since %v, want Thursday's %v; composed %v", monday.Since, thursday.ComposedAt, monday.ComposedAt)
		}
		newIDs := func(b domain.Briefing) []string {
			var ids []string
			for _, c := range b.New.Items {
				ids = append(ids, c.ID)
			}
			return ids
		}
		// Thursday's first briefing counts from the start of Wednesday; Monday's holds the long weekend.
		if got := newIDs(thursday); !slices.Equal(got, []string{"wed"}) {
			t.Errorf("Thursday's new cases = %v, want [wed]", got)
		}
		if got := newIDs(monday); !slices.Equal(got, []string{"sun", "sat", "fri", "thu"}) || monday.New.Count != 4 {
			t.Errorf("Monday's new cases = %v (%d), want [sun sat fri thu]", got, monday.New.Count)
		}
		if got := monday.OpenMediaQueries.Items; len(got) != 1 || got[0].ID != "thu" {
			t.Errorf("Monday's open media queries = %+v", got)
		}

		// The e-mail hook queued one notification per stored briefing, and none for the skipped days.
		queued := briefingNotifications(t, store)
		if len(queued) != 2 {
			t.Errorf("%d briefing notifications queued, want 2: %+v", len(queued), queued)
		}
		for i, r := range []workflows.BriefingResult{results[0], results[4]} {
			n, ok := queued[domain.BriefingNotificationID(r.Date, r.Revision)]
			if !ok || r.NotificationID != n.ID {
				t.Errorf("no notification for %s (result %+v)", r.Date, r)
				continue
			}
			if n.Date != r.Date || n.CaseID != "" || n.Level != domain.LevelCabinet || !n.At.Equal(stored[i].ComposedAt) {
				t.Errorf("notification %+v", n)
			}
		}
	})

	t.Run("OK_StaffOnAHoliday", func(t *testing.T) {
		// Staff may ask for a briefing on any day; it counts from the last one.
		store := testkit.MustOpenStore(t)
		rm := &briefingReadModels{cases: []domain.CaseSummary{received("fri", domain.KindPetition, at(23, 9, 0))}}
		env := newBriefingEnv(t, at(23, 10, 0), &activities.Activities{Store: store, Calendar: domain.NewCalendar(nil), Location: skopje, ReadModels: rm})
		env.ExecuteWorkflow(workflows.BriefingWorkflow, workflows.BriefingInput{Trigger: domain.BriefingByStaff, By: "besa.hoxha", RequestID: "k1"})
		var res workflows.BriefingResult
		if err := env.GetWorkflowResult(&res); err != nil {
			t.Fatal(err)
		}
		if res.Skipped || res.Date.String() != "2026-10-23" || res.Stream != "briefing-2026-10-23" {
			t.Fatalf("result %+v", res)
		}
		b, err := (&services.Briefings{Store: store, Location: skopje, Now: func() time.Time { return at(23, 11, 0) }}).Latest(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if b.Trigger != domain.BriefingByStaff || b.By != "besa.hoxha" || b.New.Count != 1 {
			t.Errorf("latest = %+v", b)
		}
	})

	t.Run("ErrNoReadModels", func(t *testing.T) {
		// A worker without read models fails the run at once; it stores and queues nothing.
		store := testkit.MustOpenStore(t)
		env := newBriefingEnv(t, at(22, 7, 30), &activities.Activities{Store: store, Calendar: domain.NewCalendar(nil), Location: skopje})
		env.ExecuteWorkflow(workflows.BriefingWorkflow, workflows.BriefingInput{Trigger: domain.BriefingBySchedule, By: "system"})
		if env.GetWorkflowError() == nil {
			t.Fatal("the run succeeded without read models")
		}
		if _, _, err := domain.ReadBriefings(context.Background(), store, domain.Date{Year: 2026, Month: time.October, Day: 22}); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("a briefing was stored: %v", err)
		}
		if n := briefingNotifications(t, store); len(n) != 0 {
			t.Errorf("notifications queued: %+v", n)
		}
	})
}

func TestEnsureBriefingScheduleInvalid(t *testing.T) {
	for _, at := range []string{"", "7:30", "24:00", "07:60", "07.30", "07:30:00", "half past seven"} {
		if err := workflows.EnsureBriefingSchedule(context.Background(), nil, at, skopje); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("EnsureBriefingSchedule(%q) = %v, want EINVALID", at, err)
		}
	}
}

var updateBriefingGolden = flag.Bool("update-briefing-golden", false, "record testdata/briefing_v1.json on an embedded Temporal server")

// briefingHistory is the committed history of a BriefingWorkflow run on a real Temporal server.
const briefingHistory = "testdata/briefing_v1.json"

// TestBriefingWorkflowReplay replays a history recorded on a real Temporal server against today's
// BriefingWorkflow (TestReplay replays it too): the day looked up, the briefing composed and stored, and
// its notification queued. It is never regenerated to make a change pass.
func TestBriefingWorkflowReplay(t *testing.T) {
	f, err := os.Open(briefingHistory)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	history, err := client.HistoryFromJSON(f, client.HistoryJSONOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var activityTypes []string
	var markers int
	for _, e := range history.GetEvents() {
		switch e.GetEventType() {
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			activityTypes = append(activityTypes, e.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName())
		case enumspb.EVENT_TYPE_MARKER_RECORDED:
			markers++ // the local activity that looks up the day
		}
	}
	if want := []string{"ComposeBriefing", "StoreBriefing", "Notify"}; !slices.Equal(activityTypes, want) || markers != 1 {
		t.Errorf("the history runs %v and %d local activities, want %v and 1: record it again", activityTypes, markers, want)
	}
	r := worker.NewWorkflowReplayer()
	r.RegisterWorkflow(workflows.BriefingWorkflow)
	logger := zapadapter.New(zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)))
	if err := r.ReplayWorkflowHistory(logger, history); err != nil {
		t.Fatal(err)
	}
}

// TestBriefingOnServer runs the briefing on an embedded Temporal server: the schedule is created at 07:30
// Europe/Skopje and moved to 08:15, a briefing is asked for through BriefingService (and asked for again
// with the same key, which returns it without composing another), and the schedule's action, triggered
// now, runs BriefingWorkflow. With -update-briefing-golden it writes the staff run's history to
// briefingHistory.
func TestBriefingOnServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Temporal server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
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
	now := time.Now()
	rm := &briefingReadModels{cases: []domain.CaseSummary{{
		ID: "0f6b1c9e-5d1a-5b7e-9a51-2c4f0e8d7a13", Kind: domain.KindMediaQuery, Status: domain.StatusAssigned, Open: true,
		Bucket: domain.DueToday, ArchiveNumber: "08-1/1", ReceivedAt: now.Add(-time.Hour).UTC(), RegisteredAt: now.Add(-time.Hour).UTC(),
		DueAt: now.Add(47 * time.Hour).UTC(),
	}}}
	w := worker.New(c, workflows.TaskQueue, worker.Options{})
	w.RegisterWorkflow(workflows.BriefingWorkflow)
	w.RegisterActivity(&activities.Activities{Store: store, Calendar: domain.NewCalendar(nil), Location: skopje, ReadModels: rm})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()

	// The schedule: created, then moved to another time by a second call.
	if err := workflows.EnsureBriefingSchedule(ctx, c, "07:30", skopje); err != nil {
		t.Fatal(err)
	}
	if err := workflows.EnsureBriefingSchedule(ctx, c, "08:15", skopje); err != nil {
		t.Fatal(err)
	}
	handle := c.ScheduleClient().GetHandle(ctx, workflows.BriefingScheduleID)
	desc, err := handle.Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	spec, policy := desc.Schedule.Spec, desc.Schedule.Policy
	if len(spec.Calendars) != 1 || spec.TimeZoneName != "Europe/Skopje" ||
		spec.Calendars[0].Hour[0].Start != 8 || spec.Calendars[0].Minute[0].Start != 15 {
		t.Errorf("schedule spec = %+v", spec)
	}
	if policy.Overlap != enumspb.SCHEDULE_OVERLAP_POLICY_SKIP || policy.CatchupWindow != 4*time.Hour {
		t.Errorf("schedule policy = %+v", policy)
	}
	if next := desc.Info.NextActionTimes; len(next) == 0 || next[0].In(skopje).Format("15:04") != "08:15" {
		t.Errorf("next actions at %v, want 08:15 in Skopje", next)
	}
	if action, ok := desc.Schedule.Action.(*client.ScheduleWorkflowAction); !ok || action.Workflow != "BriefingWorkflow" || action.TaskQueue != workflows.TaskQueue {
		t.Errorf("schedule action = %+v", desc.Schedule.Action)
	}

	// A briefing on demand, and the same request again.
	svc := &services.Briefings{Client: c, Store: store, Location: skopje, Timeout: time.Minute}
	supervisor := domain.Actor{UserID: "besa.hoxha", Roles: []domain.Role{domain.RoleSupervisor}}
	started := time.Now()
	b, err := svc.Generate(ctx, supervisor, "key-1")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("a briefing on demand took %v", time.Since(started))
	if b.Trigger != domain.BriefingByStaff || b.By != "besa.hoxha" || b.New.Count != 1 || b.OpenMediaQueries.Count != 1 || b.DueToday.Count != 1 {
		t.Errorf("briefing = %+v", b)
	}
	started = time.Now()
	again, err := svc.Generate(ctx, supervisor, "key-1")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the same request again took %v", time.Since(started))
	if !again.ComposedAt.Equal(b.ComposedAt) {
		t.Errorf("the same key composed another briefing: %v, then %v", b.ComposedAt, again.ComposedAt)
	}
	if briefings, _, err := domain.ReadBriefings(ctx, store, b.Date); err != nil || len(briefings) != 1 {
		t.Errorf("%d briefings stored (%v), want 1", len(briefings), err)
	}
	if _, err := svc.Generate(ctx, domain.Actor{UserID: "ana", Roles: []domain.Role{domain.RoleOfficer}}, "key-2"); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("an officer's request: %v, want EFORBIDDEN", err)
	}
	if latest, err := svc.Latest(ctx); err != nil || !latest.ComposedAt.Equal(b.ComposedAt) {
		t.Errorf("latest = %v (%v), want the briefing of %v", latest.ComposedAt, err, b.ComposedAt)
	}

	// The schedule's action, triggered now, starts BriefingWorkflow on the task queue: it composes a
	// briefing on a working day and skips any other.
	if err := handle.Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		t.Fatal(err)
	}
	var scheduled workflows.BriefingResult
	for {
		desc, err := handle.Describe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if recent := desc.Info.RecentActions; len(recent) > 0 {
			run := c.GetWorkflow(ctx, recent[0].StartWorkflowResult.WorkflowID, "")
			if err := run.Get(ctx, &scheduled); err != nil {
				t.Fatal(err)
			}
			break
		}
		if ctx.Err() != nil {
			t.Fatal("the schedule's action never ran")
		}
		time.Sleep(200 * time.Millisecond)
	}
	today := domain.DateOf(time.Now(), skopje)
	if working := domain.NewCalendar(nil).IsWorkingDay(today); scheduled.Date != today || scheduled.Skipped == working {
		t.Errorf("the scheduled run on %s (working day: %v) = %+v", today, working, scheduled)
	}
	if err := handle.Delete(ctx); err != nil {
		t.Fatal(err)
	}

	if !*updateBriefingGolden {
		return
	}
	n := testkit.WriteHistory(t, c, workflows.BriefingWorkflowID(supervisor.UserID, "key-1"), "", briefingHistory)
	t.Logf("wrote %s: %d events", briefingHistory, n)
}
