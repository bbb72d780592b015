package letters

import (
	"bytes"
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/predmet/predmet/domain"
)

// The letter's typeface: DejaVu Serif (fonts/LICENSE), which has every letter of Macedonian Cyrillic
// (ѓ ќ ѕ љ њ џ) and of Albanian (ë ç). fpdf embeds the subset of it a letter uses.
var (
	//go:embed fonts/DejaVuSerif.ttf
	serifRegular []byte
	//go:embed fonts/DejaVuSerif-Bold.ttf
	serifBold []byte
)

// Letter is an outgoing act of the municipality as a document: the answer to a case, printed on A4.
type Letter struct {
	// Language is the letter's language: it decides the labels ("Број", "Предмет", "Страница").
	Language domain.Language
	// Municipality and Department are the letterhead: their names in Language.
	Municipality string
	Department   string
	// Number is the outgoing act's archive number in the register (the case's next sub-number), and
	// its Date the letter's date.
	Number domain.ArchiveNumber
	// To is the addressee.
	To Addressee
	// Subject is the subject line; Text the approved text, paragraphs separated by blank lines.
	Subject string
	Text    string
	// Signatory signs the letter.
	Signatory Signatory
}

// labels are the words a letter prints around its facts, in each language.
var labels = map[domain.Language]struct{ number, to, subject, page string }{
	domain.Macedonian: {"Број: %s од %s", "До:", "Предмет:", "Страница %d од %d"},
	domain.Albanian:   {"Numër: %s i datës %s", "Për:", "Lënda:", "Faqja %d nga %d"},
	domain.English:    {"Ref. No. %s of %s", "To:", "Subject:", "Page %d of %d"},
}

// Validate checks that the letter can be printed: a language, the municipality, a complete archive
// number with its date, an addressee and a text. It returns the first EINVALID error found, naming the
// field.
func (l Letter) Validate() error {
	if !slices.Contains(domain.Languages, l.Language) {
		return domain.FieldErrorf("language", "Unknown language %q; use one of %s.", l.Language, joinLanguages())
	}
	for field, value := range map[string]string{"municipality": l.Municipality, "to.name": l.To.Name, "text": l.Text} {
		if strings.TrimSpace(value) == "" {
			return domain.FieldErrorf(field, "The field %s is required.", field)
		}
	}
	if l.Number.Unit == "" || l.Number.Number <= 0 || l.Number.Sub <= 0 || l.Number.Date.IsZero() {
		return domain.FieldErrorf("number", "The field %s is required.", "number")
	}
	return nil
}

// Page layout, in millimetres.
const (
	pageWidth    = 210.0
	pageHeight   = 297.0
	marginLeft   = 25.0
	marginRight  = 20.0
	marginTop    = 20.0
	marginBottom = 22.0
	lineHeight   = 5.5
	signWidth    = 75.0
)

// PDF renders the letter as a PDF on A4: the letterhead, the number and date, the addressee, the
// subject, the text (justified, broken into pages, each numbered "Страница 1 од 2") and the signatory's
// block. The same letter always gives the same bytes (its creation date is the letter's date), so that
// it is stored once. It returns Validate's error for a letter that cannot be printed.
func (l Letter) PDF() ([]byte, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	// The first pass counts the pages that the footers of the second name.
	_, pages, err := l.render(0)
	if err != nil {
		return nil, err
	}
	out, _, err := l.render(pages)
	return out, err
}

