// Package auth signs staff in to predmet's staff pages and tells who they are: OpenID Connect with PKCE, server-side sessions, protection against cross-site forgery, and one identity from the organisation directory for a browser session and an API token alike.
//
// # Who someone is
//
// The organisation directory (domain.Organisation, held by directory.Holder) is the one source of who
// someone is: their ID, name, e-mail address, language and unit. A Resolver makes a domain.StaffUser
// of a person of the directory in force, on every request, so that an edit of the directory shows at
// once. Roles come from two places:
//
//   - the positions the person holds in the directory (DefaultPositionRoles, replaced per position by
//     Config.Positions): the department's officers are intake and officer; its head, the secretary of
//     the municipality and the mayor's cabinet are supervisors; the heads of units and their deputies
//     are sector heads of their unit;
//   - what the sign-in grants: the roles of the person's groups at the identity provider
//     (Config.Groups, such as {"predmet-admins": ["admin"]}), or every role for the dev user of the
//     development sign-in.
//
// A sector head answers for the unit that the sector claim names (OIDC.SectorClaim), if configured,
// else for the first unit the person heads, else the first they deputise. Someone the provider knows
// but the directory does not, someone with no role, and a sector head without a unit are refused with
// a page that says why, in their language; no one gets half an identity.
//
// API tokens (the staff file) give the same people: Resolver.Token (Resolver.Staff) takes the name,
// address, language and (unless the staff file names one) sector from the directory, and keeps the
// staff file's roles; it refuses a token that makes a person the head of a sector the directory does not
// say they head or deputise. CheckStaff lists where the staff file and the directory disagree, for the
// loader of the staff file to log and show on /readyz; a user the directory does not hold is a machine
// and keeps the staff file's name.
//
// # Signing in
//
// With an identity provider (Config.OIDC), GET /signin sends the browser to it with the authorization
// code flow: a fresh state, nonce and PKCE verifier (S256) are kept server-side, the state also in a
// short-lived cookie that binds the sign-in to the browser. GET /signin/callback checks the state,
// exchanges the code with the verifier, verifies the ID token (signature, issuer, audience, expiry,
// nonce, and the authorized party when there are several audiences), reads the user claim (by default
// "email", matched against the directory's addresses; or an ID, OIDC.MatchBy) and the groups claim
// (completed from the UserInfo endpoint when the ID token lacks them), and starts a session.
//
// Without a provider, `predmet dev` offers the development sign-in (Options.DevSignIn): a page listing
// the dev user and the directory's people, each one button, no password. That page, and every page
// after it (Session.Dev), says that it is a development sign-in. Elsewhere it is off unless asked for.
//
// # Sessions
//
// Sessions are kept server-side, in a SQLite file readable by its owner only (OpenSessions), under the
// SHA-256 of the cookie's random value, so that signing out (POST /signout) or EndSessionsOf ends a
// session at once, whoever holds its cookie. A session ends after Config.Sessions.Idle without a
// request and Config.Sessions.MaxAge after sign-in. Every sign-in gets a new ID. The cookie is HttpOnly
// and SameSite=Lax, and Secure (with the __Host- prefix) when the base URL is https. Signing out of a
// provider's session also ends it there when the provider has an end_session_endpoint.
//
// Several API replicas each keep their own sessions: route a browser to one replica (cookie affinity
// at the ingress). A browser that lands on another is sent through the provider again, which signs it
// in without a question while the provider's own session lasts.
//
// # Forgery
//
// RequireUser and the sign-in's own forms refuse unsafe requests from other sites with the standard
// library's http.CrossOriginProtection (Sec-Fetch-Site, else Origin against Host and the base URL).
//
// # Wiring
//
//	sessions, _ := auth.OpenSessions(filepath.Join(dataDir, "sessions.db"))
//	a, _ := auth.New(auth.Options{Config: cfg, BaseURL: baseURL, Directory: holder, Sessions: sessions})
//	a.Register(router)                        // /signin, /signin/callback, /signin/dev, /signout
//	pages.Use(a.RequireUser)                  // auth.UserFrom(ctx), auth.SessionFrom(ctx)
//	u, sess, err := a.Authenticate(r)         // the same session at another door (the API)
//
// docs/auth.md says how to register predmet with Keycloak, Microsoft Entra ID and AD FS.
package auth
