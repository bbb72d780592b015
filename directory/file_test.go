package directory_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/predmet/predmet/directory"
)

// words is a Source of a file of words, one a line; a file without any is invalid.
var words = directory.Source[[]string]{
	Name: "words",
	Parse: func(path string, b []byte) (*[]string, error) {
		w := strings.Fields(string(b))
		if len(w) == 0 {
			return nil, errors.New(filepath.Base(path) + ": no words")
		}
		return &w, nil
	},
	Describe: func(w *[]string) []zap.Field { return []zap.Field{zap.Int("words", len(*w))} },
}

// TestFileLook checks a file of another kind than the directory: a look takes a change at once, keeps
// the value in force when the file turns invalid or goes, and logs each fault once.
func TestFileLook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "words.txt")
	writeFile(t, path, "one two")
	core, logs := observer.New(zapcore.InfoLevel)
	f, err := directory.OpenFile(path, words, zap.New(core))
	if err != nil {
		t.Fatal(err)
	}
	if f.Path() != path || len(*f.Current()) != 2 {
		t.Fatalf("opened %s with %v", f.Path(), *f.Current())
	}
	if e := logs.FilterMessage("words loaded").All(); len(e) != 1 || e[0].ContextMap()["words"] != int64(2) {
		t.Errorf("load logged as %v", e)
	}

	t.Run("OK_ChangeTakenAtOnce", func(t *testing.T) {
		replace(t, path, "one two six") // in the same second, perhaps: the size tells
		f.Look()
		if got := *f.Current(); len(got) != 3 {
			t.Errorf("after the change: %v", got)
		}
		replace(t, path, "one two ten") // the same size: the hash tells, within the racy window
		f.Look()
		if got := *f.Current(); got[2] != "ten" {
			t.Errorf("after a change of the same size: %v", got)
		}
	})
	t.Run("ErrInvalidKeepsValue", func(t *testing.T) {
		before := f.Current()
		replace(t, path, "  ")
		f.Look()
		f.Look()
		if f.Current() != before {
			t.Error("an invalid file replaced the value in force")
		}
		invalid := logs.FilterMessage("words file invalid; keeping the words in force").All()
		if len(invalid) != 1 || invalid[0].ContextMap()["error"] != "words.txt: no words" {
			t.Errorf("invalid file logged as %v", invalid)
		}
		if err := f.Reload(); err == nil {
			t.Error("Reload of an invalid file succeeded")
		}
	})
	t.Run("ErrMissingKeepsValue", func(t *testing.T) {
		replace(t, path, "back again")
		f.Look()
		before := f.Current()
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		f.Look()
		f.Look()
		if f.Current() != before {
			t.Error("a missing file replaced the value in force")
		}
		if n := count(logs, "words file unreadable; keeping the words in force"); n != 1 {
			t.Errorf("the missing file logged %d times, want once", n)
		}
	})
}
