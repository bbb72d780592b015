package intake

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/predmet/predmet/domain"
)

func TestAuthenticate(t *testing.T) {
	t.Run("ErrNoToken", func(t *testing.T) {
		ts := MustOpenServer(t)
		resp, body := ts.Do(t, ts.NewRequest(t, "", http.MethodPost, "/api/v1/cases", validCaseJSON(t, nil)))
		p := assertProblem(t, resp, body, http.StatusUnauthorized, domain.EUNAUTHORIZED)
		if got := resp.Header.Get("WWW-Authenticate"); got != `Bearer realm="predmet"` {
			t.Errorf("WWW-Authenticate = %q", got)
		}
		if want := "Потребен е токен: испратете го заглавието Authorization: Bearer <токен>."; p.Detail != want {
			t.Errorf("detail = %q, want %q", p.Detail, want)
		}
		if calls := ts.Cases.Calls(); len(calls) != 0 {
			t.Errorf("service called: %v", calls)
		}
	})
	t.Run("ErrWrongToken", func(t *testing.T) {
		ts := MustOpenServer(t)
		token, _ := NewToken()
		for _, path := range []string{"/api/v1/cases/" + uuid.NewString(), "/api/v1/cases/" + uuid.NewString() + "/events"} {
			req := ts.NewRequest(t, "", http.MethodGet, path, "")
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Accept-Language", "sq")
			resp, body := ts.Do(t, req)
			p := assertProblem(t, resp, body, http.StatusUnauthorized, domain.EUNAUTHORIZED)
			if got := resp.Header.Get("WWW-Authenticate"); got != `Bearer realm="predmet", error="invalid_token"` {
				t.Errorf("WWW-Authenticate = %q", got)
			}
			if want := "Tokeni nuk është i vlefshëm."; p.Detail != want {
				t.Errorf("detail = %q, want %q", p.Detail, want)
			}
		}
		if calls := ts.Cases.Calls(); len(calls) != 0 {
			t.Errorf("service called: %v", calls)
		}
	})
	t.Run("ErrOtherScheme", func(t *testing.T) {
		ts := MustOpenServer(t)
		req := ts.NewRequest(t, "", http.MethodGet, "/api/v1/cases/"+uuid.NewString(), "")
		req.Header.Set("Authorization", "Basic "+ts.Tokens[intakeMK])
		resp, body := ts.Do(t, req)
		assertProblem(t, resp, body, http.StatusUnauthorized, domain.EUNAUTHORIZED)
		if got := resp.Header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
			t.Errorf("WWW-Authenticate = %q", got)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		ts := MustOpenServer(t)
		resp, body := ts.Do(t, ts.NewRequest(t, supervisor, http.MethodPost, "/api/v1/cases", validCaseJSON(t, nil)))
		p := assertProblem(t, resp, body, http.StatusForbidden, domain.EFORBIDDEN)
		if want := "Rolet tuaja nuk e lejojnë këtë; nevojitet një nga rolet intake, officer, admin."; p.Detail != want {
			t.Errorf("detail = %q, want %q", p.Detail, want)
		}
		if calls := ts.Cases.Calls(); len(calls) != 0 {
			t.Errorf("service called: %v", calls)
		}
	})
	t.Run("OKSchemeCaseInsensitive", func(t *testing.T) {
		ts := MustOpenServer(t)
		req := ts.NewRequest(t, "", http.MethodPost, "/api/v1/cases", validCaseJSON(t, nil))
		req.Header.Set("Authorization", "bearer "+ts.Tokens[intakeNone])
		resp, body := ts.Do(t, req)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("status = %d; body: %s", resp.StatusCode, body)
		}
		if got := ts.Cases.Opened()[0].Actor.UserID; got != intakeNone {
			t.Errorf("actor = %q", got)
		}
	})
	t.Run("OKOpenRoutes", func(t *testing.T) {
		ts := MustOpenServer(t)
		for _, path := range []string{"/healthz", "/readyz", "/api/v1/openapi.json"} {
			resp, body := ts.Do(t, ts.NewRequest(t, "", http.MethodGet, path, ""))
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s: status = %d; body: %s", path, resp.StatusCode, body)
			}
		}
	})
}

func TestNewToken(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		token, hash := NewToken()
		if !strings.HasPrefix(token, TokenPrefix) || len(token) != len(TokenPrefix)+43 {
			t.Errorf("token = %q", token)
		}
		sum := sha256.Sum256([]byte(token))
		if hash != hex.EncodeToString(sum[:]) {
			t.Errorf("hash = %q", hash)
		}
		if other, _ := NewToken(); other == token {
			t.Error("two tokens are the same")
		}
	})
}

