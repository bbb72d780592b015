package domain_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
)

func TestDeadline_Explanation(t *testing.T) {
	skopje := mustLoadSkopje(t)
	cal := MustOpenCalendar(t)
	ch := changes{t, skopje}
	date := func(s string) domain.Date { return MustParseDate(t, s) }
	days := func(n int) domain.Amount { return domain.Amount{Count: n, Unit: domain.CalendarDays} }

	for _, tt := range []struct {
		name string
		dl   domain.Deadline
		want []domain.Message
	}{
		{
			name: "OKCalendarDaysMovedOverHoliday",
			dl:   cal.Deadline(ch.at("2026-08-24 09:00"), domain.Clock{Length: 60, Unit: domain.CalendarDays}, skopje),
			want: []domain.Message{
				{Format: "%s from %s end on %s, a %s (%s); moved to the next working day %s, passing over %s.", Args: []any{
					days(60), date("2026-08-24"), date("2026-10-23"), time.Friday,
					domain.HolidayName("Day of the Macedonian Revolutionary Struggle"), date("2026-10-26"),
					domain.SkippedDays{
						{Date: date("2026-10-23"), Reason: "Day of the Macedonian Revolutionary Struggle"},
						{Date: date("2026-10-24"), Reason: "Saturday"},
						{Date: date("2026-10-25"), Reason: "Sunday"},
					},
				}},
				{Format: "Due by %s on %s.", Args: []any{"23:59:59 CET", date("2026-10-26")}},
			},
		},
		{
			name: "OKWorkingDaysWithSkippedDays",
			dl:   cal.Deadline(ch.at("2026-04-08 15:00"), domain.Clock{Length: 5, Unit: domain.WorkingDays}, skopje),
			want: []domain.Message{
				{Format: "%s from %s end on %s, a %s; not counted: %s.", Args: []any{
					domain.Amount{Count: 5, Unit: domain.WorkingDays}, date("2026-04-08"), date("2026-04-16"), time.Thursday,
					domain.SkippedDays{
						{Date: date("2026-04-11"), Reason: "Saturday"},
						{Date: date("2026-04-12"), Reason: "Sunday"},
						{Date: date("2026-04-13"), Reason: "Orthodox Easter Monday"},
					},
				}},
				{Format: "Due by %s on %s.", Args: []any{"23:59:59 CEST", date("2026-04-16")}},
			},
		},
		{
			name: "OKSuspendedWithTimeLeft",
			dl: cal.DeadlineWith(ch.at("2026-03-02 09:00"), domain.Clock{Length: 20, Unit: domain.CalendarDays},
				[]domain.ClockChange{ch.suspend("2026-03-05 10:00", domain.SourceClarification, " ")}, skopje),
			want: []domain.Message{
				{Format: "%s from %s end on %s, a %s; moved to the next working day %s.", Args: []any{
					days(20), date("2026-03-02"), date("2026-03-22"), time.Sunday, date("2026-03-23"),
				}},
				{Format: "Suspended on %s %s with %s left.", Args: []any{
					"2026-03-05", domain.Note{Source: domain.SourceClarification}, days(17),
				}},
				{Format: "The clock is suspended; %s are left.", Args: []any{days(17)}},
			},
		},
		{
			name: "OKSuspendedHoursWithTimeLeft",
			dl: cal.DeadlineWith(ch.at("2026-05-22 09:00"), domain.Clock{Length: 2, Unit: domain.Hours},
				[]domain.ClockChange{ch.suspend("2026-05-22 10:00", domain.SourceCase, "the line is down")}, skopje),
			want: []domain.Message{
				{Format: "%s from %s end at %s; hours and minutes run on weekends and holidays too.", Args: []any{
					domain.Amount{Count: 2, Unit: domain.Hours}, "2026-05-22 09:00 CEST", "2026-05-22 11:00 CEST",
				}},
				{Format: "Suspended on %s %s with %s left.", Args: []any{
					"2026-05-22 10:00 CEST", domain.Note{Source: domain.SourceCase, Reason: "the line is down"}, domain.Span(time.Hour),
				}},
				{Format: "The clock is suspended; %s is left.", Args: []any{domain.Span(time.Hour)}},
			},
		},
		{
			name: "OKExtended",
			dl: cal.DeadlineWith(ch.at("2026-03-02 09:00"), domain.Clock{Length: 20, Unit: domain.CalendarDays},
				[]domain.ClockChange{ch.extend("2026-03-10 12:00", "7d", "large request")}, skopje),
			want: []domain.Message{
				{Format: "%s from %s end on %s, a %s; moved to the next working day %s.", Args: []any{
					days(20), date("2026-03-02"), date("2026-03-22"), time.Sunday, date("2026-03-23"),
				}},
				{Format: "Extended by %s on %s %s: due %s, moved to the next working day %s.", Args: []any{
					days(7), "2026-03-10", domain.Note{Reason: "large request"}, date("2026-03-29"), date("2026-03-30"),
				}},
				{Format: "Passed over: %s.", Args: []any{domain.SkippedDays{{Date: date("2026-03-29"), Reason: "Sunday"}}}},
				{Format: "Due by %s on %s.", Args: []any{"23:59:59 CEST", date("2026-03-30")}},
			},
		},
		{
			name: "OKStillStoppedBySources",
			dl: cal.DeadlineWith(ch.at("2026-03-02 09:00"), domain.Clock{Length: 20, Unit: domain.CalendarDays}, []domain.ClockChange{
				ch.suspend("2026-03-05 10:00", domain.SourceGlobal, "decree"), ch.suspend("2026-03-06 10:00", domain.SourceClarification, ""),
				ch.suspend("2026-03-07 10:00", domain.SourceCase, ""), ch.resume("2026-03-09 10:00", domain.SourceCase),
			}, skopje),
			want: []domain.Message{
				{Format: "%s from %s end on %s, a %s; moved to the next working day %s.", Args: []any{
					days(20), date("2026-03-02"), date("2026-03-22"), time.Sunday, date("2026-03-23"),
				}},
				{Format: "Suspended on %s %s with %s left.", Args: []any{"2026-03-05", domain.Note{Source: domain.SourceGlobal, Reason: "decree"}, days(17)}},
				{Format: "Suspended on %s %s; the clock was already stopped.", Args: []any{"2026-03-06", domain.Note{Source: domain.SourceClarification}}},
				{Format: "Suspended on %s %s; the clock was already stopped.", Args: []any{"2026-03-07", domain.Note{Source: domain.SourceCase}}},
				{Format: "Resumed on %s %s; still stopped (%s).", Args: []any{
					"2026-03-09", domain.Note{Source: domain.SourceCase}, domain.ClockSources{domain.SourceGlobal, domain.SourceClarification},
				}},
				{Format: "The clock is suspended; %s are left.", Args: []any{days(17)}},
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.dl.Explanation()
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Explanation() =\n%s\nwant\n%s", dump(got), dump(tt.want))
			}
			english := make([]string, len(got))
			for i, m := range got {
				english[i] = m.String()
				if !slices.Contains(domain.ExplanationFormats(), m.Format) {
					t.Errorf("format %q is not in ExplanationFormats", m.Format)
				}
			}
			if want := strings.Join(english, " "); tt.dl.Explain() != want {
				t.Errorf("Explain() = %q, want the messages joined: %q", tt.dl.Explain(), want)
			}
		})
	}
}

