package workflows_test

import (
	"testing"

	"go.temporal.io/sdk/worker"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/predmet/predmet/workflows"
)

// TestReplay replays histories recorded on a real Temporal server against today's workflow code: a
// change that would break running cases fails here. Regenerate the files with
// `go test ./engine -run TestTimerFiresAfterDowntime -update-golden` only when the change is versioned
// (see the README's rule for changing workflow code).
func TestReplay(t *testing.T) {
	for _, file := range []string{"testdata/case_history.json"} {
		t.Run(file, func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			r.RegisterWorkflow(workflows.CaseWorkflow)
			logger := workflows.NewZapLogger(zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)))
			if err := r.ReplayWorkflowHistoryFromJSONFile(logger, file); err != nil {
				t.Fatal(err)
			}
		})
	}
}
