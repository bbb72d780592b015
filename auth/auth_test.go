package auth_test

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/mux"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/predmet/predmet/auth"
	"github.com/predmet/predmet/auth/oidctest"
	"github.com/predmet/predmet/directory"
	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
)

// exampleDirectory is the sample directory that ships with predmet.
const exampleDirectory = "../deploy/directory/example.json"

// The identity provider's users: people of the sample directory, and one it does not hold.
var providerUsers = []oidctest.User{
	{Subject: "u-ana", Username: "ana", Email: "Ana.Petrovska@opstina-primer.example", Groups: []string{"staff"}},
	{Subject: "u-ilina", Username: "ilina", Email: "ilina.ristovska@opstina-primer.example", Groups: []string{"staff", "/predmet/predmet-admins"}},
	{Subject: "u-goran", Username: "goran", Email: "goran.mitrevski@opstina-primer.example"},
	{Subject: "u-jovana", Username: "jovana", Email: "jovana.kostadinova@opstina-primer.example", Claims: map[string]any{"sector": "communal"}},
	{Subject: "u-stranger", Username: "stranger", Email: "stranger@opstina-primer.example", Groups: []string{"predmet-admins"}},
	{Subject: "u-unverified", Username: "unverified", Email: "elena.dimitrova@opstina-primer.example", EmailUnverified: true},
}

// env is predmet's sign-in on a test server, and the identity provider it trusts.
type env struct {
	srv      *httptest.Server
	provider *oidctest.Provider
	auth     *auth.Auth
	sessions *auth.SessionStore
	dir      *directory.Holder
	clock    *clock
	swap     *tokenSwap
	logs     *observer.ObservedLogs
}

// tokenSwap is predmet's way to the identity provider. Given an ID token, it puts it in the provider's
// token responses in place of the one the provider issued: what a broken or compromised provider, or
// a proxy between, might answer.
type tokenSwap struct {
	mu      sync.Mutex
	idToken string
}

func (s *tokenSwap) set(idToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.idToken = idToken
}

func (s *tokenSwap) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	s.mu.Lock()
	swap := s.idToken
	s.mu.Unlock()
	if err != nil || swap == "" || !strings.HasSuffix(req.URL.Path, "/token") {
		return resp, err
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, err
	}
	body["id_token"] = swap
	b, _ := json.Marshal(body)
	resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// envOptions change what MustStart starts.
type envOptions struct {
	noProvider bool
	dev        bool
	dirFile    string
	cfg        func(*auth.Config)
}

// MustStart starts an identity provider and predmet's sign-in with a protected page /whoami (GET, and
// POST as a form's target) that answers the signed-in user as JSON.
func MustStart(tb testing.TB, o envOptions) *env {
	tb.Helper()
	e := &env{clock: &clock{t: time.Now()}, swap: &tokenSwap{}}
	core, logs := observer.New(zap.InfoLevel)
	e.logs = logs
	var handler http.Handler
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	tb.Cleanup(e.srv.Close)

	cfg := &auth.Config{
		Groups:   map[string][]domain.Role{"predmet-admins": {domain.RoleAdmin}},
		Sessions: auth.Sessions{Idle: auth.Duration(30 * time.Minute), MaxAge: auth.Duration(2 * time.Hour)},
	}
	if !o.noProvider {
		e.provider = oidctest.Start(tb, providerUsers, oidctest.Client{
			ID: "predmet", Secret: "s3cret",
			RedirectURIs:           []string{e.srv.URL + auth.PathCallback},
			PostLogoutRedirectURIs: []string{e.srv.URL + auth.PathSignIn + "?out=1"},
		}, oidctest.Client{ID: "other-app", Secret: "other", RedirectURIs: []string{"http://127.0.0.1:9/callback"}})
		cfg.OIDC = &auth.OIDC{Issuer: e.provider.Issuer, ClientID: "predmet", ClientSecret: "s3cret", SectorClaim: "sector"}
	}
	if o.cfg != nil {
		o.cfg(cfg)
	}
	dirFile := o.dirFile
	if dirFile == "" {
		dirFile = exampleDirectory
	}
	var err error
	if e.dir, err = directory.Open(dirFile, nil); err != nil {
		tb.Fatal(err)
	}
	e.sessions = MustOpenSessions(tb)
	e.auth, err = auth.New(auth.Options{
		Config: cfg, BaseURL: e.srv.URL, Directory: e.dir, Sessions: e.sessions,
		DevSignIn: o.dev, DevUser: "dev", Now: e.clock.Now,
		HTTPClient: &http.Client{Transport: e.swap, Timeout: 30 * time.Second}, Logger: zap.New(core),
	})
	if err != nil {
		tb.Fatal(err)
	}
	r := mux.NewRouter()
	e.auth.Register(r)
	pages := r.NewRoute().Subrouter()
	pages.Use(e.auth.RequireUser)
	pages.HandleFunc("/whoami", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(whoami{User: auth.UserFrom(r.Context()), Dev: auth.SessionFrom(r.Context()).Dev()})
	}).Methods(http.MethodGet, http.MethodPost)
	handler = r
	return e
}

