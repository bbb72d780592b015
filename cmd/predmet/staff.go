package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/intake"
)

const staffUsage = `Usage: predmet staff add --id ID --name NAME --role ROLE [--sector SECTOR] [--language mk|sq|en] [flags]

Adds a staff user to the staff file (--staff-file, else staff.json in --data-dir) with a new token, and
prints the token on stdout: it is shown only now, the file keeps its hash. A running predmet lets the
user in at once, without a restart. Roles: intake, officer, sector_head (with --sector), supervisor,
admin; give --role more than once, or a comma-separated list, for several.

Flags:
`

// staff runs "predmet staff add …".
func staff(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("predmet staff", staffUsage)
	var u domain.StaffUser
	fs.StringVar(&u.ID, "id", "", "the user's ID, as the organisation directory names them (e.g. goran.mitrevski)")
	fs.StringVar(&u.Name, "name", "", "the user's name")
	fs.Func("role", "a role: intake, officer, sector_head, supervisor or admin (repeat, or separate with commas)", func(s string) error {
		for _, r := range strings.Split(s, ",") {
			if r = strings.TrimSpace(r); r != "" {
				u.Roles = append(u.Roles, domain.Role(r))
			}
		}
		return nil
	})
	fs.StringVar(&u.Sector, "sector", "", "the sector whose requests a sector head answers (e.g. urbanism)")
	language := fs.String("language", "", "the language of the user's messages: mk, sq or en (empty: their browser's)")
	replace := fs.Bool("replace", false, "replace a user of the same ID, giving them a new token (the old one stops working)")
	dataDir := fs.String("data-dir", envOr("PREDMET_DATA_DIR", "./data"), "the data directory whose staff.json to change (PREDMET_DATA_DIR)")
	staffFile := fs.String("staff-file", envOr("PREDMET_STAFF_FILE", ""), "the staff file to change, instead of the data directory's (PREDMET_STAFF_FILE)")
	verb, err := parseFlags(fs, args, 1, 1, stdout, stderr)
	if err != nil {
		return err
	}
	if verb[0] != "add" {
		return usageError(fs, stderr, "unknown verb %q", verb[0])
	}
	u.Language = domain.Language(*language)
	switch {
	case u.ID == "":
		return usageError(fs, stderr, "--id is required")
	case u.Name == "":
		return usageError(fs, stderr, "--name is required")
	case len(u.Roles) == 0:
		return usageError(fs, stderr, "--role is required")
	}
	path := *staffFile
	if path == "" {
		path = filepath.Join(*dataDir, "staff.json")
	}
	token, err := intake.AddStaff(path, u, *replace)
	if err != nil {
		return err
	}
	roles := make([]string, len(u.Roles))
	for i, r := range u.Roles {
		roles[i] = string(r)
	}
	what := strings.Join(roles, ", ")
	if u.Sector != "" {
		what += "; sector " + u.Sector
	}
	fmt.Fprintf(stderr, "predmet: %s (%s) is in %s; a running predmet lets them in at once. Their token, shown only now:\n", u.ID, what, path)
	fmt.Fprintln(stdout, token)
	return nil
}
