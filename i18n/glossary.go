package i18n

import (
	"unicode"
	"unicode/utf8"

	"github.com/predmet/predmet/domain"
)

// The glossary: the names of the domain's shared terms in each language, written once for every place
// that shows them (the e-mails' templates, the briefing's page, the staff pages). Each is a noun phrase
// as it stands inside a sentence ("го заведе како претставка", "escalated to the head of the sector");
// Label capitalises it for a heading or a table's cell.
//
// The groups are "kind" (domain.CaseKind), "status" (domain.Status), "bucket" (domain.DueBucket),
// "request" (domain.RequestKind), "notice" (domain.NoticeKind) and "level" (domain.EscalationLevel); a
// term's key is the value's code.

// term is a name in English, Macedonian (in Cyrillic) and Albanian.
type term struct {
	en, mk, sq string
}

// glossary holds every term, keyed "group/code".
var glossary = map[string]term{
	"kind/petition":               {"petition", "претставка", "parashtresë"},
	"kind/proposal":               {"proposal", "предлог", "propozim"},
	"kind/public_information":     {"request for public information", "барање за информации од јавен карактер", "kërkesë për informata me karakter publik"},
	"kind/citizen_question":       {"citizen's question", "прашање од граѓанин", "pyetje e qytetarit"},
	"kind/media_query":            {"media query", "новинарско прашање", "pyetje e gazetarit"},
	"kind/twin_city_programme":    {"twin-city programme", "програма за соработка со збратимен град", "program bashkëpunimi me qytetin binjak"},
	"kind/cooperation_initiative": {"international cooperation initiative", "иницијатива за меѓународна соработка", "iniciativë për bashkëpunim ndërkombëtar"},
	"kind/website_publication":    {"website publication", "објава на веб-страницата", "publikim në faqen e internetit"},

	"status/received":                {"received", "примен", "pranuar"},
	"status/registered":              {"registered", "заведен", "regjistruar"},
	"status/clarification_requested": {"clarification requested", "побарано дополнување", "kërkuar plotësim"},
	"status/assigned":                {"assigned", "доделен", "caktuar"},
	"status/waiting_for_input":       {"waiting for a sector", "чека одговор од сектор", "në pritje të sektorit"},
	"status/answer_drafted":          {"answer drafted", "изготвен нацрт-одговор", "përgjigjja e hartuar"},
	"status/answer_approved":         {"answer approved", "одобрен одговор", "përgjigjja e miratuar"},
	"status/answered":                {"answered", "одговорен", "përgjigjur"},
	"status/answered_in_part":        {"answered in part", "делумно одговорен", "përgjigjur pjesërisht"},
	"status/refused":                 {"refused", "одбиен", "refuzuar"},
	"status/published":               {"published", "објавен", "publikuar"},
	"status/closed":                  {"closed", "затворен", "mbyllur"},
	"status/forwarded":               {"forwarded", "препратен", "përcjellë"},
	"status/withdrawn":               {"withdrawn", "повлечен", "tërhequr"},
	"status/rejected":                {"rejected", "отфрлен", "hedhur poshtë"},
	"status/merged":                  {"merged", "споен", "bashkuar"},

	"bucket/very_overdue": {"very overdue", "многу задоцнети", "shumë të vonuara"},
	"bucket/overdue":      {"overdue", "задоцнети", "të vonuara"},
	"bucket/today":        {"today", "денес", "sot"},
	"bucket/this_week":    {"this week", "оваа недела", "këtë javë"},
	"bucket/later":        {"later", "подоцна", "më vonë"},
	"bucket/suspended":    {"clock stopped", "запрен рок", "afat i ndalur"},

	"request/input":     {"request for input", "барање за придонес", "kërkesë për kontribut"},
	"request/activity":  {"activity", "активност", "aktivitet"},
	"request/milestone": {"milestone", "клучна точка", "pikë kyçe"},
	"request/report":    {"yearly report", "годишен извештај", "raport vjetor"},

	"notice/reminder":   {"reminder", "потсетник", "kujtesë"},
	"notice/escalation": {"escalation", "ескалација", "përshkallëzim"},
	"notice/overdue":    {"deadline passed", "рокот помина", "afati kaloi"},

	"level/deputy":    {"deputy head of the sector", "заменик-раководител на секторот", "zëvendësudhëheqës i sektorit"},
	"level/head":      {"head of the sector", "раководител на секторот", "udhëheqës i sektorit"},
	"level/secretary": {"secretary of the municipality", "секретар на општината", "sekretar i komunës"},
	"level/cabinet":   {"mayor's cabinet", "кабинет на градоначалникот", "kabineti i kryetarit"},
	"level/officer":   {"case officer", "службеник на предметот", "nëpunësi i lëndës"},
}

// Term returns the name of the code of group in lang, as it stands inside a sentence ("претставка"),
// or code itself when the glossary has no such term.
func Term(lang domain.Language, group, code string) string {
	t, ok := glossary[group+"/"+code]
	switch {
	case !ok:
		return code
	case lang == domain.Macedonian:
		return t.mk
	case lang == domain.Albanian:
		return t.sq
	}
	return t.en
}

// Label returns Term with a capital first letter, as a heading or a table's cell shows it
// ("Претставка"), or code itself when the glossary has no such term.
func Label(lang domain.Language, group, code string) string {
	if _, ok := glossary[group+"/"+code]; !ok {
		return code
	}
	return Capital(Term(lang, group, code))
}

// HasTerm reports whether the glossary names the code of group in every language.
func HasTerm(group, code string) bool {
	t, ok := glossary[group+"/"+code]
	return ok && t.en != "" && t.mk != "" && t.sq != ""
}

// Capital returns s with its first letter in upper case.
func Capital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
