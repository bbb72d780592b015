package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/predmet/predmet/engine"
	"github.com/predmet/predmet/internal/testkit/devstack"
)

// TestProjectionsCommand runs "predmet projections" against a running dev stack.
func TestProjectionsCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Temporal in-process")
	}
	e := devstack.MustStart(t, func(c *engine.Config) { c.UIPort = -1 })
	dir := e.Dir
	api := "http://" + e.APIAddress()
	t.Setenv("PREDMET_TOKEN", "")

	run := func(args ...string) (string, error) {
		t.Helper()
		var stdout, stderr strings.Builder
		err := projections(args, &stdout, &stderr)
		return stdout.String(), err
	}

	t.Run("OK_StatusCheckRebuild", func(t *testing.T) {
		out, err := run("--api", api, "--data-dir", dir, "status")
		if err != nil || !strings.Contains(out, `"casework"`) {
			t.Errorf("status: %v\n%s", err, out)
		}
		out, err = run("--api", api, "--data-dir", dir, "check")
		if err != nil || !strings.Contains(out, `"consistent": true`) {
			t.Errorf("check: %v\n%s", err, out)
		}
		out, err = run("--api", api, "--data-dir", dir, "rebuild", "casework")
		if err != nil || !strings.Contains(out, `"rebuilt"`) {
			t.Errorf("rebuild: %v\n%s", err, out)
		}
	})
	t.Run("ErrUnknownProjection", func(t *testing.T) {
		out, err := run("--api", api, "--data-dir", dir, "rebuild", "nosuch")
		if err == nil || !strings.Contains(err.Error(), "404") || !strings.Contains(out, "nosuch") {
			t.Errorf("rebuild of an unknown projection: %v\n%s", err, out)
		}
	})
	t.Run("ErrNoToken", func(t *testing.T) {
		_, err := run("--api", api, "--data-dir", filepath.Join(dir, "elsewhere"), "status")
		if err == nil || !strings.Contains(err.Error(), "PREDMET_TOKEN") {
			t.Errorf("without a token: %v", err)
		}
	})
	t.Run("ErrAPIDown", func(t *testing.T) {
		_, err := run("--api", "http://127.0.0.1:1", "--data-dir", dir, "status")
		if err == nil {
			t.Error("a dead API answered")
		}
	})
}
