// Package disk keeps blobs in the data directory: the blob store of the embedded default.
package disk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/predmet/predmet/blob"
)

// Store keeps each blob in a file of its own, dir/sha256/ab/abcdef… (see blob.Sum.Key), readable by
// predmet's user alone: files 0600 in directories 0700. A blob is written to a temporary file in
// dir/tmp (on the same file system), synced, and renamed into place, so that a blob is either whole
// or not there at all; the directory is synced too, so that the rename survives a crash.
type Store struct {
	dir string
}

var _ blob.Store = (*Store)(nil)

// staleTemp is how old a temporary file must be for Open to remove it as left over by a crash.
const staleTemp = 24 * time.Hour

// Open opens the store in dir, creating it if needed, and removes the temporary files that a crash left
// more than a day ago (a younger one may be another process's upload under way).
func Open(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("blob/disk: no directory")
	}
	for _, d := range []string{dir, filepath.Join(dir, "sha256"), filepath.Join(dir, "tmp")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("blob/disk: %w", err)
		}
	}
	s := &Store{dir: dir}
	entries, err := os.ReadDir(s.tmp())
	if err != nil {
		return nil, fmt.Errorf("blob/disk: %w", err)
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleTemp {
			os.Remove(filepath.Join(s.tmp(), e.Name()))
		}
	}
	return s, nil
}

func (s *Store) tmp() string { return filepath.Join(s.dir, "tmp") }

func (s *Store) path(sum blob.Sum) string { return filepath.Join(s.dir, filepath.FromSlash(sum.Key())) }

// Put stores the bytes of r (see blob.Store).
func (s *Store) Put(ctx context.Context, r io.Reader, lim blob.Limits) (_ blob.Blob, err error) {
	f, err := os.CreateTemp(s.tmp(), "put-*")
	if err != nil {
		return blob.Blob{}, blob.Unavailable("create", err)
	}
	defer func() {
		if f != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	b, err := blob.Copy(ctx, f, r, lim)
	if err != nil {
		return blob.Blob{}, err
	}
	if err := f.Sync(); err != nil {
		return blob.Blob{}, blob.Unavailable("sync", err)
	}
	if err := f.Close(); err != nil {
		return blob.Blob{}, blob.Unavailable("close", err)
	}
	if err := ctx.Err(); err != nil {
		return blob.Blob{}, blob.Unavailable("put", err)
	}
	path := s.path(b.Sum)
	if _, err := os.Stat(path); err == nil {
		os.Remove(f.Name()) // the same bytes are stored already
		f = nil
		return b, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return blob.Blob{}, blob.Unavailable("mkdir", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return blob.Blob{}, blob.Unavailable("rename", err)
	}
	f = nil
	if err := syncDir(filepath.Dir(path)); err != nil {
		return blob.Blob{}, blob.Unavailable("sync", err)
	}
	return b, nil
}

// syncDir makes a rename into dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Open returns the bytes of a blob (see blob.Store): an *os.File, which is also an io.ReadSeeker.
func (s *Store) Open(ctx context.Context, sum blob.Sum) (io.ReadCloser, blob.Blob, error) {
	if err := ctx.Err(); err != nil {
		return nil, blob.Blob{}, blob.Unavailable("open", err)
	}
	f, err := os.Open(s.path(sum))
	if err != nil {
		return nil, blob.Blob{}, s.err(sum, "open", err)
	}
	b, err := stat(f, sum)
	if err != nil {
		f.Close()
		return nil, blob.Blob{}, s.err(sum, "stat", err)
	}
	return f, b, nil
}

// Stat returns a blob (see blob.Store); its media type is sniffed from the file's first bytes.
func (s *Store) Stat(ctx context.Context, sum blob.Sum) (blob.Blob, error) {
	if err := ctx.Err(); err != nil {
		return blob.Blob{}, blob.Unavailable("stat", err)
	}
	f, err := os.Open(s.path(sum))
	if err != nil {
		return blob.Blob{}, s.err(sum, "stat", err)
	}
	defer f.Close()
	b, err := stat(f, sum)
	if err != nil {
		return blob.Blob{}, s.err(sum, "stat", err)
	}
	return b, nil
}

// stat reads the size and the media type of an open blob, leaving the file at its start.
func stat(f *os.File, sum blob.Sum) (blob.Blob, error) {
	info, err := f.Stat()
	if err != nil {
		return blob.Blob{}, err
	}
	head := make([]byte, blob.SniffLen)
	n, err := f.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return blob.Blob{}, err
	}
	return blob.Blob{Sum: sum, Size: info.Size(), MediaType: blob.Sniff(head[:n])}, nil
}

func (s *Store) err(sum blob.Sum, op string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return blob.NotFound(sum)
	}
	return blob.Unavailable(op, err)
}

// Delete removes a blob (see blob.Store).
func (s *Store) Delete(ctx context.Context, sum blob.Sum) error {
	if err := ctx.Err(); err != nil {
		return blob.Unavailable("delete", err)
	}
	path := s.path(sum)
	if err := os.Remove(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return blob.Unavailable("delete", err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return blob.Unavailable("delete", err)
	}
	return nil
}

// List yields every blob (see blob.Store). Files in the store's directories that are not named for
// a sum (put there by hand) are skipped.
func (s *Store) List(ctx context.Context) iter.Seq2[blob.Blob, error] {
	return func(yield func(blob.Blob, error) bool) {
		root := filepath.Join(s.dir, "sha256")
		fans, err := os.ReadDir(root)
		if err != nil {
			yield(blob.Blob{}, blob.Unavailable("list", err))
			return
		}
		for _, fan := range fans {
			if !fan.IsDir() || len(fan.Name()) != 2 {
				continue
			}
			if err := ctx.Err(); err != nil {
				yield(blob.Blob{}, blob.Unavailable("list", err))
				return
			}
			entries, err := os.ReadDir(filepath.Join(root, fan.Name()))
			if err != nil {
				yield(blob.Blob{}, blob.Unavailable("list", err))
				return
			}
			for _, e := range entries {
				sum, err := blob.ParseSum(e.Name())
				if err != nil || e.Name() != sum.String() || !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), fan.Name()) {
					continue
				}
				info, err := e.Info()
				if errors.Is(err, fs.ErrNotExist) {
					continue // deleted meanwhile
				} else if err != nil {
					yield(blob.Blob{}, blob.Unavailable("list", err))
					return
				}
				if !yield(blob.Blob{Sum: sum, Size: info.Size()}, nil) {
					return
				}
			}
		}
	}
}
