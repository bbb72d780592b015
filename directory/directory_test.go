package directory_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/predmet/predmet/directory"
	"github.com/predmet/predmet/domain"
)

// example is the sample directory that ships with predmet.
const example = "../deploy/directory/example.json"

func TestLoadExample(t *testing.T) {
	o, err := directory.Load(example)
	if err != nil {
		t.Fatalf("Load(%s) = %v", example, err)
	}
	t.Run("OK/SectorCodes", func(t *testing.T) {
		// The sector codes that the lifecycle tests, the README and the staff files use.
		for _, id := range []string{"urbanism", "communal", "finance", "culture", "international"} {
			if _, err := o.Unit(id); err != nil {
				t.Errorf("Unit(%q) = %v", id, err)
			}
		}
		if _, err := o.Officer("ana.petrovska"); err != nil { // the staff user of deploy/kubernetes
			t.Errorf("Officer(ana.petrovska) = %v", err)
		}
	})
	t.Run("OK/EveryKind", func(t *testing.T) {
		kinds := map[domain.UnitKind]int{}
		for _, u := range o.Units {
			kinds[u.Kind]++
		}
		for _, k := range []domain.UnitKind{domain.UnitSector, domain.UnitDepartment, domain.UnitCouncil, domain.UnitPublicEnterprise, domain.UnitPublicInstitution} {
			if kinds[k] == 0 {
				t.Errorf("no unit of kind %s", k)
			}
		}
		if kinds[domain.UnitSector] < 6 || kinds[domain.UnitPublicEnterprise] < 2 || kinds[domain.UnitPublicInstitution] < 3 {
			t.Errorf("units by kind: %v", kinds)
		}
		if n := len(o.Department.Officers); n < 4 {
			t.Errorf("%d officers", n)
		}
	})
	t.Run("OK/EveryUnitEveryLevel", func(t *testing.T) {
		ids := []string{o.Department.ID}
		for _, u := range o.Units {
			ids = append(ids, u.ID)
		}
		for _, id := range ids {
			for _, level := range []domain.EscalationLevel{domain.LevelDeputy, domain.LevelHead, domain.LevelSecretary, domain.LevelCabinet} {
				got, err := o.Recipients(id, level)
				if err != nil || len(got) == 0 {
					t.Errorf("Recipients(%q, %q) = %v, %v", id, level, got, err)
				}
			}
		}
	})
	t.Run("OK/Ladders", func(t *testing.T) {
		// The Council does not answer to the mayor: its last level is its president.
		president, _ := o.HeadOf("council")
		if got, _ := o.Recipients("council", domain.LevelCabinet); len(got) != 1 || got[0] != president {
			t.Errorf("the Council's cabinet level: %+v, want its president %+v", got, president)
		}
		// A public enterprise is chased through the mayor's adviser, not the secretary.
		got, _ := o.Recipients("pe_water", domain.LevelSecretary)
		if len(got) != 1 || got[0] == o.Secretary || !slices.Contains(o.Cabinet, got[0]) {
			t.Errorf("the water enterprise's secretary level: %+v, want a member of the cabinet", got)
		}
		// A sector without a deputy escalates to its head at the deputy's level.
		head, _ := o.HeadOf("led")
		if got, _ := o.Recipients("led", domain.LevelDeputy); len(got) != 1 || got[0] != head {
			t.Errorf("led's deputy level: %+v, want the head %+v", got, head)
		}
	})
	t.Run("OK/Languages", func(t *testing.T) {
		if o.Municipality.MK == "" || o.Municipality.SQ == "" || o.Municipality.EN == "" {
			t.Errorf("municipality names: %+v", o.Municipality)
		}
		langs := map[domain.Language]int{}
		for _, p := range everyone(o) {
			langs[p.Language]++
		}
		if langs[domain.Macedonian] == 0 || langs[domain.Albanian] == 0 {
			t.Errorf("people by language: %v", langs)
		}
	})
	t.Run("OK/ReservedDomain", func(t *testing.T) {
		// No real address ships with predmet.
		for _, p := range everyone(o) {
			if !strings.HasSuffix(p.Email, ".example") {
				t.Errorf("%s: %s is not under the reserved domain .example", p.ID, p.Email)
			}
		}
	})
}

