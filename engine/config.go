// Package engine wires predmet's parts into running roles: the API, the worker and the projections,
// against an embedded or an external Temporal and event store. cmd/predmet and the end-to-end tests
// both start predmet through it.
package engine

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/predmet/predmet/domain"
)

// Roles a process can run.
const (
	RoleAPI         = "api"
	RoleWorker      = "worker"
	RoleProjections = "projections"
)

// Config is everything a predmet process needs to know. Every field has a flag and an environment
// variable (PREDMET_ followed by the flag's name in capitals, '-' as '_').
type Config struct {
	// Embedded runs Temporal (with its Web UI) in-process on SQLite, and uses the embedded event store
	// unless KurrentDBURL is set: the `predmet dev` default.
	Embedded bool
	// Roles lists the roles to run: api, worker, projections.
	Roles []string
	// DataDir holds the embedded databases, the projections and the dev staff file.
	DataDir string

	// APIAddr is the HTTP API's listen address.
	APIAddr string

	// Embedded Temporal.
	TemporalPort int // gRPC frontend port (0: a free one)
	UIPort       int // Web UI port (0: a free one; -1: no UI)

	// External Temporal.
	TemporalAddress   string
	TemporalNamespace string
	TemporalTLS       bool
	TemporalTLSCert   string
	TemporalTLSKey    string
	TemporalTLSCA     string
	TemporalTLSServer string
	TemporalAPIKey    string
	Retention         time.Duration

	// KurrentDBURL selects an external KurrentDB instead of the embedded event store.
	KurrentDBURL string

	// Unit is the register unit (archive sign) that numbers cases, e.g. "08".
	Unit string
	// StaffFile is the staff directory (token hashes and roles).
	StaffFile string
	// CalendarFile lists one-off non-working days (e.g. Ramazan Bajram, election days).
	CalendarFile string
	// Location is the municipality's time zone.
	Location string
	// PetitionClock overrides the petition clock (e.g. "60d", "15wd", "48h", "30m").
	PetitionClock string
	// LogLevel is debug, info, warn or error.
	LogLevel string
}

// DefaultConfig returns the embedded default.
func DefaultConfig() Config {
	return Config{
		Embedded:          true,
		Roles:             []string{RoleAPI, RoleWorker, RoleProjections},
		DataDir:           "./data",
		APIAddr:           "127.0.0.1:8080",
		TemporalPort:      7233,
		UIPort:            8233,
		TemporalAddress:   "127.0.0.1:7233",
		TemporalNamespace: "predmet",
		Retention:         30 * 24 * time.Hour,
		Unit:              "08",
		Location:          "Europe/Skopje",
		LogLevel:          "info",
	}
}

