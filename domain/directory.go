package domain

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Names is the name of a body in the municipality's languages. Macedonian is always official, so MK is
// required; SQ (where Albanian is official) and EN (for partners abroad) are optional.
type Names struct {
	MK string `json:"mk"`
	SQ string `json:"sq,omitempty"`
	EN string `json:"en,omitempty"`
}

// In returns the name in the language l, or the Macedonian name when there is none in l.
func (n Names) In(l Language) string {
	switch {
	case l == Albanian && n.SQ != "":
		return n.SQ
	case l == English && n.EN != "":
		return n.EN
	}
	return n.MK
}

// Person is someone the organisation directory writes to: a head, a deputy, the secretary, a member of
// the mayor's cabinet or an officer of the department.
type Person struct {
	// ID is the person's staff user ID when they are a staff user (the ID of the staff file), else a
	// slug such as "marko.stojanov". A person who holds two posts (acting head of a second sector, say)
	// appears under the same ID with the same name, address and language in each; the title may differ.
	ID   string `json:"id"`
	Name string `json:"name"`
	// Email is one bare address, such as "ana.petrovska@opstina-primer.example", without a display name.
	Email string `json:"email"`
	// Language is the language the person is written to in.
	Language Language `json:"language"`
	// Title is the person's post, as the municipality writes it ("Раководител на Сектор за финансии").
	Title string `json:"title,omitempty"`
}

// UnitKind is what kind of body a unit of the organisation is.
type UnitKind string

// Unit kinds.
const (
	UnitSector            UnitKind = "sector"             // a sector of the municipal administration (сектор)
	UnitDepartment        UnitKind = "department"         // a department outside the sectors (самостојно одделение), such as internal audit
	UnitCouncil           UnitKind = "council"            // the Council of the municipality (Совет на општината)
	UnitCabinet           UnitKind = "cabinet"            // the mayor's cabinet, when it is asked for input
	UnitPublicEnterprise  UnitKind = "public_enterprise"  // a public enterprise the municipality founded (јавно претпријатие)
	UnitPublicInstitution UnitKind = "public_institution" // a public institution the municipality founded (јавна установа)
)

// UnitKinds lists every unit kind.
var UnitKinds = []UnitKind{UnitSector, UnitDepartment, UnitCouncil, UnitCabinet, UnitPublicEnterprise, UnitPublicInstitution}

// administration reports whether people of a unit of kind k work in the municipal administration, and
// so have addresses at the municipality's mail domain.
func (k UnitKind) administration() bool {
	return k == UnitSector || k == UnitDepartment || k == UnitCabinet
}

// Unit is a body the department asks for input: a sector, the Council, a public enterprise or
// institution.
type Unit struct {
	// ID is the code that requests for input, cases and sector heads' staff users name the unit by,
	// such as "urbanism".
	ID   string   `json:"id"`
	Kind UnitKind `json:"kind"`
	Name Names    `json:"name"`
	// Head is reminded of the unit's requests and receives the escalations at the level "head"
	// (a public enterprise's or institution's director, the Council's president).
	Head Person `json:"head"`
	// Deputy, if any, receives the escalations at the level "deputy"; without one, the head does.
	Deputy *Person `json:"deputy,omitempty"`
	// Ladder optionally names, by person ID, who stands at an escalation level for this unit instead of
	// the default: the unit's deputy and head, the secretary of the municipality, the mayor's cabinet.
	// The Council, for instance, answers to its president rather than to the mayor's cabinet.
	Ladder map[EscalationLevel][]string `json:"ladder,omitempty"`
}

// Department is the department that runs predmet (for diaspora, international cooperation and public
// relations): its head and its officers, who own cases.
type Department struct {
	// ID is the code cases assigned to the department name it by, such as "international".
	ID       string   `json:"id"`
	Name     Names    `json:"name"`
	Head     Person   `json:"head"`
	Officers []Person `json:"officers"`
}

