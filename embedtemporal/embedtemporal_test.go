package embedtemporal_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/predmet/predmet/embedtemporal"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.uber.org/zap/zaptest"
	_ "modernc.org/sqlite" // database/sql driver "sqlite", to look into the database file
)

const taskQueue = "embedtemporal-test"

var (
	caseKind     = temporal.NewSearchAttributeKeyKeyword("CaseKind")
	caseDueAt    = temporal.NewSearchAttributeKeyTime("CaseDueAt")
	caseOverdue  = temporal.NewSearchAttributeKeyBool("CaseOverdue")
	caseAssignee = temporal.NewSearchAttributeKeyKeyword("CaseAssignee")
)

var caseAttributes = map[string]enumspb.IndexedValueType{
	"CaseKind":    enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	"CaseDueAt":   enumspb.INDEXED_VALUE_TYPE_DATETIME,
	"CaseOverdue": enumspb.INDEXED_VALUE_TYPE_BOOL,
}

// Greet is the trivial workflow the tests run.
func Greet(_ workflow.Context, name string) (string, error) { return "Hello, " + name, nil }

func TestStart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Temporal server three times on the same database, with its Web UI")
	}
	dir := t.TempDir()
	ctx := context.Background()

	// First start: a new database.
	s := MustStart(t, embedtemporal.Options{DataDir: dir, SearchAttributes: caseAttributes})
	if s.Namespace() != embedtemporal.DefaultNamespace {
		t.Errorf("Namespace() = %q, want %q", s.Namespace(), embedtemporal.DefaultNamespace)
	}
	c := MustDial(t, s)
	if got := retention(t, c, s.Namespace()); got != embedtemporal.DefaultRetention {
		t.Errorf("retention = %v, want %v", got, embedtemporal.DefaultRetention)
	}
	checkSearchAttributes(t, c, s.Namespace(), caseAttributes)
	checkUI(t, s)
	checkUIReadOnly(t, s, c)

	w := worker.New(c, taskQueue, worker.Options{})
	w.RegisterWorkflow(Greet)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	runGreet(t, c, client.StartWorkflowOptions{
		ID:                    "case-1",
		TaskQueue:             taskQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(caseKind.ValueSet("petition"), caseDueAt.ValueSet(due), caseOverdue.ValueSet(false)),
	})
	const petitions = `CaseKind = "petition" AND CaseOverdue = false AND CaseDueAt < "2026-07-01T00:00:00Z"`
	waitListed(t, c, s.Namespace(), petitions, "case-1")

	t.Run("ErrDataDirInUse", func(t *testing.T) {
		_, err := embedtemporal.Start(ctx, embedtemporal.Options{DataDir: dir, UIPort: -1})
		if err == nil || !strings.Contains(err.Error(), "in use") {
			t.Fatalf("Start on a data directory in use: err = %v, want an error saying it is in use", err)
		}
	})

	w.Stop()
	c.Close()
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := s.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if mode := journalMode(t, filepath.Join(dir, embedtemporal.DatabaseFile)); mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}

	// Second start on the same directory, with a shorter retention and one more search attribute.
	attrs := map[string]enumspb.IndexedValueType{"CaseAssignee": enumspb.INDEXED_VALUE_TYPE_KEYWORD}
	for k, v := range caseAttributes {
		attrs[k] = v
	}
	const week = 7 * 24 * time.Hour
	s = MustStart(t, embedtemporal.Options{DataDir: dir, UIPort: -1, Retention: week, SearchAttributes: attrs})
	if s.UIAddress() != "" {
		t.Errorf("UIAddress() = %q without UI, want \"\"", s.UIAddress())
	}
	c = MustDial(t, s)
	if got := retention(t, c, s.Namespace()); got != week {
		t.Errorf("retention after restart = %v, want %v", got, week)
	}
	checkSearchAttributes(t, c, s.Namespace(), attrs)

	// The workflow of the first run is still there, in history and in visibility.
	desc, err := c.DescribeWorkflowExecution(ctx, "case-1", "")
	if err != nil {
		t.Fatalf("describing the workflow of the first run: %v", err)
	}
	if st := desc.GetWorkflowExecutionInfo().GetStatus(); st != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
		t.Errorf("status of case-1 = %v, want completed", st)
	}
	waitListed(t, c, s.Namespace(), petitions, "case-1")

	// The search attribute added on restart can be used at once.
	w = worker.New(c, taskQueue, worker.Options{})
	w.RegisterWorkflow(Greet)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	runGreet(t, c, client.StartWorkflowOptions{
		ID:                    "case-2",
		TaskQueue:             taskQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(caseKind.ValueSet("appeal"), caseAssignee.ValueSet("ana")),
	})
	waitListed(t, c, s.Namespace(), `CaseAssignee = "ana"`, "case-2")
	w.Stop()
	c.Close()
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}

	// Third start with the same options: nothing to change.
	s = MustStart(t, embedtemporal.Options{DataDir: dir, UIPort: -1, Retention: week, SearchAttributes: attrs})
	c = MustDial(t, s)
	if got := retention(t, c, s.Namespace()); got != week {
		t.Errorf("retention after second restart = %v, want %v", got, week)
	}
	checkSearchAttributes(t, c, s.Namespace(), attrs)
	waitListed(t, c, s.Namespace(), `CaseAssignee = "ana"`, "case-2")
}

