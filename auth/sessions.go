package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"
)

// Via is how a session was signed in.
type Via string

// Ways of signing in.
const (
	ViaOIDC Via = "oidc" // the identity provider
	ViaDev  Via = "dev"  // the development sign-in
)

// Session is a signed-in browser's session, as the server keeps it.
type Session struct {
	// Grant is who signed in and what the sign-in granted them.
	Grant Grant
	// Via is how they signed in.
	Via Via
	// Created is when they signed in; Seen, when the session was last used (to the minute); Expires,
	// when it ends however busy it is.
	Created, Seen, Expires time.Time
}

// Dev reports whether the session came from the development sign-in, which every page says.
func (s *Session) Dev() bool { return s != nil && s.Via == ViaDev }

// SessionFrom returns the session of a request's context (RequireUser puts it there), or nil for a
// request that carried an API token.
func SessionFrom(ctx context.Context) *Session {
	s, _ := ctx.Value(sessionKey).(*Session)
	return s
}

// signIn is a sign-in under way at the identity provider: what the callback must find again.
type signIn struct {
	Nonce, Verifier, Next string
	Created               time.Time
}

// signInLifetime is how long a sign-in may stay at the identity provider.
const signInLifetime = 15 * time.Minute

// touchEvery is how stale Seen may get before a request writes it again: the precision of idle expiry.
const touchEvery = time.Minute

// sessionSchema holds the sessions and the sign-ins under way, each by the SHA-256 of the secret the
// browser holds, so that the file gives no one a usable cookie.
const sessionSchema = `
CREATE TABLE IF NOT EXISTS sessions (
	id_hash    BLOB PRIMARY KEY,
	person_id  TEXT NOT NULL,
	grant_json TEXT NOT NULL,
	via        TEXT NOT NULL,
	created    INTEGER NOT NULL,
	seen       INTEGER NOT NULL,
	expires    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sessions_person ON sessions (person_id);
CREATE TABLE IF NOT EXISTS signins (
	state_hash BLOB PRIMARY KEY,
	nonce      TEXT NOT NULL,
	verifier   TEXT NOT NULL,
	next       TEXT NOT NULL,
	created    INTEGER NOT NULL
) WITHOUT ROWID;
`

// SessionStore keeps sessions server-side in a SQLite file, so that signing out (or EndSessionsOf) ends
// a session at once, whoever holds its cookie. It is safe for concurrent use.
type SessionStore struct {
	db *sql.DB
}

// OpenSessions opens (creating it, readable by its owner only) the session file at path, such as
// <data-dir>/sessions.db.
func OpenSessions(path string) (*SessionStore, error) {
	if path == "" || strings.HasPrefix(path, ":memory:") || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("auth: sessions %q is not a file path", path)
	}
	// Create the file with owner-only permissions before SQLite does; its journal files copy them.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("auth: open sessions: %w", err)
	}
	_ = f.Close()
	if err := os.Chmod(path, 0o600); err != nil {
		return nil, fmt.Errorf("auth: open sessions: %w", err)
	}
	q := url.Values{"_pragma": {"journal_mode(WAL)", "busy_timeout(5000)", "synchronous(NORMAL)"}, "_txlock": {"immediate"}}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if _, err := db.Exec(sessionSchema); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("auth: open sessions %s: %w", path, err)
	}
	return &SessionStore{db: db}, nil
}

// Close closes the file.
func (s *SessionStore) Close() error { return s.db.Close() }

// newSecret returns 32 random bytes in base64url: a session ID or a sign-in's state.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashOf is how the store keys a secret.
func hashOf(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// create stores a new session and returns its ID, the cookie's value. It first drops the sessions that
// have run out, so that the file does not grow.
func (s *SessionStore) create(ctx context.Context, sess Session) (string, error) {
	g, err := json.Marshal(sess.Grant)
	if err != nil {
		return "", err
	}
	id := newSecret()
	now := sess.Created.Unix()
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires <= ?`, now); err != nil {
		return "", fmt.Errorf("auth: sessions: %w", err)
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO sessions (id_hash, person_id, grant_json, via, created, seen, expires) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		hashOf(id), sess.Grant.PersonID, string(g), string(sess.Via), now, now, sess.Expires.Unix())
	if err != nil {
		return "", fmt.Errorf("auth: sessions: %w", err)
	}
	return id, nil
}

// errNoSession is a session that is not (or no longer) in the store.
var errNoSession = errors.New("no such session")

// get returns the session whose ID is id, or errNoSession.
func (s *SessionStore) get(ctx context.Context, id string) (*Session, error) {
	var (
		grant, via             string
		created, seen, expires int64
	)
	err := s.db.QueryRowContext(ctx, `SELECT grant_json, via, created, seen, expires FROM sessions WHERE id_hash = ?`, hashOf(id)).
		Scan(&grant, &via, &created, &seen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoSession
	} else if err != nil {
		return nil, fmt.Errorf("auth: sessions: %w", err)
	}
	sess := &Session{Via: Via(via), Created: time.Unix(created, 0), Seen: time.Unix(seen, 0), Expires: time.Unix(expires, 0)}
	if err := json.Unmarshal([]byte(grant), &sess.Grant); err != nil {
		return nil, fmt.Errorf("auth: sessions: %w", err)
	}
	return sess, nil
}

// touch records that the session id was used at t.
func (s *SessionStore) touch(ctx context.Context, id string, t time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE sessions SET seen = ? WHERE id_hash = ?`, t.Unix(), hashOf(id))
	return err
}

// end deletes the session id; a session that is not there is no error.
func (s *SessionStore) end(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, hashOf(id))
	return err
}

// EndSessionsOf ends every session of the person with the given ID (someone who left, or whose
// device was lost) and returns how many it ended.
func (s *SessionStore) EndSessionsOf(ctx context.Context, personID string) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE person_id = ?`, personID)
	if err != nil {
		return 0, fmt.Errorf("auth: sessions: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// Count returns the number of sessions stored, those that have run out but are not yet dropped among
// them.
func (s *SessionStore) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sessions`).Scan(&n)
	return n, err
}

// beginSignIn stores a sign-in under way and returns its state, the value the browser's cookie and
// the identity provider's redirect both carry.
func (s *SessionStore) beginSignIn(ctx context.Context, in signIn) (string, error) {
	state := newSecret()
	// Sign-ins abandoned at the provider are dropped here, so that many started do not fill the file.
	if _, err := s.db.ExecContext(ctx, `DELETE FROM signins WHERE created <= ?`, in.Created.Add(-signInLifetime).Unix()); err != nil {
		return "", fmt.Errorf("auth: sessions: %w", err)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO signins (state_hash, nonce, verifier, next, created) VALUES (?, ?, ?, ?, ?)`,
		hashOf(state), in.Nonce, in.Verifier, in.Next, in.Created.Unix())
	if err != nil {
		return "", fmt.Errorf("auth: sessions: %w", err)
	}
	return state, nil
}

// finishSignIn takes the sign-in whose state is state out of the store, so that it is used once, and
// returns it, or errNoSession.
func (s *SessionStore) finishSignIn(ctx context.Context, state string) (*signIn, error) {
	var (
		in      signIn
		created int64
	)
	err := s.db.QueryRowContext(ctx, `DELETE FROM signins WHERE state_hash = ? RETURNING nonce, verifier, next, created`, hashOf(state)).
		Scan(&in.Nonce, &in.Verifier, &in.Next, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoSession
	} else if err != nil {
		return nil, fmt.Errorf("auth: sessions: %w", err)
	}
	in.Created = time.Unix(created, 0)
	return &in, nil
}
