package notify

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htemplate "html/template"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	ttemplate "text/template"
	"time"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
)

// The templates of the messages: one file per kind and language, "<kind>.<lang>.tmpl" (reminder.mk.tmpl,
// answer.sq.tmpl, ...), each defining three blocks: "subject" (one line of text), "text" (the plain-text
// body) and "html" (the HTML body, escaped by html/template). A file "layout.<lang>.tmpl" per language
// defines what the messages share: "signature" (the end of the text body), "html-start" and
// "html-end" (the HTML body's frame). The defaults are built in (notify/templates); a directory given
// at start overrides any of them with a file of the same name. See templates/README.md.

//go:embed templates/*.tmpl templates/README.md
var builtinTemplates embed.FS

// Kinds lists the kinds of message there are templates for.
var Kinds = []domain.NotificationKind{
	domain.NotifyReminder, domain.NotifyEscalation, domain.NotifyOverdue, domain.NotifyAssignment,
	domain.NotifyAcknowledgement, domain.NotifyAnswer, domain.NotifyBriefing, domain.NotifyDigest,
}

// dataTypes are the data each kind of message is rendered with.
var dataTypes = map[domain.NotificationKind]reflect.Type{
	domain.NotifyReminder:        reflect.TypeFor[ReminderData](),
	domain.NotifyEscalation:      reflect.TypeFor[EscalationData](),
	domain.NotifyOverdue:         reflect.TypeFor[OverdueData](),
	domain.NotifyAssignment:      reflect.TypeFor[AssignmentData](),
	domain.NotifyAcknowledgement: reflect.TypeFor[AcknowledgementData](),
	domain.NotifyAnswer:          reflect.TypeFor[AnswerData](),
	domain.NotifyBriefing:        reflect.TypeFor[BriefingData](),
	domain.NotifyDigest:          reflect.TypeFor[DigestData](),
}

// TemplateOptions configures the templates.
type TemplateOptions struct {
	// Dir, if set, is a directory whose *.tmpl files replace the built-in ones of the same name.
	Dir string
	// Municipality is the municipality's name in each language ("Општина Струмица", "Komuna e
	// Strumicës", "Municipality of Strumica"), what the templates' municipality function writes.
	Municipality map[domain.Language]string
	// Location is the time zone in which instants are written (default Europe/Skopje).
	Location *time.Location
}

// Templates renders the messages. It is safe for concurrent use.
type Templates struct {
	sets map[setKey]*templateSet
}

type setKey struct {
	kind domain.NotificationKind
	lang domain.Language
}

type templateSet struct {
	source string // where the kind's file came from, for errors
	text   *ttemplate.Template
	html   *htemplate.Template
}

