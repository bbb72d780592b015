package directory

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/predmet/predmet/domain"
)

// DefaultWatchInterval is how often Watch looks at the file when given no interval.
const DefaultWatchInterval = 5 * time.Second

// racyWindow is how long after a file's modification time a write may leave its time and size
// unchanged (file systems that keep times to the second or two): until then, a look at the file
// hashes it.
const racyWindow = 2 * time.Second

// Source is a kind of file that a File holds: the organisation directory, the staff file.
type Source[T any] struct {
	// Name names what the file holds, in logs and errors: "directory", "staff".
	Name string
	// Parse decodes and validates the content b of the file at path. Its errors are logged and returned
	// as they are; a *domain.Error is logged by its message.
	Parse func(path string, b []byte) (*T, error)
	// Describe, if set, returns log fields that sum up a value loaded: counts, never personal data.
	Describe func(*T) []zap.Field
}

// File holds the value read from a file and replaces it when the file changes. Reading it (Current)
// takes no lock; Reload, Look and Watch replace it only with a value that parses. It is safe for
// concurrent use.
type File[T any] struct {
	src    Source[T]
	path   string
	logger *zap.Logger
	cur    atomic.Pointer[T]

	mu      sync.Mutex // serialises looks at the file; guards what follows
	seen    fileState  // the file as last read, whether it parsed or not
	readAt  time.Time  // when it was last read
	missing bool       // the file could not be found at the last look
}

// fileState is what a look compares to tell whether the file changed.
type fileState struct {
	modTime time.Time
	size    int64
	sum     [sha256.Size]byte
}

// OpenFile reads the file at path, parses it with src.Parse and returns a holder of its value. It
// returns the parser's error, or an internal error wrapping the operating system's when the file
// cannot be read. A nil logger logs nothing.
func OpenFile[T any](path string, src Source[T], logger *zap.Logger) (*File[T], error) {
	if logger == nil {
		logger = zap.NewNop()
	}
	f := &File[T]{src: src, path: path, logger: logger.Named(src.Name)}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.reload(); err != nil {
		return nil, err
	}
	return f, nil
}

// Path returns the path of the file.
func (f *File[T]) Path() string { return f.path }

// Current returns the value in force. It is never nil and must not be changed.
func (f *File[T]) Current() *T {
	return f.cur.Load()
}

// Reload reads the file again and puts its value in force. If the file cannot be read or does not
// parse, the value in force stays, and Reload logs and returns the error (see OpenFile).
func (f *File[T]) Reload() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reload()
}

// reload reads the file, remembers what it saw, and puts its value in force if it parses.
func (f *File[T]) reload() error {
	fi, err := os.Stat(f.path) // before reading: a change after it shows at the next look
	if err != nil {
		f.missing = false // a reload asked for logs its failure, whatever the last look found
		f.unreadable(err)
		return fmt.Errorf("load %s: %w", f.src.Name, err)
	}
	f.readAt = time.Now()
	b, err := os.ReadFile(f.path)
	if err != nil {
		f.missing = false
		f.unreadable(err)
		return fmt.Errorf("load %s: %w", f.src.Name, err)
	}
	f.missing = false
	f.seen = fileState{modTime: fi.ModTime(), size: fi.Size(), sum: sha256.Sum256(b)}
	v, err := f.src.Parse(f.path, b)
	if err != nil {
		f.logger.Error(f.src.Name+" file invalid; keeping the "+f.src.Name+" in force", zap.String("path", f.path),
			zap.String("error", errorText(err)))
		return err
	}
	f.cur.Store(v)
	fields := []zap.Field{zap.String("path", f.path)}
	if f.src.Describe != nil {
		fields = append(fields, f.src.Describe(v)...)
	}
	f.logger.Info(f.src.Name+" loaded", append(fields, zap.String("sha256", hex.EncodeToString(f.seen.sum[:8])))...)
	return nil
}

// unreadable records that the file could not be read, and logs it unless the last look found the same.
func (f *File[T]) unreadable(err error) {
	if !f.missing {
		f.logger.Error(f.src.Name+" file unreadable; keeping the "+f.src.Name+" in force", zap.String("path", f.path), zap.Error(err))
	}
	f.missing = true
}

// Watch looks at the file every interval (DefaultWatchInterval if not positive) until ctx is done; see
// Look.
func (f *File[T]) Watch(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = DefaultWatchInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f.Look()
		}
	}
}

// Look reloads the value if the file changed since it was last read: its modification time or size,
// or, while either may lag behind a write, its content's hash. Looking at a file that did not change
// costs a stat. A change to content already seen (the file touched, or restored) reloads nothing; a
// file that is invalid or gone is logged once and the value in force stays until the file changes
// again.
func (f *File[T]) Look() {
	f.mu.Lock()
	defer f.mu.Unlock()
	fi, err := os.Stat(f.path)
	if err != nil {
		f.unreadable(err)
		return
	}
	changed := f.missing || !fi.ModTime().Equal(f.seen.modTime) || fi.Size() != f.seen.size
	if !changed && f.readAt.Sub(fi.ModTime()) >= racyWindow {
		return
	}
	readAt := time.Now()
	b, err := os.ReadFile(f.path)
	if err != nil {
		f.unreadable(err)
		return
	}
	sum := sha256.Sum256(b)
	if sum == f.seen.sum {
		// The content was seen: touched, restored, or unchanged within the racy window.
		f.missing, f.readAt = false, readAt
		f.seen.modTime, f.seen.size = fi.ModTime(), fi.Size()
		return
	}
	_ = f.reload() // logged there
}

// errorText returns the message of err for the log: a domain error's own message, or err's text.
func errorText(err error) string {
	var e *domain.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}
