package auth

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"net/http"
	"slices"

	"go.uber.org/zap"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
)

// The texts of the sign-in pages and of the refusals, in English; the i18n catalogue translates them.
const (
	msgTitleSignIn    = "Sign in to predmet"
	msgTitleRefused   = "You cannot sign in"
	msgSignInWith     = "Sign in with %s"
	msgSignInProvider = "Sign in"
	msgSignedOutNote  = "You have signed out."
	msgNoSignIn       = "No sign-in is set up: predmet has no identity provider, and the development sign-in is off."
	msgDevBanner      = "Development sign-in: anyone can sign in as anyone, with no password. Never use it with real cases."
	msgDevChoose      = "Sign in as"
	msgDevUserNote    = "The developer, with every role"
	msgSignInAgain    = "Back to the sign-in"

	msgSignedOut       = "You are not signed in, or your session has ended. Sign in again."
	msgTryAgain        = "predmet could not complete this just now. Try again in a moment."
	msgCrossOrigin     = "The form was sent from another site, so predmet refused it. Open the page in predmet and send it again."
	msgProviderDown    = "The sign-in service does not answer. Try again in a few minutes."
	msgSignInExpired   = "This sign-in has expired or was not started in this browser. Sign in again."
	msgProviderRefused = "The sign-in service refused the sign-in (%s)."
	msgExchangeFailed  = "The sign-in service did not confirm the sign-in. Sign in again."
	msgBadToken        = "The sign-in service's answer could not be verified, so predmet refused it. Sign in again."
)

// roleLabels name the roles on the pages, in English; the catalogue translates them.
var roleLabels = map[domain.Role]string{
	domain.RoleIntake:     "Intake",
	domain.RoleOfficer:    "Officer",
	domain.RoleSectorHead: "Sector head",
	domain.RoleSupervisor: "Supervisor",
	domain.RoleAdmin:      "Administrator",
}

//go:embed templates/*.html
var templateFiles embed.FS

// pages are the sign-in's own pages: the sign-in (with the development sign-in's list of people) and
// the refusal.
type pages struct {
	t *template.Template
}

func mustParsePages() *pages {
	return &pages{t: template.Must(template.ParseFS(templateFiles, "templates/*.html"))}
}

// page is what every page of the sign-in shows.
type page struct {
	Lang  domain.Language
	Title string
	// Dev marks the page as the development sign-in's.
	Dev bool
}

// T translates an English text of the catalogue into the page's language.
func (p page) T(format string, args ...any) string { return i18n.Translate(p.Lang, format, args...) }

// signInData is the sign-in page.
type signInData struct {
	page
	Next      string
	SignedOut bool
	// Provider is the label of the identity provider, or "" without one; HasProvider says whether
	// there is one.
	Provider    string
	HasProvider bool
	People      []devPerson
}

// devPerson is someone the development sign-in offers.
type devPerson struct {
	ID, Name, Title string
	Roles           []string
	DevUser         bool
}

// refusedData is the page that says why someone cannot go on.
type refusedData struct {
	page
	Message string
}

// lang returns the language of a page for r: the signed-in user's, else the browser's choice.
func lang(r *http.Request) domain.Language {
	if u := UserFrom(r.Context()); u != nil && u.Language != "" {
		return u.Language
	}
	return i18n.Negotiate(r.Header.Get("Accept-Language"))
}

// render writes the template name with data, with the status and headers every page of the sign-in
// has: no caching, no framing.
func (a *Auth) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := a.pages.t.ExecuteTemplate(&buf, name, data); err != nil {
		a.log.Error("sign-in page not rendered", zap.String("page", name), zap.Error(err))
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("Referrer-Policy", "same-origin")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// refuse shows the page that says, in the reader's language, why they cannot go on: the message of
// the domain error err, or a generic one for any other error.
func (a *Auth) refuse(w http.ResponseWriter, r *http.Request, status int, err error) {
	p := page{Lang: lang(r), Title: msgTitleRefused, Dev: a.dev}
	msg := p.T(msgTryAgain)
	var e *domain.Error
	if errors.As(err, &e) {
		msg = i18n.Translate(p.Lang, e.Format, e.Args...)
	}
	a.render(w, status, "refused.html", refusedData{page: p, Message: msg})
}

// signInPage shows the sign-in page: the identity provider's button, the development sign-in's people,
// or the news that there is no way to sign in.
func (a *Auth) signInPage(w http.ResponseWriter, r *http.Request, next string, signedOut bool) {
	d := signInData{
		page: page{Lang: lang(r), Title: msgTitleSignIn, Dev: a.dev},
		Next: next, SignedOut: signedOut, HasProvider: a.cfg.OIDC != nil,
	}
	if a.cfg.OIDC != nil {
		d.Provider = a.cfg.OIDC.Label
	}
	if a.dev {
		d.People = a.devPeople(d.Lang)
	}
	status := http.StatusOK
	if !d.HasProvider && !a.dev {
		status = http.StatusServiceUnavailable
	}
	a.render(w, status, "signin.html", d)
}

// devPeople lists whom the development sign-in offers: the dev user first, then everyone in the
// directory whom a sign-in would accept, in the directory's order.
func (a *Auth) devPeople(l domain.Language) []devPerson {
	org := a.people.org()
	if org == nil {
		return nil
	}
	var out []devPerson
	for _, p := range people(org) {
		u, err := a.people.Identify(a.devGrant(p.ID))
		if err != nil {
			continue
		}
		d := devPerson{ID: p.ID, Name: p.Name, Title: p.Title, DevUser: p.ID == a.devUser}
		for _, r := range u.Roles {
			d.Roles = append(d.Roles, i18n.Translate(l, roleLabels[r]))
		}
		if d.DevUser {
			out = slices.Insert(out, 0, d)
		} else {
			out = append(out, d)
		}
	}
	return out
}

// devGrant is what the development sign-in grants the person id: every role to the dev user, nothing
// beyond their positions to anyone else.
func (a *Auth) devGrant(id string) Grant {
	g := Grant{PersonID: id}
	if id != "" && id == a.devUser {
		g.Roles = slices.Clone(domain.Roles)
	}
	return g
}

// devSignIn signs the browser in as the person of the form's field "person", with no password: only
// where the development sign-in is on.
func (a *Auth) devSignIn(w http.ResponseWriter, r *http.Request) {
	if !a.dev {
		http.NotFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		a.refuse(w, r, http.StatusBadRequest, domain.Errorf(domain.EINVALID, msgSignInExpired))
		return
	}
	g := a.devGrant(r.PostFormValue("person"))
	if _, err := a.people.Identify(g); err != nil {
		a.refuse(w, r, http.StatusForbidden, err)
		return
	}
	if err := a.startSession(w, r, g, ViaDev); err != nil {
		a.log.Error("session not stored", zap.Error(err))
		a.refuse(w, r, http.StatusServiceUnavailable, domain.Errorf(domain.EUNAVAILABLE, msgTryAgain))
		return
	}
	http.Redirect(w, r, localPath(r.PostFormValue("next")), http.StatusSeeOther)
}
