package docs

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Skopje, also on machines without tzdata
)

// block is a step of the README's walk-through: a code block marked "sh walkthrough <name>".
type block struct {
	name, code string
}

var walkthroughBlock = regexp.MustCompile("(?ms)^```sh walkthrough ([a-z-]+)\n(.*?)^```[ \t]*$")

// walkthrough returns the steps of the README's walk-through, in order.
func walkthrough(tb testing.TB) []block {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		tb.Fatal(err)
	}
	var blocks []block
	for _, m := range walkthroughBlock.FindAllStringSubmatch(string(b), -1) {
		blocks = append(blocks, block{name: m[1], code: m[2]})
	}
	return blocks
}

// stack is a `predmet dev` started for the walk-through.
type stack struct {
	dir      string // holds bin/predmet, and the data directory
	dataDir  string
	apiAddr  string // host:port
	uiPort   string
	logs     *syncBuffer
	devToken string
}

// TestWalkthrough runs the README's walk-through as written, twice, against a fresh `predmet dev`
// started from the binary on free ports, and checks what each step prints.
func TestWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("builds predmet and starts it")
	}
	for _, tool := range []string{"bash", "curl", "jq", "go"} {
		requireTool(t, tool)
	}
	blocks := walkthrough(t)
	var names []string
	for _, b := range blocks {
		names = append(names, b.name)
	}
	checks := walkthroughChecks()
	for name := range checks {
		if !slices.Contains(names, name) {
			t.Errorf("the README's walk-through has no step %q", name)
		}
	}
	for _, name := range names {
		if checks[name] == nil {
			t.Errorf("the walk-through's step %q has no check in this test: add one", name)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	s := startStack(t)
	script := "set -euo pipefail\n"
	for _, b := range blocks {
		script += fmt.Sprintf("echo '::step %s::'\n%s\n", b.name, b.code)
	}
	// The second run shows that the walk-through can be pasted again: fresh keys, a new case.
	var archive []int
	for run := 1; run <= 2; run++ {
		t.Run(fmt.Sprintf("Run%d", run), func(t *testing.T) {
			out := s.bash(t, script)
			steps := splitSteps(t, out)
			w := &walk{stack: s}
			for _, b := range blocks {
				t.Run(b.name, func(t *testing.T) {
					checks[b.name](t, w, steps[b.name])
				})
			}
			archive = append(archive, w.base)
		})
	}
	if len(archive) == 2 && archive[1] != archive[0]+1 {
		t.Errorf("archive numbers %v: the second run should take the next base number", archive)
	}
}

// walk is what the steps of one run of the walk-through established.
type walk struct {
	stack   *stack
	number  string // the archive number with its date, "08-1/1 од 04.12.2026"
	short   string // the archive number, "08-1/1"
	base    int
	dueDate string
	caseID  string
}

// walkthroughChecks returns the check of each step's output, by the step's name.
func walkthroughChecks() map[string]func(t *testing.T, w *walk, out string) {
	return map[string]func(t *testing.T, w *walk, out string){
		"setup": func(t *testing.T, w *walk, out string) {
			if out != "" {
				t.Errorf("the setup printed %q", out)
			}
		},
		"register": func(t *testing.T, w *walk, out string) {
			var c struct {
				ArchiveNumber, Status, DueDate, Explanation string
			}
			if err := json.Unmarshal([]byte(out), &c); err != nil {
				t.Fatalf("not the case's summary: %v\n%s", err, out)
			}
			today := time.Now().In(skopje(t))
			m := regexp.MustCompile(`^(08-(\d+)/1) од (\d\d\.\d\d\.\d{4})$`).FindStringSubmatch(c.ArchiveNumber)
			if m == nil {
				t.Fatalf("archive number %q, want 08-<n>/1 од <date>", c.ArchiveNumber)
			}
			if d := today.Format("02.01.2006"); m[3] != d {
				t.Errorf("archive number dated %s, want today, %s", m[3], d)
			}
			w.number, w.short, w.dueDate = c.ArchiveNumber, m[1], c.DueDate
			w.base, _ = strconv.Atoi(m[2])
			if c.Status != "registered" {
				t.Errorf("status %q, want registered", c.Status)
			}
			earliest := today.AddDate(0, 0, 60).Format(time.DateOnly)
			if c.DueDate < earliest || c.DueDate > today.AddDate(0, 0, 66).Format(time.DateOnly) {
				t.Errorf("due date %s, want 60 calendar days from today (%s) or the next working day", c.DueDate, earliest)
			}
			if !strings.Contains(c.Explanation, "60 календарски дена") || !strings.Contains(c.Explanation, c.DueDate) {
				t.Errorf("explanation %q", c.Explanation)
			}
		},
		"webui": func(t *testing.T, w *walk, out string) {
			w.caseID = w.stack.caseID(t, w.short)
			prefix := "http://127.0.0.1:" + w.stack.uiPort + "/namespaces/predmet/workflows?query="
			link := strings.TrimSpace(out)
			if !strings.HasPrefix(link, prefix) {
				t.Fatalf("printed %q, want a link starting %s", out, prefix)
			}
			query, err := url.QueryUnescape(strings.TrimPrefix(link, prefix))
			if err != nil || !strings.Contains(query, "CaseKind = 'petition'") {
				t.Fatalf("query %q (%v)", query, err)
			}
			// The Web UI's page runs this query through its server's API; ask that API the same.
			api := "http://127.0.0.1:" + w.stack.uiPort + "/api/v1/namespaces/predmet/workflows?query=" + url.QueryEscape(query)
			want := "case-" + w.caseID
			var found []string
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(500 * time.Millisecond) {
				found = workflowIDs(t, api)
				if slices.Contains(found, want) || time.Now().After(deadline) {
					break
				}
			}
			if !slices.Contains(found, want) {
				t.Errorf("the Web UI's query %q finds %v, not %s", query, found, want)
			}
		},
		"assign": func(t *testing.T, w *walk, out string) {
			wantLines(t, out, "assigned", "waiting_for_input")
		},
		"outbox": func(t *testing.T, w *walk, out string) {
			lines := strings.Split(out, "\n")
			if len(lines) < 3 || !slices.Contains(lines[:2], "acknowledgement: sent") || !slices.Contains(lines[:2], "assignment: sent") {
				t.Errorf("the outbox lists %q, want the acknowledgement and the assignment, sent", lines[:min(2, len(lines))])
			}
			if subject := "Потврда за прием: деловоден број " + w.number; !slices.Contains(lines, subject) {
				t.Errorf("no subject %q in:\n%s", subject, out)
			}
			if !strings.Contains(out, "До: Марија Петровска") || !strings.Contains(out, "под деловоден број "+w.number) {
				t.Errorf("the acknowledgement's text:\n%s", out)
			}
		},
		"sector-head": func(t *testing.T, w *walk, out string) {
			lines := strings.Split(out, "\n")
			refused := `403 E ndaluar: Kërkesa r1 është për sektorin "urbanism"; ju përgjigjeni për sektorin "finance".`
			if len(lines) != 2 || lines[0] != refused || lines[1] != "assigned" {
				t.Errorf("printed %q, want %q then assigned", lines, refused)
			}
		},
		"answer": func(t *testing.T, w *walk, out string) {
			wantLines(t, out, "answer_drafted", "answer_approved", "answered", "closed")
		},
		"track": func(t *testing.T, w *walk, out string) {
			lines := strings.Split(out, "\n")
			events := []string{"0 CaseReceived", "1 CaseRegistered", "2 CaseAssigned", "3 RequestOpened", "4 RequestAnswered",
				"5 AnswerDrafted", "6 AnswerApproved", "7 CaseAnswered", "8 CaseClosed"}
			if len(lines) < len(events) || !slices.Equal(lines[:len(events)], events) {
				t.Errorf("the case's events:\n%s\nwant\n%s", out, strings.Join(events, "\n"))
			}
			listed := regexp.MustCompile(`^` + regexp.QuoteMeta(w.short) + `  [a-z_]+  due ` + w.dueDate + `$`)
			if !slices.ContainsFunc(lines[min(len(events), len(lines)):], listed.MatchString) {
				t.Errorf("the list of today's petitions does not show %s due %s:\n%s", w.short, w.dueDate, out)
			}
			if c := w.stack.getCase(t, w.caseID); c.Status != "closed" || len(c.Documents) != 1 ||
				c.Documents[0].Number != strings.TrimSuffix(w.short, "/1")+"/2" {
				t.Errorf("the case is %s with documents %+v, want closed with the answer %s/2", c.Status, c.Documents, strings.TrimSuffix(w.short, "/1"))
			}
		},
	}
}

// startStack builds bin/predmet and starts `predmet dev` on free ports with a fresh data directory and the
// sample organisation directory, as `make run` does; it stops when the test ends.
func startStack(t *testing.T) *stack {
	t.Helper()
	dir := t.TempDir()
	s := &stack{dir: dir, dataDir: filepath.Join(dir, "data"), logs: &syncBuffer{}}
	bin := filepath.Join(dir, "bin", "predmet")
	build := exec.Command("go", "build", "-o", bin, "./cmd/predmet")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	directory, err := filepath.Abs(filepath.Join(root, "deploy", "directory", "example.json"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "dev", "--data-dir", s.dataDir, "--api-addr", "127.0.0.1:0", "--temporal-port", "0",
		"--ui-port", "0", "--directory-file", directory, "--log-level", "warn")
	cmd.Dir = dir
	cmd.Env = withoutPredmet(os.Environ())
	cmd.Stderr = s.logs
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait() //nolint:errcheck // the exit is checked by the cleanup
		close(exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt) //nolint:errcheck // it may have exited already
		select {
		case <-exited:
		case <-time.After(60 * time.Second):
			cmd.Process.Kill() //nolint:errcheck
			t.Errorf("predmet dev did not stop on an interrupt; its log:\n%s", s.logs)
		}
	})

	ready := make(chan error, 1)
	go func() {
		api := regexp.MustCompile(`^predmet API:\s+http://(\S+)/api/v1 `)
		ui := regexp.MustCompile(`^Temporal Web UI:\s+http://127\.0\.0\.1:(\d+)/namespaces/predmet/workflows$`)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			if m := api.FindStringSubmatch(line); m != nil {
				s.apiAddr = m[1]
			} else if m := ui.FindStringSubmatch(line); m != nil {
				s.uiPort = m[1]
			} else if strings.HasPrefix(line, "Press Ctrl-C") {
				ready <- nil
				io.Copy(io.Discard, stdout) //nolint:errcheck
				return
			}
		}
		ready <- fmt.Errorf("predmet dev ended its output before it was ready (%v)", sc.Err())
	}()
	select {
	case err := <-ready:
		if err != nil {
			t.Fatalf("%v; its log:\n%s", err, s.logs)
		}
	case <-time.After(3 * time.Minute):
		t.Fatalf("predmet dev is not ready after 3 minutes; its log:\n%s", s.logs)
	}
	if s.apiAddr == "" || s.uiPort == "" {
		t.Fatalf("predmet dev printed no API address or Web UI port")
	}
	token, err := os.ReadFile(filepath.Join(s.dataDir, "dev-token"))
	if err != nil {
		t.Fatal(err)
	}
	s.devToken = strings.TrimSpace(string(token))
	return s
}

