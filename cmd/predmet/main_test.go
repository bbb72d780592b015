package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/predmet/predmet/intake"
)

// runCLI runs the command line args and returns its exit status, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr strings.Builder
	status := run(args, &stdout, &stderr)
	return status, stdout.String(), stderr.String()
}

// TestUsage checks that each command has its own usage: -h prints it on stdout and exits 0, a wrong
// flag or argument prints what is wrong and the usage on stderr and exits 2.
func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		status   int
		usage    string   // how the usage starts, on stdout for status 0, on stderr otherwise
		has, not []string // flags the usage lists, and flags it must not
		err      string   // what stderr says is wrong
	}{
		{"OK_Help", []string{"help"}, 0, "predmet: case management", []string{"predmet staff add"}, nil, ""},
		{"OK_DashH", []string{"-h"}, 0, "predmet: case management", nil, nil, ""},
		{"ErrNoCommand", nil, 2, "predmet: case management", nil, nil, ""},
		{"ErrUnknownCommand", []string{"launch"}, 2, `predmet: unknown command "launch"`, nil, nil, ""},
		{"OK_DevHelp", []string{"dev", "-h"}, 0, "Usage: predmet dev [flags]",
			[]string{"-api-addr", "-data-dir", "-ui-port", "-temporal-port", "-retention", "-kurrentdb-url", "PREDMET_API_ADDR", "-auth-file", "-dev-signin", "-oidc-client-secret"},
			[]string{"-temporal-address", "-temporal-tls", "-temporal-api-key"}, ""},
		{"OK_DevHelpLong", []string{"dev", "--help"}, 0, "Usage: predmet dev [flags]", nil, nil, ""},
		{"OK_ServeHelp", []string{"serve", "-h"}, 0, "Usage: predmet serve [flags]",
			[]string{"-roles", "-temporal-address", "-temporal-tls", "-kurrentdb-url", "-staff-file", "-auth-file", "-dev-signin", "-oidc-client-secret", "-base-url"},
			[]string{"-ui-port", "-temporal-port", "-retention"}, ""},
		{"ErrDevUnknownFlag", []string{"dev", "--ui-prot", "9000"}, 2, "predmet dev: flag provided but not defined: -ui-prot", []string{"Usage: predmet dev [flags]"}, nil, ""},
		{"ErrDevServeFlag", []string{"dev", "--temporal-address", "t:7233"}, 2, "predmet dev: flag provided but not defined: -temporal-address", nil, nil, ""},
		{"ErrDevArgument", []string{"dev", "now"}, 2, `predmet dev: unexpected argument "now"`, []string{"Usage: predmet dev [flags]"}, nil, ""},
		{"ErrServeBadValue", []string{"serve", "--ui-port", "1"}, 2, "predmet serve: flag provided but not defined: -ui-port", nil, nil, ""},
		{"OK_TokenHelp", []string{"token", "-h"}, 0, "Usage: predmet token", nil, nil, ""},
		{"ErrTokenArgument", []string{"token", "ana"}, 2, `predmet token: unexpected argument "ana"`, nil, nil, ""},
		{"OK_StaffHelp", []string{"staff", "-h"}, 0, "Usage: predmet staff add", []string{"-id", "-role", "-sector", "-language", "-replace", "-data-dir"}, nil, ""},
		{"ErrStaffNoVerb", []string{"staff", "--id", "ana"}, 2, "predmet staff: missing argument", nil, nil, ""},
		{"ErrStaffUnknownVerb", []string{"staff", "remove", "--id", "ana"}, 2, `predmet staff: unknown verb "remove"`, nil, nil, ""},
		{"ErrStaffNoID", []string{"staff", "add", "--name", "Ана", "--role", "officer"}, 2, "predmet staff: --id is required", []string{"Usage: predmet staff add"}, nil, ""},
		{"ErrStaffNoRole", []string{"staff", "add", "--id", "ana", "--name", "Ана"}, 2, "predmet staff: --role is required", nil, nil, ""},
		{"OK_ProjectionsHelp", []string{"projections", "-h"}, 0, "Usage:\n  predmet projections status", []string{"-api", "-data-dir", "-timeout"}, nil, ""},
		{"OK_ProjectionsHelpAfterVerb", []string{"projections", "check", "-h"}, 0, "Usage:\n  predmet projections status", nil, nil, ""},
		{"ErrProjectionsNoVerb", []string{"projections", "--api", "http://127.0.0.1:1"}, 2, "predmet projections: missing argument", nil, nil, ""},
		{"ErrProjectionsUnknownVerb", []string{"projections", "compact"}, 2, "predmet projections: unknown verb or wrong arguments: compact", nil, nil, ""},
		{"ErrProjectionsRebuildWithoutName", []string{"projections", "rebuild"}, 2, "predmet projections: unknown verb or wrong arguments: rebuild", nil, nil, ""},
		{"ErrProjectionsUnknownFlag", []string{"projections", "status", "--apu", "x"}, 2, "predmet projections: flag provided but not defined: -apu", nil, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, stdout, stderr := runCLI(t, tc.args...)
			if status != tc.status {
				t.Fatalf("exit status %d, want %d\nstdout: %s\nstderr: %s", status, tc.status, stdout, stderr)
			}
			out, quiet := stdout, stderr
			if status != 0 {
				out, quiet = stderr, stdout
			}
			if !strings.HasPrefix(out, tc.usage) {
				t.Errorf("output starts %.80q, want %q", out, tc.usage)
			}
			if quiet != "" {
				t.Errorf("the other stream has %q", quiet)
			}
			for _, f := range tc.has {
				if !strings.Contains(out, f) {
					t.Errorf("the output lacks %q:\n%s", f, out)
				}
			}
			for _, f := range tc.not {
				if strings.Contains(out, "\n  "+f+" ") || strings.Contains(out, "\n  "+f+"\n") {
					t.Errorf("the output lists %q, which does not apply:\n%s", f, out)
				}
			}
		})
	}
}

