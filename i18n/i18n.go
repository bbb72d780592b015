// Package i18n translates messages meant for people into Macedonian, Albanian and English.
package i18n

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/predmet/predmet/domain"
)

// translation is an English format string in the other languages. Each keeps the English verbs, in the
// same order, so that the same arguments fit.
type translation struct {
	mk string // Macedonian, in Cyrillic
	sq string // Albanian
}

// Translate formats a message in lang. The format is the English one (domain.Error.Format) and is the key
// of the catalog; when the catalog has no translation for lang, the English format is used.
func Translate(lang domain.Language, format string, args ...any) string {
	if t, ok := catalog[format]; ok {
		switch lang {
		case domain.Macedonian:
			format = t.mk
		case domain.Albanian:
			format = t.sq
		}
	}
	return fmt.Sprintf(format, args...)
}

// Has reports whether the catalog translates format into Macedonian and Albanian.
func Has(format string) bool {
	_, ok := catalog[format]
	return ok
}

// Negotiate chooses the language of a response from an Accept-Language header (RFC 9110, section
// 12.5.4): the supported language with the highest weight, the earliest on a tie. Regional variants
// count for their language ("sq-AL" is Albanian). Macedonian, the official language, is the default:
// for an empty header, a wildcard, or a header that names no supported language.
func Negotiate(acceptLanguage string) domain.Language {
	best, bestQ := domain.Macedonian, 0.0
	for part := range strings.SplitSeq(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(part, ";")
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(name), "q") {
				continue
			}
			v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
			if err != nil || v < 0 || v > 1 {
				v = 0
			}
			q = v
		}
		lang, ok := language(strings.TrimSpace(tag))
		if ok && q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}

// language maps a language tag to a supported language. The wildcard stands for the default.
func language(tag string) (domain.Language, bool) {
	primary, _, _ := strings.Cut(tag, "-")
	switch strings.ToLower(primary) {
	case "mk", "*":
		return domain.Macedonian, true
	case "sq", "als", "aln": // Albanian, also as its Tosk and Gheg varieties
		return domain.Albanian, true
	case "en":
		return domain.English, true
	}
	return "", false
}
