// Package engine wires predmet's parts into running roles: the API, the worker and the projections,
// against an embedded or an external Temporal and event store. cmd/predmet and the end-to-end tests
// both start predmet through it.
package engine

import (
	"errors"
	"flag"
	"fmt"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/predmet/predmet/auth"
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
	// PoliciesFile overrides the default policy of each kind (see domain.LoadPolicies and deploy/policies).
	PoliciesFile string
	// PetitionClock overrides the petition clock (e.g. "60d", "15wd", "48h", "30m"), after PoliciesFile.
	PetitionClock string
	// HistoryLimit is the history length after which a case continues as new (0: the default).
	HistoryLimit int
	// LogLevel is debug, info, warn or error.
	LogLevel string

	// BriefingAt and DigestAt are when, in Location, the daily briefing and the weekly digest go out
	// ("07:30"); the calendar skips non-working days.
	BriefingAt string
	DigestAt   string
	// VeryOverdueDays is how many calendar days past its due date an open case counts as very overdue.
	VeryOverdueDays int

	// DirectoryFile is the organisation directory: units, heads, deputies, ladders, officers, cabinet.
	DirectoryFile string
	// TemplatesDir holds the municipality's own message templates, replacing the built-in ones by name.
	TemplatesDir string
	// BaseURL is where staff reach predmet: the links in messages, the sign-in's redirect URL and
	// cookies. `predmet dev` defaults it to the API's address.
	BaseURL string

	// AuthFile is the staff sign-in's configuration (see auth.LoadConfig and deploy/auth): the identity
	// provider, groups to roles, session lengths. Empty: no identity provider.
	AuthFile string
	// OIDCClientSecret is predmet's client secret at the identity provider, never in AuthFile.
	OIDCClientSecret string
	// DevSignIn offers the development sign-in (anyone as anyone, no password). `predmet dev` offers it
	// anyway when AuthFile names no identity provider; `predmet serve` only when this is set.
	DevSignIn bool
	// SMTP sends e-mail for real when SMTP.Host is set; otherwise messages go to the outbox.
	SMTP SMTPConfig
	// MailFrom is the sender of every message; MailReplyTo where replies go.
	MailFrom    string
	MailReplyTo string

	// Vault selects HashiCorp Vault's transit engine as the key store when Vault.Addr is set; otherwise
	// the keys are kept in <data-dir>/keys.db.
	Vault VaultConfig
	// RetentionAt is when, in Location, the nightly retention run starts ("02:30"); RetentionEvery, if
	// set, runs it that often instead (demonstrations and tests).
	RetentionAt    string
	RetentionEvery time.Duration
	// OutboxHorizon is how long the outbox keeps a message's addresses and bodies.
	OutboxHorizon time.Duration
}

// VaultConfig is the Vault transit engine that keeps the keys of personal data.
type VaultConfig struct {
	Addr      string
	Token     string
	Namespace string
	Mount     string
	Prefix    string
	HMACKey   string
}

// SMTPConfig is the mail server messages are handed to.
type SMTPConfig struct {
	Host     string
	Port     int
	Security string // none, starttls or tls
	Username string
	Password string
	CAFile   string
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
		BriefingAt:        "07:30",
		DigestAt:          "08:00",
		VeryOverdueDays:   10,
		SMTP:              SMTPConfig{Port: 587, Security: "starttls"},
		MailFrom:          "predmet@localhost",
		RetentionAt:       "02:30",
		OutboxHorizon:     90 * 24 * time.Hour,
		Vault:             VaultConfig{Mount: "transit", Prefix: "predmet-case-", HMACKey: "predmet-person"},
	}
}

