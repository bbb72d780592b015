package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"go.uber.org/zap"
	"golang.org/x/oauth2"

	"github.com/predmet/predmet/domain"
)

// discoveryTimeout bounds the look-up of the identity provider's configuration and keys.
const discoveryTimeout = 15 * time.Second

// oidcClient is predmet as a client of the identity provider, once its configuration is discovered.
type oidcClient struct {
	provider   *oidc.Provider
	verifier   *oidc.IDTokenVerifier
	oauth      oauth2.Config
	endSession string // the provider's end_session_endpoint, or ""
}

// oidc returns the client of the identity provider, discovering its configuration the first time it
// is asked (and again after a failure).
func (a *Auth) oidc() (*oidcClient, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.op != nil {
		return a.op, nil
	}
	cfg := a.cfg.OIDC
	// The provider keeps the context's HTTP client for fetching its keys later: no deadline on it.
	ctx := oidc.ClientContext(context.Background(), a.client)
	discover, cancel := context.WithTimeout(ctx, discoveryTimeout)
	defer cancel()
	p, err := oidc.NewProvider(discover, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("auth: discovering the identity provider %s: %w", cfg.Issuer, err)
	}
	var meta struct {
		EndSession string   `json:"end_session_endpoint"`
		Methods    []string `json:"code_challenge_methods_supported"`
	}
	_ = p.Claims(&meta) // a provider without them works the same
	if len(meta.Methods) > 0 && !slices.Contains(meta.Methods, "S256") {
		return nil, fmt.Errorf("auth: the identity provider %s does not support PKCE with S256", cfg.Issuer)
	}
	redirect := cfg.RedirectURL
	if redirect == "" {
		redirect = a.base.JoinPath(PathCallback).String()
	}
	a.op = &oidcClient{
		provider: p,
		verifier: p.Verifier(&oidc.Config{ClientID: cfg.ClientID, Now: a.now}),
		oauth: oauth2.Config{
			ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Endpoint: p.Endpoint(),
			RedirectURL: redirect, Scopes: cfg.scopes(),
		},
		endSession: meta.EndSession,
	}
	return a.op, nil
}

// signIn sends the browser to the identity provider, with a new state, nonce and PKCE verifier kept
// server-side; or shows the sign-in page: after signing out (?out=1), with the development sign-in, or
// without any way to sign in. ?provider=1 goes to the identity provider in every case.
func (a *Auth) signIn(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	next := localPath(q.Get("next"))
	if a.cfg.OIDC != nil && (q.Has("provider") || !a.dev && !q.Has("out")) {
		a.startOIDC(w, r, next)
		return
	}
	a.signInPage(w, r, next, q.Has("out"))
}

