package notify

import (
	"sync"
	"time"

	"github.com/predmet/predmet/domain"
)

// sampleText holds the words of the sample data in each language.
type sampleText struct {
	head, deputy, officer, supervisor, submitter string
	sector, otherSector                          string
	requestTitle, subject, answer, reason, body  string
	milestone                                    string
}

var sampleTexts = map[domain.Language]sampleText{
	domain.Macedonian: {
		head: "Марија Стојановска", deputy: "Горан Петров", officer: "Ана Трајковска", supervisor: "Елена Николова",
		submitter: "Петар Јовановски", sector: "Сектор за урбанизам", otherSector: "Сектор за комунални работи",
		requestTitle: "Податоци за издадените одобренија за градење во 2025 година",
		subject:      "Осветлување на улицата „Маршал Тито“",
		answer:       "Секторот за комунални работи ќе ги замени неисправните светилки на улицата до 30.06.2026.\n\nРаботите ќе ги изведе ЈП „Комуналец“.",
		reason:       "Бараната информација не е создадена ниту ја поседува Општината.",
		body:         "Агенција за катастар на недвижности", milestone: "Заеднички фестивал со збратимениот град",
	},
	domain.Albanian: {
		head: "Arta Xhaferi", deputy: "Besnik Rexhepi", officer: "Drita Ismaili", supervisor: "Fatmir Selmani",
		submitter: "Blerim Aliu", sector: "Sektori për urbanizëm", otherSector: "Sektori për punë komunale",
		requestTitle: "Të dhëna për lejet e ndërtimit të lëshuara në vitin 2025",
		subject:      "Ndriçimi i rrugës „Ilindenit“",
		answer:       "Sektori për punë komunale do t'i zëvendësojë llambat e prishura në rrugë deri më 30.06.2026.\n\nPunët do t'i kryejë NP „Komunalec“.",
		reason:       "Informata e kërkuar nuk është krijuar dhe nuk posedohet nga Komuna.",
		body:         "Agjencia e Kadastrit të Patundshmërive", milestone: "Festivali i përbashkët me qytetin binjak",
	},
	domain.English: {
		head: "Maria Stojanovska", deputy: "Goran Petrov", officer: "Ana Trajkovska", supervisor: "Elena Nikolova",
		submitter: "Jane Smith", sector: "Urban Planning Sector", otherSector: "Communal Affairs Sector",
		requestTitle: "Building permits issued in 2025",
		subject:      "Street lighting on Marshal Tito Street",
		answer:       "The Communal Affairs Sector will replace the broken street lamps by 30.06.2026.\n\nThe work will be done by the public enterprise Komunalec.",
		reason:       "The information requested was neither created nor is held by the Municipality.",
		body:         "Agency for Real Estate Cadastre", milestone: "Joint festival with the twin city",
	},
}

// Samples returns sample data for a message of kind in lang: what LoadTemplates renders every
// template with to check it, and what a preview of a template may show. The first sample fills every
// field; the others leave optional ones empty, or (for an answer) take each outcome.
func Samples(kind domain.NotificationKind, lang domain.Language) []any {
	return samples(kind, lang)
}

// sampleLocation is the time zone of the sample instants.
var sampleLocation = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Skopje")
	if err != nil {
		return time.UTC
	}
	return loc
})