// RegisterFlags binds the config to flags, with defaults taken from the environment.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	str := func(p *string, name, usage string) { fs.StringVar(p, name, env(name, *p), usage) }
	num := func(p *int, name, usage string) { fs.IntVar(p, name, envInt(name, *p), usage) }
	roles := strings.Join(c.Roles, ",")
	fs.Func("roles", "comma-separated roles to run: api, worker, projections (env PREDMET_ROLES, default "+env("roles", roles)+")", func(s string) error {
		c.Roles = splitList(s)
		return nil
	})
	c.Roles = splitList(env("roles", roles))
	str(&c.DataDir, "data-dir", "directory for embedded databases and projections")
	str(&c.APIAddr, "api-addr", "HTTP API listen address")
	num(&c.TemporalPort, "temporal-port", "embedded Temporal gRPC port (0: any free port)")
	num(&c.UIPort, "ui-port", "embedded Temporal Web UI port (0: any free port, -1: no UI)")
	str(&c.TemporalAddress, "temporal-address", "external Temporal frontend host:port")
	str(&c.TemporalNamespace, "temporal-namespace", "Temporal namespace")
	fs.BoolVar(&c.TemporalTLS, "temporal-tls", env("temporal-tls", strconv.FormatBool(c.TemporalTLS)) == "true", "use TLS to reach Temporal")
	str(&c.TemporalTLSCert, "temporal-tls-cert", "client certificate (PEM) for mTLS to Temporal")
	str(&c.TemporalTLSKey, "temporal-tls-key", "client key (PEM) for mTLS to Temporal")
	str(&c.TemporalTLSCA, "temporal-tls-ca", "CA certificate (PEM) that signed Temporal's server certificate")
	str(&c.TemporalTLSServer, "temporal-tls-server-name", "server name to verify in Temporal's certificate")
	str(&c.TemporalAPIKey, "temporal-api-key", "API key for Temporal (e.g. Temporal Cloud); implies TLS")
	fs.DurationVar(&c.Retention, "retention", envDuration("retention", c.Retention), "embedded namespace retention of closed workflows")
	str(&c.KurrentDBURL, "kurrentdb-url", "KurrentDB connection string (e.g. kurrentdb://host:2113?tls=true); empty: embedded store")
	str(&c.Unit, "unit", "register unit (archive sign) that numbers cases")
	str(&c.StaffFile, "staff-file", "staff directory JSON (token hashes and roles); dev default: <data-dir>/staff.json")
	str(&c.CalendarFile, "calendar-file", "one-off non-working days (YYYY-MM-DD Name per line)")
	str(&c.Location, "location", "the municipality's time zone")
	str(&c.PetitionClock, "petition-clock", "override the petition clock (60d, 15wd, 48h, 30m)")
	str(&c.LogLevel, "log-level", "debug, info, warn or error")
}

// Validate checks the config and returns a clear error for the first problem found.
func (c *Config) Validate() error {
	if len(c.Roles) == 0 {
		return fmt.Errorf("no roles: use --roles api,worker,projections (any of them)")
	}
	for _, r := range c.Roles {
		switch r {
		case RoleAPI, RoleWorker, RoleProjections:
		default:
			return fmt.Errorf("unknown role %q: use api, worker or projections", r)
		}
	}
	if err := domain.ValidateUnit(c.Unit); err != nil {
		return err
	}
	if _, err := time.LoadLocation(c.Location); err != nil {
		return fmt.Errorf("location %q: %w", c.Location, err)
	}
	if c.PetitionClock != "" {
		if _, err := domain.ParseClock(c.PetitionClock); err != nil {
			return fmt.Errorf("petition clock: %w", err)
		}
	}
	if !c.Embedded && c.TemporalAddress == "" && (c.has(RoleAPI) || c.has(RoleWorker)) {
		return fmt.Errorf("no Temporal: set --temporal-address (PREDMET_TEMPORAL_ADDRESS) or run `predmet dev`")
	}
	if !c.Embedded && c.KurrentDBURL == "" {
		return fmt.Errorf("no event store: set --kurrentdb-url (PREDMET_KURRENTDB_URL) or run `predmet dev`")
	}
	if c.has(RoleAPI) && !c.Embedded && c.StaffFile == "" {
		return fmt.Errorf("the api role needs --staff-file (PREDMET_STAFF_FILE)")
	}
	if (c.TemporalTLSCert == "") != (c.TemporalTLSKey == "") {
		return fmt.Errorf("--temporal-tls-cert and --temporal-tls-key go together")
	}
	if c.Retention < 24*time.Hour {
		return fmt.Errorf("retention %s is below one day, the least Temporal accepts", c.Retention)
	}
	return nil
}

func (c *Config) has(role string) bool {
	for _, r := range c.Roles {
		if r == role {
			return true
		}
	}
	return false
}

func (c *Config) path(name string) string { return filepath.Join(c.DataDir, name) }

func envKey(name string) string {
	return "PREDMET_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(envKey(name)); ok {
		return v
	}
	return def
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(env(name, "")); err == nil {
		return n
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(env(name, "")); err == nil {
		return d
	}
	return def
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
