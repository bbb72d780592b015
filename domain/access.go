package domain

import "strings"

// Who may read what. The rules of reading are written here, once; the HTTP API and the staff pages ask
// them and decide nothing by themselves. (Acting on a case is decided by the case's policy: see
// Policy.Check.)

// ReadModelRoles are the roles that may read every case's read models: the lists of cases, the
// due-date tracker, the escalations and the statistics.
var ReadModelRoles = []Role{RoleIntake, RoleOfficer, RoleSupervisor, RoleAdmin}

// InboxRoles are the roles that may read the sectors' inboxes of requests for input: those of
// ReadModelRoles, who see every sector's, and the sector heads, who see their own sector's only (see
// InboxSectors).
var InboxRoles = []Role{RoleIntake, RoleOfficer, RoleSupervisor, RoleSectorHead, RoleAdmin}

// RequireRole returns nil when a holds one of roles, and EFORBIDDEN naming the roles otherwise.
func (a Actor) RequireRole(roles ...Role) error {
	if a.HasAnyRole(roles...) {
		return nil
	}
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return Errorf(EFORBIDDEN, "Your roles do not allow this; it needs one of the roles %s.", strings.Join(names, ", "))
}

// InboxSectors returns the sectors whose requests for input a may read, of the sectors asked for (none
// asked: every sector). Someone who holds a role of ReadModelRoles reads what they ask for. A sector
// head, and nothing more, reads their own sector's requests only, whether they name it or not. It
// returns EFORBIDDEN when a sector head asks for another sector, when their staff entry names no
// sector, and for anyone without a role of InboxRoles.
func InboxSectors(a Actor, asked []string) ([]string, error) {
	if a.HasAnyRole(ReadModelRoles...) {
		return asked, nil
	}
	if err := a.RequireRole(InboxRoles...); err != nil {
		return nil, err
	}
	if a.Sector == "" {
		return nil, Errorf(EFORBIDDEN, "Your staff entry names no sector, so there is no inbox for you to see; ask an administrator to set your sector.")
	}
	for _, sector := range asked {
		if sector != a.Sector {
			return nil, Errorf(EFORBIDDEN, "As head of the sector %q you see only its requests, not those of %q.", a.Sector, sector)
		}
	}
	return []string{a.Sector}, nil
}
