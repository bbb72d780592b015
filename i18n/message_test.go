package i18n_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Skopje wherever the tests run

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
)

// explained builds deadlines whose explanations use every format of domain.Deadline.Explanation.
type explained struct {
	tb  testing.TB
	cal *domain.Calendar
	loc *time.Location
}

func mustOpenExplained(tb testing.TB) explained {
	tb.Helper()
	loc, err := time.LoadLocation("Europe/Skopje")
	if err != nil {
		tb.Fatal(err)
	}
	// A one-off day with a name of its own, on Monday 26 October 2026.
	cal := domain.NewCalendar([]domain.Holiday{{Date: domain.Date{Year: 2026, Month: time.October, Day: 26}, Name: "Ден на општината"}})
	return explained{tb, cal, loc}
}

func (e explained) at(s string) time.Time {
	e.tb.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", s, e.loc)
	if err != nil {
		e.tb.Fatal(err)
	}
	return t
}

func (e explained) clock(s string) domain.Clock {
	e.tb.Helper()
	c, err := domain.ParseClock(s)
	if err != nil {
		e.tb.Fatal(err)
	}
	return c
}

// change returns a clock change; by is the extension's length, "" for others.
func (e explained) change(kind domain.ClockChangeKind, source domain.ClockSource, at, by, reason string) domain.ClockChange {
	e.tb.Helper()
	c := domain.ClockChange{Kind: kind, Source: source, At: e.at(at), Reason: reason}
	if by != "" {
		c.By = e.clock(by)
	}
	return c
}