// RegisterFlags binds the config to flags, with the config's current values as defaults: the flags of
// `predmet dev` when c.Embedded is set (the embedded Temporal's ports and retention), else those of
// `predmet serve` (the external Temporal's address, TLS and API key). Call LoadEnv before parsing the
// command line so that the environment fills in what the command line leaves out.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.Func("roles", "comma-separated roles to run: api, worker, projections (default "+strings.Join(c.Roles, ",")+")", func(s string) error {
		c.Roles = splitList(s)
		return nil
	})
	dataDir := "directory for the embedded databases, the projections and the dev staff file"
	if !c.Embedded {
		dataDir = "directory for the projections' read models"
	}
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, dataDir)
	fs.StringVar(&c.APIAddr, "api-addr", c.APIAddr, "HTTP API listen address")
	if c.Embedded {
		fs.IntVar(&c.TemporalPort, "temporal-port", c.TemporalPort, "embedded Temporal's gRPC port (0: any free port)")
		fs.IntVar(&c.UIPort, "ui-port", c.UIPort, "embedded Temporal Web UI's port (0: any free port, -1: no UI)")
		fs.DurationVar(&c.Retention, "retention", c.Retention, "embedded namespace's retention of closed workflows (at least 24h)")
	} else {
		fs.StringVar(&c.TemporalAddress, "temporal-address", c.TemporalAddress, "Temporal frontend host:port")
		fs.BoolVar(&c.TemporalTLS, "temporal-tls", c.TemporalTLS, "use TLS to reach Temporal")
		fs.StringVar(&c.TemporalTLSCert, "temporal-tls-cert", c.TemporalTLSCert, "client certificate (PEM) for mTLS to Temporal")
		fs.StringVar(&c.TemporalTLSKey, "temporal-tls-key", c.TemporalTLSKey, "client key (PEM) for mTLS to Temporal")
		fs.StringVar(&c.TemporalTLSCA, "temporal-tls-ca", c.TemporalTLSCA, "CA certificate (PEM) that signed Temporal's server certificate")
		fs.StringVar(&c.TemporalTLSServer, "temporal-tls-server-name", c.TemporalTLSServer, "server name to verify in Temporal's certificate")
		fs.StringVar(&c.TemporalAPIKey, "temporal-api-key", c.TemporalAPIKey, "API key for Temporal (e.g. Temporal Cloud); implies TLS")
	}
	fs.StringVar(&c.TemporalNamespace, "temporal-namespace", c.TemporalNamespace, "Temporal namespace")
	kurrentDB := "KurrentDB connection string (e.g. kurrentdb+discover://host:2113?tls=true)"
	if c.Embedded {
		kurrentDB = "KurrentDB connection string; empty: the embedded event store in --data-dir"
	}
	fs.StringVar(&c.KurrentDBURL, "kurrentdb-url", c.KurrentDBURL, kurrentDB)
	fs.StringVar(&c.Unit, "unit", c.Unit, "register unit (archive sign) that numbers cases")
	staffFile := "staff file (JSON: users, roles, token hashes; see predmet staff add)"
	if c.Embedded {
		staffFile = "staff file (JSON: users, roles, token hashes; see predmet staff add); default <data-dir>/staff.json, created with a dev user"
	}
	fs.StringVar(&c.StaffFile, "staff-file", c.StaffFile, staffFile)
	fs.StringVar(&c.CalendarFile, "calendar-file", c.CalendarFile, "one-off non-working days (YYYY-MM-DD Name per line)")
	fs.StringVar(&c.Location, "location", c.Location, "the municipality's time zone")
	fs.StringVar(&c.PoliciesFile, "policies", c.PoliciesFile, "policy file overriding each kind's steps, clocks, reminders and escalation (JSON; see deploy/policies)")
	fs.IntVar(&c.HistoryLimit, "history-limit", c.HistoryLimit, "history length after which a case's workflow continues as new (0: 10000)")
	fs.StringVar(&c.PetitionClock, "petition-clock", c.PetitionClock, "override the petition clock (60d, 15wd, 48h, 30m)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error")
	fs.StringVar(&c.BriefingAt, "briefing-at", c.BriefingAt, "time of the mayor's daily briefing on working days (HH:MM, in --location)")
	fs.StringVar(&c.DigestAt, "digest-at", c.DigestAt, "time of the weekly digest on the first working day of the week (HH:MM)")
	fs.IntVar(&c.VeryOverdueDays, "very-overdue-days", c.VeryOverdueDays, "calendar days past the due date after which an open case is very overdue")
	fs.StringVar(&c.DirectoryFile, "directory-file", c.DirectoryFile, "organisation directory JSON (units, heads, deputies, ladders, officers; see deploy/directory)")
	fs.StringVar(&c.TemplatesDir, "templates", c.TemplatesDir, "directory of message templates replacing the built-in ones by file name (see notify/templates)")
	baseURL := "where staff reach predmet: links in messages, the sign-in's redirect and cookies (e.g. https://predmet.opstina.mk)"
	if c.Embedded {
		baseURL += "; default http://<api-addr>"
	}
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, baseURL)
	fs.StringVar(&c.AuthFile, "auth-file", c.AuthFile, "staff sign-in: identity provider, groups to roles, session lengths (JSON; see deploy/auth and docs/auth.md)")
	fs.StringVar(&c.OIDCClientSecret, "oidc-client-secret", c.OIDCClientSecret, "predmet's client secret at the identity provider (prefer PREDMET_OIDC_CLIENT_SECRET)")
	devSignIn := "offer the development sign-in: anyone signs in as anyone, with no password; never with real cases"
	if c.Embedded {
		devSignIn += " (on anyway when --auth-file names no identity provider)"
	}
	fs.BoolVar(&c.DevSignIn, "dev-signin", c.DevSignIn, devSignIn)
	fs.StringVar(&c.SMTP.Host, "smtp-host", c.SMTP.Host, "mail server; empty: messages go to the outbox (GET /api/v1/outbox)")
	fs.IntVar(&c.SMTP.Port, "smtp-port", c.SMTP.Port, "mail server port")
	fs.StringVar(&c.SMTP.Security, "smtp-security", c.SMTP.Security, "none, starttls or tls (implicit TLS, usually port 465)")
	fs.StringVar(&c.SMTP.Username, "smtp-username", c.SMTP.Username, "mail server user (AUTH PLAIN, only over TLS)")
	fs.StringVar(&c.SMTP.Password, "smtp-password", c.SMTP.Password, "mail server password (prefer PREDMET_SMTP_PASSWORD)")
	fs.StringVar(&c.SMTP.CAFile, "smtp-ca-file", c.SMTP.CAFile, "CA certificate (PEM) of the mail server, if not a public one")
	fs.StringVar(&c.MailFrom, "mail-from", c.MailFrom, "sender address of every message (\"Name <addr>\" or addr)")
	fs.StringVar(&c.MailReplyTo, "mail-reply-to", c.MailReplyTo, "Reply-To address of every message")
	fs.StringVar(&c.Vault.Addr, "vault-addr", c.Vault.Addr, "HashiCorp Vault keeping the keys of personal data in its transit engine; empty: <data-dir>/keys.db")
	fs.StringVar(&c.Vault.Token, "vault-token", c.Vault.Token, "Vault token (prefer PREDMET_VAULT_TOKEN)")
	fs.StringVar(&c.Vault.Namespace, "vault-namespace", c.Vault.Namespace, "Vault Enterprise namespace")
	fs.StringVar(&c.Vault.Mount, "vault-mount", c.Vault.Mount, "path of Vault's transit engine")
	fs.StringVar(&c.Vault.Prefix, "vault-prefix", c.Vault.Prefix, "prefix of the name of each case's transit key")
	fs.StringVar(&c.Vault.HMACKey, "vault-hmac-key", c.Vault.HMACKey, "transit key that makes people's pseudonyms (must exist)")
	fs.StringVar(&c.RetentionAt, "retention-at", c.RetentionAt, "time of the nightly retention run, which erases what has passed its retention (HH:MM)")
	fs.DurationVar(&c.RetentionEvery, "retention-every", c.RetentionEvery, "run the retention run this often instead (demonstrations and tests)")
	fs.DurationVar(&c.OutboxHorizon, "outbox-horizon", c.OutboxHorizon, "how long the outbox keeps a message's addresses and bodies")
}

