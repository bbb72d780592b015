package workflows_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"
	_ "time/tzdata"

	"go.temporal.io/sdk/testsuite"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/predmet/predmet/activities"
	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/internal/testkit"
	"github.com/predmet/predmet/internal/zapadapter"
	"github.com/predmet/predmet/workflows"
)

var skopje = mustLocation("Europe/Skopje")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// receive writes a case's first event as the intake does and returns the workflow input.
func receive(tb testing.TB, store domain.EventStore, receivedAt time.Time) workflows.CaseInput {
	tb.Helper()
	id := domain.DeterministicID("test", tb.Name())
	stream := domain.CaseStream(id)
	data, err := domain.EncodeEvents(stream, 0, domain.Metadata{CorrelationID: id, CausationID: "test", UserID: "ana"}, &domain.CaseReceived{
		CaseID: id, Kind: domain.KindPetition, Channel: domain.ChannelLetter, Language: domain.Macedonian,
		ReceivedAt: receivedAt, Subject: "Улично осветлување", Text: "Не работи уличното осветлување.",
		Submitter: domain.Submitter{Name: "Марија Петровска"}, RequestHash: "h1",
	})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := store.Append(context.Background(), stream, domain.NoStream(), data...); err != nil {
		tb.Fatal(err)
	}
	return workflows.CaseInput{
		CaseID: id, RequestHash: "h1", Unit: "08", Actor: domain.Actor{UserID: "ana"},
		Policy: domain.DefaultPolicies()[domain.KindPetition],
	}
}

func newEnv(t *testing.T, store domain.EventStore, now time.Time) *testsuite.TestWorkflowEnvironment {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(zapadapter.New(zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))))
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(now)
	env.RegisterWorkflow(workflows.CaseWorkflow)
	env.RegisterWorkflow(workflows.RequestWorkflow)
	env.RegisterActivity(testkit.NewActivities(store))
	return env
}

func readCase(t *testing.T, store domain.EventStore, id string) ([]domain.RecordedEvent, *domain.Case) {
	t.Helper()
	events, err := store.ReadStream(context.Background(), domain.CaseStream(id), domain.ReadStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := domain.FoldCase(events)
	if err != nil {
		t.Fatal(err)
	}
	return events, c
}

func TestCaseWorkflow(t *testing.T) {
	t.Run("OK_RegistersAndMarksOverdue", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		received := time.Date(2026, 1, 10, 9, 0, 0, 0, skopje) // Saturday
		in := receive(t, store, received)
		env := newEnv(t, store, received.Add(2*time.Hour))

		var reg workflows.Registration
		env.RegisterDelayedCallback(func() {
			env.UpdateWorkflow(workflows.RegistrationUpdate, "reg-1", &testsuite.TestUpdateCallback{
				OnReject:   func(err error) { t.Errorf("registration rejected: %v", err) },
				OnAccept:   func() {},
				OnComplete: func(r any, err error) { reg = r.(workflows.Registration) },
			}, "h1")
		}, 0)
		// The case stays open after its deadline (later steps arrive as updates): query the workflow's
		// state well after the due date, then cancel it to end the test.
		var state domain.Case
		env.RegisterDelayedCallback(func() {
			res, err := env.QueryWorkflow(workflows.StateQuery)
			if err != nil {
				t.Fatal(err)
			}
			if err := res.Get(&state); err != nil {
				t.Fatal(err)
			}
			env.CancelWorkflow()
		}, 90*24*time.Hour)
		env.ExecuteWorkflow(workflows.CaseWorkflow, in)
		if got, want := reg.ArchiveNumber.String(), "08-1/1"; got != want {
			t.Errorf("archive number = %s, want %s", got, want)
		}
		// 10 Jan 2026 + 60 days = 11 Mar 2026, a Wednesday.
		if got, want := reg.Deadline.DueDate.String(), "2026-03-11"; got != want {
			t.Errorf("due date = %s, want %s", got, want)
		}

		events, c := readCase(t, store, in.CaseID)
		types := []string{}
		for i, e := range events {
			types = append(types, e.Type)
			if e.ID != domain.EventID(domain.CaseStream(in.CaseID), uint64(i)) {
				t.Errorf("event %d has ID %s, not its deterministic ID", i, e.ID)
			}
			md := domain.DecodeMetadata(e)
			if md.CorrelationID != in.CaseID || md.CausationID == "" || md.UserID == "" {
				t.Errorf("event %d metadata = %+v", i, md)
			}
		}
		want := []string{domain.EventCaseReceived, domain.EventCaseRegistered, domain.EventCaseDeadlinePassed}
		if !equal(types, want) {
			t.Fatalf("events = %v, want %v", types, want)
		}
		if !c.Overdue || c.Status != domain.StatusRegistered || c.ArchiveNumber.String() != "08-1/1" {
			t.Errorf("folded case = %+v", c)
		}
		if md := domain.DecodeMetadata(events[2]); md.UserID != domain.SystemActor.UserID {
			t.Errorf("deadline event acted by %q, want the system", md.UserID)
		}
		// The owning officer is told, through the outbox, exactly once.
		passed, _ := domain.DecodeEvent(events[2])
		id := passed.(*domain.CaseDeadlinePassed).NotificationID
		queued, err := store.ReadStream(context.Background(), domain.NotificationStream(id), domain.ReadStreamOptions{})
		if err != nil || len(queued) != 1 {
			t.Fatalf("overdue notice %q: %d events, %v", id, len(queued), err)
		}
		notice, _ := domain.DecodeEvent(queued[0])
		if n := notice.(*domain.NotificationQueued); n.Kind != domain.NotifyOverdue || n.Level != domain.LevelOfficer || n.CaseID != in.CaseID {
			t.Errorf("overdue notice = %+v", n)
		}

		// The workflow's own state is the fold of the same events, less personal data.
		if want := c.WithoutPersonalData(); !sameJSON(t, state, want) {
			t.Errorf("workflow state = %+v, want the fold %+v", state, want)
		}
		if state.Submitter.Name != "" || state.Text != "" {
			t.Errorf("workflow state holds personal data: %+v", state)
		}
	})

	t.Run("ErrIdempotencyKeyReusedForAnotherRequest", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		received := time.Date(2026, 3, 2, 9, 0, 0, 0, skopje)
		in := receive(t, store, received)
		env := newEnv(t, store, received)
		var rejected error
		env.RegisterDelayedCallback(func() {
			env.UpdateWorkflow(workflows.RegistrationUpdate, "reg-2", &testsuite.TestUpdateCallback{
				OnReject:   func(err error) { rejected = err },
				OnAccept:   func() { t.Error("an update with another request's hash was accepted") },
				OnComplete: func(any, error) {},
			}, "another-hash")
		}, 0)
		env.RegisterDelayedCallback(env.CancelWorkflow, time.Hour)
		env.ExecuteWorkflow(workflows.CaseWorkflow, in)
		if rejected == nil {
			t.Fatal("expected the registration update to be rejected")
		}
		// The client recovers the domain's reason from the rejection, by its code.
		if de, ok := workflows.DomainError(rejected); !ok || de.Code != domain.ECONFLICT ||
			de.Format != "The idempotency key was already used for a different request." {
			t.Errorf("rejection %v carries %+v, want the domain's ECONFLICT", rejected, de)
		}
	})

	t.Run("OK_ArchiveNumbersAreSequential", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		received := time.Date(2026, 5, 4, 9, 0, 0, 0, skopje)
		for i := 1; i <= 3; i++ {
			t.Run("case", func(t *testing.T) {
				in := receive(t, store, received)
				env := newEnv(t, store, received)
				env.RegisterDelayedCallback(env.CancelWorkflow, time.Hour)
				env.ExecuteWorkflow(workflows.CaseWorkflow, in)
				_, c := readCase(t, store, in.CaseID)
				if c.ArchiveNumber == nil || c.ArchiveNumber.Number != i {
					t.Errorf("case %d got archive number %v", i, c.ArchiveNumber)
				}
			})
		}
	})

	t.Run("ErrCaseStreamMissing", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		env := newEnv(t, store, time.Now())
		env.ExecuteWorkflow(workflows.CaseWorkflow, workflows.CaseInput{CaseID: "00000000-0000-0000-0000-000000000000", Unit: "08", Policy: domain.DefaultPolicies()[domain.KindPetition]})
		if err := env.GetWorkflowError(); err == nil {
			t.Fatal("expected the workflow to fail without its case stream")
		}
	})
}

