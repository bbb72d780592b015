package intake

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/gorilla/mux"

	"github.com/predmet/predmet/domain"
)

// sessionCookie is the cookie of the test sessions.
const sessionCookie = "test_session"

// fakeSessions stands for package auth's sessions: a session is the value of a cookie, and a
// refusal is what the test sets.
type fakeSessions struct {
	mu     sync.Mutex
	users  map[string]domain.StaffUser // by the cookie's value
	dev    map[string]bool
	refuse error // returned for every request with a cookie, when set
	ended  []string
}

func (f *fakeSessions) User(r *http.Request) (*domain.StaffUser, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, false, domain.Errorf(domain.EUNAUTHORIZED, "You are not signed in, or your session has ended. Sign in again.")
	}
	if f.refuse != nil {
		return nil, false, f.refuse
	}
	u, ok := f.users[c.Value]
	if !ok {
		return nil, false, domain.Errorf(domain.EUNAUTHORIZED, "You are not signed in, or your session has ended. Sign in again.")
	}
	return &u, f.dev[c.Value], nil
}

func (f *fakeSessions) EndSessionsOf(_ context.Context, personID string) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ended = append(f.ended, personID)
	n := 0
	for k, u := range f.users {
		if u.ID == personID {
			delete(f.users, k)
			n++
		}
	}
	return n, nil
}

// left returns how many sessions are left, and whose sessions were asked to end.
func (f *fakeSessions) left() (int, []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.users), slices.Clone(f.ended)
}

// fakeIdentities stands for the organisation directory: it renames everyone it knows, and refuses the
// sector head's token.
type fakeIdentities struct {
	names map[string]string
}

func (f fakeIdentities) Token(u domain.StaffUser) (*domain.StaffUser, error) {
	if u.HasRole(domain.RoleSectorHead) {
		return nil, domain.Errorf(domain.EFORBIDDEN, "The staff file makes %s the head of the sector %q, which the organisation directory does not say they head or deputise, so predmet refuses this token. Ask the department to correct the staff file or the directory.", u.ID, u.Sector)
	}
	if name, ok := f.names[u.ID]; ok {
		u.Name = name
	}
	return &u, nil
}

// withSession returns req carrying the session cookie value.
func withSession(req *http.Request, value string) *http.Request {
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: value})
	return req
}

// decodeMe decodes the answer of GET /api/v1/me.
func decodeMe(tb testing.TB, body []byte) me {
	tb.Helper()
	var m me
	if err := json.Unmarshal(body, &m); err != nil {
		tb.Fatalf("decode %s: %v", body, err)
	}
	return m
}

func TestSessionDoor(t *testing.T) {
	open := func(t *testing.T) (*TestServer, *fakeSessions) {
		ts := MustOpenServer(t)
		f := &fakeSessions{
			users: map[string]domain.StaffUser{"s-emma": testUsers[2], "s-besa": testUsers[1]},
			dev:   map[string]bool{"s-emma": true},
		}
		ts.API.Sessions = f
		return ts, f
	}
	t.Run("OK", func(t *testing.T) {
		ts, _ := open(t)
		resp, body := ts.Do(t, withSession(ts.NewRequest(t, "", http.MethodGet, "/api/v1/me", ""), "s-emma"))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status = %d; body: %s", resp.StatusCode, body)
		}
		m := decodeMe(t, body)
		if m.ID != adminEN || m.Name != "Emma Jones" || m.Via != ViaSession || !m.DevSignIn || !slices.Equal(m.Roles, testUsers[2].Roles) {
			t.Errorf("GET /api/v1/me = %+v", m)
		}
	})
	t.Run("ErrNoSession", func(t *testing.T) {
		ts, _ := open(t)
		req := ts.NewRequest(t, "", http.MethodGet, "/api/v1/me", "")
		req.Header.Set("Accept-Language", "en")
		resp, body := ts.Do(t, req)
		p := assertProblem(t, resp, body, http.StatusUnauthorized, domain.EUNAUTHORIZED)
		if p.Detail != "Sign in, or send the header Authorization: Bearer <token>." {
			t.Errorf("detail = %q", p.Detail)
		}
		if got := resp.Header.Get("WWW-Authenticate"); got != `Bearer realm="predmet"` {
			t.Errorf("WWW-Authenticate = %q", got)
		}
	})
	t.Run("ErrRefused", func(t *testing.T) {
		ts, f := open(t)
		f.mu.Lock()
		f.refuse = domain.Errorf(domain.EFORBIDDEN, "The form was sent from another site, so predmet refused it. Open the page in predmet and send it again.")
		f.mu.Unlock()
		req := withSession(ts.NewRequest(t, "", http.MethodPost, "/api/v1/cases", validCaseJSON(t, nil)), "s-emma")
		req.Header.Set("Accept-Language", "sq")
		resp, body := ts.Do(t, req)
		p := assertProblem(t, resp, body, http.StatusForbidden, domain.EFORBIDDEN)
		if p.Detail != "Formulari u dërgua nga një faqe tjetër, prandaj predmet e refuzoi. Hapeni faqen në predmet dhe dërgojeni përsëri." {
			t.Errorf("detail = %q", p.Detail)
		}
		if calls := ts.Cases.Calls(); len(calls) != 0 {
			t.Errorf("service called: %v", calls)
		}
	})
	t.Run("ErrSessionRoles", func(t *testing.T) {
		ts, _ := open(t)
		resp, body := ts.Do(t, withSession(ts.NewRequest(t, "", http.MethodPost, "/api/v1/cases", validCaseJSON(t, nil)), "s-besa"))
		assertProblem(t, resp, body, http.StatusForbidden, domain.EFORBIDDEN)
		if calls := ts.Cases.Calls(); len(calls) != 0 {
			t.Errorf("service called: %v", calls)
		}
	})
	t.Run("ErrTokenFirst", func(t *testing.T) {
		// A request with an Authorization header is judged by its token alone, whatever its cookie.
		ts, _ := open(t)
		req := withSession(ts.NewRequest(t, "", http.MethodGet, "/api/v1/me", ""), "s-emma")
		req.Header.Set("Authorization", "Bearer pmt_not-a-token")
		resp, body := ts.Do(t, req)
		assertProblem(t, resp, body, http.StatusUnauthorized, domain.EUNAUTHORIZED)
	})
	t.Run("OK_TokenWithSessions", func(t *testing.T) {
		ts, _ := open(t)
		resp, body := ts.Do(t, ts.NewRequest(t, intakeMK, http.MethodGet, "/api/v1/me", ""))
		if m := decodeMe(t, body); resp.StatusCode != http.StatusOK || m.ID != intakeMK || m.Via != ViaToken || m.DevSignIn {
			t.Errorf("GET /api/v1/me with a token = %d %+v", resp.StatusCode, m)
		}
	})
}

