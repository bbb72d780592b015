package domain_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/predmet/predmet/domain"
)

// dirPerson returns a person of the test directory with an address at the municipality's domain.
func dirPerson(id, name string, lang domain.Language) domain.Person {
	return domain.Person{ID: id, Name: name, Email: id + "@opstina-primer.example", Language: lang}
}

// testOrganisation returns a small valid directory, new on each call: a sector with a deputy, one
// without, a public enterprise whose ladder sends the secretary's level to a mayor's adviser, and the
// Council, whose ladder keeps escalations away from the mayor's cabinet.
func testOrganisation() *domain.Organisation {
	deputy := dirPerson("jovana", "Јована Костадинова", domain.Macedonian)
	council := dirPerson("branko", "Бранко Алексовски", domain.Macedonian)
	council.Email = "pretsedatel@sovet.example"
	pe := dirPerson("mentor", "Mentor Aliu", domain.Albanian)
	pe.Email = "drejtor@vodovod-primer.example"
	return &domain.Organisation{
		Municipality: domain.Names{MK: "Општина Пример", SQ: "Komuna Shembull"},
		MailDomain:   "opstina-primer.example",
		Secretary:    dirPerson("vesna", "Весна Трајковска", domain.Macedonian),
		Cabinet: []domain.Person{
			dirPerson("mayor", "Александар Стојановски", domain.Macedonian),
			dirPerson("ardit", "Ardit Xhaferi", domain.Albanian),
			dirPerson("adviser", "Александра Ѓорѓиевска", domain.Macedonian),
		},
		Department: domain.Department{
			ID: "international", Name: domain.Names{MK: "Одделение за дијаспора, меѓународна соработка и односи со јавноста"},
			Head: dirPerson("ilina", "Илина Ристовска", domain.Macedonian),
			Officers: []domain.Person{
				dirPerson("ana.petrovska", "Ана Петровска", domain.Macedonian),
				dirPerson("blerta", "Blerta Ademi", domain.Albanian),
			},
		},
		Units: []domain.Unit{
			{ID: "urbanism", Kind: domain.UnitSector, Name: domain.Names{MK: "Сектор за урбанизам", EN: "Sector for Urban Planning"},
				Head: dirPerson("goran", "Горан Митревски", domain.Macedonian), Deputy: &deputy},
			{ID: "finance", Kind: domain.UnitSector, Name: domain.Names{MK: "Сектор за финансиски прашања", SQ: "Sektori për çështje financiare"},
				Head: dirPerson("besa", "Besa Osmani", domain.Albanian)},
			{ID: "pe_water", Kind: domain.UnitPublicEnterprise, Name: domain.Names{MK: "ЈП Водовод и канализација"}, Head: pe,
				Ladder: map[domain.EscalationLevel][]string{domain.LevelSecretary: {"adviser"}}},
			{ID: "council", Kind: domain.UnitCouncil, Name: domain.Names{MK: "Совет на општината"}, Head: council,
				Ladder: map[domain.EscalationLevel][]string{domain.LevelCabinet: {"branko", "vesna"}}},
		},
	}
}

