package auth

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/predmet/predmet/domain"
)

// Directory holds the organisation directory in force (directory.Holder does).
type Directory interface {
	// Current returns the directory in force; it is not changed by the caller.
	Current() *domain.Organisation
}

// Messages of the refusals, translated by the i18n catalogue.
const (
	msgUnknownPerson = "%s is not in the municipality's organisation directory, so predmet does not know you. Ask the department to add you to the directory."
	msgNoRoles       = "%s has no role in predmet. Ask the department to give you one."
	msgNoSector      = "%s is to answer for a sector, but the organisation directory names no unit that you head or deputise, and the sign-in names none either."
	msgUnknownSector = "The sign-in names the sector %q, which is not in the organisation directory."
	msgNoDirectory   = "predmet has no organisation directory, so it cannot tell who you are."
	msgNoUserClaim   = "The sign-in service did not say who you are (the claim %q is missing)."
	msgUnverified    = "The sign-in service has not verified the address %s."
	msgTokenSector   = "The staff file makes %s the head of the sector %q, which the organisation directory does not say they head or deputise, so predmet refuses this token. Ask the department to correct the staff file or the directory."
)

// Grant is what a sign-in says of a person beyond the directory: who they are, as the identity provider
// or the development sign-in names them, and the roles and sector it grants them. A session keeps it,
// so that the directory in force is read again on every request.
type Grant struct {
	// PersonID is the person's ID in the organisation directory.
	PersonID string `json:"personId"`
	// Roles are granted beside those of the person's positions (by the provider's groups, or the
	// development sign-in).
	Roles []domain.Role `json:"roles,omitempty"`
	// Sector, if not "", is the unit a sector head answers for, as the provider's sector claim names it.
	Sector string `json:"sector,omitempty"`
}

// Resolver tells who someone is from the organisation directory: a person the identity provider or the
// development sign-in names, or a user of the staff file with an API token. The directory is the one
// source of a person's name, address, language and unit; roles come from the positions the person
// holds in it (Config.Positions) and from what the sign-in grants. It is safe for concurrent use.
type Resolver struct {
	// Directory is the organisation directory; nil refuses every sign-in (API tokens still work).
	Directory Directory
	// Config maps positions to roles; nil means the defaults (DefaultPositionRoles).
	Config *Config
}

// config returns the configuration, or the zero one.
func (r *Resolver) config() *Config {
	if r.Config == nil {
		return &Config{}
	}
	return r.Config
}

// org returns the directory in force, or nil.
func (r *Resolver) org() *domain.Organisation {
	if r.Directory == nil {
		return nil
	}
	return r.Directory.Current()
}

// Find returns the directory's person whom value names: by ID, or by e-mail address ignoring case. It
// returns an EFORBIDDEN error, for people to read, when there is no directory or no such person.
func (r *Resolver) Find(value string, by MatchBy) (domain.Person, error) {
	org := r.org()
	if org == nil {
		return domain.Person{}, domain.Errorf(domain.EFORBIDDEN, msgNoDirectory)
	}
	for _, p := range people(org) {
		if (by == MatchID && p.ID == value) || (by != MatchID && value != "" && strings.EqualFold(p.Email, value)) {
			return p, nil
		}
	}
	return domain.Person{}, domain.Errorf(domain.EFORBIDDEN, msgUnknownPerson, value)
}