func TestIdentities(t *testing.T) {
	ts := MustOpenServer(t)
	ts.API.Identities = fakeIdentities{names: map[string]string{intakeMK: "Ана Петровска-Николовска"}}
	t.Run("OK", func(t *testing.T) {
		resp, body := ts.Do(t, ts.NewRequest(t, intakeMK, http.MethodGet, "/api/v1/me", ""))
		m := decodeMe(t, body)
		if resp.StatusCode != http.StatusOK || m.Name != "Ана Петровска-Николовска" || m.Via != ViaToken {
			t.Errorf("GET /api/v1/me = %d %+v, want the directory's name", resp.StatusCode, m)
		}
	})
	t.Run("ErrRefused", func(t *testing.T) {
		req := ts.NewRequest(t, sectorHead, http.MethodGet, "/api/v1/requests?sector=finance", "")
		resp, body := ts.Do(t, req)
		p := assertProblem(t, resp, body, http.StatusForbidden, domain.EFORBIDDEN)
		if want := `Датотеката со персонал го прави arben.krasniqi раководител на секторот "finance"`; len(p.Detail) < len(want) || p.Detail[:len(want)] != want {
			t.Errorf("detail = %q, want it to start with %q", p.Detail, want)
		}
	})
}

func TestEndSessions(t *testing.T) {
	open := func(t *testing.T) (*TestServer, *fakeSessions) {
		ts := MustOpenServer(t)
		f := &fakeSessions{users: map[string]domain.StaffUser{"s1": testUsers[1], "s2": testUsers[1], "s3": testUsers[0]}}
		ts.API.Sessions = f
		return ts, f
	}
	t.Run("OK", func(t *testing.T) {
		ts, f := open(t)
		resp, body := ts.Do(t, ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/sessions/"+supervisor+"/end", ""))
		if resp.StatusCode != http.StatusOK || string(body) != `{"personId":"besa.hoxha","ended":2}`+"\n" {
			t.Errorf("end sessions = %d %s", resp.StatusCode, body)
		}
		if n, _ := f.left(); n != 1 {
			t.Errorf("%d sessions left, want 1", n)
		}
	})
	t.Run("OK_None", func(t *testing.T) {
		ts, _ := open(t)
		resp, body := ts.Do(t, ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/sessions/nobody/end", ""))
		if resp.StatusCode != http.StatusOK || string(body) != `{"personId":"nobody","ended":0}`+"\n" {
			t.Errorf("end sessions = %d %s", resp.StatusCode, body)
		}
	})
	t.Run("ErrNotAdmin", func(t *testing.T) {
		ts, f := open(t)
		resp, body := ts.Do(t, ts.NewRequest(t, supervisor, http.MethodPost, "/api/v1/sessions/"+intakeMK+"/end", ""))
		assertProblem(t, resp, body, http.StatusForbidden, domain.EFORBIDDEN)
		if _, ended := f.left(); len(ended) != 0 {
			t.Errorf("sessions ended: %v", ended)
		}
	})
	t.Run("ErrBadPerson", func(t *testing.T) {
		ts, f := open(t)
		resp, body := ts.Do(t, ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/sessions/%20x/end", ""))
		p := assertProblem(t, resp, body, http.StatusUnprocessableEntity, domain.EINVALID)
		if p.Field != "person" || p.Detail != `" x" is not a person's ID.` {
			t.Errorf("problem = %+v", p)
		}
		if _, ended := f.left(); len(ended) != 0 {
			t.Errorf("sessions ended: %v", ended)
		}
	})
	t.Run("ErrNoSessions", func(t *testing.T) {
		ts := MustOpenServer(t)
		resp, body := ts.Do(t, ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/sessions/"+intakeMK+"/end", ""))
		assertProblem(t, resp, body, http.StatusInternalServerError, domain.EINTERNAL)
	})
}

func TestRoutes(t *testing.T) {
	s := &Server{Routes: func(r *mux.Router) {
		r.HandleFunc("/signin", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("sign in here")) }).Methods(http.MethodGet)
		// The API's own route comes first.
		r.HandleFunc("/api/v1/me", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("not the API")) })
	}}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Request-ID") == "" {
		t.Errorf("GET /signin = %s, X-Request-ID %q: want the added route, with the API's middleware", resp.Status, resp.Header.Get("X-Request-ID"))
	}
	if resp, err = http.Get(srv.URL + "/api/v1/me"); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/me = %s, want the API's own route (401 without a token)", resp.Status)
	}
}
