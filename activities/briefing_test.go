package activities_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/predmet/predmet/activities"
	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/eventstore/sqlite"
	"github.com/predmet/predmet/internal/testkit"
)

// caseList is a domain.ReadModels that knows only a list of cases: it answers every case query with
// those received in the query's range, and every other query with nothing.
type caseList []domain.CaseSummary

func (l caseList) Cases(_ context.Context, q domain.CaseQuery) (domain.Page[domain.CaseSummary], error) {
	var out []domain.CaseSummary
	for _, c := range l {
		if len(q.Buckets) == 0 && len(q.Kinds) == 0 && !c.ReceivedAt.Before(q.ReceivedFrom) && c.ReceivedAt.Before(q.ReceivedTo) {
			out = append(out, c)
		}
	}
	return domain.Page[domain.CaseSummary]{Items: out, Limit: q.Limit}, nil
}

func (caseList) DueBoard(_ context.Context, q domain.DueBoardQuery) (domain.DueBoard, error) {
	return domain.DueBoard{Now: q.Now}, nil
}

func (caseList) Requests(context.Context, domain.RequestQuery) (domain.Page[domain.RequestSummary], error) {
	return domain.Page[domain.RequestSummary]{}, nil
}

func (caseList) Notices(context.Context, domain.NoticeQuery) (domain.Page[domain.NoticeSummary], error) {
	return domain.Page[domain.NoticeSummary]{}, nil
}

func (caseList) Statistics(context.Context, domain.StatsQuery) ([]domain.StatsRow, error) {
	return nil, nil
}

func (caseList) FOIReport(context.Context, int) (domain.FOIReport, error) {
	return domain.FOIReport{}, nil
}

// MustOpenBriefingEnv returns an activity test environment running predmet's activities, with the read
// models rm, over an embedded event store in a temporary directory, and that store.
func MustOpenBriefingEnv(tb testing.TB, rm domain.ReadModels) (*testsuite.TestActivityEnvironment, *sqlite.Store) {
	tb.Helper()
	return testkit.MustOpenActivityEnv(tb, func(a *activities.Activities) { a.ReadModels = rm })
}

func TestDayOf(t *testing.T) {
	env, _ := MustOpenBriefingEnv(t, caseList{})
	loc, _ := time.LoadLocation("Europe/Skopje")
	var a *activities.Activities
	for _, tc := range []struct {
		at      time.Time
		date    string
		working bool
		reason  string
	}{
		{time.Date(2026, 10, 22, 7, 30, 0, 0, loc), "2026-10-22", true, ""},
		{time.Date(2026, 10, 23, 7, 30, 0, 0, loc), "2026-10-23", false, "Day of the Macedonian Revolutionary Struggle"},
		{time.Date(2026, 10, 24, 7, 30, 0, 0, loc), "2026-10-24", false, "Saturday"},
		// 23:30 UTC on Sunday is already Monday in Skopje.
		{time.Date(2026, 10, 25, 23, 30, 0, 0, time.UTC), "2026-10-26", true, ""},
	} {
		res, err := env.ExecuteActivity(a.DayOf, tc.at)
		if err != nil {
			t.Fatal(err)
		}
		var day activities.BriefingDay
		if err := res.Get(&day); err != nil {
			t.Fatal(err)
		}
		if day.Date.String() != tc.date || day.WorkingDay != tc.working || day.Reason != tc.reason {
			t.Errorf("DayOf(%v) = %+v, want %s working %v (%q)", tc.at, day, tc.date, tc.working, tc.reason)
		}
	}
}

