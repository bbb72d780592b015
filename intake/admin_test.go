package intake

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/predmet/predmet/domain"
)

// fixedProjections is an intake.ProjectionAdmin with fixed answers, recording the rebuilds asked.
type fixedProjections struct {
	consistent bool
	rebuilt    []string
}

func (p *fixedProjections) Status(context.Context) any {
	return map[string]any{"casework": map[string]any{"eventsBehind": 0}}
}

func (p *fixedProjections) Rebuild(_ context.Context, name string) error {
	if name != "casework" {
		return domain.Errorf(domain.ENOTFOUND, "Unknown projection %q.", name)
	}
	p.rebuilt = append(p.rebuilt, name)
	return nil
}

func (p *fixedProjections) Check(_ context.Context, name string) (any, bool, error) {
	return []string{name}, p.consistent, nil
}

// directoryFile is an intake.DirectoryAdmin whose file is valid or not.
type directoryFile struct{ err error }

func (d directoryFile) Reload() error { return d.err }

func TestAdminRoutes(t *testing.T) {
	ts := MustOpenServer(t)
	p := &fixedProjections{}
	ts.API.Projections = p

	t.Run("OK_Status", func(t *testing.T) {
		resp, body := ts.Do(t, ts.NewRequest(t, supervisor, http.MethodGet, "/api/v1/projections", ""))
		if resp.StatusCode != http.StatusOK || string(body) == "" {
			t.Errorf("%d %s", resp.StatusCode, body)
		}
	})
	t.Run("OK_CheckReportsADifference", func(t *testing.T) {
		resp, body := ts.Do(t, ts.NewRequest(t, supervisor, http.MethodPost, "/api/v1/projections/check?projection=casework", ""))
		var got struct {
			Consistent bool     `json:"consistent"`
			Reports    []string `json:"reports"`
		}
		if err := json.Unmarshal(body, &got); err != nil || resp.StatusCode != http.StatusOK || got.Consistent || len(got.Reports) != 1 || got.Reports[0] != "casework" {
			t.Errorf("%d %s", resp.StatusCode, body)
		}
	})
	t.Run("ErrCheckUnknownParameter", func(t *testing.T) {
		resp, body := ts.Do(t, ts.NewRequest(t, supervisor, http.MethodPost, "/api/v1/projections/check?name=casework", ""))
		assertProblem(t, resp, body, http.StatusBadRequest, domain.EINVALID)
	})
	t.Run("OK_RebuildByAdmin", func(t *testing.T) {
		resp, body := ts.Do(t, ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/projections/casework/rebuild", ""))
		if resp.StatusCode != http.StatusOK || len(p.rebuilt) != 1 {
			t.Errorf("%d %s, rebuilt %v", resp.StatusCode, body, p.rebuilt)
		}
	})
	t.Run("ErrRebuildBySupervisor", func(t *testing.T) {
		resp, body := ts.Do(t, ts.NewRequest(t, supervisor, http.MethodPost, "/api/v1/projections/casework/rebuild", ""))
		assertProblem(t, resp, body, http.StatusForbidden, domain.EFORBIDDEN)
	})
	t.Run("ErrRebuildUnknown", func(t *testing.T) {
		resp, body := ts.Do(t, ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/projections/nosuch/rebuild", ""))
		assertProblem(t, resp, body, http.StatusNotFound, domain.ENOTFOUND)
	})
	t.Run("OK_DirectoryReloaded", func(t *testing.T) {
		ts.API.Directory = directoryFile{}
		resp, body := ts.Do(t, ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/directory/reload", ""))
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%d %s", resp.StatusCode, body)
		}
	})
	t.Run("ErrDirectoryInvalid", func(t *testing.T) {
		ts.API.Directory = directoryFile{err: domain.FieldErrorf("units[0].head.email", "units[0].head.email: %q is not an e-mail address", "goran@")}
		resp, body := ts.Do(t, ts.NewRequest(t, adminEN, http.MethodPost, "/api/v1/directory/reload", ""))
		pr := assertProblem(t, resp, body, http.StatusUnprocessableEntity, domain.EINVALID)
		if pr.Field != "units[0].head.email" {
			t.Errorf("field = %q", pr.Field)
		}
	})
}
