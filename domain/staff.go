package domain

// Role is what a staff user may do.
type Role string

// Staff roles.
const (
	RoleIntake     Role = "intake"      // registers incoming documents
	RoleOfficer    Role = "officer"     // owns and answers cases
	RoleSectorHead Role = "sector_head" // answers requests for input for a sector
	RoleSupervisor Role = "supervisor"  // watches every case
	RoleAdmin      Role = "admin"       // operates the engine
)

// Roles lists every role.
var Roles = []Role{RoleIntake, RoleOfficer, RoleSectorHead, RoleSupervisor, RoleAdmin}

// StaffUser is a member of staff who may call the API or sign in to the staff pages: who they are (from
// the organisation directory when they are in it) and what they may do.
type StaffUser struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Roles    []Role   `json:"roles"`
	Language Language `json:"language"`
	Sector   string   `json:"sector,omitempty"`
	// Email is the person's address in the organisation directory; "" for a user the directory does
	// not hold (a machine with an API token).
	Email string `json:"email,omitempty"`
}

// HasRole reports whether the user holds any of the roles.
func (u *StaffUser) HasRole(roles ...Role) bool {
	for _, r := range roles {
		if contains(u.Roles, r) {
			return true
		}
	}
	return false
}
