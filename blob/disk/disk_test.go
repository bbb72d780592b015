package disk_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/predmet/predmet/blob"
	"github.com/predmet/predmet/blob/blobtest"
	"github.com/predmet/predmet/blob/disk"
)

// MustOpen opens a store in a new directory.
func MustOpen(tb testing.TB) (*disk.Store, string) {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "blobs")
	s, err := disk.Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return s, dir
}

func TestConformance(t *testing.T) {
	blobtest.Run(t, func(tb testing.TB) blob.Store {
		s, dir := MustOpen(tb)
		tb.Cleanup(func() { assertNoTemp(tb, dir) })
		return s
	})
}

// assertNoTemp fails the test if a temporary file was left behind.
func assertNoTemp(tb testing.TB, dir string) {
	tb.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, "tmp"))
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range entries {
		tb.Errorf("temporary file %s left behind", e.Name())
	}
}

func TestLayout(t *testing.T) {
	s, dir := MustOpen(t)
	data := blobtest.PDF("Одговор")
	b := blobtest.MustPut(t, s, data, blob.Limits{})
	path := filepath.Join(dir, "sha256", b.Sum.String()[:2], b.Sum.String())
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("%s: %v", path, err)
	}
	// Only predmet's user may read the files.
	for p, want := range map[string]os.FileMode{dir: 0o700, filepath.Dir(path): 0o700, path: 0o600, filepath.Join(dir, "tmp"): 0o700} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if perm := info.Mode().Perm(); perm != want {
			t.Errorf("%s has mode %o, want %o", p, perm, want)
		}
	}
}

// TestOpenCleansUp checks that Open removes the temporary files a crash left long ago, and keeps a
// recent one (another process's upload under way).
func TestOpenCleansUp(t *testing.T) {
	_, dir := MustOpen(t)
	old, recent := filepath.Join(dir, "tmp", "put-old"), filepath.Join(dir, "tmp", "put-recent")
	for _, p := range []string{old, recent} {
		if err := os.WriteFile(p, []byte("half a file"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	long := time.Now().AddDate(0, 0, -2)
	if err := os.Chtimes(old, long, long); err != nil {
		t.Fatal(err)
	}
	if _, err := disk.Open(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("the stale temporary file is still there: %v", err)
	}
	if _, err := os.Stat(recent); err != nil {
		t.Errorf("the recent temporary file was removed: %v", err)
	}
}

// TestListSkipsStrangers checks that files put into the store's directories by hand are not listed.
func TestListSkipsStrangers(t *testing.T) {
	s, dir := MustOpen(t)
	b := blobtest.MustPut(t, s, []byte("hello\n"), blob.Limits{})
	fan := filepath.Join(dir, "sha256", b.Sum.String()[:2])
	os.WriteFile(filepath.Join(fan, "notes.txt"), []byte("x"), 0o600)
	os.WriteFile(filepath.Join(fan, b.Sum.String()+".bak"), []byte("x"), 0o600)
	os.WriteFile(filepath.Join(dir, "sha256", "README"), []byte("x"), 0o600)
	if list := blobtest.MustList(t, s); len(list) != 1 || list[0].Sum != b.Sum {
		t.Errorf("List = %+v", list)
	}
}
