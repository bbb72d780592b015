package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/engine"
	"github.com/predmet/predmet/eventstore/sqlite"
	"github.com/predmet/predmet/internal/testkit"
	"github.com/predmet/predmet/internal/testkit/devstack"
)

type apiClient struct {
	tb    testing.TB
	base  string
	token string
}

func newAPIClient(tb testing.TB, e *devstack.Stack) *apiClient {
	if e.DevToken == "" {
		tb.Fatal("the embedded default printed no dev token")
	}
	return &apiClient{tb: tb, base: "http://" + e.APIAddress(), token: e.DevToken}
}

type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) decode(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("decode %s: %v", r.Body, err)
	}
}

func (c *apiClient) do(method, path string, body any, header map[string]string) response {
	c.tb.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.tb.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.tb.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.tb.Fatal(err)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: b}
}

type caseView struct {
	ID            string `json:"id"`
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	ArchiveNumber string `json:"archiveNumber"`
	DueAt         string `json:"dueAt"`
	DueDate       string `json:"dueDate"`
	Overdue       bool   `json:"overdue"`
	Submitter     struct {
		Name string `json:"name"`
	} `json:"submitter"`
}

func petition(subject string, received time.Time) map[string]any {
	return map[string]any{
		"kind":       "petition",
		"submitter":  map[string]any{"name": "Марија Петровска", "email": "marija@example.mk"},
		"channel":    "counter",
		"receivedAt": received.Format(time.RFC3339),
		"subject":    subject,
		"text":       "Барам поправка на уличното осветлување во улица Илинденска.",
		"language":   "mk",
	}
}

func (c *apiClient) open(body any, key string) (caseView, response) {
	c.tb.Helper()
	h := map[string]string{}
	if key != "" {
		h["Idempotency-Key"] = key
	}
	res := c.do("POST", "/api/v1/cases", body, h)
	var v caseView
	if res.Status == http.StatusCreated {
		res.decode(c.tb, &v)
	}
	return v, res
}

type eventsView struct {
	Events []struct {
		ID       string          `json:"id"`
		Type     string          `json:"type"`
		Revision uint64          `json:"revision"`
		Metadata json.RawMessage `json:"metadata"`
	} `json:"events"`
}

func (c *apiClient) events(id string) eventsView {
	c.tb.Helper()
	res := c.do("GET", "/api/v1/cases/"+id+"/events", nil, nil)
	if res.Status != http.StatusOK {
		c.tb.Fatalf("GET events: %d %s", res.Status, res.Body)
	}
	var v eventsView
	res.decode(c.tb, &v)
	return v
}

func TestDevStackEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Temporal in-process")
	}
	t.Parallel()
	e := devstack.MustStart(t)
	api := newAPIClient(t, e)
	skopje, _ := time.LoadLocation("Europe/Skopje")
	received := time.Now().In(skopje).Add(-time.Hour)
	year := time.Now().In(skopje).Year()

	var first caseView
	t.Run("OK_PetitionRegistered", func(t *testing.T) {
		v, res := api.open(petition("Улично осветлување", received), "key-1")
		if res.Status != http.StatusCreated {
			t.Fatalf("POST = %d %s", res.Status, res.Body)
		}
		first = v
		if v.ArchiveNumber != "08-1/1" {
			t.Errorf("archive number = %q, want 08-1/1", v.ArchiveNumber)
		}
		if v.Status != string(domain.StatusRegistered) {
			t.Errorf("status = %q", v.Status)
		}
		cal := domain.NewCalendar(nil)
		want := cal.Deadline(received, domain.Clock{Length: 60, Unit: domain.CalendarDays}, skopje)
		if v.DueDate != want.DueDate.String() {
			t.Errorf("due date = %s, want %s", v.DueDate, want.DueDate)
		}
		if loc := res.Header.Get("Location"); loc != "/api/v1/cases/"+v.ID {
			t.Errorf("Location = %q", loc)
		}
	})

	t.Run("OK_IdempotentRetry", func(t *testing.T) {
		v, res := api.open(petition("Улично осветлување", received), "key-1")
		if res.Status != http.StatusCreated || v.ID != first.ID || v.ArchiveNumber != first.ArchiveNumber {
			t.Fatalf("retry = %d %+v, want the first case %+v", res.Status, v, first)
		}
		if n := len(api.events(first.ID).Events); n != 2 {
			t.Errorf("case has %d events after a retry, want 2", n)
		}
	})

	t.Run("ErrIdempotencyKeyReused", func(t *testing.T) {
		_, res := api.open(petition("Друга тема", received), "key-1")
		if res.Status != http.StatusConflict {
			t.Fatalf("POST with a reused key and another body = %d %s, want 409", res.Status, res.Body)
		}
	})

	t.Run("ErrInvalidPetitionWritesNothing", func(t *testing.T) {
		before, err := e.Store().ReadAll(context.Background(), domain.ReadAllOptions{})
		if err != nil {
			t.Fatal(err)
		}
		bad := petition("", received) // no subject
		bad["text"] = strings.Repeat("ж", domain.MaxTextLen+1)
		_, res := api.open(bad, "bad-1")
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("POST invalid = %d %s, want 422", res.Status, res.Body)
		}
		after, err := e.Store().ReadAll(context.Background(), domain.ReadAllOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// The first case's acknowledgement may still be queued and delivered meanwhile: what must not appear
		// is a new case stream, or any event on a case's stream.
		caseEvents := func(events []domain.RecordedEvent) map[string]int {
			n := map[string]int{}
			for _, e := range events {
				if strings.HasPrefix(e.Stream, domain.CaseStreamPrefix) {
					n[e.Stream]++
				}
			}
			return n
		}
		if b, a := caseEvents(before), caseEvents(after); !maps.Equal(a, b) {
			t.Errorf("an invalid petition wrote to the case streams: before %v, after %v", b, a)
		}
	})

	t.Run("OK_CaseAndEventsRead", func(t *testing.T) {
		res := api.do("GET", "/api/v1/cases/"+first.ID, nil, nil)
		var v caseView
		res.decode(t, &v)
		if res.Status != http.StatusOK || v.ArchiveNumber != "08-1/1" || v.Submitter.Name != "Марија Петровска" {
			t.Fatalf("GET case = %d %s", res.Status, res.Body)
		}
		ev := api.events(first.ID)
		types := []string{}
		for i, x := range ev.Events {
			types = append(types, x.Type)
			if x.Revision != uint64(i) || x.ID != domain.EventID(domain.CaseStream(first.ID), uint64(i)) {
				t.Errorf("event %d: revision %d, ID %s", i, x.Revision, x.ID)
			}
			var md domain.Metadata
			if err := json.Unmarshal(x.Metadata, &md); err != nil || md.CorrelationID != first.ID || md.UserID != "dev" || md.CausationID == "" {
				t.Errorf("event %d metadata = %s", i, x.Metadata)
			}
		}
		if strings.Join(types, ",") != "CaseReceived,CaseRegistered" {
			t.Errorf("events = %v", types)
		}
		// The register's own stream numbers the case.
		reg, err := e.Store().ReadStream(context.Background(), domain.RegisterStream("08", year), domain.ReadStreamOptions{})
		if err != nil || len(reg) != 1 {
			t.Fatalf("register stream: %d events, %v", len(reg), err)
		}
	})

	t.Run("OK_FoundInTemporalBySearchAttributes", func(t *testing.T) {
		query := fmt.Sprintf(`CaseKind = "petition" AND CaseArchiveNumber = "08-1/1" AND CaseStatus = "registered" AND CaseOverdue = false AND CaseDueAt > "%s"`,
			time.Now().UTC().Format(time.RFC3339))
		testkit.Eventually(t, 20*time.Second, func() error {
			res, err := e.Client().ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{Query: query})
			if err != nil {
				return err
			}
			if len(res.Executions) != 1 || res.Executions[0].Execution.WorkflowId != domain.CaseStream(first.ID) {
				return fmt.Errorf("query found %d workflows", len(res.Executions))
			}
			// No personal data in search attributes.
			for k, p := range res.Executions[0].SearchAttributes.GetIndexedFields() {
				if strings.Contains(string(p.GetData()), "Марија") {
					t.Errorf("search attribute %s holds personal data", k)
				}
			}
			return nil
		})
	})

	t.Run("OK_WebUIServes", func(t *testing.T) {
		res, err := http.Get(e.UIAddress())
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("Web UI = %d", res.StatusCode)
		}
	})

	t.Run("OK_WebUIListsCaseBySearchAttributes", func(t *testing.T) {
		query := `CaseKind = "petition" AND CaseArchiveNumber = "08-1/1"`
		page := e.UIAddress() + "/namespaces/predmet/workflows?query=" + url.QueryEscape(query)
		testkit.Eventually(t, 60*time.Second, func() error {
			ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
			defer cancel()
			dom, err := testkit.DumpDOM(ctx, t, page, "--virtual-time-budget=15000")
			if err != nil {
				return err
			}
			if !strings.Contains(dom, domain.CaseStream(first.ID)) {
				return fmt.Errorf("the Web UI page does not list %s", domain.CaseStream(first.ID))
			}
			return nil
		})
	})

	t.Run("OK_50ConcurrentIntakes", func(t *testing.T) {
		var wg sync.WaitGroup
		numbers := make([]string, 50)
		errs := make(chan string, 50)
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v, res := api.open(petition(fmt.Sprintf("Петиција %d", i), received), fmt.Sprintf("concurrent-%d", i))
				if res.Status != http.StatusCreated {
					errs <- fmt.Sprintf("intake %d: %d %s", i, res.Status, res.Body)
					return
				}
				numbers[i] = v.ArchiveNumber
			}()
		}
		wg.Wait()
		close(errs)
		for msg := range errs {
			t.Error(msg)
		}
		sort.Slice(numbers, func(i, j int) bool { return archiveBase(numbers[i]) < archiveBase(numbers[j]) })
		for i, n := range numbers {
			if want := fmt.Sprintf("08-%d/1", i+2); n != want {
				t.Fatalf("numbers after sorting = %v; position %d is %s, want %s", numbers, i, n, want)
			}
		}
	})

	// Restart on the same data directory: every case is where it was and numbering continues.
	e.Stop()
	e = devstack.MustStartIn(t, e.Dir)
	api = newAPIClient(t, e)

	t.Run("OK_RestartKeepsCasesAndNumbering", func(t *testing.T) {
		res := api.do("GET", "/api/v1/cases/"+first.ID, nil, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("GET after restart = %d %s", res.Status, res.Body)
		}
		v, res := api.open(petition("По рестарт", received), "after-restart")
		if res.Status != http.StatusCreated || v.ArchiveNumber != "08-52/1" {
			t.Fatalf("intake after restart = %d %s, want 08-52/1", res.Status, res.Body)
		}
		again, res := api.open(petition("Улично осветлување", received), "key-1")
		if res.Status != http.StatusCreated || again.ID != first.ID {
			t.Fatalf("retry after restart = %d %s", res.Status, res.Body)
		}
	})

	t.Run("ErrTemporalUnavailable", func(t *testing.T) {
		if err := engine.StopTemporalOf(e.Engine); err != nil {
			t.Fatal(err)
		}
		_, res := api.open(petition("Без Temporal", received), "no-temporal")
		if res.Status != http.StatusServiceUnavailable {
			t.Fatalf("POST without Temporal = %d %s, want 503", res.Status, res.Body)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
			t.Errorf("content type = %q", ct)
		}
		if res := api.do("GET", "/readyz", nil, nil); res.Status != http.StatusServiceUnavailable {
			t.Errorf("/readyz without Temporal = %d", res.Status)
		}
	})
	e.Stop()

	// The retried request lands once Temporal is back.
	e = devstack.MustStartIn(t, e.Dir)
	api = newAPIClient(t, e)
	t.Run("OK_RetryAfterOutage", func(t *testing.T) {
		v, res := api.open(petition("Без Temporal", received), "no-temporal")
		if res.Status != http.StatusCreated || v.ArchiveNumber != "08-53/1" {
			t.Fatalf("retry after the outage = %d %s, want 08-53/1", res.Status, res.Body)
		}
	})

	t.Run("ErrEventStoreUnavailable", func(t *testing.T) {
		if err := engine.CloseStoreOf(e.Engine); err != nil {
			t.Fatal(err)
		}
		_, res := api.open(petition("Без складиште", received), "no-store")
		if res.Status != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
			t.Fatalf("POST without the event store = %d %s, want 503 with Retry-After", res.Status, res.Body)
		}
		if res := api.do("GET", "/api/v1/cases/"+first.ID, nil, nil); res.Status != http.StatusServiceUnavailable {
			t.Errorf("GET case without the event store = %d %s, want 503", res.Status, res.Body)
		}
		if res := api.do("GET", "/readyz", nil, nil); res.Status != http.StatusServiceUnavailable {
			t.Errorf("/readyz without the event store = %d", res.Status)
		}
	})
	e.Stop()

	// Nothing was half-created: the retried request lands once the store is back, with the next number.
	e = devstack.MustStartIn(t, e.Dir)
	api = newAPIClient(t, e)
	t.Run("OK_RetryAfterStoreOutage", func(t *testing.T) {
		v, res := api.open(petition("Без складиште", received), "no-store")
		if res.Status != http.StatusCreated || v.ArchiveNumber != "08-54/1" {
			t.Fatalf("retry after the store outage = %d %s, want 08-54/1", res.Status, res.Body)
		}
	})
}