// everyone returns every person of the directory.
func everyone(o *domain.Organisation) []domain.Person {
	out := append([]domain.Person{o.Secretary, o.Department.Head}, o.Cabinet...)
	out = append(out, o.Department.Officers...)
	for _, u := range o.Units {
		out = append(out, u.Head)
		if u.Deputy != nil {
			out = append(out, *u.Deputy)
		}
	}
	return out
}

// base is a small valid directory file; the broken files of TestLoadErrors change one part of it.
const base = `{
  "municipality": {"mk": "Општина Пример"},
  "secretary": {"id": "vesna", "name": "Весна Трајковска", "email": "vesna@opstina-primer.example", "language": "mk"},
  "cabinet": [{"id": "mayor", "name": "Александар Стојановски", "email": "mayor@opstina-primer.example", "language": "mk"}],
  "department": {"id": "international", "name": {"mk": "Одделение за односи со јавноста"},
    "head": {"id": "ilina", "name": "Илина Ристовска", "email": "ilina@opstina-primer.example", "language": "mk"},
    "officers": [{"id": "ana", "name": "Ана Петровска", "email": "ana@opstina-primer.example", "language": "mk"}]},
  "units": [
    {"id": "urbanism", "kind": "sector", "name": {"mk": "Сектор за урбанизам"},
      "head": {"id": "goran", "name": "Горан Митревски", "email": "goran@opstina-primer.example", "language": "mk"}}
  ]
}
`

