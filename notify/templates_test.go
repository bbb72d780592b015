package notify_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/notify"
)

func TestTemplatesRenderEverySample(t *testing.T) {
	tpl := MustTemplates(t, "")
	for _, kind := range notify.Kinds {
		for _, lang := range domain.Languages {
			for i, data := range notify.Samples(kind, lang) {
				subject, text, html, err := tpl.Render(kind, lang, data)
				if err != nil {
					t.Fatalf("%s.%s #%d: %v", kind, lang, i, err)
				}
				if subject == "" || strings.ContainsAny(subject, "\r\n\t") || len([]rune(subject)) > 160 {
					t.Errorf("%s.%s #%d: subject %q", kind, lang, i, subject)
				}
				if strings.Contains(text, "\n\n\n") || strings.Contains(text, "<no value>") || strings.Contains(html, "<no value>") {
					t.Errorf("%s.%s #%d: untidy text:\n%s", kind, lang, i, text)
				}
				if !strings.HasPrefix(html, "<!DOCTYPE html>") || !strings.Contains(html, `<html lang="`+string(lang)+`">`) {
					t.Errorf("%s.%s #%d: HTML frame:\n%s", kind, lang, i, html)
				}
				// A pointer to the data will do as well.
				if _, _, _, err := tpl.Render(kind, lang, pointerTo(data)); err != nil {
					t.Errorf("%s.%s with a pointer: %v", kind, lang, err)
				}
			}
		}
	}
}

func pointerTo(v any) any {
	switch d := v.(type) {
	case notify.ReminderData:
		return &d
	case notify.EscalationData:
		return &d
	case notify.OverdueData:
		return &d
	case notify.AssignmentData:
		return &d
	case notify.AcknowledgementData:
		return &d
	case notify.AnswerData:
		return &d
	case notify.BriefingData:
		return &d
	case notify.DigestData:
		return &d
	}
	return v
}

func TestRenderErrors(t *testing.T) {
	tpl := MustTemplates(t, "")
	if _, _, _, err := tpl.Render(domain.NotifyAnswer, domain.Macedonian, notify.ReminderData{}); err == nil || !strings.Contains(err.Error(), "AnswerData") {
		t.Errorf("an answer rendered with reminder data: %v", err)
	}
	if _, _, _, err := tpl.Render(domain.NotifyAnswer, domain.Macedonian, nil); err == nil {
		t.Error("an answer rendered without data")
	}
	if _, _, _, err := tpl.Render("postcard", domain.Macedonian, notify.ReminderData{}); err == nil {
		t.Error("an unknown kind rendered")
	}
	if _, _, _, err := tpl.Render(domain.NotifyReminder, "de", notify.ReminderData{}); err == nil {
		t.Error("an unknown language rendered")
	}
}

// TestRenderValues checks how values are written: dates as dd.mm.yyyy in Skopje's time, a deadline
// at the end of a day as its date alone, HTML escaped.
func TestRenderValues(t *testing.T) {
	tpl := MustTemplates(t, "")
	data := notify.ReminderData{
		Sector: "Сектор за <b>урбанизам</b>", ArchiveNumber: "08-2112/1", CaseKind: domain.KindMediaQuery, RequestID: "r1",
		DueAt: time.Date(2026, time.March, 29, 13, 0, 0, 0, time.UTC), Reminder: 1, Link: "javascript:alert(1)",
	}
	subject, text, html, err := tpl.Render(domain.NotifyReminder, domain.Macedonian, data)
	if err != nil {
		t.Fatal(err)
	}
	// 13:00 UTC on 29 March 2026 is 15:00 in Skopje (summer time began that night).
	if !strings.Contains(subject, "29.03.2026 15:00") || !strings.Contains(text, "29.03.2026 15:00") {
		t.Errorf("due instant not in Skopje's time: %q", subject)
	}
	if !strings.Contains(text, "новинарско прашање") || !strings.Contains(text, "Сектор за <b>урбанизам</b>") {
		t.Errorf("text:\n%s", text)
	}
	if strings.Contains(html, "<b>урбанизам") || !strings.Contains(html, "&lt;b&gt;урбанизам") || strings.Contains(html, `href="javascript:`) {
		t.Errorf("HTML not escaped:\n%s", html)
	}

	data.DueAt = time.Date(2026, time.May, 26, 23, 59, 59, 0, skopje)
	subject, _, _, err = tpl.Render(domain.NotifyReminder, domain.Albanian, data)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(subject, "afati 26.05.2026 për") {
		t.Errorf("a deadline at the end of a day is its date alone: %q", subject)
	}
}

