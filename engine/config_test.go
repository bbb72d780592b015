package engine_test

import (
	"context"
	"flag"
	"net"
	"os"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/predmet/predmet/engine"
)

func TestConfigValidate(t *testing.T) {
	serve := func(c *engine.Config) {
		c.Embedded = false
		c.KurrentDBURL = "kurrentdb://localhost:2113?tls=false"
		c.StaffFile = "staff.json"
	}
	for _, tc := range []struct {
		name   string
		change func(*engine.Config)
		want   string // "" means valid
	}{
		{"OK_Dev", func(*engine.Config) {}, ""},
		{"OK_Serve", serve, ""},
		{"OK_ProjectionsWithoutTemporal", func(c *engine.Config) { serve(c); c.Roles = []string{"projections"}; c.TemporalAddress = "" }, ""},
		{"ErrUnknownRole", func(c *engine.Config) { c.Roles = []string{"api", "mailer"} }, `unknown role "mailer"`},
		{"ErrNoRoles", func(c *engine.Config) { c.Roles = nil }, "no roles"},
		{"ErrBadUnit", func(c *engine.Config) { c.Unit = "08/1" }, "Register unit"},
		{"ErrBadLocation", func(c *engine.Config) { c.Location = "Europe/Nowhere" }, "Europe/Nowhere"},
		{"ErrBadPetitionClock", func(c *engine.Config) { c.PetitionClock = "60 days" }, "petition clock"},
		{"ErrServeWithoutKurrentDB", func(c *engine.Config) { serve(c); c.KurrentDBURL = "" }, "--kurrentdb-url"},
		{"ErrServeWithoutTemporal", func(c *engine.Config) { serve(c); c.TemporalAddress = "" }, "--temporal-address"},
		{"ErrAPIWithoutStaffFile", func(c *engine.Config) { serve(c); c.StaffFile = "" }, "--staff-file"},
		{"ErrCertWithoutKey", func(c *engine.Config) { c.TemporalTLSCert = "c.pem" }, "go together"},
		{"ErrShortRetention", func(c *engine.Config) { c.Retention = 1000 }, "retention"},
		{"OK_PoliciesFile", func(c *engine.Config) { c.PoliciesFile = "../deploy/policies/minutes.json" }, ""},
		{"ErrPoliciesFileMissing", func(c *engine.Config) { c.PoliciesFile = "no-such-policies.json" }, "policy file"},
		{"ErrPoliciesFileInvalid", func(c *engine.Config) {
			c.PoliciesFile = writeTemp(t, `{"kinds": {"media_query": {"clock": "4 hours"}}}`)
		}, "media_query.clock"},
		{"ErrSmallHistoryLimit", func(c *engine.Config) { c.HistoryLimit = 10 }, "history limit"},
		{"ErrBaseURL", func(c *engine.Config) { c.BaseURL = "predmet.opstina.mk" }, "--base-url"},
		{"OK_AuthFileSessionsOnly", func(c *engine.Config) { c.AuthFile = writeTemp(t, `{"sessions": {"idle": "20m"}}`) }, ""},
		{"OK_ServeWithProvider", func(c *engine.Config) {
			serve(c)
			c.AuthFile, c.BaseURL, c.OIDCClientSecret = "../deploy/auth/example.json", "https://predmet.opstina-primer.example", "s3cret"
		}, ""},
		{"OK_DevWithProvider", func(c *engine.Config) {
			c.AuthFile, c.OIDCClientSecret = writeTemp(t, providerOnLoopback), "s3cret"
		}, ""},
		{"OK_DevWithProviderNoUI", func(c *engine.Config) { c.AuthFile, c.UIPort = writeTemp(t, providerOnLoopback), -1 }, ""},
		{"ErrAuthFileMissing", func(c *engine.Config) { c.AuthFile = "no-such-auth.json" }, "--auth-file"},
		{"ErrAuthFileUnknownField", func(c *engine.Config) { c.AuthFile = writeTemp(t, `{"sesions": {}}`) }, `unknown field "sesions"`},
		{"ErrAuthFileInvalid", func(c *engine.Config) {
			c.AuthFile = writeTemp(t, `{"oidc": {"issuer": "http://sso.example", "clientId": "predmet"}}`)
		}, "oidc.issuer"},
		{"ErrSecretWithoutProvider", func(c *engine.Config) { c.OIDCClientSecret = "s3cret" }, "no --auth-file names an identity provider"},
		{"ErrServeProviderWithoutBaseURL", func(c *engine.Config) {
			serve(c)
			c.AuthFile = writeTemp(t, providerOnLoopback)
		}, "--base-url"},
		{"ErrDevProviderWithoutSecret", func(c *engine.Config) { c.AuthFile = writeTemp(t, providerOnLoopback) }, "PREDMET_OIDC_CLIENT_SECRET"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := engine.DefaultConfig()
			tc.change(&c)
			err := c.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Validate() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// providerOnLoopback is a sign-in configuration with an identity provider on the loopback address.
const providerOnLoopback = `{"oidc": {"issuer": "http://127.0.0.1:9/realms/opstina", "clientId": "predmet"}}`

func TestConfigDevSignIn(t *testing.T) {
	for _, tc := range []struct {
		name            string
		embedded, asked bool
		authFile        string
		want            bool
	}{
		{"DevWithoutProvider", true, false, "", true},
		{"DevWithProvider", true, false, providerOnLoopback, false},
		{"DevWithProviderAsked", true, true, providerOnLoopback, true},
		{"Serve", false, false, "", false},
		{"ServeAsked", false, true, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := engine.DefaultConfig()
			c.Embedded, c.DevSignIn = tc.embedded, tc.asked
			if tc.authFile != "" {
				c.AuthFile = writeTemp(t, tc.authFile)
			}
			if got, err := engine.DevSignInOf(c); err != nil || got != tc.want {
				t.Errorf("development sign-in = %v (%v), want %v", got, err, tc.want)
			}
		})
	}
}

func TestConfigSignInFromEnvironment(t *testing.T) {
	t.Setenv("PREDMET_OIDC_CLIENT_SECRET", "s3cret")
	t.Setenv("PREDMET_AUTH_FILE", "../deploy/auth/example.json")
	t.Setenv("PREDMET_DEV_SIGNIN", "true")
	c := engine.DefaultConfig()
	c.Embedded = false
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	c.RegisterFlags(fs)
	if err := engine.LoadEnv(fs); err != nil {
		t.Fatal(err)
	}
	signIn, err := c.SignIn()
	if err != nil {
		t.Fatal(err)
	}
	if !c.DevSignIn || signIn.OIDC == nil || signIn.OIDC.ClientID != "predmet" || signIn.OIDC.ClientSecret != "s3cret" {
		t.Errorf("sign-in from the environment: dev %v, %+v", c.DevSignIn, signIn.OIDC)
	}
}

func TestConfigFromEnvironmentAndFlags(t *testing.T) {
	t.Setenv("PREDMET_KURRENTDB_URL", "kurrentdb://kdb:2113")
	t.Setenv("PREDMET_ROLES", "worker")
	t.Setenv("PREDMET_UNIT", "09")
	c := engine.DefaultConfig()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	c.RegisterFlags(fs)
	if err := engine.LoadEnv(fs); err != nil {
		t.Fatal(err)
	}
	if err := fs.Parse([]string{"--unit", "10"}); err != nil {
		t.Fatal(err)
	}
	if c.KurrentDBURL != "kurrentdb://kdb:2113" || len(c.Roles) != 1 || c.Roles[0] != "worker" {
		t.Errorf("environment not applied: %+v", c)
	}
	if c.Unit != "10" {
		t.Errorf("unit = %q: a flag must win over the environment", c.Unit)
	}
}

func TestConfigErrMalformedEnvironment(t *testing.T) {
	for name, tc := range map[string]struct {
		value    string
		embedded bool // whether the flag is one of predmet dev's or of predmet serve's
	}{
		"PREDMET_TEMPORAL_PORT": {"seventy", true},
		"PREDMET_RETENTION":     {"30 days", true},
		"PREDMET_TEMPORAL_TLS":  {"yes please", false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(name, tc.value)
			c := engine.DefaultConfig()
			c.Embedded = tc.embedded
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			c.RegisterFlags(fs)
			if err := engine.LoadEnv(fs); err == nil || !strings.Contains(err.Error(), name) {
				t.Fatalf("LoadEnv = %v, want an error naming %s", err, name)
			}
		})
	}
}

// TestConfigFlagsOfEachMode checks that predmet dev and predmet serve each take only the flags that
// apply to them.
func TestConfigFlagsOfEachMode(t *testing.T) {
	devOnly := []string{"temporal-port", "ui-port", "retention"}
	serveOnly := []string{"temporal-address", "temporal-tls", "temporal-tls-cert", "temporal-tls-key", "temporal-tls-ca",
		"temporal-tls-server-name", "temporal-api-key"}
	both := []string{"roles", "data-dir", "api-addr", "temporal-namespace", "kurrentdb-url", "staff-file", "policies", "smtp-host",
		"base-url", "auth-file", "oidc-client-secret", "dev-signin"}
	for _, embedded := range []bool{true, false} {
		c := engine.DefaultConfig()
		c.Embedded = embedded
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		c.RegisterFlags(fs)
		has := func(names []string, want bool) {
			for _, n := range names {
				if (fs.Lookup(n) != nil) != want {
					t.Errorf("embedded=%v: flag --%s registered: %v, want %v", embedded, n, !want, want)
				}
			}
		}
		has(both, true)
		has(devOnly, embedded)
		has(serveOnly, !embedded)
	}
}

func TestStartErrPortTaken(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c := engine.DefaultConfig()
	c.DataDir = t.TempDir()
	c.APIAddr = l.Addr().String()
	_, err = engine.Start(context.Background(), c, zap.NewNop())
	if err == nil || !strings.Contains(err.Error(), l.Addr().String()) {
		t.Fatalf("Start on a taken port = %v, want an error naming %s", err, l.Addr())
	}
}

// writeTemp writes content to a file in a temporary directory and returns its path.
func writeTemp(t *testing.T, content string) string {
	t.Helper()
	path := t.TempDir() + "/file.json"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
