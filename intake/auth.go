package intake

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gorilla/mux"
	"go.uber.org/zap"

	"github.com/predmet/predmet/domain"
)

// TokenPrefix starts every API token, so that a leaked token is recognisable (by secret scanners too).
const TokenPrefix = "pmt_"

// StaffMember is an entry of the staff directory: a staff user and the SHA-256 of their token. In the
// directory file it reads {"id", "name", "roles", "language", "sector", "tokenSha256"}.
type StaffMember struct {
	domain.StaffUser
	// TokenSHA256 is the SHA-256 of the user's token, in hex. The directory never holds tokens.
	TokenSHA256 string `json:"tokenSha256"`
}

// staffFile is the form of the staff directory file.
type staffFile struct {
	Users []StaffMember `json:"users"`
}

// Authenticator finds the staff user a bearer token belongs to: a *Staff, or a *StaffFile that follows
// its file.
type Authenticator interface {
	// Authenticate returns the staff user whose token is token (a copy), or false.
	Authenticate(token string) (*domain.StaffUser, bool)
}

// Staff is the directory of the staff users who may call the API, each found by the hash of their
// token. It does not change once made and is safe for concurrent use.
type Staff struct {
	members []staffEntry
}

type staffEntry struct {
	user domain.StaffUser
	hash [sha256.Size]byte
}

// userIDPattern is what a staff user ID may look like: it goes into event metadata and logs.
var userIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// NewStaff returns a directory of the given members. It returns an error naming the member at fault
// for a missing or malformed ID, a missing name, no roles or an unknown role, an unknown language, an
// overlong sector, a token hash that is not 64 hex digits, or an ID or a hash used twice. An empty
// language means that the user's Accept-Language header decides.
func NewStaff(members ...StaffMember) (*Staff, error) {
	s := &Staff{members: make([]staffEntry, 0, len(members))}
	ids := make(map[string]int, len(members))
	hashes := make(map[[sha256.Size]byte]int, len(members))
	for i, m := range members {
		n := i + 1
		if !userIDPattern.MatchString(m.ID) {
			return nil, fmt.Errorf("staff user %d: id %q must be 1 to 64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit", n, m.ID)
		}
		if strings.TrimSpace(m.Name) == "" {
			return nil, fmt.Errorf("staff user %d (%s): name is required", n, m.ID)
		} else if !utf8.ValidString(m.Name) || utf8.RuneCountInString(m.Name) > domain.MaxNameLen {
			return nil, fmt.Errorf("staff user %d (%s): name must be valid UTF-8 of at most %d characters", n, m.ID, domain.MaxNameLen)
		}
		if len(m.Roles) == 0 {
			return nil, fmt.Errorf("staff user %d (%s): no roles; give one or more of %s", n, m.ID, joinRoles(domain.Roles))
		}
		for _, r := range m.Roles {
			if !slices.Contains(domain.Roles, r) {
				return nil, fmt.Errorf("staff user %d (%s): unknown role %q; known roles: %s", n, m.ID, r, joinRoles(domain.Roles))
			}
		}
		if m.Language != "" && !slices.Contains(domain.Languages, m.Language) {
			return nil, fmt.Errorf("staff user %d (%s): unknown language %q; use mk, sq or en, or leave it empty", n, m.ID, m.Language)
		}
		if utf8.RuneCountInString(m.Sector) > domain.MaxSectorLen {
			return nil, fmt.Errorf("staff user %d (%s): sector is longer than %d characters", n, m.ID, domain.MaxSectorLen)
		}
		var hash [sha256.Size]byte
		if len(m.TokenSHA256) != hex.EncodedLen(sha256.Size) {
			return nil, fmt.Errorf("staff user %d (%s): tokenSha256 must be the SHA-256 of the token in hex (64 digits), not %d characters", n, m.ID, len(m.TokenSHA256))
		} else if _, err := hex.Decode(hash[:], []byte(m.TokenSHA256)); err != nil {
			return nil, fmt.Errorf("staff user %d (%s): tokenSha256 is not hex: %w", n, m.ID, err)
		}
		if prev, ok := ids[m.ID]; ok {
			return nil, fmt.Errorf("staff user %d: id %q is already used by user %d", n, m.ID, prev)
		}
		if prev, ok := hashes[hash]; ok {
			return nil, fmt.Errorf("staff user %d (%s): tokenSha256 is already used by user %d (%s); give each user their own token", n, m.ID, prev, members[prev-1].ID)
		}
		ids[m.ID], hashes[hash] = n, n

		u := m.StaffUser
		u.Roles = slices.Clone(u.Roles)
		s.members = append(s.members, staffEntry{user: u, hash: hash})
	}
	return s, nil
}

