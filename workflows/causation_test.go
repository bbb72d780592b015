package workflows_test

import (
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/internal/testkit"
	"github.com/predmet/predmet/workflows"
)

// TestCausedByUpdate finds, in the events a case recorded, the ID of the update that acted: what lets a
// retried action that reaches the case after it continued as new find it done.
func TestCausedByUpdate(t *testing.T) {
	store := testkit.MustOpenStore(t)
	received := time.Date(2026, 3, 2, 9, 0, 0, 0, skopje)
	in := receive(t, store, received)
	env := newEnv(t, store, received)
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(workflows.ActionUpdate, "u-assign", &testsuite.TestUpdateCallback{
			OnReject:   func(err error) { t.Errorf("assign rejected: %v", err) },
			OnAccept:   func() {},
			OnComplete: func(_ any, err error) {},
		}, domain.ActionRequest{Action: domain.ActionAssign, Actor: officer, Sector: "communal"})
	}, time.Hour)
	env.RegisterDelayedCallback(env.CancelWorkflow, 2*time.Hour)
	env.ExecuteWorkflow(workflows.CaseWorkflow, in)
	events, _ := readCase(t, store, in.CaseID)
	if len(events) != 3 || events[2].Type != domain.EventCaseAssigned {
		t.Fatalf("events = %v", eventTypes(events))
	}
	cause := domain.DecodeMetadata(events[2]).CausationID
	if !workflows.CausedByUpdate(cause, "u-assign") {
		t.Errorf("the assignment's causation %q does not name its update", cause)
	}
	for _, other := range []string{"u-assig", "assign", "u-assign-2"} {
		if workflows.CausedByUpdate(cause, other) {
			t.Errorf("the assignment's causation %q names the update %q", cause, other)
		}
	}
	if workflows.CausedByUpdate(domain.DecodeMetadata(events[1]).CausationID, "u-assign") {
		t.Error("the registration names the assignment's update")
	}
}
