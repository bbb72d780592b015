package intake

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/predmet/predmet/domain"
)

var (
	officerAna = domain.StaffUser{ID: "ana.petrovska", Name: "Ана Петровска", Roles: []domain.Role{domain.RoleIntake, domain.RoleOfficer}, Language: domain.Macedonian}
	headGoran  = domain.StaffUser{ID: "goran.mitrevski", Name: "Горан Митревски", Roles: []domain.Role{domain.RoleSectorHead}, Language: domain.Macedonian, Sector: "urbanism"}
)

// mustAddStaff adds user to the staff file at path and returns their token.
func mustAddStaff(tb testing.TB, path string, user domain.StaffUser, replace bool) string {
	tb.Helper()
	token, err := AddStaff(path, user, replace)
	if err != nil {
		tb.Fatalf("AddStaff(%s) = %v", user.ID, err)
	}
	return token
}

func TestAddStaff(t *testing.T) {
	t.Run("OK_CreatesTheFile", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "data", "staff.json")
		token := mustAddStaff(t, path, officerAna, false)
		if !strings.HasPrefix(token, TokenPrefix) {
			t.Errorf("token %q lacks the prefix %s", token, TokenPrefix)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %v, want 0600", fi.Mode().Perm())
		}
		b, _ := os.ReadFile(path)
		if strings.Contains(string(b), token) {
			t.Error("the file holds the token itself")
		}
		staff, err := LoadStaff(path)
		if err != nil {
			t.Fatal(err)
		}
		if u, ok := staff.Authenticate(token); !ok || u.ID != officerAna.ID || u.Name != officerAna.Name || u.Language != domain.Macedonian || len(u.Roles) != 2 {
			t.Errorf("Authenticate = %+v, %v", u, ok)
		}
		if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
			t.Errorf("the directory holds %d files, want the staff file alone", len(entries))
		}
	})
	t.Run("OK_KeepsTheOthers", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "staff.json")
		ana := mustAddStaff(t, path, officerAna, false)
		goran := mustAddStaff(t, path, headGoran, false)
		staff, err := LoadStaff(path)
		if err != nil {
			t.Fatal(err)
		}
		if u, ok := staff.Authenticate(ana); !ok || u.ID != officerAna.ID {
			t.Errorf("the first user is gone: %+v, %v", u, ok)
		}
		if u, ok := staff.Authenticate(goran); !ok || u.Sector != "urbanism" || !u.HasRole(domain.RoleSectorHead) {
			t.Errorf("Authenticate = %+v, %v", u, ok)
		}
	})
	t.Run("OK_Replace", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "staff.json")
		old := mustAddStaff(t, path, headGoran, false)
		moved := headGoran
		moved.Sector = "finance"
		token := mustAddStaff(t, path, moved, true)
		staff, err := LoadStaff(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := staff.Authenticate(old); ok {
			t.Error("the old token still works")
		}
		if u, ok := staff.Authenticate(token); !ok || u.Sector != "finance" || staff.Len() != 1 {
			t.Errorf("Authenticate = %+v, %v with %d users", u, ok, staff.Len())
		}
	})
	for _, tc := range []struct {
		name    string
		before  string // the file's content, if any
		user    func(u *domain.StaffUser)
		replace bool
		want    string
	}{
		{"ErrSameID", "add", func(*domain.StaffUser) {}, false, `"goran.mitrevski" is already in`},
		{"ErrSectorHeadWithoutSector", "", func(u *domain.StaffUser) { u.Sector = "" }, false, "a sector head needs a sector"},
		{"ErrUnknownRole", "", func(u *domain.StaffUser) { u.Roles = []domain.Role{"mayor"} }, false, `unknown role "mayor"`},
		{"ErrBadID", "", func(u *domain.StaffUser) { u.ID = "goran mitrevski" }, false, "must be 1 to 64 letters"},
		{"ErrUnknownLanguage", "", func(u *domain.StaffUser) { u.Language = "de" }, false, `unknown language "de"`},
		{"ErrInvalidFile", `{"users": [{"id": "x"}]}`, func(*domain.StaffUser) {}, false, "name is required"},
		{"ErrNotJSON", `users:`, func(*domain.StaffUser) {}, true, "invalid character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "staff.json")
			switch tc.before {
			case "":
			case "add":
				mustAddStaff(t, path, headGoran, false)
			default:
				writeFileAt(t, path, tc.before)
			}
			before, _ := os.ReadFile(path)
			u := headGoran
			tc.user(&u)
			if _, err := AddStaff(path, u, tc.replace); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("AddStaff = %v, want an error containing %q", err, tc.want)
			}
			if after, _ := os.ReadFile(path); string(after) != string(before) {
				t.Errorf("the file changed:\n%s\nwas\n%s", after, before)
			}
		})
	}
}

// TestStaffFile checks that the API lets in a user added to the staff file at once, without a restart,
// and keeps the users in force while the file is invalid.
func TestStaffFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "staff.json")
	ana := mustAddStaff(t, path, officerAna, false)
	core, logs := observer.New(zapcore.InfoLevel)
	staff, err := OpenStaffFile(path, zap.New(core))
	if err != nil {
		t.Fatal(err)
	}
	ts := MustOpenServer(t)
	ts.API.Staff = staff
	get := func(t *testing.T, token string) int {
		t.Helper()
		req := ts.NewRequest(t, "", http.MethodGet, "/api/v1/kinds", "")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, _ := ts.Do(t, req)
		return resp.StatusCode
	}
	if s := get(t, ana); s != http.StatusOK {
		t.Fatalf("the first user: %d", s)
	}

	var goran string
	t.Run("OK_AddedUserLetInAtOnce", func(t *testing.T) {
		goran = mustAddStaff(t, path, headGoran, false)
		if s := get(t, goran); s != http.StatusOK {
			t.Errorf("a user just added: %d, want 200", s)
		}
		if staff.Len() != 2 || get(t, ana) != http.StatusOK {
			t.Errorf("after the addition: %d users", staff.Len())
		}
	})
	t.Run("ErrUnknownTokenRefused", func(t *testing.T) {
		token, _ := NewToken()
		if s := get(t, token); s != http.StatusUnauthorized {
			t.Errorf("an unknown token: %d, want 401", s)
		}
	})
	t.Run("ErrInvalidFileKeepsUsers", func(t *testing.T) {
		writeFileAt(t, path, `{"users": [{"id": "ana.petrovska"}]}`)
		token, _ := NewToken() // an unknown token makes it look at the file
		if s := get(t, token); s != http.StatusUnauthorized {
			t.Errorf("an unknown token: %d, want 401", s)
		}
		if get(t, ana) != http.StatusOK || get(t, goran) != http.StatusOK {
			t.Error("the users in force were dropped for an invalid file")
		}
		if n := logs.FilterMessage("staff file invalid; keeping the staff in force").Len(); n != 1 {
			t.Errorf("the invalid file was logged %d times, want once", n)
		}
	})
	t.Run("OK_RemovedUserRefusedAfterALook", func(t *testing.T) {
		writeFileAt(t, path, "{\"users\": []}\n")
		mustAddStaff(t, path, officerAna, false) // a new token for Ana; Goran is gone
		staff.file.Look()                        // as Watch does
		if s := get(t, goran); s != http.StatusUnauthorized {
			t.Errorf("a removed user: %d, want 401", s)
		}
		if s := get(t, ana); s != http.StatusUnauthorized {
			t.Errorf("a replaced token: %d, want 401", s)
		}
	})
}

// writeFileAt writes content to the file at path.
func writeFileAt(tb testing.TB, path, content string) {
	tb.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
}