func TestOrganisationRecipients(t *testing.T) {
	o := testOrganisation()
	if err := o.Validate(); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
	for _, tt := range []struct {
		name  string
		unit  string
		level domain.EscalationLevel
		want  []string // person IDs
	}{
		{"OK/Deputy", "urbanism", domain.LevelDeputy, []string{"jovana"}},
		{"OK/Head", "urbanism", domain.LevelHead, []string{"goran"}},
		{"OK/Secretary", "urbanism", domain.LevelSecretary, []string{"vesna"}},
		{"OK/Cabinet", "urbanism", domain.LevelCabinet, []string{"mayor", "ardit", "adviser"}},
		{"OK/DeputyFallsBackToHead", "finance", domain.LevelDeputy, []string{"besa"}},
		{"OK/HeadWithoutDeputy", "finance", domain.LevelHead, []string{"besa"}},
		{"OK/LadderSecretary", "pe_water", domain.LevelSecretary, []string{"adviser"}},
		{"OK/LadderKeepsOtherLevels", "pe_water", domain.LevelCabinet, []string{"mayor", "ardit", "adviser"}},
		{"OK/LadderDeputyFallsBackToHead", "pe_water", domain.LevelDeputy, []string{"mentor"}},
		{"OK/LadderCabinet", "council", domain.LevelCabinet, []string{"branko", "vesna"}},
		{"OK/CouncilSecretary", "council", domain.LevelSecretary, []string{"vesna"}},
		{"OK/Department", "international", domain.LevelDeputy, []string{"ilina"}},
		{"OK/DepartmentSecretary", "international", domain.LevelSecretary, []string{"vesna"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := o.Recipients(tt.unit, tt.level)
			if err != nil {
				t.Fatalf("Recipients(%q, %q) = %v", tt.unit, tt.level, err)
			}
			ids := make([]string, len(got))
			for i, p := range got {
				ids[i] = p.ID
				if want, err := o.Person(p.ID); err != nil || want != p {
					t.Errorf("Recipients(%q, %q)[%d] = %+v; the directory has %+v (%v)", tt.unit, tt.level, i, p, want, err)
				}
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("Recipients(%q, %q) = %q, want %q", tt.unit, tt.level, ids, tt.want)
			}
		})
	}
	for _, tt := range []struct {
		name  string
		unit  string
		level domain.EscalationLevel
		code  string
		msg   string
	}{
		{"ErrNotFound", "parks", domain.LevelHead, domain.ENOTFOUND, `No unit "parks" in the organisation directory.`},
		{"ErrNotFoundEmpty", "", domain.LevelHead, domain.ENOTFOUND, `No unit "" in the organisation directory.`},
		{"ErrInvalidOfficer", "urbanism", domain.LevelOfficer, domain.EINVALID, `The level "officer" is the case's owning officer; find them with Officer.`},
		{"ErrInvalidLevel", "urbanism", "mayor", domain.EINVALID, `Unknown escalation level "mayor" (levels are deputy, head, secretary, cabinet, officer).`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := o.Recipients(tt.unit, tt.level)
			if domain.ErrorCode(err) != tt.code || domain.ErrorMessage(err) != tt.msg {
				t.Errorf("Recipients(%q, %q) = %v, %v; want code %s, %q", tt.unit, tt.level, got, err, tt.code, tt.msg)
			}
		})
	}
	t.Run("OK/ListIsNew", func(t *testing.T) {
		got, _ := o.Recipients("urbanism", domain.LevelCabinet)
		got[0].Email = "changed@example.com"
		if again, _ := o.Recipients("urbanism", domain.LevelCabinet); again[0].Email != "mayor@opstina-primer.example" {
			t.Errorf("changing a list Recipients returned changed the directory: %+v", again[0])
		}
	})
}

func TestOrganisationLookups(t *testing.T) {
	o := testOrganisation()
	t.Run("OK/Unit", func(t *testing.T) {
		u, err := o.Unit("pe_water")
		if err != nil || u.Kind != domain.UnitPublicEnterprise || u.Head.ID != "mentor" || u.Deputy != nil {
			t.Fatalf("Unit(pe_water) = %+v, %v", u, err)
		}
		u.Ladder[domain.LevelSecretary][0] = "mayor"
		u.Ladder[domain.LevelCabinet] = []string{"mayor"}
		if got, _ := o.Recipients("pe_water", domain.LevelSecretary); got[0].ID != "adviser" {
			t.Errorf("changing the unit Unit returned changed the directory's ladder: %+v", got)
		}
		if got, _ := o.Recipients("pe_water", domain.LevelCabinet); len(got) != 3 {
			t.Errorf("adding to the unit's ladder changed the directory's: %+v", got)
		}
	})
	t.Run("OK/UnitDepartment", func(t *testing.T) {
		u, err := o.Unit("international")
		if err != nil || u.Kind != domain.UnitDepartment || u.Head.ID != "ilina" || u.Name != o.Department.Name {
			t.Errorf("Unit(international) = %+v, %v", u, err)
		}
	})
	t.Run("OK/HeadOf", func(t *testing.T) {
		if p, err := o.HeadOf("finance"); err != nil || p.ID != "besa" || p.Language != domain.Albanian {
			t.Errorf("HeadOf(finance) = %+v, %v", p, err)
		}
	})
	t.Run("OK/Officer", func(t *testing.T) {
		for _, id := range []string{"ana.petrovska", "blerta", "ilina"} {
			if p, err := o.Officer(id); err != nil || p.ID != id {
				t.Errorf("Officer(%q) = %+v, %v", id, p, err)
			}
		}
	})
	for _, tt := range []struct {
		name string
		call func() error
		msg  string
	}{
		{"ErrNotFound/Unit", func() error { _, err := o.Unit("parks"); return err }, `No unit "parks" in the organisation directory.`},
		{"ErrNotFound/HeadOf", func() error { _, err := o.HeadOf("parks"); return err }, `No unit "parks" in the organisation directory.`},
		{"ErrNotFound/OfficerIsHead", func() error { _, err := o.Officer("goran"); return err }, `No officer "goran" in the organisation directory.`},
		{"ErrNotFound/OfficerEmpty", func() error { _, err := o.Officer(""); return err }, `No officer "" in the organisation directory.`},
		{"ErrNotFound/Person", func() error { _, err := o.Person("nobody"); return err }, `No person "nobody" in the organisation directory.`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); domain.ErrorCode(err) != domain.ENOTFOUND || domain.ErrorMessage(err) != tt.msg {
				t.Errorf("err = %v, want not_found %q", err, tt.msg)
			}
		})
	}
	t.Run("OK/NamesIn", func(t *testing.T) {
		n := o.Units[0].Name
		for lang, want := range map[domain.Language]string{domain.Macedonian: "Сектор за урбанизам", domain.English: "Sector for Urban Planning", domain.Albanian: "Сектор за урбанизам"} {
			if got := n.In(lang); got != want {
				t.Errorf("In(%s) = %q, want %q", lang, got, want)
			}
		}
	})
}