// MustOpenSessions opens a session store in a temporary directory.
func MustOpenSessions(tb testing.TB) *auth.SessionStore {
	tb.Helper()
	s, err := auth.OpenSessions(filepath.Join(tb.TempDir(), "sessions.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// whoami is what /whoami answers.
type whoami struct {
	User *domain.StaffUser `json:"user"`
	Dev  bool              `json:"dev"`
}

// newBrowser returns an HTTP client with a cookie jar that does not follow redirects out of the
// test's servers by itself.
func newBrowser(tb testing.TB) *http.Client {
	tb.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 30 * time.Second}
}

// signIn signs username in at the provider, starting from predmet's /signin, and returns the URL the
// provider sends the browser back to.
func (e *env) signIn(tb testing.TB, b *http.Client, username string) *url.URL {
	tb.Helper()
	return e.provider.SignIn(tb, b, e.srv.URL+auth.PathSignIn+"?next=/whoami", username)
}

// get requests u with b, following redirects, and returns the final response's status and body.
func get(tb testing.TB, b *http.Client, u string, header ...string) (*http.Response, string) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.Do(req)
	if err != nil {
		tb.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// mustWhoami signs username in and returns whom /whoami says is signed in.
func (e *env) mustWhoami(tb testing.TB, b *http.Client, username string) *domain.StaffUser {
	tb.Helper()
	resp, body := get(tb, b, e.signIn(tb, b, username).String())
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/whoami" {
		tb.Fatalf("sign-in of %s ended at %s with %s:\n%s", username, resp.Request.URL, resp.Status, body)
	}
	var w whoami
	if err := json.Unmarshal([]byte(body), &w); err != nil {
		tb.Fatal(err)
	}
	if w.Dev {
		tb.Errorf("%s: the session says it came from the development sign-in", username)
	}
	return w.User
}

// noRedirect is a copy of b that stops at the first redirect.
func noRedirect(b *http.Client) *http.Client {
	c := *b
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// sessionCookie returns b's session cookie for the server, or nil.
func (e *env) sessionCookie(b *http.Client) *http.Cookie {
	u, _ := url.Parse(e.srv.URL)
	for _, c := range b.Jar.Cookies(u) {
		if c.Name == "predmet_session" {
			return c
		}
	}
	return nil
}

func TestSignIn(t *testing.T) {
	e := MustStart(t, envOptions{})

	t.Run("OK", func(t *testing.T) {
		b := newBrowser(t)
		// The way to the provider carries PKCE (S256), a state and a nonce.
		resp, err := noRedirect(b).Get(e.srv.URL + auth.PathSignIn + "?next=/whoami")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		q := loc.Query()
		if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc.String(), e.provider.Issuer) {
			t.Fatalf("GET /signin = %s to %s, want a redirect to the provider", resp.Status, loc)
		}
		if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) < 43 || q.Get("state") == "" || q.Get("nonce") == "" ||
			q.Get("response_type") != "code" || q.Get("client_id") != "predmet" || !strings.Contains(q.Get("scope"), "openid") {
			t.Errorf("authorization request %v lacks PKCE S256, state, nonce, the code flow or the openid scope", q)
		}

		u := e.mustWhoami(t, newBrowser(t), "ana")
		want := &domain.StaffUser{ID: "ana.petrovska", Name: "Ана Петровска", Email: "ana.petrovska@opstina-primer.example",
			Language: domain.Macedonian, Roles: []domain.Role{domain.RoleIntake, domain.RoleOfficer}}
		if !equalUsers(u, want) {
			t.Errorf("signed in as %+v, want %+v", u, want)
		}
	})

	t.Run("GroupsToRoles", func(t *testing.T) {
		// The department's head supervises by her position; her group (written as a path) adds admin.
		u := e.mustWhoami(t, newBrowser(t), "ilina")
		if want := []domain.Role{domain.RoleSupervisor, domain.RoleAdmin}; u.ID != "ilina.ristovska" || !slices.Equal(u.Roles, want) {
			t.Errorf("ilina: %s with roles %v, want ilina.ristovska with %v", u.ID, u.Roles, want)
		}
		// A sector head answers for the unit she heads.
		u = e.mustWhoami(t, newBrowser(t), "goran")
		if u.ID != "goran.mitrevski" || !slices.Equal(u.Roles, []domain.Role{domain.RoleSectorHead}) || u.Sector != "urbanism" {
			t.Errorf("goran: %s with roles %v in %q, want goran.mitrevski, sector_head in urbanism", u.ID, u.Roles, u.Sector)
		}
		// The sector claim names another unit than the one she deputises.
		u = e.mustWhoami(t, newBrowser(t), "jovana")
		if u.Sector != "communal" || !slices.Equal(u.Roles, []domain.Role{domain.RoleSectorHead}) {
			t.Errorf("jovana: roles %v in %q, want sector_head in communal (her sector claim)", u.Roles, u.Sector)
		}
	})

	t.Run("ClaimsFromUserInfo", func(t *testing.T) {
		e.provider.SetClaimsInIDToken(false)
		defer e.provider.SetClaimsInIDToken(true)
		u := e.mustWhoami(t, newBrowser(t), "ilina")
		if u.ID != "ilina.ristovska" || !u.HasRole(domain.RoleAdmin) {
			t.Errorf("with the claims at the UserInfo endpoint only: %s with %v, want ilina.ristovska with admin", u.ID, u.Roles)
		}
	})

	refused := func(t *testing.T, b *http.Client, back *url.URL, status int, wantText string) {
		t.Helper()
		resp, body := get(t, b, back.String(), "Accept-Language", "sq")
		if resp.StatusCode != status {
			t.Errorf("callback = %s, want %d", resp.Status, status)
		}
		if !strings.Contains(body, html.EscapeString(wantText)) {
			t.Errorf("the page does not say %q:\n%s", wantText, body)
		}
		if c := e.sessionCookie(b); c != nil {
			t.Errorf("a refused sign-in set the session cookie %v", c)
		}
		if resp, _ := get(t, noRedirect(b), e.srv.URL+"/whoami"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("after a refused sign-in, /whoami = %s, want 303 to the sign-in", resp.Status)
		}
	}

	t.Run("ErrUnknownPerson", func(t *testing.T) {
		b := newBrowser(t)
		// The page says why in the reader's language (Albanian here), without her address in logs.
		refused(t, b, e.signIn(t, b, "stranger"), http.StatusForbidden,
			i18n.Translate(domain.Albanian, "%s is not in the municipality's organisation directory, so predmet does not know you. Ask the department to add you to the directory.", "stranger@opstina-primer.example"))
	})

	t.Run("ErrUnverifiedEmail", func(t *testing.T) {
		b := newBrowser(t)
		refused(t, b, e.signIn(t, b, "unverified"), http.StatusForbidden,
			i18n.Translate(domain.Albanian, "The sign-in service has not verified the address %s.", "elena.dimitrova@opstina-primer.example"))
	})

	t.Run("ErrWrongAudience", func(t *testing.T) {
		// A genuine ID token of the provider, issued to another application.
		other, _ := e.provider.Tokens(t, "other-app", "ana").Extra("id_token").(string)
		e.swap.set(other)
		defer e.swap.set("")
		b := newBrowser(t)
		refused(t, b, e.signIn(t, b, "ana"), http.StatusForbidden,
			i18n.Translate(domain.Albanian, "The sign-in service's answer could not be verified, so predmet refused it. Sign in again."))
		if !e.logged("sign-in refused: ID token not accepted", "expected audience \"predmet\"") {
			t.Error("the refusal was not for the audience")
		}
	})

	t.Run("ErrOtherAudienceAuthorized", func(t *testing.T) {
		// Several audiences, predmet's among them, but authorized for another party (azp).
		e.provider.SetAudience("other-app")
		defer e.provider.SetAudience()
		b := newBrowser(t)
		if u := e.mustWhoami(t, b, "ana"); u.ID != "ana.petrovska" {
			t.Errorf("with audiences [other-app predmet] authorized for predmet: %s", u.ID)
		}
	})

	t.Run("ErrReplayedIDToken", func(t *testing.T) {
		// A genuine ID token for predmet, but from another sign-in: its nonce is not this one's.
		replayed, _ := e.provider.Tokens(t, "predmet", "ilina").Extra("id_token").(string)
		e.swap.set(replayed)
		defer e.swap.set("")
		b := newBrowser(t)
		refused(t, b, e.signIn(t, b, "ana"), http.StatusForbidden,
			i18n.Translate(domain.Albanian, "The sign-in service's answer could not be verified, so predmet refused it. Sign in again."))
		if !e.logged("sign-in refused: ID token not accepted", "nonce") {
			t.Error("the refusal was not for the nonce")
		}
	})

	t.Run("ErrExpiredToken", func(t *testing.T) {
		e.provider.SetIDTokenLifetime(-time.Minute)
		defer e.provider.SetIDTokenLifetime(time.Hour)
		b := newBrowser(t)
		refused(t, b, e.signIn(t, b, "ana"), http.StatusForbidden,
			i18n.Translate(domain.Albanian, "The sign-in service's answer could not be verified, so predmet refused it. Sign in again."))
		if !e.logged("sign-in refused: ID token not accepted", "token is expired") {
			t.Error("the refusal was not for the expiry")
		}
	})

	t.Run("ErrTamperedState", func(t *testing.T) {
		b := newBrowser(t)
		back := e.signIn(t, b, "ana")
		q := back.Query()
		q.Set("state", q.Get("state")+"x")
		back.RawQuery = q.Encode()
		refused(t, b, back, http.StatusBadRequest,
			i18n.Translate(domain.Albanian, "This sign-in has expired or was not started in this browser. Sign in again."))
	})

	t.Run("ErrOtherBrowser", func(t *testing.T) {
		// Login forgery: the attacker's own callback URL, opened in the victim's browser.
		back := e.signIn(t, newBrowser(t), "stranger")
		refused(t, newBrowser(t), back, http.StatusBadRequest,
			i18n.Translate(domain.Albanian, "This sign-in has expired or was not started in this browser. Sign in again."))
	})

	t.Run("ErrReplayedCallback", func(t *testing.T) {
		b := newBrowser(t)
		back := e.signIn(t, b, "ana")
		// The first use signs in; the same state and code once more do not.
		if resp, _ := get(t, b, back.String()); resp.StatusCode != http.StatusOK {
			t.Fatalf("sign-in: %s", resp.Status)
		}
		jar, _ := cookiejar.New(nil)
		b.Jar = jar
		u, _ := url.Parse(e.srv.URL + auth.PathCallback)
		b.Jar.SetCookies(u, []*http.Cookie{{Name: "predmet_signin", Value: back.Query().Get("state"), Path: auth.PathCallback}})
		refused(t, b, back, http.StatusBadRequest,
			i18n.Translate(domain.Albanian, "This sign-in has expired or was not started in this browser. Sign in again."))
	})

	t.Run("NextStaysOnSite", func(t *testing.T) {
		b := newBrowser(t)
		back := e.provider.SignIn(t, b, e.srv.URL+auth.PathSignIn+"?next="+url.QueryEscape("//evil.example/x"), "ana")
		resp, err := noRedirect(b).Get(back.String())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/" {
			t.Errorf("callback = %s to %q, want 303 to /", resp.Status, loc)
		}
	})
}