// writeFile writes content to the file path or fails the test.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tt := range []struct {
		name     string
		old, new string // base with old replaced by new; old "" means new is the whole file
		field    string
		want     string // the message after the file's path
	}{
		{"ErrEmpty", "", "", "", `:1:1: the file is empty; want a JSON object`},
		{"ErrNotAnObject", "", "\n  [1, 2]\n", "", `:2:3: want an object, not a list`},
		{"ErrMoreData", "", base + `{"units": []}`, "", `:13:1: more data after the directory's JSON object`},
		{"ErrTruncated", "", base[:strings.Index(base, `"units"`)+12], "units", `:9:2: units: the file ends in the middle of the directory`},
		{"ErrSyntaxMissingComma", `"kind": "sector",`, `"kind": "sector"`, "units[0]",
			`:9:41: units[0]: invalid character '"' after object key:value pair`},
		{"ErrSyntaxTrailingComma", `"mk"}}` + "\n  ]", `"mk"}},` + "\n  ]", "units[1]",
			`:11:3: units[1]: invalid character ']' looking for beginning of value`},
		{"ErrSyntaxInString", `"Горан Митревски"`, `"Горан \q Митревски"`, "units[0].head.name",
			`:10:47: units[0].head.name: invalid character 'q' in string escape code`},
		{"ErrUnknownField", `"email": "goran@`, `"mail": "goran@`, "units[0].head.mail",
			`:10:58: units[0].head: unknown field "mail" (fields are id, name, email, language, title)`},
		{"ErrUnknownTopField", `"secretary":`, `"secretery":`, "secretery",
			`:3:3: unknown field "secretery" (fields are comment, municipality, mailDomain, secretary, cabinet, department, units)`},
		{"ErrUnknownFieldCase", `"kind": "sector"`, `"Kind": "sector"`, "units[0].Kind",
			`:9:24: units[0]: unknown field "Kind" (fields are id, kind, name, head, deputy, ladder)`},
		{"ErrFieldTwice", `"kind": "sector",`, `"kind": "sector", "kind": "council",`, "units[0].kind",
			`:9:42: units[0]: the field "kind" is given twice`},
		{"ErrLadderKeyTwice", `"kind": "sector",`, `"kind": "sector", "ladder": {"head": ["ilina"], "head": ["ana"]},`, "units[0].ladder.head",
			`:9:72: units[0].ladder: the key "head" is given twice`},
		{"ErrWantString", `{"mk": "Општина Пример"}`, `{"mk": 5}`, "municipality.mk", `:2:26: municipality.mk: want a string, not the number 5`},
		{"ErrWantStringNotNull", `"mk"}}` + "\n  ]", `null}}` + "\n  ]", "units[0].head.language",
			`:10:111: units[0].head.language: want a string, not null`},
		{"ErrWantObject", `{"mk": "Сектор за урбанизам"}`, `"Сектор за урбанизам"`, "units[0].name",
			`:9:50: units[0].name: want an object, not the string "Сектор за урбанизам"`},
		{"ErrWantList", `"units": [`, `"units": {"0": `, "units", `:8:12: units: want a list, not an object`},
		{"ErrWantBool", `"mk": "Општина Пример"`, `"mk": true`, "municipality.mk", `:2:26: municipality.mk: want a string, not true`},
		// Faults that Validate finds are placed at the value at fault, or at the object missing a field.
		{"ErrEmail", `"goran@opstina-primer.example"`, `"goran@"`, "units[0].head.email",
			`:10:67: units[0].head.email: "goran@" is not one bare e-mail address such as ana.petrovska@opstina-primer.example`},
		{"ErrNoHead", `,` + "\n" + `      "head": {"id": "goran", "name": "Горан Митревски", "email": "goran@opstina-primer.example", "language": "mk"}}`, `}`,
			"units[0].head", `:9:5: units[0].head: every unit needs a head`},
		{"ErrNoCabinet", `  "cabinet": [{"id": "mayor", "name": "Александар Стојановски", "email": "mayor@opstina-primer.example", "language": "mk"}],` + "\n", "",
			"cabinet", `:1:1: cabinet: the directory needs at least one member of the mayor's cabinet`},
		{"ErrLadderPerson", `"kind": "sector",`, `"kind": "sector", "ladder": {"secretary": ["vesna.trajkovska"]},`, "units[0].ladder.secretary[0]",
			`:9:67: units[0].ladder.secretary[0]: no person "vesna.trajkovska" in the directory; a ladder names people written elsewhere in it by their ID`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			content := tt.new
			if tt.old != "" {
				if !strings.Contains(base, tt.old) {
					t.Fatalf("the base file has no %q", tt.old)
				}
				content = strings.Replace(base, tt.old, tt.new, 1)
			}
			path := filepath.Join(t.TempDir(), "directory.json")
			writeFile(t, path, content)
			o, err := directory.Load(path)
			var e *domain.Error
			if !errors.As(err, &e) {
				t.Fatalf("Load = %v, %v; want a *domain.Error", o, err)
			}
			if e.Code != domain.EINVALID || e.Field != tt.field || e.Message != path+tt.want {
				t.Errorf("Load = %s %s %q\nwant   %s %s %q", e.Code, e.Field, strings.TrimPrefix(e.Message, path), domain.EINVALID, tt.field, tt.want)
			}
		})
	}
	t.Run("OK/Base", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "directory.json")
		writeFile(t, path, base)
		if _, err := directory.Load(path); err != nil {
			t.Fatalf("Load(base) = %v", err)
		}
	})
	t.Run("OK/ByteOrderMark", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "directory.json")
		writeFile(t, path, "\uFEFF"+base)
		if _, err := directory.Load(path); err != nil {
			t.Fatalf("Load(base with a BOM) = %v", err)
		}
	})
	t.Run("OK/NullDeputyAndLadder", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "directory.json")
		writeFile(t, path, strings.Replace(base, `"kind": "sector",`, `"kind": "sector", "deputy": null, "ladder": null,`, 1))
		o, err := directory.Load(path)
		if err != nil {
			t.Fatalf("Load = %v", err)
		}
		if u, _ := o.Unit("urbanism"); u.Deputy != nil || u.Ladder != nil {
			t.Errorf("Unit(urbanism) = %+v", u)
		}
	})
	t.Run("ErrMissingFile", func(t *testing.T) {
		_, err := directory.Load(filepath.Join(t.TempDir(), "none.json"))
		if !errors.Is(err, fs.ErrNotExist) || domain.ErrorCode(err) != domain.EINTERNAL {
			t.Errorf("Load(missing file) = %v", err)
		}
	})
}