// bash runs script in bash in the stack's directory, with only the variables that say where the stack
// listens and keeps its data, and returns what it printed on stdout.
func (s *stack) bash(t *testing.T, script string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Dir = s.dir
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + s.dir,
		"PREDMET_API_ADDR=" + s.apiAddr, "PREDMET_UI_PORT=" + s.uiPort, "PREDMET_DATA_DIR=" + s.dataDir,
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("the walk-through failed: %v\nstdout:\n%s\nstderr:\n%s\npredmet's log:\n%s", err, stdout.String(), stderr.String(), s.logs)
	}
	return stdout.String()
}

// splitSteps splits the walk-through's output into each step's, by the markers the script prints.
func splitSteps(t *testing.T, out string) map[string]string {
	t.Helper()
	steps := map[string]string{}
	marker := regexp.MustCompile(`(?m)^::step ([a-z-]+)::\n`)
	idx := marker.FindAllStringSubmatchIndex(out, -1)
	for i, m := range idx {
		end := len(out)
		if i+1 < len(idx) {
			end = idx[i+1][0]
		}
		steps[out[m[2]:m[3]]] = strings.TrimRight(out[m[1]:end], "\n")
	}
	return steps
}

// caseID returns the ID of the case with the archive number, from the case list.
func (s *stack) caseID(t *testing.T, archiveNumber string) string {
	t.Helper()
	var page struct {
		Items []struct{ ID, ArchiveNumber string }
	}
	s.get(t, "/api/v1/cases?kind=petition&limit=1000", &page)
	for _, c := range page.Items {
		if c.ArchiveNumber == archiveNumber {
			return c.ID
		}
	}
	t.Fatalf("no case %s in the list", archiveNumber)
	return ""
}