// Organisation is the organisation directory: the municipality's units, the people who head them and
// those above them on the escalation ladder, and the department's officers, with their addresses and
// languages. It resolves escalation levels to people (Recipients). Read it from a file with the
// package directory; check it with Validate. A validated Organisation is not changed afterwards, so
// that many goroutines may read it.
type Organisation struct {
	// Comment is a note for the people who keep the file; predmet ignores it.
	Comment      string `json:"comment,omitempty"`
	Municipality Names  `json:"municipality"`
	// MailDomain, if given, is the municipality's mail domain (such as "opstina-primer.example"):
	// the address of everyone in the administration (the secretary, the cabinet, the department, and
	// the sectors, departments and cabinet among the units) must be at it or one of its subdomains,
	// so that a mistyped address does not send case details outside. The Council, public enterprises
	// and institutions have their own addresses.
	MailDomain string `json:"mailDomain,omitempty"`
	// Secretary is the secretary of the municipality (секретар на општината): the level "secretary".
	Secretary Person `json:"secretary"`
	// Cabinet is the mayor's cabinet: the level "cabinet" and the readers of the daily briefing.
	Cabinet    []Person   `json:"cabinet"`
	Department Department `json:"department"`
	Units      []Unit     `json:"units"`
}

// unitIDPattern is what a unit's code may look like: it is stored in requests and search attributes.
var unitIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

// personIDPattern is what a person's ID may look like: the staff file's rule for user IDs.
var personIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// mailDomainPattern is a mail domain: dot-separated labels of ASCII letters, digits and inner hyphens.
var mailDomainPattern = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// Validate checks the directory and returns the first fault it finds as an EINVALID error whose Field
// is the JSON path of the value at fault (such as "units[3].head.email") and whose message starts with
// that path. It looks in the order of the sample file (the municipality, the mail domain, the
// secretary, the cabinet, the department, the units, then the units' ladders) and checks that
//   - the municipality, the department and every unit have a Macedonian name;
//   - the mail domain, if given, is a domain name, and the administration's addresses are at it;
//   - there are a secretary, at least one member of the cabinet, a department head and at least one
//     officer, and every unit has a head;
//   - every person has a well-formed ID (as a staff user's), a name, one bare e-mail address and a
//     language (mk, sq or en); a person who appears twice has the same name, address and language
//     each time, no one is twice in the cabinet or among the officers, and no two people share an
//     address;
//   - unit IDs are well-formed (lower-case letters, digits, '.', '_', '-') and unique, the department's
//     included, and unit kinds are known;
//   - a deputy is not the unit's head, and ladders name only the levels deputy, head, secretary and
//     cabinet, each with at least one person of the directory, none twice.
func (o *Organisation) Validate() error {
	v := dirValidator{org: o, people: map[string]dirSeen{}, emails: map[string]dirSeen{}}
	if err := v.names("municipality", o.Municipality); err != nil {
		return err
	}
	if o.MailDomain != "" && !mailDomainPattern.MatchString(o.MailDomain) {
		return v.bad("mailDomain", "%q is not a domain name such as opstina-primer.example (lower-case letters, digits, '-' and '.')", o.MailDomain)
	}
	if err := v.required("secretary", o.Secretary, "the directory needs the secretary of the municipality"); err != nil {
		return err
	} else if err := v.person("secretary", o.Secretary, true); err != nil {
		return err
	}
	if len(o.Cabinet) == 0 {
		return v.bad("cabinet", "the directory needs at least one member of the mayor's cabinet")
	}
	if err := v.list("cabinet", o.Cabinet, true); err != nil {
		return err
	}

	d := o.Department
	if err := v.unitID("department.id", d.ID); err != nil {
		return err
	} else if err := v.names("department.name", d.Name); err != nil {
		return err
	} else if err := v.required("department.head", d.Head, "the department needs a head"); err != nil {
		return err
	} else if err := v.person("department.head", d.Head, true); err != nil {
		return err
	} else if len(d.Officers) == 0 {
		return v.bad("department.officers", "the department needs at least one officer")
	} else if err := v.list("department.officers", d.Officers, true); err != nil {
		return err
	}

	units := map[string]string{d.ID: "department.id"}
	for i, u := range o.Units {
		path := fmt.Sprintf("units[%d]", i)
		if err := v.unitID(path+".id", u.ID); err != nil {
			return err
		} else if prev, ok := units[u.ID]; ok {
			return v.bad(path+".id", "%q is already the ID at %s", u.ID, prev)
		}
		units[u.ID] = path + ".id"
		if !slices.Contains(UnitKinds, u.Kind) {
			return v.bad(path+".kind", "unknown kind %q (kinds are %s)", u.Kind, join(UnitKinds))
		}
		if err := v.names(path+".name", u.Name); err != nil {
			return err
		}
		admin := u.Kind.administration()
		if err := v.required(path+".head", u.Head, "every unit needs a head"); err != nil {
			return err
		} else if err := v.person(path+".head", u.Head, admin); err != nil {
			return err
		}
		if u.Deputy != nil {
			if u.Deputy.ID == u.Head.ID {
				return v.bad(path+".deputy.id", "%q is the unit's head; leave the deputy out when there is none", u.Deputy.ID)
			} else if err := v.person(path+".deputy", *u.Deputy, admin); err != nil {
				return err
			}
		}
	}
	// Ladders may name anyone in the directory, also people written further down: check them last.
	for i, u := range o.Units {
		if err := v.ladder(fmt.Sprintf("units[%d].ladder", i), u.Ladder); err != nil {
			return err
		}
	}
	return nil
}