func TestClaimArchiveNumber(t *testing.T) {
	ctx := context.Background()
	claim := func(t *testing.T, acts *activities.Activities, store domain.EventStore, in workflows.CaseInput) domain.ArchiveNumber {
		t.Helper()
		loaded, err := acts.LoadCase(ctx, activities.LoadCaseInput{CaseID: in.CaseID})
		if err != nil {
			t.Fatal(err)
		}
		n, err := acts.ClaimArchiveNumber(ctx, activities.ClaimInput{
			CaseID: in.CaseID, Unit: "08", ReceiptPosition: loaded.ReceiptPosition, ReceiptRecorded: loaded.ReceiptRecorded,
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	t.Run("OK_RetryFindsItsOwnNumber", func(t *testing.T) {
		store := testkit.MustOpenStore(t)
		acts := testkit.NewActivities(store)
		var a, b workflows.CaseInput
		t.Run("a", func(t *testing.T) { a = receive(t, store, time.Now()) })
		t.Run("b", func(t *testing.T) { b = receive(t, store, time.Now()) })

		first := claim(t, acts, store, a)
		// Other cases take numbers after a's, more than one page of the register's backwards read.
		for i := range 100 {
			t.Run("other", func(t *testing.T) {
				if n := claim(t, acts, store, receive(t, store, time.Now())); n.Number != i+2 {
					t.Fatalf("case %d got %v", i, n)
				}
			})
		}
		// A retry of a's claim (as after a crash between the append and the activity's result) returns
		// the number it already holds and gives out no new one; b, which holds none, gets the next.
		if again := claim(t, acts, store, a); again != first || first.Number != 1 {
			t.Errorf("retry got %v, first claim %v", again, first)
		}
		if got := claim(t, acts, store, b); got.Number != 102 {
			t.Errorf("b got %v, want 102", got)
		}
		year := domain.DateOf(time.Now(), skopje).Year
		events, err := store.ReadStream(ctx, domain.RegisterStream("08", year), domain.ReadStreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 102 {
			t.Errorf("register holds %d numbers, want 102", len(events))
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func sameJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	if err := errors.Join(err1, err2); err != nil {
		t.Fatal(err)
	}
	return string(ja) == string(jb)
}
