package intake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
)

// TestServer is a Server under test: an httptest server over its Handler, with recording case and
// clock services, the observed log and a token for each test user.
type TestServer struct {
	HTTP   *httptest.Server
	API    *Server
	Cases  *CaseService
	Clocks *ClockService
	Logs   *observer.ObservedLogs
	// Tokens holds each test user's token by user ID.
	Tokens map[string]string
}

// The test users; each has a token in TestServer.Tokens.
const (
	intakeMK   = "ana.petrovska"  // intake and officer, reads Macedonian
	supervisor = "besa.hoxha"     // supervisor, reads Albanian
	adminEN    = "emma.jones"     // admin, reads English
	intakeNone = "dime.stojanov"  // intake, no language of their own
	sectorHead = "arben.krasniqi" // head of the finance sector, reads Macedonian
)

var testUsers = []domain.StaffUser{
	{ID: intakeMK, Name: "Ана Петровска", Roles: []domain.Role{domain.RoleIntake, domain.RoleOfficer}, Language: domain.Macedonian},
	{ID: supervisor, Name: "Besa Hoxha", Roles: []domain.Role{domain.RoleSupervisor}, Language: domain.Albanian},
	{ID: adminEN, Name: "Emma Jones", Roles: []domain.Role{domain.RoleAdmin}, Language: domain.English},
	{ID: intakeNone, Name: "Диме Стојанов", Roles: []domain.Role{domain.RoleIntake}},
	{ID: sectorHead, Name: "Arben Krasniqi", Roles: []domain.Role{domain.RoleSectorHead}, Language: domain.Macedonian, Sector: "finance"},
}

// MustOpenServer starts a Server under test; it closes when the test ends.
func MustOpenServer(tb testing.TB) *TestServer {
	tb.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	ts := &TestServer{Cases: NewCaseService(), Clocks: &ClockService{}, Logs: logs, Tokens: map[string]string{}}
	var members []StaffMember
	for _, u := range testUsers {
		token, hash := NewToken()
		ts.Tokens[u.ID] = token
		members = append(members, StaffMember{StaffUser: u, TokenSHA256: hash})
	}
	staff, err := NewStaff(members...)
	if err != nil {
		tb.Fatal(err)
	}
	ts.API = &Server{Cases: ts.Cases, Clocks: ts.Clocks, Staff: staff, Logger: zap.New(core)}
	ts.HTTP = httptest.NewServer(ts.API.Handler())
	tb.Cleanup(ts.HTTP.Close)
	return ts
}

