package engine_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/engine"
	"github.com/predmet/predmet/internal/testkit"
	"github.com/predmet/predmet/internal/testkit/devstack"
	"github.com/predmet/predmet/workflows"
)

// historyLimit and items: each run of the programme's workflow continues as new after historyLimit events
// of history, and (at least) items activities added and completed make it do so dozens of times.
const historyLimit, items = 100, 150

// TestProgrammeContinuesAsNew runs a twin-city programme through hundreds of events, so that its
// workflow continues as new dozens of times, while requests are pending and their timers run: nothing
// is lost, nothing is written twice.
func TestProgrammeContinuesAsNew(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Temporal in-process")
	}
	t.Parallel()
	useStaff, clients := staffClients(t)
	policies := filepath.Join(t.TempDir(), "programme-policies.json")
	if err := os.WriteFile(policies, []byte(`{"kinds": {"twin_city_programme": {"requests": {"clock": "20s", "reminders": ["10s"],
	  "escalation": [{"after": "0s", "to": "head"}, {"after": "10s", "to": "secretary"}]}}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	e := devstack.MustStart(t, useStaff, func(c *engine.Config) { c.PoliciesFile, c.HistoryLimit = policies, historyLimit })
	as := clients(e)

	v := openKind(t, as["ana"], domain.KindTwinCityProgramme)
	step(t, as["elena"], v.ID, domain.ActionAssign, map[string]any{"sector": "international"})
	// Three milestones fall due in 20 seconds: they are reminded and escalated across the restarts.
	for i := range 3 {
		step(t, as["elena"], v.ID, domain.ActionAddMilestone, map[string]any{"kind": "milestone", "title": fmt.Sprintf("Размена %d", i), "sector": "urbanism"})
	}
	// The pending milestones are reminded and escalated, whichever run of the workflow receives it.
	milestonesChased := func() error {
		got := getCase(t, as["head"], v.ID)
		for _, r := range got.Requests[1:4] {
			if r.Status != "open" || r.Reminders < 1 || r.Escalation < 2 {
				return fmt.Errorf("pending milestone %+v", r)
			}
		}
		return nil
	}
	// Activities added and completed one after another: at least items of them, and on until the milestones
	// have been chased, so that their timers fire while the workflow keeps continuing as new.
	started := time.Now()
	due := time.Now().AddDate(1, 0, 0).Format(time.DateOnly)
	added := 0
	for added < items || added%10 != 0 || milestonesChased() != nil { // the milestones looked at every ten
		if time.Since(started) > 3*time.Minute {
			t.Fatalf("after %d activities: %v", added, milestonesChased())
		}
		got := step(t, as["elena"], v.ID, domain.ActionAddMilestone, map[string]any{"kind": "activity", "title": fmt.Sprintf("Активност %d", added), "sector": "urbanism", "due": due})
		id := got.Requests[len(got.Requests)-1].ID
		step(t, as["goran"], v.ID, domain.ActionCompleteMilestone, map[string]any{"requestId": id})
		added++
	}
	t.Logf("%d activities added and completed in %s", added, time.Since(started))

	got := getCase(t, as["head"], v.ID)
	if len(got.Requests) != 4+added || got.Requests[0].Kind != "report" || got.Requests[0].Status != "open" {
		t.Fatalf("%d requests (report %+v)", len(got.Requests), got.Requests[0])
	}
	types := checkStream(t, as["head"], v.ID)
	if len(types) < 2*added {
		t.Fatalf("only %d events", len(types))
	}
	counts := map[string]int{}
	for _, ty := range types {
		counts[ty]++
	}
	if counts[domain.EventRequestReminded] != 3 || counts[domain.EventRequestEscalated] != 6 {
		t.Errorf("reminders %d, escalations %d: want 3 and 6, once each", counts[domain.EventRequestReminded], counts[domain.EventRequestEscalated])
	}

	// The workflow continued as new many times.
	list, err := e.Client().ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
		Query: fmt.Sprintf("WorkflowId = '%s' AND ExecutionStatus = 'ContinuedAsNew'", workflows.CaseWorkflowID(v.ID)),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the programme continued as new %d times", len(list.Executions))
	if n := len(list.Executions); n < 10 {
		t.Errorf("the programme continued as new %d times", n)
	}
	desc, err := e.Client().DescribeWorkflowExecution(context.Background(), workflows.CaseWorkflowID(v.ID), "")
	if err != nil {
		t.Fatal(err)
	}
	if st := desc.WorkflowExecutionInfo.Status; st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("programme workflow %s", st)
	}

	// It still takes actions; closing cancels what is pending and tells the children.
	if got := step(t, as["elena"], v.ID, domain.ActionClose, nil); got.Status != "closed" {
		t.Fatalf("close: %s", got.Status)
	}
	testkit.Eventually(t, time.Minute, func() error {
		desc, err := e.Client().DescribeWorkflowExecution(context.Background(), workflows.RequestWorkflowID(v.ID, "r2"), "")
		if err != nil {
			return err
		} else if st := desc.WorkflowExecutionInfo.Status; st == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			return fmt.Errorf("milestone workflow still %s", st)
		}
		return nil
	})
	final := getCase(t, as["head"], v.ID)
	for _, r := range final.Requests {
		if r.Status == "open" {
			t.Errorf("request %s open after the programme closed", r.ID)
		}
	}
	if res := as["elena"].do("POST", "/api/v1/cases/"+v.ID+"/actions/add_milestone", map[string]any{"kind": "activity", "title": "x", "sector": "urbanism"}, nil); res.Status != http.StatusConflict {
		t.Errorf("action on a closed programme: %d %s", res.Status, res.Body)
	}
}
