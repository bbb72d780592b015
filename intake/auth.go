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
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

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

// NewToken returns a new API token, 32 random bytes after TokenPrefix, and its SHA-256 in hex: give the
// token to the user and put the hash in the staff directory.
func NewToken() (token, sha256hex string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	token = TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(token))
	return token, hex.EncodeToString(sum[:])
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

// authenticate is middleware that requires a valid bearer token and puts its user in the context.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearerToken(r.Header.Get("Authorization"))
		if !ok {
			s.writeError(w, r, domain.Errorf(domain.EUNAUTHORIZED, msgTokenMissing))
			return
		}
		var user *domain.StaffUser
		if s.Staff != nil {
			user, ok = s.Staff.Authenticate(token)
		}
		if user == nil || !ok {
			s.writeError(w, r, domain.Errorf(domain.EUNAUTHORIZED, msgTokenInvalid))
			return
		}
		infoOf(r.Context()).user = user
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey, user)))
	})
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
