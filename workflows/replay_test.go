package workflows_test

import (
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/worker"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/predmet/predmet/internal/zapadapter"
	"github.com/predmet/predmet/workflows"
)

// TestReplay replays every history in testdata, each recorded on a real Temporal server by an earlier
// version of the workflow code, against today's code: a change that would break running cases fails
// here. The files are never regenerated: a new version of a workflow adds a new file (see the README's
// rule for changing workflow code, and `go test ./engine -run TestLifecycleOverHTTP -update-golden`, after naming the new files in that test).
func TestReplay(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 3 {
		t.Fatalf("only %d histories in testdata: %v", len(files), files)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			r.RegisterWorkflow(workflows.CaseWorkflow)
			r.RegisterWorkflow(workflows.RequestWorkflow)
			r.RegisterWorkflow(workflows.ClocksWorkflow)
			r.RegisterWorkflow(workflows.BriefingWorkflow)
			logger := zapadapter.New(zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)))
			if err := r.ReplayWorkflowHistoryFromJSONFile(logger, file); err != nil {
				t.Fatal(err)
			}
		})
	}
}
