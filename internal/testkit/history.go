package testkit

import (
	"context"
	"os"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"
)

// WriteHistory saves the history of a workflow run (the latest run when runID is empty), read from a
// real server through c, to path as JSON, for the replay tests to read; it returns the number of events.
// A recorded history is never regenerated, since runs of that version may still be live: WriteHistory
// fails tb, writing nothing, when path exists. Record a new version under the next name.
func WriteHistory(tb testing.TB, c client.Client, workflowID, runID, path string) int {
	tb.Helper()
	if _, err := os.Stat(path); err == nil {
		tb.Fatalf("%s exists: histories are never regenerated; record the new version under the next name", path)
	}
	var events []*historypb.HistoryEvent
	it := c.GetWorkflowHistory(context.Background(), workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			tb.Fatalf("history of %s: %v", workflowID, err)
		}
		events = append(events, ev)
	}
	b, err := protojson.MarshalOptions{Indent: "  "}.Marshal(&historypb.History{Events: events})
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		tb.Fatal(err)
	}
	return len(events)
}