// dump writes messages one per line with their arguments' types.
func dump(msgs []domain.Message) string {
	var b strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&b, "%q", m.Format)
		for _, a := range m.Args {
			fmt.Fprintf(&b, " %T(%v)", a, a)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestExplanationWords(t *testing.T) {
	for _, tt := range []struct {
		name string
		arg  fmt.Stringer
		want string
	}{
		{"OKAmountOne", domain.Amount{Count: 1, Unit: domain.WorkingDays}, "1 working day"},
		{"OKAmountMany", domain.Amount{Count: 60, Unit: domain.CalendarDays}, "60 calendar days"},
		{"OKAmountMinutes", domain.Amount{Count: 90, Unit: domain.Minutes}, "90 minutes"},
		{"OKAmountSeconds", domain.Amount{Count: 20, Unit: domain.Seconds}, "20 seconds"},
		{"OKAmountUnknownUnit", domain.Amount{Count: 3, Unit: "weeks"}, "3 weeks"},
		{"OKSpanZero", domain.Span(0), "0 minutes"},
		{"OKSpanParts", domain.Span(time.Hour + 2*time.Minute + 3*time.Second), "1 hour, 2 minutes and 3 seconds"},
		{"OKSpanRounded", domain.Span(22*time.Hour + 45*time.Minute + 400*time.Millisecond), "22 hours and 45 minutes"},
		{"OKNoteLabelAndReason", domain.Note{Source: domain.SourceCase, Reason: "site visit"}, "(by staff: site visit)"},
		{"OKNoteReason", domain.Note{Reason: "large request"}, "(large request)"},
		{"OKNoteUnknownSource", domain.Note{Source: "court"}, "(court)"},
		{"OKSources", domain.ClockSources{domain.SourceGlobal, domain.SourceClarification, domain.SourceCase}, "all clocks, clarification and by staff"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.arg.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}

	t.Run("OKSundayShift", func(t *testing.T) {
		cal := domain.NewCalendar(nil)
		h, ok := cal.HolidayOn(domain.Date{Year: 2026, Month: time.May, Day: 25})
		if !ok || h.Name != "Saints Cyril and Methodius (moved from Sunday)" {
			t.Fatalf("HolidayOn(2026-05-25) = %+v, %t", h, ok)
		}
		if base, ok := domain.HolidayName(h.Name).SundayShift(); !ok || base != "Saints Cyril and Methodius" {
			t.Errorf("SundayShift() = %q, %t", base, ok)
		}
		if base, ok := domain.HolidayName("Saints Cyril and Methodius").SundayShift(); ok {
			t.Errorf("SundayShift() of a holiday = %q, true", base)
		}
	})

	t.Run("OKFormatsFixed", func(t *testing.T) {
		formats := domain.ExplanationFormats()
		for i, f := range formats {
			if !strings.ContainsRune(f, '%') && f != "" {
				t.Errorf("format %q has no verbs", f)
			}
			if slices.Contains(formats[:i], f) {
				t.Errorf("format %q is listed twice", f)
			}
		}
		formats[0] = "changed"
		if domain.ExplanationFormats()[0] == "changed" {
			t.Error("ExplanationFormats returns its own slice")
		}
	})
}
