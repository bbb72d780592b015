package intake

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
)

// ClockService is a domain.ClockService that keeps the switch in memory and records its calls. Set
// Err to make every call fail with it.
type ClockService struct {
	Err error

	mu     sync.Mutex
	state  domain.GlobalClocks
	calls  []ClockCall
	nCalls int
}

// ClockCall is a call of SuspendAllClocks or ResumeAllClocks.
type ClockCall struct {
	Suspend bool
	Actor   domain.Actor
	Reason  string
}

var _ domain.ClockService = (*ClockService)(nil)

// GlobalClocks implements domain.ClockService.
func (s *ClockService) GlobalClocks(context.Context) (*domain.GlobalClocks, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nCalls++
	if s.Err != nil {
		return nil, s.Err
	}
	g := s.state
	return &g, nil
}

// SuspendAllClocks implements domain.ClockService, with the real service's errors.
func (s *ClockService) SuspendAllClocks(_ context.Context, actor domain.Actor, reason string) (*domain.GlobalClocks, error) {
	return s.change(true, actor, reason)
}

// ResumeAllClocks implements domain.ClockService, with the real service's errors.
func (s *ClockService) ResumeAllClocks(_ context.Context, actor domain.Actor, reason string) (*domain.GlobalClocks, error) {
	return s.change(false, actor, reason)
}

func (s *ClockService) change(suspend bool, actor domain.Actor, reason string) (*domain.GlobalClocks, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nCalls++
	s.calls = append(s.calls, ClockCall{Suspend: suspend, Actor: actor, Reason: reason})
	switch {
	case s.Err != nil:
		return nil, s.Err
	case !actor.HasAnyRole(domain.RoleAdmin):
		return nil, domain.Errorf(domain.EFORBIDDEN, "Only an administrator may suspend or resume every clock.")
	case suspend && s.state.Suspended:
		return nil, domain.Errorf(domain.ECONFLICT, "Every clock is already suspended.")
	case !suspend && !s.state.Suspended:
		return nil, domain.Errorf(domain.ECONFLICT, "The clocks are not suspended.")
	case suspend && strings.TrimSpace(reason) == "":
		return nil, domain.FieldErrorf("reason", "The field %s is required.", "reason")
	}
	at := time.Now()
	if suspend {
		s.state.Apply(&domain.ClocksSuspended{At: at, Reason: reason})
	} else {
		s.state.Apply(&domain.ClocksResumed{At: at, Reason: reason})
	}
	g := s.state
	return &g, nil
}

// Calls returns the changes asked for so far.
func (s *ClockService) Calls() []ClockCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// NCalls returns how many times the service was called, reads included.
func (s *ClockService) NCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nCalls
}

// clocksJSON is the body of a clocks response.
type clocksJSON struct {
	Suspended *bool      `json:"suspended"`
	Since     *time.Time `json:"since"`
	Reason    *string    `json:"reason"`
	Revision  *uint64    `json:"revision"`
}

func decodeClocks(tb testing.TB, body []byte) clocksJSON {
	tb.Helper()
	var v clocksJSON
	if err := json.Unmarshal(body, &v); err != nil {
		tb.Fatalf("decode: %v; body: %s", err, body)
	}
	if v.Suspended == nil || v.Reason == nil || v.Revision == nil || !strings.Contains(string(body), `"since":`) {
		tb.Fatalf("incomplete clocks: %s", body)
	}
	return v
}

