package letters_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
	"github.com/predmet/predmet/letters"
)

// MustTemplates loads the templates, overridden from dir if it is not empty.
func MustTemplates(tb testing.TB, dir string) *letters.Templates {
	tb.Helper()
	t, err := letters.LoadTemplates(letters.Options{Dir: dir})
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// builtin lists the built-in templates of each kind that answers a submitter.
var builtin = map[domain.CaseKind][]string{
	domain.KindPetition:          {"answer", "forward"},
	domain.KindProposal:          {"answer"},
	domain.KindPublicInformation: {"answer"},
	domain.KindCitizenQuestion:   {"answer"},
	domain.KindMediaQuery:        {"answer"},
}

// TestTemplatesBuiltIn fills every built-in template with every sample and checks that the draft
// holds the case's facts: the archive number and its date, the subject, the sectors' input.
func TestTemplatesBuiltIn(t *testing.T) {
	tm := MustTemplates(t, "")
	for _, kind := range domain.CaseKinds {
		for _, lang := range domain.Languages {
			list := tm.List(kind, lang)
			var names []string
			for _, tpl := range list {
				names = append(names, tpl.Name)
				if tpl.Kind != kind || tpl.Language != lang || tpl.Title == "" || !strings.Contains(tpl.Source, "built in") {
					t.Errorf("%s %s: %+v", kind, lang, tpl)
				}
				if lang == domain.Macedonian && !cyrillic(tpl.Title) {
					t.Errorf("%s.%s.mk: title %q is not in Cyrillic", kind, tpl.Name, tpl.Title)
				}
			}
			if !slices.Equal(names, builtin[kind]) {
				t.Errorf("%s in %s: templates %v, want %v", kind, lang, names, builtin[kind])
			}
			for _, name := range names {
				for i, f := range letters.Samples(kind, lang) {
					d, err := tm.Draft(name, f)
					if err != nil {
						t.Fatalf("%s.%s.%s, sample %d: %v", kind, name, lang, i, err)
					}
					date := fmt.Sprintf("%02d.%02d.%04d", f.Number.Date.Day, int(f.Number.Date.Month), f.Number.Date.Year)
					want := []string{f.Number.String(), date}
					if f.Subject != "" {
						want = append(want, f.Subject)
					}
					if name == "answer" {
						for _, in := range f.Inputs {
							want = append(want, in.Text)
						}
					}
					if name == "forward" && f.ForwardedTo != "" {
						want = append(want, f.ForwardedTo)
					}
					for _, w := range want {
						if !strings.Contains(d.Subject+"\n"+d.Text, w) {
							t.Errorf("%s.%s.%s, sample %d: the draft lacks %q:\n%s\n\n%s", kind, name, lang, i, w, d.Subject, d.Text)
						}
					}
					if d.Template != name || strings.Contains(d.Text, "\n\n\n") || strings.Contains(d.Subject, "\n") || strings.Contains(d.Text, "<no value>") {
						t.Errorf("%s.%s.%s, sample %d: %+v", kind, name, lang, i, d)
					}
				}
			}
		}
	}
}

func cyrillic(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r >= 0x400 && r <= 0x4ff })
}

func write(tb testing.TB, dir, name, content string) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
}

const customTemplate = `{{define "title"}}Одбивање{{end}}
{{define "subject"}}Известување по претставката {{.Number}}{{end}}
{{define "text"}}Почитувани,

Претставката од {{date .Received}} не може да се уважи.{{with .Submitter.Address}} Адреса: {{lines .}}.{{end}}

Со почит,{{end}}
`

