package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/predmet/predmet/directory"
	"github.com/predmet/predmet/intake"
	"github.com/predmet/predmet/internal/testkit"
)

// TestStaffCheck loads a staff file that disagrees with the organisation directory, then changes it:
// each disagreement is logged once as a warning that names the user and the field and no one's name,
// at the load and at every reload.
func TestStaffCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "staff.json")
	write := func(users ...string) {
		t.Helper()
		var lines []string
		for i, u := range users {
			lines = append(lines, fmt.Sprintf(`{%s, "tokenSha256": "%064x"}`, u, i+1))
		}
		if err := writeAtomic(path, `{"users": [`+strings.Join(lines, ",")+`]}`); err != nil {
			t.Fatal(err)
		}
	}
	write(`"id": "ana.petrovska", "name": "Ана Петровска-Илиевска", "roles": ["intake"]`, `"id": "web-form", "name": "Web form", "roles": ["intake"]`)
	staff, err := intake.OpenStaffFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := directory.Open(testkit.Path("deploy/directory/example.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zap.WarnLevel)
	c := &staffCheck{staff: staff, dir: dir, log: zap.New(core)}

	warned := func() []string {
		var out []string
		for _, e := range logs.TakeAll() {
			if strings.Contains(fmt.Sprint(e.ContextMap()), "Петровска") || strings.Contains(e.Message, "Петровска") {
				t.Errorf("the warning names a person: %s %v", e.Message, e.ContextMap())
			}
			out = append(out, fmt.Sprint(e.ContextMap()["userId"], " ", e.ContextMap()["field"]))
		}
		return out
	}
	c.run()
	if got, want := warned(), []string{"ana.petrovska name", "web-form id"}; !slices.Equal(got, want) {
		t.Errorf("warnings at the load: %q, want %q", got, want)
	}
	c.run()
	if got := warned(); len(got) != 0 {
		t.Errorf("warnings again with nothing changed: %q", got)
	}

	// The staff file is corrected for Ana, and gives Goran another sector than his.
	write(`"id": "ana.petrovska", "name": "Ана Петровска", "roles": ["intake"]`, `"id": "goran.mitrevski", "name": "Горан Митревски", "roles": ["sector_head"], "sector": "finance"`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go staff.Watch(ctx, 10*time.Millisecond)
	testkit.Eventually(t, 10*time.Second, func() error {
		if staff.Len() == 2 && staff.Staff().Users()[1].ID == "goran.mitrevski" {
			return nil
		}
		return fmt.Errorf("the staff file is not reloaded")
	})
	c.run()
	if got, want := warned(), []string{"goran.mitrevski sector"}; !slices.Equal(got, want) {
		t.Errorf("warnings at the reload: %q, want %q", got, want)
	}
	if d := c.readyDetails(); d["users"] != 2 || fmt.Sprint(d["disagreements"]) != "[{goran.mitrevski sector}]" {
		t.Errorf("readyDetails = %v", d)
	}
}

// writeAtomic replaces the file at path with content, whole.
func writeAtomic(path, content string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
