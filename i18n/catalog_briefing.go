package i18n

import (
	"fmt"

	"github.com/predmet/predmet/domain"
)

// The messages of the mayor's daily briefing (domain/briefing.go, workflows/briefing.go,
// intake/briefing.go).
func init() {
	extend(map[string]translation{
		"A briefing needs the time it is composed at.": {
			mk: "На брифингот му треба времето кога се составува.",
			sq: "Informimit i nevojitet koha kur përpilohet.",
		},
		"A briefing needs the municipality's time zone and calendar.": {
			mk: "На брифингот му требаат временската зона и календарот на општината.",
			sq: "Informimit i nevojiten zona kohore dhe kalendari i komunës.",
		},
		"Unknown briefing trigger %q.": {
			mk: "Непознат повод за брифинг %q.",
			sq: "Shkak i panjohur për informim %q.",
		},
		"No briefing for %s.": {
			mk: "Нема брифинг за %s.",
			sq: "Nuk ka informim për %s.",
		},
		"No briefing yet.": {
			mk: "Сè уште нема брифинг.",
			sq: "Ende nuk ka informim.",
		},
		"The briefing time %q is not a time of day such as 07:30.": {
			mk: "Времето на брифингот %q не е време од денот, на пр. 07:30.",
			sq: "Ora e informimit %q nuk është orë e ditës, p.sh. 07:30.",
		},
		"The date %q in the address is not a date of the form YYYY-MM-DD, such as 2026-10-22.": {
			mk: "Датумот %q во адресата не е датум во обликот ГГГГ-ММ-ДД, на пр. 2026-10-22.",
			sq: "Data %q në adresë nuk është datë në formën VVVV-MM-DD, p.sh. 2026-10-22.",
		},
		"The parameter lang takes mk, sq or en, not %q.": {
			mk: "Параметарот lang прима mk, sq или en, а не %q.",
			sq: "Parametri lang pranon mk, sq ose en, jo %q.",
		},
		"The parameter format takes json or html, not %q.": {
			mk: "Параметарот format прима json или html, а не %q.",
			sq: "Parametri format pranon json ose html, jo %q.",
		},
	})
}

// briefingText is a label of the briefing's page in English and in the other languages. The labels are
// kept apart from the catalog of messages: they are the page's own words, keyed by what they name.
type briefingText struct {
	en, mk, sq string
}

// briefingTexts are the page's own words, keyed "group/value": its headings and sentences (group "page",
// formats with the same verbs in every language) and the columns of its tables ("column"). The names of
// the kinds of case, statuses, due buckets, kinds of request and notice, and escalation levels the items
// carry are the glossary's (Label).
var briefingTexts = map[string]briefingText{
	"page/title":     {"The mayor's daily briefing", "Дневен брифинг за градоначалникот", "Informimi ditor për kryetarin e komunës"},
	"page/scheduled": {"Composed on schedule at %s.", "Составен според распоредот во %s.", "Përpiluar sipas orarit në %s."},
	"page/staff":     {"Composed at %s at the request of %s.", "Составен во %s на барање на %s.", "Përpiluar në %s me kërkesë të %s."},
	"page/since": {
		"What is new is counted from %s, when the previous briefing was composed.",
		"Новото се смета од %s, кога е составен претходниот брифинг.",
		"Të rejat numërohen nga %s, kur u përpilua informimi i mëparshëm.",
	},
	"page/first": {
		"This is the first briefing: what is new is counted from %s.",
		"Ова е првиот брифинг: новото се смета од %s.",
		"Ky është informimi i parë: të rejat numërohen nga %s.",
	},
	"page/totals":      {"Open cases by deadline", "Отворени предмети според рокот", "Lëndët e hapura sipas afatit"},
	"page/new":         {"New cases", "Нови предмети", "Lëndë të reja"},
	"page/dueToday":    {"Due today", "Рокот истекува денес", "Afati skadon sot"},
	"page/dueThisWeek": {"Due this week", "Рокот истекува оваа недела", "Afati skadon këtë javë"},
	"page/overdue":     {"Overdue", "Со поминат рок", "Me afat të kaluar"},
	"page/escalations": {"Escalations and missed deadlines", "Ескалации и пропуштени рокови", "Përshkallëzime dhe afate të humbura"},
	"page/media":       {"Open media queries", "Отворени новинарски прашања", "Pyetje të hapura të gazetarëve"},
	"page/milestones":  {"Programme milestones and activities due by %s", "Клучни точки и активности од програмите со рок до %s", "Pika kyçe dhe aktivitete të programeve me afat deri më %s"},
	"page/none":        {"None.", "Нема.", "Asnjë."},
	"page/shown":       {"The first %d of %d are shown.", "Прикажани се првите %d од %d.", "Shfaqen të parat %d nga %d."},
	"page/footer": {
		"Composed from the case register; it holds no personal data of submitters.",
		"Составен од регистарот на предмети; не содржи лични податоци на подносителите.",
		"Përpiluar nga regjistri i lëndëve; nuk përmban të dhëna personale të parashtruesve.",
	},

	"column/archiveNumber": {"Archive number", "Архивски број", "Numri i arkivit"},
	"column/case":          {"Case", "Предмет", "Lënda"},
	"column/kind":          {"Kind", "Вид", "Lloji"},
	"column/status":        {"Status", "Статус", "Statusi"},
	"column/sector":        {"Sector", "Сектор", "Sektori"},
	"column/officer":       {"Officer", "Службеник", "Nëpunësi"},
	"column/received":      {"Received", "Примен", "Pranuar"},
	"column/due":           {"Due", "Рок", "Afati"},
	"column/daysOverdue":   {"Days overdue", "Денови доцнење", "Ditë vonesë"},
	"column/when":          {"When", "Кога", "Kur"},
	"column/notice":        {"Notice", "Известување", "Njoftimi"},
	"column/level":         {"Level", "Ниво", "Niveli"},
	"column/item":          {"Item", "Ставка", "Zëri"},
	"column/title":         {"Title", "Наслов", "Titulli"},
	"column/open":          {"Open", "Отворени", "Të hapura"},
}

// BriefingText returns a label of the briefing's page in lang, formatted with args: group is "page" or
// "column" for the page's own words, or "kind", "status", "bucket", "request", "notice" or "level" for
// the name of such a value, from the glossary (Label). A value without a label is returned as it is.
func BriefingText(lang domain.Language, group, key string, args ...any) string {
	t, ok := briefingTexts[group+"/"+key]
	if !ok {
		return Label(lang, group, key)
	}
	format := t.en
	switch lang {
	case domain.Macedonian:
		format = t.mk
	case domain.Albanian:
		format = t.sq
	}
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// HasBriefingText reports whether the briefing's page has a label for group and key in every language:
// its own, or the glossary's.
func HasBriefingText(group, key string) bool {
	t, ok := briefingTexts[group+"/"+key]
	return ok && t.en != "" && t.mk != "" && t.sq != "" || HasTerm(group, key)
}

// BriefingWeekday returns the name of a day of the week in lang, as the deadlines' explanations write it.
func BriefingWeekday(lang domain.Language, d domain.Date) string {
	return name(lang, d.Weekday().String())
}
