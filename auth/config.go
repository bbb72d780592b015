package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/predmet/predmet/domain"
)

// Defaults of Config.
const (
	// DefaultUserClaim is the ID token claim that names the person signing in.
	DefaultUserClaim = "email"
	// DefaultGroupsClaim is the claim that lists the person's groups.
	DefaultGroupsClaim = "groups"
	// DefaultIdle is how long a session lasts without a request.
	DefaultIdle = time.Hour
	// DefaultMaxAge is how long a session lasts at most, however busy: a working day.
	DefaultMaxAge = 12 * time.Hour
)

// DefaultScopes are the scopes asked of the identity provider when Config names none.
var DefaultScopes = []string{"openid", "profile", "email"}

// MatchBy is how the user claim finds a person of the organisation directory.
type MatchBy string

// Ways to match.
const (
	// MatchEmail compares the claim with the people's addresses, ignoring case (the default).
	MatchEmail MatchBy = "email"
	// MatchID compares the claim with the people's IDs (which are also the staff file's user IDs).
	MatchID MatchBy = "id"
)

// Position is a post a person holds in the organisation directory; each grants roles (see
// DefaultPositionRoles).
type Position string

// Positions in the organisation directory.
const (
	PositionSecretary      Position = "secretary"      // the secretary of the municipality
	PositionCabinet        Position = "cabinet"        // a member of the mayor's cabinet
	PositionDepartmentHead Position = "departmentHead" // the head of the department that runs predmet
	PositionOfficer        Position = "officer"        // an officer of the department
	PositionUnitHead       Position = "unitHead"       // the head of a unit asked for input
	PositionUnitDeputy     Position = "unitDeputy"     // the deputy head of a unit asked for input
)

// Positions lists every position, in the order the directory is read.
var Positions = []Position{PositionSecretary, PositionCabinet, PositionDepartmentHead, PositionOfficer, PositionUnitHead, PositionUnitDeputy}

// DefaultPositionRoles are the roles each position grants unless Config.Positions says otherwise: the
// department's officers register and own cases; its head, the secretary and the mayor's cabinet
// supervise; the heads of units and their deputies answer requests for input as sector heads of their
// unit. No position grants admin: that comes from a group (Config.Groups) or the staff file.
var DefaultPositionRoles = map[Position][]domain.Role{
	PositionSecretary:      {domain.RoleSupervisor},
	PositionCabinet:        {domain.RoleSupervisor},
	PositionDepartmentHead: {domain.RoleSupervisor},
	PositionOfficer:        {domain.RoleIntake, domain.RoleOfficer},
	PositionUnitHead:       {domain.RoleSectorHead},
	PositionUnitDeputy:     {domain.RoleSectorHead},
}

// Config configures staff sign-in: the identity provider, how its claims map to predmet's people and
// roles, and how long sessions last. Read it with LoadConfig; the zero Config has no identity provider
// (staff then sign in only through the development sign-in, where it is enabled) and the defaults.
type Config struct {
	// Comment is a note for the people who keep the file; predmet ignores it.
	Comment string `json:"comment,omitempty"`
	// OIDC is the identity provider; nil without one.
	OIDC *OIDC `json:"oidc,omitempty"`
	// Groups maps a group of the groups claim to the predmet roles its members hold, beside those their
	// positions grant, such as {"predmet-admins": ["admin"]}.
	Groups map[string][]domain.Role `json:"groups,omitempty"`
	// Positions replaces the roles of the positions it names (DefaultPositionRoles): an empty list
	// grants none, so that roles come from groups alone.
	Positions map[Position][]domain.Role `json:"positions,omitempty"`
	// Sessions says how long sessions last.
	Sessions Sessions `json:"sessions"`
}

// OIDC is an OpenID Connect provider and predmet's registration with it as a client: the authorization
// code flow with PKCE (S256).
type OIDC struct {
	// Issuer is the provider's issuer URL, where /.well-known/openid-configuration is found, such as
	// https://sso.opstina-primer.example/realms/opstina. It must be https, except on the loopback address.
	Issuer string `json:"issuer"`
	// ClientID is predmet's client ID at the provider: the audience its ID tokens must name.
	ClientID string `json:"clientId"`
	// ClientSecret is predmet's secret at the provider, "" for a public client (PKCE alone). It is never
	// read from the file: give it in the environment (PREDMET_OIDC_CLIENT_SECRET).
	ClientSecret string `json:"-"`
	// RedirectURL is where the provider sends staff back; default the base URL and /signin/callback.
	RedirectURL string `json:"redirectUrl,omitempty"`
	// Scopes are asked of the provider; default DefaultScopes. "openid" is added when missing.
	Scopes []string `json:"scopes,omitempty"`
	// Label names the provider on the sign-in page, such as "Општина Пример"; default none.
	Label string `json:"label,omitempty"`
	// UserClaim is the claim that names the person, default DefaultUserClaim. A name with dots that is
	// not itself a claim is a path into nested claims ("realm_access.roles").
	UserClaim string `json:"userClaim,omitempty"`
	// MatchBy is how UserClaim finds the person in the directory, default MatchEmail.
	MatchBy MatchBy `json:"matchBy,omitempty"`
	// GroupsClaim is the claim listing the person's groups (or roles), default DefaultGroupsClaim.
	GroupsClaim string `json:"groupsClaim,omitempty"`
	// SectorClaim, if given, is a claim holding the unit ID a sector head answers for; without it (or
	// when the claim is absent) the directory decides: the unit the person heads, else deputises.
	SectorClaim string `json:"sectorClaim,omitempty"`
}