// deadlines returns deadlines that cover every branch of the explanation.
func (e explained) deadlines() map[string]domain.Deadline {
	const (
		ext, sus, res = domain.ClockExtended, domain.ClockSuspended, domain.ClockResumed
		staff, global = domain.SourceCase, domain.SourceGlobal
		clarify       = domain.SourceClarification
		none          = domain.ClockSource("") // no label: the variants without a note
	)
	plain := func(start, clock string) domain.Deadline {
		return e.cal.Deadline(e.at(start), e.clock(clock), e.loc)
	}
	with := func(start, clock string, changes ...domain.ClockChange) domain.Deadline {
		return e.cal.DeadlineWith(e.at(start), e.clock(clock), changes, e.loc)
	}
	c := e.change
	dls := map[string]domain.Deadline{
		"InvalidClock":            e.cal.Deadline(e.at("2026-03-11 09:00"), domain.Clock{Unit: domain.CalendarDays}, e.loc),
		"Hours":                   plain("2026-03-13 16:00", "48h"),
		"CalendarDays":            plain("2026-01-10 09:00", "60d"),
		"CalendarDaysOntoSunday":  plain("2026-01-14 09:00", "60d"),
		"CalendarDaysOntoWeekend": plain("2026-01-13 09:00", "60d"),
		"CalendarDaysOntoHoliday": plain("2026-07-10 09:00", "60d"),
		"CalendarDaysOverHoliday": plain("2026-08-24 09:00", "60d"), // a holiday, the weekend and a one-off day
		"CalendarDaysSundayShift": plain("2026-03-25 09:00", "60d"),
		"WorkingDays":             plain("2026-03-12 08:00", "1wd"),
		"WorkingDaysOverEaster":   plain("2026-04-08 15:00", "5wd"),

		"Extended":               with("2026-03-02 09:00", "20d", c(ext, staff, "2026-03-10 12:00", "10d", "")),
		"ExtendedNote":           with("2026-03-02 09:00", "20d", c(ext, staff, "2026-03-10 12:00", "10d", "large request")),
		"ExtendedMoved":          with("2026-03-02 09:00", "20d", c(ext, staff, "2026-03-10 12:00", "7d", "")),
		"ExtendedMovedNote":      with("2026-03-02 09:00", "20d", c(ext, staff, "2026-03-10 12:00", "7d", "large request")),
		"ExtendedWorkingDays":    with("2026-04-08 15:00", "5wd", c(ext, staff, "2026-04-14 09:00", "3wd", "")),
		"ExtendedHours":          with("2026-03-13 16:00", "48h", c(ext, staff, "2026-03-14 10:00", "4h", "the mayor is abroad")),
		"SuspendedOneDayLeft":    with("2026-03-02 09:00", "5d", c(sus, staff, "2026-03-06 09:00", "", "")),
		"SuspendedDaysLeft":      with("2026-03-02 09:00", "20d", c(sus, clarify, "2026-03-05 10:00", "", "")),
		"SuspendedNoNote":        with("2026-03-02 09:00", "20d", c(sus, none, "2026-03-05 10:00", "", "")),
		"SuspendedMinutesLeft":   with("2026-03-02 09:00", "48h", c(sus, staff, "2026-03-03 10:15", "", "")),
		"SuspendedSecondsLeft":   with("2026-03-02 09:00", "1m", domain.ClockChange{Kind: sus, Source: staff, At: e.at("2026-03-02 09:00").Add(30 * time.Second)}),
		"SuspendedLate":          with("2026-03-02 09:00", "5d", c(sus, global, "2026-03-10 10:00", "", "decree"), c(res, global, "2026-03-16 00:00", "", "")),
		"SuspendedLateNoNote":    with("2026-03-02 09:00", "5d", c(sus, none, "2026-03-10 10:00", "", ""), c(res, none, "2026-03-16 00:00", "", "")),
		"ResumedWorkingDays":     with("2026-03-02 09:00", "10wd", c(sus, clarify, "2026-03-04 10:00", "", ""), c(res, clarify, "2026-03-12 09:00", "", "")),
		"ResumedMinutes":         with("2026-05-22 09:00", "90m", c(sus, staff, "2026-05-22 09:30", "", "the line is down"), c(res, staff, "2026-05-22 14:00", "", "")),
		"ResumedOntoHoliday":     with("2026-04-20 09:00", "20d", c(sus, staff, "2026-04-22 12:00", "", "cadastre"), c(res, staff, "2026-05-06 09:00", "", "")),
		"ResumedNoNote":          with("2026-03-02 09:00", "20d", c(sus, none, "2026-03-05 10:00", "", ""), c(res, none, "2026-03-09 11:00", "", "")),
		"ResumedMovedNoNote":     with("2026-03-02 09:00", "20d", c(sus, none, "2026-03-05 10:00", "", ""), c(res, none, "2026-03-12 00:00", "", "")),
		"ResumedByAnotherSource": with("2026-03-02 09:00", "20d", c(sus, global, "2026-03-05 10:00", "", "decree"), c(res, staff, "2026-03-09 10:00", "", ""), c(res, none, "2026-03-10 10:00", "", "")),
		"OverlappingSuspensions": with("2026-03-02 09:00", "20d",
			c(sus, staff, "2026-03-05 10:00", "", "site visit"), c(sus, global, "2026-03-06 00:00", "", "state of emergency"),
			c(sus, clarify, "2026-03-06 10:00", "", ""), c(res, staff, "2026-03-09 10:00", "", ""),
			c(res, clarify, "2026-03-10 10:00", "", ""), c(res, global, "2026-03-12 00:00", "", "")),
		"OverlappingNoNote": with("2026-03-02 09:00", "20d",
			c(sus, none, "2026-03-05 10:00", "", ""), c(sus, none, "2026-03-05 11:00", "", ""), c(sus, global, "2026-03-06 00:00", "", ""),
			c(res, none, "2026-03-09 10:00", "", ""), c(res, global, "2026-03-10 00:00", "", "")),
		"ExtendedWhileSuspended": with("2026-03-02 09:00", "20d",
			c(sus, clarify, "2026-03-05 10:00", "", ""), c(ext, staff, "2026-03-06 10:00", "10d", "large request"),
			c(ext, staff, "2026-03-07 10:00", "1d", ""), c(res, clarify, "2026-03-09 10:00", "", "")),
		"ExtendedHoursWhileSuspended": with("2026-03-13 16:00", "48h",
			c(sus, staff, "2026-03-14 10:00", "", ""), c(ext, staff, "2026-03-14 11:00", "4h", ""), c(res, staff, "2026-03-16 09:00", "", "")),
		"ResumedOverHolidayAndOneOff": with("2026-08-24 09:00", "60d",
			c(sus, staff, "2026-09-01 09:00", "", ""), c(res, staff, "2026-09-01 10:00", "", "")),
		"UnknownChange": with("2026-03-02 09:00", "20d", domain.ClockChange{Kind: "paused", Source: staff, At: e.at("2026-03-05 10:00")}),
	}

	// Deadlines as an older record may hold them: a suspension without the time left, a working-day
	// clock without the due date before its first change.
	for name, source := range map[string]domain.ClockSource{"SuspendedWithoutLeft": staff, "SuspendedWithoutLeftNoNote": none} {
		dl := with("2026-03-02 09:00", "20d", c(sus, source, "2026-03-05 10:00", "", ""))
		dl.Changes[0].Left = nil
		dls[name] = dl
	}
	dl := with("2026-04-08 15:00", "5wd", c(ext, staff, "2026-04-14 09:00", "3wd", ""))
	dl.Changes[0].PreviousDueAt = time.Time{}
	dls["WorkingDaysWithoutPreviousDue"] = dl
	return dls
}

