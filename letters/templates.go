package letters

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/template"

	"github.com/predmet/predmet/domain"
)

// The answer templates: one file per template and language, "<kind>.<name>.<lang>.tmpl"
// (petition.answer.mk.tmpl, petition.forward.sq.tmpl, ...), each defining three blocks: "title" (what
// the case page lists), "subject" (the letter's subject line) and "text" (the letter's text, from the
// salutation to the closing formula; the letterhead, the addressee and the signatory are the letter's
// own). The defaults are built in (letters/templates); a directory given at start replaces any of them
// with a file of the same name and adds templates of new names. See templates/README.md.

//go:embed templates/*.tmpl templates/README.md
var builtinTemplates embed.FS

// fileName is the form of a template's file name: kind, name, language.
var fileName = regexp.MustCompile(`^([a-z_]+)\.([a-z0-9][a-z0-9-]{0,39})\.([a-z]{2})\.tmpl$`)

// Options configures the templates.
type Options struct {
	// Dir, if set, is a directory whose *.tmpl files replace the built-in ones of the same name, or
	// add templates.
	Dir string
}

// Template describes an answer template.
type Template struct {
	Kind     domain.CaseKind `json:"kind"`
	Name     string          `json:"name"`
	Language domain.Language `json:"language"`
	// Title is what the case page lists the template as, in its language.
	Title string `json:"title"`
	// Source is the file it came from: a path in the directory, or "templates/… (built in)".
	Source string `json:"-"`
}

// Draft is a template filled with a case's facts: where the officer's draft starts.
type Draft struct {
	// Template is the template's name.
	Template string `json:"template"`
	// Subject is the letter's subject line; Text its text.
	Subject string `json:"subject"`
	Text    string `json:"text"`
}

// Templates fills the answer templates. It is safe for concurrent use.
type Templates struct {
	sets map[key]*set
}

type key struct {
	kind domain.CaseKind
	name string
	lang domain.Language
}

type set struct {
	info Template
	tmpl *template.Template
}

// LoadTemplates parses every template, built in or from opts.Dir, and checks each by filling it with
// sample facts. Its error names every file at fault and why: a file name that names no kind or
// language, a syntax error, a missing block, a field that Facts does not have.
func LoadTemplates(opts Options) (*Templates, error) {
	files := map[string]string{} // file name → source
	read := map[string]func() ([]byte, error){}
	entries, err := fs.ReadDir(builtinTemplates, "templates")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if name := e.Name(); strings.HasSuffix(name, ".tmpl") {
			files[name] = "templates/" + name + " (built in)"
			read[name] = func() ([]byte, error) { return fs.ReadFile(builtinTemplates, "templates/"+name) }
		}
	}
	var errs []error
	if opts.Dir != "" {
		entries, err := os.ReadDir(opts.Dir)
		if err != nil {
			return nil, fmt.Errorf("letters: templates directory: %w", err)
		}
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || !strings.HasSuffix(name, ".tmpl") {
				continue
			}
			path := filepath.Join(opts.Dir, name)
			files[name] = path
			read[name] = func() ([]byte, error) { return os.ReadFile(path) }
		}
	}

	t := &Templates{sets: map[key]*set{}}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		source := files[name]
		m := fileName.FindStringSubmatch(name)
		if m == nil || !slices.Contains(domain.CaseKinds, domain.CaseKind(m[1])) || !slices.Contains(domain.Languages, domain.Language(m[3])) {
			errs = append(errs, fmt.Errorf("letters: template %s: the name must be <kind>.<name>.<language>.tmpl, with a kind of %s, a name of lower-case letters, digits and dashes, and a language of %s",
				source, joinKinds(), joinLanguages()))
			continue
		}
		src, err := read[name]()
		if err != nil {
			errs = append(errs, fmt.Errorf("letters: template %s: %w", source, err))
			continue
		}
		k := key{domain.CaseKind(m[1]), m[2], domain.Language(m[3])}
		s, err := parse(k, source, string(src))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		t.sets[k] = s
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return t, nil
}

func joinKinds() string {
	s := make([]string, len(domain.CaseKinds))
	for i, k := range domain.CaseKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func joinLanguages() string {
	s := make([]string, len(domain.Languages))
	for i, l := range domain.Languages {
		s[i] = string(l)
	}
	return strings.Join(s, ", ")
}

// parse parses one template file and checks it with the sample facts of its kind and language.
func parse(k key, source, src string) (*set, error) {
	// The template is named for where it came from, so that an error names the file to correct.
	tmpl, err := template.New(source).Funcs(funcs).Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, fmt.Errorf("letters: %w", err)
	}
	for _, block := range []string{"title", "subject", "text"} {
		if tmpl.Lookup(block) == nil {
			return nil, fmt.Errorf("letters: template %s: no {{define %q}} block; each template defines title, subject and text", source, block)
		}
	}
	s := &set{info: Template{Kind: k.kind, Name: k.name, Language: k.lang, Source: source}, tmpl: tmpl}
	for _, f := range Samples(k.kind, k.lang) {
		d, err := s.fill(f)
		if err != nil {
			return nil, err
		}
		if d.Subject == "" || d.Text == "" {
			return nil, fmt.Errorf("letters: template %s: the subject or the text is empty", source)
		}
	}
	title, err := s.execute("title", Samples(k.kind, k.lang)[0])
	if err != nil {
		return nil, err
	}
	if s.info.Title = oneLine(title); s.info.Title == "" {
		return nil, fmt.Errorf("letters: template %s: the title is empty", source)
	}
	return s, nil
}

// funcs are the functions a template may call:
//
//	date    a domain.Date as 19.05.2026 (empty for a zero one)
//	lines   text with its line breaks joined by ", " (an address on one line)
var funcs = template.FuncMap{
	"date":  formatDate,
	"lines": func(s string) string { return strings.Join(splitLines(s), ", ") },
}

// splitLines returns the non-empty lines of s, trimmed.
func splitLines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func (s *set) execute(block string, f Facts) (string, error) {
	var b bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&b, block, f); err != nil {
		return "", fmt.Errorf("letters: %w", err)
	}
	return b.String(), nil
}

func (s *set) fill(f Facts) (Draft, error) {
	subject, err := s.execute("subject", f)
	if err != nil {
		return Draft{}, err
	}
	text, err := s.execute("text", f)
	if err != nil {
		return Draft{}, err
	}
	return Draft{Template: s.info.Name, Subject: oneLine(subject), Text: tidyText(text)}, nil
}

// oneLine joins the words of s with single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

var blankLines = regexp.MustCompile(`\n{3,}`)

// tidyText trims trailing spaces from lines, keeps at most one blank line between paragraphs and trims
// the text, so that a template need not mind its white space.
func tidyText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimSpace(blankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
}

// List returns the templates for answers of kind in lang, by name.
func (t *Templates) List(kind domain.CaseKind, lang domain.Language) []Template {
	var out []Template
	for k, s := range t.sets {
		if k.kind == kind && k.lang == lang {
			out = append(out, s.info)
		}
	}
	slices.SortFunc(out, func(a, b Template) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Draft fills the template of the given name for f.Kind in f.Language with f. Errors: ENOTFOUND for a
// template that does not exist.
func (t *Templates) Draft(name string, f Facts) (Draft, error) {
	s, ok := t.sets[key{f.Kind, name, f.Language}]
	if !ok {
		return Draft{}, domain.Errorf(domain.ENOTFOUND, "No answer template %q for this kind of case in this language.", name)
	}
	return s.fill(f)
}
