package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"
	"go.uber.org/zap"

	"github.com/predmet/predmet/domain"
)

// Paths of the sign-in routes that Register mounts.
const (
	PathSignIn   = "/signin"
	PathCallback = "/signin/callback"
	PathDev      = "/signin/dev"
	PathSignOut  = "/signout"
)

// Options configures New.
type Options struct {
	// Config is the sign-in configuration (LoadConfig); nil means no identity provider and the
	// defaults.
	Config *Config
	// BaseURL is where staff reach predmet, such as https://predmet.opstina-primer.example. An https
	// base URL makes every cookie Secure; its origin is trusted for forms (behind a proxy that rewrites
	// the Host header); the default redirect URL is under it.
	BaseURL string
	// Directory is the organisation directory, the one source of who someone is.
	Directory Directory
	// Sessions keeps the sessions (OpenSessions); required.
	Sessions *SessionStore
	// DevSignIn offers the development sign-in: a list of the directory's people to sign in as, with
	// no password. Turn it on only for `predmet dev` (or when asked for explicitly): every page then
	// says that it is a development sign-in.
	DevSignIn bool
	// DevUser is the ID of the directory's person who, through the development sign-in, holds every
	// role (the dev user of `predmet dev`); "" for none.
	DevUser string
	// HTTPClient talks to the identity provider; nil means a client with a 30-second timeout.
	HTTPClient *http.Client
	// Logger logs sign-ins and refusals (with person IDs, never claims); nil logs nothing.
	Logger *zap.Logger
	// Now is the clock of session expiry and ID token checks; nil means time.Now.
	Now func() time.Time
}

// Auth signs staff in to the staff pages: through the identity provider (OpenID Connect, the
// authorization code flow with PKCE) or the development sign-in, into server-side sessions, with every
// unsafe request checked against cross-site forgery. Mount its routes with Register and wrap the
// pages with RequireUser. It is safe for concurrent use.
type Auth struct {
	cfg      *Config
	people   *Resolver
	sessions *SessionStore
	dev      bool
	devUser  string
	base     *url.URL
	secure   bool
	csrf     *http.CrossOriginProtection
	client   *http.Client
	log      *zap.Logger
	now      func() time.Time

	mu    sync.Mutex  // guards op
	op    *oidcClient // the identity provider once discovered
	pages *pages
}

// New returns the sign-in of opts. It does not reach the identity provider: that happens at the first
// sign-in, so that predmet starts (and API tokens work) while the provider is down.
func New(opts Options) (*Auth, error) {
	if opts.Sessions == nil {
		return nil, errors.New("auth: no session store")
	}
	cfg := opts.Config
	if cfg == nil {
		cfg = &Config{}
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	a := &Auth{
		cfg:      cfg,
		people:   &Resolver{Directory: opts.Directory, Config: cfg},
		sessions: opts.Sessions,
		dev:      opts.DevSignIn,
		devUser:  opts.DevUser,
		csrf:     http.NewCrossOriginProtection(),
		client:   opts.HTTPClient,
		log:      opts.Logger,
		now:      opts.Now,
		pages:    mustParsePages(),
	}
	if opts.BaseURL != "" {
		u, err := url.Parse(opts.BaseURL)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, errors.New("auth: the base URL must be an absolute http(s) URL")
		}
		a.base = u
		a.secure = u.Scheme == "https"
		if err := a.csrf.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, err
		}
	}
	if cfg.OIDC != nil && cfg.OIDC.RedirectURL == "" && a.base == nil {
		return nil, errors.New("auth: the identity provider needs a redirect URL, or a base URL to put it under")
	}
	if a.client == nil {
		a.client = &http.Client{Timeout: 30 * time.Second}
	}
	if a.log == nil {
		a.log = zap.NewNop()
	}
	if a.now == nil {
		a.now = time.Now
	}
	a.csrf.SetDenyHandler(http.HandlerFunc(a.crossOrigin))
	return a, nil
}

// Resolver returns the resolver of identities that the sign-in uses, for API tokens to give the same
// people (Resolver.Staff).
func (a *Auth) Resolver() *Resolver { return a.people }