// Identify returns the staff user a grant makes of a person of the directory in force: their name,
// address and language from the directory; the roles their positions grant and those of the grant;
// and, for a sector head, the sector the grant names or else the unit they head (or deputise). It
// returns an EFORBIDDEN error, for people to read, when the person is not in the directory, holds no
// role, or is a sector head and nothing more without a sector, so that no one gets half an identity.
// (A sector head who also holds another role, such as the dev user, may have no sector: officers and
// admins answer for every sector.)
func (r *Resolver) Identify(g Grant) (*domain.StaffUser, error) {
	org := r.org()
	if org == nil {
		return nil, domain.Errorf(domain.EFORBIDDEN, msgNoDirectory)
	}
	p, err := org.Person(g.PersonID)
	if err != nil {
		return nil, domain.Errorf(domain.EFORBIDDEN, msgUnknownPerson, g.PersonID)
	}
	positions, unit := positionsOf(org, p.ID)
	cfg := r.config()
	var roles []domain.Role
	for _, pos := range positions {
		roles = addRoles(roles, cfg.positionRoles(pos)...)
	}
	roles = addRoles(roles, g.Roles...)
	if len(roles) == 0 {
		return nil, domain.Errorf(domain.EFORBIDDEN, msgNoRoles, p.Name)
	}
	u := &domain.StaffUser{ID: p.ID, Name: p.Name, Email: p.Email, Language: p.Language, Roles: roles}
	if slices.Contains(roles, domain.RoleSectorHead) {
		switch {
		case g.Sector != "":
			if _, err := org.Unit(g.Sector); err != nil {
				return nil, domain.Errorf(domain.EFORBIDDEN, msgUnknownSector, g.Sector)
			}
			u.Sector = g.Sector
		case unit != "":
			u.Sector = unit
		case len(roles) == 1:
			// Without a unit, a sector head who is nothing more could do nothing at all.
			return nil, domain.Errorf(domain.EFORBIDDEN, msgNoSector, p.Name)
		}
	}
	return u, nil
}

// Staff returns the user of the staff file u as the directory in force has them: when the directory
// holds u.ID, their name, address and language are the directory's, and so is the sector of a sector
// head whom the staff file gives none; the roles are the staff file's (a token may do less than a
// sign-in). A user the directory does not hold (a machine) is returned as the staff file has them.
// CheckStaff reports where the two disagree.
func (r *Resolver) Staff(u domain.StaffUser) *domain.StaffUser {
	out := u
	out.Roles = slices.Clone(u.Roles)
	org := r.org()
	if org == nil {
		return &out
	}
	p, err := org.Person(u.ID)
	if err != nil {
		return &out
	}
	out.Name, out.Email, out.Language = p.Name, p.Email, p.Language
	if out.Sector == "" && out.HasRole(domain.RoleSectorHead) {
		_, out.Sector = positionsOf(org, p.ID)
	}
	return &out
}

// Token returns the user of an API token, the user u of the staff file, as the directory in force has
// them (Staff). It returns an EFORBIDDEN error, for people to read, when the staff file makes a person
// of the directory a sector head of a unit that the directory does not say they head or deputise: the
// staff file may give a token fewer roles than a sign-in would, but never another sector's requests.
// CheckStaff reports the same disagreement when the staff file is loaded.
func (r *Resolver) Token(u domain.StaffUser) (*domain.StaffUser, error) {
	if org := r.org(); org != nil && u.Sector != "" && u.HasRole(domain.RoleSectorHead) {
		if _, err := org.Person(u.ID); err == nil && !slices.Contains(unitsOf(org, u.ID), u.Sector) {
			return nil, domain.Errorf(domain.EFORBIDDEN, msgTokenSector, u.ID, u.Sector)
		}
	}
	return r.Staff(u), nil
}

// Disagreement is where the staff file and the organisation directory say different things of a user.
type Disagreement struct {
	// UserID is the user's ID in the staff file.
	UserID string `json:"userId"`
	// Field is the field of the staff file at odds: "id" (the directory has no such person), "name",
	// "email", "language" or "sector".
	Field string `json:"field"`
	// StaffFile and Directory are the two values.
	StaffFile string `json:"staffFile"`
	Directory string `json:"directory"`
}

// String says what disagrees, for logs and /readyz.
func (d Disagreement) String() string {
	if d.Field == "id" {
		return fmt.Sprintf("staff user %s is not in the organisation directory (a machine's token, or a person missing from the directory)", d.UserID)
	}
	return fmt.Sprintf("staff user %s: the staff file's %s %q is not the directory's %q; the directory's is used", d.UserID, d.Field, d.StaffFile, d.Directory)
}