func TestClocks(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		ts := MustOpenServer(t)
		resp, body := ts.Do(t, ts.NewRequest(t, supervisor, http.MethodGet, "/api/v1/clocks", ""))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status = %d; body: %s", resp.StatusCode, body)
		}
		if v := decodeClocks(t, body); *v.Suspended || v.Since != nil || *v.Revision != 0 {
			t.Errorf("clocks = %s", body)
		}

		resp, body = ts.Do(t, ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/clocks/suspend", `{"reason": "State of emergency, decree of 2026-03-18"}`))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("suspend: status = %d; body: %s", resp.StatusCode, body)
		}
		if v := decodeClocks(t, body); !*v.Suspended || v.Since == nil || *v.Reason != "State of emergency, decree of 2026-03-18" || *v.Revision != 1 {
			t.Errorf("suspended = %s", body)
		}
		resp, body = ts.Do(t, ts.NewRequest(t, adminEN, http.MethodGet, "/api/v1/clocks", ""))
		if v := decodeClocks(t, body); resp.StatusCode != http.StatusOK || !*v.Suspended {
			t.Errorf("after suspend: %d %s", resp.StatusCode, body)
		}

		// Resuming needs no reason, and no body.
		resp, body = ts.Do(t, ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/clocks/resume", ""))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("resume: status = %d; body: %s", resp.StatusCode, body)
		}
		if v := decodeClocks(t, body); *v.Suspended || *v.Revision != 2 {
			t.Errorf("resumed = %s", body)
		}

		calls := ts.Clocks.Calls()
		if len(calls) != 2 || !calls[0].Suspend || calls[1].Suspend || calls[1].Reason != "" {
			t.Fatalf("calls = %+v", calls)
		}
		want := domain.Actor{UserID: adminEN, Roles: []domain.Role{domain.RoleAdmin}}
		if a := calls[0].Actor; a.UserID != want.UserID || !slices.Equal(a.Roles, want.Roles) || a.Sector != "" {
			t.Errorf("actor = %+v, want %+v", a, want)
		}
	})
	t.Run("ErrUnauthorized", func(t *testing.T) {
		ts := MustOpenServer(t)
		for _, r := range []struct{ method, path string }{
			{http.MethodGet, "/api/v1/clocks"}, {http.MethodPost, "/api/v1/clocks/suspend"}, {http.MethodPost, "/api/v1/clocks/resume"},
		} {
			resp, body := ts.Do(t, ts.NewRequest(t, "", r.method, r.path, `{"reason": "x"}`))
			assertProblem(t, resp, body, http.StatusUnauthorized, domain.EUNAUTHORIZED)
		}
		if n := ts.Clocks.NCalls(); n != 0 {
			t.Errorf("service called %d times", n)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		ts := MustOpenServer(t)
		for _, r := range []struct{ user, method, path string }{
			{intakeMK, http.MethodGet, "/api/v1/clocks"},
			{sectorHead, http.MethodGet, "/api/v1/clocks"},
			{supervisor, http.MethodPost, "/api/v1/clocks/suspend"},
			{supervisor, http.MethodPost, "/api/v1/clocks/resume"},
			{intakeMK, http.MethodPost, "/api/v1/clocks/suspend"},
		} {
			resp, body := ts.Do(t, ts.NewRequest(t, r.user, r.method, r.path, `{"reason": "Decree"}`))
			p := assertProblem(t, resp, body, http.StatusForbidden, domain.EFORBIDDEN)
			if r.user == supervisor && p.Detail != "Rolet tuaja nuk e lejojnë këtë; nevojitet një nga rolet admin." {
				t.Errorf("detail = %q", p.Detail)
			}
		}
		if n := ts.Clocks.NCalls(); n != 0 {
			t.Errorf("service called %d times", n)
		}
	})
	t.Run("ErrReasonRequired", func(t *testing.T) {
		ts := MustOpenServer(t)
		for _, body := range []string{"", `{}`, `{"reason": "  "}`} {
			resp, b := ts.Do(t, ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/clocks/suspend", body))
			p := assertProblem(t, resp, b, http.StatusUnprocessableEntity, domain.EINVALID)
			if p.Field != "reason" || p.Detail != "The field reason is required." {
				t.Errorf("%q: problem = %+v", body, p)
			}
		}
		if n := ts.Clocks.NCalls(); n != 0 {
			t.Errorf("service called %d times", n)
		}
	})
	t.Run("ErrReasonTooLong", func(t *testing.T) {
		ts := MustOpenServer(t)
		body, _ := json.Marshal(map[string]string{"reason": strings.Repeat("я", domain.MaxReasonLen+1)})
		resp, b := ts.Do(t, ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/clocks/resume", string(body)))
		if p := assertProblem(t, resp, b, http.StatusUnprocessableEntity, domain.EINVALID); p.Field != "reason" {
			t.Errorf("field = %q", p.Field)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		ts := MustOpenServer(t)
		resp, body := ts.Do(t, ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/clocks/resume", `{"reason": "Decree lifted"}`))
		if p := assertProblem(t, resp, body, http.StatusConflict, domain.ECONFLICT); p.Detail != "The clocks are not suspended." {
			t.Errorf("detail = %q", p.Detail)
		}
		for i, want := range []int{http.StatusOK, http.StatusConflict} {
			resp, body := ts.Do(t, ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/clocks/suspend", `{"reason": "Decree"}`))
			if resp.StatusCode != want {
				t.Errorf("suspend %d: status = %d, want %d; body: %s", i+1, resp.StatusCode, want, body)
			}
		}
	})
	t.Run("ErrBody", func(t *testing.T) {
		ts := MustOpenServer(t)
		resp, body := ts.Do(t, ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/clocks/suspend", `{"reason": "Decree", "until": "2026-06-01"}`))
		if p := assertProblem(t, resp, body, http.StatusBadRequest, domain.EINVALID); p.Field != "until" {
			t.Errorf("field = %q", p.Field)
		}
		req := ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/clocks/suspend", `reason=Decree`)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, body = ts.Do(t, req)
		assertProblem(t, resp, body, http.StatusUnsupportedMediaType, domain.EINVALID)
		if n := ts.Clocks.NCalls(); n != 0 {
			t.Errorf("service called %d times", n)
		}
	})
	t.Run("ErrUnavailable", func(t *testing.T) {
		ts := MustOpenServer(t)
		ts.Clocks.Err = domain.Errorf(domain.EUNAVAILABLE, "The workflow engine did not answer in time; retry the request with the same Idempotency-Key.")
		resp, body := ts.Do(t, ts.NewRequest(t, supervisor, http.MethodGet, "/api/v1/clocks", ""))
		assertProblem(t, resp, body, http.StatusServiceUnavailable, domain.EUNAVAILABLE)
		if resp.Header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
	})
	t.Run("ErrNoService", func(t *testing.T) {
		ts := MustOpenServer(t)
		ts.API.Clocks = nil
		resp, body := ts.Do(t, ts.NewRequest(t, adminEN, http.MethodGet, "/api/v1/clocks", ""))
		assertProblem(t, resp, body, http.StatusInternalServerError, domain.EINTERNAL)
	})
}