// TestProjectionsFlagsAnywhere checks that the flags of "predmet projections" work before and after
// the verb and its argument, against an API that records what it is asked.
func TestProjectionsFlagsAnywhere(t *testing.T) {
	var mu sync.Mutex
	var asked []string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"consistent": true}`))
	}))
	defer api.Close()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "dev-token"), []byte("pmt_dev\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PREDMET_TOKEN", "")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "--api", api.URL, "--data-dir", dir}, "POST /api/v1/projections/check Bearer pmt_dev"},
		{[]string{"--api", api.URL, "check", "--data-dir", dir}, "POST /api/v1/projections/check Bearer pmt_dev"},
		{[]string{"--api", api.URL, "--data-dir", dir, "status"}, "GET /api/v1/projections Bearer pmt_dev"},
		{[]string{"check", "casework", "--api", api.URL, "--data-dir=" + dir}, "POST /api/v1/projections/check?projection=casework Bearer pmt_dev"},
		{[]string{"rebuild", "--api", api.URL, "notifications", "--data-dir", dir}, "POST /api/v1/projections/notifications/rebuild Bearer pmt_dev"},
	} {
		t.Run(strings.Join(tc.args[:1], " "), func(t *testing.T) {
			mu.Lock()
			asked = nil
			mu.Unlock()
			status, stdout, stderr := runCLI(t, append([]string{"projections"}, tc.args...)...)
			if status != 0 || !strings.Contains(stdout, `"consistent": true`) {
				t.Fatalf("%v: exit status %d\nstdout: %s\nstderr: %s", tc.args, status, stdout, stderr)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(asked) != 1 || asked[0] != tc.want {
				t.Errorf("%v asked %q, want %q", tc.args, asked, tc.want)
			}
		})
	}
}

// TestStaffAdd checks "predmet staff add": the token alone on stdout, the user in the data directory's
// staff file, a second addition under the same ID refused unless replaced.
func TestStaffAdd(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PREDMET_DATA_DIR", dir)
	t.Setenv("PREDMET_STAFF_FILE", "")
	args := []string{"staff", "add", "--id", "goran.mitrevski", "--name", "Горан Митревски", "--role", "sector_head",
		"--sector", "urbanism", "--language", "mk"}
	status, stdout, stderr := runCLI(t, args...)
	if status != 0 {
		t.Fatalf("exit status %d: %s", status, stderr)
	}
	token := strings.TrimSpace(stdout)
	if !strings.HasPrefix(token, intake.TokenPrefix) || strings.Count(stdout, "\n") != 1 {
		t.Errorf("stdout %q, want the token alone", stdout)
	}
	if !strings.Contains(stderr, "goran.mitrevski (sector_head; sector urbanism)") {
		t.Errorf("stderr %q does not say who was added", stderr)
	}
	staff, err := intake.LoadStaff(filepath.Join(dir, "staff.json"))
	if err != nil {
		t.Fatal(err)
	}
	if u, ok := staff.Authenticate(token); !ok || u.Sector != "urbanism" || u.Language != "mk" || u.Name != "Горан Митревски" {
		t.Errorf("Authenticate = %+v, %v", u, ok)
	}

	t.Run("ErrSameID", func(t *testing.T) {
		status, stdout, stderr := runCLI(t, args...)
		if status != 1 || stdout != "" || !strings.Contains(stderr, "already in") {
			t.Errorf("exit status %d, stdout %q, stderr %q", status, stdout, stderr)
		}
	})
	t.Run("OK_Replace", func(t *testing.T) {
		status, stdout, stderr := runCLI(t, append(args, "--replace")...)
		if status != 0 || strings.TrimSpace(stdout) == token {
			t.Fatalf("exit status %d, stdout %q, stderr %q", status, stdout, stderr)
		}
		staff, err := intake.LoadStaff(filepath.Join(dir, "staff.json"))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := staff.Authenticate(strings.TrimSpace(stdout)); !ok || staff.Len() != 1 {
			t.Errorf("the new token is refused, or %d users", staff.Len())
		}
	})
	t.Run("OK_StaffFileFlagWithRoles", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "elsewhere.json")
		status, stdout, stderr := runCLI(t, "staff", "add", "--staff-file", path, "--id", "ana.petrovska", "--name", "Ана Петровска",
			"--role", "intake,officer", "--role", "supervisor")
		if status != 0 {
			t.Fatalf("exit status %d: %s", status, stderr)
		}
		staff, err := intake.LoadStaff(path)
		if err != nil {
			t.Fatal(err)
		}
		if u, ok := staff.Authenticate(strings.TrimSpace(stdout)); !ok || len(u.Roles) != 3 || u.Language != "" {
			t.Errorf("Authenticate = %+v, %v", u, ok)
		}
	})
	t.Run("ErrSectorHeadWithoutSector", func(t *testing.T) {
		status, _, stderr := runCLI(t, "staff", "add", "--id", "besa.osmani", "--name", "Besa Osmani", "--role", "sector_head")
		if status != 1 || !strings.Contains(stderr, "needs a sector") {
			t.Errorf("exit status %d, stderr %q", status, stderr)
		}
	})
}
