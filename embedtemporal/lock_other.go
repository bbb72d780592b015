//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package embedtemporal

// lockDataDir does nothing on this platform: nothing stops two servers from sharing a data
// directory.
func lockDataDir(string) (func() error, error) {
	return func() error { return nil }, nil
}