// NewRequest returns a request to the server as user (none when empty).
func (ts *TestServer) NewRequest(tb testing.TB, user, method, path string, body string) *http.Request {
	tb.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.HTTP.URL+path, r)
	if err != nil {
		tb.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		token, ok := ts.Tokens[user]
		if !ok {
			tb.Fatalf("no test user %q", user)
		}
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// Do sends req and returns the response with its body read.
func (ts *TestServer) Do(tb testing.TB, req *http.Request) (*http.Response, []byte) {
	tb.Helper()
	resp, err := ts.HTTP.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp, body
}

// assertProblem checks that a response is a problem with the status and code, and returns it.
func assertProblem(tb testing.TB, resp *http.Response, body []byte, status int, code string) problem {
	tb.Helper()
	if resp.StatusCode != status {
		tb.Fatalf("status = %d, want %d; body: %s", resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		tb.Errorf("Content-Type = %q, want application/problem+json", ct)
	}
	var p problem
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		tb.Fatalf("decode problem: %v; body: %s", err, body)
	}
	if p.Status != status {
		tb.Errorf("problem status = %d, want %d", p.Status, status)
	}
	if p.Code != code {
		tb.Errorf("problem code = %q, want %q", p.Code, code)
	}
	wantType := "about:blank"
	if code != "" {
		wantType = "https://predmet.mk/problems/" + code
	}
	if p.Type != wantType {
		tb.Errorf("problem type = %q, want %q", p.Type, wantType)
	}
	// The title is the status's reason phrase in the language of the detail (Content-Language).
	lang := domain.Language(resp.Header.Get("Content-Language"))
	if want := i18n.Translate(lang, http.StatusText(status)); p.Title != want {
		tb.Errorf("problem title = %q, want %q (in %q)", p.Title, want, lang)
	}
	if p.Detail == "" {
		tb.Error("problem has no detail")
	}
	if id := resp.Header.Get("X-Request-ID"); p.RequestID != id || id == "" {
		tb.Errorf("problem requestId = %q, X-Request-ID = %q", p.RequestID, id)
	}
	return p
}

// CaseService is a domain.CaseService that keeps cases in memory and records its calls. Set OpenCaseFn,
// CaseFn, CaseEventsFn or ActFn to answer otherwise.
type CaseService struct {
	OpenCaseFn   func(ctx context.Context, req domain.OpenCaseRequest) (*domain.Case, error)
	CaseFn       func(ctx context.Context, id string) (*domain.Case, error)
	CaseEventsFn func(ctx context.Context, id string) ([]domain.RecordedEvent, error)
	ActFn        func(ctx context.Context, id string, req domain.ActionRequest, key string) (*domain.Case, error)

	mu     sync.Mutex
	calls  []string
	opened []domain.OpenCaseRequest
	acts   []ActCall
	cases  map[string]*domain.Case
	events map[string][]domain.RecordedEvent
}

var _ domain.CaseService = (*CaseService)(nil)

// NewCaseService returns an empty CaseService.
func NewCaseService() *CaseService {
	return &CaseService{cases: map[string]*domain.Case{}, events: map[string][]domain.RecordedEvent{}}
}

// skopje stands in for Europe/Skopje (CET) without the time zone database.
var skopje = time.FixedZone("CET", 60*60)

// OpenCase implements domain.CaseService: like the real service it validates the case first, then it
// registers the case at once as 08-<n>/1 with a 60-day clock.
func (s *CaseService) OpenCase(ctx context.Context, req domain.OpenCaseRequest) (*domain.Case, error) {
	if err := req.NewCase.Validate(time.Now()); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.calls = append(s.calls, "OpenCase")
	s.opened = append(s.opened, req)
	fn := s.OpenCaseFn
	s.mu.Unlock()
	if fn != nil {
		return fn(ctx, req)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	n := req.NewCase
	id := uuid.NewString()
	now := time.Now()
	cal := domain.NewCalendar(nil)
	events := []domain.Event{
		&domain.CaseReceived{CaseID: id, Kind: n.Kind, Channel: n.Channel, Language: n.Language, ReceivedAt: n.ReceivedAt,
			Subject: n.Subject, Text: n.Text, Submitter: n.Submitter, Sector: n.Sector},
		&domain.CaseRegistered{
			ArchiveNumber: domain.ArchiveNumber{Unit: "08", Year: now.Year(), Number: len(s.cases) + 1, Sub: 1, Date: domain.DateOf(now, skopje)},
			RegisteredAt:  now,
			Deadline:      cal.Deadline(n.ReceivedAt, domain.Clock{Length: 60, Unit: domain.CalendarDays}, skopje),
		},
	}
	data, err := domain.EncodeEvents(domain.CaseStream(id), 0, domain.Metadata{CorrelationID: id, CausationID: req.RequestID, UserID: req.Actor.UserID}, events...)
	if err != nil {
		return nil, err
	}
	c := &domain.Case{}
	for i, e := range events {
		c.Apply(e)
		s.events[id] = append(s.events[id], domain.RecordedEvent{
			Stream: domain.CaseStream(id), ID: data[i].ID, Type: data[i].Type, ContentType: data[i].ContentType,
			Revision: uint64(i), Position: domain.Position{Commit: uint64(100 + i), Prepare: uint64(100 + i)},
			Data: data[i].Data, Metadata: data[i].Metadata, Created: now,
		})
	}
	s.cases[id] = c
	cc := *c
	return &cc, nil
}

// Case implements domain.CaseService.
func (s *CaseService) Case(ctx context.Context, id string, _ domain.Actor) (*domain.Case, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, "Case")
	if s.CaseFn != nil {
		return s.CaseFn(ctx, id)
	}
	c, ok := s.cases[id]
	if !ok {
		return nil, domain.Errorf(domain.ENOTFOUND, "No case with ID %q.", id)
	}
	cc := *c
	return &cc, nil
}

// CaseEvents implements domain.CaseService.
func (s *CaseService) CaseEvents(ctx context.Context, id string, _ domain.Actor) ([]domain.RecordedEvent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, "CaseEvents")
	if s.CaseEventsFn != nil {
		return s.CaseEventsFn(ctx, id)
	}
	events, ok := s.events[id]
	if !ok {
		return nil, domain.Errorf(domain.ENOTFOUND, "No case with ID %q.", id)
	}
	return events, nil
}

