package letters_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
	"github.com/predmet/predmet/letters"
	"github.com/predmet/predmet/letters/letterstest"
)

// macedonianLetter returns an answer in Macedonian with every letter of the Macedonian alphabet that
// Russian or Serbian fonts may lack.
func macedonianLetter() letters.Letter {
	return letters.Letter{
		Language:     domain.Macedonian,
		Municipality: "Општина Пример",
		Department:   "Одделение за дијаспора, меѓународна соработка и односи со јавноста",
		Number:       domain.ArchiveNumber{Unit: "08", Year: 2026, Number: 12, Sub: 3, Date: domain.Date{Year: 2026, Month: time.May, Day: 19}},
		To:           letters.Addressee{Name: "Ѓорѓи Љубеновски", Address: "ул. „Џон Кенеди“ бр. 12\n1000 Скопје"},
		Subject:      "Одговор на Вашата претставка за тротоарот",
		Text: "Почитувани,\n\nПо Вашата претставка, заведена под број 08-12/1, Ве известуваме дека ќе се поправи тротоарот " +
			"пред зградата бр. 15 на ул. „Гоце Делчев“ до крајот на јули.\n\nЅидот покрај ќошот, џебната улица и " +
			"ѓубриштето кај њивата ќе ги прегледа комуналната служба.\n\nСо почит,",
		Signatory: letters.Signatory{Name: "Ана Петровска", Title: "Раководител на одделение"},
	}
}

// albanianLetter returns an answer in Albanian, with ë and ç.
func albanianLetter() letters.Letter {
	return letters.Letter{
		Language:     domain.Albanian,
		Municipality: "Komuna e Shembullit",
		Department:   "Njësia për diasporë, bashkëpunim ndërkombëtar dhe marrëdhënie me publikun",
		Number:       domain.ArchiveNumber{Unit: "08", Year: 2026, Number: 12, Sub: 3, Date: domain.Date{Year: 2026, Month: time.May, Day: 19}},
		To:           letters.Addressee{Name: "Ëndrit Çela", Address: "Rr. „Nënë Tereza“ nr. 4\n1200 Tetovë"},
		Subject:      "Përgjigje në parashtresën tuaj për trotuarin",
		Text: "Të nderuar,\n\nLidhur me parashtresën tuaj, të regjistruar me numër 08-12/1, ju njoftojmë se trotuari " +
			"para ndërtesës nr. 15 do të riparohet deri në fund të korrikut.\n\nÇështja e ujësjellësit në lagjen " +
			"Çarshia do të shqyrtohet nga ndërmarrja publike.\n\nMe respekt,",
		Signatory: letters.Signatory{Name: "Arta Xhaferi", Title: "Udhëheqëse e njësisë"},
	}
}

// twoPages returns a letter whose text, in its language, fills more than one page and less than two.
func twoPages(l letters.Letter) letters.Letter {
	sentence := map[domain.Language]string{
		domain.Macedonian: "Општината ја разгледа состојбата на тротоарите во населбата и утврди што треба да се поправи. ",
		domain.Albanian:   "Komuna e shqyrtoi gjendjen e trotuareve në lagje dhe përcaktoi çfarë duhet të riparohet. ",
	}[l.Language]
	var b strings.Builder
	for i := range 14 {
		fmt.Fprintf(&b, "%d. %s\n\n", i+1, strings.Repeat(sentence, 3))
	}
	l.Text = b.String() + map[domain.Language]string{domain.Macedonian: "Со почит,", domain.Albanian: "Me respekt,"}[l.Language]
	return l
}

func MustPDF(tb testing.TB, l letters.Letter) []byte {
	tb.Helper()
	b, err := l.PDF()
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestPDFText reads the letters back with pdftotext: the archive number and date, the addressee and the
// approved text, in Cyrillic and in Albanian.
func TestPDFText(t *testing.T) {
	for _, tc := range []struct {
		name   string
		letter letters.Letter
		want   []string
	}{
		{"Macedonian", macedonianLetter(), []string{"Број: 08-12/3 од 19.05.2026", "До:", "Предмет: Одговор на Вашата претставка за тротоарот", "Страница 1 од 1"}},
		{"Albanian", albanianLetter(), []string{"Numër: 08-12/3 i datës 19.05.2026", "Për:", "Lënda: Përgjigje në parashtresën tuaj për trotuarin", "Faqja 1 nga 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := tc.letter
			pdf := MustPDF(t, l)
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				t.Fatalf("not a PDF: %q", pdf[:min(len(pdf), 16)])
			}
			text := letterstest.MustText(t, pdf)
			words := letterstest.Words(text)
			want := append(tc.want, l.Municipality, l.Department, l.To.Name, l.Signatory.Name, l.Signatory.Title)
			want = append(want, strings.Split(l.To.Address, "\n")...)
			for _, p := range strings.Split(l.Text, "\n\n") {
				want = append(want, letterstest.Words(p))
			}
			for _, w := range want {
				if !strings.Contains(words, w) {
					t.Errorf("the PDF's text lacks %q:\n%s", w, text)
				}
			}
			if n := letterstest.MustPages(t, pdf); n != 1 {
				t.Errorf("%d pages, want 1", n)
			}
		})
	}
}

