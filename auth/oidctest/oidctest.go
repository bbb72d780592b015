// Package oidctest runs a real OpenID Connect provider in-process for tests: zitadel's OpenID provider (github.com/zitadel/oidc/v3/pkg/op) on its example in-memory storage, with users, their groups, and switches for expired tokens and wrong audiences.
package oidctest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/oauth2"
)

// Password is every test user's password at the provider's login form.
const Password = "correct horse battery staple"

// User is someone the provider can sign in.
type User struct {
	// Subject is the user's ID at the provider: the "sub" claim.
	Subject string
	// Username is what the user types in the login form: the "preferred_username" claim.
	Username string
	// Email is the "email" claim; EmailUnverified sets "email_verified" to false.
	Email           string
	EmailUnverified bool
	// Groups is the "groups" claim.
	Groups []string
	// Claims are further claims, such as a sector.
	Claims map[string]any
}

// Client is a client registered with the provider: a web application with a secret.
type Client struct {
	ID, Secret string
	// RedirectURIs are where the provider may send the browser back; PostLogoutRedirectURIs, where it
	// may send it after ending its session.
	RedirectURIs, PostLogoutRedirectURIs []string
}

// Provider is a running OpenID provider. Its switches apply to the tokens issued after they are set.
type Provider struct {
	// Issuer is the provider's issuer URL, http://127.0.0.1:<port>.
	Issuer string

	mu              sync.Mutex
	users           map[string]User // by subject
	clients         map[string]Client
	lifetime        time.Duration
	audience        []string
	claimsInIDToken bool
}

// Start runs a provider with the users and clients until the test ends. ID tokens last an hour and
// carry the user's claims (as Keycloak's and Entra ID's do) until told otherwise.
func Start(tb testing.TB, users []User, clients ...Client) *Provider {
	tb.Helper()
	p := &Provider{users: map[string]User{}, clients: map[string]Client{}, lifetime: time.Hour, claimsInIDToken: true}
	byID := map[string]*storage.User{}
	for _, u := range users {
		p.users[u.Subject] = u
		byID[u.Subject] = &storage.User{
			ID: u.Subject, Username: u.Username, Password: Password, FirstName: u.Username, LastName: "",
			Email: u.Email, EmailVerified: !u.EmailUnverified,
		}
	}
	registered := map[string]*storage.Client{}
	for _, c := range clients {
		p.clients[c.ID] = c
		registered[c.ID] = storage.WebClient(c.ID, c.Secret, c.RedirectURIs...)
	}
	var handler http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	tb.Cleanup(srv.Close)
	p.Issuer = srv.URL
	store := &wrapped{Storage: storage.NewStorageWithClients(userStore(byID), registered), p: p}
	handler = exampleop.SetupServer(p.Issuer, store, slog.New(slog.NewTextHandler(io.Discard, nil)), false)
	return p
}

// SetIDTokenLifetime makes the ID tokens issued from now on last d; a negative d issues tokens that
// have already expired.
func (p *Provider) SetIDTokenLifetime(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lifetime = d
}

// SetAudience makes the ID tokens issued from now on name aud as their audience instead of the client
// that asked; nil restores it.
func (p *Provider) SetAudience(aud ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.audience = aud
}

// SetClaimsInIDToken says whether the ID tokens carry the user's claims (email, groups, ...) or leave
// them to the UserInfo endpoint, as some providers do.
func (p *Provider) SetClaimsInIDToken(in bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.claimsInIDToken = in
}