// ActCall is a call of CaseService.Act.
type ActCall struct {
	CaseID         string
	Request        domain.ActionRequest
	IdempotencyKey string
}

// Act implements domain.CaseService: like the real service it decides the action with the kind's
// default policy, now, and the calendar without one-off days, and applies the events to the case.
func (s *CaseService) Act(ctx context.Context, id string, req domain.ActionRequest, key string) (*domain.Case, error) {
	s.mu.Lock()
	s.calls = append(s.calls, "Act")
	s.acts = append(s.acts, ActCall{CaseID: id, Request: req, IdempotencyKey: key})
	fn := s.ActFn
	s.mu.Unlock()
	if fn != nil {
		return fn(ctx, id, req, key)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.cases[id]
	if !ok {
		return nil, domain.Errorf(domain.ENOTFOUND, "No case with ID %q.", id)
	}
	cc := *c
	cc.Requests = slices.Clone(c.Requests)
	events, err := domain.DefaultPolicies()[c.Kind].Decide(&cc, req, time.Now(), domain.CalendarClocks{Calendar: domain.NewCalendar(nil), Location: skopje})
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		cc.Apply(e)
	}
	s.cases[id] = &cc
	out := cc
	return &out, nil
}

// Acts returns the calls of Act so far.
func (s *CaseService) Acts() []ActCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.acts)
}

// Calls returns the names of the methods called so far, in order.
func (s *CaseService) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

// Opened returns the requests OpenCase received.
func (s *CaseService) Opened() []domain.OpenCaseRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]domain.OpenCaseRequest(nil), s.opened...)
}

func TestHealthz(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		ts := MustOpenServer(t)
		ts.API.Ready = func(context.Context) error { return errors.New("down") } // liveness ignores readiness
		resp, body := ts.Do(t, ts.NewRequest(t, "", http.MethodGet, "/healthz", ""))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status = %d", resp.StatusCode)
		}
		if got, want := strings.TrimSpace(string(body)), `{"status":"ok"}`; got != want {
			t.Errorf("body = %s, want %s", got, want)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}
	})
}

func TestReadyz(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		ts := MustOpenServer(t)
		resp, body := ts.Do(t, ts.NewRequest(t, "", http.MethodGet, "/readyz", ""))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status = %d; body: %s", resp.StatusCode, body)
		}
		if got, want := strings.TrimSpace(string(body)), `{"status":"ready"}`; got != want {
			t.Errorf("body = %s, want %s", got, want)
		}
	})
	t.Run("OKWithDetails", func(t *testing.T) {
		ts := MustOpenServer(t)
		ts.API.Ready = func(context.Context) error { return nil }
		ts.API.ReadyDetails = func(context.Context) map[string]any { return map[string]any{"temporal": "ok"} }
		resp, body := ts.Do(t, ts.NewRequest(t, "", http.MethodGet, "/readyz", ""))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status = %d; body: %s", resp.StatusCode, body)
		}
		if got, want := strings.TrimSpace(string(body)), `{"status":"ready","details":{"temporal":"ok"}}`; got != want {
			t.Errorf("body = %s, want %s", got, want)
		}
	})
	t.Run("ErrNotReady", func(t *testing.T) {
		ts := MustOpenServer(t)
		ts.API.Ready = func(ctx context.Context) error {
			if _, ok := ctx.Deadline(); !ok {
				t.Error("readiness check without a deadline")
			}
			return errors.New("dial tcp 10.0.0.7:7233: connection refused")
		}
		ts.API.ReadyDetails = func(context.Context) map[string]any { return map[string]any{"temporal": "unreachable"} }
		req := ts.NewRequest(t, "", http.MethodGet, "/readyz", "")
		req.Header.Set("Accept-Language", "en")
		resp, body := ts.Do(t, req)
		p := assertProblem(t, resp, body, http.StatusServiceUnavailable, domain.EUNAVAILABLE)
		if got := resp.Header.Get("Retry-After"); got != "5" {
			t.Errorf("Retry-After = %q, want 5", got)
		}
		if p.Detail != msgNotReady {
			t.Errorf("detail = %q", p.Detail)
		}
		if p.Details["temporal"] != "unreachable" {
			t.Errorf("details = %v", p.Details)
		}
		if strings.Contains(string(body), "10.0.0.7") {
			t.Errorf("the response reveals the cause: %s", body)
		}
		if n := ts.Logs.FilterLevelExact(zapcore.ErrorLevel).Len(); n != 0 {
			t.Errorf("%d errors logged for an unavailable dependency", n)
		}
	})
}