// TestTemplatesOverride checks that a file in the directory replaces the built-in one of its name, and
// that a file of a new name adds a template.
func TestTemplatesOverride(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "petition.answer.mk.tmpl", strings.Replace(customTemplate, "Одбивање", "Одговор (нашиот)", 1))
	write(t, dir, "petition.refusal.mk.tmpl", customTemplate)
	write(t, dir, "notes.txt", "not a template")
	tm := MustTemplates(t, dir)
	list := tm.List(domain.KindPetition, domain.Macedonian)
	if len(list) != 3 || list[0].Title != "Одговор (нашиот)" || list[0].Source != filepath.Join(dir, "petition.answer.mk.tmpl") ||
		list[1].Name != "forward" || list[2].Name != "refusal" || list[2].Title != "Одбивање" {
		t.Fatalf("List = %+v", list)
	}
	if other := tm.List(domain.KindPetition, domain.Albanian); len(other) != 2 {
		t.Errorf("Albanian templates %+v, want the two built-in ones", other)
	}
	d, err := tm.Draft("refusal", letters.Samples(domain.KindPetition, domain.Macedonian)[0])
	if err != nil {
		t.Fatal(err)
	}
	if d.Subject != "Известување по претставката 08-2112/1" || !strings.Contains(d.Text, "Адреса: ул. „Џон Кенеди“ бр. 12, 1000 Скопје.") {
		t.Errorf("draft %+v", d)
	}
}

// TestTemplatesBroken checks that every broken file is named, with what is wrong with it.
func TestTemplatesBroken(t *testing.T) {
	dir := t.TempDir()
	files := map[string]struct{ content, why string }{
		"petition.answer.mk.tmpl":         {`{{define "title"}}x{{end}}{{define "subject"}}{{.Number}{{end}}{{define "text"}}x{{end}}`, "petition.answer.mk.tmpl:1"},
		"petition.answer.sq.tmpl":         {`{{define "title"}}x{{end}}{{define "subject"}}x{{end}}`, `no {{define "text"}} block`},
		"petition.answer.en.tmpl":         {`{{define "title"}}x{{end}}{{define "subject"}}x{{end}}{{define "text"}}{{.Complaint}}{{end}}`, "can't evaluate field Complaint"},
		"proposal.answer.mk.tmpl":         {`{{define "title"}} {{end}}{{define "subject"}}x{{end}}{{define "text"}}x{{end}}`, "the title is empty"},
		"petition.mk.tmpl":                {customTemplate, "the name must be <kind>.<name>.<language>.tmpl"},
		"complaint.answer.mk.tmpl":        {customTemplate, "complaint.answer.mk.tmpl: the name must be"},
		"petition.answer.de.tmpl":         {customTemplate, "petition.answer.de.tmpl: the name must be"},
		"media_query.Answer.en.tmpl":      {customTemplate, "media_query.Answer.en.tmpl: the name must be"},
		"citizen_question.answer.sq.tmpl": {`{{define "title"}}x{{end}}{{define "subject"}}{{if .Inputs}}x{{end}}{{end}}{{define "text"}}x{{end}}`, "the subject or the text is empty"},
	}
	for name, f := range files {
		write(t, dir, name, f.content)
	}
	_, err := letters.LoadTemplates(letters.Options{Dir: dir})
	if err == nil {
		t.Fatal("broken templates loaded")
	}
	for name, f := range files {
		found := false
		for _, line := range strings.Split(err.Error(), "\n") {
			if strings.Contains(line, name) && strings.Contains(line, f.why) {
				found = true
			}
		}
		if !found {
			t.Errorf("the error does not say of %s %q:\n%v", name, f.why, err)
		}
	}
	if _, err := letters.LoadTemplates(letters.Options{Dir: filepath.Join(dir, "missing")}); err == nil {
		t.Error("a missing directory was accepted")
	}
}

func TestDraftErrors(t *testing.T) {
	tm := MustTemplates(t, "")
	for name, f := range map[string]letters.Facts{
		"ErrUnknownName":     letters.Samples(domain.KindPetition, domain.Macedonian)[0],
		"ErrKindWithoutOne":  letters.Samples(domain.KindTwinCityProgramme, domain.Macedonian)[0],
		"ErrUnknownLanguage": {Kind: domain.KindPetition, Language: "de"},
	} {
		t.Run(name, func(t *testing.T) {
			tpl := "answer"
			if name == "ErrUnknownName" {
				tpl = "apology"
			}
			_, err := tm.Draft(tpl, f)
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.ENOTFOUND {
				t.Fatalf("Draft = %v, want ENOTFOUND", err)
			}
			if !i18n.Has(de.Format) {
				t.Errorf("%q is not translated", de.Format)
			}
		})
	}
}
