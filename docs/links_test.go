package docs

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// root is the repository's root, seen from this package.
const root = ".."

// documents returns the Markdown files whose links are checked: README.md and docs/*.md, relative to
// the root.
func documents(tb testing.TB) []string {
	tb.Helper()
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		tb.Fatal(err)
	}
	files := []string{"README.md"}
	for _, d := range docs {
		files = append(files, filepath.ToSlash(strings.TrimPrefix(d, root+string(filepath.Separator))))
	}
	return files
}

// link is a link found in a Markdown file.
type link struct {
	line   int
	target string
}

var (
	inlineLink    = regexp.MustCompile(`\]\(([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+"[^"]*")?\)`)
	referenceLink = regexp.MustCompile(`^\s{0,3}\[[^\]]+\]:\s*(\S+)`)
	autoLink      = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*)>`)
	bareURL       = regexp.MustCompile(`\b(?:https?|ftp)://[^\s)>\]]+|\bwww\.[a-z0-9-]+\.[a-z]`)
	codeSpan      = regexp.MustCompile("`+[^`]*`+")
	heading       = regexp.MustCompile(`^#{1,6}\s+(.*?)\s*#*$`)
	scheme        = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
)

// parse returns the links of a Markdown document and the anchors of its headings, as GitHub makes
// them. Code blocks and code spans hold no links.
func parse(tb testing.TB, path string) (links []link, anchors map[string]bool) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	anchors = map[string]bool{}
	seen := map[string]int{}
	fence := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fence = trimmed[:3]
			continue
		}
		if m := heading.FindStringSubmatch(line); m != nil {
			slug := anchor(m[1])
			if k := seen[slug]; k > 0 {
				anchors[fmt.Sprintf("%s-%d", slug, k)] = true
			} else {
				anchors[slug] = true
			}
			seen[slug]++
		}
		text := codeSpan.ReplaceAllString(line, "")
		for _, m := range inlineLink.FindAllStringSubmatch(text, -1) {
			links = append(links, link{n, m[1]})
		}
		for _, m := range referenceLink.FindAllStringSubmatch(text, -1) {
			links = append(links, link{n, m[1]})
		}
		for _, m := range autoLink.FindAllStringSubmatch(text, -1) {
			links = append(links, link{n, m[1]})
		}
		for _, m := range bareURL.FindAllString(inlineLink.ReplaceAllString(text, ""), -1) {
			links = append(links, link{n, m})
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return links, anchors
}

// anchor returns the anchor GitHub gives a heading: its text in lower case, without Markdown's marks
// and punctuation, with a hyphen for each space.
func anchor(heading string) string {
	heading = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`).ReplaceAllString(heading, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r) || r == '_' || r == '-':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// TestLinks checks that every link of README.md and docs/*.md is relative, stays in the repository and
// resolves to a file or directory there, and to a heading of that file when it names an anchor.
func TestLinks(t *testing.T) {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	anchorsOf := map[string]map[string]bool{}
	headings := func(file string) map[string]bool {
		if a, ok := anchorsOf[file]; ok {
			return a
		}
		_, a := parse(t, filepath.Join(root, file))
		anchorsOf[file] = a
		return a
	}
	checked := 0
	for _, doc := range documents(t) {
		links, _ := parse(t, filepath.Join(root, doc))
		for _, l := range links {
			checked++
			where := fmt.Sprintf("%s:%d: %s", doc, l.line, l.target)
			if scheme.MatchString(l.target) || strings.HasPrefix(l.target, "//") || strings.HasPrefix(l.target, "www.") {
				t.Errorf("%s: links outside the repository", where)
				continue
			}
			file, frag, _ := strings.Cut(l.target, "#")
			target := doc
			if file != "" {
				if strings.HasPrefix(file, "/") {
					t.Errorf("%s: an absolute path; use one relative to the document", where)
					continue
				}
				abs := filepath.Join(absRoot, filepath.Dir(doc), filepath.FromSlash(file))
				rel, err := filepath.Rel(absRoot, abs)
				if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
					t.Errorf("%s: leaves the repository", where)
					continue
				}
				if _, err := os.Stat(abs); err != nil {
					t.Errorf("%s: no such file or directory in the repository", where)
					continue
				}
				target = filepath.ToSlash(rel)
			}
			if frag != "" {
				if !strings.HasSuffix(target, ".md") {
					t.Errorf("%s: an anchor in a file that is not Markdown", where)
				} else if !headings(target)[frag] {
					t.Errorf("%s: %s has no heading #%s", where, target, frag)
				}
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d links found: is the parser broken?", checked)
	}
}

// TestDocsIndexed checks that the README links to every document in docs/, and that each starts with
// its title and a summary paragraph.
func TestDocsIndexed(t *testing.T) {
	links, _ := parse(t, filepath.Join(root, "README.md"))
	var targets []string
	for _, l := range links {
		file, _, _ := strings.Cut(l.target, "#")
		targets = append(targets, file)
	}
	for _, doc := range documents(t)[1:] {
		if !slices.Contains(targets, doc) {
			t.Errorf("README.md does not link to %s", doc)
		}
		b, err := os.ReadFile(filepath.Join(root, doc))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		if len(lines) < 4 || !strings.HasPrefix(lines[0], "# ") || lines[1] != "" || lines[2] == "" || strings.HasPrefix(lines[2], "#") {
			t.Errorf("%s does not start with its title and a summary paragraph", doc)
		}
	}
}

// TestReadmeShort keeps the README to a few screens: what predmet is, the two commands, the
// walk-through, the package map and the index of docs/.
func TestReadmeShort(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "\n"); n > 250 {
		t.Errorf("README.md has %d lines; keep it under 250 and move the rest into docs/", n)
	}
}

// TestAnchor checks the anchors made of headings like the documents'.
func TestAnchor(t *testing.T) {
	for heading, want := range map[string]string{
		" The two commands":                     "the-two-commands",
		" E-mail: reminders, escalations, once": "e-mail-reminders-escalations-once",
		" Policies: the policy file":            "policies-the-policy-file",
		" `predmet staff add`":                  "predmet-staff-add",
		" Деловодник (the register)":            "деловодник-the-register",
		" Links [into docs](docs/api.md)":       "links-into-docs",
	} {
		if got := anchor(heading); got != want {
			t.Errorf("anchor(%q) = %q, want %q", heading, got, want)
		}
	}
}