// dirSeen is where a person or an address was first found.
type dirSeen struct {
	path   string
	person Person
}

// dirValidator holds what Validate has found so far.
type dirValidator struct {
	org    *Organisation
	people map[string]dirSeen // by person ID
	emails map[string]dirSeen // by lower-case address
}

// bad returns the EINVALID error for the value at path.
func (v *dirValidator) bad(path, format string, args ...any) error {
	return FieldErrorf(path, "%s: %s", path, fmt.Sprintf(format, args...))
}

func (v *dirValidator) names(path string, n Names) error {
	for _, f := range []struct{ lang, name string }{{"mk", n.MK}, {"sq", n.SQ}, {"en", n.EN}} {
		if err := v.text(path+"."+f.lang, f.name, f.lang == "mk"); err != nil {
			return err
		}
	}
	return nil
}

// text checks a name or title: valid UTF-8 of at most MaxNameLen characters, not blank if required.
func (v *dirValidator) text(path, s string, required bool) error {
	switch {
	case required && strings.TrimSpace(s) == "":
		return v.bad(path, "required")
	case !utf8.ValidString(s):
		return v.bad(path, "not valid UTF-8")
	case utf8.RuneCountInString(s) > MaxNameLen:
		return v.bad(path, "%d characters long; at most %d are allowed", utf8.RuneCountInString(s), MaxNameLen)
	}
	return nil
}

func (v *dirValidator) unitID(path, id string) error {
	if !unitIDPattern.MatchString(id) {
		return v.bad(path, "%q is not a unit ID: 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit", id)
	}
	return nil
}

// required reports a person left out entirely with the message why.
func (v *dirValidator) required(path string, p Person, why string) error {
	if p == (Person{}) {
		return v.bad(path, "%s", why)
	}
	return nil
}

// list checks a list of people of whom none may be in it twice.
func (v *dirValidator) list(path string, people []Person, admin bool) error {
	at := map[string]int{}
	for i, p := range people {
		item := fmt.Sprintf("%s[%d]", path, i)
		if err := v.person(item, p, admin); err != nil {
			return err
		} else if j, ok := at[p.ID]; ok {
			return v.bad(item+".id", "%q is already at %s[%d]", p.ID, path, j)
		}
		at[p.ID] = i
	}
	return nil
}

