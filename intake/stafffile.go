package intake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"go.uber.org/zap"

	"github.com/predmet/predmet/directory"
	"github.com/predmet/predmet/domain"
)

// StaffFile is the staff directory of a file, kept current while predmet runs: a valid change to the
// file takes effect without a restart, and an invalid or missing file is logged and leaves the
// directory in force. It is safe for concurrent use.
type StaffFile struct {
	file *directory.File[Staff]
}

// staffSource reads staff files for a directory.File.
var staffSource = directory.Source[Staff]{
	Name:     "staff",
	Parse:    ParseStaff,
	Describe: func(s *Staff) []zap.Field { return []zap.Field{zap.Int("users", s.Len())} },
}

// OpenStaffFile reads the staff file at path (see LoadStaff) and returns it kept current. A nil logger
// logs nothing.
func OpenStaffFile(path string, logger *zap.Logger) (*StaffFile, error) {
	f, err := directory.OpenFile(path, staffSource, logger)
	if err != nil {
		return nil, err
	}
	return &StaffFile{file: f}, nil
}

// Authenticate returns the staff user whose token is token (a copy), or false. A token that the
// directory in force does not know makes it look at the file first, so that a user added a moment ago
// (predmet staff add) is let in at once; that look costs a stat while the file is unchanged. A user
// removed from the file is refused once Watch or such a look has seen the change.
func (s *StaffFile) Authenticate(token string) (*domain.StaffUser, bool) {
	if u, ok := s.file.Current().Authenticate(token); ok {
		return u, true
	}
	s.file.Look()
	return s.file.Current().Authenticate(token)
}

// Len returns the number of users in the directory in force.
func (s *StaffFile) Len() int { return s.file.Current().Len() }

// Staff returns the directory in force. It is replaced, never changed, when the file changes: a
// different pointer means a different directory.
func (s *StaffFile) Staff() *Staff { return s.file.Current() }

// Watch looks at the file every interval (directory.DefaultWatchInterval if not positive) until ctx is
// done, and puts a valid change in force.
func (s *StaffFile) Watch(ctx context.Context, interval time.Duration) { s.file.Watch(ctx, interval) }

// AddStaff adds user to the staff file at path with a new token, and returns the token: the file keeps
// only its hash. A file that does not exist is created. A user of the same ID already in the file is
// an error unless replace is set; then their entry is replaced and their old token stops working.
// The file must hold a valid staff directory before and after (see NewStaff); a sector head must name
// their sector. The file is written whole to a temporary file beside it, synced and renamed over it,
// with mode 0600, so that a running predmet never reads half of it. AddStaff is not meant to run twice
// at once on the same file.
func AddStaff(path string, user domain.StaffUser, replace bool) (token string, err error) {
	if user.HasRole(domain.RoleSectorHead) && user.Sector == "" {
		return "", fmt.Errorf("staff user %s: a sector head needs a sector (the sector whose requests they answer)", user.ID)
	}
	var f staffFile
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return "", fmt.Errorf("staff file: %w", err)
	default:
		if f, err = decodeStaffFile(path, b); err != nil {
			return "", err
		}
		if _, err := NewStaff(f.Users...); err != nil {
			return "", fmt.Errorf("staff file %s: %w", path, err)
		}
	}
	token, hash := NewToken()
	member := StaffMember{StaffUser: user, TokenSHA256: hash}
	if i := slices.IndexFunc(f.Users, func(m StaffMember) bool { return m.ID == user.ID }); i < 0 {
		f.Users = append(f.Users, member)
	} else if replace {
		f.Users[i] = member
	} else {
		return "", fmt.Errorf("staff user %q is already in %s (replace them to give them a new token)", user.ID, path)
	}
	if _, err := NewStaff(f.Users...); err != nil {
		return "", err
	}
	content, err := encodeStaffFile(f)
	if err != nil {
		return "", err
	}
	if err := writeFileAtomic(path, content, 0o600); err != nil {
		return "", fmt.Errorf("staff file: %w", err)
	}
	return token, nil
}

// encodeStaffFile writes a staff file with one user a line, for people who read or edit it.
func encodeStaffFile(f staffFile) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"users": [`)
	for i, m := range f.Users {
		line, err := json.Marshal(m)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n  ")
		b.Write(line)
	}
	b.WriteString("\n]}\n")
	return b.Bytes(), nil
}

// writeFileAtomic writes content to a new file in path's directory, syncs it and renames it to path,
// so that readers see the old content or the new, whole.
func writeFileAtomic(path string, content []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(perm); err != nil {
		return err
	}
	if _, err := tmp.Write(content); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