// startOIDC begins the authorization code flow.
func (a *Auth) startOIDC(w http.ResponseWriter, r *http.Request, next string) {
	op, err := a.oidc()
	if err != nil {
		a.log.Error("identity provider unavailable", zap.Error(err))
		a.refuse(w, r, http.StatusServiceUnavailable, domain.Errorf(domain.EUNAVAILABLE, msgProviderDown))
		return
	}
	in := signIn{Nonce: newSecret(), Verifier: oauth2.GenerateVerifier(), Next: next, Created: a.now()}
	state, err := a.sessions.beginSignIn(r.Context(), in)
	if err != nil {
		a.log.Error("sign-in not stored", zap.Error(err))
		a.refuse(w, r, http.StatusServiceUnavailable, domain.Errorf(domain.EUNAVAILABLE, msgTryAgain))
		return
	}
	// The cookie binds the state to this browser: a callback carrying another browser's state (login
	// forgery) finds no match. Lax, so that the provider's redirect back, a top-level GET, carries it.
	http.SetCookie(w, &http.Cookie{
		Name: a.signInCookie(), Value: state, Path: PathCallback, MaxAge: int(signInLifetime.Seconds()),
		HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, op.oauth.AuthCodeURL(state, oidc.Nonce(in.Nonce), oauth2.S256ChallengeOption(in.Verifier)), http.StatusFound)
}

// callback finishes the authorization code flow: it checks the state against the browser's cookie,
// exchanges the code with the PKCE verifier, verifies the ID token (signature, issuer, audience,
// expiry, nonce), finds the person in the directory, and starts their session.
func (a *Auth) callback(w http.ResponseWriter, r *http.Request) {
	if a.cfg.OIDC == nil {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	state := q.Get("state")
	c, err := r.Cookie(a.signInCookie())
	if err != nil || !sameSecret(c.Value, state) {
		a.log.Info("sign-in refused: state does not match this browser's")
		a.refuse(w, r, http.StatusBadRequest, domain.Errorf(domain.EINVALID, msgSignInExpired))
		return
	}
	http.SetCookie(w, &http.Cookie{Name: a.signInCookie(), Value: "", Path: PathCallback, MaxAge: -1, HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode})
	in, err := a.sessions.finishSignIn(r.Context(), state)
	if err != nil || a.now().Sub(in.Created) > signInLifetime {
		a.log.Info("sign-in refused: unknown or expired state")
		a.refuse(w, r, http.StatusBadRequest, domain.Errorf(domain.EINVALID, msgSignInExpired))
		return
	}
	if e := q.Get("error"); e != "" {
		a.log.Info("sign-in refused by the identity provider", zap.String("error", e))
		a.refuse(w, r, http.StatusForbidden, domain.Errorf(domain.EFORBIDDEN, msgProviderRefused, e))
		return
	}
	op, err := a.oidc()
	if err != nil {
		a.log.Error("identity provider unavailable", zap.Error(err))
		a.refuse(w, r, http.StatusServiceUnavailable, domain.Errorf(domain.EUNAVAILABLE, msgProviderDown))
		return
	}
	ctx := oidc.ClientContext(r.Context(), a.client)
	tok, err := op.oauth.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(in.Verifier))
	if err != nil {
		a.log.Warn("sign-in refused: code exchange failed", zap.Error(err))
		a.refuse(w, r, http.StatusBadGateway, domain.Errorf(domain.EUNAVAILABLE, msgExchangeFailed))
		return
	}
	claims, err := a.verify(ctx, op, tok, in.Nonce)
	if err != nil {
		a.log.Warn("sign-in refused: ID token not accepted", zap.Error(err))
		a.refuse(w, r, http.StatusForbidden, domain.Errorf(domain.EFORBIDDEN, msgBadToken))
		return
	}
	g, err := a.grant(claims)
	if err == nil {
		_, err = a.people.Identify(g)
	}
	if err != nil {
		a.log.Info("sign-in refused", zap.String("userId", g.PersonID), zap.String("reason", reason(err)))
		a.refuse(w, r, http.StatusForbidden, err)
		return
	}
	if err := a.startSession(w, r, g, ViaOIDC); err != nil {
		a.log.Error("session not stored", zap.Error(err))
		a.refuse(w, r, http.StatusServiceUnavailable, domain.Errorf(domain.EUNAVAILABLE, msgTryAgain))
		return
	}
	http.Redirect(w, r, in.Next, http.StatusSeeOther)
}

// verify checks the ID token of tok and returns its claims, completed from the UserInfo endpoint when
// the ID token lacks the user or groups claim (some providers put them only there).
func (a *Auth) verify(ctx context.Context, op *oidcClient, tok *oauth2.Token, nonce string) (map[string]any, error) {
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return nil, errors.New("no ID token in the token response")
	}
	idt, err := op.verifier.Verify(ctx, raw) // signature, issuer, audience, expiry
	if err != nil {
		return nil, err
	}
	if !sameSecret(idt.Nonce, nonce) {
		return nil, errors.New("the ID token's nonce is not the sign-in's")
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, err
	}
	// With several audiences, the token must have been issued to predmet (OpenID Connect Core 3.1.3.7).
	if aud := idt.Audience; len(aud) > 1 {
		if azp, _ := claims["azp"].(string); azp != op.oauth.ClientID {
			return nil, fmt.Errorf("the ID token has several audiences and is authorized for %q", azp)
		}
	}
	cfg := a.cfg.OIDC
	_, hasUser := claim(claims, cfg.userClaim())
	_, hasGroups := claim(claims, cfg.groupsClaim())
	if (!hasUser || !hasGroups) && op.provider.UserInfoEndpoint() != "" {
		info, err := op.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			if !hasUser {
				return nil, fmt.Errorf("user info: %w", err)
			}
			a.log.Warn("user info unavailable; the groups of the ID token only", zap.Error(err))
			return claims, nil
		}
		if info.Subject != idt.Subject {
			return nil, errors.New("the user info is of another subject than the ID token")
		}
		var more map[string]any
		if err := info.Claims(&more); err != nil {
			return nil, err
		}
		for k, v := range more {
			if _, ok := claims[k]; !ok {
				claims[k] = v
			}
		}
	}
	return claims, nil
}

