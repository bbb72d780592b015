package domain

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// Who may read what. The rules of reading are written here, once, in ReadRules; the application
// services apply them for the HTTP API, the staff pages, the CSV exports, the briefing and the e-mails,
// which decide nothing by themselves. (Acting on a case is decided by the case's policy: see
// Policy.Check.)

// Grant is how far a role may read a part.
type Grant string

// The grants of ReadRules.
const (
	// Never: the role never reads the part.
	Never Grant = ""
	// Always: the role reads the part of every case.
	Always Grant = "always"
	// Asked: a sector head reads the part of a case that asked their sector for input (or gave it a
	// programme's item).
	Asked Grant = "asked"
	// Shared: a sector head reads the part of a case only when a request to their sector shares the
	// submitter's contact details on purpose (request_input with shareContact).
	Shared Grant = "shared"
)

// ReadRules is the one table of who may read what: for each role, how far it reads each part. A person
// with several roles reads what the most generous of them allows. Intake staff, officers and
// supervisors of the department read whole cases; a sector head reads only what a request for input to
// their sector needs: the case's subject, kind, archive number, due dates and the question, never the
// case's free text, and the submitter's contact details only when the request shares them.
var ReadRules = map[Role]map[Part]Grant{
	RoleIntake: {
		PartSummary: Always, PartText: Always, PartContact: Always, PartEvents: Always, PartAttachments: Always,
		PartOutboxMessage: Always, PartLists: Always,
	},
	RoleOfficer: {
		PartSummary: Always, PartText: Always, PartContact: Always, PartEvents: Always, PartAttachments: Always,
		PartOutboxMessage: Always, PartLists: Always, PartBriefing: Always,
	},
	RoleSupervisor: {
		PartSummary: Always, PartText: Always, PartContact: Always, PartEvents: Always, PartAttachments: Always,
		PartOutboxMessage: Always, PartLists: Always, PartBriefing: Always,
	},
	RoleSectorHead: {
		PartSummary: Asked, PartContact: Shared, PartEvents: Asked, PartAttachments: Shared,
	},
	RoleAdmin: {
		PartSummary: Always, PartText: Always, PartContact: Always, PartEvents: Always, PartAttachments: Always,
		PartOutboxMessage: Always, PartLists: Always, PartBriefing: Always, PartPrivacy: Always,
	},
}

// CaseParts are the parts of a case that CaseAccess decides.
var CaseParts = []Part{PartSummary, PartText, PartContact, PartEvents, PartAttachments}

// RolesFor returns the roles that read part of every case (Always), in the order of Roles.
func RolesFor(part Part) []Role {
	var out []Role
	for _, r := range Roles {
		if ReadRules[r][part] == Always {
			out = append(out, r)
		}
	}
	return out
}

// CanRead reports whether a may read part of every case, or of none in particular (the lists, the
// briefing, the privacy administration): EFORBIDDEN naming the roles that may, otherwise.
func (a Actor) CanRead(part Part) error { return a.RequireRole(RolesFor(part)...) }

// Access is what one reader may read of one case: the parts, each allowed or not.
type Access map[Part]bool

// CaseAccess returns what a may read of case c, by ReadRules. A sector head's grants depend on the
// case's requests: Asked holds when a request (or programme item) went to their sector, Shared when
// such a request for input shares the contact details.
func CaseAccess(a Actor, c *Case) Access {
	asked, shared := false, false
	if a.Sector != "" {
		for _, r := range c.Requests {
			if r.Sector == a.Sector {
				asked = true
				shared = shared || r.ShareContact
			}
		}
	}
	acc := Access{}
	for _, role := range a.Roles {
		for part, g := range ReadRules[role] {
			switch g {
			case Always:
				acc[part] = true
			case Asked:
				acc[part] = acc[part] || asked
			case Shared:
				acc[part] = acc[part] || shared
			}
		}
	}
	return acc
}

