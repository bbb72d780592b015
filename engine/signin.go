package engine

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/predmet/predmet/auth"
	"github.com/predmet/predmet/directory"
	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/embedtemporal"
	"github.com/predmet/predmet/intake"
)

// DevUser is the ID of the embedded default's dev user: the staff file's user with every role, whose
// token `predmet dev` prints, and the person the development sign-in gives every role (the sample
// directory holds them).
const DevUser = "dev"

// startSignIn opens the sessions in the data directory and builds the staff sign-in on the
// organisation directory (opened before): through the identity provider of the sign-in's
// configuration, and the development sign-in where it is on (Config.DevSignIn).
func (e *Engine) startSignIn() error {
	cfg := e.cfg
	signIn, err := cfg.SignIn()
	if err != nil {
		return err
	}
	if e.sessions, err = auth.OpenSessions(cfg.path("sessions.db")); err != nil {
		return err
	}
	var dir auth.Directory
	if e.dir != nil {
		dir = e.dir
	}
	dev := cfg.devSignIn(signIn)
	opts := auth.Options{
		Config: signIn, BaseURL: e.baseURL, Directory: dir, Sessions: e.sessions, DevSignIn: dev,
		Logger: e.logger.Named("auth"),
	}
	if dev {
		opts.DevUser = DevUser
		log := e.logger.Warn
		if cfg.Embedded {
			log = e.logger.Info
		}
		log("the development sign-in is on: anyone signs in as anyone, with no password; never use it with real cases")
	}
	if e.auth, err = auth.New(opts); err != nil {
		return err
	}
	return nil
}

// defaultBaseURL returns where staff reach predmet when --base-url says nothing: the API's own
// address in `predmet dev`, else "" (no links in messages, no secure cookies).
func defaultBaseURL(cfg Config, apiAddr string) string {
	if cfg.BaseURL != "" || !cfg.Embedded || apiAddr == "" {
		return cfg.BaseURL
	}
	host, port, err := net.SplitHostPort(apiAddr)
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// uiAuth returns the embedded Web UI's sign-in: the identity provider and client of the staff
// sign-in, or nil without a provider (the UI then has none: it listens on the loopback address, as
// the embedded Temporal's gRPC port does) or without a UI.
func (c *Config) uiAuth() (*embedtemporal.UIAuth, error) {
	if c.UIPort < 0 {
		return nil, nil
	}
	signIn, err := c.SignIn()
	if err != nil || signIn.OIDC == nil {
		return nil, err
	}
	o := signIn.OIDC
	maxSession := time.Duration(signIn.Sessions.MaxAge)
	if maxSession <= 0 {
		maxSession = auth.DefaultMaxAge
	}
	return &embedtemporal.UIAuth{
		Issuer: o.Issuer, ClientID: o.ClientID, ClientSecret: c.OIDCClientSecret, Scopes: o.Scopes, Label: o.Label,
		MaxSession: maxSession,
	}, nil
}

// sessionDoor lets a browser signed in to the staff pages call the API with its session.
type sessionDoor struct {
	auth     *auth.Auth
	sessions *auth.SessionStore
}

var _ intake.Sessions = sessionDoor{}

// User returns the user of r's session (auth.Auth.Authenticate).
func (d sessionDoor) User(r *http.Request) (*domain.StaffUser, bool, error) {
	u, sess, err := d.auth.Authenticate(r)
	return u, sess.Dev(), err
}

// EndSessionsOf ends every session of the person personID.
func (d sessionDoor) EndSessionsOf(ctx context.Context, personID string) (int, error) {
	return d.sessions.EndSessionsOf(ctx, personID)
}

// staffCheck compares the staff file in force with the organisation directory in force
// (auth.CheckStaff) whenever either changes: it logs each disagreement once, as a warning naming the
// user and the field (never the values: they are people's names and addresses), and keeps them for
// /readyz. It is safe for concurrent use.
type staffCheck struct {
	staff *intake.StaffFile
	dir   *directory.Holder // nil without a directory
	log   *zap.Logger

	mu        sync.Mutex
	lastStaff *intake.Staff
	lastOrg   *domain.Organisation
	found     []auth.Disagreement
}

// run checks the files in force, if either changed since the last run, and returns the
// disagreements.
func (c *staffCheck) run() []auth.Disagreement {
	c.mu.Lock()
	defer c.mu.Unlock()
	staff := c.staff.Staff()
	var org *domain.Organisation
	if c.dir != nil {
		org = c.dir.Current()
	}
	if staff == c.lastStaff && org == c.lastOrg {
		return c.found
	}
	c.lastStaff, c.lastOrg = staff, org
	c.found = auth.CheckStaff(org, staff.Users())
	for _, d := range c.found {
		c.log.Warn("the staff file and the organisation directory disagree: "+effect(d),
			zap.String("userId", d.UserID), zap.String("field", d.Field))
	}
	return c.found
}

// effect says what a disagreement does to the user's token.
func effect(d auth.Disagreement) string {
	switch d.Field {
	case "id":
		return "the directory does not hold the user (a machine's token keeps the staff file's name; a person missing from the directory should be added)"
	case "sector":
		return "the staff file's sector is not one the person heads or deputises; their token is refused"
	}
	return "the directory's " + d.Field + " is used"
}

// watch runs the check every interval until ctx is done, so that a reload of either file is checked
// within the interval.
func (c *staffCheck) watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			c.run()
		}
	}
}

// readyDetails is what /readyz shows of the staff file: how many users, and where it and the
// directory disagree (user and field).
func (c *staffCheck) readyDetails() map[string]any {
	type disagreement struct {
		UserID string `json:"userId"`
		Field  string `json:"field"`
	}
	found := c.run()
	list := make([]disagreement, len(found))
	for i, d := range found {
		list[i] = disagreement{d.UserID, d.Field}
	}
	return map[string]any{"users": c.staff.Len(), "disagreements": list}
}