// OIDC reports whether an identity provider is configured.
func (a *Auth) OIDC() bool { return a.cfg.OIDC != nil }

// DevSignIn reports whether the development sign-in is offered.
func (a *Auth) DevSignIn() bool { return a.dev }

// Register mounts the sign-in routes on r: GET /signin (the identity provider, or the development
// sign-in's page), GET /signin/callback, POST /signin/dev and POST /signout.
func (a *Auth) Register(r *mux.Router) {
	r.Handle(PathSignIn, http.HandlerFunc(a.signIn)).Methods(http.MethodGet, http.MethodHead)
	r.Handle(PathCallback, http.HandlerFunc(a.callback)).Methods(http.MethodGet)
	r.Handle(PathDev, a.csrf.Handler(http.HandlerFunc(a.devSignIn))).Methods(http.MethodPost)
	r.Handle(PathSignOut, a.csrf.Handler(http.HandlerFunc(a.signOut))).Methods(http.MethodPost)
}

// RequireUser wraps the staff pages: it refuses an unsafe request (POST, PUT, PATCH, DELETE) from
// another site, finds the request's session and puts its user and session in the context (UserFrom,
// SessionFrom). Without a live session, it sends a GET or HEAD to the sign-in, to come back to the same
// page, and answers anything else 401. A session whose person has left the directory (or lost every
// role) is ended, with a page that says why.
func (a *Auth) RequireUser(next http.Handler) http.Handler {
	return a.csrf.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, sess, err := a.user(r)
		switch {
		case err == nil:
		case errors.Is(err, errNoSession):
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, PathSignIn+"?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			a.refuse(w, r, http.StatusUnauthorized, domain.Errorf(domain.EUNAUTHORIZED, msgSignedOut))
			return
		case domain.ErrorCode(err) == domain.EFORBIDDEN:
			a.clearCookie(w, a.sessionCookie())
			a.refuse(w, r, http.StatusForbidden, err)
			return
		default:
			a.log.Error("session not read", zap.Error(err))
			a.refuse(w, r, http.StatusServiceUnavailable, domain.Errorf(domain.EUNAVAILABLE, msgTryAgain))
			return
		}
		ctx := context.WithValue(WithUser(r.Context(), u), sessionKey, sess)
		next.ServeHTTP(w, r.WithContext(ctx))
	}))
}

// Authenticate returns the user and session of r's session cookie, for a door other than the staff
// pages that a signed-in browser may use too (the API): unlike RequireUser it writes nothing and never
// redirects. It returns an EUNAUTHORIZED error when r carries no live session; an EFORBIDDEN error
// when r is an unsafe request from another site, or when the session's person is no longer allowed in
// (the session is then ended); an EUNAVAILABLE error when the sessions cannot be read. Every error is
// a domain error for people to read.
func (a *Auth) Authenticate(r *http.Request) (*domain.StaffUser, *Session, error) {
	if err := a.csrf.Check(r); err != nil {
		return nil, nil, domain.Errorf(domain.EFORBIDDEN, msgCrossOrigin)
	}
	u, sess, err := a.user(r)
	switch {
	case err == nil:
		return u, sess, nil
	case errors.Is(err, errNoSession):
		return nil, nil, domain.Errorf(domain.EUNAUTHORIZED, msgSignedOut)
	case domain.ErrorCode(err) == domain.EFORBIDDEN:
		return nil, nil, err
	default:
		a.log.Error("session not read", zap.Error(err))
		return nil, nil, domain.Errorf(domain.EUNAVAILABLE, msgTryAgain)
	}
}