func TestRequestID(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		ts := MustOpenServer(t)
		req := ts.NewRequest(t, "", http.MethodGet, "/healthz", "")
		req.Header.Set("X-Request-ID", "req-42")
		resp, _ := ts.Do(t, req)
		if got := resp.Header.Get("X-Request-ID"); got != "req-42" {
			t.Errorf("X-Request-ID = %q, want req-42", got)
		}
	})
	t.Run("Generated", func(t *testing.T) {
		ts := MustOpenServer(t)
		resp, _ := ts.Do(t, ts.NewRequest(t, "", http.MethodGet, "/healthz", ""))
		if _, err := uuid.Parse(resp.Header.Get("X-Request-ID")); err != nil {
			t.Errorf("X-Request-ID = %q: %v", resp.Header.Get("X-Request-ID"), err)
		}
	})
	t.Run("ReplacedWhenUnusable", func(t *testing.T) {
		ts := MustOpenServer(t)
		for _, id := range []string{strings.Repeat("x", maxRequestIDLen+1), "has space", "ünicode"} {
			req := ts.NewRequest(t, "", http.MethodGet, "/healthz", "")
			req.Header.Set("X-Request-ID", id)
			resp, _ := ts.Do(t, req)
			if got := resp.Header.Get("X-Request-ID"); got == id || got == "" {
				t.Errorf("X-Request-ID %q came back as %q", id, got)
			}
		}
	})
}

func TestNotFound(t *testing.T) {
	t.Run("ErrNoRoute", func(t *testing.T) {
		ts := MustOpenServer(t)
		for _, path := range []string{"/nope", "/api/v1/nope", "/api/v2/cases"} {
			resp, body := ts.Do(t, ts.NewRequest(t, intakeMK, http.MethodGet, path, ""))
			p := assertProblem(t, resp, body, http.StatusNotFound, domain.ENOTFOUND)
			if want := "На " + path + " нема ништо."; p.Detail != want {
				t.Errorf("detail = %q, want %q", p.Detail, want)
			}
		}
	})
	t.Run("ErrMethodNotAllowed", func(t *testing.T) {
		ts := MustOpenServer(t)
		req := ts.NewRequest(t, adminEN, http.MethodDelete, "/api/v1/cases", "")
		resp, body := ts.Do(t, req)
		p := assertProblem(t, resp, body, http.StatusMethodNotAllowed, "")
		if got := resp.Header.Get("Allow"); got != "GET, POST" {
			t.Errorf("Allow = %q, want GET, POST", got)
		}
		if want := "Методот DELETE не е дозволен овде; дозволени се: GET, POST."; p.Detail != want {
			t.Errorf("detail = %q, want %q", p.Detail, want)
		}
		for path, allow := range map[string]string{"/api/v1/cases/" + uuid.NewString(): "GET", "/healthz": "GET"} {
			resp, body := ts.Do(t, ts.NewRequest(t, adminEN, http.MethodPost, path, `{}`))
			assertProblem(t, resp, body, http.StatusMethodNotAllowed, "")
			if got := resp.Header.Get("Allow"); got != allow {
				t.Errorf("%s: Allow = %q, want %q", path, got, allow)
			}
		}
		if len(ts.Cases.Calls()) != 0 {
			t.Errorf("service called: %v", ts.Cases.Calls())
		}
	})
}