func TestSessionCookie(t *testing.T) {
	e := MustStart(t, envOptions{})
	b := newBrowser(t)
	back := e.signIn(t, b, "ana")
	resp, err := noRedirect(b).Get(back.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var c *http.Cookie
	for _, x := range resp.Cookies() {
		if x.Name == "predmet_session" {
			c = x
		}
	}
	if c == nil {
		t.Fatalf("the callback (%s) set no session cookie: %v", resp.Status, resp.Header["Set-Cookie"])
	}
	// Not readable from script, not sent with cross-site subrequests, not Secure over plain http.
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure || c.Path != "/" || len(c.Value) < 43 {
		t.Errorf("session cookie %+v, want HttpOnly, SameSite=Lax, not Secure on http, Path=/, 32 random bytes", c)
	}

	t.Run("SecureOnHTTPS", func(t *testing.T) {
		a, err := auth.New(auth.Options{BaseURL: "https://predmet.opstina-primer.example", Directory: e.dir,
			Sessions: MustOpenSessions(t), DevSignIn: true, DevUser: "dev"})
		if err != nil {
			t.Fatal(err)
		}
		r := mux.NewRouter()
		a.Register(r)
		req := httptest.NewRequest(http.MethodPost, "https://predmet.opstina-primer.example"+auth.PathDev, strings.NewReader("person=dev"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		cookies := rec.Result().Cookies()
		if rec.Code != http.StatusSeeOther || len(cookies) != 1 {
			t.Fatalf("dev sign-in = %d with cookies %v", rec.Code, cookies)
		}
		if c := cookies[0]; c.Name != "__Host-predmet_session" || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" {
			t.Errorf("session cookie on https %+v, want __Host-predmet_session, Secure, HttpOnly, SameSite=Lax, Path=/, no Domain", c)
		}
	})

	t.Run("SignInCookieOnHTTPS", func(t *testing.T) {
		a, err := auth.New(auth.Options{BaseURL: "https://predmet.opstina-primer.example", Directory: e.dir, Sessions: MustOpenSessions(t),
			Config: &auth.Config{OIDC: &auth.OIDC{Issuer: e.provider.Issuer, ClientID: "predmet", ClientSecret: "s3cret"}}})
		if err != nil {
			t.Fatal(err)
		}
		r := mux.NewRouter()
		a.Register(r)
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "https://predmet.opstina-primer.example"+auth.PathSignIn, nil))
		cookies := rec.Result().Cookies()
		if rec.Code != http.StatusFound || len(cookies) != 1 {
			t.Fatalf("GET /signin = %d with cookies %v", rec.Code, cookies)
		}
		// A __Host- cookie must have the path /, so the sign-in's, kept to the callback, is __Secure-.
		if c := cookies[0]; c.Name != "__Secure-predmet_signin" || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode ||
			c.Path != auth.PathCallback || c.MaxAge <= 0 || c.MaxAge > 900 {
			t.Errorf("sign-in cookie on https %+v, want __Secure-predmet_signin, Secure, HttpOnly, Lax, on the callback's path, for 15 minutes at most", c)
		}
	})
}

