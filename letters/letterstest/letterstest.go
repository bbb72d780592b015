// Package letterstest reads PDF letters back for tests, with the real tools people use: pdftotext and
// pdfinfo from Debian's poppler-utils (which .ci/run installs).
package letterstest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// tool returns the path of a poppler command, or skips the test without one outside CI.
func tool(tb testing.TB, name string) string {
	tb.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		tb.Fatalf("no %s on the CI machine: .ci/run should have installed poppler-utils", name)
	}
	tb.Skipf("no %s found (apt-get install poppler-utils)", name)
	return ""
}

// writePDF writes pdf to a file of the test's own.
func writePDF(tb testing.TB, pdf []byte) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "letter.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// MustText extracts the text of every page of pdf with pdftotext, in reading order, pages separated
// by form feeds.
func MustText(tb testing.TB, pdf []byte) string {
	tb.Helper()
	cmd := exec.Command(tool(tb, "pdftotext"), "-enc", "UTF-8", writePDF(tb, pdf), "-")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("pdftotext: %v\n%s", err, stderr.String())
	}
	return string(out)
}

var pagesLine = regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`)

// MustPages returns the number of pages of pdf, as pdfinfo reads it.
func MustPages(tb testing.TB, pdf []byte) int {
	tb.Helper()
	cmd := exec.Command(tool(tb, "pdfinfo"), writePDF(tb, pdf))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("pdfinfo: %v\n%s", err, stderr.String())
	}
	m := pagesLine.FindSubmatch(out)
	if m == nil {
		tb.Fatalf("pdfinfo gave no page count:\n%s", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// Words joins the words of s with single spaces, so that a text compares with what pdftotext gives
// back whatever the lines it was broken into.
func Words(s string) string { return strings.Join(strings.Fields(s), " ") }
