package intake

import (
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/predmet/predmet/domain"
)

// The roles that may see whether every clock is stopped, and those that may stop and restart them.
var (
	readClocksRoles   = []domain.Role{domain.RoleSupervisor, domain.RoleAdmin}
	changeClocksRoles = []domain.Role{domain.RoleAdmin}
)

// errNoClocks reports a Server without a ClockService: a mistake in wiring, logged as an internal error.
var errNoClocks = errors.New("intake: Server.Clocks is not set")

// registerClockRoutes registers the routes of the global clocks on r, the authenticated /api/v1 router.
func (s *Server) registerClockRoutes(r *mux.Router) {
	r.Handle("/api/v1/clocks", s.requireRole(s.handleClocks, readClocksRoles...)).Methods(http.MethodGet)
	r.Handle("/api/v1/clocks/suspend", s.requireRole(s.handleClocksSuspend, changeClocksRoles...)).Methods(http.MethodPost)
	r.Handle("/api/v1/clocks/resume", s.requireRole(s.handleClocksResume, changeClocksRoles...)).Methods(http.MethodPost)
}

// clocksBody is the body of "POST /api/v1/clocks/suspend" and ".../resume".
type clocksBody struct {
	Reason string `json:"reason"`
}

// clocksView is the state of the switch that stops every clock.
type clocksView struct {
	Suspended bool `json:"suspended"`
	// Since is when the clocks were last suspended or resumed; null if never.
	Since    *time.Time `json:"since"`
	Reason   string     `json:"reason"`
	Revision uint64     `json:"revision"`
}

func newClocksView(g *domain.GlobalClocks) clocksView {
	return clocksView{Suspended: g.Suspended, Since: g.Since, Reason: g.Reason, Revision: g.Revision}
}

// handleClocks handles "GET /api/v1/clocks": whether every clock is stopped.
func (s *Server) handleClocks(w http.ResponseWriter, r *http.Request) {
	if s.Clocks == nil {
		s.writeError(w, r, errNoClocks)
		return
	}
	g, err := s.Clocks.GlobalClocks(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, newClocksView(g))
}

// handleClocksSuspend handles "POST /api/v1/clocks/suspend": it stops every running clock, as a
// state-of-emergency decree may require. The reason is required.
func (s *Server) handleClocksSuspend(w http.ResponseWriter, r *http.Request) {
	s.changeClocks(w, r, true)
}

// handleClocksResume handles "POST /api/v1/clocks/resume": it restarts every clock with the time it had left.
func (s *Server) handleClocksResume(w http.ResponseWriter, r *http.Request) {
	s.changeClocks(w, r, false)
}

// changeClocks suspends or resumes every clock and answers 200 with the new state.
func (s *Server) changeClocks(w http.ResponseWriter, r *http.Request, suspend bool) {
	if s.Clocks == nil {
		s.writeError(w, r, errNoClocks)
		return
	}
	var b clocksBody
	if err := s.decodeJSON(w, r, &b, true); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := domain.ValidateClocksChange(suspend, b.Reason); err != nil {
		s.writeError(w, r, err)
		return
	}
	actor := actorOf(UserFromContext(r.Context()))
	var (
		g   *domain.GlobalClocks
		err error
	)
	if suspend {
		g, err = s.Clocks.SuspendAllClocks(r.Context(), actor, b.Reason)
	} else {
		g, err = s.Clocks.ResumeAllClocks(r.Context(), actor, b.Reason)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, newClocksView(g))
}
