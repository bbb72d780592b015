package i18n

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// verbPattern matches a fmt verb with its flags, argument index, width and precision, or an escaped %.
var verbPattern = regexp.MustCompile(`%[-+# 0]*(\[\d+\])?(\d+|\*)?(\.(\d+|\*)?)?[a-zA-Z%]`)

// verbs returns the verbs of a format string in order, leaving out escaped percent signs.
func verbs(format string) []string {
	var out []string
	for _, v := range verbPattern.FindAllString(format, -1) {
		if v != "%%" {
			out = append(out, v)
		}
	}
	return out
}

// TestCatalog checks that every message has both translations and that each keeps the English verbs,
// in the same order, so that the same arguments fit.
func TestCatalog(t *testing.T) {
	if len(catalog) == 0 {
		t.Fatal("empty catalog")
	}
	for english, tr := range catalog {
		want := verbs(english)
		for lang, s := range map[string]string{"mk": tr.mk, "sq": tr.sq} {
			if strings.TrimSpace(s) == "" {
				t.Errorf("%q: no %s translation", english, lang)
				continue
			}
			if got := verbs(s); !slices.Equal(got, want) {
				t.Errorf("%q: %s translation %q has verbs %q, want %q", english, lang, s, got, want)
			}
			if s == english {
				t.Errorf("%q: %s translation is the English text", english, lang)
			}
		}
		if !cyrillic.MatchString(tr.mk) {
			t.Errorf("%q: Macedonian translation %q is not in Cyrillic", english, tr.mk)
		}
	}
}

var cyrillic = regexp.MustCompile(`\p{Cyrillic}`)

func TestVerbs(t *testing.T) {
	got := verbs("%s is %d%% of %q, %[1]s %-5.2f")
	want := []string{"%s", "%d", "%q", "%[1]s", "%-5.2f"}
	if !slices.Equal(got, want) {
		t.Errorf("verbs = %q, want %q", got, want)
	}
}
