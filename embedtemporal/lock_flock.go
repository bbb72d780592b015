//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package embedtemporal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockDataDir takes an exclusive lock on dir, so that two servers (in this process or another)
// cannot share one database; the lock is released by the returned function or when the process
// ends.
func lockDataDir(dir string) (unlock func() error, err error) {
	path := filepath.Join(dir, "temporal.lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("embedtemporal: locking data directory: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("embedtemporal: data directory %s is in use by another Temporal server", dir)
		}
		return nil, fmt.Errorf("embedtemporal: locking data directory: %w", err)
	}
	return f.Close, nil
}
