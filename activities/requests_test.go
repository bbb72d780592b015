package activities_test

import (
	"context"
	"errors"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Skopje wherever the tests run

	"go.temporal.io/sdk/temporal"

	"github.com/predmet/predmet/activities"
	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/internal/testkit"
)

func TestPlanRequest(t *testing.T) {
	env, _ := testkit.MustOpenActivityEnv(t)
	loc, _ := time.LoadLocation("Europe/Skopje")
	var a *activities.Activities
	due := domain.Date{Year: 2026, Month: time.May, Day: 22}.EndOfDayIn(loc)
	policy := domain.DefaultPolicies()[domain.KindPetition].Requests
	res, err := env.ExecuteActivity(a.PlanRequest, activities.PlanInput{DueAt: due, Policy: policy})
	if err != nil {
		t.Fatal(err)
	}
	var plan activities.Plan
	if err := res.Get(&plan); err != nil {
		t.Fatal(err)
	}
	want := domain.NewCalendar(nil).PlanRequest(due, policy, loc)
	if len(plan.Steps) != len(want) {
		t.Fatalf("plan = %+v, want %+v", plan.Steps, want)
	}
	for i, s := range plan.Steps {
		if w := want[i]; !s.At.Equal(w.At) || s.Kind != w.Kind || s.Step != w.Step || s.Level != w.Level {
			t.Errorf("step %d = %+v, want %+v", i, s, w)
		}
	}
	// The head escalates on Tuesday 26 May: Sunday 24 May's holiday moved to Monday 25 May.
	if got := plan.Steps[2].At.In(loc); got.Format(time.DateTime) != "2026-05-26 08:00:00" {
		t.Errorf("second escalation at %v", got)
	}
}

func TestNotify(t *testing.T) {
	ctx := context.Background()
	var a *activities.Activities
	notification := func(at time.Time) domain.NotificationQueued {
		return domain.NotificationQueued{
			ID:   domain.DeterministicID("notification", "case-1", "r1", "0", string(domain.NotifyEscalation), "2"),
			Kind: domain.NotifyEscalation, CaseID: "case-1", RequestID: "r1", Sector: "urbanism",
			Level: domain.LevelHead, Step: 2, DueAt: time.Date(2026, 5, 4, 21, 59, 59, 0, time.UTC), Generation: 0, At: at,
		}
	}
	first := time.Date(2026, 5, 5, 6, 0, 0, 0, time.UTC)

	t.Run("OK_WritesOnce", func(t *testing.T) {
		env, store := testkit.MustOpenActivityEnv(t)
		n := notification(first)
		// A retry, and a second delivery of the same notification at a later time, write nothing.
		for _, again := range []domain.NotificationQueued{n, n, notification(first.Add(time.Minute))} {
			if _, err := env.ExecuteActivity(a.Notify, again); err != nil {
				t.Fatal(err)
			}
		}
		stream := domain.NotificationStream(n.ID)
		events, err := store.ReadStream(ctx, stream, domain.ReadStreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 1 {
			t.Fatalf("%d events in %s, want 1", len(events), stream)
		}
		if e := events[0]; e.ID != domain.EventID(stream, 0) || e.Type != domain.EventNotificationQueued {
			t.Errorf("event = %s %s, want %s %s", e.ID, e.Type, domain.EventID(stream, 0), domain.EventNotificationQueued)
		}
		got, err := domain.DecodeEvent(events[0])
		if err != nil {
			t.Fatal(err)
		}
		if q := got.(*domain.NotificationQueued); *q != n {
			t.Errorf("queued %+v, want the first delivery %+v", *q, n)
		}
		if md := domain.DecodeMetadata(events[0]); md.CorrelationID != "case-1" || md.UserID != domain.SystemActor.UserID {
			t.Errorf("metadata = %+v", md)
		}
	})

	t.Run("OK_StoreThatDoesNotRecogniseRetries", func(t *testing.T) {
		// A store whose retry check is best effort answers a late retry with a conflict: Notify reads the
		// stream and finds its own event.
		_, store := testkit.MustOpenActivityEnv(t)
		acts := &activities.Activities{Store: strictStore{store}}
		n := notification(first)
		for range 2 {
			if err := acts.Notify(ctx, n); err != nil {
				t.Fatal(err)
			}
		}
		events, err := store.ReadStream(ctx, domain.NotificationStream(n.ID), domain.ReadStreamOptions{})
		if err != nil || len(events) != 1 {
			t.Fatalf("read %d events (%v), want 1", len(events), err)
		}
	})

	t.Run("ErrConflict_StreamHoldsAnotherEvent", func(t *testing.T) {
		env, store := testkit.MustOpenActivityEnv(t)
		n := notification(first)
		stream := domain.NotificationStream(n.ID)
		other, err := domain.EncodeEvents(stream, 0, domain.Metadata{}, &domain.NotificationQueued{ID: "someone else's"})
		if err != nil {
			t.Fatal(err)
		}
		other[0].ID = domain.DeterministicID("another writer")
		if _, err := store.Append(ctx, stream, domain.NoStream(), other...); err != nil {
			t.Fatal(err)
		}
		_, err = env.ExecuteActivity(a.Notify, n)
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) || appErr.Type() != activities.ErrTypeConflict || !appErr.NonRetryable() {
			t.Fatalf("err = %v, want a non-retryable %s error", err, activities.ErrTypeConflict)
		}
	})

	t.Run("ErrInvalid_NoID", func(t *testing.T) {
		env, _ := testkit.MustOpenActivityEnv(t)
		n := notification(first)
		n.ID = ""
		_, err := env.ExecuteActivity(a.Notify, n)
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) || appErr.Type() != activities.ErrTypeInvalid || !appErr.NonRetryable() {
			t.Fatalf("err = %v, want a non-retryable %s error", err, activities.ErrTypeInvalid)
		}
	})
}

// strictStore is an event store that takes no append for a retry: one that expects no stream fails with
// a conflict whenever the stream exists.
type strictStore struct{ domain.EventStore }

func (s strictStore) Append(ctx context.Context, stream string, expected domain.ExpectedRevision, events ...domain.EventData) (domain.AppendResult, error) {
	if expected.Kind == domain.ExpectNoStream {
		if _, err := s.ReadStream(ctx, stream, domain.ReadStreamOptions{Max: 1}); err == nil {
			return domain.AppendResult{}, &domain.WrongExpectedRevisionError{Stream: stream, Expected: expected, StreamExists: true}
		}
	}
	return s.EventStore.Append(ctx, stream, expected, events...)
}