func TestStart_InMemory(t *testing.T) {
	s := MustStart(t, embedtemporal.Options{Namespace: "scratch", UIPort: -1, Retention: 24 * time.Hour})
	c := MustDial(t, s)
	if got := retention(t, c, "scratch"); got != 24*time.Hour {
		t.Errorf("retention = %v, want 24h", got)
	}
}

func TestStart_PortTaken(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts func(port int) embedtemporal.Options
	}{
		{"ErrFrontendPortTaken", func(port int) embedtemporal.Options {
			return embedtemporal.Options{FrontendPort: port, UIPort: -1}
		}},
		{"ErrUIPortTaken", func(port int) embedtemporal.Options { return embedtemporal.Options{UIPort: port} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			port := l.Addr().(*net.TCPAddr).Port

			s, err := embedtemporal.Start(context.Background(), tc.opts(port))
			if err == nil {
				_ = s.Stop()
				t.Fatalf("Start on taken port %d succeeded", port)
			}
			if !strings.Contains(err.Error(), strconv.Itoa(port)) {
				t.Errorf("error %q does not name port %d", err, port)
			}
		})
	}
}

func TestStart_ErrRetentionTooShort(t *testing.T) {
	_, err := embedtemporal.Start(context.Background(), embedtemporal.Options{Retention: time.Minute})
	if err == nil || !strings.Contains(err.Error(), "retention") {
		t.Fatalf("err = %v, want an error about the retention", err)
	}
}

// MustStart starts a server with the test's logger and stops it when the test ends.
func MustStart(tb testing.TB, opts embedtemporal.Options) *embedtemporal.Server {
	tb.Helper()
	if opts.Logger == nil {
		opts.Logger = zaptest.NewLogger(tb)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	begin := time.Now()
	s, err := embedtemporal.Start(ctx, opts)
	if err != nil {
		tb.Fatalf("Start: %v", err)
	}
	tb.Logf("server started in %v at %s", time.Since(begin).Round(time.Millisecond), s.FrontendAddress())
	tb.Cleanup(func() {
		if err := s.Stop(); err != nil {
			tb.Errorf("Stop: %v", err)
		}
	})
	return s
}

// MustDial connects an SDK client to s and closes it when the test ends.
func MustDial(tb testing.TB, s *embedtemporal.Server) client.Client {
	tb.Helper()
	c, err := client.Dial(client.Options{
		HostPort:  s.FrontendAddress(),
		Namespace: s.Namespace(),
		Logger:    sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(tb.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))),
	})
	if err != nil {
		tb.Fatalf("client.Dial: %v", err)
	}
	tb.Cleanup(c.Close)
	return c
}

func retention(tb testing.TB, c client.Client, namespace string) time.Duration {
	tb.Helper()
	desc, err := c.WorkflowService().DescribeNamespace(context.Background(), &workflowservice.DescribeNamespaceRequest{Namespace: namespace})
	if err != nil {
		tb.Fatalf("DescribeNamespace: %v", err)
	}
	return desc.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration()
}

