package engine_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/predmet/predmet/auth/oidctest"
	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/engine"
	"github.com/predmet/predmet/intake"
	"github.com/predmet/predmet/internal/testkit/devstack"
)

// browser is a person's browser on predmet: it keeps cookies and does not follow redirects, so that a
// test sees each step.
type browser struct {
	tb   testing.TB
	base string
	c    *http.Client
}

func newBrowser(tb testing.TB, base string) *browser {
	tb.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return &browser{tb: tb, base: base, c: &http.Client{
		Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// do sends a request to path on predmet, as a page of predmet's own would (Sec-Fetch-Site
// same-origin) unless header says otherwise, and returns the response with its body read.
func (b *browser) do(method, path string, form url.Values, header ...string) (*http.Response, string) {
	b.tb.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.tb.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(resp.Body)
	return resp, string(text)
}

// devSignIn signs in as person with the development sign-in's button.
func (b *browser) devSignIn(person string) {
	b.tb.Helper()
	resp, body := b.do(http.MethodPost, "/signin/dev", url.Values{"person": {person}, "next": {"/api/v1/me"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/api/v1/me" {
		b.tb.Fatalf("development sign-in as %s: %s, Location %q\n%s", person, resp.Status, resp.Header.Get("Location"), body)
	}
}

// sessionCookie returns the browser's session cookie, or nil.
func (b *browser) sessionCookie() *http.Cookie {
	u, _ := url.Parse(b.base)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "predmet_session" {
			return c
		}
	}
	return nil
}

// me is what GET /api/v1/me answers.
type me struct {
	domain.StaffUser
	Via       string `json:"via"`
	DevSignIn bool   `json:"devSignIn"`
}

// me asks the API who the browser's session is; the status and, for 200, the answer.
func (b *browser) me() (int, me) {
	b.tb.Helper()
	resp, body := b.do(http.MethodGet, "/api/v1/me", nil)
	var m me
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal([]byte(body), &m); err != nil {
			b.tb.Fatalf("GET /api/v1/me: %v\n%s", err, body)
		}
	}
	return resp.StatusCode, m
}

// TestDevSignIn signs in to `predmet dev` with the development sign-in and calls the API with the
// session: the dev user is the same person by token and by session, a sector head is the directory's,
// a cross-site request with the cookie is refused, and an admin ends a person's sessions.
func TestDevSignIn(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the dev stack")
	}
	t.Parallel()
	e := devstack.MustStart(t)
	base := e.BaseURL()
	if want := "http://" + e.APIAddress(); base != want {
		t.Fatalf("BaseURL = %q, want the API's address %q", base, want)
	}
	api := newAPIClient(t, e)

	t.Run("SignInPage", func(t *testing.T) {
		resp, body := newBrowser(t, base).do(http.MethodGet, "/signin", nil, "Accept-Language", "en")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /signin: %s\n%s", resp.Status, body)
		}
		for _, want := range []string{"Development sign-in", `value="dev"`, `value="goran.mitrevski"`, `value="ana.petrovska"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the sign-in page does not show %q", want)
			}
		}
	})
	t.Run("OK_SameDevUser", func(t *testing.T) {
		b := newBrowser(t, base)
		if status, _ := b.me(); status != http.StatusUnauthorized {
			t.Errorf("GET /api/v1/me before signing in = %d, want 401", status)
		}
		b.devSignIn(engine.DevUser)
		c := b.sessionCookie()
		if c == nil {
			t.Fatal("no session cookie after signing in")
		}
		status, bySession := b.me()
		if status != http.StatusOK {
			t.Fatalf("GET /api/v1/me with the session = %d", status)
		}
		res := api.do(http.MethodGet, "/api/v1/me", nil, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("GET /api/v1/me with the dev token = %d %s", res.Status, res.Body)
		}
		var byToken me
		res.decode(t, &byToken)
		if bySession.Via != "session" || !bySession.DevSignIn || byToken.Via != "token" || byToken.DevSignIn {
			t.Errorf("doors: session %q (dev %v), token %q (dev %v)", bySession.Via, bySession.DevSignIn, byToken.Via, byToken.DevSignIn)
		}
		if bySession.ID != engine.DevUser || bySession.Name != byToken.Name || bySession.Email != byToken.Email ||
			bySession.Language != byToken.Language || !slices.Equal(bySession.Roles, domain.Roles) || !slices.Equal(byToken.Roles, domain.Roles) {
			t.Errorf("by session %+v, by token %+v: not the same person with every role", bySession.StaffUser, byToken.StaffUser)
		}
		if byToken.Email != "dev@opstina-primer.example" {
			t.Errorf("the token's user has the address %q, not the directory's", byToken.Email)
		}
	})
	t.Run("OK_SectorHead", func(t *testing.T) {
		b := newBrowser(t, base)
		b.devSignIn("goran.mitrevski")
		status, m := b.me()
		if status != http.StatusOK || m.Name != "Горан Митревски" || m.Sector != "urbanism" || !slices.Equal(m.Roles, []domain.Role{domain.RoleSectorHead}) {
			t.Fatalf("GET /api/v1/me = %d %+v, want Горан Митревски, sector head of urbanism", status, m)
		}
		// The session's roles decide what it may do through the API.
		resp, body := b.do(http.MethodPost, "/api/v1/cases", nil, "Content-Type", "application/json")
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, `"code":"forbidden"`) {
			t.Errorf("a sector head opening a case = %s %s, want 403", resp.Status, body)
		}
	})
	t.Run("ErrCrossSite", func(t *testing.T) {
		b := newBrowser(t, base)
		b.devSignIn(engine.DevUser)
		resp, body := b.do(http.MethodPost, "/api/v1/clocks/suspend", nil, "Sec-Fetch-Site", "cross-site", "Content-Type", "application/json", "Accept-Language", "en")
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "another site") {
			t.Errorf("a cross-site request with the session = %s %s, want 403", resp.Status, body)
		}
		resp, body = b.do(http.MethodPost, "/signin/dev", url.Values{"person": {"ana.petrovska"}}, "Sec-Fetch-Site", "cross-site")
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a cross-site development sign-in = %s %s, want 403", resp.Status, body)
		}
	})
	t.Run("OK_EndSessions", func(t *testing.T) {
		phone, desk := newBrowser(t, base), newBrowser(t, base)
		phone.devSignIn("jovana.kostadinova")
		desk.devSignIn("jovana.kostadinova")
		res := api.do(http.MethodPost, "/api/v1/sessions/jovana.kostadinova/end", nil, nil)
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), `"ended":2`) {
			t.Fatalf("end Jovana's sessions: %d %s, want 2 ended", res.Status, res.Body)
		}
		for _, b := range []*browser{phone, desk} {
			if status, _ := b.me(); status != http.StatusUnauthorized {
				t.Errorf("GET /api/v1/me after the sessions ended = %d, want 401", status)
			}
		}
		// Only an admin ends sessions.
		head := newBrowser(t, base)
		head.devSignIn("goran.mitrevski")
		if resp, body := head.do(http.MethodPost, "/api/v1/sessions/dev/end", nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a sector head ending the dev user's sessions = %s %s, want 403", resp.Status, body)
		}
	})
	t.Run("SessionFile", func(t *testing.T) {
		fi, err := os.Stat(filepath.Join(e.Dir, "sessions.db"))
		if err != nil {
			t.Fatal(err)
		}
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("sessions.db has mode %v, want 0600", mode)
		}
	})
}

// TestLeftDirectory removes a signed-in person from the organisation directory: their next request
// is refused and their session is over, while everyone else's goes on.
func TestLeftDirectory(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the dev stack")
	}
	t.Parallel()
	dirFile := filepath.Join(t.TempDir(), "directory.json")
	sample, err := os.ReadFile(devstack.SampleDirectory)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dirFile, sample, 0o600); err != nil {
		t.Fatal(err)
	}
	e := devstack.MustStart(t, func(c *engine.Config) { c.DirectoryFile = dirFile })
	leaving, staying := newBrowser(t, e.BaseURL()), newBrowser(t, e.BaseURL())
	leaving.devSignIn("stefan.kostovski")
	staying.devSignIn("ana.petrovska")
	before, err := e.Sessions().Count(t.Context())
	if err != nil {
		t.Fatal(err)
	}

	// Stefan leaves the department: the directory without him.
	var doc map[string]any
	if err := json.Unmarshal(sample, &doc); err != nil {
		t.Fatal(err)
	}
	dept := doc["department"].(map[string]any)
	officers := dept["officers"].([]any)
	dept["officers"] = slices.DeleteFunc(officers, func(p any) bool { return p.(map[string]any)["id"] == "stefan.kostovski" })
	b, _ := json.Marshal(doc)
	if err := os.WriteFile(dirFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if res := newAPIClient(t, e).do(http.MethodPost, "/api/v1/directory/reload", nil, nil); res.Status != http.StatusOK {
		t.Fatalf("reload the directory: %d %s", res.Status, res.Body)
	}

	if status, _ := leaving.me(); status != http.StatusForbidden {
		t.Errorf("GET /api/v1/me of someone who left = %d, want 403", status)
	}
	if status, _ := leaving.me(); status != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/me again = %d, want 401: the session is over", status)
	}
	if status, m := staying.me(); status != http.StatusOK || m.ID != "ana.petrovska" {
		t.Errorf("GET /api/v1/me of someone who stayed = %d %+v", status, m)
	}
	if after, err := e.Sessions().Count(t.Context()); err != nil || after != before-1 {
		t.Errorf("sessions: %d before, %d after (%v), want one fewer", before, after, err)
	}
}

// TestStaffFileAndDirectory gives API tokens to people of the directory through a staff file that
// disagrees with it: a token's user is the directory's person, a token for another sector than the
// person's is refused, and /readyz shows every disagreement.
func TestStaffFileAndDirectory(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the dev stack")
	}
	t.Parallel()
	staffFile := filepath.Join(t.TempDir(), "staff.json")
	tokens := map[string]string{}
	var users []string
	for _, u := range []struct{ id, name, roles, extra string }{
		{"besa.osmani", "Besa Osmani-Hoxha", `["sector_head"]`, `"language": "mk", "sector": "finance"`},
		{"goran.mitrevski", "Горан Митревски", `["sector_head"]`, `"sector": "finance"`},
		{"web-form", "Web form", `["intake"]`, `"language": "mk"`},
		{engine.DevUser, "Developer", `["admin"]`, `"language": "mk"`},
	} {
		token, hash := intake.NewToken()
		tokens[u.id] = token
		users = append(users, fmt.Sprintf(`{"id": %q, "name": %q, "roles": %s, %s, "tokenSha256": %q}`, u.id, u.name, u.roles, u.extra, hash))
	}
	if err := os.WriteFile(staffFile, []byte(`{"users": [`+strings.Join(users, ",\n")+`]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	e := devstack.MustStart(t, func(c *engine.Config) { c.StaffFile = staffFile })
	as := func(id string) *apiClient {
		return &apiClient{tb: t, base: "http://" + e.APIAddress(), token: tokens[id]}
	}

	t.Run("OK_DirectorysPerson", func(t *testing.T) {
		res := as("besa.osmani").do(http.MethodGet, "/api/v1/me", nil, nil)
		var m me
		res.decode(t, &m)
		if res.Status != http.StatusOK || m.Name != "Besa Osmani" || m.Language != domain.Albanian || m.Email != "besa.osmani@opstina-primer.example" ||
			m.Sector != "finance" || m.Via != "token" {
			t.Errorf("GET /api/v1/me with Besa's token = %d %+v, want the directory's name, language and address", res.Status, m)
		}
	})
	t.Run("OK_Machine", func(t *testing.T) {
		res := as("web-form").do(http.MethodGet, "/api/v1/me", nil, nil)
		var m me
		res.decode(t, &m)
		if res.Status != http.StatusOK || m.Name != "Web form" || m.Email != "" {
			t.Errorf("GET /api/v1/me with the web form's token = %d %+v, want the staff file's user", res.Status, m)
		}
	})
	t.Run("ErrOtherSector", func(t *testing.T) {
		res := as("goran.mitrevski").do(http.MethodGet, "/api/v1/requests?sector=finance", nil, map[string]string{"Accept-Language": "en"})
		if res.Status != http.StatusForbidden || !strings.Contains(string(res.Body), `the head of the sector \"finance\"`) {
			t.Errorf("Goran's token for the finance sector = %d %s, want 403 naming the sector", res.Status, res.Body)
		}
	})
	t.Run("Readyz", func(t *testing.T) {
		res := as("dev").do(http.MethodGet, "/readyz", nil, nil)
		var ready struct {
			Details struct {
				Staff struct {
					Users         int `json:"users"`
					Disagreements []struct {
						UserID string `json:"userId"`
						Field  string `json:"field"`
					} `json:"disagreements"`
				} `json:"staff"`
			} `json:"details"`
		}
		res.decode(t, &ready)
		var got []string
		for _, d := range ready.Details.Staff.Disagreements {
			got = append(got, d.UserID+" "+d.Field)
		}
		want := []string{"besa.osmani name", "besa.osmani language", "goran.mitrevski sector", "web-form id"}
		if res.Status != http.StatusOK || ready.Details.Staff.Users != 4 || !slices.Equal(got, want) {
			t.Errorf("/readyz = %d, staff %d users, disagreements %q; want 4 users and %q\n%s", res.Status, ready.Details.Staff.Users, got, want, res.Body)
		}
		if strings.Contains(string(res.Body), "Osmani") {
			t.Errorf("/readyz shows people's names:\n%s", res.Body)
		}
	})
}

// freePort returns a port that was free a moment ago, for a server whose address the identity
// provider must know before it starts.
func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestOIDCSignIn runs `predmet dev` with an identity provider (a real one, in-process): staff sign in
// to predmet through it and reach the API with their session, as the directory's people with the
// roles of their positions and groups; the development sign-in is off; the embedded Temporal Web UI
// is behind the same provider and client; signing out ends the session.
func TestOIDCSignIn(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the dev stack")
	}
	t.Parallel()
	apiPort, uiPort := freePort(t), freePort(t)
	base, ui := fmt.Sprintf("http://127.0.0.1:%d", apiPort), fmt.Sprintf("http://127.0.0.1:%d", uiPort)
	provider := oidctest.Start(t, []oidctest.User{
		{Subject: "u-ana", Username: "ana", Email: "ana.petrovska@opstina-primer.example"},
		{Subject: "u-ilina", Username: "ilina", Email: "ilina.ristovska@opstina-primer.example", Groups: []string{"predmet-admins"}},
		{Subject: "u-stranger", Username: "stranger", Email: "stranger@opstina-primer.example", Groups: []string{"predmet-admins"}},
	}, oidctest.Client{
		ID: "predmet", Secret: "s3cret",
		RedirectURIs:           []string{base + "/signin/callback", ui + "/auth/sso/callback"},
		PostLogoutRedirectURIs: []string{base + "/signin?out=1"},
	})
	authFile := filepath.Join(t.TempDir(), "auth.json")
	config := fmt.Sprintf(`{"oidc": {"issuer": %q, "clientId": "predmet", "label": "Општина Пример"}, "groups": {"predmet-admins": ["admin"]}}`, provider.Issuer)
	if err := os.WriteFile(authFile, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	e := devstack.MustStart(t, func(c *engine.Config) {
		c.APIAddr, c.UIPort = fmt.Sprintf("127.0.0.1:%d", apiPort), uiPort
		c.AuthFile, c.OIDCClientSecret = authFile, "s3cret"
	})
	if e.BaseURL() != base || e.UIAddress() != ui {
		t.Fatalf("predmet at %s, its UI at %s; want %s and %s", e.BaseURL(), e.UIAddress(), base, ui)
	}

	// signIn signs username in at the provider from predmet's sign-in, and comes back to /api/v1/me.
	signIn := func(t *testing.T, b *browser, username string) *http.Response {
		t.Helper()
		back := provider.SignIn(t, b.c, base+"/signin?next=/api/v1/me", username)
		if back.Path != "/signin/callback" {
			t.Fatalf("the provider sent %s back to %s", username, back)
		}
		resp, _ := b.do(http.MethodGet, back.RequestURI(), nil, "Accept-Language", "en")
		return resp
	}
	t.Run("OK_Officer", func(t *testing.T) {
		b := newBrowser(t, base)
		if resp := signIn(t, b, "ana"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/api/v1/me" {
			t.Fatalf("the callback = %s to %q, want 303 to /api/v1/me", resp.Status, resp.Header.Get("Location"))
		}
		status, m := b.me()
		if status != http.StatusOK || m.ID != "ana.petrovska" || m.Name != "Ана Петровска" || m.Via != "session" || m.DevSignIn ||
			!slices.Equal(m.Roles, []domain.Role{domain.RoleIntake, domain.RoleOfficer}) {
			t.Errorf("GET /api/v1/me = %d %+v, want Ана Петровска, intake and officer, by a session that is no development sign-in", status, m)
		}

		// Signing out ends the session here and at the provider.
		resp, _ := b.do(http.MethodPost, "/signout", nil)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), provider.Issuer) {
			t.Errorf("POST /signout = %s to %q, want 303 to the provider", resp.Status, resp.Header.Get("Location"))
		}
		if status, _ := b.me(); status != http.StatusUnauthorized {
			t.Errorf("GET /api/v1/me after signing out = %d, want 401", status)
		}
	})
	t.Run("OK_GroupRoles", func(t *testing.T) {
		b := newBrowser(t, base)
		signIn(t, b, "ilina")
		status, m := b.me()
		if status != http.StatusOK || !slices.Equal(m.Roles, []domain.Role{domain.RoleSupervisor, domain.RoleAdmin}) {
			t.Errorf("GET /api/v1/me = %d %+v, want the department's head as supervisor, and admin by her group", status, m)
		}
	})
	t.Run("ErrNotInDirectory", func(t *testing.T) {
		b := newBrowser(t, base)
		if resp := signIn(t, b, "stranger"); resp.StatusCode != http.StatusForbidden || b.sessionCookie() != nil {
			t.Errorf("the callback for someone the directory does not hold = %s, want 403 and no session", resp.Status)
		}
	})
	t.Run("ErrDevSignInOff", func(t *testing.T) {
		resp, _ := newBrowser(t, base).do(http.MethodPost, "/signin/dev", url.Values{"person": {engine.DevUser}})
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("the development sign-in with a provider = %s, want 404", resp.Status)
		}
	})
	t.Run("WebUI", func(t *testing.T) {
		list := ui + "/api/v1/namespaces/predmet/workflows"
		resp, err := http.Get(list)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("the UI's API without signing in = %s, want 401", resp.Status)
		}
		// The UI's own sign-in goes through the same provider and client.
		b := newBrowser(t, ui)
		back := provider.SignIn(t, b.c, ui+"/auth/sso", "ilina")
		if back.Path != "/auth/sso/callback" {
			t.Fatalf("the provider sent the UI's browser back to %s", back)
		}
		resp, _ = b.do(http.MethodGet, back.RequestURI(), nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("the UI's callback = %s, want 303", resp.Status)
		}
		// The UI's page reads the tokens from the cookies user0, user1, … and sends them with every
		// call of the UI's API, as the browser's UI does; the session's start is in another cookie.
		u, _ := url.Parse(ui)
		var encoded strings.Builder
		for i := 0; ; i++ {
			c := cookieNamed(b.c.Jar.Cookies(u), fmt.Sprintf("user%d", i))
			if c == nil {
				break
			}
			encoded.WriteString(c.Value)
		}
		raw, err := base64.StdEncoding.DecodeString(encoded.String())
		var tokens struct{ AccessToken, IDToken string }
		if err == nil {
			err = json.Unmarshal(raw, &tokens)
		}
		if err != nil || tokens.IDToken == "" {
			t.Fatalf("the UI's sign-in left no tokens in its cookies (%v): %s", err, raw)
		}
		call := func(b *browser) int {
			resp, _ := b.do(http.MethodGet, "/api/v1/namespaces/predmet/workflows", nil,
				"Authorization", "Bearer "+tokens.AccessToken, "Authorization-Extras", tokens.IDToken)
			return resp.StatusCode
		}
		if got := call(b); got != http.StatusOK {
			t.Errorf("the UI's API, signed in = %d, want 200", got)
		}
		// The same tokens from another browser, whose session did not start at the UI's sign-in,
		// are refused: the UI ends its sessions as predmet does (sessions.maxAge).
		if got := call(newBrowser(t, ui)); got != http.StatusUnauthorized {
			t.Errorf("the UI's API with the tokens alone = %d, want 401", got)
		}
	})
}

// cookieNamed returns the cookie of that name, or nil.
func cookieNamed(cookies []*http.Cookie, name string) *http.Cookie {
	for _, c := range cookies {
		if c.Name == name {
			return c
		}
	}
	return nil
}