// person checks one person; admin says whether their address must be at the mail domain.
func (v *dirValidator) person(path string, p Person, admin bool) error {
	if !personIDPattern.MatchString(p.ID) {
		return v.bad(path+".id", "%q is not a person ID: 1 to 64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit (a staff user's ID, or a slug)", p.ID)
	}
	if err := v.text(path+".name", p.Name, true); err != nil {
		return err
	}
	if p.Email == "" {
		return v.bad(path+".email", "required")
	} else if !bareEmail(p.Email) {
		return v.bad(path+".email", "%q is not one bare e-mail address such as ana.petrovska@opstina-primer.example", p.Email)
	}
	if !slices.Contains(Languages, p.Language) {
		return v.bad(path+".language", "want one of %s, not %q", join(Languages), p.Language)
	}
	if err := v.text(path+".title", p.Title, false); err != nil {
		return err
	}
	if d := v.org.MailDomain; admin && d != "" {
		host := strings.ToLower(p.Email[strings.LastIndexByte(p.Email, '@')+1:])
		if host != d && !strings.HasSuffix(host, "."+d) {
			return v.bad(path+".email", "%q is not at the municipality's mail domain %q", p.Email, d)
		}
	}
	if first, ok := v.people[p.ID]; ok {
		if f := first.person; f.Name != p.Name || f.Email != p.Email || f.Language != p.Language {
			return v.bad(path, "%q is also at %s with another name, address or language; a person who holds two posts has the same in each", p.ID, first.path)
		}
		return nil
	}
	email := strings.ToLower(p.Email)
	if first, ok := v.emails[email]; ok {
		return v.bad(path+".email", "%q is already the address of %q (%s)", p.Email, first.person.ID, first.path)
	}
	v.people[p.ID] = dirSeen{path, p}
	v.emails[email] = dirSeen{path, p}
	return nil
}