func TestSignOut(t *testing.T) {
	e := MustStart(t, envOptions{})
	b := newBrowser(t)
	e.mustWhoami(t, b, "ana")
	stolen := e.sessionCookie(b)

	resp, err := noRedirect(b).PostForm(e.srv.URL+auth.PathSignOut, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc.String(), e.provider.Issuer) ||
		loc.Query().Get("client_id") != "predmet" || loc.Query().Get("post_logout_redirect_uri") != e.srv.URL+auth.PathSignIn+"?out=1" {
		t.Errorf("sign-out = %s to %s, want 303 to the provider's end_session_endpoint, coming back to /signin?out=1", resp.Status, loc)
	}
	// The provider ends its session and sends the browser back to say so.
	resp, body := get(t, b, loc.String())
	if resp.Request.URL.String() != e.srv.URL+auth.PathSignIn+"?out=1" || !strings.Contains(body, i18n.Translate(domain.Macedonian, "You have signed out.")) {
		t.Errorf("after the provider: %s at %s:\n%s", resp.Status, resp.Request.URL, body)
	}
	if e.sessionCookie(b) != nil {
		t.Error("the browser keeps its session cookie")
	}

	// The cookie, stolen before, is dead.
	thief := newBrowser(t)
	u, _ := url.Parse(e.srv.URL)
	thief.Jar.SetCookies(u, []*http.Cookie{stolen})
	if resp, _ := get(t, noRedirect(thief), e.srv.URL+"/whoami"); resp.StatusCode != http.StatusSeeOther ||
		!strings.HasPrefix(resp.Header.Get("Location"), auth.PathSignIn+"?next=") {
		t.Errorf("/whoami with the cookie of a session signed out = %s to %q, want 303 to the sign-in", resp.Status, resp.Header.Get("Location"))
	}
	if n, err := e.sessions.Count(t.Context()); err != nil || n != 0 {
		t.Errorf("%d sessions stored (%v), want 0", n, err)
	}
}