// LoadEnv sets every flag of fs whose environment variable (PREDMET_ and the flag's name in capitals,
// '-' as '_') is set, through the flag's own parser, so that a malformed value is a clear error.
func LoadEnv(fs *flag.FlagSet) error {
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		key := "PREDMET_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(key); ok {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("environment variable %s=%q: %w", key, v, err))
			}
		}
	})
	return errors.Join(errs...)
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
	if c.has(RoleAPI) { // the API starts cases with their kind's policy; the other roles never read it
		if _, err := c.Policies(); err != nil {
			return err
		}
	}
	if c.HistoryLimit < 0 || c.HistoryLimit > 0 && c.HistoryLimit < 100 {
		return fmt.Errorf("history limit %d: use 0 (the default) or at least 100", c.HistoryLimit)
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
	for _, at := range []struct{ name, value string }{{"--briefing-at", c.BriefingAt}, {"--digest-at", c.DigestAt}, {"--retention-at", c.RetentionAt}} {
		if _, _, err := domain.ParseBriefingTime(at.value); err != nil {
			return fmt.Errorf("%s: %s", at.name, domain.ErrorMessage(err))
		}
	}
	if c.VeryOverdueDays < 1 {
		return fmt.Errorf("--very-overdue-days %d: use at least 1", c.VeryOverdueDays)
	}
	if _, err := mail.ParseAddress(c.MailFrom); err != nil {
		return fmt.Errorf("--mail-from %q is not an e-mail address", c.MailFrom)
	}
	if c.MailReplyTo != "" {
		if _, err := mail.ParseAddress(c.MailReplyTo); err != nil {
			return fmt.Errorf("--mail-reply-to %q is not an e-mail address", c.MailReplyTo)
		}
	}
	if c.BaseURL != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return fmt.Errorf("--base-url %q is not an absolute http(s) URL such as https://predmet.opstina.mk", c.BaseURL)
		}
	}
	if c.has(RoleAPI) || c.Embedded { // the embedded Web UI signs in with the same provider
		if err := c.validateSignIn(); err != nil {
			return err
		}
	}
	if c.RetentionEvery < 0 || c.RetentionEvery > 0 && c.RetentionEvery < time.Second {
		return fmt.Errorf("--retention-every %s: use 0 (nightly) or at least 1s", c.RetentionEvery)
	}
	if c.OutboxHorizon < time.Second {
		return fmt.Errorf("--outbox-horizon %s: use at least 1s", c.OutboxHorizon)
	}
	if c.Vault.Addr != "" && c.Vault.Token == "" {
		return fmt.Errorf("--vault-addr needs --vault-token (PREDMET_VAULT_TOKEN)")
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

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Policies returns the policy of every kind: the defaults, the policy file's overrides, then the petition
// clock's. Errors name the file and the field at fault.
func (c *Config) Policies() (domain.Policies, error) {
	policies := domain.DefaultPolicies()
	if c.PoliciesFile != "" {
		f, err := os.Open(c.PoliciesFile)
		if err != nil {
			return nil, fmt.Errorf("policy file: %w", err)
		}
		defer f.Close()
		if policies, err = domain.LoadPolicies(f); err != nil {
			return nil, fmt.Errorf("policy file %s: %s", c.PoliciesFile, domain.ErrorMessage(err))
		}
	}
	if c.PetitionClock != "" {
		clock, err := domain.ParseClock(c.PetitionClock)
		if err != nil {
			return nil, fmt.Errorf("petition clock: %w", err)
		}
		p := policies[domain.KindPetition]
		p.Clock = clock
		if p.MaxExtension != (domain.Clock{}) && p.MaxExtension.Unit != clock.Unit {
			p.MaxExtension = domain.Clock{}
		}
		policies[domain.KindPetition] = p
	}
	return policies, nil
}

// SignIn returns the staff sign-in's configuration: AuthFile's, with OIDCClientSecret as the client
// secret, or the zero one (no identity provider, the default session lengths) without a file.
func (c *Config) SignIn() (*auth.Config, error) {
	if c.AuthFile == "" {
		return &auth.Config{}, nil
	}
	cfg, err := auth.LoadConfig(c.AuthFile)
	if err != nil {
		return nil, fmt.Errorf("--auth-file: %w", err)
	}
	if cfg.OIDC != nil {
		cfg.OIDC.ClientSecret = c.OIDCClientSecret
	}
	return cfg, nil
}

// devSignIn reports whether the development sign-in is offered: when asked for, or in `predmet dev`
// without an identity provider.
func (c *Config) devSignIn(signIn *auth.Config) bool {
	return c.DevSignIn || c.Embedded && signIn.OIDC == nil
}

// validateSignIn checks the sign-in's configuration against the rest: a client secret needs a
// provider to go to; a provider needs to know where to send staff back (--base-url, or its redirect
// URL) and, for the embedded Temporal Web UI, which signs in with the same client, the secret.
func (c *Config) validateSignIn() error {
	signIn, err := c.SignIn()
	if err != nil {
		return err
	}
	o := signIn.OIDC
	switch {
	case o == nil && c.OIDCClientSecret != "":
		return errors.New("--oidc-client-secret (PREDMET_OIDC_CLIENT_SECRET) is set, but no --auth-file names an identity provider (\"oidc\")")
	case o == nil:
		return nil
	case !c.Embedded && c.BaseURL == "" && o.RedirectURL == "":
		return errors.New("staff sign-in with an identity provider needs --base-url (PREDMET_BASE_URL), where the provider sends staff back")
	case c.Embedded && c.UIPort >= 0 && c.OIDCClientSecret == "":
		return errors.New("the embedded Temporal Web UI signs in with the same client as predmet and needs its secret: set PREDMET_OIDC_CLIENT_SECRET (or run no UI: --ui-port -1)")
	}
	return nil
}