// caseView is the part of a case the walk-through's checks read.
type caseView struct {
	Status    string
	Documents []struct{ Number string }
}

// getCase reads a case from the API.
func (s *stack) getCase(t *testing.T, id string) caseView {
	t.Helper()
	var c caseView
	s.get(t, "/api/v1/cases/"+id, &c)
	return c
}

// get reads path from the API as the dev user into v.
func (s *stack) get(t *testing.T, path string, v any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+s.apiAddr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.devToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", path, res.Status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// workflowIDs returns the IDs of the workflows that the Web UI server's API lists at u.
func workflowIDs(t *testing.T, u string) []string {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var list struct {
		Executions []struct {
			Execution struct {
				WorkflowID string `json:"workflowId"`
			} `json:"execution"`
		} `json:"executions"`
	}
	if err := json.NewDecoder(res.Body).Decode(&list); err != nil {
		t.Fatalf("the Web UI's API at %s: %s, %v", u, res.Status, err)
	}
	var ids []string
	for _, e := range list.Executions {
		ids = append(ids, e.Execution.WorkflowID)
	}
	return ids
}

// wantLines checks that out is exactly these lines.
func wantLines(t *testing.T, out string, want ...string) {
	t.Helper()
	if got := strings.Split(out, "\n"); !slices.Equal(got, want) {
		t.Errorf("printed %q, want %q", got, want)
	}
}

// requireTool skips the test when a tool it needs is missing, and fails it in CI, where .ci/run
// installs them.
func requireTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("no %s on the CI machine: .ci/run should have installed it", name)
	}
	t.Skipf("no %s found (apt-get install %s)", name, name)
}

// withoutPredmet returns the environment without PREDMET_ variables, so that none of the machine's
// reaches the stack.
func withoutPredmet(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, "PREDMET_") })
}

// skopje returns the municipality's time zone.
func skopje(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Skopje")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// syncBuffer is a bytes.Buffer safe for a writer and readers at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