func checkSearchAttributes(tb testing.TB, c client.Client, namespace string, want map[string]enumspb.IndexedValueType) {
	tb.Helper()
	resp, err := c.OperatorService().ListSearchAttributes(context.Background(), &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		tb.Fatalf("ListSearchAttributes: %v", err)
	}
	for name, typ := range want {
		if got, ok := resp.GetCustomAttributes()[name]; !ok || got != typ {
			tb.Errorf("search attribute %s = %v (registered: %v), want %v", name, got, ok, typ)
		}
	}
}

func checkUI(tb testing.TB, s *embedtemporal.Server) {
	tb.Helper()
	if !strings.HasPrefix(s.UIAddress(), "http://127.0.0.1:") {
		tb.Fatalf("UIAddress() = %q", s.UIAddress())
	}
	resp, err := http.Get(s.UIAddress() + "/")
	if err != nil {
		tb.Fatalf("GET UI: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		tb.Errorf("GET UI: %s", resp.Status)
	}
}

// checkUIReadOnly checks that the Web UI reads workflows but refuses to change them, and says so to the
// UI: a running workflow is not terminated, cancelled, signalled, updated or reset through it.
func checkUIReadOnly(tb testing.TB, s *embedtemporal.Server, c client.Client) {
	tb.Helper()
	ctx := context.Background()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "waiting-1", TaskQueue: "no-worker"}, Greet, "nobody")
	if err != nil {
		tb.Fatal(err)
	}
	defer func() { _ = c.TerminateWorkflow(ctx, run.GetID(), "", "test over") }()

	var settings struct{ DisableWriteActions bool }
	resp, err := http.Get(s.UIAddress() + "/api/v1/settings")
	if err != nil {
		tb.Fatal(err)
	}
	err = json.NewDecoder(resp.Body).Decode(&settings)
	resp.Body.Close()
	if err != nil || !settings.DisableWriteActions {
		tb.Errorf("UI settings: DisableWriteActions = %v (%v), want true", settings.DisableWriteActions, err)
	}
	base := s.UIAddress() + "/api/v1/namespaces/" + s.Namespace() + "/workflows/waiting-1"
	if resp, err := http.Get(base); err != nil || resp.StatusCode != http.StatusOK {
		tb.Errorf("UI GET workflow: %v %v, want 200", resp, err)
	} else {
		resp.Body.Close()
	}
	for _, path := range []string{"/terminate", "/cancel", "/signal/approve", "/update/approve", "/reset"} {
		// A bearer token passes the UI's CSRF check, which browsers meet with its cookie: the refusal is
		// the read-only UI's.
		req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(`{"reason": "from the UI"}`))
		req.Header.Set("Authorization", "Bearer anyone")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			tb.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			tb.Errorf("UI POST %s = %s, want 405", path, resp.Status)
		}
	}
	desc, err := c.DescribeWorkflowExecution(ctx, run.GetID(), "")
	if err != nil {
		tb.Fatal(err)
	}
	if st := desc.GetWorkflowExecutionInfo().GetStatus(); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		tb.Errorf("after the UI's refusals the workflow is %v, want running", st)
	}
}

func runGreet(tb testing.TB, c client.Client, opts client.StartWorkflowOptions) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, opts, Greet, "court")
	if err != nil {
		tb.Fatalf("starting %s: %v", opts.ID, err)
	}
	var got string
	if err := run.Get(ctx, &got); err != nil {
		tb.Fatalf("running %s: %v", opts.ID, err)
	}
	if got != "Hello, court" {
		tb.Errorf("%s returned %q", opts.ID, got)
	}
}

// waitListed polls visibility, which is eventually consistent, until query lists exactly wantID.
func waitListed(tb testing.TB, c client.Client, namespace, query, wantID string) {
	tb.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := c.WorkflowService().ListWorkflowExecutions(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
			Namespace: namespace,
			Query:     query,
		})
		if err != nil {
			tb.Fatalf("ListWorkflowExecutions(%s): %v", query, err)
		}
		var ids []string
		for _, e := range resp.GetExecutions() {
			ids = append(ids, e.GetExecution().GetWorkflowId())
		}
		if len(ids) == 1 && ids[0] == wantID {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("ListWorkflowExecutions(%s) = %v, want [%s]", query, ids, wantID)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func journalMode(tb testing.TB, path string) string {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		tb.Fatalf("PRAGMA journal_mode: %v", err)
	}
	return mode
}