func samples(kind domain.NotificationKind, lang domain.Language) []any {
	w, ok := sampleTexts[lang]
	if !ok {
		w = sampleTexts[domain.Macedonian]
	}
	skopje := sampleLocation()
	received := domain.Date{Year: 2026, Month: time.May, Day: 19}
	number := domain.ArchiveNumber{Unit: "08", Year: 2026, Number: 2112, Sub: 1, Date: received}
	dueDay := time.Date(2026, time.May, 26, 23, 59, 59, 0, skopje)
	dueHour := time.Date(2026, time.May, 20, 15, 0, 0, 0, skopje)
	link := "https://predmet.example.mk/cases/0b7c9d1e"

	switch kind {
	case domain.NotifyReminder:
		return []any{
			ReminderData{Recipient: w.head, Sector: w.sector, ArchiveNumber: "08-2112/1", CaseKind: domain.KindPublicInformation,
				RequestID: "r1", RequestTitle: w.requestTitle, DueAt: dueDay, Reminder: 1, Link: link},
			ReminderData{Sector: w.sector, ArchiveNumber: "08-2113/1", CaseKind: domain.KindMediaQuery, RequestID: "r2", DueAt: dueHour, Reminder: 2},
		}
	case domain.NotifyEscalation:
		return []any{
			EscalationData{Recipient: w.deputy, Sector: w.sector, ArchiveNumber: "08-2112/1", CaseKind: domain.KindPetition,
				RequestID: "r1", RequestTitle: w.requestTitle, DueAt: dueDay, Step: 1, Level: domain.LevelDeputy, Link: link},
			EscalationData{Sector: w.sector, ArchiveNumber: "08-2113/1", CaseKind: domain.KindMediaQuery, RequestID: "r2",
				DueAt: dueHour, Step: 4, Level: domain.LevelCabinet},
		}
	case domain.NotifyOverdue:
		return []any{
			OverdueData{Recipient: w.officer, ArchiveNumber: "08-2112/1", CaseKind: domain.KindPetition, Sector: w.otherSector,
				ReceivedDate: received, DueAt: dueDay, Link: link},
			OverdueData{ArchiveNumber: "08-2113/1", CaseKind: domain.KindMediaQuery, ReceivedDate: received, DueAt: dueHour},
		}
	case domain.NotifyAssignment:
		return []any{
			AssignmentData{Recipient: w.officer, AssignedBy: w.supervisor, ArchiveNumber: "08-2112/1", CaseKind: domain.KindCitizenQuestion,
				Sector: w.otherSector, ReceivedDate: received, DueAt: dueDay, Link: link},
			AssignmentData{ArchiveNumber: "08-2114/1", CaseKind: domain.KindTwinCityProgramme, ReceivedDate: received},
		}
	case domain.NotifyAcknowledgement:
		return []any{
			AcknowledgementData{SubmitterName: w.submitter, ArchiveNumber: number, CaseKind: domain.KindPetition, Subject: w.subject,
				ReceivedDate: received, ExpectedAnswerDate: domain.Date{Year: 2026, Month: time.July, Day: 20},
				LookupCode: "K7M2-QX9P", LookupURL: "https://predmet.example.mk/status"},
			AcknowledgementData{SubmitterName: w.submitter, ArchiveNumber: number, CaseKind: domain.KindCooperationInitiative, ReceivedDate: received},
		}
	case domain.NotifyAnswer:
		answer := number
		answer.Sub, answer.Date = 2, domain.Date{Year: 2026, Month: time.June, Day: 12}
		base := AnswerData{SubmitterName: w.submitter, ArchiveNumber: number, Document: answer, CaseKind: domain.KindPublicInformation,
			Subject: w.subject, ReceivedDate: received, Outcome: domain.StatusAnswered, Answer: w.answer}
		out := []any{base}
		for _, o := range []domain.Status{domain.StatusAnsweredInPart, domain.StatusRefused, domain.StatusForwarded, domain.StatusRejected} {
			d := base
			d.Outcome, d.Reason = o, w.reason
			if o != domain.StatusAnsweredInPart {
				d.Answer = ""
			}
			if o == domain.StatusForwarded {
				d.Reason, d.ForwardedTo = "", w.body
			}
			out = append(out, d)
		}
		minimal := base
		minimal.Subject, minimal.Answer = "", ""
		return append(out, minimal)
	case domain.NotifyBriefing:
		row := BriefingRow{ArchiveNumber: "08-2112/1", CaseKind: domain.KindPetition, Sector: w.sector, DueAt: dueDay}
		late := BriefingRow{ArchiveNumber: "08-2001/1", CaseKind: domain.KindPublicInformation, Sector: w.otherSector, DueAt: dueDay.AddDate(0, 0, -9), DaysOverdue: 9}
		escalated := BriefingRow{ArchiveNumber: "08-2050/1", CaseKind: domain.KindMediaQuery, Sector: w.sector, At: dueHour, Step: 2, Level: domain.LevelHead}
		milestone := BriefingRow{ArchiveNumber: "08-1200/1", CaseKind: domain.KindTwinCityProgramme, Sector: w.otherSector, DueAt: dueDay, Title: w.milestone}
		return []any{
			BriefingData{
				Date:   received,
				Totals: BriefingTotals{Open: 42, VeryOverdue: 1, Overdue: 3, Today: 2, ThisWeek: 7, Later: 28, Suspended: 1},
				New:    BriefingSection{Count: 1, Rows: []BriefingRow{row}}, DueToday: BriefingSection{Count: 1, Rows: []BriefingRow{row}},
				DueThisWeek: BriefingSection{Count: 1, Rows: []BriefingRow{row}}, Overdue: BriefingSection{Count: 4, Rows: []BriefingRow{late}},
				Escalations: BriefingSection{Count: 1, Rows: []BriefingRow{escalated}}, OpenMediaQueries: BriefingSection{Count: 1, Rows: []BriefingRow{escalated}},
				Milestones: BriefingSection{Count: 1, Rows: []BriefingRow{milestone}}, Link: link,
			},
			BriefingData{Date: received},
		}
	case domain.NotifyDigest:
		return []any{
			DigestData{Recipient: w.head, Sector: w.sector, Date: received, Link: link, Requests: []DigestRow{
				{ArchiveNumber: "08-2112/1", CaseKind: domain.KindPetition, RequestID: "r1", Title: w.requestTitle,
					RequestedAt: dueDay.AddDate(0, 0, -7), DueAt: dueDay},
				{ArchiveNumber: "08-2001/1", CaseKind: domain.KindPublicInformation, RequestID: "r2",
					RequestedAt: dueDay.AddDate(0, 0, -20), DueAt: dueDay.AddDate(0, 0, -9), DaysOverdue: 9, Level: domain.LevelSecretary},
			}},
			DigestData{Sector: w.sector, Date: received},
		}
	}
	return nil
}