// Sessions says how long sessions last.
type Sessions struct {
	// Idle ends a session after this long without a request; default DefaultIdle.
	Idle Duration `json:"idle,omitempty"`
	// MaxAge ends a session this long after sign-in, however busy; default DefaultMaxAge.
	MaxAge Duration `json:"maxAge,omitempty"`
}

// Duration is a time.Duration written in JSON as a string such as "45m" or "12h".
type Duration time.Duration

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads a duration from a string such as "45m" or "12h".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("want a duration such as \"45m\" or \"12h\", not %s", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("want a duration such as \"45m\" or \"12h\", not %q", s)
	}
	*d = Duration(v)
	return nil
}

// LoadConfig reads the sign-in configuration from a JSON file of the form
//
//	{"oidc": {"issuer": "https://sso.opstina-primer.example/realms/opstina", "clientId": "predmet"},
//	 "groups": {"predmet-admins": ["admin"]},
//	 "sessions": {"idle": "1h", "maxAge": "12h"}}
//
// (see deploy/auth/example.json) and checks it (Config.Validate). Unknown fields are errors, so that a
// misspelt one is not silently ignored. The client secret is never in the file.
func LoadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load sign-in configuration: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF"))))
	dec.DisallowUnknownFields()
	c := new(Config)
	if err := dec.Decode(c); err != nil {
		return nil, fmt.Errorf("load sign-in configuration %s: %w", path, err)
	} else if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("load sign-in configuration %s: unexpected data after the JSON object", path)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("load sign-in configuration %s: %w", path, err)
	}
	return c, nil
}

// Validate checks the configuration and returns the first fault, naming the field: an issuer that is
// not an https URL (http only on the loopback address), a missing client ID, a redirect URL that is not
// absolute, a match other than "email" or "id", an unknown role or position, or session lengths that
// are negative or an idle time longer than the maximum age.
func (c *Config) Validate() error {
	if o := c.OIDC; o != nil {
		u, err := url.Parse(o.Issuer)
		if err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname()))) {
			return fmt.Errorf("oidc.issuer: %q is not an https URL such as https://sso.opstina-primer.example/realms/opstina", o.Issuer)
		}
		if strings.TrimSpace(o.ClientID) == "" {
			return errors.New("oidc.clientId: required: predmet's client ID at the identity provider")
		}
		if o.RedirectURL != "" {
			if u, err := url.Parse(o.RedirectURL); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
				return fmt.Errorf("oidc.redirectUrl: %q is not an absolute http(s) URL", o.RedirectURL)
			}
		}
		switch o.MatchBy {
		case "", MatchEmail, MatchID:
		default:
			return fmt.Errorf("oidc.matchBy: %q: want %q or %q", o.MatchBy, MatchEmail, MatchID)
		}
	}
	for g, roles := range c.Groups {
		if err := knownRoles(roles); err != nil {
			return fmt.Errorf("groups.%s: %w", g, err)
		}
	}
	for p, roles := range c.Positions {
		if !slices.Contains(Positions, p) {
			return fmt.Errorf("positions.%s: unknown position; positions are %s", p, joinPositions())
		}
		if err := knownRoles(roles); err != nil {
			return fmt.Errorf("positions.%s: %w", p, err)
		}
	}
	if c.Sessions.Idle < 0 || c.Sessions.MaxAge < 0 {
		return errors.New("sessions: the idle time and the maximum age must not be negative")
	}
	if idle, maxAge := c.idle(), c.maxAge(); idle > maxAge {
		return fmt.Errorf("sessions.idle: %v is longer than the maximum age %v", idle, maxAge)
	}
	return nil
}

// knownRoles checks that every role is one of domain.Roles.
func knownRoles(roles []domain.Role) error {
	for _, r := range roles {
		if !slices.Contains(domain.Roles, r) {
			names := make([]string, len(domain.Roles))
			for i, r := range domain.Roles {
				names[i] = string(r)
			}
			return fmt.Errorf("unknown role %q; roles are %s", r, strings.Join(names, ", "))
		}
	}
	return nil
}

func joinPositions() string {
	names := make([]string, len(Positions))
	for i, p := range Positions {
		names[i] = string(p)
	}
	return strings.Join(names, ", ")
}

// loopback reports whether host is the loopback address or localhost.
func loopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// positionRoles returns the roles position p grants.
func (c *Config) positionRoles(p Position) []domain.Role {
	if roles, ok := c.Positions[p]; ok {
		return roles
	}
	return DefaultPositionRoles[p]
}

func (c *Config) idle() time.Duration {
	if c.Sessions.Idle > 0 {
		return time.Duration(c.Sessions.Idle)
	}
	return DefaultIdle
}

func (c *Config) maxAge() time.Duration {
	if c.Sessions.MaxAge > 0 {
		return time.Duration(c.Sessions.MaxAge)
	}
	return DefaultMaxAge
}

// userClaim returns the claim naming the person.
func (o *OIDC) userClaim() string {
	if o.UserClaim != "" {
		return o.UserClaim
	}
	return DefaultUserClaim
}

// matchBy returns how the user claim finds the person.
func (o *OIDC) matchBy() MatchBy {
	if o.MatchBy != "" {
		return o.MatchBy
	}
	return MatchEmail
}

// groupsClaim returns the claim listing the groups.
func (o *OIDC) groupsClaim() string {
	if o.GroupsClaim != "" {
		return o.GroupsClaim
	}
	return DefaultGroupsClaim
}

// scopes returns the scopes to ask for, "openid" among them.
func (o *OIDC) scopes() []string {
	s := o.Scopes
	if len(s) == 0 {
		s = DefaultScopes
	}
	if !slices.Contains(s, "openid") {
		s = append([]string{"openid"}, s...)
	}
	return slices.Clone(s)
}
