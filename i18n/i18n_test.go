package i18n_test

import (
	"testing"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
)

func TestTranslate(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		for _, tt := range []struct {
			lang domain.Language
			want string
		}{
			{domain.Macedonian, "Полето subject е задолжително."},
			{domain.Albanian, "Fusha subject është e detyrueshme."},
			{domain.English, "The field subject is required."},
		} {
			if got := i18n.Translate(tt.lang, "The field %s is required.", "subject"); got != tt.want {
				t.Errorf("Translate(%s) = %q, want %q", tt.lang, got, tt.want)
			}
		}
	})
	t.Run("WithoutArgs", func(t *testing.T) {
		if got, want := i18n.Translate(domain.Albanian, "The token is not valid."), "Tokeni nuk është i vlefshëm."; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("UnknownFormatFallsBackToEnglish", func(t *testing.T) {
		if got, want := i18n.Translate(domain.Macedonian, "No such %s here.", "thing"), "No such thing here."; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
		if i18n.Has("No such %s here.") {
			t.Error("Has reports an untranslated format")
		}
	})
	t.Run("UnknownLanguageFallsBackToEnglish", func(t *testing.T) {
		if got, want := i18n.Translate("de", "The field %s is required.", "text"), "The field text is required."; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
}

func TestNegotiate(t *testing.T) {
	for _, tt := range []struct {
		header string
		want   domain.Language
	}{
		{"", domain.Macedonian},
		{"*", domain.Macedonian},
		{"de-DE, fr;q=0.8", domain.Macedonian},
		{"sq", domain.Albanian},
		{"sq-AL,sq;q=0.9,en-US;q=0.8,en;q=0.7", domain.Albanian},
		{"en-GB,en;q=0.9", domain.English},
		{"EN", domain.English},
		{"mk-MK, sq;q=0.9", domain.Macedonian},
		{"de, en;q=0.5, sq;q=0.6", domain.Albanian},
		{"en;q=0.5, sq;q=0.5", domain.English}, // a tie goes to the first
		{"sq;q=0, en", domain.English},
		{"sq;q=0", domain.Macedonian},
		{"en; q=0.2, *;q=0.1", domain.English},
		{"als", domain.Albanian},
		{"sq;q=abc, en;q=0.1", domain.English}, // a malformed weight counts as 0
	} {
		if got := i18n.Negotiate(tt.header); got != tt.want {
			t.Errorf("Negotiate(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}