// TestExplanationTranslated checks that every format an explanation of a deadline can use has a
// translation, and that the explanations of deadlines of every kind read in Macedonian and Albanian
// without a word of English.
func TestExplanationTranslated(t *testing.T) {
	dls := mustOpenExplained(t).deadlines()
	used := map[string]bool{}
	for name, dl := range dls {
		msgs := dl.Explanation()
		for _, m := range msgs {
			used[m.Format] = true
			if !slices.Contains(domain.ExplanationFormats(), m.Format) {
				t.Errorf("%s: format %q is not in domain.ExplanationFormats", name, m.Format)
			}
		}
		if got := i18n.TranslateMessages(domain.English, msgs); got != dl.Explain() {
			t.Errorf("%s: in English\n%s\nwant Explain()\n%s", name, got, dl.Explain())
		}
		if leaked := englishWords(msgs, dl.Explain()); len(leaked) == 0 {
			t.Errorf("%s: the check finds no English in %q", name, dl.Explain())
		}
		for _, lang := range []domain.Language{domain.Macedonian, domain.Albanian} {
			text := i18n.TranslateMessages(lang, msgs)
			if leaked := englishWords(msgs, text); len(leaked) > 0 {
				t.Errorf("%s in %s: %q has English words %q", name, lang, text, leaked)
			}
			if strings.Contains(text, "%!") {
				t.Errorf("%s in %s: %q has a formatting error", name, lang, text)
			}
		}
	}
	for _, f := range domain.ExplanationFormats() {
		if !i18n.Has(f) {
			t.Errorf("format %q has no translation", f)
		}
		if !used[f] {
			t.Errorf("no deadline of the test uses format %q", f)
		}
	}
}

// englishWord is a word of three letters or more in the English of an explanation.
var englishWord = regexp.MustCompile(`[A-Za-z]{3,}`)

// englishWords returns the English words of msgs (their formats' and their arguments' that are words,
// not the reasons people wrote) that text has.
func englishWords(msgs []domain.Message, text string) []string {
	var leaked []string
	for _, m := range msgs {
		sources := []string{m.Format}
		for _, a := range m.Args {
			switch a := a.(type) {
			case time.Weekday, domain.Amount, domain.Span, domain.ClockSources:
				sources = append(sources, fmt.Sprint(a))
			case domain.HolidayName:
				sources = append(sources, string(a))
			case domain.SkippedDays:
				for _, d := range a {
					sources = append(sources, d.Reason)
				}
			case domain.Note:
				sources = append(sources, a.Source.Label())
			}
		}
		for _, src := range sources {
			for _, w := range englishWord.FindAllString(src, -1) {
				if regexp.MustCompile(`\b`+w+`\b`).MatchString(text) && !slices.Contains(leaked, w) {
					leaked = append(leaked, w)
				}
			}
		}
	}
	return leaked
}

