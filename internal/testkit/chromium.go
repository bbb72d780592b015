package testkit

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// FindChromium returns the path of a Chromium to drive headless: $PREDMET_CHROMIUM, or the first of
// chromium, chromium-browser and google-chrome on the PATH. Without one it skips the test, except on CI
// ($CI set), where .ci/run installs Debian's chromium and a missing browser is a failure.
func FindChromium(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv("PREDMET_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		tb.Fatal("no Chromium on the CI machine: .ci/run should have installed it")
	}
	tb.Skip("no Chromium found (apt-get install chromium, or set PREDMET_CHROMIUM)")
	return ""
}

// DumpDOM loads url in a headless Chromium (see FindChromium) with a fresh profile and returns the page's
// DOM once it has loaded, as the browser serialises it. flags are passed to Chromium before the URL (e.g.
// "--virtual-time-budget=15000" to let the page's scripts run for 15 s of virtual time). ctx bounds the
// browser's run.
func DumpDOM(ctx context.Context, tb testing.TB, url string, flags ...string) (string, error) {
	tb.Helper()
	chromium := FindChromium(tb)
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + tb.TempDir()}
	args = append(append(args, flags...), "--dump-dom", url)
	out, err := exec.CommandContext(ctx, chromium, args...).Output()
	if err != nil {
		return "", fmt.Errorf("chromium: %w", err)
	}
	return string(out), nil
}