// LoadStaff reads the staff directory from a JSON file of the form
//
//	{"users": [{"id": "ana.petrovska", "name": "Ана Петровска", "roles": ["intake", "officer"],
//	            "language": "mk", "sector": "", "tokenSha256": "<hex SHA-256 of the token>"}]}
//
// Unknown fields are errors, so that a misspelt one is not silently ignored. See NewStaff for the
// rules each user must follow.
func LoadStaff(path string) (*Staff, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load staff: %w", err)
	}
	return ParseStaff(path, b)
}

// ParseStaff reads the staff directory from b, the content of the staff file at path; see LoadStaff.
func ParseStaff(path string, b []byte) (*Staff, error) {
	f, err := decodeStaffFile(path, b)
	if err != nil {
		return nil, err
	}
	s, err := NewStaff(f.Users...)
	if err != nil {
		return nil, fmt.Errorf("load staff %s: %w", path, err)
	}
	return s, nil
}

// decodeStaffFile decodes the staff file at path, whose content is b, without checking its users.
func decodeStaffFile(path string, b []byte) (staffFile, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f staffFile
	if err := dec.Decode(&f); err != nil {
		return staffFile{}, fmt.Errorf("load staff %s: %w", path, err)
	} else if _, err := dec.Token(); err != io.EOF {
		return staffFile{}, fmt.Errorf("load staff %s: unexpected data after the JSON object", path)
	}
	return f, nil
}

// Authenticate returns the staff user whose token is token. It hashes the token with SHA-256 and
// compares the hash with every user's in constant time. The user returned is a copy.
func (s *Staff) Authenticate(token string) (*domain.StaffUser, bool) {
	if s == nil || token == "" {
		return nil, false
	}
	sum := sha256.Sum256([]byte(token))
	found := -1
	for i := range s.members {
		if subtle.ConstantTimeCompare(sum[:], s.members[i].hash[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return nil, false
	}
	u := s.members[found].user
	u.Roles = slices.Clone(u.Roles)
	return &u, true
}

// Len returns the number of users in the directory.
func (s *Staff) Len() int {
	if s == nil {
		return 0
	}
	return len(s.members)
}

// Users returns the users of the directory, in the order of the file (copies, without their hashes).
func (s *Staff) Users() []domain.StaffUser {
	if s == nil {
		return nil
	}
	out := make([]domain.StaffUser, len(s.members))
	for i, m := range s.members {
		out[i] = m.user
		out[i].Roles = slices.Clone(m.user.Roles)
	}
	return out
}

// NewToken returns a new API token, 32 random bytes after TokenPrefix, and its SHA-256 in hex: give the
// token to the user and put the hash in the staff directory.
func NewToken() (token, sha256hex string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	token = TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(token))
	return token, hex.EncodeToString(sum[:])
}

// Identities makes the user of an API token the person the organisation directory holds, so that a
// token and a browser's session give the same person (package auth's Resolver does).
type Identities interface {
	// Token returns the user u of the staff file as the directory in force has them: its name,
	// address and language, the staff file's roles. It returns an EFORBIDDEN error, for people to
	// read, when the two disagree on what the token may do (a sector the person does not head).
	Token(u domain.StaffUser) (*domain.StaffUser, error)
}

// Sessions is the API's second door: the sessions of the staff who signed in to the staff pages
// (package auth), so that a signed-in browser may call the API without a token.
type Sessions interface {
	// User returns the user of r's session, and whether they signed in through the development
	// sign-in. It returns an EUNAUTHORIZED error when r carries no live session; EFORBIDDEN for an
	// unsafe request from another site, or a person no longer allowed in; EUNAVAILABLE when the
	// sessions cannot be read.
	User(r *http.Request) (u *domain.StaffUser, dev bool, err error)
	// EndSessionsOf ends every session of the person personID and returns how many it ended.
	EndSessionsOf(ctx context.Context, personID string) (int, error)
}

// Via is the door a caller came through: an API token or a browser's session.
type Via string

// The doors to the API.
const (
	ViaToken   Via = "token"
	ViaSession Via = "session"
)

// caller is who made a request, and through which door.
type caller struct {
	via Via
	dev bool
}

// UserFromContext returns the authenticated staff user of a request's context, or nil.
func UserFromContext(ctx context.Context) *domain.StaffUser {
	u, _ := ctx.Value(userKey).(*domain.StaffUser)
	return u
}

// userOf returns the authenticated user of r, also when r is the request as it was before
// authentication (in the outer middleware).
func userOf(r *http.Request) *domain.StaffUser {
	if u := UserFromContext(r.Context()); u != nil {
		return u
	}
	return infoOf(r.Context()).user
}

// authenticate is middleware that requires a valid bearer token or, without an Authorization header,
// a browser's live session (Server.Sessions), and puts the caller's user in the context. A token's
// user is made the directory's person (Server.Identities).
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, who, err := s.caller(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		infoOf(r.Context()).user = user
		ctx := context.WithValue(context.WithValue(r.Context(), userKey, user), callerKey, who)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// caller returns the user of r's bearer token or, when r has no Authorization header, of its session.
func (s *Server) caller(r *http.Request) (*domain.StaffUser, caller, error) {
	header := r.Header.Get("Authorization")
	if header == "" && s.Sessions != nil {
		u, dev, err := s.Sessions.User(r)
		if domain.ErrorCode(err) == domain.EUNAUTHORIZED {
			return nil, caller{}, domain.Errorf(domain.EUNAUTHORIZED, msgSignInOrToken)
		} else if err != nil {
			return nil, caller{}, err
		}
		return u, caller{via: ViaSession, dev: dev}, nil
	}
	token, ok := bearerToken(header)
	if !ok {
		return nil, caller{}, domain.Errorf(domain.EUNAUTHORIZED, msgTokenMissing)
	}
	var user *domain.StaffUser
	if s.Staff != nil {
		user, ok = s.Staff.Authenticate(token)
	}
	if user == nil || !ok {
		return nil, caller{}, domain.Errorf(domain.EUNAUTHORIZED, msgTokenInvalid)
	}
	if s.Identities != nil {
		var err error
		if user, err = s.Identities.Token(*user); err != nil {
			return nil, caller{}, err
		}
	}
	return user, caller{via: ViaToken}, nil
}

// bearerToken returns the token of an Authorization header of the Bearer scheme (RFC 6750).
func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// requireRole wraps h so that only users with one of the roles may call it.
func (s *Server) requireRole(h http.HandlerFunc, roles ...domain.Role) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u := UserFromContext(r.Context()); u == nil {
			s.writeError(w, r, domain.Errorf(domain.EUNAUTHORIZED, msgTokenMissing))
			return
		} else if !u.HasRole(roles...) {
			s.writeError(w, r, domain.Errorf(domain.EFORBIDDEN, msgForbidden, joinRoles(roles)))
			return
		}
		h(w, r)
	})
}

