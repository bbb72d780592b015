package auth_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/predmet/predmet/auth"
	"github.com/predmet/predmet/directory"
	"github.com/predmet/predmet/domain"
)

// MustOpenDirectory opens the sample directory.
func MustOpenDirectory(tb testing.TB) *directory.Holder {
	tb.Helper()
	h, err := directory.Open(exampleDirectory, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

func TestIdentify(t *testing.T) {
	dir := MustOpenDirectory(t)
	for _, tc := range []struct {
		name   string
		cfg    *auth.Config
		grant  auth.Grant
		roles  []domain.Role
		sector string
		err    string
	}{
		{"Officer", nil, auth.Grant{PersonID: "blerta.ademi"}, []domain.Role{domain.RoleIntake, domain.RoleOfficer}, "", ""},
		{"Secretary", nil, auth.Grant{PersonID: "vesna.trajkovska"}, []domain.Role{domain.RoleSupervisor}, "", ""},
		{"Cabinet", nil, auth.Grant{PersonID: "ardit.xhaferi"}, []domain.Role{domain.RoleSupervisor}, "", ""},
		{"Deputy", nil, auth.Grant{PersonID: "afrim.rexhepi"}, []domain.Role{domain.RoleSectorHead}, "communal", ""},
		{"PublicEnterpriseHead", nil, auth.Grant{PersonID: "zoran.velkov"}, []domain.Role{domain.RoleSectorHead}, "pe_hygiene", ""},
		{"HeadAndLadder", nil, auth.Grant{PersonID: "lirim.beqiri"}, []domain.Role{domain.RoleSectorHead}, "culture", ""},
		{"GrantAddsRoles", nil, auth.Grant{PersonID: "ana.petrovska", Roles: []domain.Role{domain.RoleAdmin}},
			[]domain.Role{domain.RoleIntake, domain.RoleOfficer, domain.RoleAdmin}, "", ""},
		{"PositionsOverridden", &auth.Config{Positions: map[auth.Position][]domain.Role{auth.PositionOfficer: {domain.RoleOfficer}}},
			auth.Grant{PersonID: "ana.petrovska"}, []domain.Role{domain.RoleOfficer}, "", ""},
		{"ErrNoRole", &auth.Config{Positions: map[auth.Position][]domain.Role{auth.PositionCabinet: {}}},
			auth.Grant{PersonID: "ardit.xhaferi"}, nil, "", "Ardit Xhaferi has no role in predmet"},
		{"SectorHeadWithoutUnitAndMore", nil, auth.Grant{PersonID: "vesna.trajkovska", Roles: []domain.Role{domain.RoleSectorHead}},
			[]domain.Role{domain.RoleSectorHead, domain.RoleSupervisor}, "", ""},
		{"ErrOnlySectorHeadWithoutUnit", &auth.Config{Positions: map[auth.Position][]domain.Role{auth.PositionOfficer: {domain.RoleSectorHead}}},
			auth.Grant{PersonID: "ana.petrovska"}, nil, "", "is to answer for a sector"},
		{"ErrUnknownSector", nil, auth.Grant{PersonID: "goran.mitrevski", Sector: "nowhere"}, nil, "", `the sector "nowhere"`},
		{"ErrUnknownPerson", nil, auth.Grant{PersonID: "nobody"}, nil, "", "nobody is not in the municipality's organisation directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &auth.Resolver{Directory: dir, Config: tc.cfg}
			u, err := r.Identify(tc.grant)
			if tc.err != "" {
				if domain.ErrorCode(err) != domain.EFORBIDDEN || !strings.Contains(domain.ErrorMessage(err), tc.err) {
					t.Errorf("Identify = %+v, %v; want EFORBIDDEN saying %q", u, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p, _ := dir.Current().Person(tc.grant.PersonID)
			if u.ID != p.ID || u.Name != p.Name || u.Email != p.Email || u.Language != p.Language {
				t.Errorf("Identify = %+v, want the directory's %+v", u, p)
			}
			if !slices.Equal(u.Roles, tc.roles) || u.Sector != tc.sector {
				t.Errorf("Identify: roles %v in %q, want %v in %q", u.Roles, u.Sector, tc.roles, tc.sector)
			}
		})
	}
	t.Run("ErrNoDirectory", func(t *testing.T) {
		if _, err := (&auth.Resolver{}).Identify(auth.Grant{PersonID: "ana.petrovska"}); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("without a directory: %v, want EFORBIDDEN", err)
		}
	})
}

func TestFind(t *testing.T) {
	r := &auth.Resolver{Directory: MustOpenDirectory(t)}
	if p, err := r.Find("GORAN.Mitrevski@opstina-primer.example", auth.MatchEmail); err != nil || p.ID != "goran.mitrevski" {
		t.Errorf("Find by e-mail = %v, %v", p.ID, err)
	}
	if p, err := r.Find("goran.mitrevski", auth.MatchID); err != nil || p.ID != "goran.mitrevski" {
		t.Errorf("Find by ID = %v, %v", p.ID, err)
	}
	if _, err := r.Find("goran.mitrevski", auth.MatchEmail); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("Find an ID by e-mail = %v, want EFORBIDDEN", err)
	}
	if _, err := r.Find("", auth.MatchEmail); err == nil {
		t.Error("Find(\"\") found someone")
	}
}

func TestStaff(t *testing.T) {
	dir := MustOpenDirectory(t)
	r := &auth.Resolver{Directory: dir}
	users := []domain.StaffUser{
		// Agrees with the directory.
		{ID: "ana.petrovska", Name: "Ана Петровска", Language: domain.Macedonian, Roles: []domain.Role{domain.RoleIntake}},
		// The name and language are out of date.
		{ID: "besa.osmani", Name: "Besa Osmani-Hoxha", Language: domain.Macedonian, Roles: []domain.Role{domain.RoleSectorHead}},
		// A sector head whose sector is not hers, with another address.
		{ID: "goran.mitrevski", Name: "Горан Митревски", Email: "goran@elsewhere.example", Roles: []domain.Role{domain.RoleSectorHead}, Sector: "finance"},
		// A machine.
		{ID: "web-form", Name: "Web form", Roles: []domain.Role{domain.RoleIntake}},
	}
	got := auth.CheckStaff(dir.Current(), users)
	want := []auth.Disagreement{
		{UserID: "besa.osmani", Field: "name", StaffFile: "Besa Osmani-Hoxha", Directory: "Besa Osmani"},
		{UserID: "besa.osmani", Field: "language", StaffFile: "mk", Directory: "sq"},
		{UserID: "goran.mitrevski", Field: "email", StaffFile: "goran@elsewhere.example", Directory: "goran.mitrevski@opstina-primer.example"},
		{UserID: "goran.mitrevski", Field: "sector", StaffFile: "finance", Directory: "urbanism"},
		{UserID: "web-form", Field: "id", StaffFile: "web-form"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("CheckStaff =\n%v\nwant\n%v", got, want)
	}
	for _, d := range got {
		if s := d.String(); !strings.Contains(s, d.UserID) {
			t.Errorf("%q does not name the user", s)
		}
	}

	// The token's user is the directory's person; the machine is the staff file's.
	besa := r.Staff(users[1])
	if besa.Name != "Besa Osmani" || besa.Language != domain.Albanian || besa.Email != "besa.osmani@opstina-primer.example" || besa.Sector != "finance" ||
		!slices.Equal(besa.Roles, users[1].Roles) {
		t.Errorf("Staff(besa) = %+v, want the directory's name, address, language and unit, and the staff file's roles", besa)
	}
	if m := r.Staff(users[3]); m.Name != "Web form" || m.Email != "" {
		t.Errorf("Staff(machine) = %+v", m)
	}
	if n := auth.CheckStaff(nil, users); n != nil {
		t.Errorf("CheckStaff without a directory = %v", n)
	}

	// The same person by a token and by a sign-in.
	signedIn, err := r.Identify(auth.Grant{PersonID: "besa.osmani"})
	if err != nil {
		t.Fatal(err)
	}
	if signedIn.Name != besa.Name || signedIn.Email != besa.Email || signedIn.Language != besa.Language || signedIn.Sector != besa.Sector {
		t.Errorf("by token %+v, by sign-in %+v: not the same person", besa, signedIn)
	}
}

func TestLoadConfig(t *testing.T) {
	write := func(t *testing.T, s string) string {
		t.Helper()
		path := filepath.Join(t.TempDir(), "auth.json")
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	t.Run("OK", func(t *testing.T) {
		c, err := auth.LoadConfig("../deploy/auth/example.json")
		if err != nil {
			t.Fatal(err)
		}
		if c.OIDC == nil || c.OIDC.ClientID == "" || c.OIDC.ClientSecret != "" || len(c.Groups) == 0 {
			t.Errorf("example: %+v", c)
		}
	})
	for _, tc := range []struct{ name, file, err string }{
		{"ErrUnknownField", `{"oidc": {"issuer": "https://sso.example", "clientId": "predmet", "clientSecret": "x"}}`, `unknown field "clientSecret"`},
		{"ErrHTTPIssuer", `{"oidc": {"issuer": "http://sso.example", "clientId": "predmet"}}`, "oidc.issuer"},
		{"ErrNoClientID", `{"oidc": {"issuer": "https://sso.example"}}`, "oidc.clientId"},
		{"ErrMatchBy", `{"oidc": {"issuer": "https://sso.example", "clientId": "p", "matchBy": "name"}}`, "oidc.matchBy"},
		{"ErrRole", `{"groups": {"admins": ["root"]}}`, `groups.admins: unknown role "root"`},
		{"ErrPosition", `{"positions": {"mayor": ["supervisor"]}}`, "positions.mayor: unknown position"},
		{"ErrDuration", `{"sessions": {"idle": "ten minutes"}}`, "want a duration"},
		{"ErrIdleOverMax", `{"sessions": {"idle": "13h"}}`, "sessions.idle: 13h0m0s is longer than the maximum age 12h0m0s"},
		{"ErrTrailing", `{} {}`, "unexpected data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := auth.LoadConfig(write(t, tc.file))
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("LoadConfig = %v, want an error saying %q", err, tc.err)
			}
		})
	}
	t.Run("LoopbackIssuer", func(t *testing.T) {
		if _, err := auth.LoadConfig(write(t, `{"oidc": {"issuer": "http://127.0.0.1:5556/dex", "clientId": "predmet"}}`)); err != nil {
			t.Errorf("an http issuer on the loopback address: %v", err)
		}
	})
}

func TestToken(t *testing.T) {
	r := &auth.Resolver{Directory: MustOpenDirectory(t)}
	t.Run("OK", func(t *testing.T) {
		// Besa heads finance; the staff file's name is out of date.
		u, err := r.Token(domain.StaffUser{ID: "besa.osmani", Name: "Besa Osmani-Hoxha", Roles: []domain.Role{domain.RoleSectorHead}, Sector: "finance"})
		if err != nil || u.Name != "Besa Osmani" || u.Sector != "finance" {
			t.Errorf("Token(besa) = %+v, %v", u, err)
		}
	})
	t.Run("OK_Deputy", func(t *testing.T) {
		u, err := r.Token(domain.StaffUser{ID: "jovana.kostadinova", Name: "Јована Костадинова", Roles: []domain.Role{domain.RoleSectorHead}, Sector: "urbanism"})
		if err != nil || u.Sector != "urbanism" {
			t.Errorf("Token(jovana) = %+v, %v", u, err)
		}
	})
	t.Run("OK_Machine", func(t *testing.T) {
		// The directory does not hold the user: the staff file says what they answer for.
		u, err := r.Token(domain.StaffUser{ID: "finance-bot", Name: "Finance bot", Roles: []domain.Role{domain.RoleSectorHead}, Sector: "finance"})
		if err != nil || u.Name != "Finance bot" || u.Sector != "finance" {
			t.Errorf("Token(machine) = %+v, %v", u, err)
		}
	})
	t.Run("ErrOtherSector", func(t *testing.T) {
		u, err := r.Token(domain.StaffUser{ID: "goran.mitrevski", Name: "Горан Митревски", Roles: []domain.Role{domain.RoleSectorHead}, Sector: "finance"})
		if u != nil || domain.ErrorCode(err) != domain.EFORBIDDEN || !strings.Contains(err.Error(), `goran.mitrevski the head of the sector "finance"`) {
			t.Errorf("Token(goran for finance) = %+v, %v; want EFORBIDDEN naming him and the sector", u, err)
		}
		// The same person with a sector that is theirs is let in.
		if _, err := r.Token(domain.StaffUser{ID: "goran.mitrevski", Name: "Горан Митревски", Roles: []domain.Role{domain.RoleSectorHead}, Sector: "urbanism"}); err != nil {
			t.Errorf("Token(goran for urbanism) = %v", err)
		}
	})
	t.Run("OK_NoDirectory", func(t *testing.T) {
		u, err := (&auth.Resolver{}).Token(domain.StaffUser{ID: "goran.mitrevski", Name: "G", Roles: []domain.Role{domain.RoleSectorHead}, Sector: "finance"})
		if err != nil || u.Sector != "finance" {
			t.Errorf("Token without a directory = %+v, %v", u, err)
		}
	})
}
