package intake

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
)

// TestProblemLanguage checks that every problem the API writes has its title in the language of its
// detail: for every error code, the malformed request (400), the wrong media type (415), the method not
// allowed (405) and the missing token (401), in Macedonian, Albanian and English.
func TestProblemLanguage(t *testing.T) {
	ts := MustOpenServer(t)
	const caseID = "0f6b1c9e-5d1a-5b7e-9a51-2c4f0e8d7a13"
	// Each domain code comes back from the case service with its general message, which is translated.
	ts.Cases.CaseFn = func(_ context.Context, id string) (*domain.Case, error) {
		code := strings.TrimPrefix(id, caseID[:len(caseID)-2])
		for c := range codes {
			if codeSuffix(c) == code {
				return nil, &domain.Error{Code: c, Message: generic[c], Format: generic[c]}
			}
		}
		t.Fatalf("no code for %q", id)
		return nil, nil
	}

	// Titles as the catalog must give them, written out so that a missing translation shows.
	titles := map[int]map[domain.Language]string{
		http.StatusNotFound:            {domain.Macedonian: "Не е пронајдено", domain.Albanian: "Nuk u gjet", domain.English: "Not Found"},
		http.StatusUnprocessableEntity: {domain.Macedonian: "Неважечки податоци во барањето", domain.Albanian: "Të dhëna të pavlefshme në kërkesë", domain.English: "Unprocessable Entity"},
		http.StatusBadRequest:          {domain.Macedonian: "Неисправно барање", domain.Albanian: "Kërkesë e pasaktë", domain.English: "Bad Request"},
	}

	type probe struct {
		name   string
		status int
		code   string
		detail string // the English format of the detail
		req    func(user string) *http.Request
	}
	var probes []probe
	for code, status := range codes {
		probes = append(probes, probe{"Code_" + code, status, code, generic[code], func(user string) *http.Request {
			return ts.NewRequest(t, user, http.MethodGet, "/api/v1/cases/"+caseID[:len(caseID)-2]+codeSuffix(code), "")
		}})
	}
	probes = append(probes,
		probe{"ErrMalformedJSON", http.StatusBadRequest, domain.EINVALID, msgJSONTruncated, func(user string) *http.Request {
			return ts.NewRequest(t, user, http.MethodPost, "/api/v1/cases", `{"kind":`)
		}},
		probe{"ErrContentType", http.StatusUnsupportedMediaType, domain.EINVALID, msgContentType, func(user string) *http.Request {
			r := ts.NewRequest(t, user, http.MethodPost, "/api/v1/cases", `{}`)
			r.Header.Set("Content-Type", "text/plain")
			return r
		}},
		probe{"ErrMethodNotAllowed", http.StatusMethodNotAllowed, "", msgMethodNotAllowed, func(user string) *http.Request {
			return ts.NewRequest(t, user, http.MethodDelete, "/api/v1/cases", "")
		}},
	)

	for _, p := range probes {
		for _, lang := range domain.Languages {
			t.Run(p.name+"_"+string(lang), func(t *testing.T) {
				// A user without a language of their own reads the language Accept-Language asks for.
				req := p.req(intakeNone)
				req.Header.Set("Accept-Language", string(lang))
				resp, body := ts.Do(t, req)
				got := assertProblem(t, resp, body, p.status, p.code)
				if cl := domain.Language(resp.Header.Get("Content-Language")); cl != lang {
					t.Errorf("Content-Language = %q, want %q", cl, lang)
				}
				if want := i18n.Translate(lang, http.StatusText(p.status)); got.Title != want {
					t.Errorf("title = %q, want %q", got.Title, want)
				}
				if lang != domain.English && got.Title == http.StatusText(p.status) {
					t.Errorf("title %q is not translated into %s", got.Title, lang)
				}
				if w, ok := titles[p.status][lang]; ok && got.Title != w {
					t.Errorf("title = %q, want %q", got.Title, w)
				}
				if prefix := detailPrefix(lang, p.detail); !strings.HasPrefix(got.Detail, prefix) {
					t.Errorf("detail = %q, want it to start with %q", got.Detail, prefix)
				}
			})
		}
	}

	t.Run("OK_UserLanguageWins", func(t *testing.T) {
		req := ts.NewRequest(t, supervisor, http.MethodGet, "/api/v1/cases/"+caseID[:len(caseID)-2]+codeSuffix(domain.ENOTFOUND), "")
		req.Header.Set("Accept-Language", "en")
		resp, body := ts.Do(t, req)
		got := assertProblem(t, resp, body, http.StatusNotFound, domain.ENOTFOUND)
		if got.Title != "Nuk u gjet" || got.Detail != i18n.Translate(domain.Albanian, msgNotFound) {
			t.Errorf("title %q, detail %q: want both in Albanian, the user's language", got.Title, got.Detail)
		}
	})

	t.Run("ErrNoToken", func(t *testing.T) {
		for _, lang := range domain.Languages {
			req := ts.NewRequest(t, "", http.MethodGet, "/api/v1/cases/"+caseID, "")
			req.Header.Set("Accept-Language", string(lang))
			resp, body := ts.Do(t, req)
			got := assertProblem(t, resp, body, http.StatusUnauthorized, domain.EUNAUTHORIZED)
			if want := i18n.Translate(lang, "Unauthorized"); got.Title != want {
				t.Errorf("%s: title = %q, want %q", lang, got.Title, want)
			}
			if want := i18n.Translate(lang, msgTokenMissing); got.Detail != want {
				t.Errorf("%s: detail = %q, want %q", lang, got.Detail, want)
			}
		}
	})
}

// TestProblemTitlesTranslated checks that the catalog translates the title of every status the error
// table maps a code to, and those the API writes besides.
func TestProblemTitlesTranslated(t *testing.T) {
	statuses := []int{http.StatusBadRequest, http.StatusUnsupportedMediaType, http.StatusMethodNotAllowed}
	for _, s := range codes {
		statuses = append(statuses, s)
	}
	for _, s := range statuses {
		if !i18n.Has(http.StatusText(s)) {
			t.Errorf("the title of %d, %q, has no translation", s, http.StatusText(s))
		}
	}
}

// codeSuffix returns two hex digits standing for a domain error code in a case ID.
func codeSuffix(code string) string {
	return map[string]string{
		domain.EINVALID: "a1", domain.ENOTFOUND: "a2", domain.ECONFLICT: "a3", domain.EUNAUTHORIZED: "a4",
		domain.EFORBIDDEN: "a5", domain.ETOOLARGE: "a6", domain.EUNAVAILABLE: "a7", domain.EINTERNAL: "a8", domain.EGONE: "a9",
	}[code]
}

// detailPrefix returns the translation of format in lang up to its first verb: the part of a detail
// that does not depend on the arguments.
func detailPrefix(lang domain.Language, format string) string {
	s := i18n.Translate(lang, format) // without arguments: each verb shows as %!v(MISSING)
	if i := strings.IndexByte(s, '%'); i >= 0 {
		return s[:i]
	}
	return s
}