// TestTemplatesOverride checks that the municipality can replace a template without rebuilding, and
// that a broken replacement stops predmet from starting with the file's name and the fault.
func TestTemplatesOverride(t *testing.T) {
	builtin := MustTemplates(t, "")
	reminder := notify.Samples(domain.NotifyReminder, domain.Macedonian)[0].(notify.ReminderData)

	t.Run("OK", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "reminder.mk.tmpl", `{{define "subject"}}Итно: {{.ArchiveNumber}}{{end}}
{{define "text"}}Рок: {{due .DueAt}}.{{template "signature" .}}{{end}}
{{define "html"}}{{template "html-start" .}}<p>Рок: {{due .DueAt}}</p>{{template "html-end" .}}{{end}}`)
		write(t, dir, "layout.mk.tmpl", `{{define "signature"}}
-- Писарница, {{municipality}}{{end}}
{{define "html-start"}}<html lang="mk"><body>{{end}}{{define "html-end"}}<p>Писарница</p></body></html>{{end}}`)
		write(t, dir, "notes.txt", "not a template: ignored")
		tpl := MustTemplates(t, dir)
		subject, text, html, err := tpl.Render(domain.NotifyReminder, domain.Macedonian, reminder)
		if err != nil {
			t.Fatal(err)
		}
		if subject != "Итно: "+reminder.ArchiveNumber || text != "Рок: 26.05.2026.\n-- Писарница, Општина Пример" || !strings.Contains(html, "<p>Писарница</p>") {
			t.Errorf("override not used: %q\n%s\n%s", subject, text, html)
		}
		// The other languages and kinds keep the built-in templates.
		for _, c := range []struct {
			kind domain.NotificationKind
			lang domain.Language
		}{{domain.NotifyReminder, domain.Albanian}, {domain.NotifyAnswer, domain.English}} {
			data := notify.Samples(c.kind, c.lang)[0]
			s1, t1, h1, _ := builtin.Render(c.kind, c.lang, data)
			s2, t2, h2, _ := tpl.Render(c.kind, c.lang, data)
			if s1 != s2 || t1 != t2 || h1 != h2 {
				t.Errorf("%s.%s changed", c.kind, c.lang)
			}
		}
	})

	tests := []struct {
		name, file, src string
		want            []string
	}{
		{"ErrMissingField", "reminder.mk.tmpl", `{{define "subject"}}{{.CaseNumber}}{{end}}{{define "text"}}x{{end}}{{define "html"}}x{{end}}`,
			[]string{"reminder.mk.tmpl", "CaseNumber", "ReminderData"}},
		{"ErrMissingFieldInBranch", "answer.sq.tmpl", `{{define "subject"}}x{{end}}{{define "text"}}x{{if eq .Outcome "refused"}}{{.Refusal}}{{end}}{{end}}{{define "html"}}x{{end}}`,
			[]string{"answer.sq.tmpl", "Refusal"}},
		{"ErrSyntax", "digest.en.tmpl", `{{define "subject"}}{{if .Sector}}x{{end}}{{define "text"}}x{{end}}{{define "html"}}x{{end}}`,
			[]string{"digest.en.tmpl", "unexpected"}},
		{"ErrMissingBlock", "assignment.mk.tmpl", `{{define "subject"}}x{{end}}{{define "text"}}x{{end}}`,
			[]string{"assignment.mk.tmpl", `"html"`}},
		{"ErrEmptySubject", "overdue.en.tmpl", `{{define "subject"}} {{end}}{{define "text"}}x{{end}}{{define "html"}}x{{end}}`,
			[]string{"overdue.en.tmpl", "subject is empty"}},
		{"ErrUnknownFunction", "briefing.mk.tmpl", `{{define "subject"}}{{upper .Date}}{{end}}{{define "text"}}x{{end}}{{define "html"}}x{{end}}`,
			[]string{"briefing.mk.tmpl", "upper"}},
		{"ErrLayout", "layout.sq.tmpl", `{{define "signature"}}{{.Signatory}}{{end}}`,
			[]string{"layout.sq.tmpl", "html-start"}},
		{"ErrUnknownFile", "remindr.mk.tmpl", `{{define "subject"}}x{{end}}`,
			[]string{"remindr.mk.tmpl", "unknown file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, tt.file, tt.src)
			_, err := notify.LoadTemplates(notify.TemplateOptions{Dir: dir})
			if err == nil {
				t.Fatal("a broken template was accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not say %q: %v", w, err)
				}
			}
			if !strings.Contains(err.Error(), filepath.Join(dir, tt.file)) {
				t.Errorf("error does not name the file's path: %v", err)
			}
		})
	}

	t.Run("ErrNoDirectory", func(t *testing.T) {
		if _, err := notify.LoadTemplates(notify.TemplateOptions{Dir: filepath.Join(t.TempDir(), "missing")}); err == nil {
			t.Fatal("a missing directory was accepted")
		}
	})
}

func write(tb testing.TB, dir, name, content string) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}