// user returns the user and session of r's session cookie: errNoSession when there is none or it
// ran out, a domain error (EFORBIDDEN) when its person is no longer who the directory allows.
func (a *Auth) user(r *http.Request) (*domain.StaffUser, *Session, error) {
	c, err := r.Cookie(a.sessionCookie())
	if err != nil || c.Value == "" {
		return nil, nil, errNoSession
	}
	ctx := r.Context()
	sess, err := a.sessions.get(ctx, c.Value)
	if err != nil {
		return nil, nil, err
	}
	now := a.now()
	if !now.Before(sess.Expires) || now.Sub(sess.Seen) >= a.cfg.idle() {
		_ = a.sessions.end(ctx, c.Value)
		return nil, nil, errNoSession
	}
	u, err := a.people.Identify(sess.Grant)
	if err != nil {
		_ = a.sessions.end(ctx, c.Value)
		a.log.Info("session ended: no longer allowed", zap.String("userId", sess.Grant.PersonID), zap.String("reason", reason(err)))
		return nil, nil, err
	}
	if now.Sub(sess.Seen) >= touchEvery {
		if err := a.sessions.touch(ctx, c.Value, now); err != nil {
			a.log.Warn("session not touched", zap.Error(err))
		}
		sess.Seen = now
	}
	return u, sess, nil
}

// startSession ends the session r may carry (a new sign-in never reuses an ID: no session fixation),
// stores a new one for g and sets its cookie.
func (a *Auth) startSession(w http.ResponseWriter, r *http.Request, g Grant, via Via) error {
	if c, err := r.Cookie(a.sessionCookie()); err == nil && c.Value != "" {
		_ = a.sessions.end(r.Context(), c.Value)
	}
	now := a.now()
	id, err := a.sessions.create(r.Context(), Session{Grant: g, Via: via, Created: now, Seen: now, Expires: now.Add(a.cfg.maxAge())})
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: a.sessionCookie(), Value: id, Path: "/",
		HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode,
	})
	a.log.Info("signed in", zap.String("userId", g.PersonID), zap.String("via", string(via)))
	return nil
}

// signOut ends the request's session, here and (when it says how) at the identity provider.
func (a *Auth) signOut(w http.ResponseWriter, r *http.Request) {
	var via Via
	if c, err := r.Cookie(a.sessionCookie()); err == nil && c.Value != "" {
		if sess, err := a.sessions.get(r.Context(), c.Value); err == nil {
			via = sess.Via
			a.log.Info("signed out", zap.String("userId", sess.Grant.PersonID))
		}
		if err := a.sessions.end(r.Context(), c.Value); err != nil {
			a.log.Error("session not ended", zap.Error(err))
			a.refuse(w, r, http.StatusServiceUnavailable, domain.Errorf(domain.EUNAVAILABLE, msgTryAgain))
			return
		}
	}
	a.clearCookie(w, a.sessionCookie())
	back := PathSignIn + "?out=1"
	if via == ViaOIDC {
		if end := a.endSessionURL(); end != "" {
			back = end
		}
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// crossOrigin answers a request that CrossOriginProtection refused.
func (a *Auth) crossOrigin(w http.ResponseWriter, r *http.Request) {
	a.refuse(w, r, http.StatusForbidden, domain.Errorf(domain.EFORBIDDEN, msgCrossOrigin))
}

// Cookie names. With https, the session cookie's __Host- prefix binds it to predmet's own host (and the
// path /); the sign-in's, kept to the callback's path, can only be __Secure-.
const (
	cookieSession = "predmet_session"
	cookieSignIn  = "predmet_signin"
)

func (a *Auth) sessionCookie() string {
	if a.secure {
		return "__Host-" + cookieSession
	}
	return cookieSession
}

func (a *Auth) signInCookie() string {
	if a.secure {
		return "__Secure-" + cookieSignIn
	}
	return cookieSignIn
}

// reason is what the log says of a refusal: the English format of a domain error, which names no one.
func reason(err error) string {
	var e *domain.Error
	if errors.As(err, &e) {
		return e.Format
	}
	return err.Error()
}

// clearCookie tells the browser to drop the cookie name.
func (a *Auth) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode})
}

// localPath returns next when it is a path on this site to come back to after signing in, else "/".
func localPath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(u.Path, PathSignIn) || u.Path == PathSignOut {
		return "/"
	}
	return next
}

// sameSecret compares two secrets in constant time.
func sameSecret(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