// MustOpenHolder writes content to a new file and opens a holder of it that logs to the observer returned.
func MustOpenHolder(tb testing.TB, content string) (*directory.Holder, string, *observer.ObservedLogs) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "directory.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
	core, logs := observer.New(zapcore.InfoLevel)
	h, err := directory.Open(path, zap.New(core))
	if err != nil {
		tb.Fatalf("Open = %v", err)
	}
	return h, path, logs
}

// renamed returns base with the secretary's name changed: a valid change that shows.
func renamed(name string) string {
	return strings.Replace(base, "Весна Трајковска", name, 1)
}

// broken is base with an invalid address.
var broken = strings.Replace(base, `"goran@opstina-primer.example"`, `"goran@"`, 1)

// replace writes content to path through a temporary file and a rename, as editors and
// configuration managers do.
func replace(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".tmp"
	writeFile(t, tmp, content)
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// eventually waits up to five seconds for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// count returns how many entries with the message were logged.
func count(logs *observer.ObservedLogs, msg string) int {
	return logs.FilterMessage(msg).Len()
}

func TestHolderReload(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		h, path, logs := MustOpenHolder(t, base)
		first := h.Current()
		writeFile(t, path, renamed("Весна Петрова"))
		if err := h.Reload(); err != nil {
			t.Fatalf("Reload = %v", err)
		}
		if got := h.Current().Secretary.Name; got != "Весна Петрова" {
			t.Errorf("after Reload the secretary is %q", got)
		}
		if first.Secretary.Name != "Весна Трајковска" {
			t.Errorf("Reload changed the directory that was in force: %q", first.Secretary.Name)
		}
		if n := count(logs, "directory loaded"); n != 2 {
			t.Errorf("%d loads logged, want 2", n)
		}
	})
	t.Run("ErrInvalidKeepsDirectory", func(t *testing.T) {
		h, path, logs := MustOpenHolder(t, base)
		before := h.Current()
		writeFile(t, path, broken)
		err := h.Reload()
		if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), `units[0].head.email: "goran@" is not`) {
			t.Fatalf("Reload = %v", err)
		}
		if h.Current() != before {
			t.Error("an invalid file replaced the directory in force")
		}
		entries := logs.FilterMessage("directory file invalid; keeping the directory in force").All()
		if len(entries) != 1 || !strings.Contains(entries[0].ContextMap()["error"].(string), "units[0].head.email") {
			t.Errorf("logged %+v", entries)
		}
	})
	t.Run("ErrMissingKeepsDirectory", func(t *testing.T) {
		h, path, _ := MustOpenHolder(t, base)
		before := h.Current()
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		if err := h.Reload(); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("Reload = %v", err)
		}
		if h.Current() != before {
			t.Error("a missing file replaced the directory in force")
		}
	})
	t.Run("ErrOpenInvalid", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "directory.json")
		writeFile(t, path, broken)
		if h, err := directory.Open(path, nil); h != nil || domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("Open(invalid) = %v, %v", h, err)
		}
	})
}