func TestTranslateMessage(t *testing.T) {
	msg := func(args ...any) domain.Message { return domain.Message{Format: "%s", Args: args} }
	for _, tt := range []struct {
		name   string
		m      domain.Message
		mk, sq string
	}{
		{"OKOneDay", msg(domain.Amount{Count: 1, Unit: domain.CalendarDays}), "1 календарски ден", "1 ditë kalendarike"},
		{"OKManyWorkingDays", msg(domain.Amount{Count: 15, Unit: domain.WorkingDays}), "15 работни дена", "15 ditë pune"},
		{"OKElevenHours", msg(domain.Amount{Count: 11, Unit: domain.Hours}), "11 часа", "11 orë"},
		{"OKTwentyOneMinutes", msg(domain.Amount{Count: 21, Unit: domain.Minutes}), "21 минута", "21 minuta"},
		{"OKOneMinute", msg(domain.Amount{Count: 1, Unit: domain.Minutes}), "1 минута", "1 minutë"},
		{"OKTwentySeconds", msg(domain.Amount{Count: 20, Unit: domain.Seconds}), "20 секунди", "20 sekonda"},
		{"OKOneSecond", msg(domain.Amount{Count: 1, Unit: domain.Seconds}), "1 секунда", "1 sekondë"},
		{"OKUnknownUnit", msg(domain.Amount{Count: 3, Unit: "weeks"}), "3 weeks", "3 weeks"},
		{"OKSpan", msg(domain.Span(time.Hour + 2*time.Minute + time.Second)), "1 час, 2 минути и 1 секунда", "1 orë, 2 minuta dhe 1 sekondë"},
		{"OKSpanZero", msg(domain.Span(0)), "0 минути", "0 minuta"},
		{"OKWeekday", msg(time.Wednesday), "среда", "e mërkurë"},
		{"OKHoliday", msg(domain.HolidayName("Independence Day")), "Ден на независноста", "Dita e Pavarësisë"},
		{"OKSundayShift", msg(domain.HolidayName("New Year (moved from Sunday)")), "Нова година (наместо во недела)", "Viti i Ri (në vend të së dielës)"},
		{"OKOneOffAsWritten", msg(domain.HolidayName("Ramazan Bajram (Eid al-Fitr), first day")), "Ramazan Bajram (Eid al-Fitr), first day", "Ramazan Bajram (Eid al-Fitr), first day"},
		{"OKOneOffWithPercent", msg(domain.HolidayName("100% day")), "100% day", "100% day"},
		{"OKNote", msg(domain.Note{Source: domain.SourceCase, Reason: "site visit"}), "(од вработените: site visit)", "(nga stafi: site visit)"},
		{"OKNoteReasonOnly", msg(domain.Note{Reason: "large request"}), "(large request)", "(large request)"},
		{"OKSources", msg(domain.ClockSources{domain.SourceGlobal, domain.SourceClarification}), "сите рокови и појаснување", "të gjitha afatet dhe sqarim"},
		{"OKSkippedDays", msg(domain.SkippedDays{
			{Date: domain.Date{Year: 2026, Month: time.May, Day: 24}, Reason: "Saints Cyril and Methodius"},
			{Date: domain.Date{Year: 2026, Month: time.May, Day: 25}, Reason: "Saints Cyril and Methodius (moved from Sunday)"},
		}),
			"2026-05-24 (Св. Кирил и Методиј) и 2026-05-25 (Св. Кирил и Методиј (наместо во недела))",
			"2026-05-24 (Shën Kirili dhe Metodi) dhe 2026-05-25 (Shën Kirili dhe Metodi (në vend të së dielës))"},
		{"OKOtherArgsAsTheyAre", domain.Message{Format: "Due by %s on %s.", Args: []any{"23:59:59 CET", domain.Date{Year: 2026, Month: time.March, Day: 16}}},
			"Рокот трае до 23:59:59 CET на 2026-03-16.", "Afati zgjat deri në orën 23:59:59 CET më 2026-03-16."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := i18n.TranslateMessage(domain.Macedonian, tt.m); got != tt.mk {
				t.Errorf("mk: %q, want %q", got, tt.mk)
			}
			if got := i18n.TranslateMessage(domain.Albanian, tt.m); got != tt.sq {
				t.Errorf("sq: %q, want %q", got, tt.sq)
			}
			if got, want := i18n.TranslateMessage(domain.English, tt.m), tt.m.String(); got != want {
				t.Errorf("en: %q, want %q", got, want)
			}
		})
	}
}

// TestHolidayNames checks that every state holiday, and the day that replaces one falling on a Sunday,
// has its name in Macedonian and Albanian.
func TestHolidayNames(t *testing.T) {
	cal := domain.NewCalendar(nil)
	seen := map[string]bool{}
	for year := 2026; year <= 2040; year++ {
		for _, h := range cal.Holidays(year) {
			if seen[h.Name] {
				continue
			}
			seen[h.Name] = true
			m := domain.Message{Format: "%s", Args: []any{domain.HolidayName(h.Name)}}
			for _, lang := range []domain.Language{domain.Macedonian, domain.Albanian} {
				if got := i18n.TranslateMessage(lang, m); got == h.Name || englishWord.MatchString(got) && lang == domain.Macedonian {
					t.Errorf("%s (%s) in %s: %q", h.Name, h.Source, lang, got)
				}
			}
		}
	}
	if len(seen) < 11 {
		t.Errorf("only %d names: %v", len(seen), seen)
	}
}
