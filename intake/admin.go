package intake

import (
	"context"
	"errors"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/predmet/predmet/domain"
)

// ProjectionAdmin is what the API does with the projections of the event log.
type ProjectionAdmin interface {
	// Status reports, for every projection, how far it is behind the log.
	Status(ctx context.Context) any
	// Rebuild rebuilds the named projection from the start of the log beside the live one and swaps it
	// in; it returns once swapped. ENOTFOUND for an unknown name, ECONFLICT while one is under way.
	Rebuild(ctx context.Context, name string) error
	// Check recomputes the named projection (every one when name is "") from the log in a scratch
	// database and compares it with the live one: the reports, and whether they all agree.
	Check(ctx context.Context, name string) (reports any, consistent bool, err error)
}

// DirectoryAdmin reloads the organisation directory from its file.
type DirectoryAdmin interface {
	// Reload validates the file and, if it is valid, puts it in force; EINVALID names what is wrong.
	Reload() error
}

// The roles that may watch, rebuild and check the projections, and reload the directory.
var (
	projectionReadRoles  = []domain.Role{domain.RoleSupervisor, domain.RoleAdmin}
	projectionAdminRoles = []domain.Role{domain.RoleAdmin}
)

var (
	errNoProjections = errors.New("intake: Server.Projections is not set")
	errNoDirectory   = errors.New("intake: Server.Directory is not set")
)

// registerAdminRoutes registers the routes that operate the engine on r, the authenticated router.
func (s *Server) registerAdminRoutes(r *mux.Router) {
	r.Handle("/api/v1/projections", s.requireRole(s.handleProjections, projectionReadRoles...)).Methods(http.MethodGet)
	r.Handle("/api/v1/projections/check", s.requireRole(s.handleProjectionsCheck, projectionReadRoles...)).Methods(http.MethodPost)
	r.Handle("/api/v1/projections/{name}/rebuild", s.requireRole(s.handleProjectionRebuild, projectionAdminRoles...)).Methods(http.MethodPost)
	r.Handle("/api/v1/directory/reload", s.requireRole(s.handleDirectoryReload, projectionAdminRoles...)).Methods(http.MethodPost)
}

// handleProjections handles "GET /api/v1/projections": every projection's lag.
func (s *Server) handleProjections(w http.ResponseWriter, r *http.Request) {
	if s.Projections == nil {
		s.writeError(w, r, errNoProjections)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"projections": s.Projections.Status(r.Context())})
}

// handleProjectionsCheck handles "POST /api/v1/projections/check[?projection=name]": the consistency
// check, answered when done (200 whether or not the read models agree: "consistent" says).
func (s *Server) handleProjectionsCheck(w http.ResponseWriter, r *http.Request) {
	q := newReadQuery(r, "projection")
	name := q.single("projection")
	if err := q.Err(); err != nil {
		s.writeError(w, r, err)
		return
	}
	if s.Projections == nil {
		s.writeError(w, r, errNoProjections)
		return
	}
	reports, consistent, err := s.Projections.Check(r.Context(), name)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"consistent": consistent, "reports": reports})
}

// handleProjectionRebuild handles "POST /api/v1/projections/{name}/rebuild": the projection rebuilt from
// the start of the log while the API keeps serving the old one, answered once the new one is in place.
func (s *Server) handleProjectionRebuild(w http.ResponseWriter, r *http.Request) {
	if s.Projections == nil {
		s.writeError(w, r, errNoProjections)
		return
	}
	name := mux.Vars(r)["name"]
	if err := s.Projections.Rebuild(r.Context(), name); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"projection": name, "status": "rebuilt"})
}

// handleDirectoryReload handles "POST /api/v1/directory/reload": the organisation directory read again
// from its file; an invalid file is a 422 naming the fault, and the directory in force stays.
func (s *Server) handleDirectoryReload(w http.ResponseWriter, r *http.Request) {
	if s.Directory == nil {
		s.writeError(w, r, errNoDirectory)
		return
	}
	if err := s.Directory.Reload(); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]string{"status": "reloaded"})
}