func TestHolderWatch(t *testing.T) {
	watch := func(t *testing.T, h *directory.Holder) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { h.Watch(ctx, 10*time.Millisecond); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
	}
	secretary := func(h *directory.Holder) string { return h.Current().Secretary.Name }

	t.Run("OK/Change", func(t *testing.T) {
		h, path, _ := MustOpenHolder(t, base)
		watch(t, h)
		replace(t, path, renamed("Весна Петрова"))
		eventually(t, "the change", func() bool { return secretary(h) == "Весна Петрова" })
	})
	t.Run("OK/SameSizeAndTime", func(t *testing.T) {
		// A write that keeps the file's size and modification time is found by its content's hash.
		h, path, _ := MustOpenHolder(t, base)
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		watch(t, h)
		writeFile(t, path, renamed("Весна Трајковски")) // и for а: as many bytes
		if err := os.Chtimes(path, fi.ModTime(), fi.ModTime()); err != nil {
			t.Fatal(err)
		}
		if now, _ := os.Stat(path); now.Size() != fi.Size() || !now.ModTime().Equal(fi.ModTime()) {
			t.Fatalf("size %d and time %v, want %d and %v", now.Size(), now.ModTime(), fi.Size(), fi.ModTime())
		}
		eventually(t, "the change", func() bool { return secretary(h) == "Весна Трајковски" })
	})
	t.Run("ErrInvalidKeepsDirectory", func(t *testing.T) {
		h, path, logs := MustOpenHolder(t, base)
		before := h.Current()
		watch(t, h)
		replace(t, path, broken)
		const invalid = "directory file invalid; keeping the directory in force"
		eventually(t, "the invalid file logged", func() bool { return count(logs, invalid) > 0 })
		time.Sleep(100 * time.Millisecond) // ten more looks
		if h.Current() != before {
			t.Error("an invalid file replaced the directory in force")
		}
		if n := count(logs, invalid); n != 1 {
			t.Errorf("the invalid file logged %d times, want once", n)
		}
		// Fixed, it is picked up.
		replace(t, path, renamed("Весна Петрова"))
		eventually(t, "the fixed file", func() bool { return secretary(h) == "Весна Петрова" })
	})
	t.Run("ErrDeletedKeepsDirectory", func(t *testing.T) {
		h, path, logs := MustOpenHolder(t, base)
		before := h.Current()
		watch(t, h)
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		const unreadable = "directory file unreadable; keeping the directory in force"
		eventually(t, "the missing file logged", func() bool { return count(logs, unreadable) > 0 })
		time.Sleep(100 * time.Millisecond)
		if h.Current() != before {
			t.Error("a deleted file replaced the directory in force")
		}
		if n := count(logs, unreadable); n != 1 {
			t.Errorf("the missing file logged %d times, want once", n)
		}
		// Restored as it was, nothing is reloaded; written anew, it is.
		writeFile(t, path, base)
		time.Sleep(100 * time.Millisecond)
		if h.Current() != before || count(logs, "directory loaded") != 1 {
			t.Errorf("the restored file was loaded again (%d loads)", count(logs, "directory loaded"))
		}
		replace(t, path, renamed("Весна Петрова"))
		eventually(t, "the new file", func() bool { return secretary(h) == "Весна Петрова" })
	})
	t.Run("OK/TouchedReloadsNothing", func(t *testing.T) {
		h, path, logs := MustOpenHolder(t, base)
		before := h.Current()
		watch(t, h)
		later := time.Now().Add(time.Minute)
		if err := os.Chtimes(path, later, later); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
		if h.Current() != before || count(logs, "directory loaded") != 1 {
			t.Errorf("a touched file was loaded again (%d loads)", count(logs, "directory loaded"))
		}
	})
}

// BenchmarkCurrent reads the directory in force, as every notification will.
func BenchmarkCurrent(b *testing.B) {
	h, _, _ := MustOpenHolder(b, base)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if h.Current() == nil {
				b.Fatal("no directory")
			}
		}
	})
}

// BenchmarkLoad loads the sample directory.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := directory.Load(example); err != nil {
			b.Fatal(err)
		}
	}
}