// The roles that may end another person's sessions.
var sessionAdminRoles = []domain.Role{domain.RoleAdmin}

var errNoSessions = errors.New("intake: Server.Sessions is not set")

// registerAuthRoutes registers the routes about the caller and the staff's sessions on r, the
// authenticated router.
func (s *Server) registerAuthRoutes(r *mux.Router) {
	r.HandleFunc("/api/v1/me", s.handleMe).Methods(http.MethodGet)
	r.Handle("/api/v1/sessions/{person}/end", s.requireRole(s.handleEndSessions, sessionAdminRoles...)).Methods(http.MethodPost)
}

// me is the answer of GET /api/v1/me.
type me struct {
	domain.StaffUser
	// Via is the door the caller came through: "token" or "session".
	Via Via `json:"via"`
	// DevSignIn says that the session came from the development sign-in.
	DevSignIn bool `json:"devSignIn,omitempty"`
}

// handleMe handles "GET /api/v1/me": who the caller is, as predmet sees them, whether they came with a
// token or a browser's session.
func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	who, _ := r.Context().Value(callerKey).(caller)
	s.writeJSON(w, r, http.StatusOK, me{StaffUser: *UserFromContext(r.Context()), Via: who.via, DevSignIn: who.dev})
}

// handleEndSessions handles "POST /api/v1/sessions/{person}/end": every session of the person ends
// at once (someone who left, or whose device was lost). It answers how many ended, none being no
// error.
func (s *Server) handleEndSessions(w http.ResponseWriter, r *http.Request) {
	if s.Sessions == nil {
		s.writeError(w, r, errNoSessions)
		return
	}
	person := mux.Vars(r)["person"]
	if !userIDPattern.MatchString(person) {
		s.writeError(w, r, domain.FieldErrorf("person", msgBadPerson, person))
		return
	}
	n, err := s.Sessions.EndSessionsOf(r.Context(), person)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.logger().Info("sessions ended", zap.String("userId", person), zap.Int("sessions", n),
		zap.String("by", UserFromContext(r.Context()).ID), zap.String("requestId", RequestIDFromContext(r.Context())))
	s.writeJSON(w, r, http.StatusOK, struct {
		PersonID string `json:"personId"`
		Ended    int    `json:"ended"`
	}{person, n})
}