// render lays the letter out, with total as the number of pages in the footers, and returns the number
// of pages it has and, unless total is 0 (a pass that only counts the pages), the PDF.
func (l Letter) render(total int) ([]byte, int, error) {
	lab := labels[l.Language]
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(marginLeft, marginTop, marginRight)
	pdf.SetAutoPageBreak(true, marginBottom)
	pdf.AddUTF8FontFromBytes("serif", "", serifRegular)
	pdf.AddUTF8FontFromBytes("serif", "B", serifBold)
	date := time.Date(l.Number.Date.Year, l.Number.Date.Month, l.Number.Date.Day, 0, 0, 0, 0, time.UTC)
	pdf.SetCreationDate(date)
	pdf.SetModificationDate(date)
	pdf.SetCatalogSort(true)
	pdf.SetTitle(strings.TrimSpace(l.Subject), true)
	pdf.SetAuthor(l.Municipality, true)
	pdf.SetCreator("predmet", true)
	pdf.SetProducer("predmet", true)
	pdf.SetLang(string(l.Language))

	number := fmt.Sprintf(lab.number, l.Number.String(), formatDate(l.Number.Date))
	pdf.SetHeaderFunc(func() {
		if pdf.PageNo() == 1 {
			return
		}
		pdf.SetFont("serif", "", 8)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(0, 4, oneLine(l.Municipality)+" · "+number, "", 1, "R", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
		pdf.Ln(6)
	})
	pdf.SetFooterFunc(func() {
		pdf.SetY(-15)
		pdf.SetFont("serif", "", 8)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(0, 4, fmt.Sprintf(lab.page, pdf.PageNo(), max(total, pdf.PageNo())), "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()

	// The letterhead, ruled off.
	pdf.SetFont("serif", "B", 14)
	pdf.MultiCell(0, 7, oneLine(l.Municipality), "", "L", false)
	if d := oneLine(l.Department); d != "" {
		pdf.SetFont("serif", "", 10.5)
		pdf.MultiCell(0, lineHeight, d, "", "L", false)
	}
	pdf.Ln(2)
	pdf.SetDrawColor(120, 120, 120)
	pdf.Line(marginLeft, pdf.GetY(), pageWidth-marginRight, pdf.GetY())
	pdf.Ln(6)

	// The outgoing act's number and date.
	pdf.SetFont("serif", "B", 11)
	pdf.CellFormat(0, 6, number, "", 1, "L", false, 0, "")
	pdf.Ln(8)

	// The addressee.
	pdf.SetFont("serif", "", 11)
	pdf.CellFormat(0, lineHeight, lab.to, "", 1, "L", false, 0, "")
	pdf.SetFont("serif", "B", 11)
	pdf.MultiCell(0, lineHeight, oneLine(l.To.Name), "", "L", false)
	pdf.SetFont("serif", "", 11)
	for _, line := range splitLines(l.To.Address) {
		pdf.MultiCell(0, lineHeight, line, "", "L", false)
	}
	pdf.Ln(8)

	// The subject, its lines hanging after the label.
	if s := oneLine(l.Subject); s != "" {
		pdf.SetFont("serif", "B", 11)
		w := pdf.GetStringWidth(lab.subject + " ")
		pdf.CellFormat(w, lineHeight, lab.subject, "", 0, "L", false, 0, "")
		pdf.MultiCell(0, lineHeight, s, "", "L", false)
		pdf.Ln(6)
	}

	// The text.
	pdf.SetFont("serif", "", 11)
	for _, p := range paragraphs(l.Text) {
		pdf.MultiCell(0, lineHeight, p, "", "J", false)
		pdf.Ln(2.5)
	}

	// The signatory's block, on the right, kept whole on one page.
	pdf.Ln(8)
	if pdf.GetY() > pageHeight-marginBottom-32 {
		pdf.AddPage()
	}
	x := pageWidth - marginRight - signWidth
	if t := oneLine(l.Signatory.Title); t != "" {
		pdf.SetX(x)
		pdf.MultiCell(signWidth, lineHeight, t, "", "C", false)
	}
	pdf.Ln(14)
	pdf.Line(x+5, pdf.GetY(), x+signWidth-5, pdf.GetY())
	pdf.Ln(1.5)
	if n := oneLine(l.Signatory.Name); n != "" {
		pdf.SetX(x)
		pdf.MultiCell(signWidth, lineHeight, n, "", "C", false)
	}

	pages := pdf.PageNo()
	if total == 0 {
		return nil, pages, pdf.Error()
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, 0, fmt.Errorf("letters: render the letter: %w", err)
	}
	return b.Bytes(), pages, nil
}

var paragraphSplit = regexp.MustCompile(`\n[ \t]*\n`)

// paragraphs splits a text into its paragraphs, at blank lines; a paragraph keeps its single line breaks.
func paragraphs(text string) []string {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\t", "    ")
	var out []string
	for _, p := range paragraphSplit.Split(text, -1) {
		lines := strings.Split(strings.Trim(p, "\n"), "\n")
		for i, l := range lines {
			lines[i] = strings.TrimRight(l, " ")
		}
		if p := strings.Join(lines, "\n"); strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return out
}