// LoadTemplates parses every template, built in or overridden from opts.Dir, and checks each by
// rendering it with sample data of its kind. Its error names every file at fault and why: a syntax
// error, a missing block, a field the data does not have, an unknown file in the directory.
func LoadTemplates(opts TemplateOptions) (*Templates, error) {
	loc := opts.Location
	if loc == nil {
		var err error
		if loc, err = time.LoadLocation("Europe/Skopje"); err != nil {
			return nil, fmt.Errorf("notify: time zone: %w", err)
		}
	}
	overrides := map[string]string{}
	var errs []error
	if opts.Dir != "" {
		entries, err := os.ReadDir(opts.Dir)
		if err != nil {
			return nil, fmt.Errorf("notify: templates directory: %w", err)
		}
		known := knownFiles()
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || !strings.HasSuffix(name, ".tmpl") {
				continue
			}
			path := filepath.Join(opts.Dir, name)
			if !slices.Contains(known, name) {
				errs = append(errs, fmt.Errorf("notify: template %s: unknown file; the templates are named <kind>.<language>.tmpl (kinds: %s; languages: mk, sq, en) or layout.<language>.tmpl", path, kindList()))
				continue
			}
			overrides[name] = path
		}
	}
	read := func(name string) (src, source string, err error) {
		if path, ok := overrides[name]; ok {
			b, err := os.ReadFile(path)
			return string(b), path, err
		}
		b, err := fs.ReadFile(builtinTemplates, "templates/"+name)
		return string(b), "templates/" + name + " (built in)", err
	}

	t := &Templates{sets: map[setKey]*templateSet{}}
	for _, lang := range domain.Languages {
		municipality := opts.Municipality[lang]
		if municipality == "" {
			municipality = defaultMunicipality[lang]
		}
		fn := funcs(lang, loc, municipality)
		layoutName := "layout." + string(lang) + ".tmpl"
		layoutSrc, layoutSource, err := read(layoutName)
		if err != nil {
			errs = append(errs, fmt.Errorf("notify: template %s: %w", layoutSource, err))
			continue
		}
		// Templates are named for where they came from, so that an error names the file to correct.
		textLayout, err := ttemplate.New(layoutSource).Funcs(fn.text).Option("missingkey=error").Parse(layoutSrc)
		if err != nil {
			errs = append(errs, fmt.Errorf("notify: %w", err))
			continue
		}
		htmlLayout, err := htemplate.New(layoutSource).Funcs(fn.html).Option("missingkey=error").Parse(layoutSrc)
		if err != nil {
			errs = append(errs, fmt.Errorf("notify: %w", err))
			continue
		}
		if missing := missingBlocks(textLayout, "signature", "html-start", "html-end"); len(missing) > 0 {
			errs = append(errs, fmt.Errorf("notify: template %s: no {{define %q}} block; a layout defines signature, html-start and html-end", layoutSource, missing[0]))
			continue
		}
		for _, kind := range Kinds {
			name := string(kind) + "." + string(lang) + ".tmpl"
			src, source, err := read(name)
			if err != nil {
				errs = append(errs, fmt.Errorf("notify: template %s: %w", source, err))
				continue
			}
			set, err := parseSet(source, src, textLayout, htmlLayout)
			if err == nil {
				err = set.check(kind, lang)
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			t.sets[setKey{kind, lang}] = set
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return t, nil
}

// knownFiles lists the names of every template file.
func knownFiles() []string {
	var names []string
	for _, lang := range domain.Languages {
		names = append(names, "layout."+string(lang)+".tmpl")
		for _, kind := range Kinds {
			names = append(names, string(kind)+"."+string(lang)+".tmpl")
		}
	}
	return names
}

func kindList() string {
	s := make([]string, len(Kinds))
	for i, k := range Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// parseSet parses one kind's file on top of its language's layout, as text and as HTML.
func parseSet(source, src string, textLayout *ttemplate.Template, htmlLayout *htemplate.Template) (*templateSet, error) {
	text, err := textLayout.Clone()
	if err != nil {
		return nil, err
	}
	if _, err := text.New(source).Parse(src); err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	html, err := htmlLayout.Clone()
	if err != nil {
		return nil, err
	}
	if _, err := html.New(source).Parse(src); err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	if missing := missingBlocks(text, "subject", "text", "html"); len(missing) > 0 {
		return nil, fmt.Errorf("notify: template %s: no {{define %q}} block; each message defines subject, text and html", source, missing[0])
	}
	return &templateSet{source: source, text: text, html: html}, nil
}

// missingBlocks returns the blocks of names that t does not define.
func missingBlocks(t *ttemplate.Template, names ...string) []string {
	var missing []string
	for _, name := range names {
		if t.Lookup(name) == nil {
			missing = append(missing, name)
		}
	}
	return missing
}

// check renders the set with every sample of its kind.
func (s *templateSet) check(kind domain.NotificationKind, lang domain.Language) error {
	for _, data := range samples(kind, lang) {
		subject, text, _, err := s.render(data)
		if err != nil {
			return err
		}
		if subject == "" {
			return fmt.Errorf("notify: template %s: the subject is empty", s.source)
		}
		if text == "" {
			return fmt.Errorf("notify: template %s: the text is empty", s.source)
		}
	}
	return nil
}

func (s *templateSet) render(data any) (subject, text, html string, err error) {
	var b bytes.Buffer
	if err := s.text.ExecuteTemplate(&b, "subject", data); err != nil {
		return "", "", "", fmt.Errorf("notify: %w", err)
	}
	subject = strings.Join(strings.Fields(b.String()), " ")
	b.Reset()
	if err := s.text.ExecuteTemplate(&b, "text", data); err != nil {
		return "", "", "", fmt.Errorf("notify: %w", err)
	}
	text = tidyText(b.String())
	b.Reset()
	if err := s.html.ExecuteTemplate(&b, "html", data); err != nil {
		return "", "", "", fmt.Errorf("notify: %w", err)
	}
	return subject, text, strings.TrimSpace(b.String()), nil
}

var blankLines = regexp.MustCompile(`\n{3,}`)

// tidyText trims trailing spaces from lines, keeps at most one blank line between paragraphs and
// trims the text, so that a template need not mind its white space.
func tidyText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimSpace(blankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
}

// Render renders the message of kind in lang with data, which must be the kind's data type
// (ReminderData for a reminder, ...; a pointer to it will do): its subject on one line, its plain text
// and its HTML.
func (t *Templates) Render(kind domain.NotificationKind, lang domain.Language, data any) (subject, text, html string, err error) {
	want, ok := dataTypes[kind]
	if !ok {
		return "", "", "", fmt.Errorf("notify: no templates for messages of kind %q", kind)
	}
	set, ok := t.sets[setKey{kind, lang}]
	if !ok {
		return "", "", "", fmt.Errorf("notify: no templates in language %q", lang)
	}
	v := reflect.ValueOf(data)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if !v.IsValid() || v.Type() != want {
		return "", "", "", fmt.Errorf("notify: a %s message is rendered with %s, not %T", kind, want.Name(), data)
	}
	return set.render(v.Interface())
}

// templateFuncs are the functions of one language's templates.
type templateFuncs struct {
	text ttemplate.FuncMap
	html htemplate.FuncMap
}

// funcs returns the functions the templates of lang may call:
//
//	date         a domain.Date or time.Time as 19.05.2026 (empty for a zero one)
//	datetime     a time.Time as 19.05.2026 14:30
//	due          a due instant: the date alone for the end of a day (23:59:59), else date and time
//	kind         a case kind's name in the language (the glossary's, i18n.Term)
//	level        an escalation level's name in the language (the glossary's, i18n.Term)
//	municipality the municipality's name in the language
//	paragraphs   free text: as it is in text; as HTML paragraphs, escaped, in html
//	capital      its argument with a capital first letter
//	days         a number of days with its noun: "1 ден", "9 дена", "9 ditë", "9 days"
//	add, sub     the sum and difference of two integers (to number rows from 1)
func funcs(lang domain.Language, loc *time.Location, municipality string) templateFuncs {
	common := map[string]any{
		"date": func(v any) (string, error) {
			switch d := v.(type) {
			case domain.Date:
				if d.IsZero() {
					return "", nil
				}
				return fmt.Sprintf("%02d.%02d.%04d", d.Day, int(d.Month), d.Year), nil
			case time.Time:
				if d.IsZero() {
					return "", nil
				}
				return d.In(loc).Format("02.01.2006"), nil
			}
			return "", fmt.Errorf("date: %T is not a date", v)
		},
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(loc).Format("02.01.2006 15:04")
		},
		"due": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			t = t.In(loc)
			if t.Hour() == 23 && t.Minute() == 59 {
				return t.Format("02.01.2006")
			}
			return t.Format("02.01.2006 15:04")
		},
		"kind":         func(k domain.CaseKind) string { return i18n.Term(lang, "kind", string(k)) },
		"level":        func(l domain.EscalationLevel) string { return i18n.Term(lang, "level", string(l)) },
		"municipality": func() string { return municipality },
		"add":          func(a, b int) int { return a + b },
		"sub":          func(a, b int) int { return a - b },
		"days":         func(n int) string { return days(lang, n) },
		"capital":      i18n.Capital,
	}
	f := templateFuncs{text: ttemplate.FuncMap{}, html: htemplate.FuncMap{}}
	for name, fn := range common {
		f.text[name], f.html[name] = fn, fn
	}
	f.text["paragraphs"] = func(s string) string { return strings.TrimSpace(s) }
	f.html["paragraphs"] = htmlParagraphs
	return f
}

// days writes n days in lang. Macedonian numbers ending in one (but not eleven) take the singular.
func days(lang domain.Language, n int) string {
	switch {
	case lang == domain.Macedonian && n%10 == 1 && n%100 != 11:
		return fmt.Sprintf("%d ден", n)
	case lang == domain.Macedonian:
		return fmt.Sprintf("%d дена", n)
	case lang == domain.Albanian:
		return fmt.Sprintf("%d ditë", n)
	case n == 1:
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

var paragraphBreak = regexp.MustCompile(`\n\s*\n`)

// htmlParagraphs writes free text as HTML: escaped, a paragraph per blank-line-separated block, line
// breaks kept.
func htmlParagraphs(s string) htemplate.HTML {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" {
		return ""
	}
	var b strings.Builder
	for _, p := range paragraphBreak.Split(s, -1) {
		lines := strings.Split(strings.TrimSpace(p), "\n")
		for i, l := range lines {
			lines[i] = htemplate.HTMLEscapeString(l)
		}
		b.WriteString("<p>" + strings.Join(lines, "<br>\n") + "</p>\n")
	}
	return htemplate.HTML(b.String())
}

// defaultMunicipality is how a message names the municipality when the configuration does not.
var defaultMunicipality = map[domain.Language]string{
	domain.Macedonian: "Општината",
	domain.Albanian:   "Komuna",
	domain.English:    "The Municipality",
}