func TestStaff_Authenticate(t *testing.T) {
	token, hash := NewToken()
	staff, err := NewStaff(StaffMember{
		StaffUser:   domain.StaffUser{ID: "ana.petrovska", Name: "Ана Петровска", Roles: []domain.Role{domain.RoleIntake}, Language: domain.Macedonian},
		TokenSHA256: strings.ToUpper(hash),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		u, ok := staff.Authenticate(token)
		if !ok || u.ID != "ana.petrovska" || !u.HasRole(domain.RoleIntake) {
			t.Fatalf("Authenticate = %+v, %v", u, ok)
		}
		u.Roles[0] = domain.RoleAdmin // a copy: the directory does not change
		if u, _ := staff.Authenticate(token); u.HasRole(domain.RoleAdmin) {
			t.Error("the directory changed through a returned user")
		}
	})
	t.Run("ErrWrongToken", func(t *testing.T) {
		for _, tok := range []string{"", hash, token + "x", strings.TrimPrefix(token, TokenPrefix)} {
			if u, ok := staff.Authenticate(tok); ok || u != nil {
				t.Errorf("Authenticate(%q) = %+v, %v", tok, u, ok)
			}
		}
	})
	t.Run("ErrNilStaff", func(t *testing.T) {
		var s *Staff
		if _, ok := s.Authenticate(token); ok || s.Len() != 0 {
			t.Error("a nil directory let someone in")
		}
	})
}

// writeFile writes content to a file in a temporary directory and returns its path.
func writeFile(tb testing.TB, content string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "staff.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestLoadStaff(t *testing.T) {
	hash1 := strings.Repeat("ab", 32)
	hash2 := strings.Repeat("cd", 32)
	user := func(id, roles, lang, hash string) string {
		return `{"id":"` + id + `","name":"Име","roles":[` + roles + `],"language":"` + lang + `","sector":"","tokenSha256":"` + hash + `"}`
	}
	t.Run("OK", func(t *testing.T) {
		token, hash := NewToken()
		path := writeFile(t, `{"users":[`+
			`{"id":"ana.petrovska","name":"Ана Петровска","roles":["intake","officer"],"language":"mk","sector":"","tokenSha256":"`+hash+`"},`+
			user("arben.krasniqi", `"sector_head"`, "", hash2)+`]}`)
		staff, err := LoadStaff(path)
		if err != nil {
			t.Fatal(err)
		}
		if staff.Len() != 2 {
			t.Errorf("Len = %d", staff.Len())
		}
		u, ok := staff.Authenticate(token)
		if !ok || u.Name != "Ана Петровска" || u.Language != domain.Macedonian || len(u.Roles) != 2 {
			t.Errorf("Authenticate = %+v, %v", u, ok)
		}
	})
	for _, tt := range []struct {
		name, content, want string
	}{
		{"ErrUnknownRole", `{"users":[` + user("ana", `"intake","mayor"`, "mk", hash1) + `]}`, `unknown role "mayor"`},
		{"ErrNoRoles", `{"users":[` + user("ana", ``, "mk", hash1) + `]}`, `no roles`},
		{"ErrBadHashLength", `{"users":[` + user("ana", `"intake"`, "mk", "abc") + `]}`, `tokenSha256 must be the SHA-256`},
		{"ErrBadHashHex", `{"users":[` + user("ana", `"intake"`, "mk", strings.Repeat("zz", 32)) + `]}`, `tokenSha256 is not hex`},
		{"ErrDuplicateID", `{"users":[` + user("ana", `"intake"`, "mk", hash1) + `,` + user("ana", `"officer"`, "mk", hash2) + `]}`, `id "ana" is already used by user 1`},
		{"ErrDuplicateHash", `{"users":[` + user("ana", `"intake"`, "mk", hash1) + `,` + user("besa", `"officer"`, "sq", strings.ToUpper(hash1)) + `]}`, `tokenSha256 is already used by user 1 (ana)`},
		{"ErrBadLanguage", `{"users":[` + user("ana", `"intake"`, "mkd", hash1) + `]}`, `unknown language "mkd"`},
		{"ErrBadID", `{"users":[` + user("ana petrovska", `"intake"`, "mk", hash1) + `]}`, `id "ana petrovska" must be`},
		{"ErrNoName", `{"users":[{"id":"ana","roles":["intake"],"tokenSha256":"` + hash1 + `"}]}`, `name is required`},
		{"ErrUnknownField", `{"users":[{"id":"ana","name":"Ана","roles":["intake"],"token":"secret","tokenSha256":"` + hash1 + `"}]}`, `unknown field "token"`},
		{"ErrNotJSON", `users: []`, `invalid character`},
		{"ErrTrailingData", `{"users":[]} {}`, `unexpected data`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.content)
			_, err := LoadStaff(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("LoadStaff = %v, want an error naming the file and containing %q", err, tt.want)
			}
		})
	}
	t.Run("ErrNoFile", func(t *testing.T) {
		if _, err := LoadStaff(filepath.Join(t.TempDir(), "missing.json")); err == nil {
			t.Error("no error")
		}
	})
}
