package i18n_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
)

// TestGlossary checks that every value of the shared vocabulary has a name in each language, the
// Macedonian in Cyrillic and each different from the English, written as it stands inside a sentence.
func TestGlossary(t *testing.T) {
	cyrillic := regexp.MustCompile(`\p{Cyrillic}`)
	groups := map[string][]string{
		"kind":    codes(domain.CaseKinds),
		"status":  codes(domain.Statuses),
		"bucket":  codes(domain.DueBuckets),
		"level":   codes(domain.EscalationLevels),
		"request": codes([]domain.RequestKind{domain.RequestInput, domain.RequestActivity, domain.RequestMilestone, domain.RequestReport}),
		"notice":  codes([]domain.NoticeKind{domain.NoticeReminder, domain.NoticeEscalation, domain.NoticeOverdue}),
	}
	for group, values := range groups {
		for _, code := range values {
			if !i18n.HasTerm(group, code) {
				t.Errorf("no term for %s %q", group, code)
				continue
			}
			en, mk, sq := i18n.Term(domain.English, group, code), i18n.Term(domain.Macedonian, group, code), i18n.Term(domain.Albanian, group, code)
			if !cyrillic.MatchString(mk) || mk == en || sq == en {
				t.Errorf("%s %q: en %q, mk %q, sq %q", group, code, en, mk, sq)
			}
			for _, s := range []string{en, mk, sq} {
				if i18n.Capital(s) == s {
					t.Errorf("%s %q: %q is not written as inside a sentence", group, code, s)
				}
			}
		}
	}
}

func TestLabel(t *testing.T) {
	for _, tt := range []struct {
		lang        domain.Language
		group, code string
		want        string
	}{
		{domain.Macedonian, "kind", "petition", "Претставка"},
		{domain.Albanian, "kind", "petition", "Parashtresë"},
		{domain.English, "level", "head", "Head of the sector"},
		{domain.English, "level", "nobody", "nobody"}, // an unknown code stays as it is
	} {
		if got := i18n.Label(tt.lang, tt.group, tt.code); got != tt.want {
			t.Errorf("Label(%s, %s, %s) = %q, want %q", tt.lang, tt.group, tt.code, got, tt.want)
		}
	}
	if got := i18n.Term(domain.Macedonian, "kind", "petition"); got != "претставка" {
		t.Errorf("Term = %q", got)
	}
	if got := i18n.Term(domain.Macedonian, "kind", "unknown_kind"); got != "unknown_kind" {
		t.Errorf("Term of an unknown kind = %q", got)
	}
	if got := i18n.Capital("ѓорѓи"); !strings.HasPrefix(got, "Ѓ") {
		t.Errorf("Capital = %q", got)
	}
}

func codes[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}
