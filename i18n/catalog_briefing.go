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

// briefingTexts are the labels of the briefing's page, keyed "group/value": the page's headings and
// sentences (group "page", formats with the same verbs in every language), the columns of its tables
// ("column"), and the names of the kinds of case, statuses, due buckets, kinds of request and notice,
// and escalation levels the items carry.
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

	"kind/petition":               {"Petition", "Претставка", "Parashtresë"},
	"kind/proposal":               {"Proposal", "Предлог", "Propozim"},
	"kind/public_information":     {"Request for public information", "Барање за информации од јавен карактер", "Kërkesë për informata me karakter publik"},
	"kind/citizen_question":       {"Citizen's question", "Прашање од граѓанин", "Pyetje e qytetarit"},
	"kind/media_query":            {"Media query", "Новинарско прашање", "Pyetje e gazetarit"},
	"kind/twin_city_programme":    {"Twin-city programme", "Програма за збратимени градови", "Program i qyteteve binjake"},
	"kind/cooperation_initiative": {"Cooperation initiative", "Иницијатива за соработка", "Iniciativë bashkëpunimi"},
	"kind/website_publication":    {"Website publication", "Објава на веб-страницата", "Publikim në ueb-faqe"},

	"status/received":                {"Received", "Примен", "Pranuar"},
	"status/registered":              {"Registered", "Заведен", "Regjistruar"},
	"status/clarification_requested": {"Clarification requested", "Побарано дополнување", "Kërkuar plotësim"},
	"status/assigned":                {"Assigned", "Доделен", "Caktuar"},
	"status/waiting_for_input":       {"Waiting for a sector", "Чека одговор од сектор", "Në pritje të sektorit"},
	"status/answer_drafted":          {"Answer drafted", "Изготвен нацрт-одговор", "Përgjigjja e hartuar"},
	"status/answer_approved":         {"Answer approved", "Одобрен одговор", "Përgjigjja e miratuar"},
	"status/answered":                {"Answered", "Одговорен", "Përgjigjur"},
	"status/answered_in_part":        {"Answered in part", "Делумно одговорен", "Përgjigjur pjesërisht"},
	"status/refused":                 {"Refused", "Одбиен", "Refuzuar"},
	"status/published":               {"Published", "Објавен", "Publikuar"},
	"status/closed":                  {"Closed", "Затворен", "Mbyllur"},
	"status/forwarded":               {"Forwarded", "Препратен", "Përcjellë"},
	"status/withdrawn":               {"Withdrawn", "Повлечен", "Tërhequr"},
	"status/rejected":                {"Rejected", "Отфрлен", "Hedhur poshtë"},
	"status/merged":                  {"Merged", "Споен", "Bashkuar"},

	"bucket/very_overdue": {"Very overdue", "Многу задоцнети", "Shumë të vonuara"},
	"bucket/overdue":      {"Overdue", "Задоцнети", "Të vonuara"},
	"bucket/today":        {"Today", "Денес", "Sot"},
	"bucket/this_week":    {"This week", "Оваа недела", "Këtë javë"},
	"bucket/later":        {"Later", "Подоцна", "Më vonë"},
	"bucket/suspended":    {"Clock stopped", "Запрен рок", "Afat i ndalur"},

	"request/input":     {"Request for input", "Барање за придонес", "Kërkesë për kontribut"},
	"request/activity":  {"Activity", "Активност", "Aktivitet"},
	"request/milestone": {"Milestone", "Клучна точка", "Pikë kyçe"},
	"request/report":    {"Yearly report", "Годишен извештај", "Raport vjetor"},

	"notice/reminder":   {"Reminder", "Потсетник", "Kujtesë"},
	"notice/escalation": {"Escalation", "Ескалација", "Përshkallëzim"},
	"notice/overdue":    {"Deadline passed", "Рокот помина", "Afati kaloi"},

	"level/deputy":    {"Deputy head of sector", "Заменик-раководител на сектор", "Zëvendësudhëheqës i sektorit"},
	"level/head":      {"Head of sector", "Раководител на сектор", "Udhëheqës i sektorit"},
	"level/secretary": {"Secretary of the municipality", "Секретар на општината", "Sekretar i komunës"},
	"level/cabinet":   {"Mayor's cabinet", "Кабинет на градоначалникот", "Kabineti i kryetarit"},
	"level/officer":   {"Case officer", "Службеник на предметот", "Nëpunësi i lëndës"},
}

// BriefingText returns a label of the briefing's page in lang, formatted with args: group is "page" or
// "column" for the page's own words, or "kind", "status", "bucket", "request", "notice" or "level" for
// the name of such a value. A value without a label is returned as it is.
func BriefingText(lang domain.Language, group, key string, args ...any) string {
	t, ok := briefingTexts[group+"/"+key]
	if !ok {
		return key
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

// HasBriefingText reports whether the briefing's page has a label for group and key in every language.
func HasBriefingText(group, key string) bool {
	t, ok := briefingTexts[group+"/"+key]
	return ok && t.en != "" && t.mk != "" && t.sq != ""
}

// BriefingWeekday returns the name of a day of the week in lang, as the deadlines' explanations write it.
func BriefingWeekday(lang domain.Language, d domain.Date) string {
	return name(lang, d.Weekday().String())
}
