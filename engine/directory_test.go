package engine_test

import (
	"os"
	"path/filepath"
	"testing"
)

// testDirectory is an organisation directory for the lifecycle tests' staff: every message they cause has
// an address, so that none fails for want of one.
const testDirectory = `{
  "municipality": {"mk": "Општина Тест", "sq": "Komuna Test", "en": "Municipality of Test"},
  "secretary": {"id": "secretary", "name": "Весна Трајковска", "email": "secretary@opstina-test.example", "language": "mk"},
  "cabinet": [{"id": "mayor", "name": "Градоначалник", "email": "mayor@opstina-test.example", "language": "mk"}],
  "department": {"id": "international", "name": {"mk": "Одделение за меѓународна соработка"},
    "head": {"id": "head", "name": "Раководител", "email": "head@opstina-test.example", "language": "en"},
    "officers": [{"id": "elena", "name": "Елена", "email": "elena@opstina-test.example", "language": "mk"}]},
  "units": [
    {"id": "urbanism", "kind": "sector", "name": {"mk": "Сектор за урбанизам", "sq": "Sektori për urbanizëm", "en": "Urban Planning"},
      "head": {"id": "goran", "name": "Горан", "email": "goran@opstina-test.example", "language": "mk"},
      "deputy": {"id": "jovana", "name": "Јована", "email": "jovana@opstina-test.example", "language": "mk"}},
    {"id": "finance", "kind": "sector", "name": {"mk": "Сектор за финансии", "sq": "Sektori i financave"},
      "head": {"id": "besa", "name": "Besa", "email": "besa@opstina-test.example", "language": "sq"}},
    {"id": "communal", "kind": "sector", "name": {"mk": "Сектор за комунални работи"},
      "head": {"id": "petar", "name": "Петар", "email": "petar@opstina-test.example", "language": "mk"}}
  ]
}`

// writeTestDirectory writes testDirectory into dir and returns its path.
func writeTestDirectory(tb testing.TB, dir string) string {
	tb.Helper()
	path := filepath.Join(dir, "test-directory.json")
	if err := os.WriteFile(path, []byte(testDirectory), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}