// TestPDFTwoPages checks that a text longer than a page breaks onto a second page, and that both pages
// are numbered out of two.
func TestPDFTwoPages(t *testing.T) {
	for _, tc := range []struct {
		letter letters.Letter
		pages  [2]string
	}{
		{twoPages(macedonianLetter()), [2]string{"Страница 1 од 2", "Страница 2 од 2"}},
		{twoPages(albanianLetter()), [2]string{"Faqja 1 nga 2", "Faqja 2 nga 2"}},
	} {
		t.Run(string(tc.letter.Language), func(t *testing.T) {
			pdf := MustPDF(t, tc.letter)
			if n := letterstest.MustPages(t, pdf); n != 2 {
				t.Fatalf("%d pages, want 2", n)
			}
			pages := strings.Split(letterstest.MustText(t, pdf), "\f")
			for i, footer := range tc.pages {
				if !strings.Contains(pages[i], footer) {
					t.Errorf("page %d lacks %q:\n%s", i+1, footer, pages[i])
				}
			}
			// The second page repeats the number; the signatory ends the letter.
			if !strings.Contains(pages[1], "08-12/3") || !strings.Contains(pages[1], tc.letter.Signatory.Name) {
				t.Errorf("page 2 lacks the number or the signatory:\n%s", pages[1])
			}
			// Without the footers and the second page's header, the text reads on across the break.
			var body []string
			for _, line := range strings.Split(strings.Join(pages, "\n"), "\n") {
				if !strings.Contains(line, tc.pages[0]) && !strings.Contains(line, tc.pages[1]) && !strings.Contains(line, " · ") {
					body = append(body, line)
				}
			}
			words := letterstest.Words(strings.Join(body, "\n"))
			for _, p := range strings.Split(strings.TrimSpace(tc.letter.Text), "\n\n") {
				if !strings.Contains(words, letterstest.Words(p)) {
					t.Errorf("the PDF's text lacks the paragraph %q", p)
				}
			}
		})
	}
}

// TestPDFDeterministic checks that the same letter gives the same bytes, so that it is stored once.
func TestPDFDeterministic(t *testing.T) {
	l := macedonianLetter()
	a, b := MustPDF(t, l), MustPDF(t, l)
	if !bytes.Equal(a, b) {
		t.Fatal("the same letter gave different bytes")
	}
	l.Text += "\n\nП.С. Еден ред повеќе."
	if c := MustPDF(t, l); bytes.Equal(a, c) {
		t.Error("a different text gave the same bytes")
	}
	if !bytes.Contains(a, []byte("D:20260519000000")) {
		t.Error("the creation date is not the letter's date")
	}
}

func TestLetterValidate(t *testing.T) {
	for name, tc := range map[string]struct {
		edit  func(*letters.Letter)
		field string
	}{
		"ErrLanguage":     {func(l *letters.Letter) { l.Language = "de" }, "language"},
		"ErrMunicipality": {func(l *letters.Letter) { l.Municipality = " " }, "municipality"},
		"ErrAddressee":    {func(l *letters.Letter) { l.To.Name = "" }, "to.name"},
		"ErrText":         {func(l *letters.Letter) { l.Text = "\n\n" }, "text"},
		"ErrNumber":       {func(l *letters.Letter) { l.Number.Sub = 0 }, "number"},
		"ErrNumberDate":   {func(l *letters.Letter) { l.Number.Date = domain.Date{} }, "number"},
	} {
		t.Run(name, func(t *testing.T) {
			l := macedonianLetter()
			tc.edit(&l)
			_, err := l.PDF()
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.EINVALID || de.Field != tc.field {
				t.Fatalf("PDF = %v, want EINVALID on %s", err, tc.field)
			}
			if !i18n.Has(de.Format) {
				t.Errorf("%q is not translated", de.Format)
			}
		})
	}
	t.Run("OKWithoutOptionalParts", func(t *testing.T) {
		l := macedonianLetter()
		l.Department, l.To.Address, l.Subject, l.Signatory = "", "", "", letters.Signatory{}
		text := letterstest.MustText(t, MustPDF(t, l))
		if !strings.Contains(text, l.To.Name) || strings.Contains(text, "Предмет:") {
			t.Errorf("text:\n%s", text)
		}
	})
}

// BenchmarkPDF measures rendering a two-page answer (both passes: counting the pages, then writing).
func BenchmarkPDF(b *testing.B) {
	l := twoPages(macedonianLetter())
	for b.Loop() {
		if _, err := l.PDF(); err != nil {
			b.Fatal(err)
		}
	}
}