func TestCrossOrigin(t *testing.T) {
	e := MustStart(t, envOptions{})
	b := newBrowser(t)
	e.mustWhoami(t, b, "ana")

	post := func(t *testing.T, path string, header ...string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader("a=b"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := noRedirect(b).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for _, tc := range []struct {
		name   string
		header []string
		want   int
	}{
		{"ErrCrossSite", []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}, http.StatusForbidden},
		{"ErrSameSiteOtherOrigin", []string{"Sec-Fetch-Site", "same-site", "Origin", "http://other.127.0.0.1.example"}, http.StatusForbidden},
		{"ErrOtherOrigin", []string{"Origin", "https://evil.example"}, http.StatusForbidden},
		{"OKSameOrigin", []string{"Sec-Fetch-Site", "same-origin", "Origin", e.srv.URL}, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if resp := post(t, "/whoami", tc.header...); resp.StatusCode != tc.want {
				t.Errorf("form POST with %v = %s, want %d", tc.header, resp.Status, tc.want)
			}
		})
	}
	t.Run("ErrCrossSiteSignOut", func(t *testing.T) {
		if resp := post(t, auth.PathSignOut, "Sec-Fetch-Site", "cross-site"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site sign-out = %s, want 403", resp.Status)
		}
		if resp, _ := get(t, b, e.srv.URL+"/whoami"); resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/whoami" {
			t.Errorf("after a refused cross-site sign-out, /whoami = %s at %s, want the session alive", resp.Status, resp.Request.URL)
		}
	})
	t.Run("ErrNoSessionPost", func(t *testing.T) {
		resp, err := newBrowser(t).PostForm(e.srv.URL+"/whoami", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("POST without a session = %s, want 401", resp.Status)
		}
	})
}