func TestStoreBriefing(t *testing.T) {
	ctx := context.Background()
	var a *activities.Activities
	loc, _ := time.LoadLocation("Europe/Skopje")
	day := domain.Date{Year: 2026, Month: time.October, Day: 22}
	briefing := func(at time.Time, trigger domain.BriefingTrigger) domain.Briefing {
		return domain.Briefing{Date: day, ComposedAt: at.UTC(), Trigger: trigger, By: "system", New: domain.BriefingSection[domain.CaseSummary]{Count: 1, Items: []domain.CaseSummary{{ID: "c1"}}}}
	}
	store := func(env *testsuite.TestActivityEnvironment, in activities.StoreBriefingInput) activities.StoredBriefing {
		t.Helper()
		res, err := env.ExecuteActivity(a.StoreBriefing, in)
		if err != nil {
			t.Fatal(err)
		}
		var out activities.StoredBriefing
		if err := res.Get(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}

	t.Run("OK_RetryWritesOnce", func(t *testing.T) {
		env, es := MustOpenBriefingEnv(t, caseList{})
		in := activities.StoreBriefingInput{Briefing: briefing(time.Date(2026, 10, 22, 7, 30, 0, 0, loc), domain.BriefingBySchedule), Cause: "daily-briefing-2026-10-22T05:30:00Z"}
		first := store(env, in)
		again := store(env, in)
		if first != again || first.Revision != 0 || first.Stream != "briefing-2026-10-22" {
			t.Errorf("stored %+v, then %+v", first, again)
		}
		events, err := es.ReadStream(ctx, first.Stream, domain.ReadStreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 1 || events[0].ID != first.EventID || events[0].Type != domain.EventBriefingComposed {
			t.Fatalf("%d events: %+v", len(events), events)
		}
		if md := domain.DecodeMetadata(events[0]); md.CausationID != in.Cause || md.CorrelationID != first.Stream || md.UserID != "system" {
			t.Errorf("metadata = %+v", md)
		}
	})

	t.Run("OK_SeveralADay", func(t *testing.T) {
		// The scheduled briefing and one asked for by staff: the day's stream holds both, the last current.
		env, es := MustOpenBriefingEnv(t, caseList{})
		scheduled := store(env, activities.StoreBriefingInput{Briefing: briefing(time.Date(2026, 10, 22, 7, 30, 0, 0, loc), domain.BriefingBySchedule), Cause: "daily-briefing-1"})
		staff := store(env, activities.StoreBriefingInput{Briefing: briefing(time.Date(2026, 10, 22, 11, 0, 0, 0, loc), domain.BriefingByStaff), Cause: "briefing-staff-1"})
		// A late retry of the scheduled run finds its event and writes nothing.
		retry := store(env, activities.StoreBriefingInput{Briefing: briefing(time.Date(2026, 10, 22, 7, 30, 0, 0, loc), domain.BriefingBySchedule), Cause: "daily-briefing-1"})
		if scheduled.Revision != 0 || staff.Revision != 1 || retry != scheduled {
			t.Errorf("revisions %d, %d; retry %+v", scheduled.Revision, staff.Revision, retry)
		}
		briefings, last, err := domain.ReadBriefings(ctx, es, day)
		if err != nil {
			t.Fatal(err)
		}
		if len(briefings) != 2 || last != 1 || briefings[1].Trigger != domain.BriefingByStaff {
			t.Errorf("%d briefings, last revision %d", len(briefings), last)
		}
	})

	t.Run("ErrInvalid_NoCause", func(t *testing.T) {
		env, _ := MustOpenBriefingEnv(t, caseList{})
		_, err := env.ExecuteActivity(a.StoreBriefing, activities.StoreBriefingInput{Briefing: briefing(time.Now(), domain.BriefingByStaff)})
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) || appErr.Type() != activities.ErrTypeInvalid || !appErr.NonRetryable() {
			t.Fatalf("err = %v, want a non-retryable %s error", err, activities.ErrTypeInvalid)
		}
	})
}

func TestComposeBriefing(t *testing.T) {
	var a *activities.Activities
	loc, _ := time.LoadLocation("Europe/Skopje")
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 10, day, hour, minute, 0, 0, loc) }
	cases := caseList{
		{ID: "wed", ReceivedAt: at(21, 15, 0).UTC(), RegisteredAt: at(21, 15, 0).UTC()},
		{ID: "thu", ReceivedAt: at(22, 10, 0).UTC(), RegisteredAt: at(22, 10, 0).UTC()},
		{ID: "sat", ReceivedAt: at(24, 10, 0).UTC(), RegisteredAt: at(24, 10, 0).UTC()},
	}
	compose := func(env *testsuite.TestActivityEnvironment, now time.Time) domain.Briefing {
		t.Helper()
		res, err := env.ExecuteActivity(a.ComposeBriefing, activities.ComposeBriefingInput{Now: now, Trigger: domain.BriefingBySchedule, By: "system"})
		if err != nil {
			t.Fatal(err)
		}
		var b domain.Briefing
		if err := res.Get(&b); err != nil {
			t.Fatal(err)
		}
		return b
	}
	newIDs := func(b domain.Briefing) (ids []string) {
		for _, c := range b.New.Items {
			ids = append(ids, c.ID)
		}
		return ids
	}

	t.Run("OK_SinceThePrevious", func(t *testing.T) {
		env, _ := MustOpenBriefingEnv(t, cases)
		first := compose(env, at(22, 7, 30))
		if !first.Since.IsZero() || len(first.New.Items) != 1 || first.New.Items[0].ID != "wed" {
			t.Errorf("first briefing: since %v, new %v", first.Since, newIDs(first))
		}
		if _, err := env.ExecuteActivity(a.StoreBriefing, activities.StoreBriefingInput{Briefing: first, Cause: "run-1"}); err != nil {
			t.Fatal(err)
		}
		next := compose(env, at(26, 7, 30))
		if !next.Since.Equal(first.ComposedAt) || next.Date.String() != "2026-10-26" {
			t.Errorf("since %v, want %v; date %s", next.Since, first.ComposedAt, next.Date)
		}
		if got := newIDs(next); len(got) != 2 || got[0] != "sat" || got[1] != "thu" {
			t.Errorf("new = %v, want [sat thu]", got)
		}
		// Composed again at the same instant (a retried attempt), the briefing is the same: a briefing
		// stored after that instant does not count as the previous one.
		later := first
		later.ComposedAt = at(26, 9, 0).UTC()
		later.Date = domain.DateOf(later.ComposedAt, loc)
		if _, err := env.ExecuteActivity(a.StoreBriefing, activities.StoreBriefingInput{Briefing: later, Cause: "run-2"}); err != nil {
			t.Fatal(err)
		}
		if again := compose(env, at(26, 7, 30)); !again.Since.Equal(first.ComposedAt) {
			t.Errorf("recomposed since %v, want %v", again.Since, first.ComposedAt)
		}
	})

	t.Run("ErrInvalid_NoReadModels", func(t *testing.T) {
		env, _ := MustOpenBriefingEnv(t, nil)
		_, err := env.ExecuteActivity(a.ComposeBriefing, activities.ComposeBriefingInput{Now: at(22, 7, 30), Trigger: domain.BriefingBySchedule})
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) || appErr.Type() != activities.ErrTypeInvalid || !appErr.NonRetryable() {
			t.Fatalf("err = %v, want a non-retryable %s error", err, activities.ErrTypeInvalid)
		}
	})
}