// TestTimerFiresAfterDowntime: a deadline that falls due while the engine is down fires on the next start.
func TestTimerFiresAfterDowntime(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Temporal in-process twice and waits for a deadline to pass while it is down")
	}
	t.Parallel()
	short := func(c *engine.Config) { c.PetitionClock = "1m" }
	e := devstack.MustStart(t, short)
	api := newAPIClient(t, e)
	// Received 30 s before the one-minute clock's start: due in 30 s, time enough to stop the engine first.
	v, res := api.open(petition("Краток рок", time.Now().Add(-30*time.Second)), "short")
	if res.Status != http.StatusCreated {
		t.Fatalf("POST = %d %s", res.Status, res.Body)
	}
	if v.Overdue {
		t.Fatal("case overdue at once")
	}
	e.Stop()
	if n := len(mustReadStream(t, e.Dir, v.ID)); n != 2 {
		t.Fatalf("the deadline passed before the engine stopped (%d events): the test needs a longer clock", n)
	}
	// The engine stays down until the deadline has passed.
	time.Sleep(time.Until(mustParse(t, v.DueAt).Add(time.Second)))

	e = devstack.MustStartIn(t, e.Dir, short)
	api = newAPIClient(t, e)
	testkit.Eventually(t, 30*time.Second, func() error {
		res := api.do("GET", "/api/v1/cases/"+v.ID, nil, nil)
		var got caseView
		res.decode(t, &got)
		if !got.Overdue {
			return fmt.Errorf("case not overdue yet: %s", res.Body)
		}
		return nil
	})
}

var updateGolden = flag.Bool("update-golden", false, "write the workflow histories that the replay tests read")

// mustReadStream reads a case's events straight from the embedded store of a stopped engine, and closes
// the store again before the engine restarts on it.
func mustReadStream(tb testing.TB, dir, id string) []domain.RecordedEvent {
	tb.Helper()
	s, err := sqlite.Open(filepath.Join(dir, "events.db"))
	if err != nil {
		tb.Fatal(err)
	}
	defer s.Close()
	events, err := s.ReadStream(context.Background(), domain.CaseStream(id), domain.ReadStreamOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	return events
}

func mustParse(tb testing.TB, s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func archiveBase(n string) int {
	var unit string
	var base, sub int
	fmt.Sscanf(strings.Replace(strings.Replace(n, "-", " ", 1), "/", " ", 1), "%s %d %d", &unit, &base, &sub)
	return base
}