func TestRecoverPanics(t *testing.T) {
	t.Run("ErrPanic", func(t *testing.T) {
		ts := MustOpenServer(t)
		ts.Cases.CaseFn = func(context.Context, string) (*domain.Case, error) { panic("boom: secret state") }
		req := ts.NewRequest(t, supervisor, http.MethodGet, "/api/v1/cases/"+uuid.NewString(), "")
		resp, body := ts.Do(t, req)
		p := assertProblem(t, resp, body, http.StatusInternalServerError, domain.EINTERNAL)
		if want := "Ndodhi një gabim i brendshëm."; p.Detail != want { // the user's language, though the panic came after auth
			t.Errorf("detail = %q, want %q", p.Detail, want)
		}
		if strings.Contains(string(body), "secret") {
			t.Errorf("the response reveals the panic: %s", body)
		}
		logged := ts.Logs.FilterMessage("panic serving request").FilterLevelExact(zapcore.ErrorLevel).All()
		if len(logged) != 1 {
			t.Fatalf("%d panics logged, want 1", len(logged))
		}
		if got := logged[0].ContextMap()["requestId"]; got != p.RequestID {
			t.Errorf("logged requestId = %v, want %s", got, p.RequestID)
		}
		// The access log sees the 500.
		access := ts.Logs.FilterMessage("http request").All()
		if len(access) != 1 || access[0].ContextMap()["status"] != int64(500) {
			t.Errorf("access log = %v", access)
		}
	})
}

func TestAccessLog(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		ts := MustOpenServer(t)
		req := ts.NewRequest(t, intakeMK, http.MethodPost, "/api/v1/cases", validCaseJSON(t, nil))
		req.Header.Set("X-Request-ID", "req-log")
		resp, _ := ts.Do(t, req)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("status = %d", resp.StatusCode)
		}
		entries := ts.Logs.FilterMessage("http request").All()
		if len(entries) != 1 {
			t.Fatalf("%d access log entries, want 1", len(entries))
		}
		e := entries[0]
		if e.Level != zapcore.InfoLevel {
			t.Errorf("level = %v", e.Level)
		}
		fields := e.ContextMap()
		for k, want := range map[string]any{
			"method":    "POST",
			"route":     "/api/v1/cases",
			"status":    int64(201),
			"requestId": "req-log",
			"userId":    intakeMK,
		} {
			if fields[k] != want {
				t.Errorf("%s = %v, want %v", k, fields[k], want)
			}
		}
		if _, ok := fields["duration"]; !ok {
			t.Error("no duration")
		}
		for _, entry := range ts.Logs.All() {
			for k, v := range entry.ContextMap() {
				if s, ok := v.(string); ok && (strings.Contains(s, "Петар") || strings.Contains(s, "улица")) {
					t.Errorf("log %q field %s carries personal data: %q", entry.Message, k, s)
				}
			}
		}
	})
	t.Run("RouteTemplate", func(t *testing.T) {
		ts := MustOpenServer(t)
		id := uuid.NewString()
		ts.Do(t, ts.NewRequest(t, supervisor, http.MethodGet, "/api/v1/cases/"+id+"/events", ""))
		entries := ts.Logs.FilterMessage("http request").All()
		if len(entries) != 1 {
			t.Fatalf("%d access log entries", len(entries))
		}
		if got := entries[0].ContextMap()["route"]; got != "/api/v1/cases/{id}/events" {
			t.Errorf("route = %v", got)
		}
		if got := entries[0].ContextMap()["status"]; got != int64(404) {
			t.Errorf("status = %v", got)
		}
	})
	t.Run("ProbesAtDebug", func(t *testing.T) {
		ts := MustOpenServer(t)
		ts.Do(t, ts.NewRequest(t, "", http.MethodGet, "/healthz", ""))
		entries := ts.Logs.FilterMessage("http request").All()
		if len(entries) != 1 || entries[0].Level != zapcore.DebugLevel {
			t.Errorf("entries = %v", entries)
		}
	})
}