// CheckStaff compares the users of the staff file with the organisation directory and returns each
// disagreement, in the order of users: a user the directory does not hold (field "id"); a name,
// address or language (when the staff file gives one) other than the directory's; a sector head's
// sector that is not a unit the person heads or deputises. The directory's values are the ones used
// (Resolver.Staff), so a disagreement is never silent: whoever loads the staff file logs them and
// shows them on /readyz. A nil directory gives none.
func CheckStaff(org *domain.Organisation, users []domain.StaffUser) []Disagreement {
	if org == nil {
		return nil
	}
	var out []Disagreement
	for _, u := range users {
		p, err := org.Person(u.ID)
		if err != nil {
			out = append(out, Disagreement{UserID: u.ID, Field: "id", StaffFile: u.ID})
			continue
		}
		if u.Name != p.Name {
			out = append(out, Disagreement{UserID: u.ID, Field: "name", StaffFile: u.Name, Directory: p.Name})
		}
		if u.Email != "" && !strings.EqualFold(u.Email, p.Email) {
			out = append(out, Disagreement{UserID: u.ID, Field: "email", StaffFile: u.Email, Directory: p.Email})
		}
		if u.Language != "" && u.Language != p.Language {
			out = append(out, Disagreement{UserID: u.ID, Field: "language", StaffFile: string(u.Language), Directory: string(p.Language)})
		}
		if u.Sector != "" && u.HasRole(domain.RoleSectorHead) {
			units := unitsOf(org, p.ID)
			if !slices.Contains(units, u.Sector) {
				out = append(out, Disagreement{UserID: u.ID, Field: "sector", StaffFile: u.Sector, Directory: strings.Join(units, ", ")})
			}
		}
	}
	return out
}

// people returns everyone in the directory, once each, in the order it is read.
func people(org *domain.Organisation) []domain.Person {
	all := []domain.Person{org.Secretary}
	all = append(all, org.Cabinet...)
	all = append(all, org.Department.Head)
	all = append(all, org.Department.Officers...)
	for _, u := range org.Units {
		all = append(all, u.Head)
		if u.Deputy != nil {
			all = append(all, *u.Deputy)
		}
	}
	seen := make(map[string]bool, len(all))
	out := all[:0]
	for _, p := range all {
		if !seen[p.ID] {
			seen[p.ID] = true
			out = append(out, p)
		}
	}
	return out
}

// positionsOf returns the positions the person id holds in the directory, each once, and the unit they
// answer for as a sector head: the first unit they head, else the first they deputise.
func positionsOf(org *domain.Organisation, id string) (positions []Position, unit string) {
	add := func(p Position) {
		if !slices.Contains(positions, p) {
			positions = append(positions, p)
		}
	}
	if org.Secretary.ID == id {
		add(PositionSecretary)
	}
	if slices.ContainsFunc(org.Cabinet, func(p domain.Person) bool { return p.ID == id }) {
		add(PositionCabinet)
	}
	if org.Department.Head.ID == id {
		add(PositionDepartmentHead)
	}
	if slices.ContainsFunc(org.Department.Officers, func(p domain.Person) bool { return p.ID == id }) {
		add(PositionOfficer)
	}
	for _, u := range org.Units {
		if u.Head.ID == id {
			add(PositionUnitHead)
		}
		if u.Deputy != nil && u.Deputy.ID == id {
			add(PositionUnitDeputy)
		}
	}
	if units := unitsOf(org, id); len(units) > 0 {
		unit = units[0]
	}
	return positions, unit
}

// unitsOf returns the units the person id heads, then those they deputise, in the directory's order.
func unitsOf(org *domain.Organisation, id string) []string {
	var heads, deputies []string
	for _, u := range org.Units {
		if u.Head.ID == id {
			heads = append(heads, u.ID)
		}
		if u.Deputy != nil && u.Deputy.ID == id {
			deputies = append(deputies, u.ID)
		}
	}
	return append(heads, deputies...)
}

// addRoles adds to roles those of more it lacks, and sorts them in the order of domain.Roles.
func addRoles(roles []domain.Role, more ...domain.Role) []domain.Role {
	for _, r := range more {
		if !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	slices.SortFunc(roles, func(a, b domain.Role) int {
		return slices.Index(domain.Roles, a) - slices.Index(domain.Roles, b)
	})
	return roles
}

// userKey and sessionKey are the context keys of the signed-in user and their session.
type ctxKey int

const (
	userKey ctxKey = iota
	sessionKey
)

// WithUser returns ctx carrying the signed-in (or token-authenticated) user u, for UserFrom.
func WithUser(ctx context.Context, u *domain.StaffUser) context.Context {
	return context.WithValue(ctx, userKey, u)
}

// UserFrom returns the user of a request's context (RequireUser or WithUser put it there), or nil.
func UserFrom(ctx context.Context) *domain.StaffUser {
	u, _ := ctx.Value(userKey).(*domain.StaffUser)
	return u
}
