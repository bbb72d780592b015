package i18n

import (
	"strconv"
	"strings"
	"time"

	"github.com/predmet/predmet/domain"
)

// TranslateMessage formats m in lang: its format as Translate does, and its arguments that are words
// (see domain.Message) in lang too. Names the catalog does not know, such as one-off non-working days,
// stay as they are written.
func TranslateMessage(lang domain.Language, m domain.Message) string {
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		args[i] = word(lang, a)
	}
	return Translate(lang, m.Format, args...)
}

// TranslateMessages formats each message in lang (TranslateMessage) and joins the sentences with spaces.
func TranslateMessages(lang domain.Language, msgs []domain.Message) string {
	sentences := make([]string, len(msgs))
	for i, m := range msgs {
		sentences[i] = TranslateMessage(lang, m)
	}
	return strings.Join(sentences, " ")
}

// word returns an argument of a message in lang: the words of the types domain.Message names, translated;
// any other argument as it is. In English every argument stays as it is: its String method writes it.
func word(lang domain.Language, arg any) any {
	if lang != domain.Macedonian && lang != domain.Albanian {
		return arg
	}
	switch a := arg.(type) {
	case time.Weekday:
		return name(lang, a.String())
	case domain.HolidayName:
		return holidayName(lang, a)
	case domain.Amount:
		if _, ok := units[string(a.Unit)]; !ok {
			return a.String()
		}
		return count(lang, a.Count, string(a.Unit))
	case domain.Span:
		h, m, s := a.Parts()
		var parts []string
		for _, p := range []struct {
			n    int
			unit string
		}{{h, string(domain.Hours)}, {m, string(domain.Minutes)}, {s, string(domain.Seconds)}} {
			if p.n > 0 {
				parts = append(parts, count(lang, p.n, p.unit))
			}
		}
		if len(parts) == 0 {
			return count(lang, 0, string(domain.Minutes))
		}
		return list(lang, parts)
	case domain.SkippedDays:
		items := make([]string, len(a))
		for i, d := range a {
			items[i] = d.Date.String() + " (" + holidayName(lang, domain.HolidayName(d.Reason)) + ")"
		}
		return list(lang, items)
	case domain.Note:
		label := name(lang, a.Source.Label())
		switch {
		case label != "" && a.Reason != "":
			return "(" + label + ": " + a.Reason + ")"
		case label != "":
			return "(" + label + ")"
		}
		return "(" + a.Reason + ")"
	case domain.ClockSources:
		labels := make([]string, len(a))
		for i, s := range a {
			labels[i] = name(lang, s.Label())
		}
		return list(lang, labels)
	}
	return arg
}

// name returns a word or name in lang, from the catalog; as it is when the catalog does not have it.
// Unlike Translate, it does not format: a name may hold a percent sign.
func name(lang domain.Language, s string) string {
	t, ok := catalog[s]
	switch {
	case !ok:
		return s
	case lang == domain.Macedonian:
		return t.mk
	case lang == domain.Albanian:
		return t.sq
	}
	return s
}

// holidayName returns the name of a non-working day in lang: a state holiday's or a weekday's from the
// catalog, a Sunday shift as the translated holiday's, a one-off day's as it was published.
func holidayName(lang domain.Language, n domain.HolidayName) string {
	if _, ok := catalog[string(n)]; ok {
		return name(lang, string(n))
	}
	if base, ok := n.SundayShift(); ok {
		return Translate(lang, domain.SundayShiftFormat, holidayName(lang, base))
	}
	return string(n)
}

// count returns n of unit in lang, Macedonian or Albanian, e.g. "60 календарски дена" or "1 orë". The
// unit is a key of units.
func count(lang domain.Language, n int, unit string) string {
	forms := units[unit]
	form := forms.sq[1]
	switch {
	case lang == domain.Macedonian && n%10 == 1 && n%100 != 11:
		// Macedonian numerals agree with their last word: 21 ("дваесет и еден") takes the singular.
		form = forms.mk[0]
	case lang == domain.Macedonian:
		form = forms.mk[1]
	case n == 1:
		form = forms.sq[0]
	}
	return strconv.Itoa(n) + " " + form
}

// list joins items as "a", "a and b" or "a, b and c", with "and" in lang.
func list(lang domain.Language, items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return Translate(lang, msgAnd, strings.Join(items[:len(items)-1], ", "), items[len(items)-1])
}

// msgAnd joins the last item of a list to the others.
const msgAnd = "%s and %s"