// grant returns what the claims of a verified ID token say: the person (found by the user claim), the
// roles of their groups and, when configured, their sector. It returns an EFORBIDDEN error for people
// to read when the claim is missing, the address unverified, or the person not in the directory.
func (a *Auth) grant(claims map[string]any) (Grant, error) {
	cfg := a.cfg.OIDC
	value, _ := claim(claims, cfg.userClaim())
	user, _ := value.(string)
	if user == "" {
		return Grant{}, domain.Errorf(domain.EFORBIDDEN, msgNoUserClaim, cfg.userClaim())
	}
	by := cfg.matchBy()
	if by == MatchEmail && cfg.userClaim() == "email" {
		// Only an address the provider verified names a person (when the provider says).
		if v, ok := claims["email_verified"]; ok && v != true && v != "true" {
			return Grant{}, domain.Errorf(domain.EFORBIDDEN, msgUnverified, user)
		}
	}
	p, err := a.people.Find(user, by)
	if err != nil {
		return Grant{}, err
	}
	g := Grant{PersonID: p.ID}
	groups, _ := claim(claims, cfg.groupsClaim())
	for _, group := range stringsOf(groups) {
		g.Roles = addRoles(g.Roles, a.cfg.Groups[group]...)
		// Keycloak writes groups as paths ("/predmet/admins") when told to: match the last part too.
		if i := strings.LastIndexByte(group, '/'); i >= 0 {
			g.Roles = addRoles(g.Roles, a.cfg.Groups[group[i+1:]]...)
		}
	}
	if cfg.SectorClaim != "" {
		if v, ok := claim(claims, cfg.SectorClaim); ok {
			g.Sector, _ = v.(string)
		}
	}
	return g, nil
}

// claim returns the claim name: the top-level claim of that name, or, for a name with dots that is no
// claim, the value at that path of nested objects ("realm_access.roles").
func claim(claims map[string]any, name string) (any, bool) {
	if v, ok := claims[name]; ok {
		return v, true
	}
	var v any = claims
	for part := range strings.SplitSeq(name, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[part]; !ok {
			return nil, false
		}
	}
	return v, true
}

// stringsOf returns a claim that is a list of strings, or one string, as a list.
func stringsOf(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// endSessionURL returns where to send the browser to end its session at the identity provider too
// (OpenID Connect RP-Initiated Logout), coming back to the sign-in page; "" when the provider has no
// such endpoint.
func (a *Auth) endSessionURL() string {
	if a.cfg.OIDC == nil {
		return ""
	}
	op, err := a.oidc()
	if err != nil || op.endSession == "" {
		return ""
	}
	u, err := url.Parse(op.endSession)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set("client_id", op.oauth.ClientID)
	if back := a.signedOutURL(); back != "" {
		q.Set("post_logout_redirect_uri", back)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// signedOutURL is the absolute URL of the page that says one has signed out, or "" without a base URL.
func (a *Auth) signedOutURL() string {
	if a.base == nil {
		return ""
	}
	u := a.base.JoinPath(PathSignIn)
	u.RawQuery = "out=1"
	return u.String()
}