func TestSessionExpiry(t *testing.T) {
	e := MustStart(t, envOptions{dev: true, noProvider: true})
	signIn := func(t *testing.T) *http.Client {
		t.Helper()
		b := newBrowser(t)
		resp, err := b.PostForm(e.srv.URL+auth.PathDev, url.Values{"person": {"ana.petrovska"}, "next": {"/whoami"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/whoami" {
			t.Fatalf("dev sign-in ended at %s with %s", resp.Request.URL, resp.Status)
		}
		return b
	}
	alive := func(b *http.Client) bool {
		resp, _ := get(t, noRedirect(b), e.srv.URL+"/whoami")
		return resp.StatusCode == http.StatusOK
	}

	t.Run("ErrIdle", func(t *testing.T) {
		b := signIn(t)
		e.clock.Add(29 * time.Minute)
		if !alive(b) {
			t.Fatal("ended after 29 minutes idle, want alive (idle 30m)")
		}
		e.clock.Add(29 * time.Minute) // used a moment ago: idle for 29 minutes only
		if !alive(b) {
			t.Fatal("ended 29 minutes after its last use, want alive")
		}
		e.clock.Add(31 * time.Minute)
		if alive(b) {
			t.Error("alive after 31 minutes idle, want ended")
		}
	})

	t.Run("ErrMaxAge", func(t *testing.T) {
		b := signIn(t)
		for range 4 { // busy for 1h40m
			e.clock.Add(25 * time.Minute)
			if !alive(b) {
				t.Fatal("a busy session ended before its maximum age")
			}
		}
		e.clock.Add(25 * time.Minute) // 2h05m after sign-in
		if alive(b) {
			t.Error("alive past its maximum age of 2h, want ended")
		}
	})
}

func TestSessionFixation(t *testing.T) {
	e := MustStart(t, envOptions{dev: true, noProvider: true})
	b := newBrowser(t)
	u, _ := url.Parse(e.srv.URL)
	// A session ID planted in the browser before sign-in is never adopted.
	planted := &http.Cookie{Name: "predmet_session", Value: "planted-by-someone-else", Path: "/"}
	b.Jar.SetCookies(u, []*http.Cookie{planted})
	signInAs := func(person string) *http.Cookie {
		t.Helper()
		resp, err := b.PostForm(e.srv.URL+auth.PathDev, url.Values{"person": {person}, "next": {"/whoami"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return e.sessionCookie(b)
	}
	first := signInAs("ana.petrovska")
	if first == nil || first.Value == planted.Value {
		t.Fatalf("after sign-in the session cookie is %v, want a new one", first)
	}
	// Signing in again, as someone else, gives a new ID and ends the session before.
	second := signInAs("goran.mitrevski")
	if second == nil || second.Value == first.Value {
		t.Fatalf("a second sign-in kept the session ID %v", second)
	}
	old := newBrowser(t)
	old.Jar.SetCookies(u, []*http.Cookie{first})
	if resp, _ := get(t, noRedirect(old), e.srv.URL+"/whoami"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the session before the second sign-in: /whoami = %s, want 303 to the sign-in", resp.Status)
	}
	if n, _ := e.sessions.Count(t.Context()); n != 1 {
		t.Errorf("%d sessions stored, want 1", n)
	}
}

func TestDevSignIn(t *testing.T) {
	e := MustStart(t, envOptions{dev: true, noProvider: true})

	t.Run("Page", func(t *testing.T) {
		resp, body := get(t, newBrowser(t), e.srv.URL+"/whoami")
		if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != auth.PathSignIn {
			t.Fatalf("GET /whoami signed out ended at %s with %s, want the sign-in page", resp.Request.URL, resp.Status)
		}
		banner := i18n.Translate(domain.Macedonian, "Development sign-in: anyone can sign in as anyone, with no password. Never use it with real cases.")
		if !strings.Contains(body, banner) {
			t.Errorf("the page does not say it is a development sign-in:\n%s", body)
		}
		dev, ana, goran := strings.Index(body, `value="dev"`), strings.Index(body, `value="ana.petrovska"`), strings.Index(body, `value="goran.mitrevski"`)
		if dev < 0 || ana < 0 || goran < 0 || dev > ana {
			t.Errorf("the page does not list the dev user first, then the directory's people:\n%s", body)
		}
		if !strings.Contains(body, `name="next" value="/whoami"`) {
			t.Errorf("the page does not come back to /whoami:\n%s", body)
		}
	})

	signInAs := func(t *testing.T, person string) whoami {
		t.Helper()
		b := newBrowser(t)
		resp, err := b.PostForm(e.srv.URL+auth.PathDev, url.Values{"person": {person}, "next": {"/whoami"}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var w whoami
		if err := json.NewDecoder(resp.Body).Decode(&w); err != nil || resp.Request.URL.Path != "/whoami" {
			t.Fatalf("dev sign-in as %s ended at %s with %s (%v)", person, resp.Request.URL, resp.Status, err)
		}
		return w
	}
	t.Run("DevUser", func(t *testing.T) {
		w := signInAs(t, "dev")
		if !w.Dev || w.User.ID != "dev" || w.User.Email != "dev@opstina-primer.example" || !slices.Equal(w.User.Roles, domain.Roles) {
			t.Errorf("dev: %+v (dev session %v), want the directory's dev with every role in a development session", w.User, w.Dev)
		}
	})
	t.Run("DirectoryPerson", func(t *testing.T) {
		w := signInAs(t, "besa.osmani")
		if !w.Dev || w.User.Language != domain.Albanian || w.User.Sector != "finance" || !slices.Equal(w.User.Roles, []domain.Role{domain.RoleSectorHead}) {
			t.Errorf("besa.osmani: %+v, want the head of finance, in Albanian, as sector head", w.User)
		}
	})
	t.Run("ErrUnknownPerson", func(t *testing.T) {
		resp, err := newBrowser(t).PostForm(e.srv.URL+auth.PathDev, url.Values{"person": {"nobody"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("dev sign-in as nobody = %s, want 403", resp.Status)
		}
	})
	t.Run("ErrCrossSite", func(t *testing.T) {
		// Forcing a sign-in on someone from another site is refused too.
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+auth.PathDev, strings.NewReader("person=dev"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := noRedirect(newBrowser(t)).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || len(resp.Cookies()) != 0 {
			t.Errorf("cross-site dev sign-in = %s with cookies %v, want 403 and none", resp.Status, resp.Cookies())
		}
	})
}

func TestDevSignInOff(t *testing.T) {
	e := MustStart(t, envOptions{})
	resp, err := newBrowser(t).PostForm(e.srv.URL+auth.PathDev, url.Values{"person": {"dev"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("dev sign-in where it is off = %s, want 404", resp.Status)
	}
	resp, body := get(t, noRedirect(newBrowser(t)), e.srv.URL+auth.PathSignIn+"?out=1")
	if resp.StatusCode != http.StatusOK || strings.Contains(body, auth.PathDev) || !strings.Contains(body, "provider=1") {
		t.Errorf("sign-in page where only the provider is on: %s\n%s", resp.Status, body)
	}

	t.Run("ErrNothingConfigured", func(t *testing.T) {
		e := MustStart(t, envOptions{noProvider: true})
		resp, body := get(t, newBrowser(t), e.srv.URL+"/whoami")
		if resp.StatusCode != http.StatusServiceUnavailable || strings.Contains(body, auth.PathDev) {
			t.Errorf("with no way to sign in: %s\n%s", resp.Status, body)
		}
	})
}

func TestLeftDirectory(t *testing.T) {
	// A person removed from the directory loses their session at their next request.
	file := filepath.Join(t.TempDir(), "directory.json")
	orig, err := os.ReadFile(exampleDirectory)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, orig, 0o600); err != nil {
		t.Fatal(err)
	}
	e := MustStart(t, envOptions{dirFile: file})
	b := newBrowser(t)
	e.mustWhoami(t, b, "goran")

	// The urbanism sector gets a new head.
	changed := strings.ReplaceAll(string(orig), `"id": "goran.mitrevski", "name": "Горан Митревски", "email": "goran.mitrevski@`,
		`"id": "petar.petrov", "name": "Петар Петров", "email": "petar.petrov@`)
	if changed == string(orig) {
		t.Fatal("the sample directory has no goran.mitrevski")
	}
	if err := os.WriteFile(file, []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := e.dir.Reload(); err != nil {
		t.Fatal(err)
	}
	resp, body := get(t, b, e.srv.URL+"/whoami", "Accept-Language", "en")
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "goran.mitrevski is not in the municipality&#39;s organisation directory") {
		t.Errorf("/whoami after leaving the directory = %s:\n%s", resp.Status, body)
	}
	if n, _ := e.sessions.Count(t.Context()); n != 0 {
		t.Errorf("%d sessions stored, want the session ended", n)
	}
}

func TestSessionFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sessions.db")
	s, err := auth.OpenSessions(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("session file mode %v, want 0600", perm)
	}
	if _, err := auth.OpenSessions(":memory:"); err == nil {
		t.Error("OpenSessions(:memory:) = nil error, want one")
	}
}

// logged reports whether predmet logged msg with an error that contains text.
func (e *env) logged(msg, text string) bool {
	for _, l := range e.logs.FilterMessage(msg).All() {
		if err, ok := l.ContextMap()["error"].(string); ok && strings.Contains(err, text) {
			return true
		}
	}
	return false
}

// equalUsers compares two staff users field by field.
func equalUsers(a, b *domain.StaffUser) bool {
	return a != nil && b != nil && a.ID == b.ID && a.Name == b.Name && a.Email == b.Email && a.Language == b.Language &&
		a.Sector == b.Sector && slices.Equal(a.Roles, b.Roles)
}

func TestAuthenticate(t *testing.T) {
	// The API's door for a signed-in browser: the same session, without redirects or pages.
	e := MustStart(t, envOptions{dev: true, noProvider: true})
	b := noRedirect(newBrowser(t))
	resp, err := b.PostForm(e.srv.URL+auth.PathDev, url.Values{"person": {"besa.osmani"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cookie := e.sessionCookie(b)
	if cookie == nil {
		t.Fatal("no session cookie after the development sign-in")
	}
	request := func(method string, header ...string) *http.Request {
		r := httptest.NewRequest(method, e.srv.URL+"/api/v1/me", nil)
		r.AddCookie(cookie)
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		return r
	}
	t.Run("OK", func(t *testing.T) {
		u, sess, err := e.auth.Authenticate(request(http.MethodPost, "Sec-Fetch-Site", "same-origin"))
		if err != nil || u.ID != "besa.osmani" || u.Sector != "finance" || !sess.Dev() {
			t.Errorf("Authenticate = %+v, %+v, %v", u, sess, err)
		}
	})
	t.Run("ErrNoSession", func(t *testing.T) {
		_, _, err := e.auth.Authenticate(httptest.NewRequest(http.MethodGet, e.srv.URL+"/api/v1/me", nil))
		if domain.ErrorCode(err) != domain.EUNAUTHORIZED {
			t.Errorf("Authenticate without a cookie = %v, want EUNAUTHORIZED", err)
		}
	})
	t.Run("ErrCrossSite", func(t *testing.T) {
		_, _, err := e.auth.Authenticate(request(http.MethodPost, "Sec-Fetch-Site", "cross-site"))
		if domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("Authenticate of a cross-site POST = %v, want EFORBIDDEN", err)
		}
		// A cross-site GET is no forgery: it changes nothing.
		if _, _, err := e.auth.Authenticate(request(http.MethodGet, "Sec-Fetch-Site", "cross-site")); err != nil {
			t.Errorf("Authenticate of a cross-site GET = %v", err)
		}
	})
	t.Run("ErrEnded", func(t *testing.T) {
		if n, err := e.sessions.EndSessionsOf(t.Context(), "besa.osmani"); n != 1 || err != nil {
			t.Fatalf("EndSessionsOf = %d, %v", n, err)
		}
		if _, _, err := e.auth.Authenticate(request(http.MethodGet)); domain.ErrorCode(err) != domain.EUNAUTHORIZED {
			t.Errorf("Authenticate after the session ended = %v, want EUNAUTHORIZED", err)
		}
	})
}