// SignIn signs username in at the provider: it follows start (a URL of the client that leads to the
// provider's authorization endpoint) with c, fills the provider's login form, and returns the URL the
// provider sends the browser back to (the client's callback, with the code and state) without
// requesting it. c should have a cookie jar.
func (p *Provider) SignIn(tb testing.TB, c *http.Client, start, username string) *url.URL {
	tb.Helper()
	issuer, _ := url.Parse(p.Issuer)
	// Follow redirects within the provider; stop at the first that leaves it.
	var back *url.URL
	client := *c
	client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Host != issuer.Host && len(via) > 0 && via[len(via)-1].URL.Host == issuer.Host {
			back = req.URL
			return http.ErrUseLastResponse
		}
		return nil
	}
	resp, err := client.Get(start)
	if err != nil {
		tb.Fatalf("oidctest: GET %s: %v", start, err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if back != nil { // signed in already
		return back
	}
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Host != issuer.Host {
		tb.Fatalf("oidctest: GET %s ended at %s with %s, want the provider's login form", start, resp.Request.URL, resp.Status)
	}
	m := regexp.MustCompile(`name="id" value="([^"]+)"`).FindSubmatch(body)
	if m == nil {
		tb.Fatalf("oidctest: no login form at %s:\n%s", resp.Request.URL, body)
	}
	form := url.Values{"username": {username}, "password": {Password}, "id": {string(m[1])}}
	resp, err = client.PostForm(p.Issuer+"/login/username", form)
	if err != nil {
		tb.Fatalf("oidctest: login: %v", err)
	}
	body, _ = io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if back == nil {
		tb.Fatalf("oidctest: login of %s ended at %s with %s, not at the client:\n%s", username, resp.Request.URL, resp.Status, body)
	}
	return back
}

// Tokens signs username in through the authorization code flow of the registered client clientID, in a
// browser of its own, and returns the provider's token response: an access token and, in its extra
// field "id_token", an ID token whose audience is clientID.
func (p *Provider) Tokens(tb testing.TB, clientID, username string) *oauth2.Token {
	tb.Helper()
	p.mu.Lock()
	c, ok := p.clients[clientID]
	p.mu.Unlock()
	if !ok || len(c.RedirectURIs) == 0 {
		tb.Fatalf("oidctest: no client %q with a redirect URI", clientID)
	}
	resp, err := http.Get(p.Issuer + "/.well-known/openid-configuration")
	if err != nil {
		tb.Fatalf("oidctest: discovery: %v", err)
	}
	var meta struct {
		Auth  string `json:"authorization_endpoint"`
		Token string `json:"token_endpoint"`
	}
	err = json.NewDecoder(resp.Body).Decode(&meta)
	_ = resp.Body.Close()
	if err != nil {
		tb.Fatalf("oidctest: discovery: %v", err)
	}
	cfg := oauth2.Config{
		ClientID: c.ID, ClientSecret: c.Secret, RedirectURL: c.RedirectURIs[0],
		Endpoint: oauth2.Endpoint{AuthURL: meta.Auth, TokenURL: meta.Token}, Scopes: []string{"openid", "profile", "email"},
	}
	jar, _ := cookiejar.New(nil)
	back := p.SignIn(tb, &http.Client{Jar: jar, Timeout: 30 * time.Second}, cfg.AuthCodeURL("state", oauth2.SetAuthURLParam("nonce", "nonce")), username)
	tok, err := cfg.Exchange(context.Background(), back.Query().Get("code"))
	if err != nil {
		tb.Fatalf("oidctest: exchange for %s: %v", clientID, err)
	}
	return tok
}

// userStore is the example storage's user store over the test users.
type userStore map[string]*storage.User

func (s userStore) GetUserByID(id string) *storage.User { return s[id] }

func (s userStore) GetUserByUsername(name string) *storage.User {
	for _, u := range s {
		if u.Username == name {
			return u
		}
	}
	return nil
}

func (s userStore) ExampleClientID() string { return storage.ServiceUserID }

// wrapped is the example storage with the provider's users' groups and claims, and its switches.
type wrapped struct {
	*storage.Storage
	p *Provider
}

// GetClientByClientID returns the client with the provider's switches.
func (s *wrapped) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	return &client{Client: c, lifetime: s.p.lifetime, inIDToken: s.p.claimsInIDToken, postLogout: s.p.clients[id].PostLogoutRedirectURIs}, nil
}

// AuthRequestByCode returns the authorization request, naming the provider's audience if it is set.
func (s *wrapped) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	r, err := s.Storage.AuthRequestByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	if s.p.audience != nil {
		return &audienceRequest{AuthRequest: r, audience: slices.Clone(s.p.audience)}, nil
	}
	return r, nil
}

// SetUserinfoFromRequest adds the user's groups and claims to the ID token.
func (s *wrapped) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, info, req, scopes); err != nil {
		return err
	}
	s.p.mu.Lock()
	in := s.p.claimsInIDToken
	s.p.mu.Unlock()
	if in {
		s.extra(info, req.GetSubject())
	}
	return nil
}

// SetUserinfoFromToken adds the user's groups and claims to the UserInfo endpoint's answer.
func (s *wrapped) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, tokenID, subject, origin string) error {
	if err := s.Storage.SetUserinfoFromToken(ctx, info, tokenID, subject, origin); err != nil {
		return err
	}
	s.extra(info, info.Subject)
	return nil
}

func (s *wrapped) extra(info *oidc.UserInfo, subject string) {
	s.p.mu.Lock()
	u := s.p.users[subject]
	s.p.mu.Unlock()
	if u.Groups != nil {
		info.AppendClaims("groups", slices.Clone(u.Groups))
	}
	for k, v := range u.Claims {
		info.AppendClaims(k, v)
	}
	if u.EmailUnverified {
		// The library leaves a false email_verified out; real providers say it.
		info.AppendClaims("email_verified", false)
	}
}

// client is a registered client with the provider's switches.
type client struct {
	op.Client
	lifetime   time.Duration
	inIDToken  bool
	postLogout []string
}

func (c *client) IDTokenLifetime() time.Duration       { return c.lifetime }
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return c.inIDToken }
func (c *client) PostLogoutRedirectURIs() []string     { return c.postLogout }

// audienceRequest is an authorization request whose tokens name another audience.
type audienceRequest struct {
	op.AuthRequest
	audience []string
}

func (r *audienceRequest) GetAudience() []string { return r.audience }