func TestOrganisationValidate(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(o *domain.Organisation)
		field  string
		msg    string
	}{
		{"OK/NoMailDomain", func(o *domain.Organisation) { o.MailDomain = ""; o.Secretary.Email = "vesna@gmail.example" }, "", ""},
		{"OK/TwoPostsWrittenAlike", func(o *domain.Organisation) { o.Units[1].Head = o.Units[0].Head }, "", ""},
		{"OK/TwoPostsTwoTitles", func(o *domain.Organisation) {
			o.Units[1].Head = o.Units[0].Head
			o.Units[1].Head.Title = "в.д. раководител на Сектор за финансиски прашања"
		}, "", ""},
		{"OK/HeadAmongOfficers", func(o *domain.Organisation) { o.Department.Officers = append(o.Department.Officers, o.Department.Head) }, "", ""},
		{"OK/SubdomainOfMailDomain", func(o *domain.Organisation) { o.Secretary.Email = "vesna@uprava.opstina-primer.example" }, "", ""},
		{"OK/PublicEnterpriseOwnDomain", func(o *domain.Organisation) { o.Units[2].Head.Email = "mentor@gmail.example" }, "", ""},

		{"ErrMunicipalityName", func(o *domain.Organisation) { o.Municipality.MK = " " }, "municipality.mk", "municipality.mk: required"},
		{"ErrNameTooLong", func(o *domain.Organisation) { o.Municipality.EN = strings.Repeat("x", 201) }, "municipality.en", "municipality.en: 201 characters long; at most 200 are allowed"},
		{"ErrMailDomain", func(o *domain.Organisation) { o.MailDomain = "@opstina.mk" }, "mailDomain",
			`mailDomain: "@opstina.mk" is not a domain name such as opstina-primer.example (lower-case letters, digits, '-' and '.')`},
		{"ErrNoSecretary", func(o *domain.Organisation) { o.Secretary = domain.Person{} }, "secretary", "secretary: the directory needs the secretary of the municipality"},
		{"ErrPersonID", func(o *domain.Organisation) { o.Secretary.ID = "vesna trajkovska" }, "secretary.id",
			`secretary.id: "vesna trajkovska" is not a person ID: 1 to 64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit (a staff user's ID, or a slug)`},
		{"ErrPersonName", func(o *domain.Organisation) { o.Cabinet[1].Name = "" }, "cabinet[1].name", "cabinet[1].name: required"},
		{"ErrEmailMissing", func(o *domain.Organisation) { o.Cabinet[1].Email = "" }, "cabinet[1].email", "cabinet[1].email: required"},
		{"ErrEmailDisplayName", func(o *domain.Organisation) { o.Cabinet[0].Email = "Mayor <mayor@opstina-primer.example>" }, "cabinet[0].email",
			`cabinet[0].email: "Mayor <mayor@opstina-primer.example>" is not one bare e-mail address such as ana.petrovska@opstina-primer.example`},
		{"ErrEmailTwo", func(o *domain.Organisation) {
			o.Cabinet[0].Email = "mayor@opstina-primer.example, ardit@opstina-primer.example"
		}, "cabinet[0].email", `cabinet[0].email: "mayor@opstina-primer.example, ardit@opstina-primer.example" is not one bare e-mail address such as ana.petrovska@opstina-primer.example`},
		{"ErrEmailComment", func(o *domain.Organisation) { o.Cabinet[0].Email = "mayor@opstina-primer.example (mayor)" }, "cabinet[0].email",
			`cabinet[0].email: "mayor@opstina-primer.example (mayor)" is not one bare e-mail address such as ana.petrovska@opstina-primer.example`},
		{"ErrEmailNoDot", func(o *domain.Organisation) { o.MailDomain = ""; o.Cabinet[0].Email = "mayor@localhost" }, "cabinet[0].email",
			`cabinet[0].email: "mayor@localhost" is not one bare e-mail address such as ana.petrovska@opstina-primer.example`},
		{"ErrEmailOutsideMailDomain", func(o *domain.Organisation) { o.Units[0].Deputy.Email = "jovana@opstina-primer.example.com" }, "units[0].deputy.email",
			`units[0].deputy.email: "jovana@opstina-primer.example.com" is not at the municipality's mail domain "opstina-primer.example"`},
		{"ErrEmailLookalikeDomain", func(o *domain.Organisation) { o.Secretary.Email = "vesna@xopstina-primer.example" }, "secretary.email",
			`secretary.email: "vesna@xopstina-primer.example" is not at the municipality's mail domain "opstina-primer.example"`},
		{"ErrLanguage", func(o *domain.Organisation) { o.Department.Officers[1].Language = "al" }, "department.officers[1].language",
			`department.officers[1].language: want one of mk, sq, en, not "al"`},
		{"ErrLanguageMissing", func(o *domain.Organisation) { o.Units[1].Head.Language = "" }, "units[1].head.language",
			`units[1].head.language: want one of mk, sq, en, not ""`},
		{"ErrNoCabinet", func(o *domain.Organisation) { o.Cabinet = nil }, "cabinet", "cabinet: the directory needs at least one member of the mayor's cabinet"},
		{"ErrCabinetTwice", func(o *domain.Organisation) { o.Cabinet = append(o.Cabinet, o.Cabinet[0]) }, "cabinet[3].id", `cabinet[3].id: "mayor" is already at cabinet[0]`},
		{"ErrDepartmentID", func(o *domain.Organisation) { o.Department.ID = "International" }, "department.id",
			`department.id: "International" is not a unit ID: 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit`},
		{"ErrDepartmentName", func(o *domain.Organisation) { o.Department.Name = domain.Names{} }, "department.name.mk", "department.name.mk: required"},
		{"ErrNoDepartmentHead", func(o *domain.Organisation) { o.Department.Head = domain.Person{} }, "department.head", "department.head: the department needs a head"},
		{"ErrNoOfficers", func(o *domain.Organisation) { o.Department.Officers = []domain.Person{} }, "department.officers", "department.officers: the department needs at least one officer"},
		{"ErrOfficerTwice", func(o *domain.Organisation) {
			o.Department.Officers = append(o.Department.Officers, o.Department.Officers[0])
		}, "department.officers[2].id", `department.officers[2].id: "ana.petrovska" is already at department.officers[0]`},
		{"ErrUnitID", func(o *domain.Organisation) { o.Units[1].ID = "" }, "units[1].id",
			`units[1].id: "" is not a unit ID: 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit`},
		{"ErrUnitIDTwice", func(o *domain.Organisation) { o.Units[3].ID = "urbanism" }, "units[3].id", `units[3].id: "urbanism" is already the ID at units[0].id`},
		{"ErrUnitIDIsDepartment", func(o *domain.Organisation) { o.Units[1].ID = "international" }, "units[1].id", `units[1].id: "international" is already the ID at department.id`},
		{"ErrUnitKind", func(o *domain.Organisation) { o.Units[2].Kind = "enterprise" }, "units[2].kind",
			`units[2].kind: unknown kind "enterprise" (kinds are sector, department, council, cabinet, public_enterprise, public_institution)`},
		{"ErrUnitName", func(o *domain.Organisation) { o.Units[2].Name.MK = "" }, "units[2].name.mk", "units[2].name.mk: required"},
		{"ErrNoHead", func(o *domain.Organisation) { o.Units[1].Head = domain.Person{} }, "units[1].head", "units[1].head: every unit needs a head"},
		{"ErrDeputyIsHead", func(o *domain.Organisation) { d := o.Units[1].Head; o.Units[1].Deputy = &d }, "units[1].deputy.id",
			`units[1].deputy.id: "besa" is the unit's head; leave the deputy out when there is none`},
		{"ErrDeputyEmpty", func(o *domain.Organisation) { o.Units[1].Deputy = &domain.Person{} }, "units[1].deputy.id",
			`units[1].deputy.id: "" is not a person ID: 1 to 64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit (a staff user's ID, or a slug)`},
		{"ErrTwoPostsWrittenDifferently", func(o *domain.Organisation) {
			o.Units[1].Head = o.Units[0].Head
			o.Units[1].Head.Language = domain.English
		}, "units[1].head", `units[1].head: "goran" is also at units[0].head with another name, address or language; a person who holds two posts has the same in each`},
		{"ErrEmailShared", func(o *domain.Organisation) { o.Units[1].Head.Email = "GORAN@opstina-primer.example" }, "units[1].head.email",
			`units[1].head.email: "GORAN@opstina-primer.example" is already the address of "goran" (units[0].head)`},
		{"ErrTitleTooLong", func(o *domain.Organisation) { o.Units[0].Head.Title = strings.Repeat("р", 201) }, "units[0].head.title",
			"units[0].head.title: 201 characters long; at most 200 are allowed"},
		{"ErrLadderLevel", func(o *domain.Organisation) { o.Units[2].Ladder["mayor"] = []string{"mayor"} }, "units[2].ladder.mayor",
			`units[2].ladder.mayor: unknown level "mayor" (a unit's ladder names deputy, head, secretary, cabinet)`},
		{"ErrLadderOfficer", func(o *domain.Organisation) { o.Units[2].Ladder[domain.LevelOfficer] = []string{"ana.petrovska"} }, "units[2].ladder.officer",
			`units[2].ladder.officer: the level "officer" is the case's owning officer; a unit's ladder names only deputy, head, secretary, cabinet`},
		{"ErrLadderEmpty", func(o *domain.Organisation) { o.Units[3].Ladder[domain.LevelCabinet] = nil }, "units[3].ladder.cabinet",
			"units[3].ladder.cabinet: name at least one person, or leave the level out to keep its default"},
		{"ErrLadderUnknownPerson", func(o *domain.Organisation) { o.Units[3].Ladder[domain.LevelCabinet][1] = "vesna.trajkovska" }, "units[3].ladder.cabinet[1]",
			`units[3].ladder.cabinet[1]: no person "vesna.trajkovska" in the directory; a ladder names people written elsewhere in it by their ID`},
		{"ErrLadderTwice", func(o *domain.Organisation) { o.Units[3].Ladder[domain.LevelCabinet][1] = "branko" }, "units[3].ladder.cabinet[1]",
			`units[3].ladder.cabinet[1]: "branko" is already at units[3].ladder.cabinet[0]`},
		{"ErrLadderFirstFaultInLadderOrder", func(o *domain.Organisation) {
			o.Units[2].Ladder = map[domain.EscalationLevel][]string{"z": {"x"}, domain.LevelCabinet: {"x"}, domain.LevelDeputy: {}, "a": {"x"}}
		}, "units[2].ladder.deputy", "units[2].ladder.deputy: name at least one person, or leave the level out to keep its default"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := testOrganisation()
			tt.change(o)
			err := o.Validate()
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			var field string
			if e, ok := err.(*domain.Error); ok {
				field = e.Field
			}
			if domain.ErrorCode(err) != domain.EINVALID || field != tt.field || domain.ErrorMessage(err) != tt.msg {
				t.Errorf("Validate() = %v\nwant field %s, message %q", err, tt.field, tt.msg)
			}
		})
	}
}

// BenchmarkRecipients resolves a level through a unit's ladder, the path the e-mail sender takes for
// every escalation.
func BenchmarkRecipients(b *testing.B) {
	o := testOrganisation()
	for b.Loop() {
		if _, err := o.Recipients("council", domain.LevelCabinet); err != nil {
			b.Fatal(err)
		}
	}
}