// bareEmail reports whether s is one bare address: no display name, comment or angle brackets, no
// list, and a domain with a dot.
func bareEmail(s string) bool {
	if len(s) > MaxEmailLen {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return strings.Contains(s[at+1:], ".") && !strings.ContainsAny(s, "\"\\ []")
}

// ladderLevels are the levels a unit's ladder may name: the officer is the case's own.
var ladderLevels = []EscalationLevel{LevelDeputy, LevelHead, LevelSecretary, LevelCabinet}

func (v *dirValidator) ladder(path string, ladder map[EscalationLevel][]string) error {
	levels := make([]EscalationLevel, 0, len(ladder))
	for l := range ladder {
		levels = append(levels, l)
	}
	// Known levels in the ladder's order, then unknown ones sorted: the first error is always the same.
	slices.SortFunc(levels, func(a, b EscalationLevel) int {
		ia, ib := slices.Index(EscalationLevels, a), slices.Index(EscalationLevels, b)
		if ia < 0 {
			ia = len(EscalationLevels)
		}
		if ib < 0 {
			ib = len(EscalationLevels)
		}
		if ia != ib {
			return ia - ib
		}
		return strings.Compare(string(a), string(b))
	})
	for _, l := range levels {
		at := path + "." + string(l)
		if l == LevelOfficer {
			return v.bad(at, "the level %q is the case's owning officer; a unit's ladder names only %s", l, join(ladderLevels))
		} else if !slices.Contains(ladderLevels, l) {
			return v.bad(at, "unknown level %q (a unit's ladder names %s)", l, join(ladderLevels))
		}
		ids := ladder[l]
		if len(ids) == 0 {
			return v.bad(at, "name at least one person, or leave the level out to keep its default")
		}
		for i, id := range ids {
			if _, ok := v.people[id]; !ok {
				return v.bad(fmt.Sprintf("%s[%d]", at, i), "no person %q in the directory; a ladder names people written elsewhere in it by their ID", id)
			} else if j := slices.Index(ids, id); j < i {
				return v.bad(fmt.Sprintf("%s[%d]", at, i), "%q is already at %s[%d]", id, at, j)
			}
		}
	}
	return nil
}

// Unit returns the unit with the given ID; the department is found by its ID too, as a unit of kind
// department without a deputy. It returns ENOTFOUND for an unknown ID. The unit returned is a copy.
func (o *Organisation) Unit(id string) (Unit, error) {
	u, ok := o.unit(id)
	if !ok {
		return Unit{}, Errorf(ENOTFOUND, "No unit %q in the organisation directory.", id)
	}
	if u.Deputy != nil {
		d := *u.Deputy
		u.Deputy = &d
	}
	if u.Ladder != nil {
		ladder := make(map[EscalationLevel][]string, len(u.Ladder))
		for l, ids := range u.Ladder {
			ladder[l] = slices.Clone(ids)
		}
		u.Ladder = ladder
	}
	return u, nil
}

// unit finds a unit by ID without copying what it shares with the directory.
func (o *Organisation) unit(id string) (Unit, bool) {
	for _, u := range o.Units {
		if u.ID == id {
			return u, true
		}
	}
	if d := o.Department; id != "" && id == d.ID {
		return Unit{ID: d.ID, Kind: UnitDepartment, Name: d.Name, Head: d.Head}, true
	}
	return Unit{}, false
}

// HeadOf returns the head of the unit with the given ID: the person reminded of its requests. It
// returns ENOTFOUND for an unknown unit.
func (o *Organisation) HeadOf(unit string) (Person, error) {
	u, ok := o.unit(unit)
	if !ok {
		return Person{}, Errorf(ENOTFOUND, "No unit %q in the organisation directory.", unit)
	}
	return u.Head, nil
}

// Officer returns the department's officer (or its head) whose ID is the given staff user ID, such as
// a case's owning officer. It returns ENOTFOUND for anyone else.
func (o *Organisation) Officer(id string) (Person, error) {
	for _, p := range o.Department.Officers {
		if p.ID == id {
			return p, nil
		}
	}
	if id != "" && o.Department.Head.ID == id {
		return o.Department.Head, nil
	}
	return Person{}, Errorf(ENOTFOUND, "No officer %q in the organisation directory.", id)
}

// Person returns the person of the directory with the given ID, wherever they stand. It returns
// ENOTFOUND for an unknown ID.
func (o *Organisation) Person(id string) (Person, error) {
	if p, ok := o.person(id); ok {
		return p, nil
	}
	return Person{}, Errorf(ENOTFOUND, "No person %q in the organisation directory.", id)
}

// person finds a person by ID in the order Validate reads the directory.
func (o *Organisation) person(id string) (Person, bool) {
	if id == "" {
		return Person{}, false
	}
	if o.Secretary.ID == id {
		return o.Secretary, true
	}
	for _, p := range o.Cabinet {
		if p.ID == id {
			return p, true
		}
	}
	if o.Department.Head.ID == id {
		return o.Department.Head, true
	}
	for _, p := range o.Department.Officers {
		if p.ID == id {
			return p, true
		}
	}
	for _, u := range o.Units {
		if u.Head.ID == id {
			return u.Head, true
		}
		if u.Deputy != nil && u.Deputy.ID == id {
			return *u.Deputy, true
		}
	}
	return Person{}, false
}

// Recipients returns the people a request for input to the unit is escalated to at the level: those
// the unit's ladder names for the level if it names any, else
//   - deputy: the unit's deputy, or its head when the unit has no deputy;
//   - head: the unit's head;
//   - secretary: the secretary of the municipality;
//   - cabinet: every member of the mayor's cabinet.
//
// The list is new on each call. It returns ENOTFOUND for an unknown unit, and EINVALID for the level
// officer (the case's owning officer, whom Officer finds) or an unknown level.
func (o *Organisation) Recipients(unit string, level EscalationLevel) ([]Person, error) {
	if level == LevelOfficer {
		return nil, Errorf(EINVALID, "The level %q is the case's owning officer; find them with Officer.", level)
	} else if !slices.Contains(ladderLevels, level) {
		return nil, Errorf(EINVALID, "Unknown escalation level %q (levels are %s).", level, join(EscalationLevels))
	}
	u, ok := o.unit(unit)
	if !ok {
		return nil, Errorf(ENOTFOUND, "No unit %q in the organisation directory.", unit)
	}
	if ids := u.Ladder[level]; len(ids) > 0 {
		out := make([]Person, 0, len(ids))
		for _, id := range ids {
			p, ok := o.person(id)
			if !ok { // Validate refuses such a ladder
				return nil, Errorf(EINVALID, "The ladder of unit %q names %q, who is not in the directory.", unit, id)
			}
			out = append(out, p)
		}
		return out, nil
	}
	switch level {
	case LevelDeputy:
		if u.Deputy != nil {
			return []Person{*u.Deputy}, nil
		}
		return []Person{u.Head}, nil
	case LevelHead:
		return []Person{u.Head}, nil
	case LevelSecretary:
		return []Person{o.Secretary}, nil
	}
	return slices.Clone(o.Cabinet), nil
}