// Require returns nil when the reader may read part of the case, and EFORBIDDEN otherwise.
func (acc Access) Require(part Part) error {
	if acc[part] {
		return nil
	}
	return Errorf(EFORBIDDEN, "Your roles do not allow you to read this case.")
}

// Withheld lists the parts of a case the reader may not read, in the order of CaseParts.
func (acc Access) Withheld() []Part {
	var out []Part
	for _, p := range CaseParts {
		if !acc[p] {
			out = append(out, p)
		}
	}
	return out
}

// Shown lists the parts of a case the reader may read, in the order of CaseParts.
func (acc Access) Shown() []Part {
	var out []Part
	for _, p := range CaseParts {
		if acc[p] {
			out = append(out, p)
		}
	}
	return out
}

// Redact returns a copy of c without what the reader may not read: the subject without the summary,
// the text without PartText, the submitter without PartContact.
func (acc Access) Redact(c *Case) *Case {
	out := *c
	if !acc[PartSummary] {
		out.Subject = ""
	}
	if !acc[PartText] {
		out.Text = ""
	}
	if !acc[PartContact] {
		out.Submitter = Submitter{}
	}
	return &out
}

// RedactEvent returns the (opened) event without the personal fields the reader may not read.
func (acc Access) RedactEvent(r RecordedEvent) RecordedEvent {
	fields := personalFields[r.Type]
	var drop []string
	for _, f := range fields {
		if !acc[f.Part] {
			drop = append(drop, f.Name)
		}
	}
	if len(drop) == 0 {
		return r
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(r.Data, &obj); err != nil {
		r.Data = []byte("{}")
		return r
	}
	for _, name := range drop {
		delete(obj, name)
	}
	r.Data, _ = json.Marshal(obj)
	return r
}

// AccessEntry is one read of a case's personal data, as the access log keeps it: who, when, which
// case, through which route and which parts were shown. It holds nothing else about anyone.
type AccessEntry struct {
	Seq    int64     `json:"seq"`
	At     time.Time `json:"at"`
	Reader string    `json:"reader"`
	CaseID string    `json:"caseId"`
	Route  string    `json:"route"`
	Parts  []Part    `json:"parts"`
}

// AccessQuery selects entries of the access log: the reads from From (inclusive) until To (exclusive),
// of the cases named (none: every case), by the reader named (none: everyone).
type AccessQuery struct {
	From, To time.Time
	CaseIDs  []string
	Reader   string
	// Email selects the reads of the cases of the person with that address (the service resolves it to
	// CaseIDs).
	Email string
}

// AccessLog keeps the reads of personal data, apart from the case streams and append-only.
type AccessLog interface {
	// Record appends one read. It fails (and the read must then fail too) when the log cannot be written.
	Record(ctx context.Context, e AccessEntry) error
	// Query returns the reads q selects, oldest first.
	Query(ctx context.Context, q AccessQuery) ([]AccessEntry, error)
}

// routeKey is the context key of the route a read comes through.
type routeKey struct{}

// WithRoute returns ctx naming the route through which what is read with it is read, for the access log:
// e.g. "GET /api/v1/cases/{id}" or "page GET /cases/{id}".
func WithRoute(ctx context.Context, route string) context.Context {
	return context.WithValue(ctx, routeKey{}, route)
}

// RouteOf returns the route ctx names, or "unknown".
func RouteOf(ctx context.Context) string {
	if r, ok := ctx.Value(routeKey{}).(string); ok && r != "" {
		return r
	}
	return "unknown"
}

// ReadModelRoles are the roles that may read every case's read models: the lists of cases, the
// due-date tracker, the escalations and the statistics (ReadRules' PartLists).
var ReadModelRoles = RolesFor(PartLists)

// PrivacyRoles are the roles that erase personal data, export a person's copy and read the access log.
var PrivacyRoles = RolesFor(PartPrivacy)

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
